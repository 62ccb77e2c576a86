"""The append-only evidence log: every captured record and capture run, chained by SHA-256.

Entry ``n`` has a canonical JSON ``body`` (sorted keys, UTF-8, no whitespace) that includes its
own ``seq`` and ``kind``, and::

    entry_hash(n) = SHA-256( bytes.fromhex(entry_hash(n-1)) || body(n) )

with ``entry_hash(0) = 64 zeros``. Changing, removing, inserting or swapping any entry breaks
every later link; :mod:`rempart.evidence.verify` finds the first break and says what it was.

Entry kinds written so far:

- ``capture-start`` / ``capture-end``: a capture run (tool, version, host, clock, operator, inputs
  with their SHA-256; then its counts);
- ``record``: one raw record (its SHA-256, its source file's name and SHA-256, line, format, the
  capture time and the clock that gave it, the tool and version);
- ``reject``: the same for a record that could not be parsed, with the reason;
- ``status-change``: a record showed a message or account deleted, suspended, withheld… (or
  available again): platform, subject, id, status, previous status, observed_at, detail and the
  ``record`` seq that showed it. The original entries and data stay as they were;
- ``timestamp``: an RFC 3161 token was kept for signed head ``head`` (tree size, root, TSA URL,
  the token's SHA-256, genTime); it lands after that head and is covered by the next one;
- ``incident``: something that happened off the platforms, recorded by a person: its number,
  when, where, what, who recorded it and when, and the SHA-256 of each attached file (see
  :mod:`rempart.evidence.incidents`);
- chain of custody (:data:`CUSTODY_KINDS`): ``view``, ``export``, ``report`` (``by``, ``at``,
  ``what``), ``annotation`` (a human label), ``analysis`` (a classifier run).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

import orjson

from ..errors import EvidenceError
from ..hashing import GENESIS, canonical, chain_hash, sha256_hex
from ..models import JSONObject, JSONValue, positional_maker
from ..storage.base import EvidenceStore, LogEntry

__all__ = [
    "CUSTODY_ACTIONS",
    "CUSTODY_KINDS",
    "GENESIS",
    "CustodyEvent",
    "EntryTemplate",
    "LogWriter",
    "append_custody",
    "canonical",
    "chain_hash",
    "custody_events",
    "make_entry",
    "sha256_hex",
]
FORMAT_VERSION = 1
#: The entry kinds that make the chain of custody: who did what with the evidence, and when.
CUSTODY_KINDS = (
    "capture-start",
    "incident",
    "view",
    "annotation",
    "analysis",
    "timestamp",
    "export",
    "report",
)
#: What :func:`append_custody` records (captures, labels and analyses write their own entries).
CUSTODY_ACTIONS = ("view", "export", "report")

_new_entry = positional_maker(LogEntry)


def make_entry(seq: int, prev_hash: str, kind: str, fields: dict[str, Any]) -> LogEntry:
    """Build entry ``seq`` of ``kind`` after the entry whose hash is ``prev_hash``."""
    body = canonical({"v": FORMAT_VERSION, "seq": seq, "kind": kind, **fields})
    return _new_entry(seq, kind, body, prev_hash, chain_hash(prev_hash, body))


_SPLICED = (str, int, type(None))  # exact types whose JSON alone is their JSON in an object


class EntryTemplate:
    """Canonical bodies of entries of one ``kind`` whose fields are mostly the same.

    An import writes one ``record`` entry per record, of which only a few fields change (its
    hash, size, place, capture time): the body is :func:`canonical` of the constant fields
    made once, with the changing values' own canonical JSON spliced into their places. The
    bytes are exactly what ``canonical`` gives for the whole entry (keys sorted, the same
    encoder for each value); values of another type than str, int or None, or constant
    fields that the splicing could mistake for a place, take ``canonical`` itself.
    """

    def __init__(self, kind: str, constant: Mapping[str, Any], variable: tuple[str, ...]) -> None:
        names = ("seq", *variable)
        if set(names) & {*constant, "v", "kind"} or len(set(names)) != len(names):
            raise ValueError("a field is both constant and variable, or named twice")
        self.kind = kind
        self.constant = dict(constant)
        self.variable = variable
        places = {name: f"\x00rempart-place-{i}\x00" for i, name in enumerate(names)}
        whole = canonical({"v": FORMAT_VERSION, "kind": kind, **self.constant, **places})
        marks = [canonical(place) for place in places.values()]
        found = sorted((whole.find(mark), i, mark) for i, mark in enumerate(marks))
        self._parts: tuple[bytes, ...] | None = None
        self._order: tuple[int, ...] = ()
        if all(whole.count(mark) == 1 for mark in marks):
            parts, start = [], 0
            for at, _, mark in found:
                parts.append(whole[start:at])
                start = at + len(mark)
            parts.append(whole[start:])
            self._parts = tuple(parts)
            self._order = tuple(i for _, i, _ in found)

    def body(self, seq: int, values: tuple[Any, ...]) -> bytes:
        """The canonical body of entry ``seq`` with ``values`` for the variable fields."""
        every = (seq, *values)
        parts = self._parts
        if parts is not None and len(values) == len(self.variable):
            dumps = orjson.dumps
            out = [parts[0]]
            for i, part in zip(self._order, parts[1:]):
                value = every[i]
                if type(value) not in _SPLICED:
                    break
                out.append(dumps(value))
                out.append(part)
            else:
                return b"".join(out)
        return canonical(
            {
                "v": FORMAT_VERSION,
                "seq": seq,
                "kind": self.kind,
                **self.constant,
                **dict(zip(self.variable, values)),
            }
        )

    def around_seq(self, values: tuple[Any, ...]) -> tuple[bytes, bytes] | None:
        """The body of an entry with ``values`` as the bytes before and after its ``seq``
        (``head + b"%d" % seq + tail`` is :meth:`body`), or None when they cannot be spliced
        (then use :meth:`body`). Lets the body be made before the entry's seq is known."""
        parts = self._parts
        if parts is None or len(values) != len(self.variable):
            return None
        every = (None, *values)
        dumps = orjson.dumps
        out = [parts[0]]
        head = b""
        for i, part in zip(self._order, parts[1:]):
            if i == 0:
                head, out = b"".join(out), []
            else:
                value = every[i]
                if type(value) not in _SPLICED:
                    return None
                out.append(dumps(value))
            out.append(part)
        return head, b"".join(out)


