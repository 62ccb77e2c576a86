"""Evidence benchmark: the Merkle tree over the evidence log, its verification and its proofs.

Prints (targets from issue 5):

1. the append rate: leaf hashing plus appending, over entry-like log bodies (>= 50,000 leaves/s);
2. the full verification time: every leaf hash, the hash chain and the root recomputed from the
   bodies and checked against the stored values (<= 20 s for 1,000,000 leaves);
3. inclusion and consistency proof sizes for 10 .. 1,000,000 leaves (they grow as log2 n), with
   the time to make and to verify one proof;
4. the same log written through a real case store (``case.db``: entries and their Merkle leaves
   in one transaction per 10,000 entries, as an import does), then ``rempart verify``'s log and
   tree passes over it.

    python bench/evidence.py [--leaves 1000000] [--proofs 1000]

Each part is one function over a :class:`Log` of generated entries, so that a part timing the
real store (entries read from a case's ``case.db``) can be added beside them.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
import time
from dataclasses import dataclass
from typing import Callable, TypeVar

from rempart.evidence.log import GENESIS, chain_hash, make_entry
from rempart.evidence.merkle import (
    HASH_SIZE,
    MerkleTree,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)

PROOF_SIZES = (10, 1_000, 100_000, 1_000_000)
T = TypeVar("T")


@dataclass
class Log:
    """Entries as the store keeps them: canonical bodies and their chained hashes (hex)."""

    bodies: list[bytes]
    entry_hashes: list[str]


def make_log(n: int) -> Log:
    """``n`` ``record`` entries shaped like the ones ingest writes (about 300 bytes of JSON)."""
    bodies: list[bytes] = []
    hashes: list[str] = []
    head = GENESIS
    for seq in range(1, n + 1):
        raw_sha = leaf_hash(seq.to_bytes(8, "big")).hex()
        entry = make_entry(
            seq,
            head,
            "record",
            {
                "capture": 1 + seq // 200_000,
                "record_sha256": raw_sha,
                "size": 600 + seq % 1_500,
                "source": {"name": "mentions.jsonl", "sha256": "5e" * 32},
                "format": "twarc2",
                "line": seq,
                "offset": None,
                "member": None,
                "context_sha256": None,
                "captured_at": f"2026-03-01T12:{seq // 60_000 % 60:02d}:{seq // 1000 % 60:02d}Z",
                "clock": "system",
                "tool": "rempart",
                "tool_version": "0.1.0",
            },
        )
        # a tight copy: orjson's output keeps its whole write buffer (kilobytes) allocated
        bodies.append(bytes(memoryview(entry.body)))
        hashes.append(entry.entry_hash)
        head = entry.entry_hash
    return Log(bodies, hashes)


def timed(fn: Callable[[], T]) -> tuple[T, float]:
    """The result of ``fn()`` and the seconds it took."""
    t0 = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - t0


def build_tree(log: Log) -> MerkleTree:
    """Hash every body as a leaf and append it, one at a time, as the log writer will."""
    tree = MerkleTree()
    append = tree.append
    for body in log.bodies:
        append(leaf_hash(body))
    return tree


def bench_append(log: Log) -> MerkleTree:
    """Part 1: the append rate, then a rebuild from the stored leaf hashes for comparison."""
    tree, secs = timed(lambda: build_tree(log))
    n = tree.size
    mean = sum(map(len, log.bodies)) / n
    print(
        f"append: {n:,} leaves (bodies of {mean:.0f} bytes on average, leaf hashing included) "
        f"in {secs:.2f} s = {n / secs:,.0f} leaves/s (target >= 50,000)"
    )
    packed = tree.packed()
    rebuilt, secs = timed(lambda: MerkleTree.from_packed(packed))
    assert rebuilt.root() == tree.root()
    print(f"rebuild from {len(packed) / 1e6:.0f} MB of stored leaf hashes: {secs:.2f} s")
    return tree


def verify_log(log: Log, root: bytes) -> bool:
    """Recompute every leaf hash, chain hash and the root from the bodies; compare them."""
    head = GENESIS
    leaves: list[bytes] = []
    add = leaves.append
    for body, stored in zip(log.bodies, log.entry_hashes):
        head = chain_hash(head, body)
        if head != stored:
            return False
        add(leaf_hash(body))
    return MerkleTree.from_leaves(leaves).root() == root


def bench_verify(log: Log, tree: MerkleTree) -> None:
    """Part 2: full verification, and proof that it fails on one changed byte."""
    ok, secs = timed(lambda: verify_log(log, tree.root()))
    print(
        f"verify: {tree.size:,} leaves (chain, leaf hashes and root from the bodies) "
        f"in {secs:.2f} s, ok={ok} (target <= 20 s)"
    )
    middle = len(log.bodies) // 2
    original = log.bodies[middle]
    log.bodies[middle] = original.replace(b'"twarc2"', b'"twarc3"')
    caught = not verify_log(log, tree.root())
    log.bodies[middle] = original
    print(f"verify after changing one byte of entry {middle + 1:,}: tampering caught={caught}")


def bench_proofs(tree: MerkleTree, rounds: int) -> None:
    """Part 3: proof sizes and timings for each past size the tree reaches."""
    rng = random.Random(9162)
    print(
        f"proofs (largest of {rounds:,} random proofs per size, in hashes and bytes; "
        f"consistency from a random earlier size; mean time per proof):"
    )
    print(
        f"  {'leaves':>10}  {'log2':>4}  {'inclusion':>12}  {'consistency':>12}  "
        f"{'make incl.':>10}  {'check incl.':>11}  {'make cons.':>10}  {'check cons.':>11}"
    )
    for size in (s for s in PROOF_SIZES if s <= tree.size):
        print(_proof_row(tree, size, rng, rounds))


def _proof_row(tree: MerkleTree, size: int, rng: random.Random, rounds: int) -> str:
    """Make and check ``rounds`` proofs of each kind against the tree head at ``size``."""
    root = tree.root(size)
    indices = [rng.randrange(size) for _ in range(rounds)]
    olds = [rng.randrange(1, size) for _ in range(rounds)]
    old_roots = [tree.root(m) for m in olds]
    incl, t_incl = timed(lambda: [tree.inclusion_proof(i, size) for i in indices])
    cons, t_cons = timed(lambda: [tree.consistency_proof(m, size) for m in olds])
    ok_incl, v_incl = timed(
        lambda: all(verify_inclusion(tree.leaf(i), i, size, p, root) for i, p in zip(indices, incl))
    )
    ok_cons, v_cons = timed(
        lambda: all(
            verify_consistency(m, size, r, root, p) for m, r, p in zip(olds, old_roots, cons)
        )
    )
    assert ok_incl and ok_cons
    return (
        f"  {size:>10,}  {math.log2(size):>4.1f}  {_size(incl):>12}  {_size(cons):>12}  "
        f"{_us(t_incl, rounds):>10}  {_us(v_incl, rounds):>11}  "
        f"{_us(t_cons, rounds):>10}  {_us(v_cons, rounds):>11}"
    )


def _size(proofs: list[list[bytes]]) -> str:
    """The largest proof, in elements and bytes."""
    most = max(len(p) for p in proofs)
    return f"{most} ({most * HASH_SIZE} B)"


def _us(secs: float, rounds: int) -> str:
    return f"{secs / rounds * 1e6:.0f} us"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--proofs", type=int, default=1_000, help="Proofs timed per size.")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}; cores available: {os.cpu_count()}")
    log, secs = timed(lambda: make_log(args.leaves))
    print(f"generated {args.leaves:,} log entries in {secs:.1f} s")
    tree = bench_append(log)
    bench_verify(log, tree)
    bench_proofs(tree, args.proofs)
    bench_case(log)


def bench_case(log: Log, batch: int = 10_000) -> None:
    """Append the log's entries to a real SQLite case store, then verify its log and tree."""
    import tempfile
    from pathlib import Path

    from rempart.evidence.log import LogWriter
    from rempart.evidence.verify import verify_case
    from rempart.storage.sqlite import SQLiteStore

    with tempfile.TemporaryDirectory() as tmp:
        store = SQLiteStore(Path(tmp) / "case.db")
        what = {"command": "rempart messages", "filters": {"platform": "x"}, "count": 120}

        def append() -> None:
            writer = LogWriter(store)
            for start in range(0, len(log.bodies), batch):
                with store.transaction():
                    writer.sync()
                    for i in range(start, min(start + batch, len(log.bodies))):
                        writer.append("view", {"by": "bench", "at": f"{i}", "what": what})
                    writer.flush()

        _, secs = timed(append)
        n = len(log.bodies)
        print(
            f"case store: {n:,} entries with their Merkle leaves written to case.db in "
            f"{secs:.2f} s = {n / secs:,.0f} leaves/s (target >= 50,000)"
        )
        report, secs = timed(lambda: verify_case(store, replay=False))
        print(
            f"case store: verify (chain, leaves, tree) of {report.entries:,} entries in "
            f"{secs:.2f} s, ok={report.ok} (target <= 20 s)"
        )
        store.close()


if __name__ == "__main__":
    main()
