"""What a person reads in a case: messages, counts, findings and the chain of custody.

Every view that shows evidence (messages, stats, findings) records a ``view`` custody entry
through :func:`rempart.case.evidence.record_custody`, whichever interface asked (the command
line, the web workspace, the HTTP API): the views return complete lists, so the entry counts
exactly what was shown.

Example::

    rows = messages(case, MessageQuery(labels=("threat",), min_severity="high",
                                       sort="severity"))
    for row in rows: print(row.severity, row.message.author_handle, row.message.text)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..analysis.classify.classifier import SEVERITIES
from ..analysis.raid.findings import describe_freshness, summarize
from ..errors import RempartError
from ..models import JSONObject, Message, json_dict, json_objects, message_to_dict, parse_iso
from ..storage.base import ScoreRow
from ..timebounds import bound_iso
from .analysis import findings_json
from .evidence import record_custody
from .folder import Case

__all__ = [
    "FindingsView",
    "MessageQuery",
    "MessageRow",
    "Stats",
    "findings",
    "messages",
    "rejects",
    "stats",
    "stream_rows",
]

#: How :class:`MessageQuery` can sort.
SORTS = ("time", "severity", "author")


@dataclass(frozen=True)
class MessageQuery:
    """Which messages to show, and in what order.

    ``since`` / ``until`` are instants (ISO 8601; a date alone is a whole day, ``until`` then
    including it). ``labels``: messages with any of these classifier labels (or a human label
    saying yes). ``min_severity``: ``low``, ``medium``, ``high`` or ``critical``. ``authors``:
    handles (with or without ``@``) or author ids. ``episode``: the index of an episode of the
    latest raid analysis (messages created within it). ``sort``: ``time`` (oldest first),
    ``severity`` (most severe first) or ``author``; ``reverse`` turns it round. ``limit``
    keeps the first so many.
    """

    platform: str | None = None
    since: str | datetime | None = None
    until: str | datetime | None = None
    include_referenced: bool = False
    labels: tuple[str, ...] = ()
    min_severity: str | None = None
    authors: tuple[str, ...] = ()
    episode: int | None = None
    sort: str = "time"
    reverse: bool = False
    limit: int | None = None
    #: Only the messages carrying this mark (``select``, ``quarantine``; see
    #: :mod:`rempart.case.marks`).
    marked: str | None = None

    def describe(self) -> JSONObject:
        """The query as the custody entry of a view records it (what was asked)."""
        out: JSONObject = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, datetime):
                value = value.isoformat()
            out[name] = list(value) if isinstance(value, tuple) else value
        return out


@dataclass(frozen=True)
class MessageRow:
    """One message as a view shows it: the message, its stored score (None when not scored
    yet), the classifier's labels and severity, and the labels people gave it."""

    message: Message
    score: ScoreRow | None = None
    human_labels: Mapping[str, int] = field(default_factory=dict)

    @property
    def severity(self) -> str | None:
        return self.score.severity if self.score else None

    @property
    def labels(self) -> tuple[str, ...]:
        """The classifier's labels corrected by people's (a yes adds, a no removes)."""
        found = list(self.score.labels) if self.score else []
        for name, value in self.human_labels.items():
            if value and name not in found:
                found.append(name)
            elif not value and name in found:
                found.remove(name)
        return tuple(found)

    def to_json(self) -> JSONObject:
        """The message's fields, with ``scores`` (per category), ``abusive``, ``severity``,
        ``labels``, ``model`` and ``human_labels``."""
        out = message_to_dict(self.message)
        score = self.score
        out["abusive"] = score.abusive if score else None
        out["severity"] = self.severity
        out["labels"] = list(self.labels)
        out["scores"] = dict(score.data.get("scores", {})) if score else None
        out["model"] = score.model if score else None
        out["human_labels"] = dict(self.human_labels)
        return out


def messages(
    case: Case, query: MessageQuery | None = None, record: bool = True, by: str = "library"
) -> list[MessageRow]:
    """The case's messages matching ``query`` (default: every primary message, oldest
    first), with their scores; records a ``view`` custody entry (``by``: the interface that
    asked) unless ``record`` is false."""
    q = query or MessageQuery()
    _check(q)
    rows = list(_select(case, q))
    if record:
        record_custody(
            case,
            "view",
            {"command": "messages", "via": by, "filters": q.describe(), "count": len(rows)},
        )
    return rows


def _check(q: MessageQuery) -> None:
    if q.sort not in SORTS:
        raise RempartError(f"cannot sort by {q.sort!r}; use one of {', '.join(SORTS)}")
    if q.min_severity is not None and q.min_severity not in SEVERITIES:
        raise RempartError(
            f"unknown severity {q.min_severity!r}; use one of {', '.join(SEVERITIES[1:])}"
        )
    if q.limit is not None and q.limit < 0:
        raise RempartError("the limit cannot be negative")


