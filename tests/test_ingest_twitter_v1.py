"""Ingest X/Twitter v1.1 tweet JSON: stream lines, REST arrays, search responses, notices."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from rempart.errors import ParseError, SourceError
from rempart.models import Account, Media, Mention, Message, StatusChange, Version
from rempart.sources import ParseContext, detect, read_file
from rempart.sources.twitter_v1 import TwitterV1Source, slice_entity

FIXTURES = Path(__file__).parent / "fixtures"
HERE = FIXTURES / "twitter_v1"
STREAM = HERE / "stream.jsonl"
REST = HERE / "rest_timeline.json"
SEARCH = HERE / "search.json"
CAPTURED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SRC = TwitterV1Source()
TARGET = Mention(handle="target_camille", id="900000000000000001")


def by_line(path: Path) -> dict[int, list | ParseError]:
    return {unit.line: result for unit, result in read_file(path, captured_at=CAPTURED)}


def messages(items: list) -> list[Message]:
    return [i for i in items if isinstance(i, Message)]


def ms(value: int) -> datetime:
    return datetime.fromtimestamp(value / 1000, UTC)


@pytest.fixture(scope="module")
def stream() -> dict[int, list | ParseError]:
    return by_line(STREAM)


def ctx(**kw) -> ParseContext:
    return ParseContext(CAPTURED, "inline.json", 1, **kw)


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize("path", [STREAM, REST, SEARCH], ids=lambda p: p.name)
def test_detect_picks_v1_for_each_fixture(path: Path) -> None:
    assert detect(path).name == "twitter-v1"


def test_other_formats_fixtures_are_not_claimed() -> None:
    others = [p for p in FIXTURES.rglob("*") if p.is_file() and HERE not in p.parents]
    assert others, "expected fixtures of other formats"
    for path in others:
        head = path.read_bytes()[:65536]
        assert SRC.sniff(head, path) == 0, path
        try:
            assert detect(path).name != "twitter-v1", path
        except SourceError:
            pass


@pytest.mark.parametrize(
    "head",
    [
        (
            b'window.YTD.tweets.part0 = [ {"tweet": {"id_str": "1", "created_at": "Fri Feb 20 09:10:58 '
            b'+0000 2026"}} ]'
        ),
        b'{"data":[{"id":"1","text":"hi","author_id":"2"}],"includes":{"users":[]},"__twarc":{}}\n',
        b'{"data":{"id":"1","text":"hi"},"includes":{},"matching_rules":[{"id":"1","tag":"t"}]}\n',
        b'{"id":"1","text":"hi","author":{"username":"u"},"__twarc":{"retrieved_at":"x"}}\n',
        (
            b'{"id":"109","uri":"https://m.example/s/1","account":{"acct":"a"},"content":"<p>x</p>",'
            b'"created_at":"2026-02-20T09:10:58.000Z"}\n'
        ),
        b'{"did":"did:plc:abc","time_us":1,"kind":"commit","commit":{"operation":"create"}}\n',
        b"id,text,author_id\n1,hello,2\n",
        b"",
    ],
)
def test_sniff_rejects_other_shapes(head: bytes) -> None:
    assert SRC.sniff(head, Path("x.json")) == 0


def test_sniff_scores() -> None:
    assert SRC.sniff(STREAM.read_bytes(), STREAM) == 0.9
    assert SRC.sniff(b'{"delete":{"status":{"id_str":"1","user_id_str":"2"}}}\n', STREAM) == 0.9
    assert SRC.sniff(b'{"limit":{"track":3,"timestamp_ms":"1"}}\n', STREAM) == 0.9
    user_line = b'{"id_str":"5","screen_name":"a","created_at":"Mon Jan 05 10:00:00 +0000 2015"}'
    assert SRC.sniff(user_line, STREAM) > 0.5
    # a head cut inside a huge pretty-printed tweet still smells like v1.1
    cut = (
        b'{\n  "id_str": "1",\n  "user": {\n    "screen_name": "a",\n    "description": "'
        + b"x" * 70
    )
    assert SRC.sniff(cut, STREAM) == 0.6


# --------------------------------------------------------------------------- stream lines


def test_extended_tweet_full_text_entities_and_media(stream: dict) -> None:
    items = stream[1]
    msg = messages(items)[0]
    assert msg.platform == "x" and msg.id == "1892500000000000001"
    assert msg.text.startswith("@target_camille you & your <friends> will pay #RaidNow")
    assert msg.text.endswith("x" * 200 + " https://t.co/PhOtO1")  # not the cut "…" text
    assert msg.mentions == (TARGET,)
    assert msg.hashtags == ("RaidNow", "Exposed")
    assert msg.urls == ("https://dox.example.invalid/camille",)  # no i/web link, no media link
    assert msg.media == (
        Media(
            "photo",
            "https://pbs.twimg.com/media/SyntheticA.jpg",
            "1893000000000000001",
            "a doctored photo",
            None,
        ),
        Media(
            "video",
            "https://video.twimg.com/ext_tw_video/1893000000000000002/pu/vid/1280x720/high.mp4",
            "1893000000000000002",
            None,
            "https://pbs.twimg.com/ext_tw_video_thumb/1893000000000000002/pu/img/thumb.jpg",
        ),
    )
    assert msg.created_at == datetime(2026, 2, 20, 9, 10, 58, tzinfo=UTC)
    assert msg.observed_at == ms(1771578658123)  # the stream's timestamp_ms
    assert (msg.author_id, msg.author_handle, msg.author_display_name, msg.author_followers) == (
        "800000000000000001",
        "raid_leader_01",
        "Raid Leader",
        5400,
    )
    assert msg.author_created_at == datetime(2015, 1, 5, 10, tzinfo=UTC)
    assert msg.lang == "fr" and msg.audience == "public" and msg.captured_as == "primary"
    assert msg.thread_id is None and msg.versions == () and msg.extra == {}
    assert msg.url == "https://x.com/raid_leader_01/status/1892500000000000001"
    account = items[1]
    assert isinstance(account, Account)
    assert (account.id, account.handle, account.followers, account.following, account.posts) == (
        "800000000000000001",
        "raid_leader_01",
        5400,
        3,
        40,
    )
    assert account.url == "https://x.com/raid_leader_01" and account.handles == ("raid_leader_01",)


def test_entity_indices_are_offsets_into_the_escaped_text() -> None:
    line = orjson.loads(STREAM.read_bytes().split(b"\n")[0])
    escaped = line["extended_tweet"]["full_text"]
    tags = line["extended_tweet"]["entities"]["hashtags"]
    assert [slice_entity(escaped, t["indices"]) for t in tags] == ["#RaidNow", "#Exposed"]
    # the decoded text is shorter (&amp; -> &), so the same offsets land elsewhere
    unescaped = escaped.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
    start, end = tags[0]["indices"]
    assert unescaped[start:end] != "#RaidNow"
    assert slice_entity("&amp; @bob", ["6", "10"]) == "@bob"  # archive-style quoted numbers
    assert slice_entity("x", [5, 9]) == "" and slice_entity("x", None) == ""


def test_entities_without_names_fall_back_to_escaped_slices() -> None:
    tweet = {
        "id_str": "1",
        "text": "&lt;3 #Tag @who",
        "created_at": "Fri Feb 20 09:10:58 +0000 2026",
        "entities": {
            "hashtags": [{"indices": [6, 10]}],
            "user_mentions": [{"id_str": "7", "indices": [11, 15]}],
        },
    }
    msg = messages(SRC.parse(orjson.dumps(tweet), ctx()))[0]
    assert msg.text == "<3 #Tag @who"
    assert msg.hashtags == ("Tag",) and msg.mentions == (Mention("who", "7"),)


def test_retweet_takes_the_original_full_text(stream: dict) -> None:
    items = stream[2]
    rt, original = messages(items)
    assert rt.id == "1892500000000000002" and rt.author_handle == "sock_puppet_2"
    assert rt.repost_of_id == "1892400000000000009"
    assert rt.text == (
        "Everyone go tell @target_camille what you think of her #RaidNow https://t.co/LiNk02"
    )
    assert rt.mentions == (TARGET,) and rt.hashtags == ("RaidNow",)
    assert rt.urls == ("https://example.invalid/thread",)
    assert original.id == "1892400000000000009" and original.captured_as == "referenced"
    assert original.text == rt.text and original.author_handle == "orig_poster"
    assert original.repost_of_id is None and original.author_followers == 20000
    assert {a.handle for a in items if isinstance(a, Account)} == {"sock_puppet_2", "orig_poster"}


def test_quote_tweet_yields_the_quoted_tweet_as_referenced(stream: dict) -> None:
    quote, quoted = messages(stream[3])
    assert quote.quoted_id == "1892300000000000001"
    assert quote.urls == ("https://twitter.com/target_camille/status/1892300000000000001",)
    assert quoted.id == "1892300000000000001" and quoted.captured_as == "referenced"
    assert quoted.text == "I am Camille and I will not be silenced"
    assert quoted.author_handle == "target_camille"
    assert quoted.created_at == datetime(2026, 2, 19, 20, tzinfo=UTC)


def test_delete_notice_is_a_status_change_not_a_message(stream: dict) -> None:
    assert stream[4] == [
        StatusChange(
            "x",
            "message",
            "1892500000000000003",
            "deleted",
            ms(1771582320000),
            "stream delete notice (user 800000000000000003)",
        )
    ]


def test_quiet_notices_are_valid_records_without_items(stream: dict) -> None:
    assert stream[5] == []  # limit
    assert stream[10] == []  # scrub_geo
    assert stream[11] == []  # warning
    for notice in (
        b'{"disconnect":{"code":7,"stream_name":"s","reason":"dup"}}',
        b'{"friends":[1,2,3]}',
        b'{"event":"favorite","source":{"id_str":"1"},"target":{"id_str":"2"}}',
    ):
        assert SRC.parse(notice, ctx()) == []


def test_withheld_notices(stream: dict) -> None:
    assert stream[8] == [
        StatusChange(
            "x",
            "message",
            "1892500000000000002",
            "withheld",
            ms(1771590000000),
            "withheld in DE, FR",
        )
    ]
    assert stream[9] == [
        StatusChange("x", "account", "800000000000000001", "withheld", CAPTURED, "withheld in FR")
    ]


def test_truncated_line_is_rejected_with_its_location_and_the_rest_parses(stream: dict) -> None:
    err = stream[6]
    assert isinstance(err, ParseError)
    assert err.line == 6 and err.path == str(STREAM)
    assert str(err).startswith(f"{STREAM}:6: malformed JSON")
    assert sum(1 for r in stream.values() if isinstance(r, ParseError)) == 1
    assert len(stream) == 13  # the trailing blank line is not a record
    primary = [
        m
        for r in stream.values()
        if isinstance(r, list)
        for m in messages(r)
        if m.captured_as == "primary"
    ]
    assert len(primary) == 6


def test_bad_utf8_line_is_rejected_and_the_rest_parses(tmp_path: Path) -> None:
    lines = STREAM.read_bytes().split(b"\n")
    bad = lines[6].replace(b"nobody asked", b"nobody \xff\xfe asked")
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b"\n".join([lines[0], bad, lines[11]]) + b"\n")
    results = {u.line: r for u, r in read_file(path, captured_at=CAPTURED)}
    assert isinstance(results[2], ParseError)
    assert str(results[2]) == f"{path}:2: invalid UTF-8 encoding"
    assert messages(results[1])[0].id == "1892500000000000001"
    assert messages(results[3])[0].id == "1892500000000000006"


def test_protected_reply(stream: dict) -> None:
    items = stream[7]
    msg = messages(items)[0]
    assert msg.text == "@target_camille @orig_poster nobody asked"  # full_text, mentions kept
    assert msg.audience == "followers"
    assert msg.reply_to_id == "1892300000000000001"
    assert msg.reply_to_author_id == "900000000000000001"
    assert msg.extra == {"in_reply_to_screen_name": "target_camille"}
    assert msg.mentions == (TARGET, Mention("orig_poster", "800000000000000009"))
    account = next(i for i in items if isinstance(i, Account))
    assert account.status == "protected"
    assert (
        StatusChange(
            "x",
            "account",
            "800000000000000005",
            "protected",
            ms(1771578840000),
            "protected account (user.protected)",
        )
        in items
    )


def test_edited_tweet_uses_the_initial_id(stream: dict) -> None:
    msg = messages(stream[12])[0]
    assert msg.id == "1892500000000000006"
    assert msg.url == "https://x.com/raid_leader_01/status/1892500000000000007"
    assert msg.versions == (
        Version(
            "1892500000000000007",
            "@target_camille corrected: you are still a fraud",
            datetime(2026, 2, 20, 9, 20, tzinfo=UTC),
        ),
    )


def test_hostile_payload_is_kept_verbatim(stream: dict) -> None:
    msg = messages(stream[13])[0]
    assert msg.text == (
        "<script>alert(1)</script> '; DROP TABLE messages;-- \u202egnp.exe \u0007 @target_camille"
    )
    assert msg.author_display_name == "<b>Hostile</b>"
    assert msg.mentions == (TARGET,)


# --------------------------------------------------------------------------- REST shapes


def test_rest_array_extended_mode_and_compat_truncation() -> None:
    results = [r for _, r in read_file(REST, captured_at=CAPTURED)]
    first, second = results
    msg = messages(first)[0]
    assert msg.text == "@target_camille >> everyone knows where you live #Doxx"
    assert msg.hashtags == ("Doxx",) and msg.observed_at == CAPTURED
    assert (
        StatusChange("x", "message", "1892800000000000001", "withheld", CAPTURED, "withheld in FR")
        in first
    )
    cut = messages(second)[0]
    assert cut.text.endswith("… https://t.co/IwEb02")
    assert cut.extra == {"truncated": True}


def test_search_response_document() -> None:
    [(unit, items)] = list(read_file(SEARCH, captured_at=CAPTURED))
    assert unit.line == 1
    [msg] = messages(items)
    assert (msg.id, msg.text, msg.author_handle) == (
        "1893100000000000001",
        "@target_camille search hit",
        "search_troll",
    )


def test_users_lookup_element_is_an_account_not_a_message() -> None:
    user = (
        b'{"id_str":"5","screen_name":"a_user","name":"A","followers_count":3,'
        b'"created_at":"Mon Jan 05 10:00:00 +0000 2015","protected":false}'
    )
    [account] = SRC.parse(user, ctx())
    assert isinstance(account, Account) and account.handle == "a_user" and account.followers == 3


def test_site_stream_wrapper_is_unwrapped() -> None:
    line = STREAM.read_bytes().split(b"\n")[3]
    wrapped = b'{"for_user":900000000000000001,"message":' + line + b"}"
    assert SRC.parse(wrapped, ctx()) == SRC.parse(line, ctx())
    assert SRC.sniff(wrapped, STREAM) == 0.9


@pytest.mark.parametrize(
    "raw, reason",
    [
        (b'{"text":"no id","user":{"id_str":"1"}}', "not a known stream notice"),
        (
            b'{"id":1.5e18,"text":"float id","created_at":"Fri Feb 20 09:10:58 +0000 2026"}',
            "'id_str'",
        ),
        (b"[1, 2]", "expected a JSON object"),
        (b'{"delete":{"status":{"user_id_str":"2"}}}', "'status.id_str'"),
        (b'{"id_str":"1","text":"x","created_at":"yesterday"}', "'created_at'"),
        (b'{"id_str":"1","text":"x","withheld_in_countries":5}', "unexpected"),
    ],
)
def test_malformed_records_raise_parse_errors_naming_the_field(raw: bytes, reason: str) -> None:
    with pytest.raises(ParseError) as info:
        SRC.parse(raw, ctx())
    assert reason in str(info.value) and "inline.json:1" in str(info.value)
