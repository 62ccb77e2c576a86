"""SMS gateway webhooks saved to files: Twilio and Vonage (Nexmo) inbound messages.

A saved file holds one webhook body, or one body per line. Form-encoded bodies contain no raw
newline, so a line is a body; JSON bodies (Vonage) come one per line, as one pretty-printed
document, or as a JSON array. A GET callback saved as a full URL (``https://...?msisdn=...``) or
as a bare query string (``?msisdn=...``) is read too.

Twilio does not send the message time, so ``created_at`` is the capture time and
``extra["created_at_source"]`` says so (Vonage too when a body has no timestamp).
Phone numbers are normalised to E.164 with ``+`` so that
a number seen through both gateways is one author; the thread is ``"{from}|{to}"``.
WhatsApp messages relayed by either gateway (``whatsapp:+…`` numbers) get the ``whatsapp``
platform and the ``direct`` audience. A Vonage multi-part message is one message whose parts
are reassembled by the merge (:mod:`rempart.derive.merge`), marked incomplete while parts are
missing.

Example::

    >>> twilio_signature("https://example.org/sms", {"Body": "hi"}, "secret")
    'fyaESi9+bcacMfd94yFid95mvZg='
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from ..models import Account, Item, Media, Message
from .base import (
    ParseContext,
    Unit,
    as_int,
    as_str,
    decode_text,
    extract_hashtags,
    extract_urls,
    first_json_object,
    iter_json_units,
    iter_lines,
    loads,
    time_field,
)

PLATFORM = "sms"
#: WhatsApp messages relayed by the same gateways (``From=whatsapp:+…``, ``channel: whatsapp``)
#: are not SMS: they get their own platform (and the ``direct`` audience).
WHATSAPP = "whatsapp"
_BOM = b"\xef\xbb\xbf"
_WS = b" \t\r\n"


# --------------------------------------------------------------------------- shared helpers


def _body_text(raw: bytes, ctx: ParseContext) -> str:
    """The webhook body as text: BOM dropped, a saved GET URL or ``?query`` cut to its query."""
    text = decode_text(raw, ctx).strip()
    if text[:1] == "?":
        return text[1:]
    low = text[:8].lower()
    if low.startswith(("http://", "https://")):
        return urlsplit(text).query
    return text


def _form(text: str, ctx: ParseContext) -> dict[str, str]:
    """Decode a form/query body to ``{key: first value}``; bad percent-encoded UTF-8 is an error."""
    multi = parse_qs(text, keep_blank_values=True, errors="surrogateescape")
    out: dict[str, str] = {}
    for key, values in multi.items():
        value = values[0]
        if _has_surrogates(key) or _has_surrogates(value):
            raise ctx.error(f"field {key!r}: invalid UTF-8 in percent-encoded value")
        out[key] = value
    return out


def _has_surrogates(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _json_object(raw: bytes, ctx: ParseContext) -> dict[str, Any]:
    data = loads(raw.strip(_WS).removeprefix(_BOM), ctx)
    if not isinstance(data, dict):
        raise ctx.error(f"expected a JSON object, got {type(data).__name__}")
    return data


def _is_json(raw: bytes) -> bool:
    return raw.lstrip(_BOM + _WS)[:1] in (b"{", b"[")


def _units(path: Path) -> Iterator[Unit]:
    """One unit per line for form bodies; JSON lines, array elements or one document for JSON."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
    return iter_json_units(path) if _is_json(head) else iter_lines(path)


def _head_json(head: bytes) -> dict[str, Any] | None:
    """The first JSON object of a sniffed head (first line, document or array element)."""
    return first_json_object(head)


def _head_text(head: bytes) -> str:
    """The first non-blank line of a sniffed head, decoded leniently."""
    body = head.lstrip(_BOM + _WS)
    return body.split(b"\n", 1)[0].decode("utf-8", errors="replace")


def _e164(number: str | None) -> str | None:
    """``447700900001`` -> ``+447700900001``; alphanumeric sender ids stay as they are."""
    if not number:
        return None
    if number.isascii() and number.isdigit():
        return "+" + number
    return number


