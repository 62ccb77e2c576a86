"""The contract every input format follows, and the helpers they share.

A source does two separate things, so that evidence can be re-derived later from stored bytes:

1. ``units(path)`` splits a file into raw records (:class:`Unit`), each keeping its **exact
   original bytes** (a JSONL line, a JSON array element, an SSE event block, a CSV row, a
   webhook body).
2. ``parse(raw, ctx)`` turns one unit's bytes into normalised items (messages, accounts, status
   changes). It is a pure function of the bytes and the :class:`ParseContext`; it raises
   :class:`~rempart.errors.ParseError` on malformed input, and the pipeline keeps the bytes as a
   reject.

Example::

    for unit, result in read_file(Path("mentions.jsonl")):
        if isinstance(result, ParseError): print(unit.line, result.reason)
"""

from __future__ import annotations

import codecs
import html
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any, Iterator, Protocol, runtime_checkable

import orjson

from ..errors import ParseError, SourceError
from ..models import Item, Message, positional_maker

UTC = UTC


@dataclass(frozen=True, slots=True)
class Unit:
    """One raw record of an input file.

    ``line`` is the 1-based line where the record starts, ``offset`` its byte offset.
    ``context`` carries facts from elsewhere in the same export that parsing needs (for example
    the owner of an X archive, read from ``account.js``); it is stored beside the record.
    """

    raw: bytes
    line: int
    offset: int = 0
    context: dict[str, Any] | None = None
    member: str | None = None


@dataclass(frozen=True, slots=True)
class ParseContext:
    """What ``parse`` may know besides the bytes: capture time, file name, unit context."""

    captured_at: datetime
    path: str = ""
    line: int | None = None
    context: dict[str, Any] | None = None
    format: str = ""

    def error(self, reason: str) -> ParseError:
        """A :class:`ParseError` located at this record."""
        return ParseError(reason, self.path, self.line)


@runtime_checkable
class Source(Protocol):
    """A format family. ``name`` is what ``--format`` accepts."""

    name: str
    description: str

    def sniff(self, head: bytes, path: Path) -> float:
        """Confidence in [0, 1] that ``path`` (whose first bytes are ``head``) is this format."""
        ...

    def units(self, path: Path) -> Iterator[Unit]:
        """Split the file into raw records, keeping their exact bytes."""
        ...

    def parse(self, raw: bytes, ctx: ParseContext) -> list[Item]:
        """Normalise one record; raise ``ctx.error(reason)`` when it is malformed."""
        ...


#: ``Unit(raw, line, offset, context, member)``, every field given (see positional_maker)
new_unit = positional_maker(Unit)


# --------------------------------------------------------------------------- splitting helpers


def iter_lines(path: Path) -> Iterator[Unit]:
    """Each non-blank line as a unit (without its line terminator)."""
    offset = 0
    with open(path, "rb") as fh:
        for lineno, line in enumerate(fh, start=1):
            size = len(line)
            body = line.rstrip(b"\r\n")
            if body.strip():
                yield new_unit(body, lineno, offset, None, None)
            offset += size


_WS = b" \t\r\n"


def split_json_document(data: bytes, start: int = 0) -> Iterator[tuple[int, bytes]]:
    """Yield ``(byte_offset, element_bytes)`` for each element of a top-level JSON array.

    ``data[start:]`` must begin (after whitespace) with ``[``. Elements keep their exact bytes.
    A syntax error yields the rest of the document as one final chunk, so nothing is dropped;
    parsing that chunk then fails and it becomes a reject.
    """
    text = data.decode("utf-8", errors="surrogateescape")
    # Map char offsets back to byte offsets cheaply: work on the str, re-encode slices.
    decoder = _DECODER
    n = len(text)
    i = _skip_ws(text, _char_index(data, start))
    if i >= n or text[i] != "[":
        raise ValueError("not a JSON array")
    i = _skip_ws(text, i + 1)
    byte_pos = len(text[:i].encode("utf-8", errors="surrogateescape"))
    if i < n and text[i] == "]":
        return
    while i < n:
        try:
            _, end = decoder.raw_decode(text, i)
        except RecursionError:
            # nested deeper than the stdlib decoder can follow: find the element's end without
            # recursion and yield it alone (parsing keeps it as a reject), then go on
            found = value_end(text, i)
            if found is None:
                yield byte_pos, text[i:].rstrip().encode("utf-8", errors="surrogateescape")
                return
            end = found
        except ValueError:
            rest = text[i:].rstrip()
            yield byte_pos, rest.encode("utf-8", errors="surrogateescape")
            return
        chunk = text[i:end].encode("utf-8", errors="surrogateescape")
        yield byte_pos, chunk
        byte_pos += len(chunk)
        j = _skip_ws(text, end)
        byte_pos += len(text[end:j].encode("utf-8", errors="surrogateescape"))
        if j < n and text[j] == ",":
            j2 = _skip_ws(text, j + 1)
            byte_pos += len(text[j:j2].encode("utf-8", errors="surrogateescape"))
            i = j2
            continue
        if j < n and text[j] == "]":
            return
        rest = text[j:].rstrip()
        if rest:
            yield byte_pos, rest.encode("utf-8", errors="surrogateescape")
        return


