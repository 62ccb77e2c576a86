"""Per-case adaptation: what a case's users confirmed or corrected retrains a thin layer.

Raids bring their own vocabulary (a nickname, a coded insult, an in-joke from the forum that
organised them). The base model cannot know it; the people helping the target can. Their labels
(``rempart label``) train, per output, a small logistic layer over the base model's logit and the
message's hashed n-grams::

    p' = sigmoid(a * logit(p_base) + x · w + b)

The base logit enters with a large scale so that regularisation keeps the base model's
judgement unless the case's labels say otherwise. The layer lives in the case folder
(``models/case-layer.json``), never in the shared model.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import scipy.sparse as sp

from .features import hashed_features
from .normalize import tokens

if TYPE_CHECKING:
    from .classifier import Classifier

LAYER_FILE = "case-layer.json"
BASE_SCALE = 4.0
MIN_PER_CLASS = 3


@dataclass
class CaseLayer:
    """Learnt corrections for some outputs of one case's classifier."""

    n_bits: int
    heads: dict[str, dict[str, Any]] = field(default_factory=dict)
    trained_on: int = 0
    _dense: np.ndarray | None = field(default=None, repr=False, compare=False)

    def _weights(self) -> np.ndarray:
        """Dense ``(heads, 2**n_bits)`` weights, built once."""
        if self._dense is None:
            dense = np.zeros((len(self.heads), 1 << self.n_bits), np.float32)
            for i, head in enumerate(self.heads.values()):
                dense[i, head["cols"]] = head["weights"]
            self._dense = dense
        return self._dense

    def adjust(self, clf: Classifier, texts: Sequence[str], norms: Sequence[str],
               p: np.ndarray) -> np.ndarray:
        """Probabilities after the case's corrections (``p`` is ``(n, K)``)."""
        if not self.heads or not len(texts):
            return p
        X = hashed_features(norms, [tokens(n) for n in norms], self.n_bits)
        contrib = X.dot(self._weights())
        out = p.copy()
        for i, (name, head) in enumerate(self.heads.items()):
            j = clf.model.outputs.index(name)
            z = head["a"] * BASE_SCALE * _logit(p[:, j]) + contrib[:, i] + head["b"]
            out[:, j] = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        return out

    def save(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / LAYER_FILE
        path.write_text(json.dumps({"n_bits": self.n_bits, "trained_on": self.trained_on,
                                    "heads": self.heads}, sort_keys=True), encoding="utf-8")
        return path

    @classmethod
    def load(cls, folder: Path) -> CaseLayer | None:
        path = folder / LAYER_FILE
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(int(data["n_bits"]), data["heads"], int(data.get("trained_on", 0)))


def fit_case_layer(clf: Classifier, texts: Sequence[str], labels: Sequence[dict[str, int]],
                   parents: Sequence[str | None] | None = None, C: float = 1.0) -> CaseLayer:
    """Train a layer on a case's labelled texts (``labels[i]`` maps outputs to 0/1)."""
    from sklearn.linear_model import LogisticRegression

    base_clf = clf.__class__(clf.model, use_encoder=clf.use_encoder)
    p, _, norms = base_clf.probabilities(texts, parents)
    X = hashed_features(norms, [tokens(n) for n in norms], clf.model.n_bits).to_csr()
    layer = CaseLayer(clf.model.n_bits, trained_on=len(texts))
    for j, name in enumerate(clf.model.outputs):
        idx = np.array([i for i, lab in enumerate(labels) if name in lab], dtype=np.int64)
        if not len(idx):
            continue
        y = np.array([labels[i][name] for i in idx])
        if min((y == 1).sum(), (y == 0).sum()) < MIN_PER_CLASS:
            continue
        base = _logit(p[idx, j]) * BASE_SCALE
        design = sp.hstack([sp.csr_matrix(base.reshape(-1, 1)), X[idx]], format="csr")
        model = LogisticRegression(C=C, solver="liblinear", class_weight="balanced",
                                   random_state=0, max_iter=500)
        model.fit(design, y)
        coef = model.coef_[0]
        cols = np.flatnonzero(np.abs(coef[1:]) > 1e-5)
        layer.heads[name] = {"a": float(coef[0]), "b": float(model.intercept_[0]),
                             "cols": cols.tolist(),
                             "weights": [round(float(v), 6) for v in coef[1:][cols]]}
    return layer


def _logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(p, 1e-6, 1 - 1e-6)
    out: np.ndarray = np.log(q / (1 - q))
    return out
