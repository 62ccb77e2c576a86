"""X account archive ("Download an archive of your data"): the JavaScript files under ``data/``.

Each file is ``window.YTD.<type>.partN = [ ... ]``: a JavaScript prefix, then a JSON array whose
elements are the records. The files read here:

- ``tweets.js``, ``tweets-partN.js`` and the pre-2022 ``tweet.js``: ``[{"tweet": {...}}]``,
  v1.1-shaped tweets with every number quoted, no ``user`` object and no embedded
  quoted/retweeted status. The author is the archive owner, read from ``account.js`` beside
  the file (``manifest.js`` ``userInfo`` as fallback) and passed to ``parse`` in
  ``Unit.context`` so that parsing stays a pure function of the stored bytes.
- ``deleted-tweets.js``: the same plus ``tweet.deleted_at``: a message and a deletion.
- ``note-tweet.js``: long posts without a tweet id. ``units`` matches each note to its
  (truncated) tweet by creation time and text prefix and hands the full text to that tweet's
  unit; unmatched notes become messages of their own (``note:<noteTweetId>``).
- ``direct-messages.js``, ``direct-messages-group.js``: one unit per conversation, one
  message per ``messageCreate`` (the harassing DMs a target receives).
- ``account.js`` (the owner's account), ``block.js`` and ``mute.js`` (valid, no messages).

Every other archive file (``like.js``, ``follower.js``, ``manifest.js`` ...) is not claimed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson

from ..errors import ParseError
from ..models import Account, Item, Media, Mention, Message, StatusChange, Version, iso
from .base import (
    ParseContext,
    Unit,
    as_str,
    extract_hashtags,
    extract_mentions,
    iter_json_file,
    loads,
    parse_time,
    time_field,
    unescape,
)
from .twitter_v1 import (
    PLATFORM,
    edit_identity,
    entity_hashtags,
    entity_media,
    entity_mentions,
    entity_urls,
    id_of,
    lenient_time,
    tweet_text,
    tweet_url,
)

_YTD = re.compile(rb"window\.YTD\.([A-Za-z0-9_]+)\.part\d+\s*=")
#: ``window.YTD.<type>`` values whose records this source reads.
ACCEPTED_TYPES = frozenset(
    {
        "tweets",
        "tweet",
        "deleted_tweets",
        "deleted_tweet",
        "note_tweet",
        "direct_messages",
        "direct_messages_group",
        "account",
        "block",
        "mute",
    }
)
_TWEET_TYPES = ("tweets", "tweet", "deleted_tweets", "deleted_tweet")
_TWEET_FILES = ("tweets.js", "tweets-part*.js", "tweet.js", "tweet-part*.js")
_STATUS_URL = re.compile(
    r"^https?://(?:www\.|mobile\.)?(?:twitter|x)\.com/(?:[A-Za-z0-9_]+|i/web|i)/status(?:es)?/(\d+)"
)
_NOTE_WINDOW_S = 2  # a note and its tweet are created within this many seconds
_PREFIX_CHARS = 40


class TwitterArchiveSource:
    """Reads the X account archive's ``window.YTD`` JavaScript files (tweets, DMs, notes ...)."""

    name = "twitter-archive"
    description = (
        "X account archive: tweets.js, deleted-tweets.js, direct-messages.js, note-tweet.js, "
        "account.js ..."
    )

    def sniff(self, head: bytes, path: Path) -> float:
        """0.95 for a ``window.YTD.<type>`` file of an accepted type, else 0."""
        try:
            kind = ytd_type(head)
        except Exception:  # noqa: BLE001  (sniff must never raise)
            return 0.0
        return 0.95 if kind in ACCEPTED_TYPES else 0.0

    def units(self, path: Path) -> Iterator[Unit]:
        """Each array element, with the owner (and a matched long note) in its context."""
        with open(path, "rb") as fh:
            kind = ytd_type(fh.read(4096))
        info = archive_info(path)
        base: dict[str, Any] = {}
        if info.owner:
            base["owner"] = info.owner
        if info.generated_at:
            base["observed_at"] = info.generated_at
        notes = info.notes_by_tweet if kind in _TWEET_TYPES else {}
        for unit in iter_json_file(path, prefix_until=b"["):
            context = dict(base)
            if notes:
                note = notes.get(_element_tweet_id(unit.raw) or "")
                if note is not None:
                    context["note"] = note
            elif kind == "note_tweet" and info.tweet_by_note:
                tid = info.tweet_by_note.get(_element_note_id(unit.raw) or "")
                if tid is not None:
                    context["matched_tweet_id"] = tid
            yield Unit(unit.raw, unit.line, unit.offset, context or None)

    def parse(self, raw: bytes, ctx: ParseContext) -> list[Item]:
        """Normalise one array element of an archive file."""
        doc = loads(raw, ctx)
        try:
            return _parse_element(doc, ctx)
        except ParseError:
            raise
        except (KeyError, TypeError, AttributeError, ValueError, IndexError) as exc:
            raise ctx.error(
                f"unexpected archive record shape ({type(exc).__name__}: {exc})"
            ) from None


