"""Merging observations: content never lost, latest facts win, edits and SMS parts assembled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rempart.api import ingest, messages, verify
from rempart.merge import apply_status, merge_accounts, merge_messages
from rempart.models import Account, Message, StatusChange, Version

from conftest import FIXTURES

T = datetime(2026, 3, 1, tzinfo=UTC)


def test_stub_takes_content_and_keeps_latest_status() -> None:
    stub = apply_status(None, StatusChange("x", "message", "1", "deleted", T + timedelta(days=2)))
    assert stub.text == "" and stub.status == "deleted" and stub.captured_as == "referenced"
    content = Message("x", "1", "je sais où tu habites", created_at=T, author_id="5",
                      observed_at=T + timedelta(days=1))
    merged = merge_messages(stub, content)
    assert merged.text == "je sais où tu habites" and merged.author_id == "5"
    assert merged.status == "deleted"  # the deletion was observed after the content
    assert merged.captured_as == "primary"


def test_later_observation_of_content_after_deletion_keeps_both_facts() -> None:
    seen = Message("x", "1", "texte", created_at=T, observed_at=T)
    gone = apply_status(seen, StatusChange("x", "message", "1", "deleted", T + timedelta(days=1)))
    assert gone.text == "texte" and gone.status == "deleted"
    assert gone.extra["status_history"][0]["status"] == "deleted"


def test_different_texts_become_versions_oldest_first() -> None:
    a = Message("mastodon", "u", "avant", created_at=T, observed_at=T,
                versions=(Version("2026-03-01T00:00:00Z", "avant", T),))
    b = Message("mastodon", "u", "après", created_at=T, observed_at=T + timedelta(hours=1),
                versions=(Version("2026-03-01T00:30:00Z", "après", T + timedelta(minutes=30)),))
    for merged in (merge_messages(a, b), merge_messages(b, a)):
        assert [v.text for v in merged.versions] == ["avant", "après"]
        assert merged.text == "après"


def test_same_text_twice_is_not_an_edit() -> None:
    a = Message("x", "1", "pareil", created_at=T, observed_at=T)
    b = Message("x", "1", "pareil", created_at=T, observed_at=T + timedelta(days=1),
                author_followers=12)
    merged = merge_messages(a, b)
    assert merged.versions == () and merged.author_followers == 12


def test_accounts_keep_every_handle() -> None:
    old = Account("x", "9", handle="ancien", observed_at=T, followers=1)
    new = Account("x", "9", handle="nouveau", observed_at=T + timedelta(days=1))
    merged = merge_accounts(old, new)
    assert merged.handle == "nouveau" and merged.handles == ("ancien", "nouveau")
    assert merged.followers == 1


def test_vonage_parts_out_of_order_become_one_message(fresh_case: Any) -> None:
    ingest(fresh_case, [FIXTURES / "vonage" / "concat.txt"])
    (m,) = [m for m in messages(fresh_case) if m.extra.get("concat_parts")]
    parts = m.extra["concat_parts"]
    assert sorted(parts) == ["1", "2", "3"]
    assert m.text == parts["1"] + parts["2"] + parts["3"]
    assert m.status_detail is None
    assert verify(fresh_case).ok


def test_vonage_missing_part_is_flagged(fresh_case: Any, tmp_path: Path) -> None:
    lines = (FIXTURES / "vonage" / "concat.txt").read_bytes().splitlines()
    body = [line for line in lines if b"concat-part=2" in line or b'"concat-part": "2"' in line]
    assert body, "fixture has a part 2"
    partial = tmp_path / "partial.txt"
    partial.write_bytes(b"\n".join(line for line in lines if line not in body) + b"\n")
    ingest(fresh_case, [partial])
    (m,) = [m for m in messages(fresh_case) if m.extra.get("concat_parts")]
    assert m.status_detail == "incomplete: 2 of 3 parts received"