#: A string (possibly unterminated) or a bracket, for :func:`value_end`.
_JSON_TOKEN = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]', re.S)


def value_end(text: str, i: int) -> int | None:
    """End index of the JSON array or object starting at ``text[i]``, found without recursion
    (strings skipped, brackets counted, contents not checked), or None when it never closes."""
    depth = 0
    for m in _JSON_TOKEN.finditer(text, i):
        token = m.group()
        if token in "[{":
            depth += 1
        elif token in "]}":
            depth -= 1
            if depth <= 0:
                return m.end()
    return None


def _char_index(data: bytes, byte_index: int) -> int:
    return len(data[:byte_index].decode("utf-8", errors="surrogateescape"))


def _skip_ws(text: str, i: int) -> int:
    n = len(text)
    while i < n and text[i] in " \t\r\n":
        i += 1
    return i


import json as _json  # noqa: E402  (stdlib decoder gives element end positions)

_DECODER = _json.JSONDecoder()


def line_of(data: bytes, offset: int) -> int:
    """1-based line number of a byte offset."""
    return data.count(b"\n", 0, offset) + 1


def iter_json_file(path: Path, prefix_until: bytes | None = None) -> Iterator[Unit]:
    """Units of a JSON file: each element of a top-level array, else the whole document.

    With ``prefix_until`` (e.g. ``b"["``), everything before the first occurrence is a prefix
    to skip (the ``window.YTD.tweets.part0 = `` of X archives).
    """
    data = path.read_bytes()
    start = 0
    if prefix_until is not None:
        pos = data.find(prefix_until)
        if pos < 0:
            raise SourceError("no JSON array after the JavaScript prefix", str(path))
        start = pos
    stripped = data[start:].lstrip(_WS)
    if stripped.startswith(b"["):
        line, counted = 1, 0
        for off, chunk in split_json_document(data, start):
            line += data.count(b"\n", counted, off)  # running count: linear in the file size
            counted = off
            yield Unit(chunk, line, off)
    elif stripped:
        off = len(data) - len(stripped)
        yield Unit(data[off:].rstrip(_WS), line_of(data, off), off)


# --------------------------------------------------------------------------- parsing helpers


#: JSON nested deeper than this is kept as a reject: orjson, which parses every record, refuses
#: deeper documents, and rempart never follows them with recursion.
MAX_JSON_DEPTH = 1024
DEPTH_REASON = f"nested deeper than {MAX_JSON_DEPTH} levels"


