"""Two records, one id, different content: the first observation stays, the conflict shows.

Issue 9, item 8. An SMS cannot be edited: two Twilio bodies with the same ``MessageSid`` but a
different ``Body`` and ``From`` are a conflict, never an edit. The message keeps what was first
observed, and both values and both records are told in ``messages --json``, in ``verify`` (as a
notice: it is not tampering) and so in any later report. Platforms with edit metadata keep their
versions. A WhatsApp body relayed by Twilio is not an SMS.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
from click.testing import CliRunner

from rempart.case import ingest, verify
from rempart.cli import main
from rempart.derive.merge import merge_messages
from rempart.models import Message, Version

from conftest import FIXTURES
from conftest import plain_messages as messages

CONFLICT = FIXTURES / "twilio" / "same_sid_conflict.txt"
SID = "SM00000000000000000000000000000c01"
T = datetime(2026, 3, 1, tzinfo=UTC)


def _sms(fresh_case: Any) -> Message:
    (m,) = [m for m in messages(fresh_case) if m.id == SID]
    return m


def test_same_sid_other_body_keeps_the_first_and_shows_the_conflict(fresh_case: Any) -> None:
    ingest(fresh_case, [CONFLICT])
    m = _sms(fresh_case)
    assert m.text == "tu vas le regretter"  # what was first observed, not the later text
    assert m.author_id == "+33600000001"
    (conflict,) = m.extra["conflicts"]
    assert conflict["fields"]["text"] == {"kept": "tu vas le regretter", "other": "bonne journée"}
    assert conflict["fields"]["author_id"] == {"kept": "+33600000001", "other": "+33600000002"}
    records = fresh_case.store.record_seqs(m.key)
    assert [conflict["kept_record"], conflict["other_record"]] == records  # both records cited
    report = verify(fresh_case)
    assert report.ok  # not tampering
    (notice,) = [n for n in report.notices if n.kind == "conflict"]
    assert notice.where == f"sms:{SID}" and "text, author_id" in notice.detail


def test_conflict_across_imports_is_the_same_as_in_one(fresh_case: Any, tmp_path: Path) -> None:
    first, second = CONFLICT.read_bytes().splitlines()
    (tmp_path / "a.txt").write_bytes(first + b"\n")
    (tmp_path / "b.txt").write_bytes(second + b"\n")
    ingest(fresh_case, [tmp_path / "a.txt"])
    ingest(fresh_case, [tmp_path / "b.txt"])
    m = _sms(fresh_case)
    assert m.text == "tu vas le regretter" and len(m.extra["conflicts"]) == 1
    assert verify(fresh_case).ok


def test_conflict_is_in_messages_json(fresh_case: Any) -> None:
    ingest(fresh_case, [CONFLICT])
    fresh_case.close()
    out = CliRunner().invoke(main, ["messages", "--json", "--case", str(fresh_case.path)])
    assert out.exit_code == 0, out.output
    (m,) = [m for m in orjson.loads(out.output) if m["id"] == SID]
    assert m["text"] == "tu vas le regretter"
    assert m["extra"]["conflicts"][0]["fields"]["text"]["other"] == "bonne journée"


def test_the_same_body_twice_is_no_conflict(fresh_case: Any, tmp_path: Path) -> None:
    first = CONFLICT.read_bytes().splitlines()[0]
    (tmp_path / "a.txt").write_bytes(first + b"\n")
    (tmp_path / "b.txt").write_bytes(first + b"&Extra=retried\n")  # a retried webhook
    ingest(fresh_case, [tmp_path / "a.txt", tmp_path / "b.txt"])
    assert "conflicts" not in _sms(fresh_case).extra


def test_platforms_with_edits_keep_their_versions() -> None:
    a = Message(
        "mastodon",
        "u",
        "avant",
        created_at=T,
        observed_at=T,
        versions=(Version("2026-03-01T00:00:00Z", "avant", T),),
    )
    b = Message(
        "mastodon",
        "u",
        "après",
        created_at=T,
        observed_at=T + timedelta(hours=1),
        versions=(Version("2026-03-01T00:30:00Z", "après", T + timedelta(minutes=30)),),
    )
    merged = merge_messages(a, b, 1, 2)
    assert merged.text == "après" and [v.text for v in merged.versions] == ["avant", "après"]
    assert "conflicts" not in merged.extra


def test_whatsapp_through_twilio_is_its_own_platform(fresh_case: Any) -> None:
    ingest(fresh_case, [FIXTURES / "twilio" / "whatsapp.txt"])
    (m,) = list(messages(fresh_case))
    assert m.platform == "whatsapp" and m.audience == "direct"
    assert m.author_id == "whatsapp:+447700900123"
    (acct,) = list(fresh_case.store.accounts())
    assert acct.platform == "whatsapp"
    assert verify(fresh_case).ok


def test_verify_prints_the_conflict_as_a_notice_and_succeeds(fresh_case: Any) -> None:
    ingest(fresh_case, [CONFLICT])
    fresh_case.close()
    out = CliRunner().invoke(main, ["verify", "--case", str(fresh_case.path)])
    assert out.exit_code == 0, out.output
    assert f"message sms:{SID}: conflict: records" in out.output
    assert "FAILED" not in out.output