def ytd_type(head: bytes) -> str | None:
    """The ``<type>`` of a ``window.YTD.<type>.partN =`` prefix, or None."""
    m = _YTD.match(head.lstrip(b"\xef\xbb\xbf \t\r\n"))
    return m.group(1).decode("ascii") if m else None


# --------------------------------------------------------------------------- export context


class ArchiveInfo:
    """What the files beside an archive file tell: owner, generation time, long-note matches."""

    def __init__(
        self,
        owner: dict[str, Any] | None,
        generated_at: str | None,
        notes_by_tweet: dict[str, dict[str, Any]],
    ) -> None:
        self.owner = owner
        self.generated_at = generated_at
        self.notes_by_tweet = notes_by_tweet
        self.tweet_by_note = {
            str(note.get("noteTweetId")): tid for tid, note in notes_by_tweet.items()
        }


def archive_info(path: Path) -> ArchiveInfo:
    """Read (once per folder state) the owner, manifest and note matches around ``path``."""
    folder = path.resolve().parent
    watched = [folder / "account.js", folder / "manifest.js", folder / "note-tweet.js"]
    for d in _data_dirs(folder):
        watched += [d / "account.js", d / "manifest.js"]
    watched += _tweet_files(folder)
    signature = tuple(
        (str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in watched if p.is_file()
    )
    return _archive_info(str(folder), signature)


@lru_cache(maxsize=32)
def _archive_info(folder_name: str, signature: tuple[Any, ...]) -> ArchiveInfo:
    folder = Path(folder_name)
    owner, generated = _find_owner(folder)
    notes_by_tweet: dict[str, dict[str, Any]] = {}
    note_file = folder / "note-tweet.js"
    if note_file.is_file():
        notes = [
            e["noteTweet"]
            for e in read_ytd(note_file)
            if isinstance(e, dict) and isinstance(e.get("noteTweet"), dict)
        ]
        if notes:
            notes_by_tweet = match_notes(notes, _iter_tweets(_tweet_files(folder)))
    return ArchiveInfo(owner, generated, notes_by_tweet)


def _data_dirs(folder: Path) -> list[Path]:
    """Where account.js may sit: the folder, an enclosing ``data`` folder, or ``./data``."""
    dirs = [folder]
    dirs += [p for p in folder.parents if p.name == "data"][:1]
    dirs.append(folder / "data")
    return dirs


def _find_owner(folder: Path) -> tuple[dict[str, Any] | None, str | None]:
    owner: dict[str, Any] | None = None
    generated: str | None = None
    for d in _data_dirs(folder):
        if owner is None and (d / "account.js").is_file():
            owner = _owner_from_account(read_ytd(d / "account.js"))
        if (d / "manifest.js").is_file():
            manifest = read_js_object(d / "manifest.js")
            if owner is None:
                owner = _owner_from_manifest(manifest)
            if generated is None:
                generated = _generation_date(manifest)
    return owner, generated


def _owner_from_account(elements: list[Any]) -> dict[str, Any] | None:
    for e in elements:
        acc = e.get("account") if isinstance(e, dict) else None
        if isinstance(acc, dict) and as_str(acc.get("accountId")):
            return {
                "id": as_str(acc.get("accountId")),
                "handle": as_str(acc.get("username")),
                "display_name": as_str(acc.get("accountDisplayName")),
                "created_at": as_str(acc.get("createdAt")),
            }
    return None


def _owner_from_manifest(manifest: dict[str, Any]) -> dict[str, Any] | None:
    info = manifest.get("userInfo")
    if not isinstance(info, dict) or not as_str(info.get("accountId")):
        return None
    return {
        "id": as_str(info.get("accountId")),
        "handle": as_str(info.get("userName") or info.get("username")),
        "display_name": as_str(info.get("displayName")),
        "created_at": None,
    }


def _generation_date(manifest: dict[str, Any]) -> str | None:
    info = manifest.get("archiveInfo")
    when = lenient_time(info.get("generationDate")) if isinstance(info, dict) else None
    return iso(when) if when else None


def read_ytd(path: Path) -> list[Any]:
    """The array of a ``window.YTD`` file, or [] when it cannot be read (context files only)."""
    data = path.read_bytes()
    start = data.find(b"[")
    if start < 0:
        return []
    try:
        doc = orjson.loads(data[start:].rstrip(b" \t\r\n;"))
    except orjson.JSONDecodeError:
        return []
    return doc if isinstance(doc, list) else []


def read_js_object(path: Path) -> dict[str, Any]:
    """The object of ``window.__THAR_CONFIG = {...}`` (manifest.js), or {}."""
    data = path.read_bytes()
    start = data.find(b"{")
    if start < 0:
        return {}
    try:
        doc = orjson.loads(data[start:].rstrip(b" \t\r\n;"))
    except orjson.JSONDecodeError:
        return {}
    return doc if isinstance(doc, dict) else {}


def _tweet_files(folder: Path) -> list[Path]:
    files: list[Path] = []
    for pattern in _TWEET_FILES:
        files += sorted(folder.glob(pattern))
    return files


def _iter_tweets(files: Iterable[Path]) -> Iterator[dict[str, Any]]:
    for f in files:
        for e in read_ytd(f):
            t = e.get("tweet", e) if isinstance(e, dict) else None
            if isinstance(t, dict):
                yield t


def _element_tweet_id(raw: bytes) -> str | None:
    try:
        e = orjson.loads(raw)
        t = e.get("tweet", e)
        return as_str(t.get("id_str"))
    except (orjson.JSONDecodeError, AttributeError):
        return None


def _element_note_id(raw: bytes) -> str | None:
    try:
        return as_str(orjson.loads(raw)["noteTweet"].get("noteTweetId"))
    except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError):
        return None


