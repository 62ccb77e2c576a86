"""X / Twitter API v2 as written by twarc2: pages, stream lines and flattened lines.

One unit is one JSONL line (or the whole file when it is a single pretty-printed page). Each
line is recognised by its shape:

- **page**: ``data`` is a list of tweets, with ``includes{users,media,tweets}``, ``meta``,
  optional ``errors`` and ``__twarc{url,version,retrieved_at}``;
- **stream line**: ``data`` is one tweet, with ``includes`` and ``matching_rules``;
- **flattened line** (``twarc2 flatten``): the tweet itself at top level, ``author`` inline and
  ``referenced_tweets[]`` carrying full tweets;
- **users page**: ``data`` holds users (``username``, no ``text``): accounts only;
- **errors-only page**: ``errors`` and no ``data``: status changes only.

Example::

    src = Twarc2Source()
    for unit in src.units(Path("mentions.jsonl")):
        items = src.parse(unit.raw, ParseContext(now, "mentions.jsonl", unit.line))
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..models import Account, Item, Media, Mention, Message, StatusChange, Version
from .base import (
    ParseContext,
    Unit,
    cut_stem,
    first_json_line,
    iter_json_file,
    iter_lines,
    loads,
    time_field,
)

PLATFORM = "x"
_BOM = b"\xef\xbb\xbf"
_WS = b" \t\r\n"

#: X language codes meaning "no language": undetermined, media/mentions/hashtags/cashtags only,
#: too short, no linguistic content.
_NO_LANG = frozenset({"und", "qme", "zxx", "qam", "qct", "qht", "qst"})

#: ``errors[].resource_type`` -> StatusChange subject.
_SUBJECTS = {"tweet": "message", "user": "account"}

#: ``errors[].title`` -> status.
_ERROR_STATUS = {
    "Not Found Error": "deleted",
    "Authorization Error": "protected",
    "Forbidden": "suspended",
}

#: Keys that only other formats carry at the top of a record (v1.1, Mastodon, Bluesky).
_FOREIGN_KEYS = ("id_str", "user", "$type", "did", "account", "content", "uri", "full_text")

_DATA_START = re.compile(rb'^\{\s*"data"\s*:\s*[\[{]')


class Twarc2Source:
    """Reads twarc2 JSONL (X API v2): pages, stream lines, flattened lines, users pages."""

    name = "twarc2"
    description = "X/Twitter API v2 as written by twarc2: pages, stream lines, flattened lines"

    def sniff(self, head: bytes, path: Path) -> float:
        """0.9 for an unmistakable v2 page, stream line or flattened tweet; 0 for others."""
        try:
            return _sniff(head)
        except Exception:  # noqa: BLE001  (sniff must never raise, whatever the bytes)
            return 0.0

    def units(self, path: Path) -> Iterator[Unit]:
        """One unit per JSONL line; a pretty-printed page (or a JSON array) is split as JSON."""
        if _is_json_document(path):
            yield from iter_json_file(path)
        else:
            yield from iter_lines(path)

    def parse(self, raw: bytes, ctx: ParseContext) -> list[Item]:
        """Normalise one twarc2 record into accounts, messages and status changes."""
        if raw[:3] == _BOM:
            raw = raw[3:]
        doc = loads(raw, ctx)
        try:
            if isinstance(doc, list):
                items: list[Item] = []
                for element in doc:
                    items.extend(_parse_record(_expect_dict(element, ctx, "array element"), ctx))
                return items
            return _parse_record(_expect_dict(doc, ctx, "record"), ctx)
        except (KeyError, TypeError, AttributeError, ValueError, IndexError) as exc:
            raise ctx.error(f"unexpected twarc2 shape ({type(exc).__name__}: {exc})") from None


# --------------------------------------------------------------------------- detection


def _sniff(head: bytes) -> float:
    body = head.lstrip(_BOM + _WS)
    if body[:1] not in (b"{", b"["):
        return 0.0
    doc = first_json_line(head.lstrip(_BOM))
    if isinstance(doc, list):
        doc = doc[0] if doc else None
    if isinstance(doc, dict):
        return _shape_score(doc)
    return _text_score(body)


def _shape_score(doc: dict[str, Any]) -> float:
    if any(key in doc for key in _FOREIGN_KEYS):
        return 0.0
    twarc = "__twarc" in doc
    data = doc.get("data")
    if isinstance(data, list):
        first = data[0] if data else None
        if isinstance(first, dict):
            if "id_str" in first or ("id" not in first and "tweet_count" not in first):
                return 0.0
            if twarc or "includes" in doc or "meta" in doc:
                return 0.9
            return 0.7 if "text" in first or "username" in first else 0.0
        return 0.9 if twarc else (0.5 if first is None and "meta" in doc else 0.0)
    if isinstance(data, dict):
        if "id_str" in data or "id" not in data:
            return 0.0
        if "text" not in data and "username" not in data:
            return 0.0
        if twarc or "matching_rules" in doc or "includes" in doc:
            return 0.9
        return 0.75
    if data is not None:
        return 0.0
    if twarc:
        return 0.9
    if "id" in doc and "text" in doc:
        author = doc.get("author")
        if (
            "author_id" in doc
            or "edit_history_tweet_ids" in doc
            or "conversation_id" in doc
            or (isinstance(author, dict) and "username" in author)
        ):
            return 0.9
        return 0.0
    errors = doc.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first_error = errors[0]
        if "resource_type" in first_error or "/2/problems/" in str(first_error.get("type", "")):
            return 0.85
    return 0.0


def _text_score(body: bytes) -> float:
    """Score a head cut inside its first record (long pages exceed 64 KiB)."""
    first = body.split(b"\n", 1)[0]
    if first.strip() in (b"{", b"["):
        first = body  # pretty-printed: look at the whole head
    if b'"id_str"' in first or b'"$type"' in first:
        return 0.0
    if _DATA_START.match(body):
        markers = (
            b'"edit_history_tweet_ids"',
            b'"author_id"',
            b'"conversation_id"',
            b'"username"',
            b'"__twarc"',
        )
        return 0.9 if any(m in first for m in markers) else 0.5
    if b'"__twarc"' in first:
        return 0.9
    if b'"edit_history_tweet_ids"' in first and b'"author_id"' in first:
        return 0.8
    return 0.0


def _is_json_document(path: Path) -> bool:
    """True when the first non-blank line opens a pretty-printed object or a JSON array."""
    with open(path, "rb") as fh:
        for line in fh:
            first = line.strip(_WS)
            if first:
                break
        else:
            return False
    if first.startswith(_BOM):
        first = first[3:].lstrip(_WS)
    return first == b"{" or first.startswith(b"[")


# --------------------------------------------------------------------------- records


class _Record:
    """What one record (page, stream line, flattened line) shares between its tweets."""

    __slots__ = (
        "changes",
        "ctx",
        "extra",
        "items",
        "media",
        "observed",
        "protected",
        "tweets",
        "users",
    )

    def __init__(self, doc: dict[str, Any], ctx: ParseContext) -> None:
        self.ctx = ctx
        meta = doc.get("__twarc")
        extra: dict[str, Any] = {}
        observed = None
        if isinstance(meta, dict):
            observed = _time(meta.get("retrieved_at"), ctx, "__twarc.retrieved_at")
        rules = doc.get("matching_rules")
        if rules:
            extra["matching_rules"] = [r.get("tag") or r.get("id") for r in rules]
        self.observed: datetime = observed or ctx.captured_at
        self.extra = extra
        self.users: dict[str, Account] = {}
        self.protected: set[str] = set()
        self.media: dict[str, Media] = {}
        self.tweets: dict[str, dict[str, Any]] = {}
        self.items: list[Item] = []
        self.changes: list[Item] = []

    def add_users(self, users: Any) -> None:
        """Accounts for every user object (first occurrence wins), indexed by id."""
        for user in users or ():
            if isinstance(user, dict) and user.get("id") and str(user["id"]) not in self.users:
                self.items.append(_account(user, self))

    def add_media(self, media: Any) -> None:
        for m in media or ():
            if isinstance(m, dict) and m.get("media_key"):
                self.media[m["media_key"]] = _media(m)


def _parse_record(doc: dict[str, Any], ctx: ParseContext) -> list[Item]:
    data = doc.get("data")
    if data is None:
        if "id_str" in doc or "user" in doc:
            raise ctx.error("an X v1.1 tweet ('id_str'/'user'), not a twarc2 (API v2) record")
        if "id" in doc and ("text" in doc or "note_tweet" in doc):
            return _parse_flat(doc, ctx)
        if "id" in doc and "username" in doc:  # a flattened users line
            rec = _Record(doc, ctx)
            rec.add_users((doc,))
            return rec.items + rec.changes
        if "errors" in doc or "meta" in doc or "__twarc" in doc:
            rec = _Record(doc, ctx)
            _errors(doc.get("errors"), rec)
            return rec.changes
        raise ctx.error("not a twarc2 record: no 'data', 'errors' or tweet 'id'")
    if isinstance(data, dict):
        data = [data]
    elif not isinstance(data, list):
        raise ctx.error(f"field 'data' is a {type(data).__name__}, expected a list or object")
    return _parse_page(doc, data, ctx)


def _parse_page(doc: dict[str, Any], data: list[Any], ctx: ParseContext) -> list[Item]:
    rec = _Record(doc, ctx)
    includes = doc.get("includes") or {}
    tweets: list[dict[str, Any]] = []
    for i, element in enumerate(data):
        obj = _expect_dict(element, ctx, f"data[{i}]")
        if "text" in obj or "note_tweet" in obj:
            tweets.append(obj)
        elif "username" in obj:
            rec.add_users((obj,))  # a users page: accounts, never messages
        elif "tweet_count" not in obj:  # counts buckets hold no messages
            raise ctx.error(f"data[{i}]: neither a tweet ('text') nor a user ('username')")
    rec.add_users(includes.get("users"))
    if tweets:
        rec.add_media(includes.get("media"))
        seen = {_str(t.get("id")) for t in tweets}
        for t in includes.get("tweets") or ():
            tid = _str(t.get("id")) if isinstance(t, dict) else None
            if tid:
                rec.tweets[tid] = t
        for t in tweets:
            rec.items.append(_message(t, rec, "primary", "data"))
        for tid, t in rec.tweets.items():
            if tid not in seen:
                seen.add(tid)
                rec.items.append(_message(t, rec, "referenced", "includes.tweets"))
    _errors(doc.get("errors"), rec)
    rec.items.extend(rec.changes)
    return rec.items


def _parse_flat(doc: dict[str, Any], ctx: ParseContext) -> list[Item]:
    """A flattened tweet: author, in_reply_to_user and full referenced tweets inline."""
    rec = _Record(doc, ctx)
    refs = [r for r in doc.get("referenced_tweets") or () if isinstance(r, dict)]
    rec.add_users((doc.get("author"), doc.get("in_reply_to_user")))
    for r in refs:
        rec.add_users((r.get("author"), r.get("in_reply_to_user")))
    rec.items.append(_message(doc, rec, "primary", "tweet"))
    seen = {_str(doc.get("id"))}
    for r in refs:
        if "text" in r and _str(r.get("id")) not in seen:
            seen.add(_str(r.get("id")))
            rec.items.append(_message(r, rec, "referenced", "referenced_tweets"))
    _errors(doc.get("errors"), rec)
    rec.items.extend(rec.changes)
    return rec.items


# --------------------------------------------------------------------------- objects


def _message(t: dict[str, Any], rec: _Record, captured_as: str, where: str) -> Message:
    """One tweet as a Message; ``rec`` resolves authors, media and retweeted originals."""
    ctx = rec.ctx
    tid = t.get("id")
    if not tid:
        raise ctx.error(f"{where}: tweet without 'id'")
    tid = str(tid)
    history = t.get("edit_history_tweet_ids")
    if history and type(history) is not list:
        raise ctx.error(f"{where}: field 'edit_history_tweet_ids' is not a list")
    mid = str(history[0]) if history else tid

    reply_to = quoted = repost = None
    source = t  # the tweet whose text, entities and media are shown
    refs = t.get("referenced_tweets")
    if refs:
        for r in refs:
            kind = r.get("type")
            if kind == "replied_to":
                reply_to = _str(r.get("id"))
            elif kind == "quoted":
                quoted = _str(r.get("id"))
            elif kind == "retweeted":
                repost = _str(r.get("id"))
                original = r if "text" in r else rec.tweets.get(repost or "")
                if original is not None:
                    source = original

    text = source.get("text") or ""
    entities = source.get("entities")
    note = source.get("note_tweet")
    if note:
        text = note.get("text") or text
        if note.get("entities"):
            entities = _merge_entities(note["entities"], entities)
    if "&" in text:
        text = html.unescape(text)  # entity offsets index the escaped text; we read values only

    extra = dict(rec.extra)
    if repost and source is t:
        extra["retweet_original_missing"] = True
    if not note and cut_stem(text) is not None:
        extra["truncated"] = True  # a long post seen without note_tweet: not its whole text
    mentions: tuple[Mention, ...] = ()
    hashtags: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    if entities:
        mentions, hashtags, urls = _entities(entities, extra)

    author_id = _str(t.get("author_id"))
    if author_id is None:
        author = t.get("author")
        if isinstance(author, dict):
            author_id = _str(author.get("id"))
    account = rec.users.get(author_id) if author_id else None
    handle = account.handle if account else None

    created = _time(t.get("created_at"), ctx, f"{where}.created_at")
    versions: tuple[Version, ...] = ()
    if history and len(history) > 1:  # part of an edit chain: this observation is one version of it
        versions = (Version(tid, text, created),)
        extra["edit_history_tweet_ids"] = [str(h) for h in history]

    status = "available"
    status_detail = None
    withheld = t.get("withheld")
    if withheld:
        status = "withheld"
        status_detail = _withheld_detail(withheld)
        extra["withheld"] = withheld
        rec.changes.append(
            StatusChange(PLATFORM, "message", mid, "withheld", rec.observed, status_detail)
        )

    lang = t.get("lang")
    if lang in _NO_LANG:
        lang = None

    # positional, in the order of _MESSAGE_ORDER (see _constructor): a call with 28 keyword
    # arguments costs three times more, and an import builds one Message per tweet
    return _new_message(
        PLATFORM,  # platform
        mid,  # id
        text,  # text
        created,  # created_at
        author_id,  # author_id
        handle,  # author_handle
        account.display_name if account else None,  # author_display_name
        account.created_at if account else None,  # author_created_at
        account.followers if account else None,  # author_followers
        lang,  # lang
        reply_to,  # reply_to_id
        _str(t.get("in_reply_to_user_id")),  # reply_to_author_id
        quoted,  # quoted_id
        repost,  # repost_of_id
        _str(t.get("conversation_id")),  # thread_id
        mentions,  # mentions
        hashtags,  # hashtags
        urls,  # urls
        _attachments(t.get("attachments") or source.get("attachments"), rec),  # media
        "followers" if author_id in rec.protected else "public",  # audience
        (
            f"https://x.com/{handle}/status/{mid}"
            if handle
            else f"https://x.com/i/web/status/{mid}"
        ),  # url
        versions,  # versions
        status,  # status
        status_detail,  # status_detail
        rec.observed,  # observed_at
        captured_as,  # captured_as
        None,  # recipient_id
        extra,  # extra
    )


def _entities(
    entities: dict[str, Any], extra: dict[str, Any]
) -> tuple[tuple[Mention, ...], tuple[str, ...], tuple[str, ...]]:
    """Mentions, hashtags and real URLs (media links dropped; unwound, then expanded URL)."""
    mentions: tuple[Mention, ...] = ()
    hashtags: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    found = entities.get("mentions")
    if found:
        mentions = tuple(
            dict.fromkeys(
                _mention(m.get("username"), m.get("id"))
                for m in found
                if m.get("username") or m.get("id")
            )
        )
    found = entities.get("hashtags")
    if found:
        hashtags = tuple(dict.fromkeys(h["tag"] for h in found if h.get("tag")))
    found = entities.get("urls")
    if found:
        links = []
        for u in found:
            if "media_key" not in u:
                link = u.get("unwound_url") or u.get("expanded_url") or u.get("url")
                if link:
                    links.append(link)
        urls = tuple(dict.fromkeys(links))
    found = entities.get("cashtags")
    if found:
        extra["cashtags"] = list(dict.fromkeys(c["tag"] for c in found if c.get("tag")))
    return mentions, hashtags, urls


#: Mention objects are immutable and repeat endlessly in a raid (the target's handle): share them.
_MENTIONS: dict[tuple[Any, Any], Mention] = {}


def _mention(handle: str | None, uid: Any) -> Mention:
    key = (handle, uid)
    found = _MENTIONS.get(key)
    if found is None:
        if len(_MENTIONS) >= 100_000:
            _MENTIONS.clear()
        found = _MENTIONS[key] = Mention(handle=handle, id=_str(uid))
    return found


def _merge_entities(first: dict[str, Any], second: Any) -> dict[str, Any]:
    """note_tweet entities first, then the truncated tweet's own (duplicates removed later)."""
    if not isinstance(second, dict):
        return first
    merged = dict(second)
    for key, values in first.items():
        merged[key] = list(values or ()) + list(second.get(key) or ())
    return merged


