"""CSV exports: twarc-csv (current and 2021 layouts) and plain ``id,author,created_at,text`` files.

CSV has no standard, so columns are found through a header alias map (``tweet_id``, ``message``,
``screen_name``...) that an explicit mapping can override::

    >>> src = CsvSource(mapping={"id": "Tweet Id", "text": "What was said"})
    >>> src.name
    'csv'

Each data row is a unit whose bytes are exactly the row's bytes (a quoted cell may span several
physical lines). The header, the delimiter, the layout and any user mapping travel in
``Unit.context``, so ``parse`` needs nothing else to re-read a stored row.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections import deque
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

import orjson

from ..models import Account, Item, Media, Mention, Message, StatusChange, Version
from .base import (
    ParseContext,
    Unit,
    as_str,
    cut_stem,
    decode_text,
    extract_hashtags,
    extract_mentions,
    extract_urls,
    time_field,
    unescape,
)

DELIMITERS = ",;\t|"
#: A quoted cell longer than this many physical lines is taken for a stray quote.
MAX_ROW_LINES = 1000
_BOM = b"\xef\xbb\xbf"

#: Message field -> header names that mean it, most specific first (compared normalised:
#: lower case, spaces and dashes as underscores).
ALIASES: dict[str, tuple[str, ...]] = {
    "id": (
        "id",
        "tweet_id",
        "message_id",
        "status_id",
        "post_id",
        "tweetid",
        "messageid",
        "message_sid",
        "uuid",
    ),
    "author_handle": (
        "author.username",
        "author",
        "user",
        "username",
        "screen_name",
        "user_screen_name",
        "user.screen_name",
        "handle",
        "author_handle",
        "from",
        "sender",
    ),
    "author_id": ("author_id", "author.id", "user_id", "user.id", "from_id", "account_id"),
    "author_display_name": (
        "author.name",
        "author_name",
        "display_name",
        "name",
        "user_name",
        "user.name",
    ),
    "created_at": (
        "created_at",
        "date",
        "timestamp",
        "time",
        "datetime",
        "date_time",
        "sent_at",
        "posted_at",
        "date_sent",
    ),
    "text": ("text", "body", "message", "content", "full_text", "tweet", "tweet_text"),
    "platform": ("platform", "network", "service"),
    "lang": ("lang", "language"),
    "reply_to_id": (
        "referenced_tweets.replied_to.id",
        "reply_to",
        "in_reply_to",
        "reply_to_id",
        "in_reply_to_id",
        "in_reply_to_status_id",
    ),
    "reply_to_author_id": ("in_reply_to_user_id", "reply_to_user_id", "reply_to_author_id"),
    "quoted_id": ("referenced_tweets.quoted.id", "quoted_id", "quote_of", "quoted_status_id"),
    "repost_of_id": (
        "referenced_tweets.retweeted.id",
        "repost_of_id",
        "repost_of",
        "retweet_of",
        "retweeted_status_id",
    ),
    "thread_id": ("conversation_id", "thread_id", "thread"),
    "url": ("url", "link", "permalink", "tweet_url"),
    "recipient_id": ("recipient_id", "recipient", "to"),
}

#: Short names a user may give in an explicit mapping.
FIELD_NAMES = {
    **{f: f for f in ALIASES},
    "author": "author_handle",
    "handle": "author_handle",
    "username": "author_handle",
    "name": "author_display_name",
    "display_name": "author_display_name",
    "reply_to": "reply_to_id",
    "in_reply_to": "reply_to_id",
    "quoted": "quoted_id",
    "repost_of": "repost_of_id",
    "retweet_of": "repost_of_id",
    "thread": "thread_id",
    "recipient": "recipient_id",
    "to": "recipient_id",
    "date": "created_at",
    "body": "text",
}

_ID_FIELDS = (
    "id",
    "author_id",
    "reply_to_id",
    "reply_to_author_id",
    "quoted_id",
    "repost_of_id",
    "thread_id",
)
#: 1.17007E+18 (Excel) or 1170070000000000000.0 (a float column written back).
_MANGLED_ID = re.compile(r"^\d+[.,]\d+[eE][+-]?\d+$|^\d+[eE]\+\d+$|^\d{12,}\.0+$")
_TWARC_PREFIXES = ("author.", "entities.", "public_metrics.", "attachments.")


def normalise(column: str) -> str:
    """Header name as compared with the alias map: ``"Tweet Id"`` -> ``"tweet_id"``."""
    return column.strip().lower().replace(" ", "_").replace("-", "_")


def layout_of(header: list[str], has_mapping: bool = False) -> str:
    """``twarc-csv``, ``twarc-csv-2021``, ``plain`` or ``custom`` (user mapping, plain file)."""
    names = {normalise(h) for h in header}
    twarc = (
        {"id", "text", "created_at"} <= names
        and bool(names & {"author_id", "author.username"})
        and any(n.startswith(_TWARC_PREFIXES) for n in names)
    )
    if twarc:
        return "twarc-csv-2021" if "referenced_tweets" in names else "twarc-csv"
    return "custom" if has_mapping else "plain"


@lru_cache(maxsize=64)
def _columns(header: tuple[str, ...], mapping: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Field -> header column, from the alias map overridden by the user mapping."""
    names: dict[str, str] = {}
    for h in header:
        names.setdefault(normalise(h), h)
    cols: dict[str, str] = {}
    for field, aliases in ALIASES.items():
        for alias in aliases:
            if alias in names:
                cols[field] = names[alias]
                break
    for field, column in mapping:
        cols[FIELD_NAMES.get(field, field)] = (
            column if column in header else names.get(normalise(column), column)
        )
    return cols


