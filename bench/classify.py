"""Classifier benchmark: messages/second batched and one at a time, and peak memory.

Targets (2 cores): >= 5,000 distinct messages/s batched, at least as fast as a TF-IDF +
logistic-regression baseline scoring the same texts in the same run, >= 500/s one at a time,
< 500 MB. The texts are synthetic raid messages (insults, threats, support, neutral chatter).

The baseline is what a team would build first: scikit-learn's ``TfidfVectorizer`` over word 1-2
grams and character 3-5 grams (within words), and one ``LogisticRegression`` per output (the ten
of rempart), fitted on the benchmark's own texts with their template's label (the fit is not
timed); its rate is that of ``transform`` + ``predict_proba`` on the same distinct texts, in the
same batches.

    python bench/classify.py [--messages 20000] [--single 1000] [--no-encoder]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import time

from rempart.simulate.simple_raid import HOSTILE, NEUTRAL, SUPPORT, TOPICS

BATCH = 5000


def texts(n: int, seed: int = 3) -> list[str]:
    rng = random.Random(seed)
    fmt = {"target": "cible_demo", "tag": "OnSaitTout3", "tagsuffix": "3"}
    out = []
    for i in range(n):
        template = rng.choice(NEUTRAL + HOSTILE + SUPPORT)
        text = template.format(topic=rng.choice(TOPICS), url="https://exemple.invalid/a", **fmt)
        out.append(f"{text} {rng.choice(['', '!!', '...', '😡', '🙏'])} {i % 97}")
    return out


def baseline_rate(train: list[str], unique: list[str]) -> float:
    """Messages per second of the TF-IDF + logistic-regression baseline (see the docstring)."""
    import numpy as np
    from scipy.sparse import hstack
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    from rempart.analysis.classify.categories import OUTPUTS

    hostile = {t.split("{")[0][:20] for t in HOSTILE}
    y = np.array([any(t.startswith(h) for h in hostile if h) for t in train], dtype=int)
    words = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
    chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True, min_df=2)
    X = hstack([words.fit_transform(train), chars.fit_transform(train)]).tocsr()
    rng = np.random.default_rng(0)
    models = []
    for k in range(len(OUTPUTS)):
        yk = y if k == 0 else rng.integers(0, 2, len(y))  # the others: the cost, not the skill
        models.append(LogisticRegression(max_iter=200).fit(X, yk))
    t0 = time.perf_counter()
    for i in range(0, len(unique), BATCH):
        chunk = unique[i : i + BATCH]
        Xc = hstack([words.transform(chunk), chars.transform(chunk)]).tocsr()
        for m in models:
            m.predict_proba(Xc)
    return len(unique) / (time.perf_counter() - t0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--single", type=int, default=1_000)
    parser.add_argument("--no-encoder", action="store_true")
    args = parser.parse_args()
    t0 = time.perf_counter()
    from rempart.analysis.classify.classifier import Classifier

    clf = Classifier.load(use_encoder=not args.no_encoder)
    clf.score(["warm-up"])
    if clf.use_encoder:
        from rempart.analysis.classify import encoder

        encoder.encode(["warm-up"])  # loads the encoder's weights once
    print(
        f"model {clf.version} loaded in {time.perf_counter() - t0:.2f} s "
        f"(sentence encoder {'on' if clf.use_encoder else 'off'})"
    )
    data = texts(args.messages)
    t0 = time.perf_counter()
    for i in range(0, len(data), BATCH):
        clf.score(data[i : i + BATCH])
    secs = time.perf_counter() - t0
    print(
        f"batched ({BATCH} per call, as `rempart analyze` does): {len(data)} messages "
        f"({len(set(data))} distinct) in {secs:.2f} s = {len(data) / secs:,.0f} messages/s"
    )
    unique = [f"{t} #{i}" for i, t in enumerate(data)]  # worst case: nothing repeats
    clf = Classifier.load(use_encoder=not args.no_encoder)
    t0 = time.perf_counter()
    for i in range(0, len(unique), BATCH):
        clf.score(unique[i : i + BATCH])
    secs = time.perf_counter() - t0
    print(
        f"batched, every text distinct: {len(unique)} messages in {secs:.2f} s = "
        f"{len(unique) / secs:,.0f} messages/s"
    )
    base = baseline_rate(data, unique)
    print(
        f"baseline (TF-IDF word 1-2 + char 3-5 grams, logistic regression per output), every "
        f"text distinct: {base:,.0f} messages/s; rempart/baseline: "
        f"{len(unique) / secs / base:.2f}"
    )
    fresh = texts(args.single, seed=11)  # other texts, and an empty embedding cache
    clf = Classifier.load(use_encoder=not args.no_encoder)
    t0 = time.perf_counter()
    for text in fresh:
        clf.score([text])
    secs = time.perf_counter() - t0
    print(
        f"one at a time: {args.single} messages in {secs:.2f} s = "
        f"{args.single / secs:,.0f} messages/s"
    )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (max RSS): {peak:.0f} MB; cores available: {os.cpu_count()}")


if __name__ == "__main__":
    main()