def _attachments(attachments: Any, rec: _Record) -> tuple[Media, ...]:
    if not attachments:
        return ()
    inline = attachments.get("media")  # flattened lines carry the media objects
    if inline:
        return tuple(_media(m) for m in inline if isinstance(m, dict))
    keys = attachments.get("media_keys")
    if not keys:
        return ()
    media = rec.media
    return tuple(media.get(k) or Media("unknown", id=k) for k in keys)


def _media(m: dict[str, Any]) -> Media:
    url = m.get("url")
    if not url:
        variants = [v for v in m.get("variants") or () if isinstance(v, dict) and v.get("url")]
        if variants:
            best = max(variants, key=lambda v: v.get("bit_rate") or -1)
            url = best["url"]
    return Media(
        kind=m.get("type") or "unknown",
        url=url,
        id=m.get("media_key"),
        alt_text=m.get("alt_text"),
        preview_url=m.get("preview_image_url"),
    )


def _account(u: dict[str, Any], rec: _Record) -> Account:
    uid = str(u["id"])
    handle = u.get("username")
    metrics = u.get("public_metrics") or {}
    protected = bool(u.get("protected"))
    extra: dict[str, Any] = {}
    withheld = u.get("withheld")
    if withheld:
        extra["withheld"] = withheld
        rec.changes.append(
            StatusChange(
                PLATFORM, "account", uid, "withheld", rec.observed, _withheld_detail(withheld)
            )
        )
    if protected:
        rec.protected.add(uid)
    account = _new_account(  # positional, in the order of _ACCOUNT_ORDER (see _message)
        PLATFORM,  # platform
        uid,  # id
        handle,  # handle
        u.get("name"),  # display_name
        _time(u.get("created_at"), rec.ctx, "user.created_at"),  # created_at
        metrics.get("followers_count"),  # followers
        metrics.get("following_count"),  # following
        metrics.get("tweet_count"),  # posts
        u.get("description"),  # bio
        f"https://x.com/{handle}" if handle else None,  # url
        "protected" if protected else "available",  # status
        rec.observed,  # observed_at
        (handle,) if handle else (),  # handles
        extra,  # extra
    )
    rec.users[uid] = account
    return account