class CsvSource:
    """CSV files: twarc-csv layouts (X) and plain message tables found through header aliases."""

    name = "csv"
    description = (
        "CSV: twarc-csv layouts (current and 2021) and a plain id,author,created_at,text layout"
    )

    def __init__(
        self, mapping: Mapping[str, str] | None = None, encoding: str | None = None
    ) -> None:
        self.mapping = dict(mapping or {})
        self.encoding = encoding
        unknown = [k for k in self.mapping if k not in FIELD_NAMES]
        if unknown:
            raise ValueError(
                f"unknown field(s) in CSV mapping: {', '.join(unknown)}; "
                f"use: {', '.join(sorted(ALIASES))}"
            )

    def with_encoding(self, encoding: str) -> CsvSource:
        """This source reading its files as ``encoding`` instead of detecting it."""
        return CsvSource(self.mapping, encoding)

    # ---------------------------------------------------------------- detection

    def sniff(self, head: bytes, path: Path) -> float:
        body = head.removeprefix(_BOM).lstrip(b" \t\r\n")
        if body[:1] in (b"{", b"["):
            return 0.0
        suffix_score = 0.5 if path.suffix.lower() in (".csv", ".tsv") else 0.0
        first = body.split(b"\n", 1)[0].rstrip(b"\r").decode("utf-8", errors="replace")
        header = _split_header(first, _delimiter_by_count(first, path))
        if len(header) < 2:
            return suffix_score
        if layout_of(header).startswith("twarc"):
            return 0.9
        cols = _columns(tuple(header), ())
        if "id" in cols and "text" in cols:
            return 0.8 if suffix_score else 0.6
        return suffix_score

    # ---------------------------------------------------------------- splitting

    def units(self, path: Path) -> Iterator[Unit]:
        encoding = self.encoding or detect_encoding(path)
        with open(path, "rb") as fh:
            head = fh.read(65536)
            fh.seek(0)
            header_raw = fh.readline()
            if not header_raw.strip(_BOM + b" \t\r\n"):
                return
            first = header_raw.removeprefix(_BOM).rstrip(b"\r\n").decode(encoding, "replace")
            delimiter = _delimiter(head, first, path)
            header = _split_header(first, delimiter)
            context: dict[str, Any] = {
                "header": header,
                "delimiter": delimiter,
                "layout": layout_of(header, bool(self.mapping)),
            }
            if self.mapping:
                context["mapping"] = dict(self.mapping)
            if self.encoding or encoding != "utf-8":
                context["encoding"] = encoding
            rows = 0
            for unit in _rows(fh, delimiter, len(header), 2, len(header_raw), context):
                rows += 1
                yield unit
            if not rows:
                # a one-line file: a header without rows, or one row without its header; kept
                # as a reject with its bytes rather than read as nothing
                yield Unit(_strip_eol(header_raw), 1, 0, {**context, "lone_line": True})

    # ---------------------------------------------------------------- parsing

    def parse(self, raw: bytes, ctx: ParseContext) -> list[Item]:
        c = ctx.context or {}
        header = c.get("header")
        if not isinstance(header, list) or not header:
            raise ctx.error("no CSV header in the unit context")
        if c.get("lone_line"):
            raise ctx.error(
                _lone_line_reason(header, tuple(sorted((c.get("mapping") or {}).items())))
            )
        cells = _cells(raw, ctx, str(c.get("delimiter") or ","), c.get("encoding"))
        if len(cells) != len(header):
            raise ctx.error(f"row has {len(cells)} cells but the header has {len(header)}")
        row = dict(zip(header, cells))
        mapping = tuple(sorted((c.get("mapping") or {}).items()))
        cols = _columns(tuple(header), mapping)
        for column in {cols[f] for f in _ID_FIELDS if f in cols}:
            value = row.get(column, "").strip()
            if _MANGLED_ID.match(value):
                raise ctx.error(
                    f"column {column!r}: id mangled by a spreadsheet ({value}); "
                    "re-export with the id columns formatted as text"
                )
        layout = str(c.get("layout") or "plain")
        try:
            if layout.startswith("twarc"):
                return _twarc_items(row, cols, layout, ctx)
            return _plain_items(row, cols, ctx)
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise ctx.error(f"unexpected cell content ({exc})") from None


