"""Hashed character and word n-grams, computed for a whole batch at once with numpy.

Character n-grams (3 to 5) of the normalised text are hashed with a rolling polynomial over the
code points of *all* texts of a batch concatenated (a sentinel separates them, and n-grams that
straddle it are dropped), so a batch of thousands costs a handful of numpy operations. Word
unigrams and bigrams are hashed with CRC-32 per token. Counts are log-scaled and each row is
L2-normalised. Hashes are stable across processes and machines: a model trained once keeps its
meaning wherever it is loaded.

Example::

    X = hashed_features(["je sais où tu habites"], n_bits=19)   # scipy CSR, 1 x 2**19
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import scipy.sparse as sp

CHAR_ORDERS: tuple[int, ...] = (3, 4, 5)
_P = np.uint32(1_000_003)
_MIX = np.uint32(0x9E3779B1)
_ORDER_SALT = {n: np.uint32((n * 0x632BE5AB) & 0xFFFFFFFF) for n in range(1, 8)}
_SENTINEL = 0


def char_ngram_hashes(texts: Sequence[str], n_bits: int) -> tuple[np.ndarray, np.ndarray]:
    """``(row, bucket)`` arrays of every character 3-, 4- and 5-gram of every text.

    A 32-bit rolling polynomial hash over the code points of all texts joined by a sentinel;
    an n-gram is kept when no sentinel falls inside its window.
    """
    joined = "\0".join([" " + t + " " for t in texts])
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    sentinel = codes == _SENTINEL
    seg = np.cumsum(sentinel, dtype=np.int64)
    csum = np.concatenate([[0], seg])  # csum[i] = sentinels before position i
    rows_out, buckets_out = [], []
    h = codes.copy()
    shift = np.uint32(32 - n_bits)
    with np.errstate(over="ignore"):
        for n in range(2, max(CHAR_ORDERS) + 1):
            h = h[:-1] * _P + codes[n - 1 :]
            if n not in CHAR_ORDERS:
                continue
            length = len(h)
            valid = (csum[n : n + length] - csum[:length]) == 0
            mixed = (h[valid] ^ _ORDER_SALT[n]) * _MIX
            buckets_out.append((mixed >> shift).astype(np.int64))
            rows_out.append(seg[:length][valid])
    if not rows_out:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    return np.concatenate(rows_out), np.concatenate(buckets_out)


def word_hashes(token_lists: Sequence[Sequence[str]], n_bits: int) -> tuple[np.ndarray, np.ndarray]:
    """``(row, bucket)`` arrays of word unigrams and bigrams (CRC-32, salted apart from chars)."""
    mask = (1 << n_bits) - 1
    rows: list[int] = []
    buckets: list[int] = []
    crc = zlib.crc32
    for r, toks in enumerate(token_lists):
        prev = None
        for tok in toks:
            b = tok.encode("utf-8", "surrogatepass")
            rows.append(r)
            buckets.append(crc(b, 0x5EED) & mask)
            if prev is not None:
                rows.append(r)
                buckets.append(crc(prev + b"\x01" + b, 0xB16A) & mask)
            prev = b
    return np.asarray(rows, np.int64), np.asarray(buckets, np.int64)


class Hashed:
    """Hashed n-gram occurrences of a batch: ``x = (1/sqrt(m)) * sum of one-hot(col)``.

    ``rows``/``cols`` list every occurrence (duplicates add up); ``scale[r] = 1/sqrt(m_r)`` with
    ``m_r`` the number of occurrences in row ``r``, so every row has a comparable norm. The same
    vector is used for training (:meth:`to_csr`) and inference (:meth:`dot`).
    """

    __slots__ = ("cols", "n_bits", "n_rows", "rows", "scale")

    def __init__(self, rows: np.ndarray, cols: np.ndarray, n_rows: int, n_bits: int) -> None:
        self.rows, self.cols = rows, cols
        self.n_rows, self.n_bits = n_rows, n_bits
        counts = np.bincount(rows, minlength=n_rows).astype(np.float32)
        self.scale = 1.0 / np.sqrt(np.maximum(counts, 1.0))

    def to_csr(self) -> sp.csr_matrix:
        import scipy.sparse as sp  # noqa: PLC0415 - for training only: scoring starts faster

        data = self.scale[self.rows]
        X = sp.csr_matrix(
            (data, (self.rows, self.cols)), shape=(self.n_rows, 1 << self.n_bits), dtype=np.float32
        )
        X.sum_duplicates()
        return X

    def dot(self, weights_t: np.ndarray) -> np.ndarray:
        """``X @ weights_t.T`` for transposed dense weights of shape ``(k, 2**n_bits)``."""
        k = weights_t.shape[0]
        out = np.empty((self.n_rows, k), dtype=np.float32)
        for j in range(k):
            out[:, j] = np.bincount(
                self.rows, weights=weights_t[j][self.cols], minlength=self.n_rows
            )
        out *= self.scale[:, None]
        return out


def hashed_features(
    texts: Sequence[str], token_lists: Sequence[Sequence[str]] | None = None, n_bits: int = 19
) -> Hashed:
    """Hashed character 3-5-grams and word 1-2-grams, one row per (normalised) text.

    ``token_lists`` (words) default to ``str.split`` of each text.
    """
    r1, b1 = char_ngram_hashes(texts, n_bits)
    toks = token_lists if token_lists is not None else [t.split() for t in texts]
    r2, b2 = word_hashes(toks, n_bits)
    return Hashed(np.concatenate([r1, r2]), np.concatenate([b1, b2]), len(texts), n_bits)


_MASK32 = (1 << 32) - 1


def char_ngram_bucket(gram: str, n_bits: int) -> int:
    """The bucket of one character n-gram, as :func:`char_ngram_hashes` computes it."""
    h = 0
    for ch in gram:
        h = (h * int(_P) + ord(ch)) & _MASK32
    mixed = ((h ^ int(_ORDER_SALT[len(gram)])) * int(_MIX)) & _MASK32
    return mixed >> (32 - n_bits)


def word_bucket(token: str, n_bits: int) -> int:
    """The bucket of one word unigram, as :func:`word_hashes` computes it."""
    return zlib.crc32(token.encode("utf-8", "surrogatepass"), 0x5EED) & ((1 << n_bits) - 1)