def _errors(errors: Any, rec: _Record) -> None:
    """``errors[]`` about tweets and users -> status changes (request-level errors ignored)."""
    if not errors:
        return
    for e in errors:
        if not isinstance(e, dict):
            continue
        rtype = e.get("resource_type")
        subject = _SUBJECTS.get(rtype) if isinstance(rtype, str) else None
        rid = _str(e.get("resource_id") or e.get("value"))
        if subject is None or rid is None:
            continue
        title = str(e.get("title") or "")
        detail = str(e.get("detail") or "")
        if subject == "account" and "username" in (e.get("parameter") or ""):
            rid = _user_id_for(rid, rec)
        reason = f"{title}: {detail}" if detail else title
        rec.changes.append(
            StatusChange(
                PLATFORM,
                subject,
                rid,
                _error_status(title, detail, e.get("type")),
                rec.observed,
                reason[:200] or None,
            )
        )


def _error_status(title: str, detail: str, kind: Any) -> str:
    if "suspend" in detail.lower():
        return "suspended"
    status = _ERROR_STATUS.get(title)
    if status:
        return status
    kind = str(kind or "")
    if kind.endswith("resource-not-found"):
        return "deleted"
    if kind.endswith("not-authorized-for-resource"):
        return "protected"
    return "unavailable"


