"""Issue 9 item 5: `verify --head` takes the head as a person copies it.

Upper case, surrounding spaces, or a prefix of at least 12 hex characters are the same head; a
head that never was in the log is still reported missing; what is not a head is a clear error.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Callable

import pytest
from click.testing import CliRunner

from rempart import case as api
from rempart.case import Case
from rempart.cli import main
from rempart.errors import EvidenceError
from rempart.evidence.log import make_entry
from rempart.evidence.verify import normalise_head, verify_case
from rempart.hashing import GENESIS
from rempart.storage.memory import MemoryStore

from conftest import synthetic_capture


@pytest.fixture
def sealed(fresh_case: Case, write_jsonl: Callable[..., Path]) -> tuple[Case, str, int]:
    report = api.ingest(fresh_case, [synthetic_capture(write_jsonl)])
    return fresh_case, report.head_hash, report.head_seq


@pytest.mark.parametrize(
    "spell",
    [
        str.upper,
        lambda h: h + " ",
        lambda h: f"  {h}\n",
        lambda h: h[:12],
        lambda h: h[:12].upper(),
        lambda h: h[:40] + "\t",
    ],
)
def test_the_noted_head_in_any_spelling_is_found(
    sealed: tuple[Case, str, int], spell: Callable[[str], str]
) -> None:
    case, head, seq = sealed
    report = api.verify(case, head=spell(head))
    assert report.ok, [str(p) for p in report.problems]
    assert report.noted_head_seq == seq


def test_an_earlier_head_proves_the_log_contained_it(sealed: tuple[Case, str, int]) -> None:
    case, _, _ = sealed
    earlier = next(e for e in case.store.entries() if e.seq == 3)
    report = api.verify(case, head=earlier.entry_hash[:14].upper())
    assert report.ok and report.noted_head_seq == 3


def test_a_head_that_never_existed_is_still_missing(sealed: tuple[Case, str, int]) -> None:
    case, head, _ = sealed
    forged = ("0" if head[0] != "0" else "1") + head[1:]
    for noted in (forged, forged[:12], forged.upper()):
        report = api.verify(case, head=noted)
        assert not report.ok
        assert report.first is not None and report.first.what == "log head"
        assert report.first.kind == "missing"


@pytest.mark.parametrize("bad", ["", "abc", "0123456789a", "zz" * 32, "0" * 65, "12345678901g"])
def test_what_is_not_a_head_is_a_clear_error(bad: str) -> None:
    with pytest.raises(EvidenceError, match="not a log head"):
        normalise_head(bad)


def test_an_ambiguous_prefix_is_refused() -> None:
    store = MemoryStore()
    first = make_entry(1, GENESIS, "view", {"by": "a", "at": "t", "what": {}})
    second = make_entry(2, first.entry_hash, "view", {"by": "a", "at": "t", "what": {}})
    # two entries whose hashes share a 12-character prefix (made by hand: no log has them)
    store.append_entries([first, replace(second, entry_hash=first.entry_hash[:12] + "f" * 52)])
    with pytest.raises(EvidenceError, match="2 log entries"):
        verify_case(store, replay=False, head=first.entry_hash[:12])
    report = verify_case(store, replay=False, head=first.entry_hash[:13])
    assert report.noted_head_seq == 1


def test_cli_accepts_the_copied_head_and_rejects_garbage(sealed: tuple[Case, str, int]) -> None:
    case, head, seq = sealed
    runner = CliRunner()
    out = runner.invoke(
        main, ["verify", "--quick", "--case", str(case.path), "--head", head[:12].upper() + " "]
    )
    assert out.exit_code == 0, out.output
    assert f"entry {seq}" in out.output
    out = runner.invoke(main, ["verify", "--quick", "--case", str(case.path), "--head", "abc"])
    assert out.exit_code != 0
    assert "not a log head" in out.output and "Traceback" not in out.output
