"""Mastodon REST, WebSocket and SSE ingestion (formats.md section 4)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from rempart.errors import ParseError
from rempart.models import Account, Message, StatusChange
from rempart.sources import ParseContext, Unit, detect, read_file
from rempart.sources.detect import HEAD_SIZE, expand_paths
from rempart.sources.mastodon import MastodonSource, MastodonStreamSource
from rempart.sources.mastodon_status import html_to_text, normalise_handle

FIXTURES = Path(__file__).parent / "fixtures"
MASTO = FIXTURES / "mastodon"
SSE = FIXTURES / "mastodon_sse" / "user_stream.txt"
CAPTURED = datetime(2026, 3, 1, tzinfo=UTC)
ALICE = "https://social.example/users/alice"
TROLL1 = "https://raid.example/users/troll1"
TROLL2 = "https://social.example/users/troll2"


def results(path: Path, fmt: str | None = None) -> list[tuple[Unit, Any]]:
    return list(read_file(path, fmt, captured_at=CAPTURED))


def items(path: Path, fmt: str | None = None) -> list[Any]:
    out: list[Any] = []
    for _, res in results(path, fmt):
        assert not isinstance(res, ParseError), res
        out.extend(res)
    return out


def messages(path: Path, fmt: str | None = None) -> dict[str, Message]:
    return {m.id: m for m in items(path, fmt) if isinstance(m, Message)}


def ctx(context: dict[str, Any] | None = None) -> ParseContext:
    return ParseContext(CAPTURED, "mem.json", 1, context, "mastodon")


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize("name", sorted(p.name for p in MASTO.iterdir()))
def test_detect_picks_mastodon(name: str) -> None:
    assert detect(MASTO / name).name == "mastodon"


def test_detect_picks_sse() -> None:
    assert detect(SSE).name == "mastodon-sse"


def test_other_formats_are_not_claimed() -> None:
    rest, sse = MastodonSource(), MastodonStreamSource()
    for path in expand_paths([FIXTURES]):
        head = path.read_bytes()[:HEAD_SIZE]
        if path.parent.name not in ("mastodon", "mastodon_sse"):
            assert rest.sniff(head, path) == 0, path
        if path != SSE:
            assert sse.sniff(head, path) == 0, path


def test_sniff_never_raises_on_garbage() -> None:
    for head in (b"", b"\xff\xfe\x00", b'{"acct": ', b"[{", b":)"):
        MastodonSource().sniff(head, Path("x"))
        MastodonStreamSource().sniff(head, Path("x"))


# --------------------------------------------------------------------------- HTML


def test_html_quirks_in_a_mention() -> None:
    msgs = messages(MASTO / "notifications_v1.json")
    m = msgs["https://raid.example/users/troll1/statuses/777"]
    assert m.text == (
        'CW: threat & doxxing\n@alice you & your "friends" <3 read this evil.example/a/very/lo\n'
        "line two #raid\n\nsecond para"
    )
    assert m.extra["spoiler_text"] == "threat & doxxing"
    assert m.urls == (
        "https://evil.example/a/very/long/path?x=1&y=2",
        "https://evil.example/card-target",
    )
    assert m.hashtags == ("raid",)
    assert m.mentions[0].handle == "@alice@social.example"
    assert m.audience == "direct"
    assert m.media[0].kind == "photo" and m.media[0].alt_text == "a screenshot of Alice's address"
    assert m.extra["local_id"] == "110000000000000001"
    assert m.extra["instance"] == "social.example"
    assert m.extra["notification_type"] == "mention"


def test_html_to_text_edge_cases() -> None:
    text, links = html_to_text(
        '<p>a<br>b</p><p><span class="invisible"><span>hidden</span> too</span>shown '
        '<a href="https://x.example/?a=1&amp;b=2">x</a> <a class="u-url mention" href="https://m">'
        '@<span>m</span></a> <img src="x.png" /><!-- c --></p>'
    )
    assert text == 'a\nb\n\nshown x @m <img src="x.png" /><!-- c -->'
    assert links == ("https://x.example/?a=1&b=2",)
    assert html_to_text("plain, no markup") == ("plain, no markup", ())


def test_handle_normalisation() -> None:
    assert normalise_handle("bob", "https://Social.Example/@bob", None) == "@bob@social.example"
    assert normalise_handle("bob@Far.Example", None, "social.example") == "@bob@far.example"
    assert normalise_handle("bob", None, "social.example") == "@bob@social.example"
    assert normalise_handle("", None, None) is None


# --------------------------------------------------------------------------- notifications


def test_null_status_notification_is_kept_as_unavailable() -> None:
    found = items(MASTO / "notifications_v1.json")
    mid = "mastodon-notification:9001"
    placeholder = next(i for i in found if isinstance(i, Message) and i.id == mid)
    assert placeholder.status == "unavailable"
    assert placeholder.author_id == TROLL2 and placeholder.author_handle == "@troll2@social.example"
    assert placeholder.created_at == datetime(2026, 2, 20, 9, 12, tzinfo=UTC)
    assert placeholder.extra["placeholder"] is True
    change = next(i for i in found if isinstance(i, StatusChange) and i.id == mid)
    assert change.status == "unavailable" and change.subject == "message"


def test_follow_and_favourite_yield_accounts_only() -> None:
    per_unit = [res for _, res in results(MASTO / "notifications_v1.json")]
    follow, favourite = per_unit[2], per_unit[3]
    assert [type(i) for i in follow] == [Account]
    assert follow[0].id == "https://old.example/@troll3"  # no uri: url
    assert [type(i) for i in favourite] == [Account]


def test_account_fields_and_midnight_created_at() -> None:
    acc = next(
        i
        for i in items(MASTO / "notifications_v1.json")
        if isinstance(i, Account) and i.id == TROLL1
    )
    assert acc.handle == "@troll1@raid.example" and acc.handles == ("@troll1@raid.example",)
    assert acc.created_at == datetime(2022, 12, 2, tzinfo=UTC)
    assert acc.extra == {"local_id": "200", "acct": "troll1@raid.example"}
    assert acc.bio == "I am troll1 & proud"
    assert acc.followers == 0


def test_reply_to_parent_found_elsewhere_in_the_file() -> None:
    m = messages(MASTO / "notifications_v1.json")["https://raid.example/users/troll1/statuses/777"]
    assert m.reply_to_id == "https://social.example/users/alice/statuses/109999999999999999"
    assert m.reply_to_author_id == ALICE


def test_quote_notification() -> None:
    msgs = messages(MASTO / "notifications_v1.json")
    quoted = "https://social.example/users/alice/statuses/109999999999999998"
    m = msgs["https://social.example/users/troll2/statuses/110000000000000002"]
    assert m.quoted_id == quoted
    assert msgs[quoted].captured_as == "referenced" and msgs[quoted].text == "original thought"


def test_grouped_v2_notifications() -> None:
    [(_, res)] = results(MASTO / "notifications_v2_grouped.json")
    assert not isinstance(res, ParseError)
    accounts = [i for i in res if isinstance(i, Account)]
    assert len(accounts) == len({a.id for a in accounts}) == 4
    lurker = next(a for a in accounts if a.handle == "@lurker@kind.example")
    assert lurker.id == "https://kind.example/@lurker"  # a partial account has no uri
    msgs = {m.id: m for m in res if isinstance(m, Message)}
    m = msgs["https://raid.example/users/troll1/statuses/778"]
    assert m.extra["group_key"] == "ungrouped-9100" and m.extra["notification_id"] == "9100"
    assert m.reply_to_id == "https://social.example/users/alice/statuses/109999999999999999"
    assert m.mentions[0].id == ALICE  # joined through accounts[]
    gone = msgs["mastodon-notification:9103"]
    assert gone.status == "unavailable" and gone.author_id == TROLL1
    assert "missing from statuses[]" in (gone.status_detail or "")
    # the favourited status is the target's own post: not a message of this capture
    assert "https://social.example/users/alice/statuses/109999999999999999" not in msgs


# --------------------------------------------------------------------------- contexts, statuses


def test_context_threads_and_local_replies() -> None:
    msgs = messages(MASTO / "context.json")
    root = "https://social.example/users/alice/statuses/109999999999999990"
    assert {m.thread_id for m in msgs.values()} == {root}
    assert all(m.captured_as == "primary" for m in msgs.values())
    d1 = msgs["https://social.example/users/troll2/statuses/109999999999999992"]
    assert d1.reply_to_id == "https://raid.example/users/troll1/statuses/779"
    assert d1.reply_to_author_id == TROLL1
    d2 = msgs["https://old.example/users/troll3/statuses/abc-1"]
    assert d2.url == d2.id  # url null: fall back to the uri
    assert d2.author_id == "https://old.example/@troll3"
    assert d2.reply_to_id == d1.id


def test_edit_boost_and_visibility() -> None:
    msgs = messages(MASTO / "statuses.json")
    edited = msgs["https://social.example/users/troll2/statuses/110000000000000020"]
    assert edited.audience == "followers"
    [version] = edited.versions
    assert version.id == "2026-02-20T11:05:30Z" and version.text == edited.text
    assert version.created_at == datetime(2026, 2, 20, 11, 5, 30, tzinfo=UTC)
    assert edited.created_at == datetime(2026, 2, 20, 11, 0, tzinfo=UTC)

    boost = msgs["https://old.example/users/troll3/statuses/abc-2/activity"]
    original = "https://raid.example/users/troll1/statuses/780"
    assert boost.repost_of_id == original and boost.text == "@alice boost me"
    assert boost.author_handle == "@troll3@old.example"
    assert msgs[original].captured_as == "referenced"
    assert msgs[original].author_id == TROLL1

    reply = msgs["https://social.example/users/troll2/statuses/110000000000000023"]
    assert reply.audience == "public"  # unlisted
    assert reply.reply_to_id == edited.id and reply.thread_id is None
    unedited = msgs["https://social.example/users/troll2/statuses/110000000000000024"]
    assert unedited.versions[0].id == "2026-02-20T09:10:58Z"  # created_at for an unedited status
    assert unedited.quoted_id == edited.id  # shallow quote resolved through the file


def test_unresolved_local_reply_is_flagged() -> None:
    m = messages(MASTO / "statuses.json")[
        "https://social.example/users/troll2/statuses/110000000000000026"
    ]
    assert m.reply_to_id == "42"
    assert m.extra["in_reply_to_local_id"] == "42"
    assert m.extra["in_reply_to_account_local_id"] == "999"
    assert m.thread_id is None


def test_parse_is_a_pure_function_of_stored_bytes_and_context() -> None:
    src = MastodonSource()
    for unit, res in results(MASTO / "statuses.json"):
        again = src.parse(unit.raw, ParseContext(CAPTURED, "elsewhere", unit.line, unit.context))
        assert again == res


def test_units_keep_exact_bytes() -> None:
    data = (MASTO / "statuses.json").read_bytes()
    for unit in MastodonSource().units(MASTO / "statuses.json"):
        assert data[unit.offset : unit.offset + len(unit.raw)] == unit.raw


def test_hostile_payload_kept_verbatim() -> None:
    m = messages(MASTO / "statuses.json")[
        "https://social.example/users/troll2/statuses/110000000000000025"
    ]
    assert m.text == (
        "<script>alert(1)</script> '; DROP TABLE messages;-- \u202eevil\u202c "
        "<script>steal()</script> tab\there"
    )
    assert m.lang is None


def test_suspended_account_status_change() -> None:
    raw = (
        b'{"id":"5","acct":"gone@far.example","uri":"https://far.example/users/gone",'
        b'"url":"https://far.example/@gone","display_name":"","suspended":true}'
    )
    acc, change = MastodonSource().parse(raw, ctx())
    assert isinstance(acc, Account) and acc.status == "suspended"
    assert isinstance(change, StatusChange) and change.subject == "account"


@pytest.mark.parametrize(
    ("raw", "needle"),
    [
        (b'{"id":"1","content":"<p>x</p>","account":{"id":"2","acct":"a"}}', "'uri'"),
        (b'{"uri":"https://a.example/s/1","content":"x"}', "'account'"),
        (b'{"hello":"world"}', "unknown Mastodon payload"),
        (b'"just a string"', "expected a JSON object"),
        (
            b'{"uri":"https://a.example/1","account":{"id":"1","acct":"a"},"created_at":"soon"}',
            "'created_at'",
        ),
        (b'{"stream":["user"],"event":"update","payload":"{not json"}', "malformed JSON"),
        (b"[" * 5000 + b"]" * 5000, "JSON"),
    ],
)
def test_malformed_records_raise_parse_error(raw: bytes, needle: str) -> None:
    with pytest.raises(ParseError) as err:
        MastodonSource().parse(raw, ctx())
    assert needle in str(err.value)
    assert "mem.json:1" in str(err.value)


# --------------------------------------------------------------------------- WebSocket frames


def test_websocket_frames() -> None:
    res = results(MASTO / "websocket_frames.jsonl")
    by_line = {unit.line: r for unit, r in res}
    error = by_line[5]
    assert isinstance(error, ParseError)
    assert str(error).startswith(f"{MASTO / 'websocket_frames.jsonl'}:5:")
    assert "malformed JSON" in error.reason
    update, edit, notif = by_line[1][0], by_line[2][0], by_line[3][0]
    uri = "https://raid.example/users/troll1/statuses/781"
    assert update.id == edit.id == uri
    assert update.versions[0].id != edit.versions[0].id
    assert edit.text == "@alice live hate (edited)"
    assert notif.extra["notification_id"] == "9200"
    assert by_line[6] == []  # filters_changed
    [deleted] = by_line[7]
    assert isinstance(deleted, StatusChange)
    assert deleted.id == uri and deleted.status == "deleted"  # local id resolved in the file
    [unknown] = by_line[8]
    assert unknown.id == "123456" and "local id" in (unknown.detail or "")


def test_bad_utf8_line_is_rejected_and_the_rest_parses(tmp_path: Path) -> None:
    lines = (MASTO / "websocket_frames.jsonl").read_bytes().splitlines()
    path = tmp_path / "frames.jsonl"
    path.write_bytes(b"\n".join([lines[0], b'{"stream":["user"],"event":"x\xff\xfe"}', lines[1]]))
    res = results(path, "mastodon")
    assert isinstance(res[1][1], ParseError)
    assert "invalid UTF-8" in res[1][1].reason and res[1][1].line == 2
    assert not isinstance(res[0][1], ParseError) and not isinstance(res[2][1], ParseError)


# --------------------------------------------------------------------------- SSE


def test_sse_units_skip_heartbeats_and_keep_exact_bytes() -> None:
    data = SSE.read_bytes()
    units = list(MastodonStreamSource().units(SSE))
    assert [u.line for u in units] == [2, 6, 10, 15, 18, 21, 25]
    for unit in units:
        assert data[unit.offset : unit.offset + len(unit.raw)] == unit.raw
        assert unit.raw.startswith(b"event: ")
    assert units[0].raw.endswith(b"\n\n")


def test_sse_events() -> None:
    res = results(SSE)
    kinds = [[type(i).__name__ for i in r] if isinstance(r, list) else "error" for _, r in res]
    assert kinds == [
        ["Message", "Account"],
        ["Message", "StatusChange", "Account"],
        ["Message", "Account"],
        ["Message", "Account"],
        [],
        ["StatusChange"],
        "error",
    ]
    update, edit = res[0][1][0], res[2][1][0]
    assert update.id == edit.id
    assert edit.text == "@alice streamed (edited)"  # multi-line data
    assert res[1][1][0].id == "mastodon-notification:9300"
    dm = res[3][1][0]
    assert dm.audience == "direct" and dm.extra["conversation_id"] == "77"
    deleted = res[5][1][0]
    assert deleted.id == update.id and deleted.status == "deleted"
    truncated = res[6][1]
    assert isinstance(truncated, ParseError) and truncated.line == 25
    assert "truncated SSE event block" in truncated.reason


def test_sse_delete_of_an_unseen_status() -> None:
    [change] = MastodonStreamSource().parse(b"event: delete\ndata: 117024236332527350\n\n", ctx())
    assert isinstance(change, StatusChange) and change.id == "117024236332527350"


def test_sse_malformed_update_payload() -> None:
    with pytest.raises(ParseError, match="'update' event: malformed JSON"):
        MastodonStreamSource().parse(b'event: update\ndata: {"uri": \n\n', ctx())