# --------------------------------------------------------------------------- long-note matching


def match_notes(
    notes: list[dict[str, Any]], tweets: Iterable[dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """Map tweet id -> note for notes created within 2 s of a tweet whose text starts the note.

    Archives give notes no tweet id. The tweet holds the first ~280 characters (ending with a
    t.co link); the note holds the whole text, so the tweet's text up to its first link must
    open the note. Among candidates the closest in time wins; each note matches once.
    """
    by_second: dict[int, list[tuple[float, str, dict[str, Any]]]] = {}
    for note in notes:
        when = lenient_time(note.get("createdAt"))
        core = note.get("core")
        text = core.get("text") if isinstance(core, dict) else None
        if when is None or not isinstance(text, str):
            continue
        entry = (when.timestamp(), _normalise(unescape(text)), note)
        by_second.setdefault(int(when.timestamp()), []).append(entry)
    candidates: list[tuple[float, str, dict[str, Any]]] = []
    for t in tweets:
        tid, when = as_str(t.get("id_str")), lenient_time(t.get("created_at"))
        if tid is None or when is None:
            continue
        ts, prefix = when.timestamp(), _tweet_prefix(tweet_text(t)[0])
        for sec in range(int(ts) - _NOTE_WINDOW_S, int(ts) + _NOTE_WINDOW_S + 1):
            for note_ts, note_text, note in by_second.get(sec, ()):
                gap = abs(note_ts - ts)
                if gap <= _NOTE_WINDOW_S and note_text.startswith(prefix):
                    candidates.append((gap, tid, note))
    matched: dict[str, dict[str, Any]] = {}
    used: set[int] = set()
    for _, tid, note in sorted(candidates, key=lambda c: c[0]):  # closest pairs first
        if tid not in matched and id(note) not in used:
            used.add(id(note))
            matched[tid] = note
    return matched


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _tweet_prefix(escaped: str) -> str:
    """The start of a tweet's text that a note must share: up to the first link, 40 chars."""
    text = unescape(escaped)
    cut = text.find("http")
    if cut >= 0:
        text = text[:cut]
    return _normalise(text.rstrip("…. "))[:_PREFIX_CHARS]


# --------------------------------------------------------------------------- parsing


def _parse_element(doc: Any, ctx: ParseContext) -> list[Item]:
    if not isinstance(doc, dict):
        raise ctx.error(f"expected an archive record object, got {type(doc).__name__}")
    context = ctx.context or {}
    if isinstance(doc.get("tweet"), dict):
        return _parse_tweet(doc["tweet"], ctx, context)
    if "id_str" in doc and ("full_text" in doc or "text" in doc):
        return _parse_tweet(doc, ctx, context)  # early archives had no {"tweet": ...} wrapper
    if isinstance(doc.get("dmConversation"), dict):
        return _parse_conversation(doc["dmConversation"], ctx, context)
    if isinstance(doc.get("noteTweet"), dict):
        return _parse_note(doc["noteTweet"], ctx, context)
    if isinstance(doc.get("account"), dict):
        return [_parse_account(doc["account"], ctx, context)]
    if isinstance(doc.get("blocking"), dict) or isinstance(doc.get("muting"), dict):
        return []  # block.js / mute.js: useful to seed a blocklist, hold no messages
    raise ctx.error(
        "unknown archive record: expected a 'tweet', 'dmConversation', 'noteTweet', "
        "'account', 'blocking' or 'muting' object"
    )


def _observed(ctx: ParseContext, context: dict[str, Any]) -> datetime:
    return lenient_time(context.get("observed_at")) or ctx.captured_at


def _owner(context: dict[str, Any]) -> dict[str, Any]:
    owner = context.get("owner")
    return owner if isinstance(owner, dict) else {}


def _parse_tweet(t: dict[str, Any], ctx: ParseContext, context: dict[str, Any]) -> list[Item]:
    tid = id_of(t, "id")
    if tid is None:
        raise ctx.error("archive tweet without an id: missing field 'tweet.id_str'")
    escaped, entities, ext_entities, _ = tweet_text(t)
    created = time_field(t.get("created_at"), ctx, "tweet.created_at")
    urls = entity_urls(entities)
    mentions = entity_mentions(escaped, entities)
    hashtags = entity_hashtags(escaped, entities)
    text = unescape(escaped)
    extra: dict[str, Any] = {}
    note = context.get("note")
    if isinstance(note, dict) and isinstance(note.get("core"), dict):
        core = note["core"]
        text = unescape(as_str(core.get("text")) or "") or text
        urls = tuple(dict.fromkeys(urls + _note_urls(core)))
        mentions = _merge_mentions(mentions, _note_mentions(core))
        hashtags = tuple(dict.fromkeys(hashtags + _note_hashtags(core)))
        extra["note_tweet_id"] = as_str(note.get("noteTweetId"))
    if escaped.startswith("RT @"):
        extra["retweet"] = True  # archived retweets are truncated "RT @x: ..." with no original
    stable_id, versions = edit_identity(t, tid, text, created)
    owner, observed = _owner(context), _observed(ctx, context)
    msg = Message(
        platform=PLATFORM,
        id=stable_id,
        text=text,
        created_at=created,
        author_id=owner.get("id"),
        author_handle=owner.get("handle"),
        author_display_name=owner.get("display_name"),
        author_created_at=lenient_time(owner.get("created_at")),
        lang=as_str(t.get("lang")),
        reply_to_id=id_of(t, "in_reply_to_status_id"),
        reply_to_author_id=id_of(t, "in_reply_to_user_id"),
        quoted_id=quoted_from_urls(urls),
        mentions=mentions,
        hashtags=hashtags,
        urls=urls,
        media=entity_media(ext_entities or entities),
        url=tweet_url(owner.get("handle"), tid),
        versions=versions,
        observed_at=observed,
        extra=extra,
    )
    items: list[Item] = [msg]
    if t.get("deleted_at"):
        when = time_field(t["deleted_at"], ctx, "tweet.deleted_at")
        items.append(
            StatusChange(
                PLATFORM,
                "message",
                stable_id,
                "deleted",
                when or observed,
                "listed in deleted-tweets.js",
            )
        )
    return items


def quoted_from_urls(urls: Iterable[str]) -> str | None:
    """The id of a quoted tweet: the first link to an X/Twitter status in the tweet's URLs."""
    for url in urls:
        m = _STATUS_URL.match(url)
        if m:
            return m.group(1)
    return None


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _note_urls(core: dict[str, Any]) -> tuple[str, ...]:
    out = (
        u.get("expandedUrl") or u.get("expanded_url") or u.get("shortUrl")
        for u in _dicts(core.get("urls"))
    )
    return tuple(u for u in out if isinstance(u, str) and u)


def _note_mentions(core: dict[str, Any]) -> tuple[Mention, ...]:
    out = []
    for m in _dicts(core.get("mentions")):
        handle = as_str(m.get("screenName") or m.get("screen_name"))
        if handle:
            out.append(Mention(handle=handle, id=as_str(m.get("id_str") or m.get("id"))))
    return tuple(out)


def _note_hashtags(core: dict[str, Any]) -> tuple[str, ...]:
    out = (as_str(h.get("text") or h.get("hashtag")) for h in _dicts(core.get("hashtags")))
    return tuple(h for h in out if h)


def _merge_mentions(first: tuple[Mention, ...], more: tuple[Mention, ...]) -> tuple[Mention, ...]:
    known = {(m.handle or "").lower() for m in first}
    return first + tuple(m for m in more if (m.handle or "").lower() not in known)


def _parse_note(note: dict[str, Any], ctx: ParseContext, context: dict[str, Any]) -> list[Item]:
    nid = as_str(note.get("noteTweetId"))
    if nid is None:
        raise ctx.error("note tweet without an id: missing field 'noteTweet.noteTweetId'")
    if context.get("matched_tweet_id"):
        return []  # its full text is carried by the matching tweet's record
    core = note["core"] if isinstance(note.get("core"), dict) else {}
    owner = _owner(context)
    return [
        Message(
            platform=PLATFORM,
            id="note:" + nid,
            text=unescape(as_str(core.get("text")) or ""),
            created_at=time_field(note.get("createdAt"), ctx, "noteTweet.createdAt"),
            author_id=owner.get("id"),
            author_handle=owner.get("handle"),
            author_display_name=owner.get("display_name"),
            author_created_at=lenient_time(owner.get("created_at")),
            mentions=_note_mentions(core),
            hashtags=tuple(dict.fromkeys(_note_hashtags(core))),
            urls=tuple(dict.fromkeys(_note_urls(core))),
            observed_at=_observed(ctx, context),
            extra={"note_tweet": True},
        )
    ]


def _parse_account(acc: dict[str, Any], ctx: ParseContext, context: dict[str, Any]) -> Account:
    aid = as_str(acc.get("accountId"))
    if aid is None:
        raise ctx.error("account record without an id: missing field 'account.accountId'")
    handle = as_str(acc.get("username"))
    return Account(
        platform=PLATFORM,
        id=aid,
        handle=handle,
        display_name=as_str(acc.get("accountDisplayName")),
        created_at=lenient_time(acc.get("createdAt")),
        url=f"https://x.com/{handle}" if handle else None,
        observed_at=_observed(ctx, context),
        handles=(handle,) if handle else (),
    )


# --------------------------------------------------------------------------- direct messages


def _parse_conversation(
    conv: dict[str, Any], ctx: ParseContext, context: dict[str, Any]
) -> list[Item]:
    cid = as_str(conv.get("conversationId"))
    if cid is None:
        raise ctx.error(
            "DM conversation without an id: missing field 'dmConversation.conversationId'"
        )
    owner, observed = _owner(context), _observed(ctx, context)
    items: list[Item] = []
    for i, entry in enumerate(_dicts(conv.get("messages"))):
        mc = entry.get("messageCreate")
        if isinstance(mc, dict):  # joinConversation, participantsLeave ... carry no text
            items.append(
                _dm(mc, f"dmConversation.messages[{i}].messageCreate", cid, owner, observed, ctx)
            )
    return items


def _dm(
    mc: dict[str, Any],
    where: str,
    cid: str,
    owner: dict[str, Any],
    observed: datetime,
    ctx: ParseContext,
) -> Message:
    mid = as_str(mc.get("id"))
    if mid is None:
        raise ctx.error(f"direct message without an id: missing field '{where}.id'")
    sender = as_str(mc.get("senderId"))
    recipient = as_str(mc.get("recipientId"))
    text = unescape(as_str(mc.get("text")) or "")
    created = time_field(mc.get("createdAt"), ctx, f"{where}.createdAt")
    is_owner = sender is not None and sender == owner.get("id")
    extra: dict[str, Any] = {} if recipient else {"group": True}
    reactions = _dicts(mc.get("reactions"))
    if reactions:
        extra["reactions"] = len(reactions)
    return Message(
        platform=PLATFORM,
        id=mid,
        text=text,
        created_at=created,
        author_id=sender,
        author_handle=owner.get("handle") if is_owner else None,
        author_display_name=owner.get("display_name") if is_owner else None,
        thread_id=cid,
        mentions=tuple(Mention(handle=h) for h in extract_mentions(text)),
        hashtags=extract_hashtags(text),
        urls=_dm_urls(mc),
        media=tuple(
            Media(kind=_media_kind(u), url=u)
            for u in mc.get("mediaUrls") or ()
            if isinstance(u, str) and u
        ),
        audience="direct",
        versions=_dm_versions(mc.get("editHistory"), mid, text, created),
        observed_at=observed,
        recipient_id=recipient,
        extra=extra,
    )


def _dm_urls(mc: dict[str, Any]) -> tuple[str, ...]:
    out = []
    for u in _dicts(mc.get("urls")):
        url = u.get("expanded") or u.get("expandedUrl") or u.get("expanded_url") or u.get("url")
        if isinstance(url, str) and url:
            out.append(url)
    return tuple(dict.fromkeys(out))


def _media_kind(url: str) -> str:
    lower = url.lower().split("?", 1)[0]
    if lower.endswith((".mp4", ".mov", ".m3u8")) or "/dm_video/" in lower:
        return "video"
    if lower.endswith(".gif") or "/dm_gif/" in lower:
        return "animated_gif"
    return "photo"


def _dm_versions(
    history: Any, mid: str, text: str, created: datetime | None
) -> tuple[Version, ...]:
    """Earlier versions from ``editHistory[]`` (oldest first), then the current text.

    The archive's edit entries are undocumented; each is read tolerantly as an object with a
    text (``text``/``editedText``) and a time (``editedAt``/``createdAt``/``createdAtSec``).
    """
    entries = _dicts(history)
    if not entries:
        return ()
    versions: list[Version] = []
    for n, e in enumerate(entries):
        body = as_str(e.get("text") or e.get("editedText") or e.get("previousText"))
        if body is None:
            continue
        try:
            when = parse_time(e.get("editedAt") or e.get("createdAt") or e.get("createdAtSec"))
        except ValueError:
            when = None
        vid = as_str(e.get("id")) or (iso(when) if when else None) or f"{mid}#{n}"
        versions.append(Version(id=vid, text=unescape(body), created_at=when))
    if not versions or versions[-1].text != text:
        last = max((v.created_at for v in versions if v.created_at), default=created)
        versions.append(Version(id=mid, text=text, created_at=last))
    return tuple(versions)