def _user_id_for(username: str, rec: _Record) -> str:
    """The id of a user an error names by username, when the record knows it."""
    lowered = username.lower()
    for account in rec.users.values():
        if account.handle and account.handle.lower() == lowered:
            return account.id
    return username


def _withheld_detail(withheld: dict[str, Any]) -> str:
    parts = []
    if withheld.get("copyright"):
        parts.append("copyright")
    countries = withheld.get("country_codes")
    if countries:
        parts.append("in " + ", ".join(str(c) for c in countries))
    scope = withheld.get("scope")
    if scope:
        parts.append(f"scope {scope}")
    return "withheld " + " ".join(parts) if parts else "withheld"


# --------------------------------------------------------------------------- small helpers


#: The field order the positional constructions of ``_message`` and ``_account`` follow.
_MESSAGE_ORDER = (
    "platform",
    "id",
    "text",
    "created_at",
    "author_id",
    "author_handle",
    "author_display_name",
    "author_created_at",
    "author_followers",
    "lang",
    "reply_to_id",
    "reply_to_author_id",
    "quoted_id",
    "repost_of_id",
    "thread_id",
    "mentions",
    "hashtags",
    "urls",
    "media",
    "audience",
    "url",
    "versions",
    "status",
    "status_detail",
    "observed_at",
    "captured_as",
    "recipient_id",
    "extra",
)
_ACCOUNT_ORDER = (
    "platform",
    "id",
    "handle",
    "display_name",
    "created_at",
    "followers",
    "following",
    "posts",
    "bio",
    "url",
    "status",
    "observed_at",
    "handles",
    "extra",
)


