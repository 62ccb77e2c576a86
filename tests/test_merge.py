"""Merging observations: content never lost, latest facts win, edits and SMS parts assembled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from rempart.case import ingest, verify
from rempart.derive.merge import apply_status, merge_accounts, merge_messages
from rempart.models import Account, Message, StatusChange, Version

from conftest import FIXTURES
from conftest import plain_messages as messages

T = datetime(2026, 3, 1, tzinfo=UTC)


def test_stub_takes_content_and_keeps_latest_status() -> None:
    stub = apply_status(None, StatusChange("x", "message", "1", "deleted", T + timedelta(days=2)))
    assert stub.text == "" and stub.status == "deleted" and stub.captured_as == "referenced"
    content = Message(
        "x",
        "1",
        "je sais où tu habites",
        created_at=T,
        author_id="5",
        observed_at=T + timedelta(days=1),
    )
    merged = merge_messages(stub, content)
    assert merged.text == "je sais où tu habites" and merged.author_id == "5"
    assert merged.status == "deleted"  # the deletion was observed after the content
    assert merged.captured_as == "primary"


def test_later_observation_of_content_after_deletion_keeps_both_facts() -> None:
    seen = Message("x", "1", "texte", created_at=T, observed_at=T)
    gone = apply_status(seen, StatusChange("x", "message", "1", "deleted", T + timedelta(days=1)))
    assert gone.text == "texte" and gone.status == "deleted"
    # the history says when it was last seen available, then deleted (finding 11 of issue 9's
    # hostile tests: the same whatever the order the observations are merged in)
    assert [h["status"] for h in gone.extra["status_history"]] == ["available", "deleted"]


def test_different_texts_become_versions_oldest_first() -> None:
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
    for merged in (merge_messages(a, b), merge_messages(b, a)):
        assert [v.text for v in merged.versions] == ["avant", "après"]
        assert merged.text == "après"


def test_same_text_twice_is_not_an_edit() -> None:
    a = Message("x", "1", "pareil", created_at=T, observed_at=T)
    b = Message(
        "x", "1", "pareil", created_at=T, observed_at=T + timedelta(days=1), author_followers=12
    )
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


def test_account_seen_again_later_merges_as_the_full_merge_does(monkeypatch: Any) -> None:
    """The shortcut for an account seen again with only ``observed_at`` changed gives what the
    full merge gives, for odd handles, empty strings, extras and missing times alike."""
    import itertools

    import rempart.derive.merge as merge

    t0 = datetime(2024, 3, 1, tzinfo=UTC)
    times = (None, t0, t0 + timedelta(hours=1))
    shapes: list[dict[str, Any]] = [
        {"handle": "a", "handles": ("a",)},
        {"handle": "a", "handles": ()},
        {"handle": "b", "handles": ("a",)},
        {"handle": "a", "handles": ("a", "a")},
        {"handle": None, "handles": ("a",)},
        {"handle": "", "handles": ("a", "")},
        {"handle": "a", "handles": ("a",), "display_name": ""},
        {"handle": "a", "handles": ("a",), "bio": "x", "extra": {"k": {"x": 1}, "j": [1]}},
        {"handle": "a", "handles": ("a",), "status": "suspended"},
    ]
    pairs = []
    for shape, (t1, t2) in itertools.product(shapes, itertools.product(times, times)):
        pairs.append(
            (
                Account(platform="x", id="1", observed_at=t1, **shape),
                Account(platform="x", id="1", observed_at=t2, **shape),
            )
        )
    fast = [merge_accounts(a, b) for a, b in pairs]
    monkeypatch.setattr(merge, "_but_observed_at", lambda a: object())  # never equal
    full = [merge_accounts(a, b) for a, b in pairs]
    assert fast == full
    assert [merge._handles(a) for a, _ in pairs] == [
        tuple(dict.fromkeys(h for h in (*a.handles, a.handle) if h)) for a, _ in pairs
    ]


def test_message_seen_again_merges_as_the_full_merge_does(monkeypatch: Any) -> None:
    """The shortcut for a message seen again with only ``observed_at`` or ``captured_as``
    changed gives what the full merge gives (odd texts, edits, SMS parts, empty strings)."""
    import itertools

    import rempart.derive.merge as merge
    from rempart.derive.merge import finish_message

    t0 = datetime(2024, 3, 1, tzinfo=UTC)
    times = (None, t0, t0 + timedelta(hours=1))
    roles = ("primary", "referenced")
    shapes: list[dict[str, Any]] = [
        {"platform": "x", "text": "hello", "created_at": t0, "author_id": "9"},
        {"platform": "x", "text": "", "created_at": t0},
        {"platform": "x", "text": "hi", "author_handle": ""},
        {
            "platform": "x",
            "text": "v2",
            "created_at": t0,
            "versions": (Version("0", "v1", t0), Version("1", "v2", t0)),
        },
        {"platform": "x", "text": "hi", "versions": (Version("1", "hi", None),)},
        {"platform": "x", "text": "hi", "extra": {"k": {"a": 1}}, "status": "deleted"},
        {
            "platform": "sms",
            "text": "ab",
            "author_id": "1",
            "extra": {"concat_parts": {"1": "a", "2": "b"}, "concat_total": 2},
        },
        {"platform": "whatsapp", "text": "yo", "author_id": "1"},
        {"platform": "x", "status": "deleted"},
    ]
    pairs = []
    for shape, (t1, t2), (r1, r2) in itertools.product(
        shapes, itertools.product(times, times), itertools.product(roles, roles)
    ):
        old = finish_message(Message(id="1", observed_at=t1, captured_as=r1, **shape))
        pairs.append((old, Message(id="1", observed_at=t2, captured_as=r2, **shape)))
        pairs.append(
            (old, finish_message(Message(id="1", observed_at=t2, captured_as=r2, **shape)))
        )
    fast = [merge_messages(a, b, 1, 2) for a, b in pairs]
    monkeypatch.setattr(merge, "_but_when_and_role", lambda m: object())  # never equal
    full = [merge_messages(a, b, 1, 2) for a, b in pairs]
    assert fast == full
