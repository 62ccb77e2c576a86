"""Every log entry is a Merkle leaf; signed tree heads, proofs, and tampering caught by verify."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path
from typing import Any, Callable

import orjson
import pytest
from click.testing import CliRunner

from rempart import case as api
from rempart.case import Case
from rempart.cli import main
from rempart.errors import EvidenceError
from rempart.evidence.log import GENESIS, canonical, chain_hash, make_entry
from rempart.evidence.merkle import (
    EMPTY_ROOT,
    MerkleTree,
    leaf_hash,
    verify_consistency,
    verify_inclusion,
)
from rempart.evidence.signing import (
    SignedTreeHead,
    verify_public_key_fingerprint,
    verify_tree_head,
)
from rempart.evidence.transparency import tree_heads
from rempart.storage import SQLiteStore
from rempart.storage.memory import MemoryStore

from conftest import FIXTURES, synthetic_capture

PAGES = FIXTURES / "twarc2" / "pages.jsonl"


def _db(case: Any) -> sqlite3.Connection:
    return sqlite3.connect(case.path / "case.db", isolation_level=None)


def _bodies(case: Any) -> list[bytes]:
    return [e.body for e in case.store.entries()]


def _public(case: Any) -> bytes:
    return bytes((case.path / "keys" / "case-ed25519.pub.pem").read_bytes())


@pytest.fixture
def imported(fresh_case: Any) -> Any:
    """A fresh case after one import of the twarc2 pages fixture, verified clean."""
    api.ingest(fresh_case, [PAGES])
    report = api.verify(fresh_case)
    assert report.ok, report.problems
    return fresh_case


def test_case_creation_signs_the_empty_tree(fresh_case: Any) -> None:
    [(head_id, sth)] = tree_heads(fresh_case.store)
    assert (head_id, sth.tree_size, sth.reason) == (1, 0, "key created")
    assert sth.root_hash == EMPTY_ROOT.hex()
    assert verify_tree_head(sth, _public(fresh_case))
    assert api.verify(fresh_case).ok


def test_import_signs_a_head_over_every_entry(imported: Any) -> None:
    sth = api.latest_tree_head(imported)
    assert sth is not None and sth.reason == "import"
    bodies = _bodies(imported)
    assert sth.tree_size == len(bodies) == imported.store.log_head()[0]
    assert {b"capture-start", b"record", b"capture-end"} <= {
        orjson.loads(b)["kind"].encode() for b in bodies
    }
    assert sth.root_hash == MerkleTree.from_leaves(leaf_hash(b) for b in bodies).root().hex()
    assert [h for _, h in imported.store.merkle_leaves()] == [leaf_hash(b) for b in bodies]
    assert verify_tree_head(sth, _public(imported))
    report = api.verify(imported)
    assert (report.tree_size, report.tree_root, report.tree_heads) == (
        sth.tree_size,
        sth.root_hash,
        2,
    )


def test_inclusion_proof_of_every_entry_checks_against_the_signed_root(imported: Any) -> None:
    sth = api.latest_tree_head(imported)
    assert sth is not None
    root = bytes.fromhex(sth.root_hash)
    for seq, body in enumerate(_bodies(imported), start=1):
        proof = api.inclusion_proof(imported, seq)
        assert proof["tree_size"] == sth.tree_size and proof["root_hash"] == sth.root_hash
        path = [bytes.fromhex(h) for h in proof["path"]]
        assert verify_inclusion(leaf_hash(body), seq - 1, sth.tree_size, path, root)
        assert not verify_inclusion(leaf_hash(body + b" "), seq - 1, sth.tree_size, path, root)


def test_proof_outside_the_tree_is_refused(imported: Any) -> None:
    size = imported.store.log_head()[0]
    with pytest.raises(EvidenceError, match="not in the tree"):
        api.inclusion_proof(imported, size + 1)
    with pytest.raises(EvidenceError, match="not within"):
        api.consistency_proof(imported, 1, size + 1)


def test_two_imports_are_consistent(imported: Any, write_jsonl: Callable[..., Path]) -> None:
    first = api.latest_tree_head(imported)
    api.ingest(imported, [synthetic_capture(write_jsonl, n_pages=2)])
    second = api.latest_tree_head(imported)
    assert first is not None and second is not None
    assert second.tree_size > first.tree_size
    proof = api.consistency_proof(imported, first.tree_size)
    assert (proof["old_root"], proof["new_root"]) == (first.root_hash, second.root_hash)
    hashes = [bytes.fromhex(h) for h in proof["proof"]]
    old, new = bytes.fromhex(first.root_hash), bytes.fromhex(second.root_hash)
    assert verify_consistency(first.tree_size, second.tree_size, old, new, hashes)
    assert not verify_consistency(first.tree_size, second.tree_size, new, old, hashes)
    assert api.verify(imported).ok


def test_on_demand_head_is_kept(imported: Any) -> None:
    sth = api.tree_head(imported)
    assert sth.reason == "on demand" and api.latest_tree_head(imported) == sth
    assert api.verify(imported).ok


def _problems(case: Any) -> list[tuple[str, str, str]]:
    report = api.verify(case, replay=False)
    assert not report.ok
    return [(p.what, p.where, p.kind) for p in report.problems]


def _sth_where(case: Any, head_id: int) -> str:
    size = (
        _db(case).execute("select tree_size from tree_heads where id = ?", (head_id,)).fetchone()[0]
    )
    return f"#{head_id} (size {size})"


def test_stored_leaf_hash_altered(imported: Any) -> None:
    _db(imported).execute("update merkle_leaves set hash = ? where seq = 3", (b"\x00" * 32,))
    assert _problems(imported) == [("merkle leaf", "3", "altered")]


def test_stored_leaf_hash_deleted(imported: Any) -> None:
    _db(imported).execute("delete from merkle_leaves where seq = 2")
    assert _problems(imported) == [("merkle leaf", "2", "missing")]


def test_entry_rewritten_with_a_consistent_chain_is_caught_by_the_signed_heads(
    imported: Any,
) -> None:
    """An attacker who edits entry 1 and recomputes every chain hash and leaf after it."""
    db = _db(imported)
    entries = list(imported.store.entries())
    fields = {
        k: v for k, v in orjson.loads(entries[0].body).items() if k not in ("v", "seq", "kind")
    }
    prev = GENESIS
    for entry in entries:
        new = (
            make_entry(1, GENESIS, entry.kind, {**fields, "operator": "mallory"})
            if entry.seq == 1
            else entry
        )
        new_hash = chain_hash(prev, new.body)
        db.execute(
            "update evidence_log set body = ?, prev_hash = ?, entry_hash = ? where seq = ?",
            (new.body, prev, new_hash, entry.seq),
        )
        db.execute(
            "update merkle_leaves set hash = ? where seq = ?", (leaf_hash(new.body), entry.seq)
        )
        prev = new_hash
    assert _problems(imported) == [("tree head", _sth_where(imported, 2), "altered")]


def test_change_after_a_signed_head_is_narrowed_down_by_consistency(
    imported: Any, write_jsonl: Callable[..., Path]
) -> None:
    old_size = imported.store.log_head()[0]
    api.ingest(imported, [synthetic_capture(write_jsonl, n_pages=2)])
    new_size = imported.store.log_head()[0]
    db = _db(imported)
    body = db.execute("select body from evidence_log where seq = ?", (new_size - 1,)).fetchone()[0]
    db.execute("update evidence_log set body = ? where seq = ?", (body + b" ", new_size - 1))
    report = api.verify(imported, replay=False)
    [inconsistent] = [p for p in report.problems if p.kind == "inconsistent"]
    assert inconsistent.where == _sth_where(imported, 3)
    assert f"entries {old_size + 1}-{new_size}" in inconsistent.detail
    assert ("tree head", _sth_where(imported, 2), "altered") not in _problems(imported)


def test_entry_body_altered(imported: Any) -> None:
    db = _db(imported)
    body = db.execute("select body from evidence_log where seq = 2").fetchone()[0]
    db.execute("update evidence_log set body = ? where seq = 2", (body.replace(b'"', b"'", 1),))
    problems = _problems(imported)
    assert problems[0] == ("log entry", "2", "altered")
    assert ("merkle leaf", "2", "altered") in problems
    assert ("tree head", _sth_where(imported, 2), "altered") in problems


def test_entry_deleted(imported: Any) -> None:
    _db(imported).execute("delete from evidence_log where seq = 2")
    problems = _problems(imported)
    assert problems[0] == ("log entry", "2", "missing")
    assert ("tree head", _sth_where(imported, 2), "missing") in problems  # signs one more


@pytest.mark.parametrize(
    "column, value",
    [
        ("tree_size", 1),
        ("root_hash", "ab" * 32),
        ("timestamp", "2030-01-01T00:00:00Z"),
        ("reason", "forged"),
        ("signature", "00" * 64),
        ("key_fingerprint", "cd" * 32),
    ],
)
def test_signed_head_field_tampered(imported: Any, column: str, value: Any) -> None:
    where = _sth_where(imported, 2)
    _db(imported).execute(f"update tree_heads set {column} = ? where id = 2", (value,))
    where = _sth_where(imported, 2)
    problems = _problems(imported)
    assert problems[0] == ("tree head", where, "altered")


def test_signed_head_deleted_in_the_middle(imported: Any) -> None:
    api.tree_head(imported)
    _db(imported).execute("delete from tree_heads where id = 2")
    assert ("tree head", "#2", "missing") in _problems(imported)


def test_last_signed_head_deleted(imported: Any) -> None:
    _db(imported).execute("delete from tree_heads where id = 2")
    size = imported.store.log_head()[0]
    assert _problems(imported) == [("tree head", f"size {size}", "missing")]


def test_every_signed_head_deleted(imported: Any) -> None:
    _db(imported).execute("delete from tree_heads")
    assert _problems(imported) == [("tree head", "-", "missing")]


def test_signed_heads_swapped(imported: Any) -> None:
    api.tree_head(imported)
    db = _db(imported)
    db.execute("update tree_heads set id = -1 where id = 1")
    db.execute("update tree_heads set id = 1 where id = 3")
    db.execute("update tree_heads set id = 3 where id = -1")
    assert ("tree head", _sth_where(imported, 3), "reordered") in _problems(imported)


def test_public_key_replaced_or_gone(imported: Any) -> None:
    keys = imported.path / "keys"
    (keys / "case-ed25519.pub.pem").unlink()
    assert {k for _, _, k in _problems(imported)} == {"unverifiable"}
    shutil.rmtree(keys)
    other = Case.create(imported.path.parent / "other", ["@x"])
    other.close()
    shutil.copytree(other.path / "keys", keys)
    assert {k for _, _, k in _problems(imported)} == {"altered"}


def _make_pre_migration(case: Any) -> Path:
    """Turn ``case`` into what a case made before 0004_transparency looks like on disk."""
    path = Path(case.path)
    case.close()
    db = sqlite3.connect(path / "case.db", isolation_level=None)
    db.execute("drop table merkle_leaves")
    db.execute("drop table tree_heads")
    db.execute("delete from _migrations where name = '0004_transparency'")
    db.close()
    shutil.rmtree(path / "keys")
    return path


def test_existing_case_migrates_and_verifies(
    imported: Any, write_jsonl: Callable[..., Path]
) -> None:
    bodies = _bodies(imported)
    path = _make_pre_migration(imported)
    with Case.open(path) as case:
        assert [h for _, h in case.store.merkle_leaves()] == [leaf_hash(b) for b in bodies]
        assert api.verify(case).ok
        assert case.store.tree_heads() == []
        sth = api.tree_head(case)
        assert [h.reason for _, h in tree_heads(case.store)] == ["key created", "on demand"]
        assert sth.tree_size == len(bodies)
        api.ingest(case, [synthetic_capture(write_jsonl, n_pages=2)])
        assert api.verify(case).ok
        assert api.consistency_proof(case, len(bodies))["old_root"] == sth.root_hash


def test_existing_case_gets_its_key_at_its_first_import(
    imported: Any, write_jsonl: Callable[..., Path]
) -> None:
    path = _make_pre_migration(imported)
    with Case.open(path) as case:
        api.ingest(case, [synthetic_capture(write_jsonl, n_pages=1)])
        assert [h.reason for _, h in tree_heads(case.store)] == ["key created", "import"]
        assert api.verify(case).ok


@pytest.mark.parametrize("store_type", ["memory", "sqlite"])
def test_store_keeps_leaves_and_heads(store_type: str, tmp_path: Path) -> None:
    store = MemoryStore() if store_type == "memory" else SQLiteStore(tmp_path / "c.db")
    entries, prev = [], GENESIS
    for seq in range(1, 4):
        entries.append(make_entry(seq, prev, "annotation", {"note": canonical(seq).decode()}))
        prev = entries[-1].entry_hash
    with store.transaction():
        store.append_entries(entries)
        head = {
            "tree_size": 3,
            "root_hash": "ab" * 32,
            "timestamp": "2026-03-01T12:00:00Z",
            "key_fingerprint": "cd" * 32,
            "signature": "ef" * 64,
            "reason": None,
        }
        assert store.add_tree_head(head) == 1
    assert list(store.merkle_leaves()) == [(e.seq, leaf_hash(e.body)) for e in entries]
    assert store.tree_heads() == [{"id": 1, **head}]
    store.close()


def test_cli_tree_head_and_key(imported: Any, tmp_path: Path) -> None:
    runner = CliRunner()
    case = ["--case", str(imported.path)]
    latest = runner.invoke(main, ["tree-head", "--latest", *case])
    assert latest.exit_code == 0, latest.output
    assert SignedTreeHead.from_json(latest.output) == api.latest_tree_head(imported)
    signed = runner.invoke(main, ["tree-head", *case])
    assert signed.exit_code == 0, signed.output
    sth = SignedTreeHead.from_json(signed.output)
    assert sth.reason == "on demand" and verify_tree_head(sth, _public(imported))
    out = tmp_path / "case.pub.pem"
    shown = runner.invoke(main, ["key", "--out", str(out), *case])
    assert shown.exit_code == 0, shown.output
    assert out.read_bytes() == _public(imported)
    assert shown.output.startswith("-----BEGIN PUBLIC KEY-----")
    fingerprint = shown.output.split("fingerprint: ")[1].split()[0]
    assert fingerprint == sth.key_fingerprint
    assert verify_public_key_fingerprint(out.read_bytes(), fingerprint)
    assert verify_tree_head(sth, out.read_bytes())


def test_proof_command_prints_proofs_that_verify(imported: Any) -> None:
    runner = CliRunner()
    case = str(imported.path)
    out = runner.invoke(main, ["proof", "--case", case, "--entry", "3"])
    assert out.exit_code == 0, out.output
    p = orjson.loads(out.output)
    assert verify_inclusion(
        bytes.fromhex(p["leaf_hash"]),
        p["leaf_index"],
        p["tree_size"],
        [bytes.fromhex(h) for h in p["path"]],
        bytes.fromhex(p["root_hash"]),
    )
    size = p["tree_size"]
    out = runner.invoke(main, ["proof", "--case", case, "--consistency", "2", str(size)])
    assert out.exit_code == 0, out.output
    c = orjson.loads(out.output)
    assert verify_consistency(
        c["old_size"],
        c["new_size"],
        bytes.fromhex(c["old_root"]),
        bytes.fromhex(c["new_root"]),
        [bytes.fromhex(h) for h in c["proof"]],
    )
    assert runner.invoke(main, ["proof", "--case", case]).exit_code != 0
