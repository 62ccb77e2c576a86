"""Issue 9 item 18: `--since` / `--until` are instants, not text.

The same instant written with an offset used to select nothing (a string comparison), and
`notadate` was accepted. Messages of the synthetic capture are created from 2026-03-01T12:00Z,
one a minute within each page, ten minutes apart (30 messages, 12:00 to 12:54 UTC).
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import orjson
import pytest
from click.testing import CliRunner

from rempart import case as api
from rempart.case import Case
from rempart.cli import main
from rempart.errors import RempartError
from rempart.evidence.bundle import Selection

from conftest import plain_messages, synthetic_capture


@pytest.fixture
def case(fresh_case: Case, write_jsonl: Callable[..., Path]) -> Case:
    api.ingest(fresh_case, [synthetic_capture(write_jsonl)])
    return fresh_case


def _count(case: Case, since: str | None = None, until: str | None = None) -> int:
    return len(list(plain_messages(case, since=since, until=until, include_referenced=True)))


@pytest.mark.parametrize(
    "since",
    [
        "2026-03-01T12:30:00Z",
        "2026-03-01T12:30:00+00:00",
        "2026-03-01T14:30:00+02:00",
        "2026-03-01T07:30:00-05:00",
        "2026-03-01T12:30",
        "2026-03-01 12:30:00",
        " 2026-03-01T12:30Z ",
        "2026-03-01T12:30:00.000000Z",
    ],
)
def test_the_same_instant_in_any_spelling_selects_the_same_messages(case: Case, since: str) -> None:
    assert _count(case, since=since) == 15  # pages 3 to 5: 12:30 to 12:54
    assert _count(case, until=since) == 15  # until is excluded: 12:00 to 12:24


def test_a_date_alone_is_the_whole_day_in_utc(case: Case) -> None:
    assert _count(case) == 30
    assert _count(case, since="2026-03-01") == 30
    assert _count(case, until="2026-03-01") == 30  # the whole day is included
    assert _count(case, since="2026-03-01", until="2026-03-01") == 30
    assert _count(case, until="2026-02-28") == 0
    assert _count(case, since="2026-03-02") == 0


@pytest.mark.parametrize(
    "bad", ["notadate", "2026-13-01", "yesterday", "12:30", "2026-03-01T25:00"]
)
def test_what_is_not_a_date_is_refused_naming_the_option(case: Case, bad: str) -> None:
    with pytest.raises(RempartError, match="--since .* is not a date"):
        plain_messages(case, since=bad)  # at once, before any output
    with pytest.raises(RempartError, match="--until .* is not a date"):
        list(case.store.messages(until=bad))
    with pytest.raises(RempartError, match="--until .* is not a date"):
        Selection.parse(until=bad)


def test_cli_messages_and_export_parse_dates(case: Case, tmp_path: Path) -> None:
    runner = CliRunner()
    where = ["--case", str(case.path)]
    z = runner.invoke(main, ["messages", "--json", "--since", "2026-03-01T12:30:00Z", *where])
    offset = runner.invoke(
        main, ["messages", "--json", "--since", "2026-03-01T14:30:00+02:00", *where]
    )
    assert z.exit_code == offset.exit_code == 0
    assert z.output == offset.output and len(orjson.loads(z.output)) == 15
    bad = runner.invoke(main, ["messages", "--since", "notadate", *where])
    assert bad.exit_code == 2 and "--since" in bad.output and "not a date" in bad.output
    assert "Traceback" not in bad.output
    bad = runner.invoke(
        main, ["export-bundle", "--out", str(tmp_path / "b.zip"), "--until", "notadate", *where]
    )
    assert bad.exit_code == 2 and "--until" in bad.output and not (tmp_path / "b.zip").exists()
    out = runner.invoke(
        main,
        [
            "export-bundle",
            "--out",
            str(tmp_path / "b.zip"),
            "--since",
            "2026-03-01T14:30:00+02:00",
            *where,
        ],
    )
    assert out.exit_code == 0, out.output
    assert "3 records" in out.output  # the pages of the 15 messages from 12:30 UTC on
    export = [e for e in api.custody(case, record=False) if e.kind == "export"][-1]
    assert export.what["selection"]["since"] == "2026-03-01T12:30:00Z"  # the bound applied


def test_memory_store_reads_bounds_the_same_way() -> None:
    from datetime import UTC, datetime

    from rempart.models import Message
    from rempart.storage.base import StoredMessage
    from rempart.storage.memory import MemoryStore

    store = MemoryStore()
    when = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    msg = Message(platform="x", id="1", author_id="a", text="t", created_at=when)
    store.put_messages([StoredMessage(msg, "twarc2", 1, 1)], new=True)
    assert len(list(store.messages(since="2026-03-01T13:00:00+01:00"))) == 1
    assert len(list(store.messages(until="2026-03-01T13:00:00+01:00"))) == 0
    assert len(list(store.messages(until="2026-03-01"))) == 1