# --------------------------------------------------------------------------- text encoding

#: Characters of Western European text, what a Windows-1252 or Latin-1 export holds beyond ASCII.
_LEGACY_TEXT = frozenset(
    "àâäáãåæçèéêëìíîïñòóôöõøœùúûüýÿÀÂÄÁÃÅÆÇÈÉÊËÌÍÎÏÑÒÓÔÖÕØŒÙÚÛÜÝŸßšžŠŽƒ"
    "€‘’‚“”„«»‹›–—…°·•†‡\xa0ºª¿¡£¥¢§©®™×÷±²³µ¶¹¼½¾¨´¸¯¬¦ˆ˜‰"
)
_ASCII = bytes(range(128))


def detect_encoding(path: Path) -> str:
    """The text encoding of a CSV file: ``utf-8`` (a BOM tolerated) when it decodes as UTF-8 or
    is mostly UTF-8 (then its few undecodable rows are rejects), else ``cp1252`` (Windows-1252,
    a superset of Latin-1's letters) when every byte UTF-8 refuses is a Western European
    character there; else ``utf-8`` (pass ``--encoding`` to force another)."""
    decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
    bad = valid = 0
    high: set[int] = set()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            text = decoder.decode(chunk)
            non_ascii = len(text) - len(text.encode("ascii", "ignore"))
            if non_ascii:
                replaced = text.count("\ufffd")
                bad += replaced
                valid += non_ascii - replaced
                high.update(chunk.translate(None, _ASCII))
        text = decoder.decode(b"", final=True)
        bad += text.count("\ufffd")
    if not bad or valid > bad:
        return "utf-8"
    try:
        legacy = bytes(sorted(high)).decode("cp1252")
    except UnicodeDecodeError:
        return "utf-8"
    return "cp1252" if set(legacy) <= _LEGACY_TEXT else "utf-8"


def _lone_line_reason(header: list[str], mapping: tuple[tuple[str, str], ...]) -> str:
    cols = _columns(tuple(header), mapping)
    if "id" in cols or "text" in cols or layout_of(header).startswith("twarc"):
        return "a CSV header without any data row"
    return (
        "a single CSV line and no header: add the header line (e.g. id,author,created_at,"
        "text) and import the file again"
    )


# --------------------------------------------------------------------------- row splitting


class _RowTooLong(Exception):
    """A quoted cell ran past MAX_ROW_LINES physical lines: most likely a stray quote."""


