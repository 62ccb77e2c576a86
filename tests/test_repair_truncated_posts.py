"""A long X post seen without its full text is a truncated copy, not an edit (issue 9, hostile 5).

X returns a long post (``note_tweet``) as its first ~280 characters and "…" when the request
did not ask for ``note_tweet`` (older twarc versions, an ``includes.tweets`` copy, v1.1
``truncated: true``). The same post id and a one-id ``edit_history_tweet_ids``: that is the same
text cut short. It must never become a "version", and never replace the full text, whatever
the order in which the observations are imported.
"""

from __future__ import annotations

import itertools
import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from rempart.case import Case, ingest, verify
from rempart.clock import FixedClock
from rempart.derive.merge import merge_messages
from rempart.errors import ParseError
from rempart.models import Message, Version, replace
from rempart.sources import read_file
from rempart.sources.base import cut_stem

from conftest import FIXTURES, T0
from conftest import plain_messages as messages

HERE = FIXTURES / "twarc2"
POST = "1890000000000000501"
CAPTURED = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)
ENDING = "Final call, tag @troll_beta too #nolife https://t.co/nnn"


def _messages_of(path: Path) -> list[Message]:
    out: list[Message] = []
    for _unit, result in read_file(path, captured_at=CAPTURED):
        assert not isinstance(result, ParseError), result
        out.extend(m for m in result if isinstance(m, Message) and m.id == POST)
    return out


def _full() -> Message:
    (m,) = _messages_of(HERE / "note_tweet.jsonl")
    return m


def _cuts() -> list[Message]:
    return _messages_of(HERE / "note_tweet_cut.jsonl")


def _assert_whole(m: Message) -> None:
    assert m.text.endswith(ENDING), m.text[-60:]
    assert m.versions == ()
    assert "truncated" not in m.extra
    assert [x.handle for x in m.mentions] == ["target_person", "troll_beta"]
    assert m.hashtags == ("nolife",)


def test_a_long_post_without_note_tweet_is_marked_truncated() -> None:
    full = _full()
    assert "truncated" not in full.extra
    cuts = _cuts()
    assert [c.captured_as for c in cuts] == ["primary", "referenced"]
    for cut in cuts:
        assert cut.extra.get("truncated") is True
        assert cut.text.endswith("…") and full.text.startswith(cut_stem(cut.text) or "?")


def test_cut_stem_reads_v2_and_v11_cuts_only() -> None:
    assert cut_stem("tu es une honte tu es un…") == "tu es une honte tu es un"
    assert cut_stem("tu es une honte … https://t.co/AbC123 ") == "tu es une honte"
    assert cut_stem("a whole text") is None
    assert cut_stem("…") is None
    assert cut_stem("wait… and then") is None


def test_merging_a_cut_copy_keeps_the_full_text_in_both_orders() -> None:
    full = _full()
    for cut in _cuts():
        for old, new in ((full, cut), (cut, full)):
            _assert_whole(merge_messages(old, new))
        later = replace(cut, observed_at=(full.observed_at or CAPTURED) + timedelta(hours=1))
        _assert_whole(merge_messages(full, later))
        _assert_whole(merge_messages(later, full))


def test_two_cut_copies_stay_one_truncated_text() -> None:
    a, b = _cuts()
    merged = merge_messages(a, b)
    assert merged.versions == () and merged.extra.get("truncated") is True
    _assert_whole(merge_messages(merged, _full()))
    _assert_whole(merge_messages(_full(), merged))


def test_a_real_edit_of_a_long_post_stays_a_version() -> None:
    """An edit has its own id in edit_history_tweet_ids: a cut copy of it is not the original."""
    full = _full()
    edit_id = "1890000000000000599"
    history = [POST, edit_id]
    v1 = replace(
        full,
        versions=(Version(POST, full.text, full.created_at),),
        extra={"edit_history_tweet_ids": history},
    )
    cut_text = full.text[:250] + "…"
    v2 = replace(
        full,
        text=cut_text,
        versions=(Version(edit_id, cut_text, full.created_at),),
        observed_at=CAPTURED,
        extra={"edit_history_tweet_ids": history, "truncated": True},
    )
    merged = merge_messages(v1, v2)
    assert [v.id for v in merged.versions] == [POST, edit_id]


