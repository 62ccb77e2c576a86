"""Bluesky / AT Protocol ingestion (formats.md section 5)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from rempart.errors import ParseError
from rempart.models import Account, Message, StatusChange
from rempart.sources import ParseContext, Unit, detect, read_file
from rempart.sources.bluesky import BlueskySource
from rempart.sources.detect import HEAD_SIZE, expand_paths

FIXTURES = Path(__file__).parent / "fixtures"
BSKY = FIXTURES / "bluesky"
JETSTREAM = BSKY / "jetstream.jsonl"
CAPTURED = datetime(2026, 3, 1, tzinfo=UTC)
TARGET = "did:plc:targetaaaaaaaaaaaaaaaaaa"
TROLL = "did:plc:trollbbbbbbbbbbbbbbbbbbb"
TROLL2 = "did:plc:trollcccccccccccccccccccc"
TARGET_POST = f"at://{TARGET}/app.bsky.feed.post/3lbtarget00001"
BARE = BSKY / "repo" / TROLL / "app.bsky.feed.post" / "3lbbare000001.json"


def utc(y: int, mo: int, d: int, h: int = 0, mi: int = 0, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=UTC)


def results(path: Path, fmt: str | None = None) -> list[tuple[Unit, Any]]:
    return list(read_file(path, fmt, captured_at=CAPTURED))


def items(path: Path) -> list[Any]:
    out: list[Any] = []
    for _, res in results(path):
        assert not isinstance(res, ParseError), res
        out.extend(res)
    return out


def messages(path: Path) -> dict[str, Message]:
    return {m.id: m for m in items(path) if isinstance(m, Message)}


def parse(obj: object, context: dict[str, Any] | None = None) -> list[Any]:
    raw = obj if isinstance(obj, bytes) else json.dumps(obj).encode()
    return list(BlueskySource().parse(raw, ParseContext(CAPTURED, "mem.json", 1, context)))


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize("path", sorted(p for p in BSKY.rglob("*.json*")), ids=lambda p: p.name)
def test_detect_picks_bluesky(path: Path) -> None:
    assert detect(path).name == "bluesky"


def test_other_formats_are_not_claimed() -> None:
    src = BlueskySource()
    for path in expand_paths([FIXTURES]):
        if BSKY not in path.parents:
            assert src.sniff(path.read_bytes()[:HEAD_SIZE], path) == 0, path


def test_sniff_never_raises_on_garbage() -> None:
    for head in (b"", b"\xff\xfe", b'{"kind":', b"[{", b'{"did": 3}'):
        BlueskySource().sniff(head, Path("x"))


# --------------------------------------------------------------------------- facets


def test_facets_use_utf8_byte_offsets() -> None:
    doc = json.loads((BSKY / "get_record_multibyte.json").read_text("utf-8"))
    text = doc["value"]["text"]
    index = doc["value"]["facets"][0]["index"]
    # the fixture exercises the quirk: code-point slicing would pick the wrong characters
    assert text[index["byteStart"] : index["byteEnd"]] != "@alice.example.com"
    [m] = messages(BSKY / "get_record_multibyte.json").values()
    assert m.mentions[0].id == TARGET and m.mentions[0].handle == "alice.example.com"
    assert m.hashtags == ("doxx",)
    # URLs from the facet (full) and embed.external, never the truncated text
    assert m.urls == (
        "https://www.evil.example/watch?v=V5lDxyz123",
        "https://evil.example/external-card",
    )
    assert m.url == f"https://bsky.app/profile/{TROLL}/post/3lbmultibyte1"
    assert m.versions[0].id == "bafyreimultibyte"
    assert m.observed_at == CAPTURED  # no indexedAt or time_us: capture time


def test_bad_facet_offsets_do_not_break_parsing() -> None:
    record = {
        "$type": "app.bsky.feed.post",
        "text": "hi",
        "createdAt": "2026-01-01T00:00:00Z",
        "facets": [
            {
                "index": {"byteStart": 50, "byteEnd": 10},
                "features": [{"$type": "app.bsky.richtext.facet#mention", "did": TARGET}],
            }
        ],
    }
    [m] = parse({"uri": f"at://{TROLL}/app.bsky.feed.post/1", "cid": "c", "value": record})
    assert m.mentions[0].id == TARGET and m.mentions[0].handle is None


# --------------------------------------------------------------------------- Jetstream


def jetstream() -> dict[int, Any]:
    return {unit.line: res for unit, res in results(JETSTREAM)}


def test_jetstream_identity_events() -> None:
    by_line = jetstream()
    [no_handle] = by_line[1]
    assert isinstance(no_handle, Account) and no_handle.id == TROLL and no_handle.handle is None
    [known] = by_line[2]
    assert known.handle == "troll2.example" and known.handles == ("troll2.example",)


def test_jetstream_create_update_delete() -> None:
    by_line = jetstream()
    [created] = by_line[3]
    [updated] = by_line[6]
    [deleted] = by_line[9]
    uri = f"at://{TROLL}/app.bsky.feed.post/3lbtroll00001"
    assert created.id == updated.id == deleted.id == uri
    assert created.author_id == TROLL and created.lang == "fr"
    assert created.reply_to_id == TARGET_POST and created.reply_to_author_id == TARGET
    assert created.thread_id == TARGET_POST
    assert created.hashtags == ("raid", "extra-tag")
    assert created.urls == ("https://evil.example/a-very-long-path/x?y=1",)
    assert created.observed_at == datetime(2026, 2, 20, 9, 10, 58, 123456, tzinfo=UTC)
    assert created.versions[0].id == "bafyreicreate1"
    assert updated.versions[0].id == "bafyreiupdate2"
    assert updated.versions[0].created_at == utc(2026, 2, 20, 9, 15, 58)  # the update time
    assert updated.text.startswith("🔥🔥 Bonjour")
    assert isinstance(deleted, StatusChange) and deleted.status == "deleted"
    assert deleted.observed_at == utc(2026, 2, 20, 9, 20, 58)


def test_jetstream_likes_and_reposts() -> None:
    by_line = jetstream()
    assert by_line[4] == []  # a like is not a message
    [repost] = by_line[5]
    assert repost.repost_of_id == f"at://{TROLL}/app.bsky.feed.post/3lbtroll00001"
    assert repost.author_id == TROLL2


def test_jetstream_truncated_line_is_rejected_and_the_rest_parses() -> None:
    by_line = jetstream()
    error = by_line[7]
    assert isinstance(error, ParseError) and error.line == 7
    assert str(error).startswith(f"{JETSTREAM}:7:") and "malformed JSON" in error.reason
    assert all(not isinstance(by_line[n], ParseError) for n in range(8, 13))


def test_jetstream_account_takedown() -> None:
    acc, change = jetstream()[10]
    assert isinstance(acc, Account) and acc.status == "suspended"
    assert isinstance(change, StatusChange) and change.subject == "account"
    assert change.id == TROLL and change.status == "suspended"
    assert "takendown" in (change.detail or "")


def test_jetstream_legacy_and_v2_envelope() -> None:
    by_line = jetstream()
    [legacy] = by_line[11]
    assert legacy.id == f"at://{TROLL2}/app.bsky.feed.post/3kzlegacy0001"
    assert legacy.observed_at == utc(2024, 9, 10, 20, 26, 40)
    [v2] = by_line[12]
    assert v2.id == f"at://{TROLL2}/app.bsky.feed.post/3lbv2post0001"
    assert v2.observed_at == datetime(2026, 2, 20, 10, 0, 0, 123456, tzinfo=UTC)
    assert v2.mentions[0].id == TARGET


def test_jetstream_reactivation_and_bad_events() -> None:
    acc, change = parse(
        {
            "did": TROLL,
            "time_us": 1771580000000000,
            "kind": "account",
            "account": {"active": True, "did": TROLL, "seq": 9},
        }
    )
    assert acc.status == change.status == "available"
    with pytest.raises(ParseError, match="'rkey'"):
        parse(
            {
                "did": TROLL,
                "kind": "commit",
                "commit": {"operation": "create", "collection": "app.bsky.feed.post"},
            }
        )
    with pytest.raises(ParseError, match="'did'"):
        parse({"kind": "commit", "commit": {}})


def test_hostile_payload_kept_verbatim() -> None:
    [m] = jetstream()[8]
    assert m.text == (
        "<script>alert(1)</script> '; DROP TABLE messages;-- \u202eevil\u202c \x07bell \x00nul"
    )
    assert m.lang is None


def test_bad_utf8_line(tmp_path: Path) -> None:
    lines = JETSTREAM.read_bytes().splitlines()
    path = tmp_path / "js.jsonl"
    path.write_bytes(
        b"\n".join(
            [
                lines[2],
                lines[2].replace(b"Bonjour", b"B\xffnjour").replace("Héllo".encode(), b"H\xe9llo"),
                lines[5],
            ]
        )
    )
    res = results(path)
    assert isinstance(res[1][1], ParseError) and "invalid UTF-8" in res[1][1].reason
    assert not isinstance(res[0][1], ParseError) and not isinstance(res[2][1], ParseError)


# --------------------------------------------------------------------------- records


def test_bare_record_identified_by_its_repo_path() -> None:
    [(unit, res)] = results(BARE)
    assert unit.context == {"did": TROLL, "rkey": "3lbbare000001"}
    [m] = res
    assert m.id == f"at://{TROLL}/app.bsky.feed.post/3lbbare000001"
    [video] = m.media
    assert video.kind == "video" and video.id == "bafkreivideo01"
    assert video.url == (
        "https://video.bsky.app/watch/did%3Aplc%3Atrollbbbbbbbbbbbbbbbbbbb/"
        "bafkreivideo01/playlist.m3u8"
    )


def test_bare_record_without_identity_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "post.json"
    path.write_bytes(BARE.read_bytes())
    [(_, res)] = results(path)
    assert isinstance(res, ParseError) and "no 'uri'" in res.reason


def test_created_at_without_timezone_and_garbage_created_at() -> None:
    record = {"$type": "app.bsky.feed.post", "text": "x", "createdAt": "2026-02-20T09:10:58"}
    [m] = parse({"uri": f"at://{TROLL}/app.bsky.feed.post/1", "cid": "c", "value": record})
    assert m.created_at == utc(2026, 2, 20, 9, 10, 58)
    record["createdAt"] = "yesterday-ish"
    [m] = parse({"uri": f"at://{TROLL}/app.bsky.feed.post/1", "cid": "c", "value": record})
    assert m.created_at is None and m.extra["created_at_raw"] == "yesterday-ish"


def test_embedded_list_is_not_a_quote() -> None:
    lst = f"at://{TROLL}/app.bsky.graph.list/3lblist"
    record = {
        "$type": "app.bsky.feed.post",
        "text": "join",
        "createdAt": "2026-01-01T00:00:00Z",
        "embed": {"$type": "app.bsky.embed.record", "record": {"uri": lst, "cid": "c"}},
    }
    [m] = parse({"uri": f"at://{TROLL}/app.bsky.feed.post/1", "cid": "c", "value": record})
    assert m.quoted_id is None and m.extra["embedded_record"] == lst


def test_unknown_shapes() -> None:
    with pytest.raises(ParseError, match="unknown Bluesky payload"):
        parse({"hello": 1})
    with pytest.raises(ParseError, match="not an at:// URI"):
        parse({"uri": "https://x", "cid": "c", "value": {"$type": "app.bsky.feed.post"}})
    with pytest.raises(ParseError, match="'record' is not an object"):
        parse({"uri": f"at://{TROLL}/app.bsky.feed.post/1", "cid": "c", "value": [1]})
    with pytest.raises(ParseError, match="JSON"):
        parse(b"[" * 5000 + b"]" * 5000)


# --------------------------------------------------------------------------- XRPC views


def test_get_post_thread() -> None:
    found = items(BSKY / "get_post_thread.json")
    msgs = {m.id: m for m in found if isinstance(m, Message)}
    changes = {c.id: c for c in found if isinstance(c, StatusChange)}
    assert len(msgs) == 4  # focal, its parent, two replies; the quoted focal post not repeated
    assert msgs[TARGET_POST].captured_as == "primary"
    reply = msgs[f"at://{TROLL}/app.bsky.feed.post/3lbreply00001"]
    assert reply.quoted_id == TARGET_POST  # recordWithMedia
    assert reply.created_at == utc(2026, 2, 20, 9, 10, 58)  # no timezone: UTC
    assert reply.observed_at == utc(2026, 2, 20, 9, 11)  # indexedAt
    assert reply.author_handle == "troll.bsky.social" and reply.author_display_name == "Troll 🔥"
    assert reply.extra["labels"] == ["rude"]
    [photo] = reply.media
    assert photo.url == (
        f"https://cdn.bsky.app/img/feed_fullsize/plain/{TROLL}/bafkreiimage0001@jpeg"
    )
    assert photo.alt_text == "screenshot with Alice's face"
    nested = msgs[f"at://{TROLL2}/app.bsky.feed.post/3lbreply00002"]
    assert nested.reply_to_id == reply.id and nested.author_handle is None  # handle.invalid
    assert changes[f"at://{TROLL2}/app.bsky.feed.post/3lbdeleted001"].status == "deleted"
    assert changes[f"at://{TROLL}/app.bsky.feed.post/3lbblocked001"].status == "unavailable"
    assert changes[f"at://{TARGET}/app.bsky.feed.post/3lbgone000001"].status == "deleted"
    accounts = [a for a in found if isinstance(a, Account)]
    assert len(accounts) == len({a.id for a in accounts}) == 3


def test_list_notifications() -> None:
    found = items(BSKY / "list_notifications.json")
    msgs = {m.id: m for m in found if isinstance(m, Message)}
    assert {m.extra["notification_reason"] for m in msgs.values()} == {"mention", "reply", "quote"}
    quote = msgs[f"at://{TROLL}/app.bsky.feed.post/3lbquote0001"]
    assert quote.quoted_id == TARGET_POST and quote.extra["reason_subject"] == TARGET_POST
    reply = msgs[f"at://{TROLL2}/app.bsky.feed.post/3lbreply00009"]
    assert reply.reply_to_id == TARGET_POST
    assert reply.observed_at == utc(2026, 2, 20, 9, 30)
    accounts = {a.id for a in found if isinstance(a, Account)}
    assert "did:plc:fandddddddddddddddddddddd" in accounts  # like: the account only
    assert not any("feed.like" in m.id or "feed.repost" in m.id for m in msgs.values())


def test_author_feed_repost_and_reply_context() -> None:
    found = items(BSKY / "author_feed.json")
    msgs = {m.id: m for m in found if isinstance(m, Message)}
    repost = msgs[f"at://{TROLL}/app.bsky.feed.repost/3lbrepost777"]
    assert repost.repost_of_id == TARGET_POST and repost.text == "My post about my work"
    assert repost.author_id == TROLL and repost.captured_as == "primary"
    assert msgs[TARGET_POST].captured_as == "referenced"
    parent = msgs[f"at://{TROLL}/app.bsky.feed.post/3lbreply00001"]
    assert parent.captured_as == "referenced"
    gone = [c for c in found if isinstance(c, StatusChange)]
    assert [c.id for c in gone] == [f"at://{TARGET}/app.bsky.feed.post/3lbtarget00000"]


def test_parse_is_a_pure_function_of_stored_bytes_and_context() -> None:
    src = BlueskySource()
    for path in (JETSTREAM, BARE, BSKY / "get_post_thread.json"):
        for unit, res in results(path):
            ctx = ParseContext(CAPTURED, "elsewhere", unit.line, unit.context)
            try:
                again: Any = src.parse(unit.raw, ctx)
            except ParseError as exc:
                again = exc
            assert type(again) is type(res)
            if not isinstance(res, ParseError):
                assert again == res