class _LineFeed:
    """Feeds decoded physical lines to ``csv.reader`` and remembers their exact bytes."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.backlog: deque[bytes] = deque()
        self.pending: list[bytes] = []
        self.eof = False

    def __iter__(self) -> _LineFeed:
        return self

    def __next__(self) -> str:
        raw = self.backlog.popleft() if self.backlog else self.fh.readline()
        if not raw:
            self.eof = True
            raise StopIteration
        if len(self.pending) >= MAX_ROW_LINES:
            self.backlog.appendleft(raw)
            raise _RowTooLong
        self.pending.append(raw)
        return raw.decode("utf-8", errors="surrogateescape")

    def take(self) -> list[bytes]:
        lines, self.pending = self.pending, []
        return lines

    def refeed(self, lines: list[bytes]) -> None:
        self.backlog.extendleft(reversed(lines))
        self.eof = False


def _rows(
    fh: IO[bytes], delimiter: str, width: int, line: int, offset: int, context: dict[str, Any]
) -> Iterator[Unit]:
    """Units for the data rows, recovering from stray quotes one physical line at a time."""
    feed = _LineFeed(fh)
    reader = csv.reader(feed, delimiter=delimiter)
    while True:
        try:
            row: list[str] | None = next(reader)
        except StopIteration:
            break
        except (csv.Error, _RowTooLong):
            row = None
        lines = feed.take()
        if not lines:
            continue
        if len(lines) > 1 and (row is None or len(row) != width or feed.eof):
            # A multi-line row of the wrong width, or one still open at the end of the file, is
            # a stray quote swallowing the next rows: keep its first line as a (rejected) unit
            # and read the others again.
            feed.refeed(lines[1:])
            lines = lines[:1]
            reader = csv.reader(feed, delimiter=delimiter)
        elif row is None:
            reader = csv.reader(feed, delimiter=delimiter)
        raw = b"".join(lines)
        if raw.strip():
            yield Unit(_strip_eol(raw), line, offset, context)
        line += len(lines)
        offset += len(raw)


def _strip_eol(raw: bytes) -> bytes:
    if raw.endswith(b"\r\n"):
        return raw[:-2]
    return raw[:-1] if raw.endswith((b"\n", b"\r")) else raw


def _split_header(line: str, delimiter: str) -> list[str]:
    try:
        row = next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        row = line.split(delimiter)
    return [h.strip() for h in row]


def _delimiter_by_count(header: str, path: Path) -> str:
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    if counts[best]:
        return best
    return "\t" if path.suffix.lower() == ".tsv" else ","


def _delimiter(head: bytes, header: str, path: Path) -> str:
    """``csv.Sniffer`` on the header and a few lines, checked against the header's own counts."""
    sample = b"\n".join(head.removeprefix(_BOM).split(b"\n")[:8]).decode("utf-8", "replace")
    try:
        sniffed: str | None = csv.Sniffer().sniff(sample, delimiters=DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    if sniffed and header.count(sniffed):
        return sniffed
    return _delimiter_by_count(header, path)


# --------------------------------------------------------------------------- parsing helpers


def _cells(raw: bytes, ctx: ParseContext, delimiter: str, encoding: Any = None) -> list[str]:
    if encoding and encoding not in ("utf-8", "utf-8-sig"):
        try:
            text = raw.decode(str(encoding))
        except (UnicodeDecodeError, LookupError) as exc:
            raise ctx.error(f"not valid {encoding} text ({exc})") from None
    else:
        text = decode_text(raw, ctx)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise ctx.error(f"malformed CSV row ({exc})") from None
    if len(rows) != 1:
        raise ctx.error(f"expected one CSV row, found {len(rows)}")
    return rows[0]


def _get(row: Mapping[str, str], cols: Mapping[str, str], field: str) -> str | None:
    column = cols.get(field)
    value = row.get(column, "") if column else ""
    return value.strip() or None


PLATFORM_NAMES = {
    "twitter": "x",
    "x": "x",
    "bsky": "bluesky",
    "bluesky": "bluesky",
    "mastodon": "mastodon",
    "sms": "sms",
}


def _plain_items(row: Mapping[str, str], cols: Mapping[str, str], ctx: ParseContext) -> list[Item]:
    """A message from a plain or user-mapped table; entities come from the text."""
    msg_id = _get(row, cols, "id")
    if msg_id is None:
        where = f"column {cols['id']!r}" if "id" in cols else "no id column in the header"
        raise ctx.error(f"row without an id ({where})")
    raw_platform = (_get(row, cols, "platform") or "csv").lower()
    platform = PLATFORM_NAMES.get(raw_platform, raw_platform)
    text = row.get(cols["text"], "") if "text" in cols else ""
    handle = _get(row, cols, "author_handle")
    if handle and platform == "x":
        handle = handle.lstrip("@")
    created = _get(row, cols, "created_at")
    url = _get(row, cols, "url")
    if url is None and platform == "x" and msg_id.isdigit():
        url = x_url(msg_id, handle)
    author_id = _get(row, cols, "author_id")
    message = Message(
        platform=platform,
        id=msg_id,
        text=text,
        created_at=time_field(created, ctx, cols.get("created_at", "created_at")),
        author_id=author_id,
        author_handle=handle,
        author_display_name=_get(row, cols, "author_display_name"),
        lang=_get(row, cols, "lang"),
        reply_to_id=_get(row, cols, "reply_to_id"),
        reply_to_author_id=_get(row, cols, "reply_to_author_id"),
        quoted_id=_get(row, cols, "quoted_id"),
        repost_of_id=_get(row, cols, "repost_of_id"),
        thread_id=_get(row, cols, "thread_id"),
        mentions=tuple(Mention(handle=h) for h in extract_mentions(text)),
        hashtags=extract_hashtags(text),
        urls=extract_urls(text),
        audience="sms" if platform == "sms" else "public",
        url=url,
        observed_at=ctx.captured_at,
        recipient_id=_get(row, cols, "recipient_id"),
    )
    items: list[Item] = [message]
    if author_id:
        items.append(
            Account(
                platform=platform,
                id=author_id,
                handle=handle,
                display_name=message.author_display_name,
                observed_at=ctx.captured_at,
                handles=(handle,) if handle else (),
            )
        )
    return items


def x_url(msg_id: str, handle: str | None) -> str:
    """The public URL of an X post."""
    if handle:
        return f"https://x.com/{handle}/status/{msg_id}"
    return f"https://x.com/i/web/status/{msg_id}"


# --------------------------------------------------------------------------- twarc-csv


def _twarc_items(
    row: Mapping[str, str], cols: Mapping[str, str], layout: str, ctx: ParseContext
) -> list[Item]:
    """An X post from a twarc-csv row (JSON-encoded lists inside the entity cells)."""
    row_id = _get(row, cols, "id")
    if row_id is None:
        raise ctx.error(f"row without an id (column {cols.get('id', 'id')!r})")
    text = unescape(row.get("note_tweet.text") or row.get("text", ""))
    created_at = time_field(_get(row, cols, "created_at"), ctx, "created_at")
    history = [as_str(x) for x in _json_cell(row, "edit_history_tweet_ids", ctx)]
    msg_id = row_id
    versions: tuple[Version, ...] = ()
    if history and history[0]:
        msg_id = history[0]
        versions = (Version(id=row_id, text=text, created_at=created_at),)
    refs = _references(row, cols, layout, ctx)
    handle = _get(row, cols, "author_handle")
    author_id = _get(row, cols, "author_id")
    protected = _truthy(row.get("author.protected"))
    observed = time_field(row.get("__twarc.retrieved_at"), ctx, "__twarc.retrieved_at")
    observed = observed or ctx.captured_at
    extra: dict[str, Any] = {"retrieved_from": row["__twarc.url"]} if row.get("__twarc.url") else {}
    if not row.get("note_tweet.text") and cut_stem(text) is not None:
        extra["truncated"] = True  # a long post without its note_tweet.text column
    message = Message(
        platform="x",
        id=msg_id,
        text=text,
        created_at=created_at,
        author_id=author_id,
        author_handle=handle,
        author_display_name=_get(row, cols, "author_display_name"),
        author_created_at=time_field(row.get("author.created_at"), ctx, "author.created_at"),
        author_followers=_count(row.get("author.public_metrics.followers_count")),
        lang=_get(row, cols, "lang"),
        reply_to_id=refs.get("replied_to"),
        reply_to_author_id=_get(row, cols, "reply_to_author_id"),
        quoted_id=refs.get("quoted"),
        repost_of_id=refs.get("retweeted"),
        thread_id=_get(row, cols, "thread_id"),
        mentions=tuple(
            Mention(handle=as_str(m.get("username")), id=as_str(m.get("id")))
            for m in _json_cell(row, "entities.mentions", ctx)
            if isinstance(m, dict)
        ),
        hashtags=tuple(
            str(h["tag"])
            for h in _json_cell(row, "entities.hashtags", ctx)
            if isinstance(h, dict) and h.get("tag")
        ),
        urls=_twarc_urls(_json_cell(row, "entities.urls", ctx)),
        media=_twarc_media(row, ctx),
        audience="followers" if protected else "public",
        url=x_url(msg_id, handle),
        versions=versions,
        observed_at=observed,
        extra=extra,
    )
    items: list[Item] = [message]
    if author_id:
        items.append(_twarc_account(row, author_id, handle, message, observed))
        if protected:
            items.append(
                StatusChange("x", "account", author_id, "protected", observed, "author.protected")
            )
    withheld = [str(c) for c in _json_cell(row, "withheld.country_codes", ctx)]
    if withheld:
        items.append(
            StatusChange(
                "x", "message", msg_id, "withheld", observed, "withheld in " + ",".join(withheld)
            )
        )
    return items


def _twarc_account(
    row: Mapping[str, str], author_id: str, handle: str | None, message: Message, observed: Any
) -> Account:
    return Account(
        platform="x",
        id=author_id,
        handle=handle,
        display_name=message.author_display_name,
        created_at=message.author_created_at,
        followers=message.author_followers,
        following=_count(row.get("author.public_metrics.following_count")),
        posts=_count(row.get("author.public_metrics.tweet_count")),
        bio=row.get("author.description") or None,
        url=f"https://x.com/{handle}" if handle else None,
        status="protected" if _truthy(row.get("author.protected")) else "available",
        observed_at=observed,
        handles=(handle,) if handle else (),
    )


def _references(
    row: Mapping[str, str], cols: Mapping[str, str], layout: str, ctx: ParseContext
) -> dict[str, str]:
    """``{replied_to|quoted|retweeted: id}`` from the columns, or the 2021 JSON cell."""
    if layout == "twarc-csv-2021":
        refs = {}
        for ref in _json_cell(row, "referenced_tweets", ctx):
            if isinstance(ref, dict) and ref.get("type") and ref.get("id"):
                refs[str(ref["type"])] = str(ref["id"])
        return refs
    out = {}
    for kind, field in (
        ("replied_to", "reply_to_id"),
        ("quoted", "quoted_id"),
        ("retweeted", "repost_of_id"),
    ):
        value = _get(row, cols, field)
        if value:
            out[kind] = value
    return out


def _json_cell(row: Mapping[str, str], column: str, ctx: ParseContext) -> list[Any]:
    """A JSON-encoded list inside a cell (empty cell: ``[]``; a bare value: a one-item list)."""
    value = (row.get(column) or "").strip()
    if not value:
        return []
    if value[0] not in "[{":
        return [v.strip() for v in value.split(",") if v.strip()]
    try:
        data = orjson.loads(value)
    except orjson.JSONDecodeError:
        raise ctx.error(f"column {column!r}: malformed JSON in cell") from None
    return data if isinstance(data, list) else [data]


def _twarc_urls(entities: list[Any]) -> tuple[str, ...]:
    out = []
    for u in entities:
        if not isinstance(u, dict) or u.get("media_key"):
            continue
        link = u.get("unwound_url") or u.get("expanded_url") or u.get("url")
        if link:
            out.append(str(link))
    return tuple(dict.fromkeys(out))


def _twarc_media(row: Mapping[str, str], ctx: ParseContext) -> tuple[Media, ...]:
    out = []
    for m in _json_cell(row, "attachments.media", ctx):
        if isinstance(m, dict):
            out.append(
                Media(
                    kind=str(m.get("type") or "unknown"),
                    url=as_str(m.get("url")),
                    id=as_str(m.get("media_key")),
                    alt_text=as_str(m.get("alt_text")),
                    preview_url=as_str(m.get("preview_image_url")),
                )
            )
        elif m:
            out.append(Media(kind="unknown", id=str(m)))
    if not out:
        keys = _json_cell(row, "attachments.media_keys", ctx)
        out = [Media(kind="unknown", id=str(k)) for k in keys if k]
    return tuple(out)


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("true", "1", "yes")


def _count(value: str | None) -> int | None:
    """A metric from a cell; pandas writes ``1234.0`` when the column had blanks."""
    text = (value or "").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        try:
            return int(float(text))
        except ValueError:
            return None