def test_a_different_text_ending_in_an_ellipsis_is_not_taken_for_a_cut() -> None:
    full = _full()
    other = replace(
        full, text="something else entirely…", extra={"truncated": True}, observed_at=CAPTURED
    )
    merged = merge_messages(full, other)
    assert merged.text == "something else entirely…"  # as before: the same id seen changed
    assert len(merged.versions) == 2


def _case(tmp_path: Path, name: str) -> Case:
    return Case.create(
        tmp_path / name, ["@target_person"], clock=FixedClock(T0, timedelta(seconds=1))
    )


def _observations(tmp_path: Path) -> list[Path]:
    """The full post, the cut primary copy and the cut ``includes.tweets`` copy, one file each."""
    folder = tmp_path / "in"
    folder.mkdir()
    full = folder / "full.jsonl"
    shutil.copy(HERE / "note_tweet.jsonl", full)
    lines = (HERE / "note_tweet_cut.jsonl").read_text(encoding="utf-8").splitlines()
    out = [full]
    for i, line in enumerate(lines):
        assert json.loads(line)
        path = folder / f"cut{i}.jsonl"
        path.write_text(line + "\n", encoding="utf-8")
        out.append(path)
    return out


def _post(case: Case) -> Message:
    (m,) = (m for m in messages(case, include_referenced=True) if m.id == POST)
    return m


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))), ids=str)
def test_every_import_order_keeps_the_full_text_and_verifies(
    tmp_path: Path, order: tuple[int, ...]
) -> None:
    files = _observations(tmp_path)
    case = _case(tmp_path, "case")
    try:
        for i in order:
            ingest(case, [files[i]])
        _assert_whole(_post(case))
        report = verify(case)
        assert report.ok, [str(p) for p in report.problems[:5]]
    finally:
        case.close()


def test_one_import_of_all_observations_keeps_the_full_text(tmp_path: Path) -> None:
    files = _observations(tmp_path)
    for name, paths in (("last", files[1:] + files[:1]), ("first", files)):
        case = _case(tmp_path, name)
        try:
            ingest(case, paths)
            _assert_whole(_post(case))
            assert verify(case).ok
        finally:
            case.close()


def test_twarc_csv_rows_mark_a_cut_text_only_without_note_tweet_text() -> None:
    from rempart.sources import ParseContext
    from rempart.sources.csvfile import CsvSource

    header = ["id", "author_id", "author.username", "created_at", "text", "note_tweet.text"]
    ctx = ParseContext(
        CAPTURED, "t.csv", 2, {"header": header, "delimiter": ",", "layout": "twarc-csv"}
    )
    src = CsvSource()
    cut, *_ = src.parse("1,2,u,2026-02-20T09:10:58Z,tu es une hon\u2026,".encode(), ctx)
    assert isinstance(cut, Message) and cut.extra.get("truncated") is True
    whole, *_ = src.parse(
        "1,2,u,2026-02-20T09:10:58Z,tu es une hon\u2026,tu es une honte".encode(), ctx
    )
    assert isinstance(whole, Message) and "truncated" not in whole.extra
    merged = merge_messages(whole, cut)
    assert merged.text == "tu es une honte" and "truncated" not in merged.extra


def test_a_v11_truncated_copy_with_its_status_link_is_not_an_edit() -> None:
    whole = Message(
        "x",
        "42",
        "@cible tu vas voir ce qui arrive quand on parle trop, vraiment",
        created_at=CAPTURED,
        observed_at=CAPTURED,
    )
    cut = replace(
        whole,
        text="@cible tu vas voir ce qui arrive quand… https://t.co/AbC123",
        observed_at=CAPTURED + timedelta(hours=1),
        extra={"truncated": True},
    )
    for old, new in ((whole, cut), (cut, whole)):
        merged = merge_messages(old, new)
        assert merged.text == whole.text and merged.versions == ()
        assert "truncated" not in merged.extra
