"""Per-case adaptation: what a case's users confirmed or corrected retrains a thin layer.

Raids bring their own vocabulary (a nickname, a coded insult, an in-joke from the forum that
organised them). The base model cannot know it; the people helping the target can. Their labels
(``rempart label``) train, per output, a small logistic layer over the base model's logit and the
message's hashed n-grams::

    p' = sigmoid(logit(p_base) + x · w + b)

with ``a = 1`` fixed: the layer is fitted as a correction to the base logit (an offset), and only
the n-gram weights and the bias are regularised, so the base model's judgement stands unless the
case's labels say otherwise. The layer lives in the case folder
(``models/case-layer.json``), never in the shared model.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .features import hashed_features
from .normalize import tokens

if TYPE_CHECKING:
    from .classifier import Classifier

LAYER_FILE = "case-layer.json"
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

    def adjust(
        self, clf: Classifier, texts: Sequence[str], norms: Sequence[str], p: np.ndarray
    ) -> np.ndarray:
        """Probabilities after the case's corrections (``p`` is ``(n, K)``)."""
        if not self.heads or not len(texts):
            return p
        X = hashed_features(norms, [tokens(n) for n in norms], self.n_bits)
        contrib = X.dot(self._weights())
        out = p.copy()
        for i, (name, head) in enumerate(self.heads.items()):
            j = clf.model.outputs.index(name)
            z = head["a"] * _logit(p[:, j]) + contrib[:, i] + head["b"]
            out[:, j] = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        return out

    def save(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / LAYER_FILE
        path.write_text(
            json.dumps(
                {"n_bits": self.n_bits, "trained_on": self.trained_on, "heads": self.heads},
                sort_keys=True,
            ),
            encoding="utf-8",
        )
        return path

    @classmethod
    def load(cls, folder: Path) -> CaseLayer | None:
        path = folder / LAYER_FILE
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(int(data["n_bits"]), data["heads"], int(data.get("trained_on", 0)))


def fit_case_layer(
    clf: Classifier,
    texts: Sequence[str],
    labels: Sequence[dict[str, int]],
    parents: Sequence[str | None] | None = None,
    l2: float = 0.1,
) -> CaseLayer:
    """Train a layer on a case's labelled texts (``labels[i]`` maps outputs to 0/1)."""
    base_clf = clf.__class__(clf.model, use_encoder=clf.use_encoder)
    p, _, norms = base_clf.probabilities(texts, parents)
    X = hashed_features(norms, [tokens(n) for n in norms], clf.model.n_bits).to_csr()
    layer = CaseLayer(clf.model.n_bits, trained_on=len(texts))
    for j, name in enumerate(clf.model.outputs):
        idx = np.array([i for i, lab in enumerate(labels) if name in lab], dtype=np.int64)
        if not len(idx):
            continue
        y = np.array([labels[i][name] for i in idx], dtype=np.float64)
        if min((y == 1).sum(), (y == 0).sum()) < MIN_PER_CLASS:
            continue
        sub = X[idx]
        cols = np.unique(sub.indices)
        dense = sub[:, cols].toarray().astype(np.float64)
        w, b = _fit_offset(dense, _logit(p[idx, j]).astype(np.float64), y, l2)
        keep = np.abs(w) > 1e-4
        layer.heads[name] = {
            "a": 1.0,
            "b": round(float(b), 6),
            "cols": cols[keep].tolist(),
            "weights": [round(float(v), 6) for v in w[keep]],
        }
    return layer


def _fit_offset(
    X: np.ndarray, offset: np.ndarray, y: np.ndarray, l2: float
) -> tuple[np.ndarray, float]:
    """Balanced logistic regression with a fixed offset; L2 on the weights only (L-BFGS)."""
    from scipy.optimize import minimize

    pos = y.sum()
    sw = np.where(y == 1, len(y) / (2 * pos), len(y) / (2 * (len(y) - pos)))
    m = X.shape[1]

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = theta[:m], theta[m]
        z = offset + X @ w + b
        pr = 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))
        ll = -(sw * (y * np.log(pr + 1e-12) + (1 - y) * np.log(1 - pr + 1e-12))).sum()
        g = sw * (pr - y)
        grad = np.concatenate([X.T @ g + 2 * l2 * w, [g.sum()]])
        return float(ll + l2 * (w @ w)), grad

    res = minimize(loss, np.zeros(m + 1), jac=True, method="L-BFGS-B", options={"maxiter": 500})
    return res.x[:m], float(res.x[m])


def _logit(p: np.ndarray) -> np.ndarray:
    q = np.clip(p, 1e-6, 1 - 1e-6)
    out: np.ndarray = np.log(q / (1 - q))
    return out