def _select(case: Case, q: MessageQuery) -> Iterator[MessageRow]:
    rows = [row for row, _ in stream_rows(case, q, check=False)]
    rows = _sorted(rows, q.sort)
    if q.reverse:
        rows.reverse()
    yield from rows if q.limit is None else rows[: q.limit]


def stream_rows(
    case: Case, query: MessageQuery, chunk: int = 2000, check: bool = True
) -> Iterator[tuple[MessageRow, int]]:
    """The messages matching ``query`` with the log entry of their first record, oldest first
    (the store's order: undated ones last), read ``chunk`` at a time: memory stays bounded
    however many there are. ``sort``, ``reverse`` and ``limit`` are not applied (see
    :func:`messages`). Records no custody entry: the caller's says what was made of them."""
    q = query
    if check:
        _check(q)
    low, high = bound_iso(q.since), bound_iso(q.until, end=True)
    window = _episode_window(case, q.episode) if q.episode is not None else None
    store = case.store
    wanted = {a.lstrip("@").lower() for a in q.authors}
    human: dict[tuple[str, str], dict[str, int]] = {}
    for lab in store.labels():
        human.setdefault((lab.platform, lab.id), {})[lab.category] = lab.value
    labels = set(q.labels)
    floor = SEVERITIES.index(q.min_severity) if q.min_severity is not None else None
    chosen = (
        {(r.platform, r.id) for r in store.marks() if r.mark == q.marked and r.subject == "message"}
        if q.marked is not None
        else None
    )

    def rows(batch: list[tuple[Message, int]]) -> Iterator[tuple[MessageRow, int]]:
        scores = store.get_scores(m.key for m, _ in batch)
        for m, first in batch:
            row = MessageRow(m, scores.get(m.key), human.get(m.key, {}))
            if labels and not set(row.labels) & labels:
                continue
            if floor is not None and not (row.severity and SEVERITIES.index(row.severity) >= floor):
                continue
            yield row, first

    batch: list[tuple[Message, int]] = []
    for stored in store.messages(q.platform, low, high, q.include_referenced):
        m = stored.message
        if chosen is not None and m.key not in chosen:
            continue
        if wanted and not (
            (m.author_handle or "").lower() in wanted or (m.author_id or "").lower() in wanted
        ):
            continue
        if window is not None and not (m.created_at and window[0] <= m.created_at <= window[1]):
            continue
        batch.append((m, stored.first_seq))
        if len(batch) >= chunk:
            yield from rows(batch)
            batch = []
    if batch:
        yield from rows(batch)


def _sorted(rows: list[MessageRow], sort: str) -> list[MessageRow]:
    if sort == "severity":  # most severe first, then most abusive, then oldest
        return sorted(
            rows,
            key=lambda r: (
                -SEVERITIES.index(r.severity or "none"),
                -(r.score.abusive if r.score else 0.0),
            ),
        )
    if sort == "author":
        return sorted(
            rows, key=lambda r: ((r.message.author_handle or "").lower(), r.message.author_id or "")
        )
    return rows  # the store gives them oldest first


def _episode_window(case: Case, index: int) -> tuple[datetime, datetime]:
    run = case.store.latest_findings_run()
    episodes = (run.data.get("episodes") or []) if run else []
    if not 0 <= index < len(episodes):
        raise RempartError(
            f"no episode #{index}: the latest raid analysis found "
            f"{len(episodes)} (run `rempart analyze`, then `rempart findings`)"
        )
    start, end = parse_iso(episodes[index]["start"]), parse_iso(episodes[index]["end"])
    assert start is not None and end is not None
    return start, end


@dataclass(frozen=True)
class DayCount:
    """Primary messages created on one day (UTC), of one platform and format."""

    day: str
    platform: str
    format: str
    messages: int


@dataclass(frozen=True)
class Stats:
    """A case's counts: per day, platform and format; totals (log entries, records, rejects,
    messages, accounts, status changes, scores, labels); capture runs with no end recorded."""

    per_day: tuple[DayCount, ...]
    totals: Mapping[str, int]
    interrupted_captures: tuple[JSONObject, ...]

    def to_json(self) -> JSONObject:
        return {
            "per_day": [vars(d) for d in self.per_day],
            "totals": dict(self.totals),
            "interrupted_captures": [dict(c) for c in self.interrupted_captures],
        }


def stats(case: Case, record: bool = True, by: str = "library") -> Stats:
    """Counts per day, platform and format, plus totals, and the capture runs that never
    ended (killed, or still running); records a ``view`` custody entry unless ``record`` is
    false."""
    rows = tuple(DayCount(d or "unknown", p, f, n) for d, p, f, n in case.store.stats_rows())
    out = Stats(rows, case.store.counts(), tuple(interrupted_captures(case)))
    if record:
        record_custody(
            case, "view", {"command": "stats", "via": by, "count": sum(d.messages for d in rows)}
        )
    return out


