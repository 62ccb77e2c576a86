"""Ingesting X API v2 files written by twarc2: pages, stream lines, flattened lines (formats.md §1)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from rempart.errors import ParseError
from rempart.models import Account, Item, Message, StatusChange
from rempart.sources import ParseContext, detect, read_file
from rempart.sources.twitter import Twarc2Source

FIXTURES = Path(__file__).parent / "fixtures"
HERE = FIXTURES / "twarc2"
CAPTURED = datetime(2026, 4, 1, 12, 0, tzinfo=UTC)
SRC = Twarc2Source()

ALPHA, BETA, TARGET, BYSTANDER = (f"150000000000000000{i}" for i in (1, 2, 3, 4))


def items_of(name: str) -> list[Item]:
    """Every item of a fixture, failing on any reject."""
    out: list[Item] = []
    for _unit, result in read_file(HERE / name, captured_at=CAPTURED):
        assert not isinstance(result, ParseError), result
        out.extend(result)
    return out


def messages(items: list[Item], captured_as: str | None = None) -> dict[str, Message]:
    return {
        m.id: m
        for m in items
        if isinstance(m, Message) and (captured_as is None or m.captured_as == captured_as)
    }


def changes(items: list[Item]) -> list[StatusChange]:
    return [c for c in items if isinstance(c, StatusChange)]


def accounts(items: list[Item]) -> dict[str, Account]:
    return {a.id: a for a in items if isinstance(a, Account)}


def parse(doc: object, line: int = 1) -> list[Item]:
    raw = doc if isinstance(doc, bytes) else json.dumps(doc).encode()
    return SRC.parse(raw, ParseContext(CAPTURED, "inline.jsonl", line))


# --------------------------------------------------------------------------- pages


def test_page_tweets_resolve_authors_media_and_references() -> None:
    items = items_of("pages.jsonl")
    primary = messages(items, "primary")
    assert set(primary) == {f"18900000000000000{i:02d}" for i in (1, 2, 3, 4, 7)}

    reply = primary["1890000000000000001"]
    assert reply.platform == "x"
    assert (
        reply.text
        == "@target_person you & your friends are done #raid https://t.co/aaa https://t.co/ppp"
    )
    assert reply.created_at == datetime(2026, 3, 1, 10, 0, tzinfo=UTC)
    assert (reply.author_id, reply.author_handle, reply.author_display_name) == (
        ALPHA,
        "troll_alpha",
        "Alpha Troll",
    )
    assert reply.author_created_at == datetime(2025, 11, 2, 8, 0, tzinfo=UTC)
    assert reply.author_followers == 12
    assert reply.reply_to_id == "1890000000000000000"
    assert reply.reply_to_author_id == TARGET
    assert reply.thread_id == "1890000000000000000"
    assert [(m.handle, m.id) for m in reply.mentions] == [("target_person", TARGET)]
    assert reply.hashtags == ("raid",)
    # unwound_url preferred; the pic link carrying a media_key is not a real URL
    assert reply.urls == ("https://example.org/long-article-about-target",)
    assert [(m.kind, m.url, m.id, m.alt_text) for m in reply.media] == [
        (
            "photo",
            "https://pbs.twimg.com/media/AAA.jpg",
            "3_111",
            "screenshot of the target's address",
        )
    ]
    assert reply.url == "https://x.com/troll_alpha/status/1890000000000000001"
    assert reply.audience == "public"
    assert reply.lang == "en"
    assert reply.observed_at == datetime(2026, 3, 1, 12, 0, 0, 250000, tzinfo=UTC)
    assert "retrieved_from" not in reply.extra  # the request URL stays in the raw record


def test_page_quote_by_protected_author_with_video_and_missing_media() -> None:
    quote = messages(items_of("pages.jsonl"))["1890000000000000002"]
    assert quote.quoted_id == "1890000000000000000"
    assert quote.reply_to_id is None
    assert quote.audience == "followers"  # troll_beta is protected
    assert quote.urls == ("https://x.com/target_person/status/1890000000000000000",)
    video, missing = quote.media
    assert (video.kind, video.id) == ("video", "7_222")
    assert video.url == "https://video.twimg.com/ext_tw_video/222/pu/vid/high.mp4"  # best mp4
    assert (video.preview_url or "").endswith("BBB.jpg")
    assert (missing.kind, missing.id, missing.url) == ("unknown", "3_missing", None)


def test_dangling_author_and_media_only_language() -> None:
    m = messages(items_of("pages.jsonl"))["1890000000000000003"]
    assert m.author_id == "1500000000000000099"  # not in includes.users (suspended)
    assert m.author_handle is None and m.author_followers is None
    assert m.url == "https://x.com/i/web/status/1890000000000000003"
    assert m.lang is None  # "qme"
    assert m.text == "\U0001f600\U0001f600"
    assert m.versions == ()  # no edit_history_tweet_ids: no version identity


def test_includes_tweets_are_referenced_and_deduped_against_data() -> None:
    items = items_of("pages.jsonl")
    ids = [m.id for m in items if isinstance(m, Message)]
    assert ids.count("1890000000000000001") == 1  # in data and in includes.tweets
    root = messages(items)["1890000000000000000"]
    assert root.captured_as == "referenced"
    assert root.author_handle == "target_person"
    assert messages(items)["1890000000000000001"].captured_as == "primary"


def test_page_accounts_for_every_user_with_profile_data() -> None:
    items = items_of("pages.jsonl")
    first_page = parse((HERE / "pages.jsonl").read_bytes().splitlines()[0])
    accs = accounts(first_page)
    assert set(accs) == {ALPHA, BETA, TARGET, BYSTANDER}
    target = accs[TARGET]
    assert (target.handle, target.display_name, target.followers) == (
        "target_person",
        "Target Person",
        4200,
    )
    assert target.created_at == datetime(2012, 5, 5, 5, 5, 5, tzinfo=UTC)
    assert target.url == "https://x.com/target_person"
    assert accs[BETA].status == "protected"
    # the second page saw troll_alpha later, with more followers
    later = [a for a in items if isinstance(a, Account) and a.id == ALPHA][-1]
    assert later.followers == 15
    assert later.observed_at == datetime(2026, 3, 1, 12, 0, 1, 500000, tzinfo=UTC)


def test_errors_become_status_changes() -> None:
    found = {(c.subject, c.id): c for c in changes(items_of("pages.jsonl"))}
    assert found[("message", "1890000000000000005")].status == "deleted"
    assert found[("message", "1890000000000000006")].status == "protected"
    assert found[("account", "1500000000000000005")].status == "suspended"
    # named by username and unknown to the page: the username is kept as the id
    suspended = found[("account", "suspended_gamma")]
    assert suspended.status == "suspended"
    assert "suspended" in (suspended.detail or "")
    assert suspended.platform == "x"
    assert suspended.observed_at == datetime(2026, 3, 1, 12, 0, 0, 250000, tzinfo=UTC)


def test_error_naming_a_known_username_resolves_to_the_user_id() -> None:
    doc = {
        "data": [],
        "includes": {"users": [{"id": ALPHA, "username": "troll_alpha"}]},
        "errors": [
            {
                "parameter": "entities.mentions.username",
                "value": "Troll_Alpha",
                "resource_id": "Troll_Alpha",
                "title": "Forbidden",
                "detail": "User has been suspended: [Troll_Alpha].",
                "resource_type": "user",
            }
        ],
    }
    (change,) = changes(parse(doc))
    assert (change.subject, change.id, change.status) == ("account", ALPHA, "suspended")


def test_errors_only_page() -> None:
    items = items_of("errors_only.jsonl")
    assert not messages(items)
    assert [(c.subject, c.id, c.status) for c in changes(items)] == [
        ("message", "1890000000000000401", "deleted"),
        ("message", "1890000000000000402", "protected"),
    ]
    assert items[0].observed_at == datetime(2026, 3, 6, 10, 0, tzinfo=UTC)


def test_pretty_printed_single_page() -> None:
    units = list(SRC.units(HERE / "page_pretty.json"))
    assert len(units) == 1
    assert units[0].raw == (HERE / "page_pretty.json").read_bytes().strip()
    (m,) = messages(items_of("page_pretty.json")).values()
    assert m.text == "pretty > compact"
    assert m.observed_at == datetime(2026, 3, 2, 8, 30, tzinfo=UTC)


def test_users_page_yields_accounts_only() -> None:
    items = items_of("users.jsonl")
    assert not messages(items)  # even though includes.tweets holds a pinned tweet
    assert set(accounts(items)) == {ALPHA, BETA, BYSTANDER}
    assert accounts(items)[BETA].status == "protected"
    assert [(c.subject, c.id, c.status) for c in changes(items)] == [
        ("account", "gone_delta", "suspended")
    ]


def test_counts_and_empty_pages_hold_nothing() -> None:
    assert (
        parse(
            {
                "data": [
                    {
                        "end": "2026-03-02T00:00:00.000Z",
                        "start": "2026-03-01T00:00:00.000Z",
                        "tweet_count": 12,
                    }
                ],
                "meta": {"total_tweet_count": 12},
            }
        )
        == []
    )
    assert (
        parse(
            {
                "meta": {"result_count": 0},
                "__twarc": {
                    "url": "u",
                    "version": "2.14.1",
                    "retrieved_at": "2026-03-01T00:00:00+00:00",
                },
            }
        )
        == []
    )


# --------------------------------------------------------------------------- stream


def test_stream_lines_keep_rules_and_skip_the_truncated_line() -> None:
    results = list(read_file(HERE / "stream.jsonl", captured_at=CAPTURED))
    errors = [(u, r) for u, r in results if isinstance(r, ParseError)]
    assert len(errors) == 1
    unit, err = errors[0]
    assert unit.line == 5
    assert err.line == 5 and (err.path or "").endswith("stream.jsonl")
    assert "stream.jsonl:5" in str(err) and "malformed JSON" in err.reason
    good = [i for _, r in results if not isinstance(r, ParseError) for i in r]
    msgs = messages(good)
    assert set(msgs) == {f"18900000000000002{i:02d}" for i in (1, 2, 3, 4)} | {
        "1890000000000000299"
    }
    assert msgs["1890000000000000201"].extra["matching_rules"] == ["mentions-of-target"]
    assert msgs["1890000000000000204"].observed_at == datetime(
        2026, 3, 3, 10, 0, 4, 900000, tzinfo=UTC
    )
    # no __twarc on that line: observed when captured
    assert msgs["1890000000000000299"].observed_at == CAPTURED
    assert msgs["1890000000000000299"].audience == "followers"
    # the operational-disconnect notice is a valid record with nothing in it
    assert [r for u, r in results if u.line == 8] == [[]]


# --------------------------------------------------------------------------- flattened


def test_flattened_reply_with_inline_author_and_parent() -> None:
    items = items_of("flattened.jsonl")
    reply = messages(items, "primary")["1890000000000000301"]
    assert reply.author_handle == "troll_alpha" and reply.author_followers == 12
    assert reply.reply_to_id == "1890000000000000300"
    assert reply.reply_to_author_id == TARGET
    assert [(m.kind, m.url) for m in reply.media] == [
        ("photo", "https://pbs.twimg.com/media/CCC.jpg")
    ]
    assert reply.observed_at == datetime(2026, 3, 4, 9, 0, tzinfo=UTC)
    parent = messages(items, "referenced")["1890000000000000300"]
    assert parent.text == "Speaking at the conference tomorrow"
    assert parent.author_handle == "target_person"
    assert TARGET in accounts(items)


def test_flattened_retweet_takes_the_full_original_text() -> None:
    items = items_of("flattened.jsonl")
    rt = messages(items, "primary")["1890000000000000303"]
    assert rt.repost_of_id == "1890000000000000302"
    assert rt.text.startswith("Everyone should read what @target_person wrote & tell her")
    assert rt.text.endswith("until she logs off for good #pileon")
    assert not rt.text.startswith("RT @")
    assert rt.author_handle == "troll_alpha"
    assert [m.handle for m in rt.mentions] == ["target_person"]
    assert rt.hashtags == ("pileon",)
    original = messages(items, "referenced")["1890000000000000302"]
    assert original.author_handle == "bystander_c"


def test_flattened_quote_by_protected_author() -> None:
    quote = messages(items_of("flattened.jsonl"), "primary")["1890000000000000304"]
    assert quote.quoted_id == "1890000000000000300"
    assert quote.audience == "followers"


# --------------------------------------------------------------------------- quirks


def test_note_tweet_gives_the_long_text_and_its_entities() -> None:
    (m,) = messages(items_of("note_tweet.jsonl")).values()
    assert len(m.text) > 400 and not m.text.endswith("…")
    assert m.text.endswith("Final call, tag @troll_beta too #nolife https://t.co/nnn")
    assert [mm.handle for mm in m.mentions] == ["target_person", "troll_beta"]
    assert m.hashtags == ("nolife",)
    assert m.urls == ("https://example.net/dossier",)


def test_edits_share_the_first_id_and_carry_one_version_each() -> None:
    from rempart.derive.merge import merge_messages

    first, second = (m for m in items_of("edits.jsonl") if isinstance(m, Message))
    assert first.id == second.id == "1890000000000000601"
    assert first.versions == ()  # an unedited original is its own (only) version
    merged = merge_messages(first, second)
    assert [(v.id, v.text) for v in merged.versions] == [
        ("1890000000000000601", "you are a disgrace"),
        ("1890000000000000602", "you are a disgrace (edited to look nicer)"),
    ]
    assert merged.text == "you are a disgrace (edited to look nicer)"
    assert [(v.id, v.text) for v in second.versions] == [
        ("1890000000000000602", "you are a disgrace (edited to look nicer)")
    ]
    assert second.versions[0].created_at == datetime(2026, 3, 8, 10, 20, tzinfo=UTC)
    assert second.extra["edit_history_tweet_ids"] == ["1890000000000000601", "1890000000000000602"]
    assert second.url == "https://x.com/troll_alpha/status/1890000000000000601"


def test_retweet_text_comes_from_the_included_original() -> None:
    items = items_of("retweets.jsonl")
    msgs = messages(items)
    rt = msgs["1890000000000000701"]
    assert rt.repost_of_id == "1890000000000000711"
    assert rt.text == msgs["1890000000000000711"].text  # the note_tweet text, unescaped
    assert rt.text.count("Go tell @target_person") == 3
    assert '& her "work"' in rt.text
    assert [m.handle for m in rt.mentions] == ["target_person"]
    # the original vanished: keep the truncated "RT @…" text and say so
    ghost = msgs["1890000000000000702"]
    assert ghost.repost_of_id == "1890000000000000712"
    assert ghost.text.startswith("RT @ghost_user:")
    assert ghost.extra["retweet_original_missing"] is True
    assert [(c.id, c.status) for c in changes(items)] == [("1890000000000000712", "deleted")]


def test_html_entities_offsets_and_hostile_payload_kept_verbatim() -> None:
    raw = (HERE / "entities.jsonl").read_bytes().splitlines()[0]
    tweet = json.loads(raw)["data"][0]
    escaped = tweet["text"]
    (mention,) = tweet["entities"]["mentions"]
    # offsets index the escaped text (code points): slice first, then unescape
    assert escaped[mention["start"] : mention["end"]] == "@target_person"
    (m,) = messages(items_of("entities.jsonl")).values()
    assert m.text.startswith("\U0001f621 <script>alert('x')</script> & @target_person")
    assert "'; DROP TABLE messages;--" in m.text
    assert "\u202egnp.exe\u202c" in m.text and "\u0007" in m.text
    assert [(mm.handle, mm.id) for mm in m.mentions] == [("target_person", TARGET)]
    assert m.hashtags == ("raid",)
    assert m.extra["cashtags"] == ["SCAM"]
    assert m.lang is None  # "und"


def test_withheld_tweet_and_author() -> None:
    items = items_of("withheld.jsonl")
    (m,) = messages(items).values()
    assert m.status == "withheld"
    assert m.extra["withheld"]["country_codes"] == ["DE", "FR"]
    assert m.text == "@target_person illegal content here"  # content never dropped
    found = {(c.subject, c.id): c for c in changes(items)}
    assert found[("message", "1890000000000000901")].status == "withheld"
    assert "DE, FR" in (found[("message", "1890000000000000901")].detail or "")
    assert found[("account", "1500000000000000006")].status == "withheld"
    assert accounts(items)["1500000000000000006"].extra["withheld"]["scope"] == "user"


def test_ids_stay_strings_even_when_written_as_numbers() -> None:
    doc = {
        "data": [
            {
                "id": 1890000000000000999,
                "text": "hi",
                "author_id": 1500000000000000001,
                "conversation_id": 1890000000000000999,
            }
        ]
    }
    (m,) = parse(doc)
    assert isinstance(m, Message)
    assert (m.id, m.author_id, m.thread_id) == (
        "1890000000000000999",
        "1500000000000000001",
        "1890000000000000999",
    )


# --------------------------------------------------------------------------- malformed


def test_bad_utf8_line_is_rejected_and_the_rest_parses(tmp_path: Path) -> None:
    lines = (HERE / "stream.jsonl").read_bytes().splitlines()
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(
        lines[0] + b"\n" + b'{"data": {"id": "1", "text": "\xff\xfe"}}\n' + lines[1] + b"\n"
    )
    results = list(read_file(bad, format="twarc2", captured_at=CAPTURED))
    assert [isinstance(r, ParseError) for _, r in results] == [False, True, False]
    err = results[1][1]
    assert isinstance(err, ParseError)
    assert err.line == 2 and "UTF-8" in err.reason and "bad.jsonl:2" in str(err)


@pytest.mark.parametrize(
    ("doc", "words"),
    [
        (b"[1, 2]", "expected a JSON object"),
        (b'"just a string"', "expected a JSON object"),
        ({"data": "oops"}, "'data'"),
        ({"data": [{"text": "no id", "author_id": "1"}]}, "'id'"),
        ({"data": [{"id": "1", "text": "x", "referenced_tweets": "bogus"}]}, "twarc2 shape"),
        ({"data": [{"id": "1", "text": "x", "created_at": "yesterday-ish"}]}, "created_at"),
        ({"data": [{"id": "1", "foo": "bar"}]}, "neither a tweet"),
        ({"id_str": "1", "text": "v1.1", "user": {}}, "v1.1"),
        ({"hello": "world"}, "not a twarc2 record"),
    ],
)
def test_unknown_shapes_raise_parse_errors_naming_the_field(doc: object, words: str) -> None:
    with pytest.raises(ParseError) as info:
        parse(doc, line=7)
    assert words in info.value.reason
    assert info.value.line == 7 and info.value.path == "inline.jsonl"


# --------------------------------------------------------------------------- units and detection


def test_units_keep_exact_bytes_and_parse_is_pure() -> None:
    path = HERE / "pages.jsonl"
    lines = path.read_bytes().splitlines()
    units = list(SRC.units(path))
    assert [u.raw for u in units] == lines
    ctx = ParseContext(CAPTURED, str(path), 1)
    assert SRC.parse(units[0].raw, ctx) == SRC.parse(units[0].raw, ctx)


def test_bom_and_array_files(tmp_path: Path) -> None:
    line = (HERE / "flattened.jsonl").read_bytes().splitlines()[0]
    bom = tmp_path / "bom.jsonl"
    bom.write_bytes(b"\xef\xbb\xbf" + line + b"\n")
    assert detect(bom).name == "twarc2"
    (result,) = [r for _, r in read_file(bom, captured_at=CAPTURED)]
    assert not isinstance(result, ParseError)
    array = tmp_path / "flat.json"
    array.write_bytes(
        b"[\n" + b",\n".join((HERE / "flattened.jsonl").read_bytes().splitlines()) + b"\n]\n"
    )
    assert detect(array).name == "twarc2"
    assert len(list(SRC.units(array))) == 3
    assert messages(items_of_path(array), "primary").keys() == {
        "1890000000000000301",
        "1890000000000000303",
        "1890000000000000304",
    }


def items_of_path(path: Path) -> list[Item]:
    return [
        i
        for _, r in read_file(path, captured_at=CAPTURED)
        if not isinstance(r, ParseError)
        for i in r
    ]


@pytest.mark.parametrize("name", sorted(p.name for p in HERE.iterdir()))
def test_detect_picks_twarc2_for_every_fixture(name: str) -> None:
    assert detect(HERE / name).name == "twarc2"
    assert SRC.sniff((HERE / name).read_bytes()[:65536], HERE / name) >= 0.85


def test_sniff_reads_heads_cut_inside_a_long_page(tmp_path: Path) -> None:
    page = json.loads((HERE / "pages.jsonl").read_bytes().splitlines()[0])
    page["data"] = page["data"] * 300  # well over 64 KiB on one line
    for name, text in (("long.jsonl", json.dumps(page)), ("long.json", json.dumps(page, indent=2))):
        path = tmp_path / name
        path.write_text(text + "\n")
        assert path.stat().st_size > 65536
        assert SRC.sniff(path.read_bytes()[:65536], path) == 0.9
        assert detect(path).name == "twarc2"


OTHER_FORMATS = [
    # v1.1 tweet, v1.1 delete notice, Bluesky Jetstream, Mastodon status, twarc-csv, X archive
    (
        b'{"created_at":"Fri Feb 20 09:10:58 +0000 2026","id":1,"id_str":"1","text":"hi",'
        b'"user":{"id_str":"2","screen_name":"a"}}\n'
    ),
    (
        b'{"delete":{"status":{"id":1,"id_str":"1","user_id":2,"user_id_str":"2"},'
        b'"timestamp_ms":"1700000000000"}}\n'
    ),
    (
        b'{"did":"did:plc:abc","time_us":1700000000000000,"kind":"commit","commit":{"rev":"x",'
        b'"operation":"create","collection":"app.bsky.feed.post","rkey":"3k","record":'
        b'{"$type":"app.bsky.feed.post","text":"hi","createdAt":"2026-01-01T00:00:00Z"}}}\n'
    ),
    (
        b'{"id":"1","uri":"https://m.example/users/a/statuses/1","content":"<p>hi</p>",'
        b'"account":{"id":"2","acct":"a"},"text":"hi"}\n'
    ),
    b'id,conversation_id,author_id,text,edit_history_tweet_ids\n1,1,2,hi,"[1]"\n',
    b'window.YTD.tweets.part0 = [{"tweet":{"id_str":"1","full_text":"hi"}}]',
    b":)\nevent: update\ndata: {}\n\n",
]


@pytest.mark.parametrize("head", OTHER_FORMATS)
def test_sniff_leaves_other_formats_alone(head: bytes) -> None:
    assert SRC.sniff(head, Path("x.jsonl")) == 0.0


def other_fixture_files() -> list[Path]:
    return sorted(
        p
        for p in FIXTURES.rglob("*")
        if p.is_file() and HERE not in p.parents and p.suffix.lower() not in {".jpg", ".png"}
    )


@pytest.mark.parametrize("path", other_fixture_files(), ids=lambda p: str(p.relative_to(FIXTURES)))
def test_other_fixtures_are_not_claimed(path: Path) -> None:
    assert SRC.sniff(path.read_bytes()[:65536], path) == 0.0
