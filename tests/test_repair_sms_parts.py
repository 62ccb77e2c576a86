"""Multi-part SMS: what arrived is shown, marked incomplete, and completed later (issue 9, item 9).

A Vonage part 2 of 3 whose siblings never arrive, and a single message sharing its
``messageId``, must both appear in ``rempart messages``; the other parts, when they come (in a
later import too), complete the message. Parts are never taken for edits.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from click.testing import CliRunner

from rempart.case import ingest, verify
from rempart.cli import main
from rempart.models import Message

from conftest import FIXTURES
from conftest import plain_messages as messages

ALONE = FIXTURES / "vonage" / "concat_part_alone.txt"
ALONE_JSON = FIXTURES / "vonage" / "concat_part_alone.jsonl"


def _by_id(case: Any) -> dict[str, Message]:
    return {m.id: m for m in messages(case)}


@pytest.mark.parametrize(
    ("path", "concat_id", "single_id", "part", "single"),
    [
        (
            ALONE,
            "multipart:447700900031:208:3:2026-02-21T18",
            "0B00000002340002",
            " sait où tu habites, voir https://example.org/",
            "un message seul",
        ),
        (
            ALONE_JSON,
            "multipart:447700900041:309:3:2026-02-21T18",
            "0B00000002350002",
            "partie deux ",
            "seul en JSON",
        ),
    ],
    ids=["form", "json-true-and-numbers"],
)
def test_a_lone_part_and_a_single_sharing_its_id_both_appear(
    fresh_case: Any, path: Path, concat_id: str, single_id: str, part: str, single: str
) -> None:
    ingest(fresh_case, [path])
    found = _by_id(fresh_case)
    assert set(found) == {concat_id, single_id}
    lone = found[concat_id]
    assert lone.text == part
    assert lone.extra["incomplete"] is True
    assert lone.extra["parts_received"] == [2] and lone.extra["parts_missing"] == [1, 3]
    assert lone.status_detail == "incomplete: 1 of 3 parts received"
    assert found[single_id].text == single and "incomplete" not in found[single_id].extra
    assert verify(fresh_case).ok
    fresh_case.close()
    out = CliRunner().invoke(main, ["messages", "--json", "--case", str(fresh_case.path)])
    assert out.exit_code == 0, out.output
    shown = {m["id"]: m for m in orjson.loads(out.output)}
    assert shown[concat_id]["extra"]["incomplete"] is True and single_id in shown


def test_the_missing_parts_complete_it_in_a_later_import(fresh_case: Any, tmp_path: Path) -> None:
    ingest(fresh_case, [ALONE])
    later = tmp_path / "later.txt"
    later.write_text(
        "msisdn=447700900031&to=447700900000&messageId=0B00000002340003&text=ex"
        "%2Fsuite+%23raid&type=text&message-timestamp=2026-02-21+18%3A05%3A03&concat=true"
        "&concat-ref=208&concat-total=3&concat-part=3\n"
        "msisdn=447700900031&to=447700900000&messageId=0B00000002340001&text=On"
        "&type=text&message-timestamp=2026-02-21+18%3A05%3A01&concat=true"
        "&concat-ref=208&concat-total=3&concat-part=1\n"
    )
    ingest(fresh_case, [later])
    m = _by_id(fresh_case)["multipart:447700900031:208:3:2026-02-21T18"]
    assert m.text == "On sait où tu habites, voir https://example.org/ex/suite #raid"
    assert not {"incomplete", "parts_received", "parts_missing"} & set(m.extra)
    assert m.status_detail is None
    assert m.versions == ()  # parts are not edits
    assert m.urls == ("https://example.org/ex/suite",)  # a link across two parts
    assert m.hashtags == ("raid",)
    assert "conflicts" not in m.extra
    report = verify(fresh_case)
    assert report.ok, [str(p) for p in report.problems]


def test_complete_parts_in_one_file_are_not_versions(fresh_case: Any) -> None:
    ingest(fresh_case, [FIXTURES / "vonage" / "concat.txt"])
    (m,) = [m for m in messages(fresh_case) if m.extra.get("concat_parts")]
    assert m.versions == () and "incomplete" not in m.extra