def interrupted_captures(case: Case) -> list[JSONObject]:
    """Capture runs with no end recorded: ``capture`` (id), ``started_at``, ``files``. The
    records they sealed are kept; importing the same files again completes the work."""
    return [
        {"capture": c["id"], "started_at": c.get("started_at"), "files": len(c.get("inputs") or [])}
        for c in case.store.captures()
        if c.get("result") is None
    ]


@dataclass(frozen=True)
class FindingsView:
    """The last raid analysis as a person reads it: ``data`` is the ``rempart findings
    --json`` object, where every account is named by handle as well as id (``handle``,
    ``from_handle`` / ``to_handle``, and ``author_id`` / ``author_handle`` for messages), with
    its ``freshness``."""

    data: JSONObject

    @property
    def stale(self) -> bool:
        return bool(json_dict(self.data.get("freshness")).get("stale"))

    def summary(self) -> str:
        """Plain text: a staleness warning when it applies, then the summary."""
        warning = describe_freshness(json_dict(self.data.get("freshness")))
        text = summarize(dict(self.data))
        return f"{warning}\n{text}" if warning else text

    def to_json(self) -> JSONObject:
        return dict(self.data)


def findings(
    case: Case, rerun: bool = False, record: bool = True, by: str = "library"
) -> FindingsView:
    """The last stored findings (analysing the case first when it never was, or with
    ``rerun``), accounts named by handle; records a ``view`` custody entry unless ``record``
    is false."""
    data = named(case, findings_json(case, rerun=rerun))
    if record:
        record_custody(
            case,
            "view",
            {
                "command": "findings",
                "via": by,
                "rerun": rerun,
                "count": len(data.get("episodes") or []),
            },
        )
    return FindingsView(data)


def named(case: Case, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` (findings JSON) with the handle beside every account id, and the author beside
    every message id."""
    ids = {
        item["message_id"]
        for key in ("designating_posts", "doxxing")
        for item in data.get(key) or ()
        if isinstance(item, dict) and isinstance(item.get("message_id"), str)
    }
    found = case.store.messages_with_ids(ids) if ids else []
    # the accounts named: those of the findings and the authors of the messages they cite
    named_ids = {m.message.author_id or "" for m in found}
    named_ids.update(
        str(x.get(k))
        for key in ("campaign_accounts", "link_sharers", "impersonators", "evasion_links")
        for x in json_objects(data.get(key))
        for k in ("account_id", "from", "to")
        if k in x
    )
    handles = {a.id: a.handle for a in case.store.accounts_with_ids(named_ids) if a.handle}
    authors: dict[str, tuple[str | None, str | None]] = {}
    for stored in found:
        m = stored.message
        authors[m.id] = (m.author_id, m.author_handle or handles.get(m.author_id or ""))
    out = dict(data)
    for key in ("campaign_accounts", "link_sharers", "impersonators"):
        out[key] = [
            {**x, "handle": handles.get(str(x.get("account_id")))}
            for x in json_objects(data.get(key))
        ]
    out["evasion_links"] = [
        {
            **x,
            "from_handle": handles.get(str(x.get("from"))),
            "to_handle": handles.get(str(x.get("to"))),
        }
        for x in json_objects(data.get("evasion_links"))
    ]
    for key in ("designating_posts", "doxxing"):
        out[key] = [
            {
                **x,
                "author_id": authors.get(str(x.get("message_id")), (None, None))[0],
                "author_handle": authors.get(str(x.get("message_id")), (None, None))[1],
            }
            for x in json_objects(data.get(key))
        ]
    return out


@dataclass(frozen=True)
class RejectedRecord:
    """A record that could not be read, kept all the same: its log entry (``seq``), file and
    line, the format tried, why it failed, its SHA-256 and bytes; ``read_again`` once the same
    bytes were read as a record since (imported again with the right ``--format`` or
    ``--encoding``)."""

    seq: int
    file: str | None
    line: int | None
    format: str
    reason: str | None
    sha256: str
    read_again: bool
    raw: bytes

    def to_json(self) -> dict[str, object]:
        """Its fields but the bytes, with their ``size``."""
        return {
            "seq": self.seq,
            "file": self.file,
            "line": self.line,
            "format": self.format,
            "reason": self.reason,
            "sha256": self.sha256,
            "read_again": self.read_again,
            "size": len(self.raw),
        }


def rejects(case: Case, record: bool = True, by: str = "library") -> list[RejectedRecord]:
    """Records that could not be read, oldest first (their bytes are kept); records a
    ``view`` custody entry unless ``record`` is false (they are evidence too)."""
    sources = case.store.sources()
    rejected = list(case.store.records(rejects_only=True))
    only_rejected = case.store.rejected_records({rec.sha256 for rec in rejected})
    out = []
    for rec in rejected:
        src = sources.get(rec.source_id)
        out.append(
            RejectedRecord(
                rec.seq,
                src.name if src else None,
                rec.line,
                rec.format,
                rec.reject_reason,
                rec.sha256,
                rec.sha256 not in only_rejected,
                rec.raw,
            )
        )
    if record:
        record_custody(case, "view", {"command": "rejects", "via": by, "count": len(out)})
    return out
