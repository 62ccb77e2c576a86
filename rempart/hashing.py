"""Hashing and canonical JSON: the bytes that evidence is sealed with, shared by every layer.

The evidence log (:mod:`rempart.evidence.log`) chains entries by :func:`chain_hash` of their
:func:`canonical` bodies; the RFC 9162 Merkle tree (:mod:`rempart.evidence.merkle`) hashes
those bodies as leaves with :func:`leaf_hash`; stores (:mod:`rempart.storage`) keep each leaf
hash beside its entry. All of them use this one module, so the store never reaches up into the
evidence package.

Example::

    >>> canonical({"b": 1, "a": "é"})
    b'{"a":"\\xc3\\xa9","b":1}'
    >>> len(leaf_hash(b"entry"))
    32
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import orjson

__all__ = [
    "GENESIS",
    "HASH_SIZE",
    "canonical",
    "file_digest",
    "chain_hash",
    "leaf_hash",
    "node_hash",
    "sha256_hex",
]

#: The hash that the first log entry chains to.
GENESIS = "0" * 64

#: Bytes in a SHA-256 hash, hence in every leaf hash, node hash, root and proof element.
HASH_SIZE = 32

_CANON = orjson.OPT_SORT_KEYS | orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS
_LEAF = b"\x00"
_NODE = b"\x01"


def canonical(obj: Any) -> bytes:
    """Canonical JSON bytes: sorted keys, compact, UTF-8.

    Copied to a tight ``bytes``: orjson's result keeps its whole write buffer (about 4 KB)
    allocated, which adds up when many entries are held, as a large import or a full
    verification does.
    """
    return bytes(memoryview(orjson.dumps(obj, option=_CANON)))


def sha256_hex(data: bytes) -> str:
    """SHA-256 of ``data`` as 64 lower-case hex digits."""
    return hashlib.sha256(data).hexdigest()


def chain_hash(prev_hash: str, body: bytes) -> str:
    """The hash that seals a log entry to its predecessor: SHA-256(prev || body), in hex."""
    h = hashlib.sha256(bytes.fromhex(prev_hash))
    h.update(body)
    return h.hexdigest()


def leaf_hash(data: bytes) -> bytes:
    """``HASH(0x00 || data)``: the RFC 9162 hash of one Merkle leaf."""
    return hashlib.sha256(_LEAF + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """``HASH(0x01 || left || right)``: the RFC 9162 hash of an interior node."""
    return hashlib.sha256(_NODE + left + right).digest()


def file_digest(path: str | Path) -> tuple[str, int]:
    """SHA-256 and size of a file, streamed."""
    h = hashlib.sha256()
    size = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
            size += len(chunk)
    return h.hexdigest(), size
