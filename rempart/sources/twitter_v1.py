"""X/Twitter v1.1 tweet JSON: REST responses, streaming lines and ``extended_tweet`` payloads.

A file may be JSON lines (a stream capture), a JSON array of tweets, a single tweet document or a
search response (``{"statuses": [...], "search_metadata": {...}}``). Besides tweets, a stream
carries notices: ``delete`` and ``status_withheld``/``user_withheld`` become status changes;
``limit``, ``warning``, ``scrub_geo`` and ``disconnect`` are valid records that hold no messages.

The entity helpers at the bottom are shared with the X account archive (``twitter_archive``),
whose tweets are v1.1-shaped objects with every number quoted.

Example::

    src = TwitterV1Source()
    for unit in src.units(Path("stream.jsonl")):
        items = src.parse(unit.raw, ParseContext(now, "stream.jsonl", unit.line))
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from ..errors import ParseError
from ..models import Account, Item, Media, Mention, Message, StatusChange, Version
from .base import (
    ParseContext,
    Unit,
    as_int,
    as_str,
    first_json_line,
    iter_json_units,
    loads,
    parse_time,
    time_field,
    unescape,
)

PLATFORM = "x"

#: Stream notices that are valid records but say nothing about a message or an account.
QUIET_NOTICES = ("limit", "warning", "scrub_geo", "disconnect", "friends", "friends_str", "control")
_STATUS_NOTICES = ("delete", "status_withheld", "user_withheld")
_MAX_DEPTH = 3  # a retweet of a quote tweet nests two levels; anything deeper is malformed


class TwitterV1Source:
    """Reads X/Twitter v1.1 tweet JSON (REST, streaming, compat and extended modes)."""

    name = "twitter-v1"
    description = "X/Twitter v1.1 tweet JSON (REST, streaming, extended_tweet)"

    def sniff(self, head: bytes, path: Path) -> float:
        """0.9 for a v1.1 tweet, search response or stream notice; 0 for archives and twarc2."""
        try:
            return _sniff(head)
        except Exception:  # noqa: BLE001  (sniff must never raise)
            return 0.0

    def units(self, path: Path) -> Iterator[Unit]:
        """One unit per stream line, array element, or the whole document."""
        return iter_json_units(path)

    def parse(self, raw: bytes, ctx: ParseContext) -> list[Item]:
        """Normalise one tweet, search response or stream notice."""
        doc = loads(raw, ctx)
        try:
            return _parse_doc(doc, ctx)
        except ParseError:
            raise
        except (KeyError, TypeError, AttributeError, ValueError, IndexError) as exc:
            raise ctx.error(f"unexpected v1.1 record shape ({type(exc).__name__}: {exc})") from None


# --------------------------------------------------------------------------- sniffing


def _sniff(head: bytes) -> float:
    body = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not body or body.startswith(b"window."):
        return 0.0  # X account archive (window.YTD...) or its manifest
    doc = first_json_line(head)
    if isinstance(doc, list):
        doc = doc[0] if doc else None
    if isinstance(doc, dict):
        return _sniff_object(doc)
    if doc is None and body[:1] in (b"{", b"["):
        # The head cut a large document: fall back to tell-tale keys.
        if b'"__twarc"' in body or b'"includes"' in body or b'"data"' in body:
            return 0.0
        if b'"id_str"' in body and b'"screen_name"' in body:
            return 0.6
    return 0.0


def _sniff_object(doc: dict[str, Any]) -> float:
    if "data" in doc or "includes" in doc or "__twarc" in doc:
        return 0.0  # twarc2 / API v2
    if isinstance(doc.get("statuses"), list) and "search_metadata" in doc:
        return 0.9
    if isinstance(doc.get("for_user"), (int, str)) and isinstance(doc.get("message"), dict):
        return _sniff_object(doc["message"])
    notice = _notice_key(doc)
    if notice is not None:
        return 0.9 if notice in _STATUS_NOTICES or notice in ("limit", "scrub_geo") else 0.7
    if "id_str" in doc:
        if isinstance(doc.get("user"), dict):
            return 0.9
        if _is_twitter_time(doc.get("created_at")):
            return 0.9 if "screen_name" in doc or "text" in doc or "full_text" in doc else 0.8
    return 0.0


def _notice_key(doc: dict[str, Any]) -> str | None:
    if len(doc) > 3 or "id_str" in doc:
        return None
    for key in _STATUS_NOTICES + QUIET_NOTICES:
        if isinstance(doc.get(key), (dict, list)):
            return key
    return None


def _is_twitter_time(value: Any) -> bool:
    """``Fri Feb 20 09:10:58 +0000 2026`` (cheap shape check, no strptime)."""
    return (
        isinstance(value, str)
        and len(value) == 30
        and value[3] == " "
        and value[7] == " "
        and value[19] == " "
        and value[20] in "+-"
    )


# --------------------------------------------------------------------------- parsing


def _parse_doc(doc: Any, ctx: ParseContext) -> list[Item]:
    if not isinstance(doc, dict):
        raise ctx.error(f"expected a JSON object, got {type(doc).__name__}")
    if isinstance(doc.get("statuses"), list):
        items: list[Item] = []
        for i, status in enumerate(doc["statuses"]):
            if not isinstance(status, dict):
                raise ctx.error(f"statuses[{i}] is not an object")
            items.extend(parse_tweet(status, ctx))
        return items
    if "for_user" in doc and isinstance(doc.get("message"), dict):
        return _parse_doc(doc["message"], ctx)  # site streams wrap each message
    notice = _notice_key(doc)
    if notice is not None:
        return _parse_notice(notice, doc, ctx)
    if isinstance(doc.get("event"), str) and "source" in doc and "id_str" not in doc:
        return []  # a user-stream event (follow, favorite...): no message of its own
    if "id_str" in doc or "id" in doc:
        if "text" not in doc and "full_text" not in doc and "screen_name" in doc:
            return [user_account(doc, ctx.captured_at)]  # a users/lookup element
        return parse_tweet(doc, ctx)
    raise ctx.error("no tweet id (id_str) and not a known stream notice")


def _parse_notice(key: str, doc: dict[str, Any], ctx: ParseContext) -> list[Item]:
    if key in QUIET_NOTICES:
        return []
    body = doc[key]
    if key == "delete":
        status = body.get("status") if isinstance(body, dict) else None
        if not isinstance(status, dict):
            raise ctx.error("delete notice without a 'status' object")
        tid = id_of(status, "id")
        if tid is None:
            raise ctx.error("delete notice: missing field 'status.id_str'")
        when = _ms_time(body.get("timestamp_ms") or doc.get("timestamp_ms"), ctx)
        user = id_of(status, "user_id")
        detail = f"stream delete notice (user {user})" if user else "stream delete notice"
        return [StatusChange(PLATFORM, "message", tid, "deleted", when, detail)]
    countries = ", ".join(str(c) for c in body.get("withheld_in_countries") or ())
    detail = f"withheld in {countries}" if countries else "withheld"
    when = _ms_time(body.get("timestamp_ms") or doc.get("timestamp_ms"), ctx)
    if key == "status_withheld":
        tid = id_of(body, "id")
        if tid is None:
            raise ctx.error("status_withheld notice: missing field 'id_str'")
        return [StatusChange(PLATFORM, "message", tid, "withheld", when, detail)]
    uid = id_of(body, "id")
    if uid is None:
        raise ctx.error("user_withheld notice: missing field 'id_str'")
    return [StatusChange(PLATFORM, "account", uid, "withheld", when, detail)]


def id_of(obj: dict[str, Any], field: str) -> str | None:
    """``<field>_str`` if present, else ``<field>`` when it is an exact int or a string."""
    value = obj.get(field + "_str")
    if value is None:
        value = obj.get(field)
        if isinstance(value, float):
            return None  # a float id has already lost digits
    return as_str(value)


def _ms_time(value: Any, ctx: ParseContext) -> datetime:
    if value in (None, ""):
        return ctx.captured_at
    return time_field(value, ctx, "timestamp_ms") or ctx.captured_at


def parse_tweet(tweet: dict[str, Any], ctx: ParseContext) -> list[Item]:
    """Items for one v1.1 tweet: the message first, then referenced tweets, accounts, statuses."""
    items: list[Item] = []
    _collect(tweet, ctx, "primary", items, set(), 0)
    return items


def _collect(
    tweet: dict[str, Any],
    ctx: ParseContext,
    captured_as: str,
    items: list[Item],
    seen: set[str],
    depth: int,
) -> None:
    if depth > _MAX_DEPTH:
        raise ctx.error("tweets nested too deeply (quoted/retweeted_status)")
    msg = _message(tweet, ctx, captured_as)
    if msg.id in seen:
        return
    seen.add(msg.id)
    items.append(msg)
    user = tweet.get("user")
    if isinstance(user, dict) and id_of(user, "id"):
        account = user_account(user, msg.observed_at or ctx.captured_at)
        items.append(account)
        items.extend(_account_statuses(user, account))
    items.extend(_message_statuses(tweet, msg))
    for key in ("retweeted_status", "quoted_status"):
        ref = tweet.get(key)
        if isinstance(ref, dict):
            _collect(ref, ctx, "referenced", items, seen, depth + 1)


def _message(tweet: dict[str, Any], ctx: ParseContext, captured_as: str) -> Message:
    tid = id_of(tweet, "id")
    if tid is None:
        raise ctx.error("tweet without an id: missing field 'id_str'")
    retweeted = tweet.get("retweeted_status")
    content = retweeted if isinstance(retweeted, dict) else tweet
    escaped, entities, ext_entities, truncated = tweet_text(content)
    text = unescape(escaped)
    user = _dict(tweet.get("user"))
    handle = as_str(user.get("screen_name"))
    created = time_field(tweet.get("created_at"), ctx, "created_at")
    observed = _ms_time(tweet.get("timestamp_ms"), ctx)
    if created is None and tweet.get("timestamp_ms"):
        created = observed
    stable_id, versions = edit_identity(tweet, tid, text, created)
    quoted = as_str(tweet.get("quoted_status_id_str")) or (
        id_of(tweet["quoted_status"], "id")
        if isinstance(tweet.get("quoted_status"), dict)
        else None
    )
    extra: dict[str, Any] = {}
    if truncated:
        extra["truncated"] = True
    if tweet.get("in_reply_to_screen_name"):
        extra["in_reply_to_screen_name"] = tweet["in_reply_to_screen_name"]
    return Message(
        platform=PLATFORM,
        id=stable_id,
        text=text,
        created_at=created,
        author_id=id_of(user, "id"),
        author_handle=handle,
        author_display_name=as_str(user.get("name")),
        author_created_at=lenient_time(user.get("created_at")),
        author_followers=as_int(user.get("followers_count")),
        lang=as_str(content.get("lang") or tweet.get("lang")),
        reply_to_id=id_of(tweet, "in_reply_to_status_id"),
        reply_to_author_id=id_of(tweet, "in_reply_to_user_id"),
        quoted_id=quoted,
        repost_of_id=id_of(retweeted, "id") if isinstance(retweeted, dict) else None,
        thread_id=None,  # v1.1 has no conversation id; the store walks reply chains
        mentions=entity_mentions(escaped, entities),
        hashtags=entity_hashtags(escaped, entities),
        urls=entity_urls(entities),
        media=entity_media(ext_entities or entities),
        audience="followers" if user.get("protected") is True else "public",
        url=tweet_url(handle, tid),
        versions=versions,
        observed_at=observed,
        captured_as=captured_as,
        extra=extra,
    )


def lenient_time(value: Any) -> datetime | None:
    """A timestamp for a descriptive field (account creation): None rather than a reject."""
    try:
        return parse_time(value)
    except ValueError:
        return None


def _message_statuses(tweet: dict[str, Any], msg: Message) -> list[Item]:
    countries = tweet.get("withheld_in_countries") or ()
    if not countries and not tweet.get("withheld_copyright"):
        return []
    detail = "withheld (copyright)" if tweet.get("withheld_copyright") else "withheld"
    if countries:
        detail += " in " + ", ".join(str(c) for c in countries)
    # the store keys status changes by the stable id, like the message itself
    return [StatusChange(PLATFORM, "message", msg.id, "withheld", msg.observed_at, detail)]


def _account_statuses(user: dict[str, Any], account: Account) -> list[Item]:
    out: list[Item] = []
    if user.get("protected") is True:
        out.append(
            StatusChange(
                PLATFORM,
                "account",
                account.id,
                "protected",
                account.observed_at,
                "protected account (user.protected)",
            )
        )
    countries = user.get("withheld_in_countries") or ()
    if countries:
        detail = "withheld in " + ", ".join(str(c) for c in countries)
        out.append(
            StatusChange(PLATFORM, "account", account.id, "withheld", account.observed_at, detail)
        )
    return out


def user_account(user: dict[str, Any], observed_at: datetime | None) -> Account:
    """An Account from a v1.1 ``user`` object (unparseable dates become None)."""
    handle = as_str(user.get("screen_name"))
    return Account(
        platform=PLATFORM,
        id=id_of(user, "id") or "",
        handle=handle,
        display_name=as_str(user.get("name")),
        created_at=lenient_time(user.get("created_at")),
        followers=as_int(user.get("followers_count")),
        following=as_int(user.get("friends_count")),
        posts=as_int(user.get("statuses_count")),
        bio=as_str(user.get("description")),
        url=f"https://x.com/{handle}" if handle else None,
        status="protected" if user.get("protected") is True else "available",
        observed_at=observed_at,
        handles=(handle,) if handle else (),
    )


# --------------------------------------------------------------------------- shared X helpers


def tweet_text(tweet: dict[str, Any]) -> tuple[str, dict[str, Any], dict[str, Any], bool]:
    """``(escaped text, entities, extended_entities, truncated)`` in v1.1 preference order.

    ``extended_tweet.full_text`` (with its own entities) beats ``full_text``, which beats
    ``text``. ``truncated`` is True when only a cut ``text`` is available.
    """
    ext = tweet.get("extended_tweet")
    if isinstance(ext, dict) and isinstance(ext.get("full_text"), str):
        return (
            ext["full_text"],
            _dict(ext.get("entities")) or _dict(tweet.get("entities")),
            _dict(ext.get("extended_entities")) or _dict(tweet.get("extended_entities")),
            False,
        )
    text = tweet.get("full_text")
    if not isinstance(text, str):
        text = tweet.get("text")
    truncated = tweet.get("truncated") in (True, "true")
    return (
        text if isinstance(text, str) else "",
        _dict(tweet.get("entities")),
        _dict(tweet.get("extended_entities")),
        truncated,
    )


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def slice_entity(escaped: str, indices: Any) -> str:
    """The entity's text: code-point ``indices`` slice the ESCAPED text, then unescape.

    X counts offsets on the HTML-escaped string (``&amp;`` is five code points), so slicing
    the decoded text would land in the wrong place after any ``&``, ``<`` or ``>``.
    """
    if not isinstance(indices, (list, tuple)) or len(indices) != 2:
        return ""
    start, end = as_int(indices[0]), as_int(indices[1])
    if start is None or end is None or not 0 <= start <= end <= len(escaped):
        return ""
    return unescape(escaped[start:end])


def entity_mentions(escaped: str, entities: dict[str, Any]) -> tuple[Mention, ...]:
    """``entities.user_mentions[]`` as Mentions (handle without ``@``), deduplicated."""
    out: dict[tuple[str | None, str | None], Mention] = {}
    for m in _list(entities.get("user_mentions")):
        handle = as_str(m.get("screen_name")) or slice_entity(escaped, m.get("indices"))[1:] or None
        mention = Mention(handle=handle, id=id_of(m, "id"))
        out.setdefault((mention.handle, mention.id), mention)
    return tuple(out.values())


def entity_hashtags(escaped: str, entities: dict[str, Any]) -> tuple[str, ...]:
    """``entities.hashtags[].text`` without ``#``, deduplicated."""
    tags = []
    for h in _list(entities.get("hashtags")):
        tag = as_str(h.get("text")) or slice_entity(escaped, h.get("indices")).lstrip("#＃")
        if tag:
            tags.append(tag)
    return tuple(dict.fromkeys(tags))


