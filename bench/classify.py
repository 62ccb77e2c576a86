"""Classifier benchmark: messages/second batched and one at a time, and peak memory.

Targets (2 cores): >= 5,000 messages/s batched, >= 500/s one at a time, < 500 MB.
The texts are synthetic raid messages (insults, threats, support, neutral chatter).

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