def loads(raw: bytes, ctx: ParseContext) -> Any:
    """Parse JSON, turning every failure into a located ParseError."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise json_error(raw, exc, ctx) from None


def json_error(raw: bytes, exc: orjson.JSONDecodeError, ctx: ParseContext) -> ParseError:
    """The located ParseError for a JSON record orjson refused: too deep, bad UTF-8, or
    malformed."""
    if too_deep(exc):
        return ctx.error(f"JSON {DEPTH_REASON}")
    if _is_bad_utf8(raw):
        return ctx.error("invalid UTF-8 encoding")
    return ctx.error(f"malformed JSON ({exc})")


def too_deep(exc: orjson.JSONDecodeError) -> bool:
    """Whether orjson refused a document for its nesting depth."""
    return "depth limit" in str(exc) or "recursion" in str(exc)


def parse_safely(source: Source, raw: bytes, ctx: ParseContext) -> list[Item]:
    """``source.parse``, any failure a located ParseError: one record that a reader cannot
    handle (too deep for recursion, a reader bug) is kept as a reject and never stops a capture."""
    try:
        return source.parse(raw, ctx)
    except ParseError:
        raise
    except RecursionError:
        raise ctx.error(
            f"nested too deeply to be read (over {MAX_JSON_DEPTH} levels or "
            "beyond what the reader can follow)"
        ) from None
    except Exception as exc:  # noqa: BLE001 - a reader's failure is this record's reject
        raise ctx.error(
            f"the {source.name} reader failed on this record ({type(exc).__name__}: {exc})"
        ) from None


def decode_text(raw: bytes, ctx: ParseContext) -> str:
    """Decode UTF-8 (BOM tolerated) or raise a located ParseError."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ctx.error(f"invalid UTF-8 encoding at byte {exc.start}") from None


def check_encoding(name: str) -> str:
    """The canonical name of a text encoding (``latin-1`` -> ``iso8859-1``), or a SourceError."""
    try:
        info = codecs.lookup(name.strip())
    except (LookupError, ValueError):
        info = None
    if info is None or not getattr(info, "_is_text_encoding", True):
        raise SourceError(f"unknown text encoding {name!r} (e.g. utf-8, cp1252, latin-1)")
    return info.name


def with_encoding(source: Source, encoding: str) -> Source:
    """``source`` reading its files as ``encoding`` when its format has an encoding to choose
    (CSV: a ``with_encoding`` method); other formats (JSON is UTF-8 by definition) as they are."""
    method = getattr(source, "with_encoding", None)
    return method(encoding) if callable(method) else source


def _is_bad_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


_TWITTER_TIME = "%a %b %d %H:%M:%S %z %Y"