def entity_urls(entities: dict[str, Any]) -> tuple[str, ...]:
    """Real links: ``entities.urls[].expanded_url`` (unwound when known), never media links."""
    urls = []
    for u in _list(entities.get("urls")):
        unwound = u.get("unwound")
        url = (
            (unwound.get("url") if isinstance(unwound, dict) else None)
            or u.get("expanded_url")
            or u.get("url")
        )
        if isinstance(url, str) and url:
            urls.append(url)
    return tuple(dict.fromkeys(urls))


def entity_media(entities: dict[str, Any]) -> tuple[Media, ...]:
    """``extended_entities.media[]`` (or ``entities.media``, first item only) as Media."""
    out = []
    for m in _list(entities.get("media")):
        kind = as_str(m.get("type")) or "unknown"
        still = as_str(m.get("media_url_https") or m.get("media_url"))
        best = best_variant(m.get("video_info"))
        out.append(
            Media(
                kind=kind,
                url=best or still,
                id=id_of(m, "id"),
                alt_text=as_str(m.get("ext_alt_text") or m.get("alt_text")),
                preview_url=still if best else None,
            )
        )
    return tuple(out)


def best_variant(video_info: Any) -> str | None:
    """The highest-bitrate MP4 of ``video_info.variants[]`` (bitrates may be quoted)."""
    if not isinstance(video_info, dict):
        return None
    best: tuple[int, str] | None = None
    for v in _list(video_info.get("variants")):
        url = v.get("url")
        if not isinstance(url, str) or (v.get("content_type") not in (None, "video/mp4")):
            continue
        rate = as_int(v.get("bitrate")) or 0
        if best is None or rate > best[0]:
            best = (rate, url)
    return best[1] if best else None


