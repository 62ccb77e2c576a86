"""What ingest's speed-ups must keep: same records, same bytes, same derived data (no timings).

The timings themselves are printed by ``bench/ingest.py``; these tests check that each shortcut
taken for speed gives exactly what the slow path gave, and that the benchmark measures what it
says.
"""

from __future__ import annotations

import dataclasses
import gc
import importlib.util
import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from rempart.case import ingest, verify
from rempart.derive.merge import merge_accounts, without_empty_text
from rempart.models import (
    Account,
    Media,
    Mention,
    Message,
    StatusChange,
    Version,
    iso,
    replace,
    sortable,
)
from rempart.sources import twitter
from rempart.storage.sqlite import SQLiteStore

from conftest import plain_messages as messages

BENCH = Path(__file__).resolve().parent.parent / "bench" / "ingest.py"
NOW = datetime(2026, 3, 2, 10, 15, 3, 250000, tzinfo=UTC)


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_ingest", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --------------------------------------------------------------------------- storage settings


def test_a_new_case_database_uses_large_pages(fresh_case: Any) -> None:
    db = sqlite3.connect(fresh_case.path / "case.db")
    assert db.execute("pragma page_size").fetchone()[0] == 16384
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_a_case_made_with_small_pages_keeps_them_and_checkpoints_every_64_mib(
    tmp_path: Path,
) -> None:
    path = tmp_path / "old.db"
    old = sqlite3.connect(path)
    old.execute("pragma page_size=4096")
    old.execute("pragma journal_mode=wal")
    old.execute("create table t (x)")
    old.close()
    store = SQLiteStore(path)
    assert store.db.execute("pragma page_size").fetchone()[0] == 4096
    assert store.db.execute("pragma wal_autocheckpoint").fetchone()[0] == 16384
    assert store.db.execute("pragma synchronous").fetchone()[0] == 1  # NORMAL
    store.close()


# --------------------------------------------------------------------------- garbage collector


def test_ingest_collects_less_often_while_it_runs_and_restores_the_thresholds(
    fresh_case: Any,
    write_jsonl: Any,
) -> None:
    from conftest import page, tweet, user

    path = write_jsonl(
        "p.jsonl", [page([tweet(str(i), f"m{i}")], [user("100", "a")]) for i in range(1, 4)]
    )
    before = gc.get_threshold()
    seen: list[tuple[int, ...]] = []
    ingest(fresh_case, [path], progress=lambda _: seen.append(gc.get_threshold()))
    assert seen and all(t[0] >= 50_000 for t in seen)
    assert gc.get_threshold() == before


def test_the_thresholds_are_restored_when_ingest_fails(fresh_case: Any, tmp_path: Path) -> None:
    before = gc.get_threshold()
    with pytest.raises(Exception):  # noqa: B017,PT011 - any failure will do
        ingest(fresh_case, [tmp_path / "missing.jsonl"])
    assert gc.get_threshold() == before


# --------------------------------------------------------------------------- fast copies


def _samples() -> list[Any]:
    message = Message(
        "x",
        "1",
        "texte",
        NOW,
        "100",
        "alice",
        "Alice",
        NOW,
        12,
        "fr",
        "0",
        "7",
        "3",
        None,
        "1",
        (Mention("bob", "2"),),
        ("tag",),
        ("https://e.x",),
        (Media("photo", "https://m.x", "k"),),
        "public",
        "https://x.com/a/1",
        (Version("1", "v1", NOW),),
        "available",
        None,
        NOW,
        "primary",
        None,
        {"k": [1]},
    )
    account = Account(
        "x",
        "100",
        "alice",
        "Alice",
        NOW,
        1,
        2,
        3,
        "bio",
        "https://x.com/alice",
        "available",
        NOW,
        ("alice",),
        {"withheld": {"country_codes": ["FR"]}},
    )
    change = StatusChange("x", "message", "1", "deleted", NOW, "gone")
    return [message, account, change, Mention("a", "1"), Media("photo"), Version("1", "t")]


@pytest.mark.parametrize("record", _samples(), ids=lambda r: type(r).__name__)
def test_replace_is_dataclasses_replace(record: Any) -> None:
    for field in dataclasses.fields(record):
        value = "changed" if field.type in ("str", "str | None") else None
        assert replace(record, **{field.name: value}) == dataclasses.replace(
            record, **{field.name: value}
        )
    assert replace(record) == record and replace(record) is not record
    with pytest.raises(TypeError):
        replace(record, no_such_field=1)


