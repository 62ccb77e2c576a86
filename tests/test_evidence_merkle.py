"""The RFC 9162 Merkle tree: roots, inclusion and consistency proofs, and strict verification.

The reference below is written in this file straight from RFC 9162's recursive definitions
(MTH §2.1.1, PATH §2.1.3.1, PROOF/SUBPROOF §2.1.4.1) and shares no code with
``rempart.evidence.merkle``. Its verifiers rebuild the roots by walking the same recursions, so
they are independent of the iterative algorithms (§2.1.3.2, §2.1.4.2) that the module uses.
"""

from __future__ import annotations

import hashlib
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rempart.evidence.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    leaf_hash,
    node_hash,
    root_from_inclusion,
    root_of,
    verify_consistency,
    verify_inclusion,
)

# --- the reference: RFC 9162 §2.1, recursive, on the entries themselves --------------------


def sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def largest_power_of_two_below(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(d: list[bytes]) -> bytes:
    """MTH(D[n])."""
    if not d:
        return sha(b"")
    if len(d) == 1:
        return sha(b"\x00" + d[0])
    k = largest_power_of_two_below(len(d))
    return sha(b"\x01" + mth(d[:k]) + mth(d[k:]))


def path(m: int, d: list[bytes]) -> list[bytes]:
    """PATH(m, D[n])."""
    if len(d) == 1:
        return []
    k = largest_power_of_two_below(len(d))
    if m < k:
        return path(m, d[:k]) + [mth(d[k:])]
    return path(m - k, d[k:]) + [mth(d[:k])]


def subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b)."""
    if m == len(d):
        return [] if b else [mth(d)]
    k = largest_power_of_two_below(len(d))
    if m <= k:
        return subproof(m, d[:k], b) + [mth(d[k:])]
    return subproof(m - k, d[k:], False) + [mth(d[:k])]


def proof(m: int, d: list[bytes]) -> list[bytes]:
    """PROOF(m, D[n]), for 0 < m < n."""
    return subproof(m, d, True)


def ref_root_from_path(leaf: bytes, m: int, n: int, p: list[bytes]) -> bytes | None:
    """Undo PATH(m, D[n]): the root that ``p`` leads to, or None if ``p`` has the wrong shape."""
    if n == 1:
        return leaf if not p else None
    if not p:
        return None
    k = largest_power_of_two_below(n)
    *rest, sibling = p
    if m < k:
        below = ref_root_from_path(leaf, m, k, rest)
        return None if below is None else sha(b"\x01" + below + sibling)
    below = ref_root_from_path(leaf, m - k, n - k, rest)
    return None if below is None else sha(b"\x01" + sibling + below)


def ref_verify_inclusion(leaf: bytes, m: int, n: int, p: list[bytes], root: bytes) -> bool:
    if not 0 <= m < n or any(len(x) != 32 for x in p):
        return False
    return ref_root_from_path(leaf, m, n, p) == root


def ref_undo_subproof(
    m: int, n: int, p: list[bytes], b: bool, old_root: bytes
) -> tuple[bytes, bytes] | None:
    """Undo SUBPROOF(m, D[n], b): (the old subtree's hash, this subtree's hash), or None."""
    if m == n:
        if b:
            return (old_root, old_root) if not p else None
        return (p[0], p[0]) if len(p) == 1 else None
    if not p:
        return None
    k = largest_power_of_two_below(n)
    *rest, last = p
    if m <= k:
        below = ref_undo_subproof(m, k, rest, b, old_root)
        return None if below is None else (below[0], sha(b"\x01" + below[1] + last))
    below = ref_undo_subproof(m - k, n - k, rest, False, old_root)
    if below is None:
        return None
    return sha(b"\x01" + last + below[0]), sha(b"\x01" + last + below[1])


def ref_verify_consistency(m: int, n: int, old: bytes, new: bytes, p: list[bytes]) -> bool:
    if not 0 < m < n or any(len(x) != 32 for x in p):
        return False
    return ref_undo_subproof(m, n, p, True, old) == (old, new)


# --- fixtures: one tree of distinct entries, queried at every past size -------------------

DATA = [b"entry %d" % i for i in range(2200)]
TREE = MerkleTree()
TREE.extend(leaf_hash(d) for d in DATA)
MAX = TREE.size


def test_empty_tree_root_is_sha256_of_nothing() -> None:
    expected = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert EMPTY_ROOT.hex() == expected
    assert MerkleTree().root().hex() == expected
    assert root_of([]).hex() == expected
    assert TREE.root(0).hex() == expected


def test_leaf_and_node_hashes_are_domain_separated() -> None:
    assert leaf_hash(b"").hex() == (
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
    )
    a, b = leaf_hash(b"a"), leaf_hash(b"b")
    assert node_hash(a, b) == sha(b"\x01" + a + b)
    assert leaf_hash(a + b) != node_hash(a, b)


def test_rfc_worked_example_of_seven_leaves() -> None:
    """RFC 9162 §2.1.5: the tree of 7 leaves, its audit paths and consistency proofs."""
    a, b, c, d, e, f, j = (sha(b"\x00" + x) for x in DATA[:7])
    g, h, i = node_hash(a, b), node_hash(c, d), node_hash(e, f)
    k, l = node_hash(g, h), node_hash(i, j)  # noqa: E741 (the RFC's names)
    tree = MerkleTree.from_leaves([a, b, c, d, e, f, j])
    assert tree.root() == node_hash(k, l)
    assert tree.inclusion_proof(0) == [b, h, l]
    assert tree.inclusion_proof(3) == [c, g, l]
    assert tree.inclusion_proof(4) == [f, j, k]
    assert tree.inclusion_proof(6) == [i, k]
    assert tree.consistency_proof(3) == [c, d, g, l]
    assert tree.consistency_proof(4) == [l]
    assert tree.consistency_proof(6) == [i, j, k]
    assert tree.root(3) == node_hash(g, c)
    assert tree.root(6) == node_hash(k, i)


CT_LEAVES = [
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
]
CT_ROOTS = [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]


def test_certificate_transparency_test_vectors() -> None:
    """The roots of the 8-leaf test tree shared by CT implementations (RFC 6962 hashing)."""
    data = [bytes.fromhex(x) for x in CT_LEAVES]
    tree = MerkleTree.from_leaves(leaf_hash(x) for x in data)
    for size, expected in enumerate(CT_ROOTS, start=1):
        assert tree.root(size).hex() == expected
        assert mth(data[:size]).hex() == expected


def test_matches_reference_for_every_size_up_to_70() -> None:
    for n in range(1, 71):
        d = DATA[:n]
        root = mth(d)
        assert TREE.root(n) == root
        assert root_of([leaf_hash(x) for x in d]) == root
        for m in range(n):
            p = TREE.inclusion_proof(m, n)
            assert p == path(m, d)
            assert verify_inclusion(leaf_hash(d[m]), m, n, p, root)
            assert ref_verify_inclusion(leaf_hash(d[m]), m, n, p, root)
        for m in range(1, n):
            p = TREE.consistency_proof(m, n)
            assert p == proof(m, d)
            assert verify_consistency(m, n, mth(d[:m]), root, p)
            assert ref_verify_consistency(m, n, mth(d[:m]), root, p)


def test_matches_reference_for_random_larger_sizes() -> None:
    rng = random.Random(9162)
    for _ in range(25):
        n = rng.randrange(71, MAX + 1)
        m = rng.randrange(n)
        old = rng.randrange(1, n)
        d = DATA[:n]
        root = mth(d)
        assert TREE.root(n) == root
        p = TREE.inclusion_proof(m, n)
        assert p == path(m, d)
        assert verify_inclusion(leaf_hash(d[m]), m, n, p, root)
        assert ref_verify_inclusion(leaf_hash(d[m]), m, n, p, root)
        c = TREE.consistency_proof(old, n)
        assert c == proof(old, d)
        assert verify_consistency(old, n, TREE.root(old), root, c)
        assert ref_verify_consistency(old, n, mth(d[:old]), root, c)


def test_verifiers_agree_with_reference_when_sizes_are_wrong() -> None:
    """A root does not encode its size, so a proof checked against the right root but another
    size is sometimes accepted (RFC 9162 relies on the signed tree head to bind the two). On all
    such claims over small trees, the iterative verifiers decide exactly as the recursive ones."""
    accepted = rejected = 0
    for n in range(1, 20):
        root = TREE.root(n)
        for m in range(n):
            p, leaf = TREE.inclusion_proof(m, n), leaf_hash(DATA[m])
            for n2 in range(n + 6):
                for m2 in (m - 1, m, m + 1):
                    verdict = verify_inclusion(leaf, m2, n2, p, root)
                    assert verdict == ref_verify_inclusion(leaf, m2, n2, p, root), (m, n, m2, n2)
                    accepted, rejected = accepted + verdict, rejected + (not verdict)
        for m in range(1, n):
            p, old = TREE.consistency_proof(m, n), TREE.root(m)
            for n2 in range(n + 6):
                for m2 in (m - 1, m, m + 1):
                    verdict = verify_consistency(m2, n2, old, root, p)
                    assert verdict == ref_verify_consistency(m2, n2, old, root, p), (m, n, m2, n2)
                    accepted, rejected = accepted + verdict, rejected + (not verdict)
    assert accepted and rejected


def test_appending_bulk_building_and_packing_agree() -> None:
    leaves = [leaf_hash(x) for x in DATA[:300]]
    bulk = MerkleTree.from_leaves(leaves)
    grown = MerkleTree()
    for n, leaf in enumerate(leaves, start=1):
        assert grown.append(leaf) == n - 1
        assert grown.size == len(grown) == n
        assert grown.root() == bulk.root(n)
    assert grown.packed() == bulk.packed() == b"".join(leaves)
    again = MerkleTree.from_packed(bulk.packed())
    assert again.root() == bulk.root()
    assert again.consistency_proof(77) == grown.consistency_proof(77)
    assert [again.leaf(i) for i in range(300)] == leaves


def test_tree_refuses_bad_arguments() -> None:
    tree = MerkleTree.from_leaves(leaf_hash(x) for x in DATA[:5])
    for bad in (b"", b"x" * 31, b"x" * 33):
        with pytest.raises(ValueError):
            tree.append(bad)
        with pytest.raises(ValueError):
            MerkleTree.from_leaves([bad])
    with pytest.raises(ValueError):
        MerkleTree.from_packed(b"x" * 33)
    with pytest.raises(ValueError):
        tree.root(6)
    with pytest.raises(ValueError):
        tree.inclusion_proof(5)
    with pytest.raises(ValueError):
        tree.inclusion_proof(2, 2)
    with pytest.raises(ValueError):
        tree.inclusion_proof(-1)
    with pytest.raises(ValueError):
        tree.consistency_proof(4, 3)
    with pytest.raises(ValueError):
        tree.leaf(5)


def test_trivial_consistency_is_empty_and_checked() -> None:
    root5 = TREE.root(5)
    assert TREE.consistency_proof(0, 5) == [] and TREE.consistency_proof(5, 5) == []
    assert verify_consistency(0, 5, EMPTY_ROOT, root5, [])
    assert verify_consistency(0, 0, EMPTY_ROOT, EMPTY_ROOT, [])
    assert verify_consistency(5, 5, root5, root5, [])
    assert not verify_consistency(0, 5, root5, root5, [])
    assert not verify_consistency(5, 5, root5, TREE.root(4), [])
    assert not verify_consistency(5, 5, root5, root5, [root5])
    assert not verify_consistency(0, 5, EMPTY_ROOT, root5, [root5])
    assert not verify_consistency(4, 5, TREE.root(4), root5, [])


def test_malformed_inputs_are_rejected() -> None:
    leaf, root = leaf_hash(DATA[2]), TREE.root(9)
    good = TREE.inclusion_proof(2, 9)
    assert verify_inclusion(leaf, 2, 9, good, root)
    assert root_from_inclusion(leaf, 2, 9, good) == root
    assert not verify_inclusion(leaf, 9, 9, [], root)
    assert not verify_inclusion(leaf, -1, 9, good, root)
    assert not verify_inclusion(leaf, 0, 0, [], EMPTY_ROOT)
    one = TREE.inclusion_proof(1, 9)
    assert verify_inclusion(leaf_hash(DATA[1]), 1, 9, one, root)
    assert not verify_inclusion(leaf_hash(DATA[1]), True, 9, one, root)
    assert not verify_inclusion(leaf[:31], 2, 9, good, root)
    assert not verify_inclusion(leaf, 2, 9, good, root[:31])
    assert not verify_inclusion(leaf, 2, 9, [*good[:-1], bytearray(good[-1])], root)  # type: ignore[list-item]
    assert root_from_inclusion(leaf, 2, 9, good[:-1]) is None
    old = TREE.root(3)
    c = TREE.consistency_proof(3, 9)
    assert verify_consistency(3, 9, old, root, c)
    assert not verify_consistency(9, 3, root, old, c)
    assert not verify_consistency(-3, 9, old, root, c)
    assert not verify_consistency(3, 9, old + b"\x00", root, c)
    assert not verify_consistency(3, 9, old, root, [*c, b""])
    assert not verify_consistency(3, 9, old, root, [])
    # a power-of-two old size leaves its root implicit; sending it again is an extra element
    c4 = TREE.consistency_proof(4, 9)
    assert verify_consistency(4, 9, TREE.root(4), root, c4)
    assert not verify_consistency(4, 9, TREE.root(4), root, [TREE.root(4), *c4])


# --- property tests: every mutation of a valid proof is rejected -------------------------

Claim = tuple[bytes, int, int, list[bytes], bytes]


def flip_bit(data: st.DataObject, value: bytes) -> bytes:
    bit = data.draw(st.integers(0, len(value) * 8 - 1))
    out = bytearray(value)
    out[bit // 8] ^= 1 << (bit % 8)
    return bytes(out)


def mutate_list(data: st.DataObject, items: list[bytes]) -> list[bytes]:
    """One edit of a proof: flip a bit, drop, add, swap, duplicate, or resize an element."""
    out = list(items)
    kinds = ["add"] + (["flip", "drop", "duplicate", "resize"] if out else [])
    kinds += ["swap"] if len(out) >= 2 else []
    kind = data.draw(st.sampled_from(kinds))
    if kind == "add":
        extra = data.draw(st.sampled_from([*out, sha(b"extra")]) if out else st.just(EMPTY_ROOT))
        out.insert(data.draw(st.integers(0, len(out))), extra)
        return out
    at = data.draw(st.integers(0, len(out) - 1))
    if kind == "flip":
        out[at] = flip_bit(data, out[at])
    elif kind == "drop":
        del out[at]
    elif kind == "duplicate":
        out.insert(at, out[at])
    elif kind == "resize":
        out[at] = data.draw(st.sampled_from([out[at][:31], out[at] + b"\x00"]))
    else:
        other = data.draw(st.integers(0, len(out) - 1).filter(lambda x: x != at))
        out[at], out[other] = out[other], out[at]
    return out


def mutate_inclusion(data: st.DataObject, claim: Claim) -> Claim:
    """One change to (leaf, index, size, proof, root) that makes the claim false."""
    leaf, index, size, p, root = claim
    kind = data.draw(
        st.sampled_from(
            ["proof", "root", "leaf", "other-leaf", "index", "size", "other-proof", "other-root"]
        )
    )
    if kind == "proof":
        return leaf, index, size, mutate_list(data, p), root
    if kind == "root":
        return leaf, index, size, p, flip_bit(data, root)
    if kind == "leaf":
        return flip_bit(data, leaf), index, size, p, root
    other = data.draw(st.integers(0, MAX - 1).filter(lambda x: x != index))
    if kind == "other-leaf":
        return leaf_hash(DATA[other]), index, size, p, root
    if kind == "index":
        return leaf, index + data.draw(st.sampled_from([-1, 1])), size, p, root
    if kind == "size":
        # size and root move together, as in a tree head
        new_size = size + data.draw(st.sampled_from([-1, 1]))
        return leaf, index, new_size, p, TREE.root(new_size)
    if kind == "other-proof":
        if other < size:
            return leaf, index, size, TREE.inclusion_proof(other, size), root
        return leaf, index, size, TREE.inclusion_proof(index, other + 1), root
    return leaf, index, size, p, TREE.root(other + 1 if other + 1 != size else other)


@settings(max_examples=700, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(st.data())
def test_every_inclusion_mutation_is_rejected(data: st.DataObject) -> None:
    size = data.draw(st.integers(1, MAX - 1))
    index = data.draw(st.integers(0, size - 1))
    claim: Claim = (
        leaf_hash(DATA[index]),
        index,
        size,
        TREE.inclusion_proof(index, size),
        TREE.root(size),
    )
    assert verify_inclusion(*claim) and ref_verify_inclusion(*claim)
    mutated = mutate_inclusion(data, claim)
    if mutated == claim:  # e.g. a proof that happens to be the same: not a mutation
        return
    assert not verify_inclusion(*mutated), mutated
    assert not ref_verify_inclusion(*mutated)


Head = tuple[int, bytes]


def head(size: int) -> Head:
    """The (size, root) pair of the shared tree at ``size``, as a tree head carries it."""
    return size, TREE.root(size)


def mutate_consistency(
    data: st.DataObject, old: Head, new: Head, p: list[bytes]
) -> tuple[Head, Head, list[bytes]]:
    """One change to (old head, new head, proof) that makes the claim false."""
    kind = data.draw(
        st.sampled_from(
            ["proof", "old-root", "new-root", "old-size", "new-size", "swap", "other-proof"]
        )
    )
    if kind == "proof":
        return old, new, mutate_list(data, p)
    if kind == "old-root":
        return (old[0], flip_bit(data, old[1])), new, p
    if kind == "new-root":
        return old, (new[0], flip_bit(data, new[1])), p
    if kind == "old-size":
        return head(old[0] + data.draw(st.sampled_from([-1, 1]))), new, p
    if kind == "new-size":
        return old, head(new[0] + data.draw(st.sampled_from([-1, 1]))), p
    if kind == "swap":
        return new, old, p
    m = data.draw(st.integers(1, new[0] - 1))
    n = data.draw(st.integers(old[0] + 1, MAX))
    return (
        old,
        new,
        data.draw(
            st.sampled_from([TREE.consistency_proof(m, new[0]), TREE.consistency_proof(old[0], n)])
        ),
    )


@settings(max_examples=700, deadline=None)
@given(st.data())
def test_every_consistency_mutation_is_rejected(data: st.DataObject) -> None:
    new_size = data.draw(st.integers(2, MAX - 1))
    old_size = data.draw(st.integers(1, new_size - 1))
    old, new = head(old_size), head(new_size)
    p = TREE.consistency_proof(old_size, new_size)
    assert verify_consistency(old[0], new[0], old[1], new[1], p)
    assert ref_verify_consistency(old[0], new[0], old[1], new[1], p)
    m_old, m_new, m_p = mutate_consistency(data, old, new, p)
    if (m_old, m_new, m_p) == (old, new, p):  # e.g. a proof that happens to be the same
        return
    assert not verify_consistency(m_old[0], m_new[0], m_old[1], m_new[1], m_p)
    assert not ref_verify_consistency(m_old[0], m_new[0], m_old[1], m_new[1], m_p)