def _constructor(cls: Any, order: tuple[str, ...]) -> Any:
    """``cls`` itself when its fields are ``order``; else a slower one taking the values in
    ``order`` and passing them by name, so that a field added or moved in the models never puts
    a value in the wrong field (and a field removed fails loudly)."""
    if tuple(f.name for f in dataclasses.fields(cls)) == order:
        return cls

    def by_name(*values: Any) -> Any:
        return cls(**dict(zip(order, values, strict=True)))

    return by_name


_new_message: Callable[..., Message] = _constructor(Message, _MESSAGE_ORDER)
_new_account: Callable[..., Account] = _constructor(Account, _ACCOUNT_ORDER)


def _time(value: Any, ctx: ParseContext, name: str) -> datetime | None:
    """ISO-8601 fast path (X writes ``2026-02-20T09:10:58.000Z``), else the shared parser."""
    if not value:
        return None
    if type(value) is str:
        try:
            dt = datetime.fromisoformat(value)
        except ValueError:
            return time_field(value, ctx, name)
        if dt.tzinfo is None:
            return dt.replace(tzinfo=UTC)
        if dt.tzinfo is UTC:
            return dt
        return dt.astimezone(UTC)
    return time_field(value, ctx, name)


def _str(value: Any) -> str | None:
    if value is None or value == "":
        return None
    return value if type(value) is str else str(value)


def _expect_dict(value: Any, ctx: ParseContext, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ctx.error(f"{where}: expected a JSON object, got {type(value).__name__}")
    return value