class LogWriter:
    """Appends entries to a store's log, keeping the head in memory between appends.

    Call :meth:`sync` at the start of every transaction (another writer, or a rolled-back
    batch, may have moved the head), then :meth:`append` and finally :meth:`flush`.
    """

    def __init__(self, store: EvidenceStore) -> None:
        self.store = store
        self.seq, self.head = store.log_head()
        self._pending: list[LogEntry] = []

    def sync(self) -> None:
        self.seq, self.head = self.store.log_head()
        self._pending.clear()

    def next_seq(self) -> int:
        return self.seq + 1

    def append(self, kind: str, fields: dict[str, Any]) -> LogEntry:
        entry = make_entry(self.seq + 1, self.head, kind, fields)
        self.seq, self.head = entry.seq, entry.entry_hash
        self._pending.append(entry)
        return entry

    def append_from(self, template: EntryTemplate, values: tuple[Any, ...]) -> LogEntry:
        """:meth:`append` of ``template``'s kind and fields, with ``values`` for its variable
        fields (the same entry, made faster)."""
        seq = self.seq + 1
        body = template.body(seq, values)
        entry = _new_entry(seq, template.kind, body, self.head, chain_hash(self.head, body))
        self.seq, self.head = seq, entry.entry_hash
        self._pending.append(entry)
        return entry

    def append_around(self, kind: str, head: bytes, tail: bytes) -> LogEntry:
        """:meth:`append_from` with the body's bytes around its seq made beforehand (see
        :meth:`EntryTemplate.around_seq`)."""
        seq = self.seq + 1
        body = b"%b%d%b" % (head, seq, tail)
        entry = _new_entry(seq, kind, body, self.head, chain_hash(self.head, body))
        self.seq, self.head = seq, entry.entry_hash
        self._pending.append(entry)
        return entry

    def flush(self) -> None:
        if self._pending:
            self.store.append_entries(self._pending)
            self._pending.clear()


def append_custody(
    store: EvidenceStore, action: str, by: str, at: str, what: Mapping[str, Any]
) -> LogEntry:
    """Seal one chain-of-custody event (``view``, ``export``, ``report``) in its own transaction.

    ``what`` (the command, filters, counts, file…) is kept under its own key, so no value in it
    can stand for a field of the entry itself.
    """
    if action not in CUSTODY_ACTIONS:
        raise EvidenceError(
            f"unknown custody action {action!r}; use one of {', '.join(CUSTODY_ACTIONS)}"
        )
    with store.transaction():
        writer = LogWriter(store)
        entry = writer.append(action, {"by": by, "at": at, "what": dict(what)})
        writer.flush()
    return entry


@dataclass(frozen=True)
class CustodyEvent:
    """One event of the chain of custody, read from the log.

    ``seq`` is its log entry; ``kind`` one of :data:`CUSTODY_KINDS`; ``by`` who (the operator;
    None for entries written without it); ``at`` when (ISO 8601); ``what`` the entry's own
    ``what``, or for the other kinds its remaining fields (a capture's tool, inputs…).
    """

    seq: int
    kind: str
    by: str | None
    at: str | None
    what: JSONValue

    def to_json(self) -> JSONObject:
        return {"seq": self.seq, "kind": self.kind, "by": self.by, "at": self.at, "what": self.what}


def custody_events(store: EvidenceStore, last: int | None = None) -> list[CustodyEvent]:
    """The chain of custody read from the log, oldest first (only the ``last`` events when
    given).

    Captures cite their operator and start time; ``what`` is the entry's own ``what`` or, for
    the other kinds, its remaining fields.
    """
    out = []
    for entry in store.entries_of(CUSTODY_KINDS, last):
        body = orjson.loads(entry.body)
        by = body.pop("by", None) or body.pop("operator", None)
        at = body.pop("at", None) or body.pop("started_at", None)
        for key in ("v", "seq", "kind"):
            body.pop(key, None)
        what = body["what"] if set(body) == {"what"} else body
        out.append(CustodyEvent(entry.seq, entry.kind, by, at, what))
    return out