def parse_time(value: Any) -> datetime | None:
    """Parse a timestamp in any format the platforms use into an aware UTC datetime.

    Accepts ISO-8601 (with ``Z``, an offset, or none: UTC assumed), the Twitter v1.1 form
    ``Fri Feb 20 09:10:58 +0000 2026``, ``YYYY-MM-DD HH:MM:SS`` (Vonage), RFC 2822, and epoch
    seconds, milliseconds or microseconds (int or digit string). Returns None for empty values;
    raises ValueError for unparseable ones.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, (int, float)) or (isinstance(value, str) and _EPOCH.match(value)):
        num = float(value)
        if num > 1e14:
            num /= 1e6
        elif num > 1e11:
            num /= 1e3
        return datetime.fromtimestamp(num, UTC)
    elif isinstance(value, str):
        s = value.strip()
        try:
            dt = datetime.fromisoformat(s.replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            try:
                dt = datetime.strptime(s, _TWITTER_TIME)
            except ValueError:
                try:
                    dt = parsedate_to_datetime(s)
                except (TypeError, ValueError):
                    raise ValueError(f"unrecognised timestamp {value!r}") from None
    else:
        raise ValueError(f"unrecognised timestamp {value!r}")
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)


_EPOCH = re.compile(r"^\d{9,17}(\.\d+)?$")


def time_field(value: Any, ctx: ParseContext, name: str) -> datetime | None:
    """:func:`parse_time`, raising a located ParseError naming the field."""
    try:
        return parse_time(value)
    except ValueError:
        raise ctx.error(f"field {name!r}: unrecognised timestamp {value!r}") from None


_URL = re.compile(r"""(?i)\b((?:https?://|www\.)[^\s<>"'\u00a0]+)""")
_TRAILING = ".,;:!?)]}'\"»…"


def extract_urls(text: str) -> tuple[str, ...]:
    """URLs found in free text (SMS bodies, CSV text), trailing punctuation trimmed."""
    out = []
    for m in _URL.finditer(text or ""):
        url = m.group(1).rstrip(_TRAILING)
        if url.lower().startswith("www."):
            url = "http://" + url
        out.append(url)
    return tuple(dict.fromkeys(out))


_HASHTAG = re.compile(r"(?<![\w&])#(\w+)")
_MENTION = re.compile(r"(?<![\w@])@(\w{1,50})")


def extract_hashtags(text: str) -> tuple[str, ...]:
    """Hashtags in free text, without the ``#``."""
    return tuple(dict.fromkeys(_HASHTAG.findall(text or "")))


def extract_mentions(text: str) -> tuple[str, ...]:
    """@handles in free text, without the ``@``."""
    return tuple(dict.fromkeys(_MENTION.findall(text or "")))


#: How X ends a text it cut: "…", then (v1.1) perhaps a t.co link to the post itself.
_CUT_TAIL = re.compile(r"\u2026\s*(?:https://t\.co/\w+)?\s*\Z")


def cut_stem(text: str | None) -> str | None:
    """What X kept of a cut text (before its final "…" and link), or None if not cut so.

    A long X post (``note_tweet``) seen without its full text shows about 280 characters and
    "…"; a v1.1 ``truncated`` text ends "… https://t.co/…". The stem is compared with the
    other observations of the same post (:func:`rempart.derive.merge.merge_messages`).
    """
    if not text or "\u2026" not in text[-40:]:
        return None
    found = _CUT_TAIL.search(text, max(0, len(text) - 40))
    if found is None:
        return None
    stem = text[: found.start()].rstrip()
    return stem or None


def unescape(text: str | None) -> str:
    """Decode HTML entities (``&amp;`` → ``&``) as X and v1.1 texts need."""
    if not text:
        return ""
    return html.unescape(text) if "&" in text else text


def as_int(value: Any) -> int | None:
    """An int from an int or a digit string (X archives quote every number), else None."""
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def as_str(value: Any) -> str | None:
    """A string id from a string or an int, else None."""
    if value is None or value == "":
        return None
    return str(value)


def iter_json_units(path: Path) -> Iterator[Unit]:
    """Units of a JSON-ish file, whatever its layout.

    - a top-level array: one unit per element;
    - JSON lines (the first line parses alone): one unit per line;
    - else a single (possibly pretty-printed) document: one unit.
    """
    with open(path, "rb") as fh:
        head = fh.read(1 << 20)
    body = head.lstrip(b"\xef\xbb\xbf" + _WS)
    if body.startswith(b"["):
        yield from iter_json_file(path)
        return
    first = body.split(b"\n", 1)[0].strip()
    try:
        orjson.loads(first)
        is_lines = True
    except orjson.JSONDecodeError:
        is_lines = False
    if is_lines or len(body.split(b"\n", 1)) == 1:
        yield from iter_lines(path)
    else:
        yield from iter_json_file(path)


def first_json_object(head: bytes) -> dict[str, Any] | None:
    """The first JSON object of ``head`` (an array's first element), or None; never raises."""
    try:
        obj = first_json_line(head)
    except Exception:  # noqa: BLE001 - a sniff must never raise
        return None
    if isinstance(obj, list):
        obj = obj[0] if obj else None
    return obj if isinstance(obj, dict) else None


def first_json_line(head: bytes) -> Any:
    """The first complete JSON value in ``head`` (for ``sniff``), or None.

    Tries the first line (JSON lines), then the whole head (a pretty-printed document), then the
    first element of an array.
    """
    body = head.lstrip(b"\xef\xbb\xbf" + _WS)
    if not body:
        return None
    candidates = [body.split(b"\n", 1)[0], body]
    for cand in candidates:
        try:
            return orjson.loads(cand)
        except orjson.JSONDecodeError:
            continue
    if body.startswith(b"["):
        try:
            for _, chunk in split_json_document(body):
                return orjson.loads(chunk)
        except (ValueError, orjson.JSONDecodeError):
            return None
    return None


def dedupe(items: list[Item]) -> list[Item]:
    """Drop repeated messages of one record, keeping a primary copy over a referenced one."""
    out: list[Item] = []
    seen: dict[str, int] = {}
    for item in items:
        if isinstance(item, Message):
            j = seen.get(item.id)
            if j is not None:
                kept = out[j]
                if isinstance(kept, Message) and kept.captured_as != "primary":
                    out[j] = item if item.captured_as == "primary" else kept
                continue
            seen[item.id] = len(out)
        out.append(item)
    return out
