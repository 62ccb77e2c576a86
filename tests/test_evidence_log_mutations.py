"""Random mutations of a whole case log: every one must make `rempart verify` fail.

One case is built once (two imports, so two signed tree heads over records, captures, status
changes and custody entries); each example copies its database, changes it the way an attacker
with write access to ``case.db`` could, and verifies the copy. Over 1,000 mutations run.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rempart import case as api
from rempart.evidence.verify import verify_case
from rempart.storage import SQLiteStore

from conftest import FIXTURES, synthetic_capture

Mutation = Callable[[sqlite3.Connection, st.DataObject], str]


@pytest.fixture(scope="module")
def sealed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, bytes]]:
    """A case database after two imports and a custody entry, and the case's public key."""
    folder = tmp_path_factory.mktemp("sealed")
    case = api.init_case(folder / "case", ["@cible"])
    api.ingest(case, [FIXTURES / "twarc2" / "pages.jsonl"])

    def write(name: str, lines: list[Any]) -> Path:
        import orjson

        path = folder / name
        path.write_bytes(b"".join(orjson.dumps(x) + b"\n" for x in lines))
        return path

    api.ingest(case, [synthetic_capture(write, n_pages=3, per_page=4)])
    api.record_custody(case, "report", {"what": "dossier draft"})
    api.tree_head(case)
    assert api.verify(case, replay=False).ok
    public = (case.path / "keys" / "case-ed25519.pub.pem").read_bytes()
    case.close()
    yield folder / "case" / "case.db", public


def _pick(db: sqlite3.Connection, data: st.DataObject, table: str, key: str) -> int:
    keys = [r[0] for r in db.execute(f"select {key} from {table} order by {key}")]
    return data.draw(st.sampled_from(keys), label=f"{table}.{key}")


def _flip(blob: bytes, data: st.DataObject) -> bytes:
    i = data.draw(st.integers(0, len(blob) - 1), label="byte")
    bit = data.draw(st.integers(0, 7), label="bit")
    out = bytearray(blob)
    out[i] ^= 1 << bit
    return bytes(out)


def _flip_hex(text: str, data: st.DataObject) -> str:
    i = data.draw(st.integers(0, len(text) - 1), label="hex digit")
    return text[:i] + ("0" if text[i] != "0" else "1") + text[i + 1 :]


def entry_body_byte(db: sqlite3.Connection, data: st.DataObject) -> str:
    seq = _pick(db, data, "evidence_log", "seq")
    (body,) = db.execute("select body from evidence_log where seq = ?", (seq,)).fetchone()
    db.execute("update evidence_log set body = ? where seq = ?", (_flip(body, data), seq))
    return f"flip a bit of entry {seq}"


def entry_hash(db: sqlite3.Connection, data: st.DataObject) -> str:
    seq = _pick(db, data, "evidence_log", "seq")
    (h,) = db.execute("select entry_hash from evidence_log where seq = ?", (seq,)).fetchone()
    db.execute("update evidence_log set entry_hash = ? where seq = ?", (_flip_hex(h, data), seq))
    return f"change the hash of entry {seq}"


def delete_entry(db: sqlite3.Connection, data: st.DataObject) -> str:
    seq = _pick(db, data, "evidence_log", "seq")
    db.execute("delete from evidence_log where seq = ?", (seq,))
    return f"delete entry {seq}"


def swap_entries(db: sqlite3.Connection, data: st.DataObject) -> str:
    a = _pick(db, data, "evidence_log", "seq")
    b = _pick(db, data, "evidence_log", "seq")
    if a == b:
        b = (
            a + 1
            if db.execute("select 1 from evidence_log where seq = ?", (a + 1,)).fetchone()
            else a - 1
        )
    rows = {
        s: r
        for s, *r in db.execute(
            "select seq, kind, body, prev_hash, entry_hash from evidence_log where seq in (?, ?)",
            (a, b),
        )
    }
    for seq, other in ((a, b), (b, a)):
        db.execute(
            "update evidence_log set kind = ?, body = ?, prev_hash = ?, entry_hash = ? "
            "where seq = ?",
            (*rows[other], seq),
        )
    return f"swap entries {a} and {b}"


