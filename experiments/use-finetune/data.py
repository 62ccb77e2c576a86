"""Data helpers shared by finetune.py and evaluate.py (numpy only, no JAX).

Training data: $REMPART_FT_WORK/train_examples.jsonl (text, labels, source, lang,
split in train/dev/test, parent_text).  Evaluation-only data:
$REMPART_FT_WORK/eval_examples.jsonl (field ``set``) -- never used for training.
A label missing from an example's ``labels`` dict is *unknown* (masked out of
the loss), not negative.
"""

import hashlib
import json
import os
import pickle
from collections import Counter

import numpy as np

from rempart.analysis.classify.categories import OUTPUTS

#: Where export_examples.py wrote the examples (REMPART_FT_WORK, default /tmp/rempart-ft).
WORK = os.environ.get("REMPART_FT_WORK", "/tmp/rempart-ft")
TRAIN_PATH = os.path.join(WORK, "train_examples.jsonl")
EVAL_PATH = os.path.join(WORK, "eval_examples.jsonl")
CACHE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "cache")

LABELS = OUTPUTS  # rempart's outputs, in its order
ABUSIVE = LABELS.index("abusive")


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def load_train(split=None):
    rows = read_jsonl(TRAIN_PATH)
    return rows if split is None else [r for r in rows if r["split"] == split]


def load_eval(name):
    return [r for r in read_jsonl(EVAL_PATH) if r["set"] == name]


def label_matrix(rows):
    """-> y float32 (N, 10) (0 where unknown), m float32 (N, 10) 1 = known."""
    y = np.zeros((len(rows), len(LABELS)), np.float32)
    m = np.zeros_like(y)
    for i, r in enumerate(rows):
        for j, name in enumerate(LABELS):
            if name in r["labels"]:
                y[i, j] = float(r["labels"][name])
                m[i, j] = 1.0
    return y, m


def source_balance_weights(rows):
    """Per-example weight for the ``abusive`` loss term.

    Within every source that has both abusive and non-abusive examples, each
    class gets half of the source's total weight (w = n_source / (2 n_class)),
    so a source cannot teach "this style of text is abusive" through its class
    ratio alone.  Sources with a single class (or no abusive label) keep
    weight 1.  Returns float32 (N,).
    """
    cnt = Counter((r["source"], r["labels"].get("abusive")) for r in rows)
    w = np.ones(len(rows), np.float32)
    for i, r in enumerate(rows):
        a = r["labels"].get("abusive")
        if a is None:
            continue
        n0, n1 = cnt[(r["source"], 0)], cnt[(r["source"], 1)]
        if n0 and n1:
            w[i] = (n0 + n1) / (2.0 * (n1 if a else n0))
    return w


def texts_key(texts):
    return hashlib.sha1("\x00".join(texts).encode("utf-8")).hexdigest()[:16]


def cached(name, texts, compute):
    """Memoise ``compute(texts)`` on disk under cache/<name>-<hash>.pkl."""
    os.makedirs(CACHE_DIR, exist_ok=True)
    path = os.path.join(CACHE_DIR, f"{name}-{texts_key(texts)}.pkl")
    if os.path.exists(path):
        with open(path, "rb") as f:
            return pickle.load(f)
    value = compute(texts)
    with open(path + ".tmp", "wb") as f:
        pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(path + ".tmp", path)
    return value


def roc_auc(y, s):
    """ROC-AUC with tie handling (Mann-Whitney U); y in {0,1}."""
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(y, s))
