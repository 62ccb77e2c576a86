"""A large file is read by two processes taking turns (issue 9, item 20): one reads (hashes,
parses, prepares) its batch while the other seals the previous one. The case must hold exactly
what one process would have stored, in the same order, and verify."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable

import orjson
import pytest

import rempart.case.capture as capture
from rempart.case import Case, ingest, rejects, verify
from rempart.clock import FixedClock

from conftest import T0, page, tweet, user

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


def _capture(write_jsonl: Callable[..., Path], pages: int = 9, bad: bool = True) -> Path:
    """Pages of tweets that repeat authors and replied-to posts across batches, a deletion
    notice, a duplicated line, and malformed lines (kept as rejects) in several batches."""
    lines: list[Any] = []
    for p in range(pages):
        tweets = [
            tweet(
                str(7000 + p * 10 + i),
                f"@cible page {p} tweet {i}",
                author=str(i % 3),
                when=T0 + timedelta(minutes=p * 10 + i),
                referenced_tweets=[{"type": "replied_to", "id": "6999"}],
            )
            for i in range(4)
        ]
        users = [user(str(i), f"user{i}") for i in range(3)]
        lines.append(page(tweets, users=users, retrieved=f"2026-03-0{1 + p % 3}T00:00:00+00:00"))
        if bad and p % 4 == 1:
            lines.append(b"{this is not json " + str(p).encode())
    lines.append(lines[0])  # a line captured twice in one file
    lines.append(
        page(
            [],
            errors=[
                {
                    "resource_type": "tweet",
                    "resource_id": "7001",
                    "title": "Not Found Error",
                    "detail": "gone",
                    "type": "https://api.twitter.com/2/problems/resource-not-found",
                }
            ],
        )
    )
    return write_jsonl("big.jsonl", lines)


def _case(tmp_path: Path, name: str, processes: int, batch: int = 2) -> Case:
    case = Case.create(tmp_path / name, ["@cible"], clock=FixedClock(T0, timedelta(seconds=1)))
    case.config["settings"].update(batch_size=batch, ingest_processes=processes, parallel_bytes=0)
    return case


def _content(case: Case) -> dict[str, Any]:
    """What a case holds, but the capture times (each process has its own clock)."""
    entries = [orjson.loads(e.body) for e in case.store.entries()]
    for body in entries:
        for key in ("captured_at", "started_at", "finished_at", "observed_at"):
            body.pop(key, None)
    return {
        "entries": entries,
        "records": [
            (r.seq, r.sha256, r.raw, r.line, r.reject_reason) for r in case.store.records()
        ],
        "messages": [
            (cols, stored.message.text, stored.message.status)
            for cols, stored in case.store.message_rows()
        ],
        "accounts": [cols for cols, _ in case.store.account_rows()],
        "links": list(case.store.message_links()),
        "status": [(c.id, c.status, seq) for c, seq in case.store.status_changes()],
    }


def test_two_processes_store_what_one_stores(
    tmp_path: Path, write_jsonl: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _capture(write_jsonl)
    one, two = _case(tmp_path, "one", 1), _case(tmp_path, "two", 2)
    forked: list[int] = []
    real = capture._alternating
    monkeypatch.setattr(capture, "_alternating", lambda *a: forked.append(1) or real(*a))
    with one, two:
        r1 = ingest(one, [data])
        assert not forked
        r2 = ingest(two, [data])
        assert forked == [1]
        for report in (r1, r2):
            assert report.new_records == 10 and len(report.rejects) == 2
        assert (r2.new_records, r2.known_records, r2.items) == (
            r1.new_records,
            r1.known_records,
            r1.items,
        )
        # rejects are told in file order, whichever process read them
        assert [n.line for n in r2.rejects] == [n.line for n in r1.rejects]
        assert [r.line for r in rejects(two, record=False)] == [
            r.line for r in rejects(one, record=False)
        ]
        assert _content(two) == _content(one)
        assert verify(two).ok
        again = ingest(two, [data])  # both processes find everything known
        assert again.new_records == 0 and not again.rejects and verify(two).ok


def test_a_failure_in_the_second_process_keeps_the_file_as_a_reject(
    tmp_path: Path, write_jsonl: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _capture(write_jsonl, bad=False)
    parent = os.getpid()
    real = capture._Batcher.commit

    def commit(self: Any, prepared: Any, writer: Any) -> None:
        if os.getpid() != parent:
            raise OSError("disk full")
        real(self, prepared, writer)

    monkeypatch.setattr(capture._Batcher, "commit", commit)
    with _case(tmp_path, "case", 2) as case:
        report = ingest(case, [data])
        (note,) = report.rejects
        assert "second import process failed: OSError: disk full" in note.reason
        assert report.new_records > 0  # what the first batch committed stays
        assert verify(case).ok
        monkeypatch.setattr(capture._Batcher, "commit", real)
        done = ingest(case, [data])  # importing again completes the work
        assert done.new_records > 0 and verify(case).ok


def test_small_files_and_other_stores_are_read_by_one_process(
    tmp_path: Path, write_jsonl: Callable[..., Path]
) -> None:
    data = _capture(write_jsonl, pages=2)
    with _case(tmp_path, "case", 2) as case:
        assert capture._in_two(case, 10, capture.get_source("twarc2"))
        case.config["settings"]["parallel_bytes"] = 1_000_000
        assert not capture._in_two(case, data.stat().st_size, capture.get_source("twarc2"))
        case.config["settings"].update(parallel_bytes=0, ingest_processes=1)
        assert not capture._in_two(case, 10, capture.get_source("twarc2"))


def test_the_first_batches_of_a_file_read_by_two_processes_grow_from_small() -> None:
    units = (capture.Unit(b"x" * 10, n) for n in range(1, 101))
    sizes = [len(b) for b in capture._batches(units, 16, 10**9, ramp=8)]
    assert sizes == [2, 4, 8, 16, 16, 16, 16, 16, 6]
    units = (capture.Unit(b"x" * 10, n) for n in range(1, 101))
    # the byte limit grows alike: 40 bytes (4 units), then 80, 160, 320, 320...
    assert [len(b) for b in capture._batches(units, 1000, 320, ramp=8)][:5] == [4, 8, 16, 32, 32]
    units = (capture.Unit(b"x", n) for n in range(1, 11))
    assert [len(b) for b in capture._batches(units, 4, 10**9)] == [4, 4, 2]  # no ramp


def test_two_processes_checkpoint_beside_their_commits_and_restore_the_setting(
    tmp_path: Path, write_jsonl: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = _capture(write_jsonl, bad=False)
    requested: list[int] = []
    real = capture.Checkpointer.request
    monkeypatch.setattr(
        capture.Checkpointer, "request", lambda self: requested.append(1) or real(self)
    )
    with _case(tmp_path, "case", 2) as case:
        ingest(case, [data])
        assert requested  # the parent's side (the child's are in its own memory)
        store = case.store
        assert store.db.execute("pragma wal_autocheckpoint").fetchone()[0] == 4096
        assert verify(case).ok


def test_a_checkpointer_copies_the_log_into_the_database_on_its_own_thread(
    tmp_path: Path,
) -> None:
    from rempart.storage.sqlite import SQLiteStore

    store = SQLiteStore(tmp_path / "case.db")
    db_file = tmp_path / "case.db"
    with store.checkpoints_aside() as aside:
        assert store.db.execute("pragma wal_autocheckpoint").fetchone()[0] == 0
        store.db.execute("create table t (b blob)")
        with store.transaction():
            store.db.executemany("insert into t values (?)", [(b"z" * 4000,)] * 500)
        before = db_file.stat().st_size
        aside.request()
    # closing waits for the checkpoint asked for: the pages are in the database file now
    assert db_file.stat().st_size > before + 1_000_000
    assert store.db.execute("pragma wal_autocheckpoint").fetchone()[0] == 4096
    store.close()
