"""Tampering with a case is caught and located by `rempart verify`."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Callable

import orjson
import pytest
from click.testing import CliRunner

from rempart.case import ingest, verify
from rempart.cli import main

from conftest import synthetic_capture


@pytest.fixture
def sealed(fresh_case: Any, write_jsonl: Callable[..., Path]) -> Any:
    """A case holding 6 pages (30 tweets) plus one reject, verified clean."""
    path = synthetic_capture(write_jsonl)
    with open(path, "ab") as fh:
        fh.write(b'{"data": [{"id": "9", "text": "cut\n')
    ingest(fresh_case, [path])
    report = verify(fresh_case)
    assert report.ok, report.problems
    assert report.records == 6 and report.rejects == 1 and report.messages == 30
    return fresh_case


def _db(case: Any) -> sqlite3.Connection:
    return sqlite3.connect(case.path / "case.db", isolation_level=None)


def _record_seqs(case: Any) -> list[int]:
    return [r[0] for r in _db(case).execute("select seq from records order by seq")]


def _flip(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :]


def test_one_byte_of_a_stored_payload(sealed: Any) -> None:
    seq = _record_seqs(sealed)[2]
    db = _db(sealed)
    raw = db.execute("select raw from records where seq = ?", (seq,)).fetchone()[0]
    db.execute("update records set raw = ? where seq = ?", (_flip(raw, 40), seq))
    report = verify(sealed)
    assert not report.ok
    first = report.first
    assert (first.what, first.where, first.kind) == ("record", str(seq), "altered")
    assert "capture.jsonl, line 3" in first.detail


def test_stored_payload_and_its_hash_changed_together(sealed: Any) -> None:
    import hashlib

    seq = _record_seqs(sealed)[0]
    db = _db(sealed)
    raw = db.execute("select raw from records where seq = ?", (seq,)).fetchone()[0]
    forged = raw.replace(b"message 0-0", b"message 0-X")
    db.execute(
        "update records set raw = ?, sha256 = ? where seq = ?",
        (forged, hashlib.sha256(forged).hexdigest(), seq),
    )
    report = verify(sealed)
    assert report.first is not None
    assert (report.first.what, report.first.where, report.first.kind) == (
        "record",
        str(seq),
        "altered",
    )


def test_one_byte_of_a_chain_entry(sealed: Any) -> None:
    seq = _record_seqs(sealed)[1]
    db = _db(sealed)
    body = db.execute("select body from evidence_log where seq = ?", (seq,)).fetchone()[0]
    index = body.index(b"captured_at") + 20  # a digit of the capture time
    db.execute("update evidence_log set body = ? where seq = ?", (_flip(body, index), seq))
    report = verify(sealed)
    assert report.first is not None
    assert (report.first.what, report.first.where, report.first.kind) == (
        "log entry",
        str(seq),
        "altered",
    )


def test_deleted_entry(sealed: Any) -> None:
    seq = _record_seqs(sealed)[3]
    _db(sealed).execute("delete from evidence_log where seq = ?", (seq,))
    report = verify(sealed)
    assert report.first is not None
    assert (report.first.what, report.first.where, report.first.kind) == (
        "log entry",
        str(seq),
        "missing",
    )
    assert any(p.what == "record" and p.where == str(seq) for p in report.problems)


def test_deleted_entry_and_renumbered_rest(sealed: Any) -> None:
    seq = _record_seqs(sealed)[3]
    db = _db(sealed)
    db.execute("delete from evidence_log where seq = ?", (seq,))
    db.execute("update evidence_log set seq = -seq where seq > ?", (seq,))
    db.execute("update evidence_log set seq = -seq - 1 where seq < 0")
    report = verify(sealed)
    assert report.first is not None
    assert (report.first.where, report.first.kind) == (str(seq), "missing")


def test_swapped_entries(sealed: Any) -> None:
    a, b = _record_seqs(sealed)[1:3]
    db = _db(sealed)
    db.execute("update evidence_log set seq = -1 where seq = ?", (a,))
    db.execute("update evidence_log set seq = ? where seq = ?", (a, b))
    db.execute("update evidence_log set seq = ? where seq = -1", (b,))
    report = verify(sealed)
    assert report.first is not None
    assert (report.first.what, report.first.where, report.first.kind) == (
        "log entry",
        str(a),
        "reordered",
    )
    assert f"sealed as number {b}" in report.first.detail


def test_inserted_entry(sealed: Any) -> None:
    """A forged entry slipped in after entry k, correctly chained to it, rest renumbered."""
    from rempart.evidence.log import make_entry

    seq = _record_seqs(sealed)[2]
    db = _db(sealed)
    prev_hash = db.execute("select entry_hash from evidence_log where seq = ?", (seq,)).fetchone()[
        0
    ]
    body = orjson.loads(
        db.execute("select body from evidence_log where seq = ?", (seq,)).fetchone()[0]
    )
    forged = make_entry(
        seq + 1,
        prev_hash,
        "record",
        {k: v for k, v in body.items() if k not in ("v", "seq", "kind")},
    )
    db.execute("update evidence_log set seq = -seq - 1 where seq > ?", (seq,))
    db.execute("update evidence_log set seq = -seq where seq < 0")
    db.execute(
        "insert into evidence_log values (?,?,?,?,?)",
        (forged.seq, forged.kind, forged.body, forged.prev_hash, forged.entry_hash),
    )
    report = verify(sealed)
    assert report.first is not None
    kinds = {(p.where, p.kind) for p in report.problems if p.what == "log entry"}
    assert (str(seq + 1), "inserted") in kinds


def test_truncated_log(sealed: Any) -> None:
    db = _db(sealed)
    last = db.execute("select max(seq) from evidence_log").fetchone()[0]
    db.execute("delete from evidence_log where seq = ?", (last,))
    report = verify(sealed)
    assert not report.ok
    assert any(p.kind == "missing" and "truncated" in p.detail for p in report.problems)


def test_altered_message_text_is_caught_by_replay(sealed: Any) -> None:
    db = _db(sealed)
    data = db.execute("select data from messages where id = '1000102'").fetchone()[0]
    db.execute(
        "update messages set data = ? where id = '1000102'",
        (data.replace(b"message 1-2", b"message 1-9"),),
    )
    report = verify(sealed)
    assert report.first is not None
    assert (report.first.what, report.first.where, report.first.kind) == (
        "message",
        "x:1000102",
        "altered",
    )
    assert "text" in report.first.detail
    assert verify(sealed, replay=False).ok  # the raw evidence itself is intact


def test_deleted_record_payload(sealed: Any) -> None:
    seq = _record_seqs(sealed)[4]
    _db(sealed).execute("delete from records where seq = ?", (seq,))
    report = verify(sealed)
    assert report.first is not None
    assert (report.first.what, report.first.where, report.first.kind) == (
        "record",
        str(seq),
        "missing",
    )


def test_cli_verify_exit_codes(sealed: Any) -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["verify", "--case", str(sealed.path)])
    assert ok.exit_code == 0, ok.output
    assert ok.output.startswith("OK:")
    seq = _record_seqs(sealed)[0]
    _db(sealed).execute("update evidence_log set kind = 'reject' where seq = ?", (seq,))
    bad = runner.invoke(main, ["verify", "--case", str(sealed.path)])
    assert bad.exit_code == 1
    assert f"log entry {seq}: altered" in bad.output


def test_noted_head_must_still_be_there(sealed: Any) -> None:
    head = verify(sealed).head_hash
    assert verify(sealed, head=head).ok
    assert not verify(sealed, head="ab" * 32).ok