def test_without_empty_text_only_blanks_empty_strings() -> None:
    account = Account("x", "1", handle="", display_name="", bio="b", url=None)
    names = ("handle", "display_name", "bio", "url")
    assert without_empty_text(account, names) == dataclasses.replace(
        account, handle=None, display_name=None
    )
    full = Account("x", "1", handle="h", display_name="d")
    assert without_empty_text(full, names) is full
    assert without_empty_text(full, ("handle",)) is full


def _slow_merge(old: Account, new: Account) -> Account:
    """merge_accounts without its shortcut for a repeated observation."""
    different = dataclasses.replace(new, extra={**new.extra, "_": 1})
    merged = merge_accounts(old, different)
    extra = {k: v for k, v in merged.extra.items() if k != "_"}
    return dataclasses.replace(merged, extra=extra)


@pytest.mark.parametrize("handles", [("alice",), ("old", "alice"), ("alice", "alice"), ()])
def test_merging_an_account_with_the_same_observation_changes_nothing(
    handles: tuple[str, ...],
) -> None:
    stored = Account("x", "1", "alice", "Alice", NOW, 5, bio=None, observed_at=NOW, handles=handles)
    again = dataclasses.replace(stored, bio="")  # a blank profile field: the same observation
    assert merge_accounts(stored, again) == _slow_merge(stored, again)


# --------------------------------------------------------------------------- timestamps


@pytest.mark.parametrize(
    "dt",
    [
        NOW,
        datetime(2026, 3, 2, tzinfo=UTC),
        datetime(2026, 3, 2, 1, 0, tzinfo=timezone(timedelta(hours=2))),
        datetime(2026, 3, 2, tzinfo=timezone(timedelta(0), "GMT")),  # UTC, not the UTC object
        datetime(999, 1, 2, 3, 4, 5, tzinfo=UTC),
    ],
)
def test_timestamp_formats_are_unchanged(dt: datetime) -> None:
    assert sortable(dt) == dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert iso(dt) == dt.astimezone(UTC).isoformat().replace("+00:00", "Z")


# --------------------------------------------------------------------------- twarc2 parser


def test_the_twarc2_parser_builds_records_in_their_field_order() -> None:
    assert twitter._new_message is Message and twitter._new_account is Account


def test_the_twarc2_parser_passes_values_by_name_when_the_fields_move() -> None:
    order = twitter._ACCOUNT_ORDER
    values = (
        "x",
        "1",
        "alice",
        "Alice",
        NOW,
        1,
        2,
        3,
        "bio",
        "https://x.com/alice",
        "available",
        NOW,
        ("alice",),
        {},
    )
    shuffled = tuple(reversed(order))
    make = twitter._constructor(Account, shuffled)
    assert make is not Account
    assert make(*reversed(values)) == Account(*values)
    with pytest.raises(TypeError):
        twitter._constructor(Account, (*order, "gone"))(*values, None)


# --------------------------------------------------------------------------- the benchmark


def test_the_benchmark_file_is_read_whole_in_both_shapes(tmp_path: Path) -> None:
    bench = _bench()
    stored = {}
    for shape in ("flat", "pages"):
        path = tmp_path / f"{shape}.jsonl"
        tweets, lines = bench.write_file(path, 400, shape)
        assert tweets >= 300 and lines == (tweets if shape == "flat" else lines)
        case = bench.init_case(tmp_path / f"case-{shape}", ["@cible_demo"])
        report = ingest(case, [path])
        assert report.rejects == [] and report.new_records == lines
        stored[shape] = {m.id for m in messages(case, include_referenced=True)}
        assert verify(case).ok
        case.close()
    assert stored["flat"] == stored["pages"]


def test_the_floor_stores_each_line_once_keyed_by_its_hash(tmp_path: Path) -> None:
    bench = _bench()
    path = tmp_path / "lines.jsonl"
    path.write_bytes(b'{"a": 1}\n\n{"a": 2}\r\n')
    wall, cpu = bench.floor(path, tmp_path)
    assert wall >= 0 and cpu >= 0
    db = sqlite3.connect(tmp_path / "floor.db")
    assert [r[0] for r in db.execute("select raw from records order by seq")] == [
        b'{"a": 1}',
        b'{"a": 2}',
    ]
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    with pytest.raises(sqlite3.IntegrityError):
        db.execute("insert into records (sha256, raw) select sha256, raw from records")
