"""What the web workspace shows a target and their helpers: an overview, the triage queue
(texts hidden until asked for), a message revealed, the accounts behind the messages.

Each function is a view of the case and records its ``view`` custody entry, naming the
interface (``by``) and, through the case's operator, the person. The queue never carries a
message's text: a person reads one only by revealing it, and each reveal is sealed.

Example::

    queue = triage(case, limit=50)
    shown = reveal(case, queue.items[0].ref, by="web")
"""

from __future__ import annotations

from dataclasses import dataclass, field

import orjson

from ..errors import RempartError
from ..models import JSONObject, JSONValue, Message, iso, json_objects
from ..reports.graph import coordination_svg
from ..reports.html import timeline_svg
from ..storage.base import SEVERITY_RANKS
from .evidence import latest_tree_head, record_custody
from .folder import Case
from .scoring import resolve_message
from .views import MessageRow, findings

__all__ = [
    "AuthorRow",
    "Campaign",
    "campaign",
    "Overview",
    "TriageItem",
    "TriageQueue",
    "authors",
    "overview",
    "reveal",
    "triage",
]


@dataclass(frozen=True)
class TriageItem:
    """A message in the queue, without its text: who, when, where, how severe, which labels."""

    ref: str
    platform: str
    author_handle: str | None
    author_id: str | None
    created_at: str | None
    severity: str | None
    abusive: float | None
    labels: tuple[str, ...]
    human_labels: dict[str, int]
    url: str | None
    #: The marks on it (``quarantine``, ``select``, and ``block`` when its author is blocked).
    marks: tuple[str, ...] = ()

    def to_json(self) -> JSONObject:
        return {
            "ref": self.ref,
            "platform": self.platform,
            "author_handle": self.author_handle,
            "author_id": self.author_id,
            "created_at": self.created_at,
            "severity": self.severity,
            "abusive": self.abusive,
            "labels": list(self.labels),
            "human_labels": dict(self.human_labels),
            "url": self.url,
            "marks": list(self.marks),
        }


@dataclass(frozen=True)
class TriageQueue:
    """A page of the queue: its items, where it starts and whether more follow."""

    items: list[TriageItem]
    offset: int
    more: bool
    unscored: int

    def to_json(self) -> JSONObject:
        return {
            "items": [i.to_json() for i in self.items],
            "offset": self.offset,
            "more": self.more,
            "unscored": self.unscored,
        }


def triage(
    case: Case,
    limit: int = 50,
    offset: int = 0,
    min_severity: str | None = None,
    by: str = "library",
    author: str | None = None,
) -> TriageQueue:
    """The scored primary messages, most severe first, ``limit`` from ``offset``, without
    their texts (only those of the account ``author``, ``platform:id``, when given); records a
    ``view`` custody entry."""
    if not 1 <= limit <= 500:
        raise RempartError("a page of the queue holds 1 to 500 messages")
    if offset < 0:
        raise RempartError("the offset cannot be negative")
    rank = 0
    if min_severity:
        if min_severity not in SEVERITY_RANKS:
            raise RempartError(
                f"unknown severity {min_severity!r}; use one of {', '.join(SEVERITY_RANKS[1:])}"
            )
        rank = SEVERITY_RANKS.index(min_severity)
    store = case.store
    account: tuple[str, str] | None = None
    if author:
        platform, _, ident = author.partition(":")
        if not platform or not ident or len(author) > 300:
            raise RempartError(f"{author[:60]!r} is not an account: give platform:id")
        account = (platform, ident)
    keys = store.triage_keys(limit + 1, offset, rank, account)
    more = len(keys) > limit
    keys = keys[:limit]
    stored = store.get_messages(keys)
    scores = store.get_scores(keys)
    human: dict[tuple[str, str], dict[str, int]] = {}
    for lab in store.labels_of(keys):
        human.setdefault((lab.platform, lab.id), {})[lab.category] = lab.value
    marked: dict[tuple[str, str, str], list[str]] = {}
    for mark in store.marks():
        marked.setdefault((mark.subject, mark.platform, mark.id), []).append(mark.mark)
    items = []
    for key in keys:
        if key not in stored:
            continue
        row = MessageRow(stored[key].message, scores.get(key), human.get(key, {}))
        m = row.message
        items.append(
            TriageItem(
                f"{m.platform}:{m.id}",
                m.platform,
                m.author_handle,
                m.author_id,
                iso(m.created_at),
                row.severity,
                row.score.abusive if row.score else None,
                row.labels,
                dict(row.human_labels),
                m.url,
                tuple(
                    marked.get(("message", *key), [])
                    + marked.get(("account", m.platform, m.author_id or ""), [])
                ),
            )
        )
    counts = store.counts(("messages_primary", "scores"))
    unscored = max(0, counts["messages_primary"] - counts["scores"])
    record_custody(
        case,
        "view",
        {
            "command": "triage",
            "via": by,
            "filters": {
                "limit": limit,
                "offset": offset,
                "min_severity": min_severity,
                "author": author,
            },
            "count": len(items),
        },
    )
    return TriageQueue(items, offset, more, unscored)


def reveal(case: Case, ref: str, by: str = "library") -> MessageRow:
    """Message ``ref`` (``platform:id``) with its text, score and labels; the reveal is a
    ``view`` custody entry naming the message."""
    message: Message = resolve_message(case, ref)
    key = message.key
    score = case.store.get_scores([key]).get(key)
    human = {lab.category: lab.value for lab in case.store.labels_of([key])}
    record_custody(case, "view", {"command": "reveal", "via": by, "message": f"{key[0]}:{key[1]}"})
    return MessageRow(message, score, human)