def _thread(sender: str | None, recipient: str | None) -> str | None:
    if sender and recipient:
        return f"{sender}|{recipient}"
    return None


def _media_kind(content_type: str | None) -> str:
    major = (content_type or "").split("/", 1)[0].lower()
    return {"image": "photo", "video": "video", "audio": "audio"}.get(major, "unknown")


def _platform(*numbers: str | None) -> str:
    """``whatsapp`` when the sender or recipient is a WhatsApp address, else ``sms``."""
    return WHATSAPP if any(n and n.startswith(_WA_SCHEME) for n in numbers) else PLATFORM


_WA_SCHEME = "whatsapp:"


def _address(number: str | None) -> str | None:
    """A gateway address with one spelling of the WhatsApp scheme: ``WhatsApp:+44…`` (any
    case) is ``whatsapp:+44…``, so one number is one account."""
    if not number:
        return None
    if number[: len(_WA_SCHEME)].lower() == _WA_SCHEME:
        return _WA_SCHEME + number[len(_WA_SCHEME) :]
    return number


def _account(
    author: str | None,
    name: str | None,
    ctx: ParseContext,
    extra: dict[str, Any] | None = None,
    platform: str = PLATFORM,
) -> list[Item]:
    if not author:
        return []
    return [
        Account(
            platform=platform,
            id=author,
            handle=author,
            display_name=name or None,
            observed_at=ctx.captured_at,
            handles=(author,),
            extra=extra or {},
        )
    ]


# --------------------------------------------------------------------------- Twilio


