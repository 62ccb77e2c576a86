"""The RFC 9162 Merkle tree of the evidence log: tree hashes, inclusion and consistency proofs.

Definitions (RFC 9162 §2.1.1), with SHA-256 as ``HASH``::

    MTH({})      = HASH()                                   # the empty tree
    MTH({d0})    = HASH(0x00 || d0)                         # a leaf
    MTH(D[0:n])  = HASH(0x01 || MTH(D[0:k]) || MTH(D[k:n])) # k: largest power of 2 < n

The 0x00 / 0x01 prefixes keep leaves and interior nodes apart, so that no leaf can pass for a
node (second-preimage tricks). In rempart, leaf ``n - 1`` is the canonical ``body`` of log entry
``n``.

:class:`MerkleTree` keeps, for every level ``k``, the hashes of the complete subtrees of ``2**k``
leaves, each computed once when its last leaf arrives. An append costs one leaf copy and, on
average, one node hash; the root of any past size and any proof come from ``O(log n)`` stored
hashes plus at most ``O(log n)`` hashes for the incomplete right edge. To persist a tree, keep
its leaf hashes (:meth:`MerkleTree.packed`, or recompute them from the log bodies) and rebuild
with :meth:`MerkleTree.from_packed` / :meth:`MerkleTree.from_leaves`: the interior levels are
derived data, about one second of hashing per million leaves.

Proofs are lists of 32-byte hashes, ordered from the leaf (or the old tree) up to the root,
exactly as RFC 9162 §2.1.3.1 ``PATH`` and §2.1.4.1 ``PROOF`` define them. The verifiers
:func:`verify_inclusion` and :func:`verify_consistency` are the iterative algorithms of
§2.1.3.2 and §2.1.4.2, and refuse any malformed input (wrong lengths, an index outside the tree,
missing or extra proof elements) by returning ``False``.

Example::

    >>> tree = MerkleTree.from_leaves(leaf_hash(b"entry %d" % i) for i in range(7))
    >>> proof = tree.inclusion_proof(3)
    >>> verify_inclusion(leaf_hash(b"entry 3"), 3, 7, proof, tree.root())
    True
"""

from __future__ import annotations

from hashlib import sha256
from typing import Iterable, Sequence

from ..hashing import HASH_SIZE, leaf_hash, node_hash

_NODE = b"\x01"  # the interior-node prefix, inlined in the hot loops below

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "MerkleTree",
    "leaf_hash",
    "node_hash",
    "root_from_inclusion",
    "root_of",
    "verify_consistency",
    "verify_inclusion",
]

#: ``MTH({})``: the root of the empty tree, SHA-256 of the empty string.
EMPTY_ROOT = sha256(b"").digest()


