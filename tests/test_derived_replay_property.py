"""Derived data replays identically, whatever the order, overlaps and batches of the imports.

``rempart verify`` rebuilds every message and account from the stored raw records and compares
them with the stored ones. Whatever a user does (import files in any order, import a file twice,
import overlapping files, in any transaction size), an untouched case must verify: otherwise
verify cries wolf, and a court cannot tell a false alarm from tampering.
"""

from __future__ import annotations

import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rempart.api import ingest, messages, verify
from rempart.case import Case
from rempart.clock import FixedClock

from conftest import FIXTURES, T0, page, tweet

#: Export folders read as a whole (their files only make sense together).
_FOLDERS = (FIXTURES / "twitter_archive", FIXTURES / "bluesky" / "repo")


def _inputs() -> list[Path]:
    """Every fixture: export folders as one input, every other file as its own."""
    files = [p for p in sorted(FIXTURES.rglob("*"))
             if p.is_file() and not any(p.is_relative_to(f) for f in _FOLDERS)]
    return [*_FOLDERS, *files]


INPUTS = _inputs()


@st.composite
def _plans(draw: st.DrawFn) -> tuple[list[list[Path]], int]:
    """Imports (each a list of inputs) and a batch size: a random subset of the fixtures in a
    random order, cut into up to four imports, with some inputs imported again."""
    chosen = draw(st.lists(st.sampled_from(INPUTS), min_size=1, max_size=len(INPUTS),
                           unique=True))
    again = draw(st.lists(st.sampled_from(chosen), max_size=3))
    order = draw(st.permutations(chosen + again))
    cuts = sorted(draw(st.lists(st.integers(1, max(1, len(order) - 1)), max_size=3,
                                unique=True)))
    imports = [order[a:b] for a, b in zip([0, *cuts], [*cuts, len(order)]) if order[a:b]]
    batch_size = draw(st.sampled_from([1, 2, 3, 7, 2000]))
    return imports, batch_size


def _verify_plan(imports: list[list[Path]], batch_size: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        case = Case.create(Path(tmp) / "case", ["@cible"],
                           clock=FixedClock(T0, timedelta(seconds=1)))
        try:
            case.config.setdefault("settings", {})["batch_size"] = batch_size
            assert case.settings["batch_size"] == batch_size
            for paths in imports:
                ingest(case, paths)
            report = verify(case)
            assert report.replayed
            assert report.ok, [str(p) for p in report.problems[:5]]
        finally:
            case.close()


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(_plans())
def test_any_imports_of_the_fixtures_verify(plan: tuple[list[list[Path]], int]) -> None:
    imports, batch_size = plan
    _verify_plan(imports, batch_size)


def test_every_fixture_one_record_per_transaction_then_all_again() -> None:
    """The extreme batches: one record per transaction, then everything in one import."""
    _verify_plan([[p] for p in INPUTS] + [INPUTS], 1)


def test_withheld_users_with_empty_names_verify(fresh_case: Case) -> None:
    """Users withheld in a country come with ``name: ""`` (issue 9, item 1)."""
    ingest(fresh_case, [FIXTURES / "twarc2" / "withheld_users.jsonl"])
    report = verify(fresh_case)
    assert report.ok, [str(p) for p in report.problems]
    accounts = {a.id: a for a in fresh_case.store.accounts()}
    # an empty display name is "not shown": it neither appears nor erases a known name
    assert accounts["1500000000000000042"].display_name is None
    assert accounts["1500000000000000042"].status == "withheld"
    assert accounts["1500000000000000043"].display_name == "Visible Synth"


def test_a_version_seen_twice_is_what_was_seen_once(fresh_case: Case, write_jsonl: Any) -> None:
    """The latest version of an edited post, on two pages, keeps its version (it was dropped
    on the second sighting, so the result depended on how often a page repeated it)."""
    edited = tweet("2002", "version deux", edit_history_tweet_ids=["2001", "2002"])
    ingest(fresh_case, [write_jsonl("a.jsonl", [page([edited])])])
    once = [m.versions for m in messages(fresh_case)]
    ingest(fresh_case, [write_jsonl("b.jsonl", [page([edited],
                                                     retrieved="2026-03-03T00:00:00+00:00")])])
    (m,) = list(messages(fresh_case))
    assert m.id == "2001" and [v.id for v in m.versions] == ["2002"]
    assert [m.versions] == once
    assert verify(fresh_case).ok
