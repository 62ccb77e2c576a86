"""Issue 9 item 2: `verify` during an ingest judges one committed snapshot, never a mix.

Verify used to read the log, then the records, then the messages in separate statements, so an
import committing in between made records appear that "no log entry seals" (`FAILED … inserted`).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, Callable, Iterator

from rempart import case as api
from rempart.case import Case
from rempart.clock import FixedClock
from rempart.evidence.transparency import case_public_key
from rempart.evidence.verify import verify_case
from rempart.storage.base import RawRecord
from rempart.storage.sqlite import SQLiteStore

from conftest import T0, page, tweet


def _capture(write_jsonl: Callable[..., Path], name: str, start: int, pages: int) -> Path:
    lines = [
        page([tweet(str(start + p * 10 + i), f"@cible message {p}-{i}") for i in range(4)])
        for p in range(pages)
    ]
    return write_jsonl(name, lines)


def _writer(path: Path) -> Case:
    """A second connection to the same case file, writing small transactions."""
    case = Case.open(path, clock=FixedClock(T0))
    case.config.setdefault("settings", {})["batch_size"] = 2
    return case


class _IngestBetweenReads:
    """The real store, with an import by another connection committing right after verify has
    read the log and before it reads the records (the window the bug needed)."""

    def __init__(self, store: SQLiteStore, on_records: Callable[[], None]) -> None:
        self._store = store
        self._on_records = on_records

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def records(self, rejects_only: bool = False) -> Iterator[RawRecord]:
        if self._on_records is not None:
            hook, self._on_records = self._on_records, None  # type: ignore[assignment]
            hook()
        return self._store.records(rejects_only)


def test_import_committed_between_verify_reads_is_not_seen(
    fresh_case: Case, write_jsonl: Callable[..., Path]
) -> None:
    api.ingest(fresh_case, [_capture(write_jsonl, "a.jsonl", 1_000, 3)])
    writer = _writer(fresh_case.path)
    try:
        store = _IngestBetweenReads(
            fresh_case.store,
            lambda: api.ingest(writer, [_capture(write_jsonl, "b.jsonl", 2_000, 3)]),
        )
        report = verify_case(store, public_key=case_public_key(fresh_case.path))  # type: ignore[arg-type]
        assert report.ok, [str(p) for p in report.problems]
        assert report.records == 3 and report.messages == 12
    finally:
        writer.close()
    after = api.verify(fresh_case)  # the new import is there once the snapshot is over
    assert after.ok and after.records == 6 and after.messages == 24


def test_verify_during_a_running_ingest_is_always_ok(
    fresh_case: Case, write_jsonl: Callable[..., Path]
) -> None:
    api.ingest(fresh_case, [_capture(write_jsonl, "a.jsonl", 1_000, 2)])
    big = _capture(write_jsonl, "b.jsonl", 100_000, 60)
    writer = _writer(fresh_case.path)
    failures: list[str] = []
    done = threading.Event()

    def run() -> None:
        try:
            api.ingest(writer, [big])
        finally:
            done.set()

    thread = threading.Thread(target=run)
    thread.start()
    runs = 0
    try:
        while not done.is_set() or runs < 3:
            report = api.verify(fresh_case)
            runs += 1
            failures += [str(p) for p in report.problems]
    finally:
        thread.join()
        writer.close()
    assert not failures, failures[:5]
    assert api.verify(fresh_case).messages == 8 + 240


def test_no_write_inside_a_read_snapshot(fresh_case: Case) -> None:
    import pytest

    from rempart.errors import StoreError

    with fresh_case.store.snapshot():
        with pytest.raises(StoreError):
            with fresh_case.store.transaction():
                pass
    with fresh_case.store.transaction():  # usable again afterwards
        pass