def root_of(leaf_hashes: Sequence[bytes]) -> bytes:
    """``MTH`` of a whole list of leaf hashes (RFC 9162 §2.1.1)."""
    return MerkleTree.from_leaves(leaf_hashes).root()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than ``n`` (``n >= 2``)."""
    return 1 << ((n - 1).bit_length() - 1)


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes) and len(value) == HASH_SIZE


def _is_size(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


class MerkleTree:
    """An append-only Merkle tree over leaf hashes that answers for every past size.

    ``_levels[k]`` holds, end to end, the 32-byte hashes of the complete subtrees of ``2**k``
    leaves, left to right; ``_levels[0]`` holds the leaf hashes themselves. One ``bytearray``
    per level keeps a million-leaf tree in about 64 MB and no Python object per leaf.
    """

    __slots__ = ("_levels", "_size")

    def __init__(self) -> None:
        self._levels: list[bytearray] = [bytearray()]
        self._size = 0

    @classmethod
    def from_leaves(cls, leaf_hashes: Iterable[bytes]) -> MerkleTree:
        """Build a tree in bulk from leaf hashes, a level at a time."""
        leaves = list(leaf_hashes)
        if not all(_is_hash(h) for h in leaves):
            raise ValueError(f"every leaf hash must be {HASH_SIZE} bytes")
        return cls.from_packed(b"".join(leaves))

    @classmethod
    def from_packed(cls, data: bytes) -> MerkleTree:
        """Rebuild a tree from its leaf hashes laid end to end, as :meth:`packed` gives them."""
        if len(data) % HASH_SIZE:
            raise ValueError(f"packed leaf hashes must be a multiple of {HASH_SIZE} bytes")
        tree = cls()
        tree._size = len(data) // HASH_SIZE
        level = bytearray(data)
        tree._levels = [level]
        while len(level) >= 2 * HASH_SIZE:
            level = _parents(level)
            tree._levels.append(level)
        return tree

    def packed(self) -> bytes:
        """All leaf hashes end to end: everything needed to rebuild the tree."""
        return bytes(self._levels[0])

    @property
    def size(self) -> int:
        """The number of leaves."""
        return self._size

    def __len__(self) -> int:
        return self._size

    def leaf(self, index: int) -> bytes:
        """The hash of leaf ``index``."""
        self._check_index(index, self._size)
        return self._perfect(index, 0)

    def append(self, leaf: bytes) -> int:
        """Add one leaf hash; return its index.

        The new leaf completes one subtree per trailing 1-bit of its index, each hashed from the
        two halves already stored side by side at the level below.
        """
        if not _is_hash(leaf):
            raise ValueError(f"a leaf hash must be {HASH_SIZE} bytes")
        levels = self._levels
        index = self._size
        levels[0] += leaf
        self._size = index + 1
        k, n = 0, index
        while n & 1:
            below = levels[k]
            if k + 1 == len(levels):
                levels.append(bytearray())
            levels[k + 1] += sha256(_NODE + below[-2 * HASH_SIZE :]).digest()
            k, n = k + 1, n >> 1
        return index

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        """Append many leaf hashes, in order."""
        append = self.append
        for leaf in leaf_hashes:
            append(leaf)

    def root(self, size: int | None = None) -> bytes:
        """``MTH`` of the first ``size`` leaves (default: all of them)."""
        size = self._resolve(size)
        return self._range_hash(0, size) if size else EMPTY_ROOT

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """``PATH(index, D[0:size])`` (RFC 9162 §2.1.3.1): siblings from the leaf up to the root.

        Walks down from the root; every left turn takes the right sibling, which may be the
        incomplete right edge (hashed at most once per proof), every right turn the complete
        left sibling.
        """
        size = self._resolve(size)
        self._check_index(index, size)
        path: list[bytes] = []
        start, end = 0, size
        while end - start > 1:
            mid = start + _split(end - start)
            if index < mid:
                path.append(self._range_hash(mid, end))
                end = mid
            else:
                path.append(self._range_hash(start, mid))
                start = mid
        path.reverse()
        return path

    def consistency_proof(self, old_size: int, new_size: int | None = None) -> list[bytes]:
        """``PROOF(old_size, D[0:new_size])`` (RFC 9162 §2.1.4.1).

        Empty when ``old_size`` is 0 or equals ``new_size``: every tree extends the empty tree,
        and a tree is consistent with itself when the two roots are equal.
        """
        new_size = self._resolve(new_size)
        if not 0 <= old_size <= new_size:
            raise ValueError(f"old size {old_size} is not within 0..{new_size}")
        if old_size in (0, new_size):
            return []
        proof: list[bytes] = []
        start, end, whole = 0, new_size, True
        while old_size != end:
            mid = start + _split(end - start)
            if old_size <= mid:
                proof.append(self._range_hash(mid, end))
                end = mid
            else:
                proof.append(self._range_hash(start, mid))
                start, whole = mid, False
        if not whole:
            # SUBPROOF(m, D[m], false): the old tree's subtree is not its root, so give it
            proof.append(self._range_hash(start, end))
        proof.reverse()
        return proof

    def _resolve(self, size: int | None) -> int:
        if size is None:
            return self._size
        if not 0 <= size <= self._size:
            raise ValueError(f"size {size} is not within 0..{self._size}")
        return size

    @staticmethod
    def _check_index(index: int, size: int) -> None:
        if not 0 <= index < size:
            raise ValueError(f"leaf index {index} is not within 0..{size - 1}")

    def _perfect(self, start: int, k: int) -> bytes:
        """The stored hash of the complete subtree of ``2**k`` leaves that begins at ``start``."""
        at = (start >> k) * HASH_SIZE
        return bytes(self._levels[k][at : at + HASH_SIZE])

    def _range_hash(self, start: int, end: int) -> bytes:
        """``MTH(D[start:end])`` for a range that a walk down from some root can reach.

        Such a range starts at a multiple of a power of two at least its length, so it splits
        into the complete subtrees of its length's binary digits, largest first; RFC 9162's
        recursion folds them from the right.
        """
        n = end - start
        parts: list[bytes] = []
        for k in range(n.bit_length() - 1, -1, -1):
            if n >> k & 1:
                parts.append(self._perfect(start, k))
                start += 1 << k
        root = parts.pop()
        while parts:
            root = sha256(_NODE + parts.pop() + root).digest()
        return root


def _parents(level: bytearray) -> bytearray:
    """The next level up: the hash of each complete pair, an odd last hash left out."""
    pair = 2 * HASH_SIZE
    return bytearray(
        b"".join(
            [
                sha256(_NODE + level[i : i + pair]).digest()
                for i in range(0, len(level) - pair + 1, pair)
            ]
        )
    )


def root_from_inclusion(leaf: bytes, index: int, size: int, proof: Sequence[bytes]) -> bytes | None:
    """The root that ``proof`` leads to from ``leaf`` at ``index`` of ``size`` (RFC 9162 §2.1.3.2).

    ``None`` when the proof cannot be an inclusion proof for that position: malformed hashes, an
    index outside the tree, too few or too many elements.
    """
    if not (_is_hash(leaf) and _is_size(index) and _is_size(size) and index < size):
        return None
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0 or not _is_hash(p):
            return None
        if fn & 1 or fn == sn:
            r = sha256(_NODE + p + r).digest()
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = sha256(_NODE + r + p).digest()
        fn, sn = fn >> 1, sn >> 1
    return r if sn == 0 else None


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes
) -> bool:
    """Whether ``proof`` shows ``leaf`` at ``index`` of the tree whose head is (``size``, ``root``).

    ``size`` and ``root`` must come from the same tree head: a proof binds the leaf to the root;
    only the head's signature binds the root to its size.
    """
    return _is_hash(root) and root_from_inclusion(leaf, index, size, proof) == root


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Whether ``proof`` shows the tree (``old_size``, ``old_root``) is a prefix of the new one.

    RFC 9162 §2.1.4.2 for ``0 < old_size < new_size``. Beyond the RFC, and as proofs from
    :meth:`MerkleTree.consistency_proof` are then empty: an empty old tree (its root must be
    :data:`EMPTY_ROOT`) is a prefix of every tree, and a tree of the same size is consistent
    only when the roots are equal.
    """
    if not (_is_size(old_size) and _is_size(new_size) and old_size <= new_size):
        return False
    if not (_is_hash(old_root) and _is_hash(new_root) and all(_is_hash(p) for p in proof)):
        return False
    if old_size == 0:
        return old_root == EMPTY_ROOT and not proof
    if old_size == new_size:
        return old_root == new_root and not proof
    return _consistent(old_size, new_size, old_root, new_root, proof)


def _consistent(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """RFC 9162 §2.1.4.2 steps 1 to 7, for ``0 < old_size < new_size`` and well-formed hashes."""
    path = list(proof)
    if not path:
        return False
    if old_size & (old_size - 1) == 0:
        # a power of two: the old root is a complete subtree of the new tree, left implicit
        path.insert(0, old_root)
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = sha256(_NODE + c + fr).digest()
            sr = sha256(_NODE + c + sr).digest()
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = sha256(_NODE + sr + c).digest()
        fn, sn = fn >> 1, sn >> 1
    return fr == old_root and sr == new_root and sn == 0
