"""Twilio and Vonage inbound webhook bodies saved to files (formats.md sections 6 and 7)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from datetime import UTC, datetime
from pathlib import Path

import pytest

from rempart.errors import ParseError
from rempart.models import Account, Message
from rempart.sources import ParseContext, detect, read_file
from rempart.sources.sms import (
    TwilioSource,
    VonageSource,
    twilio_signature,
    twilio_signature_valid,
)

FIX = Path(__file__).parent / "fixtures"
TWILIO = FIX / "twilio"
VONAGE = FIX / "vonage"
WHEN = datetime(2026, 2, 21, 8, 0, tzinfo=UTC)
AC = "AC0123456789abcdef0123456789abcdef"


def results(path: Path, fmt: str | None = None) -> list:
    return list(read_file(path, format=fmt, captured_at=WHEN))


def messages(path: Path) -> list[Message]:
    out = []
    for _, res in results(path):
        assert not isinstance(res, ParseError), res
        out.extend(i for i in res if isinstance(i, Message))
    return out


def ctx(line: int = 1, path: str = "body.txt") -> ParseContext:
    return ParseContext(WHEN, path, line, None, "twilio")


# --------------------------------------------------------------------------- Twilio


def test_twilio_single_body() -> None:
    [(unit, items)] = results(TWILIO / "sms_single.txt")
    assert unit.line == 1 and not unit.raw.endswith(b"\n")
    msg, acct = items
    assert isinstance(msg, Message) and isinstance(acct, Account)
    assert msg.platform == "sms" and msg.audience == "sms"
    assert msg.id == "SM" + "0" * 31 + "1"
    # '+' is a space, %26 an '&', %23 a '#'
    assert msg.text == "You should log off forever #bye https://example.org/page?a=1 & stay off"
    assert msg.author_id == msg.author_handle == "+15555550123"
    assert msg.recipient_id == "+15555550100"
    assert msg.thread_id == "+15555550123|+15555550100"
    assert msg.url == f"twilio:{AC}:{msg.id}"
    assert msg.created_at == WHEN and msg.observed_at == WHEN
    assert msg.extra["created_at_source"] == "capture"
    assert msg.urls == ("https://example.org/page?a=1",)
    assert msg.hashtags == ("bye",)
    assert msg.media == () and msg.author_display_name is None
    assert acct.id == "+15555550123" and acct.platform == "sms"


def test_twilio_one_body_per_line_legacy_ids_and_opt_out() -> None:
    res = results(TWILIO / "bodies.txt")
    assert [u.line for u, _ in res] == [1, 3, 4, 5]  # the blank line is not a unit
    msgs = messages(TWILIO / "bodies.txt")
    assert [m.text for m in msgs] == [
        "first message from an unknown number",
        "second one, same sender +1 (555) 555-0124",
        "STOP",
        "old style body",
    ]
    assert msgs[0].thread_id == msgs[1].thread_id
    assert msgs[2].extra["opt_out_type"] == "STOP"
    # the last body carries only the legacy SmsSid / SmsMessageSid
    assert msgs[3].id == "SM" + "0" * 31 + "5"


def test_twilio_mms_without_body() -> None:
    [msg] = messages(TWILIO / "mms_media.txt")
    assert msg.id.startswith("MM") and msg.text == ""
    assert [m.kind for m in msg.media] == ["photo", "video"]
    assert msg.media[0].url.startswith(f"https://api.twilio.com/2010-04-01/Accounts/{AC}/")
    assert msg.media[0].id == "ME" + "0" * 31 + "1"
    assert msg.extra["media_types"] == ["image/jpeg", "video/mp4"]


def test_twilio_whatsapp_profile_name() -> None:
    [(_, items)] = results(TWILIO / "whatsapp.txt")
    msg, acct = items
    assert msg.author_id == "whatsapp:+447700900123"
    assert msg.recipient_id == "whatsapp:+447700900000"
    assert msg.author_display_name == "Night Owl \U0001f989"
    assert acct.display_name == "Night Owl \U0001f989" and acct.extra["wa_id"] == "447700900123"


def test_twilio_get_callback_saved_as_url() -> None:
    [msg] = messages(TWILIO / "get_url.txt")
    assert msg.text == "sent as a GET callback" and msg.author_id == "+15555550129"


def test_twilio_hostile_body_kept_verbatim() -> None:
    [msg] = messages(TWILIO / "hostile.txt")
    assert msg.text == (
        "<script>alert(1)</script> '; DROP TABLE messages;-- \u202egnp.exe "
        "\x07\x1b[2J a=b&c=d 100% +plus+ \U0001f4a9"
    )


def test_twilio_malformed_lines_are_located_and_the_rest_parses() -> None:
    res = results(TWILIO / "malformed.txt")
    errors = [r for _, r in res if isinstance(r, ParseError)]
    assert [(e.line, e.reason.split(" (")[0]) for e in errors] == [
        (2, "invalid UTF-8 encoding at byte 21"),
        (3, "field 'Body': invalid UTF-8 in percent-encoded value"),
        (4, "missing field 'MessageSid'"),
    ]
    assert all(str(e).startswith(f"{TWILIO / 'malformed.txt'}:{e.line}: ") for e in errors)
    good = [
        i.text for _, r in res if not isinstance(r, ParseError) for i in r if isinstance(i, Message)
    ]
    assert good == ["before the bad lines", "after the bad lines"]


def test_twilio_missing_sid_names_the_field_and_unknown_keys_are_ignored() -> None:
    src = TwilioSource()
    with pytest.raises(ParseError, match="MessageSid"):
        src.parse(b"From=%2B15555550100&Body=hi", ctx(7))
    items = src.parse(b"MessageSid=SMx&From=%2B1555&Body=hi&BrandNewParam=1&Body=dup", ctx())
    assert items[0].text == "hi" and "BrandNewParam" not in items[0].extra
    # parameters logged as JSON are accepted too
    [msg, _] = src.parse(b'{"MessageSid": "SMj", "AccountSid": "ACj", "From": "+1555"}', ctx())
    assert msg.id == "SMj" and msg.url == "twilio:ACj:SMj" and msg.text == ""


def test_twilio_signature_known_vector_and_self_signed() -> None:
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+12349013030",
        "Digits": "1234",
        "From": "+12349013030",
        "To": "+18005551212",
    }
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    # the example of Twilio's security documentation
    assert twilio_signature(url, params, "12345") == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    # self-signed: URL + sorted name/value pairs, HMAC-SHA1 keyed with the auth token
    token = "synthetic-auth-token"
    body = {"To": "+15555550100", "Body": "hi there", "From": "+15555550123", "AccountSid": AC}
    signed = url + "AccountSid" + AC + "Bodyhi there" + "From+15555550123" + "To+15555550100"
    expected = base64.b64encode(
        hmac.new(token.encode(), signed.encode(), hashlib.sha1).digest()
    ).decode()
    assert twilio_signature(url, body, token) == expected
    assert twilio_signature_valid(url, body, token, expected)
    assert not twilio_signature_valid(url, {**body, "Body": "hi there!"}, token, expected)
    assert not twilio_signature_valid(url, body, "other-token", expected)
    # several values of one name are signed sorted
    assert twilio_signature(url, {"A": ["2", "1"]}, token) == twilio_signature(
        url, {"A": ["1", "2"]}, token
    )


def test_twilio_units_keep_exact_bytes() -> None:
    data = (TWILIO / "bodies.txt").read_bytes()
    for unit in TwilioSource().units(TWILIO / "bodies.txt"):
        assert data[unit.offset : unit.offset + len(unit.raw)] == unit.raw


# --------------------------------------------------------------------------- Vonage


def test_vonage_get_query_string_and_full_url() -> None:
    first, second = messages(VONAGE / "get_query.txt")
    assert first.id == "0A0000000123ABCD1" and first.url == "vonage:0A0000000123ABCD1"
    assert first.platform == "sms" and first.audience == "sms"
    assert first.author_id == first.author_handle == "+447700900001"
    assert first.recipient_id == "+447700900000"
    assert first.thread_id == "+447700900001|+447700900000"
    assert first.text == "Hello there, nice photo www.example.net/x #found"
    assert first.created_at == datetime(2026, 2, 20, 9, 10, 58, tzinfo=UTC)
    assert first.observed_at == WHEN
    assert first.urls == ("http://www.example.net/x",) and first.hashtags == ("found",)
    assert first.extra == {"keyword": "HELLO"}
    assert second.text == "second GET callback" and second.author_id == "+447700900002"


def test_vonage_post_form_unicode() -> None:
    [msg] = messages(VONAGE / "post_form.txt")
    assert msg.text == "\u00c7a va ? \U0001f621 on te retrouvera"
    assert msg.extra["keyword"] == "\u00c7A"


def test_vonage_post_json_pretty_printed_is_one_unit() -> None:
    [(unit, items)] = results(VONAGE / "post_json.json")
    assert unit.raw == (VONAGE / "post_json.json").read_bytes().rstrip()
    msg = items[0]
    assert msg.id == "0A0000000123ABCD4"
    assert msg.urls == ("https://example.com/x",)
    assert msg.created_at == datetime(2026, 2, 20, 9, 13, tzinfo=UTC)


def test_vonage_timestamps_iso_unix_and_missing() -> None:
    iso, signed, none = messages(VONAGE / "iso_signed.jsonl")
    assert iso.created_at == datetime(2026, 2, 20, 9, 14, tzinfo=UTC)
    assert signed.created_at == datetime(2026, 2, 20, 9, 15, tzinfo=UTC)
    assert "created_at_source" not in signed.extra
    assert none.created_at == WHEN and none.extra["created_at_source"] == "capture"


def test_vonage_concatenated_parts_out_of_order() -> None:
    parts = messages(VONAGE / "concat.txt")
    assert {m.id for m in parts} == {"multipart:447700900008:108:3:2026-02-20T09"}
    assert {m.url for m in parts} == {"vonage:multipart:447700900008:108:3:2026-02-20T09"}
    assert [list(m.extra["concat_parts"]) for m in parts] == [["2"], ["3"], ["1"]]
    assert parts[0].text == " you will regret posting that "
    assert parts[0].extra["part_message_ids"] == {"2": "0A00000001230002"}
    assert {m.extra["concat_total"] for m in parts} == {3}
    # what the store's merge does: union the dicts, rebuild the text in part order
    merged: dict[str, str] = {}
    for m in parts:
        merged.update(m.extra["concat_parts"])
    text = "".join(merged[k] for k in sorted(merged, key=int))
    assert text == (
        "This is part one and you will regret posting that thread https://example.org/thread"
    )


def test_vonage_binary_message() -> None:
    [msg] = messages(VONAGE / "binary.txt")
    assert msg.text == ""
    assert msg.extra["type"] == "binary"
    assert msg.extra["data"] == "0102030405FF" and msg.extra["udh"] == "050003CC0201"


def test_vonage_messages_api_inbound() -> None:
    [(_, items)] = results(VONAGE / "messages_api.json")
    msg = items[0]
    assert msg.id == "aaaaaaaa-bbbb-4ccc-8ddd-000000000001"
    assert msg.url == "vonage:aaaaaaaa-bbbb-4ccc-8ddd-000000000001"
    assert msg.author_id == "+447700900010" and msg.recipient_id == "+447700900000"
    assert msg.created_at == datetime(2026, 2, 20, 9, 40, tzinfo=UTC)
    assert msg.text == "Messages API inbound #raid" and msg.hashtags == ("raid",)
    assert msg.extra == {"channel": "sms", "num_messages": 1, "keyword": "MESSAGES"}


def test_vonage_messages_api_whatsapp_image_and_missing_uuid() -> None:
    src = VonageSource()
    raw = (
        b'{"channel":"whatsapp","message_uuid":"u-1","from":"447700900020",'
        b'"to":"447700900000","timestamp":"2026-02-20T10:00:00Z","message_type":"image",'
        b'"image":{"url":"https://api.example/media/1","caption":"look"},'
        b'"profile":{"name":"Anon"}}'
    )
    msg, acct = src.parse(raw, ctx())
    assert msg.author_id == "whatsapp:+447700900020" and msg.author_display_name == "Anon"
    assert msg.media[0].kind == "photo" and msg.media[0].url == "https://api.example/media/1"
    assert acct.display_name == "Anon"
    with pytest.raises(ParseError, match="message_uuid"):
        src.parse(b'{"channel":"sms","from":"1","text":"x"}', ctx())


def test_vonage_json_array_of_bodies() -> None:
    res = results(VONAGE / "array.json")
    assert [u.line for u, _ in res] == [2, 3]
    assert [m.text for m in messages(VONAGE / "array.json")] == [
        "array element one",
        "array element two",
    ]


def test_vonage_malformed_records_are_located_and_the_rest_parses() -> None:
    res = results(VONAGE / "malformed.txt")
    errors = {r.line: r.reason for _, r in res if isinstance(r, ParseError)}
    assert errors[2].startswith("invalid UTF-8")
    assert errors[3] == "missing field 'messageId'"
    assert "message-timestamp" in errors[4]
    assert "concat-part" in errors[5]
    assert [
        m.text for _, r in res if not isinstance(r, ParseError) for m in r if isinstance(m, Message)
    ] == ["good before", "good after"]
    res = results(VONAGE / "truncated.jsonl")
    [(unit, err)] = [(u, r) for u, r in res if isinstance(r, ParseError)]
    assert unit.line == 2 and "malformed JSON" in err.reason
    assert str(err).startswith(f"{VONAGE / 'truncated.jsonl'}:2:")
    assert sum(not isinstance(r, ParseError) for _, r in res) == 2


# --------------------------------------------------------------------------- detection


@pytest.mark.parametrize("path", sorted(TWILIO.iterdir()), ids=lambda p: p.name)
def test_detects_twilio(path: Path) -> None:
    assert detect(path).name == "twilio"


@pytest.mark.parametrize("path", sorted(VONAGE.iterdir()), ids=lambda p: p.name)
def test_detects_vonage(path: Path) -> None:
    assert detect(path).name == "vonage"


def test_sms_sources_do_not_claim_other_formats() -> None:
    others = [
        p for p in FIX.rglob("*") if p.is_file() and p.parent.name not in ("twilio", "vonage")
    ]
    assert others
    for path in others:
        head = path.read_bytes()[:65536]
        assert TwilioSource().sniff(head, path) == 0, path
        if path.parent.name != "vonage":
            assert VonageSource().sniff(head, path) == 0, path
    for path in TWILIO.iterdir():
        assert VonageSource().sniff(path.read_bytes(), path) == 0
    for path in VONAGE.iterdir():
        assert TwilioSource().sniff(path.read_bytes(), path) == 0


def test_sniff_never_raises_on_cut_or_garbage_heads() -> None:
    body = (VONAGE / "post_json.json").read_bytes()
    for head in (b"", b"\xff\xfe\x00", body[:40], b"[", b"[{", b'{"msisdn": 1'):
        for src in (TwilioSource(), VonageSource()):
            assert 0 <= src.sniff(head, Path("x.txt")) <= 1
    assert VonageSource().sniff(body[:100], Path("cut.json")) == 0.7