def edit_identity(
    tweet: dict[str, Any], tid: str, text: str, created: datetime | None
) -> tuple[str, tuple[Version, ...]]:
    """``(stable id, versions)`` from v1.1 ``edit_history`` or archive ``edit_info``.

    The stable id is the first tweet of the edit chain, the same key twarc2 uses
    (``edit_history_tweet_ids[0]``); ``versions`` holds this one observed version.
    Without edit metadata the tweet id stands and ``versions`` is empty.
    """
    initial: str | None = None
    history = tweet.get("edit_history")
    if isinstance(history, dict):
        initial = as_str(history.get("initial_tweet_id"))
        ids = history.get("edit_tweet_ids")
        if initial is None and isinstance(ids, list) and ids:
            initial = as_str(ids[0])
    info = tweet.get("edit_info")
    if initial is None and isinstance(info, dict):
        edit, first = info.get("edit"), info.get("initial")
        if isinstance(edit, dict):
            initial = as_str(edit.get("initialTweetId"))
        if initial is None and isinstance(first, dict):
            ids = first.get("editTweetIds")
            initial = as_str(ids[0]) if isinstance(ids, list) and ids else tid
    if initial is None:
        return tid, ()
    return initial, (Version(id=tid, text=text, created_at=created),)


def tweet_url(handle: str | None, tid: str) -> str:
    """Canonical public URL of a tweet."""
    if handle:
        return f"https://x.com/{handle}/status/{tid}"
    return f"https://x.com/i/web/status/{tid}"