def twilio_signature(url: str, params: Mapping[str, str | Iterable[str]], auth_token: str) -> str:
    """Twilio's ``X-Twilio-Signature`` for a request: base64 HMAC-SHA1 keyed with the auth token.

    The signed string is the full URL followed by every POST parameter name and value, names
    sorted, multiple values of one name sorted (what ``twilio.request_validator`` computes).
    """
    signed = url
    for name in sorted(params):
        value = params[name]
        values = [value] if isinstance(value, str) else sorted(set(value))
        for v in values:
            signed += name + v
    digest = hmac.new(auth_token.encode("utf-8"), signed.encode("utf-8"), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def twilio_signature_valid(
    url: str, params: Mapping[str, str | Iterable[str]], auth_token: str, signature: str
) -> bool:
    """Whether ``signature`` (the ``X-Twilio-Signature`` header) matches, in constant time."""
    return hmac.compare_digest(twilio_signature(url, params, auth_token), signature)


_TWILIO_IDS = ("MessageSid", "SmsMessageSid", "SmsSid")


class TwilioSource:
    """Twilio Messaging webhook bodies (SMS, MMS, WhatsApp), form-encoded, one per line."""

    name = "twilio"
    description = "Twilio inbound SMS/MMS/WhatsApp webhook bodies (form-encoded)"

    def sniff(self, head: bytes, path: Path) -> float:
        if _is_json(head):
            obj = _head_json(head)
            if obj is None:  # a pretty-printed document cut by the head size
                return 0.7 if b'"MessageSid"' in head and b'"AccountSid"' in head else 0.0
            return 0.8 if "MessageSid" in obj and "AccountSid" in obj else 0.0
        first = _head_text(head)
        if "=" not in first:
            return 0.0
        has_id = any(f"{key}=" in first for key in _TWILIO_IDS)
        if has_id and "AccountSid=" in first:
            return 0.9
        return 0.6 if has_id else 0.0

    def units(self, path: Path) -> Iterator[Unit]:
        return _units(path)

    def parse(self, raw: bytes, ctx: ParseContext) -> list[Item]:
        if _is_json(raw):
            obj = _json_object(raw, ctx)
            params = {
                str(k): as_str(v) or "" for k, v in obj.items() if not isinstance(v, (dict, list))
            }
        else:
            params = _form(_body_text(raw, ctx), ctx)
        return self.parse_params(params, ctx)

    def parse_params(self, p: Mapping[str, str], ctx: ParseContext) -> list[Item]:
        """Normalise already-decoded webhook parameters (what a live webhook handler holds)."""
        sid = next((p[k] for k in _TWILIO_IDS if p.get(k)), None)
        if not sid:
            raise ctx.error("missing field 'MessageSid' (nor legacy SmsMessageSid/SmsSid)")
        sender, recipient = _address(p.get("From")), _address(p.get("To"))
        body = p.get("Body", "")
        media = _twilio_media(p)
        extra: dict[str, Any] = {"created_at_source": "capture"}
        for key, name in (
            ("OptOutType", "opt_out_type"),
            ("NumSegments", "num_segments"),
            ("MessagingServiceSid", "messaging_service_sid"),
        ):
            if p.get(key):
                extra[name] = p[key]
        if media:
            extra["media_types"] = [p.get(f"MediaContentType{i}", "") for i in range(len(media))]
        message = _sms_message(
            single_id(sid),
            body,
            ctx.captured_at,
            sender,
            recipient,
            f"twilio:{p.get('AccountSid', '')}:{sid}",
            ctx,
            extra,
            name=p.get("ProfileName") or None,
            media=media,
        )
        account_extra = {
            name: p[k] for k, name in (("WaId", "wa_id"), ("FromCountry", "country")) if p.get(k)
        }
        return [
            message,
            *_account(sender, p.get("ProfileName"), ctx, account_extra, message.platform),
        ]


def _sms_message(
    mid: str,
    text: str,
    created_at: datetime | None,
    sender: str | None,
    recipient: str | None,
    url: str,
    ctx: ParseContext,
    extra: dict[str, Any],
    name: str | None = None,
    media: tuple[Media, ...] = (),
) -> Message:
    """The normalised message of any SMS gateway (urls and hashtags come from the text); a
    WhatsApp sender or recipient makes it a ``whatsapp`` message."""
    platform = _platform(sender, recipient)
    return Message(
        platform=platform,
        id=mid,
        text=text,
        created_at=created_at,
        author_id=sender,
        author_handle=sender,
        author_display_name=name,
        thread_id=_thread(sender, recipient),
        hashtags=extract_hashtags(text),
        urls=extract_urls(text),
        media=media,
        audience="direct" if platform == WHATSAPP else "sms",
        url=url,
        observed_at=ctx.captured_at,
        recipient_id=recipient,
        extra=extra,
    )


def _twilio_media(p: Mapping[str, str]) -> tuple[Media, ...]:
    count = as_int(p.get("NumMedia")) or 0
    while f"MediaUrl{count}" in p:  # trust the URLs present over a wrong NumMedia
        count += 1
    out = []
    for i in range(count):
        url = p.get(f"MediaUrl{i}") or None
        if url is None:
            continue
        last = url.rstrip("/").rsplit("/", 1)[-1]
        out.append(
            Media(
                kind=_media_kind(p.get(f"MediaContentType{i}")),
                url=url,
                id=last if last.startswith("ME") else None,
            )
        )
    return tuple(out)


# --------------------------------------------------------------------------- Vonage


class VonageSource:
    """Vonage (Nexmo) inbound SMS webhooks: SMS API (GET query, POST form or JSON), Messages API.

    Each part of a concatenated SMS yields a message keyed by :func:`_concat` with
    ``extra["concat_parts"]`` holding this part's text; the store's merge reassembles them.
    """

    name = "vonage"
    description = (
        "Vonage inbound SMS webhook bodies (query string, form or JSON; Messages API JSON)"
    )

    def sniff(self, head: bytes, path: Path) -> float:
        if _is_json(head):
            obj = _head_json(head)
            if obj is None:  # a pretty-printed document cut by the head size
                return 0.7 if b'"msisdn"' in head and b'"messageId"' in head else 0.0
            if "msisdn" in obj and "messageId" in obj:
                return 0.9
            return 0.9 if "message_uuid" in obj and "channel" in obj else 0.0
        first = _head_text(head)
        if "msisdn=" in first and ("messageId=" in first or "message-timestamp=" in first):
            return 0.9
        return 0.0

    def units(self, path: Path) -> Iterator[Unit]:
        return _units(path)

    def parse(self, raw: bytes, ctx: ParseContext) -> list[Item]:
        if _is_json(raw):
            obj = _json_object(raw, ctx)
            if "message_uuid" in obj or "channel" in obj:
                return _messages_api(obj, ctx)
            params = {
                str(k): as_str(v) or "" for k, v in obj.items() if not isinstance(v, (dict, list))
            }
        else:
            params = _form(_body_text(raw, ctx), ctx)
        return _sms_api(params, ctx)


def _vonage_time(p: Mapping[str, Any], ctx: ParseContext) -> tuple[datetime, dict[str, Any]]:
    for key in ("message-timestamp", "timestamp"):
        if p.get(key):
            when = time_field(p[key], ctx, key)
            if when is not None:
                return when, {}
    return ctx.captured_at, {"created_at_source": "capture"}


def _sms_api(p: Mapping[str, str], ctx: ParseContext) -> list[Item]:
    message_id = p.get("messageId")
    if not message_id:
        raise ctx.error("missing field 'messageId'")
    msisdn = p.get("msisdn") or None
    sender, recipient = _e164(msisdn), _e164(p.get("to"))
    created_at, extra = _vonage_time(p, ctx)
    text = p.get("text", "")
    if p.get("type") == "binary":
        extra.update(type="binary", data=p.get("data", ""), udh=p.get("udh", ""))
        text = ""
    if p.get("keyword"):
        extra["keyword"] = p["keyword"]
    msg_id = single_id(message_id)
    if _is_concat(p.get("concat")):
        msg_id, concat = _concat(p, msisdn, message_id, text, created_at, ctx)
        extra.update(concat)
    url = f"vonage:{msg_id if 'concat_parts' in extra else message_id}"
    message = _sms_message(msg_id, text, created_at, sender, recipient, url, ctx, extra)
    return [message, *_account(sender, None, ctx)]


#: The most parts a concatenated SMS can have: its user data header counts them in one byte
#: (3GPP TS 23.040, 9.2.3.24.1), so a ``concat-total`` or ``concat-part`` above it is not real.
MAX_PARTS = 255

#: Every multi-part SMS key starts with this; no message id of a gateway can (see
#: :func:`single_id`), so a single message never merges with a multi-part one.
MULTIPART_PREFIX = "multipart:"
#: Prefix of a gateway id that would otherwise look like a reserved key.
_ESCAPE_PREFIX = "id:"


def single_id(message_id: str) -> str:
    """The key of a single message from its gateway id: the id itself, or ``"id:"`` + the id
    when it starts with :data:`MULTIPART_PREFIX` or ``"id:"`` (an injective escape, so that a
    forged ``messageId`` cannot land on a multi-part message's key)."""
    if message_id.startswith((MULTIPART_PREFIX, _ESCAPE_PREFIX)):
        return _ESCAPE_PREFIX + message_id
    return message_id


def _is_concat(value: str | None) -> bool:
    """``concat`` says yes: ``true`` (form), ``True`` (JSON true), ``1`` or ``"1"``."""
    return (value or "").strip().lower() in ("true", "1")


def _concat_ref(value: str | None) -> str | None:
    """One spelling of a reference: ``21``, ``"21"``, ``21.0`` and ``" 21 "`` are ``"21"``."""
    ref = (value or "").strip()
    try:
        number = float(ref)
    except ValueError:
        return ref or None
    return str(int(number)) if number.is_integer() else ref


def _bounded(p: Mapping[str, str], name: str, low: int, ctx: ParseContext) -> int:
    """An integer field between ``low`` and :data:`MAX_PARTS` (``2``, ``"2"``, ``2.0``)."""
    raw = p.get(name)
    value = _concat_ref(raw)
    number = as_int(value) if value and value.lstrip("-").isdigit() else None
    if number is None or not low <= number <= MAX_PARTS:
        raise ctx.error(f"field {name!r}: expected a number from {low} to {MAX_PARTS}, got {raw!r}")
    return number


def _concat(
    p: Mapping[str, str],
    msisdn: str | None,
    message_id: str,
    text: str,
    created_at: datetime,
    ctx: ParseContext,
) -> tuple[str, dict[str, Any]]:
    """The shared key of a concatenated message and this part's contribution to ``extra``.

    Parts are grouped by sender, reference, part count and the UTC hour of the part's time:
    a sender reuses its 8-bit reference after 256 long messages, so two SMS weeks apart with
    one reference are two messages. The key is :data:`MULTIPART_PREFIX` +
    ``msisdn:ref:total:YYYY-MM-DDTHH``. Part numbers and totals are bounded by
    :data:`MAX_PARTS`; a record beyond them is rejected with the reason.
    """
    ref = _concat_ref(p.get("concat-ref"))
    if not ref:
        raise ctx.error("field 'concat-ref' missing on a concatenated message part")
    if not msisdn:
        raise ctx.error("field 'msisdn' missing on a concatenated message part")
    total = _bounded(p, "concat-total", 1, ctx)
    part = _bounded(p, "concat-part", 1, ctx)
    if part > total:
        raise ctx.error(f"field 'concat-part': part {part} of a message of {total} parts")
    aware = created_at if created_at.tzinfo else created_at.replace(tzinfo=UTC)
    when = aware.astimezone(UTC).strftime("%Y-%m-%dT%H")
    extra = {
        "concat_parts": {str(part): text},
        "concat_total": total,
        "part_message_ids": {str(part): message_id},
        "concat_ref": ref,
    }
    return f"{MULTIPART_PREFIX}{msisdn}:{ref}:{total}:{when}", extra


def _messages_api(d: dict[str, Any], ctx: ParseContext) -> list[Item]:
    """An inbound message of the newer Messages API (``channel`` sms, mms, whatsapp...)."""
    uuid = as_str(d.get("message_uuid"))
    if not uuid:
        raise ctx.error("missing field 'message_uuid'")
    channel = (as_str(d.get("channel")) or "sms").lower()
    sender = _address(_e164(as_str(d.get("from"))))
    recipient = _address(_e164(as_str(d.get("to"))))
    if channel == WHATSAPP:  # the same form as Twilio's WhatsApp numbers
        sender = sender and _whatsapp(sender)
        recipient = recipient and _whatsapp(recipient)
    created_at, extra = _vonage_time(d, ctx)
    extra["channel"] = channel
    text = d.get("text")
    text = text if isinstance(text, str) else ""
    sms = _dict(d.get("sms"))
    if sms.get("num_messages") is not None:
        extra["num_messages"] = as_int(sms["num_messages"])
    if sms.get("keyword"):
        extra["keyword"] = as_str(sms["keyword"])
    name = as_str(_dict(d.get("profile")).get("name"))
    message = _sms_message(
        single_id(uuid),
        text,
        created_at,
        sender,
        recipient,
        f"vonage:{uuid}",
        ctx,
        extra,
        name=name,
        media=_messages_media(d),
    )
    return [message, *_account(sender, name, ctx, platform=message.platform)]


def _whatsapp(address: str) -> str:
    """``+44…`` as a WhatsApp address (one already written so stays as it is)."""
    return address if address.startswith(_WA_SCHEME) else _WA_SCHEME + address


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _messages_media(d: dict[str, Any]) -> tuple[Media, ...]:
    kind = as_str(d.get("message_type"))
    block = d.get(kind) if kind else None
    if kind in (None, "text") or not isinstance(block, dict) or not block.get("url"):
        return ()
    mapped = {"image": "photo", "video": "video", "audio": "audio"}.get(kind or "", "unknown")
    return (
        Media(kind=mapped, url=as_str(block.get("url")), alt_text=as_str(block.get("caption"))),
    )