def truncate_log(db: sqlite3.Connection, data: st.DataObject) -> str:
    (last,) = db.execute("select max(seq) from evidence_log").fetchone()
    n = data.draw(st.integers(1, 5), label="entries cut")
    db.execute("delete from evidence_log where seq > ?", (last - n,))
    db.execute("delete from merkle_leaves where seq > ?", (last - n,))
    return f"cut the last {n} entries"


def leaf_hash_byte(db: sqlite3.Connection, data: st.DataObject) -> str:
    seq = _pick(db, data, "merkle_leaves", "seq")
    (h,) = db.execute("select hash from merkle_leaves where seq = ?", (seq,)).fetchone()
    db.execute("update merkle_leaves set hash = ? where seq = ?", (_flip(bytes(h), data), seq))
    return f"flip a bit of leaf {seq}"


def delete_leaf(db: sqlite3.Connection, data: st.DataObject) -> str:
    seq = _pick(db, data, "merkle_leaves", "seq")
    db.execute("delete from merkle_leaves where seq = ?", (seq,))
    return f"delete leaf {seq}"


def tree_head_field(db: sqlite3.Connection, data: st.DataObject) -> str:
    hid = _pick(db, data, "tree_heads", "id")
    field = data.draw(
        st.sampled_from(
            ["root_hash", "signature", "tree_size", "timestamp", "key_fingerprint", "reason"]
        ),
        label="field",
    )
    (value,) = db.execute(f"select {field} from tree_heads where id = ?", (hid,)).fetchone()
    if field == "tree_size":
        new: Any = value + data.draw(st.sampled_from([-1, 1, 2]), label="delta")
    elif field == "timestamp":
        new = value.replace("20", "19", 1)
    elif field == "reason":
        new = (value or "") + " (edited)"
    else:
        new = _flip_hex(value, data)
    db.execute(f"update tree_heads set {field} = ? where id = ?", (new, hid))
    return f"edit {field} of tree head {hid}"


def delete_tree_head(db: sqlite3.Connection, data: st.DataObject) -> str:
    # Any head but the newest on-demand one: nothing in the case records that the newest head
    # was ever signed, so only a copy kept elsewhere (a bundle, a timestamp token) shows that
    # it went missing. (Deleting an import's head is caught: each import must have its head.)
    ids = [r[0] for r in db.execute("select id from tree_heads order by id")][:-1]
    hid = data.draw(st.sampled_from(ids), label="tree_heads.id")
    db.execute("delete from tree_heads where id = ?", (hid,))
    return f"delete tree head {hid}"


def record_byte(db: sqlite3.Connection, data: st.DataObject) -> str:
    seq = _pick(db, data, "records", "seq")
    (raw,) = db.execute("select raw from records where seq = ?", (seq,)).fetchone()
    db.execute("update records set raw = ? where seq = ?", (_flip(bytes(raw), data), seq))
    return f"flip a bit of raw record {seq}"


MUTATIONS: list[Mutation] = [
    entry_body_byte,
    entry_hash,
    delete_entry,
    swap_entries,
    truncate_log,
    leaf_hash_byte,
    delete_leaf,
    tree_head_field,
    delete_tree_head,
    record_byte,
]
RUNS: list[str] = []


@settings(
    max_examples=1_050,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_every_random_mutation_of_the_log_is_caught(
    sealed: tuple[Path, bytes], tmp_path_factory: pytest.TempPathFactory, data: st.DataObject
) -> None:
    source, public = sealed
    copy = tmp_path_factory.mktemp("copy") / "case.db"
    shutil.copyfile(source, copy)
    mutate = data.draw(st.sampled_from(MUTATIONS), label="mutation")
    db = sqlite3.connect(copy, isolation_level=None)
    try:
        what = mutate(db, data)
    finally:
        db.close()
    store = SQLiteStore(copy)
    try:
        report = verify_case(store, replay=False, public_key=public)
    finally:
        store.close()
    shutil.rmtree(copy.parent, ignore_errors=True)
    RUNS.append(mutate.__name__)
    assert not report.ok, f"not caught: {what}"


def test_over_a_thousand_mutations_of_every_kind_ran() -> None:
    assert len(RUNS) >= 1_000
    assert {m.__name__ for m in MUTATIONS} <= set(RUNS)