@dataclass(frozen=True)
class Overview:
    """The case at a glance: counts, messages and hostile ones per day, the episodes of the
    latest raid analysis and the latest signed tree head."""

    name: str
    targets: list[str]
    counts: dict[str, int]
    days: list[tuple[str | None, int, int]]
    episodes: list[JSONObject] = field(default_factory=list)
    head: JSONObject | None = None

    def to_json(self) -> JSONObject:
        return {
            "name": self.name,
            "targets": list(self.targets),
            "counts": dict(self.counts),
            "days": [{"day": d, "messages": n, "hostile": h} for d, n, h in self.days],
            "episodes": list(self.episodes),
            "head": self.head,
        }

    def chart(self, unit_label: str = "day") -> str:
        """The timeline as an inline SVG chart (the court file's; every text in it escaped)."""
        return timeline_svg(self.timeline(), unit_label={"day": unit_label})

    def timeline(self) -> JSONObject:
        """The days as the court file's timeline chart draws them (see
        :func:`rempart.reports.html.timeline_svg`)."""
        bins: list[JSONValue] = [
            {"start": d, "hostile": h, "other": n - h} for d, n, h in self.days if d
        ]
        episodes: list[JSONValue] = [
            {
                "start": str(e.get("start", ""))[:10],
                "end": str(e.get("end", ""))[:10],
                "kind": e.get("kind"),
            }
            for e in self.episodes
        ]
        return {"unit": "day", "bins": bins, "episodes": episodes, "incidents": []}


def overview(case: Case, by: str = "library") -> Overview:
    """The case at a glance (see :class:`Overview`); records a ``view`` custody entry."""
    store = case.store
    run = store.latest_findings_run()
    episodes: list[JSONObject] = []
    if run is not None:
        for e in run.data.get("episodes") or []:
            if isinstance(e, dict):
                episodes.append(
                    {k: e.get(k) for k in ("start", "end", "kind", "messages", "authors")}
                )
    head = latest_tree_head(case)
    result = Overview(
        str(case.config.get("case", {}).get("name", "")),
        case.targets,
        store.counts(),
        store.day_counts(),
        episodes,
        orjson.loads(head.to_json()) if head is not None else None,
    )
    record_custody(case, "view", {"command": "overview", "via": by})
    return result


@dataclass(frozen=True)
class AuthorRow:
    """An account behind messages of the case: its handles over time, status, and how many of
    its messages were scored hostile (``medium`` severity or more)."""

    platform: str
    id: str
    handle: str | None
    handles: tuple[str, ...]
    display_name: str | None
    status: str
    messages: int
    hostile: int

    def to_json(self) -> JSONObject:
        return {
            "platform": self.platform,
            "id": self.id,
            "handle": self.handle,
            "handles": list(self.handles),
            "display_name": self.display_name,
            "status": self.status,
            "messages": self.messages,
            "hostile": self.hostile,
        }


def authors(case: Case, limit: int = 200, by: str = "library") -> list[AuthorRow]:
    """The accounts with the most hostile messages first (then the most messages); records a
    ``view`` custody entry."""
    store = case.store
    ranked = [((p, a), (n, h)) for p, a, n, h in store.author_counts(limit)]
    accounts = store.get_accounts(k for k, _ in ranked)
    out = []
    for key, (n, hostile) in ranked:
        a = accounts.get(key)
        out.append(
            AuthorRow(
                key[0],
                key[1],
                a.handle if a else None,
                tuple(a.handles) if a else (),
                a.display_name if a else None,
                a.status if a else "unknown",
                n,
                hostile,
            )
        )
    record_custody(case, "view", {"command": "authors", "via": by, "count": len(out)})
    return out


@dataclass(frozen=True)
class Campaign:
    """What the latest raid analysis says of the accounts: ban evasion (an account that
    stopped, the one that took over), impersonators, the campaign's accounts, and the
    strongest coordination edges (``a``, ``b``, ``weight``), every account named by handle."""

    evasion: list[JSONObject]
    impersonators: list[JSONObject]
    accounts: list[JSONObject]
    edges: list[JSONObject]
    names: dict[str, str]

    def graph(self) -> str:
        """The coordination graph as an inline SVG (see :mod:`rempart.reports.graph`)."""
        edges = [
            (str(e.get("a")), str(e.get("b")), float(_number(e.get("weight")))) for e in self.edges
        ]
        return coordination_svg(edges, self.names)

    def to_json(self) -> JSONObject:
        return {
            "evasion_links": list(self.evasion),
            "impersonators": list(self.impersonators),
            "campaign_accounts": list(self.accounts),
            "coordination_edges": list(self.edges),
        }


def campaign(case: Case, edges: int = 60, by: str = "library") -> Campaign | None:
    """The accounts side of the latest raid analysis (None when the case was never analysed:
    run ``rempart analyze``); records a ``view`` custody entry."""
    record_custody(case, "view", {"command": "campaign", "via": by})
    if case.store.latest_findings_run() is None:
        return None
    data = findings(case, record=False).data
    strongest = sorted(
        json_objects(data.get("coordination_edges")),
        key=lambda e: -_number(e.get("weight")),
    )[:edges]
    ids = {str(e.get(k)) for e in strongest for k in ("a", "b")}
    names = {a.id: a.handle for a in case.store.accounts_with_ids(ids) if a.handle}

    def objects(key: str) -> list[JSONObject]:
        return json_objects(data.get(key))

    return Campaign(
        objects("evasion_links"),
        objects("impersonators"),
        objects("campaign_accounts"),
        strongest,
        names,
    )


def _number(value: object) -> float:
    return float(value) if isinstance(value, (int, float)) else 0.0
