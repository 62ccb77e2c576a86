"""CSV exports: twarc-csv layouts and plain tables (formats.md section 8)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from rempart.errors import ParseError
from rempart.models import Account, Media, Mention, Message, StatusChange, Version
from rempart.sources import ParseContext, csvfile, detect, read_file
from rempart.sources.csvfile import CsvSource

FIX = Path(__file__).parent / "fixtures"
CSV = FIX / "csv"
WHEN = datetime(2026, 2, 21, 8, 0, tzinfo=UTC)
T0 = datetime(2026, 2, 20, 9, 10, 58, tzinfo=UTC)


def results(path: Path, src: CsvSource | None = None) -> list:
    if src is None:
        return list(read_file(path, captured_at=WHEN))
    out = []
    for unit in src.units(path):
        c = ParseContext(WHEN, str(path), unit.line, unit.context, "csv")
        try:
            out.append((unit, src.parse(unit.raw, c)))
        except ParseError as exc:
            out.append((unit, exc))
    return out


def messages(path: Path, src: CsvSource | None = None) -> list[Message]:
    out = []
    for _, res in results(path, src):
        assert not isinstance(res, ParseError), res
        out.extend(i for i in res if isinstance(i, Message))
    return out


def context(header: list[str], layout: str = "plain", delimiter: str = ",") -> dict:
    return {"header": header, "delimiter": delimiter, "layout": layout}


# --------------------------------------------------------------------------- twarc-csv


def test_twarc_csv_reply_with_json_entities() -> None:
    res = results(CSV / "twarc_csv.csv")
    unit, items = res[0]
    assert unit.line == 2 and unit.context["layout"] == "twarc-csv"
    assert unit.context["delimiter"] == "," and unit.context["header"][0] == "id"
    msg, acct = items
    assert msg.platform == "x" and msg.id == "1760000000000000001"
    assert msg.text == (
        "@target_x nobody wants you here & everyone knows it #pileon\n"
        "second line https://t.co/abc123 https://t.co/pic456"
    )
    assert msg.created_at == T0
    assert msg.reply_to_id == "1759999999999999999" and msg.thread_id == "1759999999999999999"
    assert msg.reply_to_author_id == "1500000000000000001"
    assert msg.mentions == (Mention(handle="target_x", id="1500000000000000001"),)
    assert msg.hashtags == ("pileon",)
    assert msg.urls == ("https://example.org/dox-full",)  # unwound; the media link is dropped
    assert msg.media == (
        Media(
            kind="photo",
            url="https://pbs.twimg.com/media/AAAAAAAAAAAAAAA.jpg",
            id="3_1760000000000000001",
            alt_text="a meme",
        ),
    )
    assert msg.author_id == "1600000000000000001" and msg.author_handle == "raider_one"
    assert msg.author_display_name == "Raider One" and msg.author_followers == 12
    assert msg.author_created_at == datetime(2025, 12, 1, 8, tzinfo=UTC)
    assert msg.lang == "en" and msg.audience == "public"
    assert msg.url == "https://x.com/raider_one/status/1760000000000000001"
    assert msg.observed_at == datetime(2026, 2, 20, 10, tzinfo=UTC)
    assert msg.extra["retrieved_from"].startswith("https://api.x.com/2/tweets/search/recent")
    assert msg.versions == (Version("1760000000000000001", msg.text, T0),)
    assert isinstance(acct, Account) and acct.platform == "x"
    assert (acct.id, acct.handle, acct.followers, acct.following, acct.posts) == (
        "1600000000000000001",
        "raider_one",
        12,
        300,
        45,
    )  # "45.0" as pandas writes it
    assert acct.bio == "burner" and acct.url == "https://x.com/raider_one"


def test_twarc_csv_edit_retweet_quote_protected_withheld() -> None:
    res = results(CSV / "twarc_csv.csv")
    assert [u.line for u, _ in res] == [2, 4, 5, 6]  # row 1 spans two physical lines
    edited = res[1][1][0]
    assert edited.id == "1760000000000000002"  # the first id of the edit history
    assert edited.versions == (
        Version(
            "1760000000000000003",
            "edited: you are a fraud",
            datetime(2026, 2, 20, 9, 20, tzinfo=UTC),
        ),
    )
    retweet = res[2][1][0]
    assert retweet.repost_of_id == "1750000000000000001"
    assert [m.handle for m in retweet.mentions] == ["ringleader", "target_x"]
    quote, acct, protected, withheld = res[3][1]
    assert quote.quoted_id == "1740000000000000001" and quote.audience == "followers"
    assert acct.status == "protected"
    assert protected == StatusChange(
        "x", "account", "1600000000000000002", "protected", quote.observed_at, "author.protected"
    )
    assert withheld.subject == "message" and withheld.status == "withheld"
    assert withheld.id == quote.id and withheld.detail == "withheld in DE,FR"


def test_twarc_csv_2021_layout_referenced_tweets_json() -> None:
    res = results(CSV / "twarc_csv_2021.csv")
    assert res[0][0].context["layout"] == "twarc-csv-2021"
    reply, quote, original = (r[1][0] for r in res)
    assert reply.reply_to_id == "1399999999999999999"
    assert reply.reply_to_author_id == "1200000000000000001"
    assert reply.text == "@old_target get lost <3"
    assert reply.mentions == (Mention(handle="old_target", id="1200000000000000001"),)
    assert quote.quoted_id == "1390000000000000001" and quote.reply_to_id is None
    assert quote.hashtags == ("lol",) and quote.urls == ("https://example.com/article",)
    assert original.reply_to_id is original.quoted_id is original.repost_of_id is None
    assert reply.author_handle == "old_troll" and reply.author_followers == 99
    assert reply.versions == ()  # no edit history in 2021
    assert reply.url == "https://x.com/old_troll/status/1400000000000000001"


def test_twarc_csv_note_tweet_and_mangled_author_id() -> None:
    header = [
        "id",
        "author_id",
        "author.username",
        "created_at",
        "text",
        "note_tweet.text",
        "entities.urls",
    ]
    src = CsvSource()
    c = ParseContext(WHEN, "t.csv", 9, context(header, "twarc-csv"))
    [msg, _] = src.parse(b'1,2,u,2026-02-20T09:10:58Z,short\xe2\x80\xa6,"the long, full text",', c)
    assert msg.text == "the long, full text"
    with pytest.raises(ParseError, match=r"t.csv:9: column 'author_id': id mangled by a spread"):
        src.parse(b"1,1.6E+18,u,2026-02-20T09:10:58Z,x,,", c)
    with pytest.raises(ParseError, match="column 'entities.urls': malformed JSON"):
        src.parse(b'1,2,u,2026-02-20T09:10:58Z,x,,"[{""url"": "', c)


# --------------------------------------------------------------------------- plain layouts


def test_plain_layout() -> None:
    res = results(CSV / "plain.csv")
    assert res[0][0].context == {
        "header": ["id", "author", "created_at", "text"],
        "delimiter": ",",
        "layout": "plain",
    }
    first, second, empty = (r[1][0] for r in res)
    assert (
        first.platform == "csv" and first.id == "p-001" and first.author_handle == "anon_harasser"
    )
    assert first.created_at == datetime(2026, 2, 20, 9, tzinfo=UTC)
    assert first.mentions == (Mention(handle="target_x"),) and first.hashtags == ("leave",)
    assert first.urls == ("https://example.net/a",)
    assert first.url is None and first.observed_at == WHEN
    assert second.text == 'a comma, and "quotes" inside'
    assert second.created_at == datetime(2026, 2, 20, 8, 5, tzinfo=UTC)
    assert empty.text == "" and empty.author_handle is None
    assert all(len(r[1]) == 1 for r in res)  # no author id: no Account


def test_header_aliases_and_platform_column() -> None:
    x, toot, other = messages(CSV / "aliases.csv")
    assert (x.platform, x.id, x.author_handle) == ("x", "1760000000000000101", "x_user")
    assert x.reply_to_id == "1760000000000000100" and x.lang == "en"
    assert x.url == "https://x.com/x_user/status/1760000000000000101"
    assert toot.platform == "mastodon" and toot.id == "https://masto.example/users/bob/statuses/1"
    assert toot.url == "https://masto.example/@bob/1" and toot.author_handle == "bob@masto.example"
    assert other.platform == "csv" and other.url is None
    c = ParseContext(WHEN, "a.csv", 5, context(["Tweet ID", "Message"]))
    with pytest.raises(ParseError, match=r"column 'Tweet ID': id mangled"):
        CsvSource().parse(b"1.76E+18,x", c)
    assert CsvSource().parse(b"12e45,hex-like id", c)[0].id == "12e45"


def test_excel_semicolon_bom_crlf() -> None:
    path = CSV / "excel_semicolon.csv"
    res = results(path)
    unit = res[0][0]
    assert unit.context["delimiter"] == ";"
    assert unit.context["header"] == ["Message ID", "User", "Date", "Body"]  # no BOM
    assert [u.line for u, _ in res] == [2, 3, 4]
    a, b, c = (r[1][0] for r in res)
    assert a.text == "Tu n'es pas la bienvenue; d\u00e9gage" and a.author_handle == "jean_dupont"
    assert b.text == "R\u00e9ponse simple, avec virgule"
    assert c.text == "deux\r\nlignes"
    assert res[2][0].raw == b'e-3;marie;2026-02-20T08:02:00Z;"deux\r\nlignes"'


def test_tab_separated() -> None:
    [msg] = messages(CSV / "plain.tsv")
    assert (msg.id, msg.author_handle, msg.text) == (
        "tsv-1",
        "tab_user",
        "comma, inside; and semicolon",
    )


def test_mixed_timestamp_formats() -> None:
    msgs = messages(CSV / "mixed_times.csv")
    assert len(msgs) == 6 and {m.created_at for m in msgs} == {T0}


def test_mangled_id_is_rejected_and_multiline_text_kept() -> None:
    res = results(CSV / "mangled.csv")
    assert [u.line for u, _ in res] == [2, 3, 4, 7]
    err = res[1][1]
    assert isinstance(err, ParseError) and err.line == 3
    assert err.reason.startswith("column 'id': id mangled by a spreadsheet (1.17007E+18)")
    assert str(err).startswith(f"{CSV / 'mangled.csv'}:3: ")
    multi = res[2][1][0]
    assert multi.text == 'line one\nline two, with comma\n"quoted" line three'
    assert res[2][0].raw.count(b"\n") == 2
    assert res[3][1][0].text == "still parsed"
    c = ParseContext(WHEN, "m.csv", 2, context(["id", "text"]))
    with pytest.raises(ParseError, match="id mangled"):
        CsvSource().parse(b"1170070000000000000.0,x", c)


def test_broken_rows_are_located_and_the_rest_parses() -> None:
    res = results(CSV / "broken.csv")
    errors = {u.line: r.reason for u, r in res if isinstance(r, ParseError)}
    assert errors == {
        3: "row has 5 cells but the header has 4",
        4: "row without an id (column 'id')",
        5: "invalid UTF-8 encoding at byte 38",
        6: "malformed CSV row (unexpected end of data)",
        8: "field 'created_at': unrecognised timestamp 'not a date'",
    }
    good = [r[0].id for _, r in res if not isinstance(r, ParseError)]
    assert good == ["b-1", "b-6", "b-8"]  # the stray quote on line 6 swallows nothing


def test_last_row_multiline_without_final_newline(tmp_path: Path) -> None:
    path = tmp_path / "n.csv"
    path.write_bytes(b'id,text\n1,"a\nb"\n2,"c\nd"')
    res = results(path, CsvSource())
    assert [(u.line, r[0].text) for u, r in res] == [(2, "a\nb"), (4, "c\nd")]


def test_stray_quote_longer_than_the_row_limit(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(csvfile, "MAX_ROW_LINES", 3)
    rows = "".join(f"r{i},ok,2026-02-20T09:00:00Z,row {i}\n" for i in range(6))
    path = tmp_path / "s.csv"
    path.write_text('id,author,created_at,text\nbad,x,2026-02-20T09:00:00Z,"open\n' + rows)
    res = results(path, CsvSource())
    assert isinstance(res[0][1], ParseError) and res[0][0].line == 2
    assert [r[0].id for _, r in res[1:]] == [f"r{i}" for i in range(6)]


def test_explicit_mapping_overrides_aliases_and_travels_in_context() -> None:
    mapping = {
        "id": "Tweet Id",
        "author": "Poster",
        "created_at": "When",
        "text": "What was said",
        "platform": "Where",
    }
    res = results(CSV / "custom.csv", CsvSource(mapping=mapping))
    unit, [msg] = res[0]
    assert unit.context["layout"] == "custom" and unit.context["mapping"] == mapping
    assert (msg.platform, msg.id, msg.author_handle, msg.text) == (
        "bluesky",
        "c-1",
        "poster_one",
        "custom mapped row",
    )
    assert msg.created_at == datetime(2026, 2, 20, 9, tzinfo=UTC)
    # parse is pure: a default source re-reads the stored bytes with the stored context
    c = ParseContext(WHEN, "custom.csv", unit.line, unit.context)
    assert CsvSource().parse(unit.raw, c) == [msg]
    with pytest.raises(ValueError, match="unknown field"):
        CsvSource(mapping={"colour": "x"})


def test_hostile_cells_kept_verbatim() -> None:
    formula, script = messages(CSV / "hostile.csv")
    assert formula.text == '=HYPERLINK("http://evil.example","click")'
    assert script.text == "<script>alert('x')</script>'; DROP TABLE messages;-- \u202egnp.exe \x07"


def test_parse_needs_the_header_context() -> None:
    with pytest.raises(ParseError, match="no CSV header"):
        CsvSource().parse(b"1,a,b,c", ParseContext(WHEN, "x.csv", 2))


@pytest.mark.parametrize(
    "name", ["twarc_csv.csv", "excel_semicolon.csv", "mangled.csv", "broken.csv"]
)
def test_units_keep_exact_row_bytes(name: str) -> None:
    data = (CSV / name).read_bytes()
    units = list(CsvSource().units(CSV / name))
    for unit in units:
        assert data[unit.offset : unit.offset + len(unit.raw)] == unit.raw
        assert data.count(b"\n", 0, unit.offset) + 1 == unit.line


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize("path", sorted(CSV.iterdir()), ids=lambda p: p.name)
def test_detects_csv(path: Path) -> None:
    assert detect(path).name == "csv"


def test_csv_does_not_claim_other_formats(tmp_path: Path) -> None:
    others = [p for p in FIX.rglob("*") if p.is_file() and p.parent.name != "csv"]
    assert others
    for path in others:
        assert CsvSource().sniff(path.read_bytes()[:65536], path) == 0, path
    assert CsvSource().sniff(b'[{"id": "1", "text": "x"}]', Path("data.csv")) == 0
    assert CsvSource().sniff(b"id,text\n1,x\n", Path("export.txt")) == 0.6
    assert CsvSource().sniff(b"anything\n", Path("export.csv")) == 0.5
