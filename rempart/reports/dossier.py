"""The court file's content, as data: summary, legal qualification, deadlines, authors and
exhibits, built from a case's typed views. Renderers (JSON and CSV here; HTML and PDF next)
only lay it out, so every format says the same thing.

Every message cited gets an exhibit number (*pièce n°*) used everywhere in the dossier, and
carries its evidence: the log entry of the record it was first captured in and that record's
SHA-256, which the integrity annex and the bundle prove.

Example::

    dossier = build_dossier(DossierInput(...))
    dossier.to_json()["deadlines"][0]["deadline"]
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from ..models import Account, JSONObject, JSONValue, Message, iso, json_objects
from .legal import (
    DISCLAIMER_EN,
    DISCLAIMER_FR,
    AuthorFacts,
    MessageFacts,
    Qualification,
    deadlines,
    load_offences,
    qualify_author,
    qualify_message,
)

__all__ = ["CSV_COLUMNS", "Cited", "Dossier", "DossierInput", "build_dossier", "to_csv"]

PARIS = ZoneInfo("Europe/Paris")
#: A deadline this close (days) puts a warning banner on the first page.
BANNER_DAYS = 30
#: Categories that make a message hostile in the dossier (support and spam do not).
HOSTILE = (
    "insult",
    "threat",
    "identity_attack",
    "sexual_harassment",
    "defamation",
    "incitement",
    "doxxing",
)


@dataclass(frozen=True)
class Cited:
    """A message as the dossier cites it: the message, the classifier's labels and severity,
    and its evidence (first record's log entry and SHA-256)."""

    message: Message
    labels: tuple[str, ...]
    severity: str | None
    record_seq: int | None
    record_sha256: str | None


@dataclass(frozen=True)
class DossierInput:
    """What the case layer gathers for a dossier."""

    case_name: str
    targets: tuple[str, ...]
    generated_at: datetime
    messages: tuple[Cited, ...]
    accounts: tuple[Account, ...] = ()
    findings: JSONObject = field(default_factory=dict)
    filters: JSONObject = field(default_factory=dict)
    tree_head: JSONObject | None = None
    lang: str = "fr"


@dataclass(frozen=True)
class Dossier:
    """The court file as data; :meth:`to_json` is the ``--format json`` output."""

    data: JSONObject

    def to_json(self) -> JSONObject:
        return self.data


#: The columns of ``--format csv``: one row per message cited.
CSV_COLUMNS = (
    "exhibit",
    "platform",
    "id",
    "created_at_utc",
    "created_at_paris",
    "author_id",
    "author_handle",
    "audience",
    "severity",
    "labels",
    "offences",
    "earliest_deadline",
    "status",
    "url",
    "record_seq",
    "record_sha256",
    "text",
)


def _paris(dt: datetime | None) -> str | None:
    return dt.astimezone(PARIS).strftime("%Y-%m-%d %H:%M:%S %Z") if dt else None


def _hostile(c: Cited) -> bool:
    return any(label in HOSTILE for label in c.labels)


def build_dossier(given: DossierInput) -> Dossier:
    """The dossier of ``given``: exhibits numbered in time order, qualifications per message
    and per author, deadlines soonest first, and the summary."""
    offences = load_offences()
    cited = sorted(
        given.messages,
        key=lambda c: (
            c.message.created_at is None,
            c.message.created_at or datetime.min.replace(tzinfo=UTC),
            c.message.platform,
            c.message.id,
        ),
    )
    exhibit = {c.message.key: n for n, c in enumerate(cited, start=1)}
    facts = {
        c.message.key: MessageFacts(
            f"{c.message.platform}:{c.message.id}",
            c.message.created_at,
            c.message.audience,
            c.labels,
            c.message.text,
        )
        for c in cited
    }
    per_message = {key: qualify_message(f, offences) for key, f in facts.items()}
    findings = given.findings
    campaign = {str(x.get("account_id")) for x in json_objects(findings.get("campaign_accounts"))}
    impostors = {str(x.get("account_id")) for x in json_objects(findings.get("impersonators"))}
    windows = [
        (str(e.get("start")), str(e.get("end")))
        for e in json_objects(findings.get("episodes"))
        if e.get("kind") in ("harassment", "mixed")
    ]
    by_author: dict[str, list[Cited]] = {}
    for c in cited:
        by_author.setdefault(c.message.author_id or c.message.author_handle or "?", []).append(c)
    accounts = {a.id: a for a in given.accounts}
    authors_out: list[JSONValue] = []
    every: list[Qualification] = [q for qs in per_message.values() for q in qs]
    for author, items in sorted(
        by_author.items(), key=lambda kv: (-sum(_hostile(c) for c in kv[1]), kv[0])
    ):
        hostile = [c for c in items if _hostile(c)]
        in_episode = any(
            start <= (iso(c.message.created_at) or "") <= end
            for c in hostile
            for start, end in windows
        )
        conduct = qualify_author(
            AuthorFacts(
                author,
                tuple(facts[c.message.key] for c in hostile),
                author in campaign,
                in_episode,
                author in impostors,
            ),
            offences,
        )
        every += conduct
        account = accounts.get(author)
        authors_out.append(
            {
                "account_id": author,
                "handle": account.handle if account else items[0].message.author_handle,
                "handles": list(account.handles) if account else [],
                "display_name": account.display_name if account else None,
                "created_at": iso(account.created_at) if account else None,
                "profile_url": account.url if account else None,
                "status": account.status if account else None,
                "campaign": author in campaign,
                "impersonator": author in impostors,
                "evasion_links": [
                    x
                    for x in json_objects(findings.get("evasion_links"))
                    if author in (str(x.get("from")), str(x.get("to")))
                ],
                "messages": [exhibit[c.message.key] for c in items],
                "hostile_messages": len(hostile),
                "qualifications": [q.to_json() for q in conduct],
            }
        )
    today = given.generated_at.date()
    dated = deadlines(every)
    # deadlines still open within BANNER_DAYS days; those already passed are told apart (a
    # lawyer must know that these facts may be time-barred, not be urged to act on them)
    soon = [
        q
        for q in dated
        if q.deadline and today <= q.deadline <= today + timedelta(days=BANNER_DAYS)
    ]
    expired = [q for q in dated if q.deadline and q.deadline < today]
    hostile_cited = [c for c in cited if _hostile(c)]
    categories = Counter(label for c in cited for label in c.labels)
    severities = Counter(c.severity or "unscored" for c in cited)
    times = [c.message.created_at for c in cited if c.message.created_at]
    data: JSONObject = {
        "format": "rempart-dossier-v1",
        "lang": given.lang,
        "disclaimer": DISCLAIMER_FR if given.lang == "fr" else DISCLAIMER_EN,
        "case": {"name": given.case_name, "targets": list(given.targets)},
        "generated_at": iso(given.generated_at),
        "filters": given.filters,
        "summary": {
            "period": {
                "from": iso(min(times)) if times else None,
                "to": iso(max(times)) if times else None,
            },
            "messages": len(cited),
            "hostile_messages": len(hostile_cited),
            "authors": len(by_author),
            "hostile_authors": sum(
                1 for items in by_author.values() if any(_hostile(c) for c in items)
            ),
            "by_category": dict(sorted(categories.items())),
            "by_severity": dict(sorted(severities.items())),
            "episodes": list[JSONValue](json_objects(findings.get("episodes"))),
            "timeline": _timeline(cited),
            "top_authors": [
                {
                    "account_id": a["account_id"],
                    "handle": a["handle"],
                    "hostile_messages": a["hostile_messages"],
                }
                for a in json_objects(authors_out)[:10]
                if a["hostile_messages"]
            ],
            "expired_deadlines": len(expired),
            "banner": (
                {
                    "deadlines_within_days": BANNER_DAYS,
                    "count": len(soon),
                    "first": soon[0].deadline.isoformat() if soon[0].deadline else None,
                }
                if soon
                else None
            ),
        },
        "deadlines": [
            {
                "deadline": q.deadline.isoformat() if q.deadline else None,
                "expired": bool(q.deadline and q.deadline < today),
                "offence": q.offence.id,
                "label_fr": q.offence.label_fr,
                "article": q.offence.article,
                "exhibits": [exhibit[_key(ref)] for ref in q.messages if _key(ref) in exhibit],
                "unverified": list(q.offence.unverified),
            }
            for q in dated
        ],
        "deadline_groups": _grouped(dated, exhibit, today),
        "messages": [
            _message_json(c, exhibit[c.message.key], per_message[c.message.key]) for c in cited
        ],
        "authors": authors_out,
        "exhibits": [
            {
                "exhibit": exhibit[c.message.key],
                "ref": f"{c.message.platform}:{c.message.id}",
                "record_seq": c.record_seq,
                "record_sha256": c.record_sha256,
            }
            for c in cited
        ],
        "integrity": {
            "tree_head": given.tree_head,
            "verify": "rempart verify-bundle BUNDLE.zip (hors ligne, sans le dossier de l'affaire)",
        },
    }
    return Dossier(data)


def _grouped(
    dated: list[Qualification], exhibit: dict[tuple[str, str], int], today: date
) -> list[JSONValue]:
    """The deadlines by day and offence, soonest first: one line per (deadline, offence) with
    every exhibit it concerns (a raid makes hundreds of items fall due the same day)."""
    groups: dict[tuple[date, str], tuple[Qualification, list[int]]] = {}
    for q in dated:
        if q.deadline is None:
            continue
        _, numbers = groups.setdefault((q.deadline, q.offence.id), (q, []))
        numbers.extend(exhibit[_key(ref)] for ref in q.messages if _key(ref) in exhibit)
    out: list[JSONValue] = []
    for (day, _), (q, numbers) in sorted(groups.items()):
        out.append(
            {
                "deadline": day.isoformat(),
                "expired": day < today,
                "offence": q.offence.id,
                "label_fr": q.offence.label_fr,
                "article": q.offence.article,
                "exhibits": list[JSONValue](sorted(set(numbers))),
                "unverified": list[JSONValue](q.offence.unverified),
            }
        )
    return out


def _key(ref: str) -> tuple[str, str]:
    platform, _, mid = ref.partition(":")
    return platform, mid


def _message_json(c: Cited, number: int, found: list[Qualification]) -> JSONObject:
    m = c.message
    return {
        "exhibit": number,
        "ref": f"{m.platform}:{m.id}",
        "created_at_utc": iso(m.created_at),
        "created_at_paris": _paris(m.created_at),
        "author_id": m.author_id,
        "author_handle": m.author_handle,
        "audience": m.audience,
        "text": m.text,
        "url": m.url,
        "status": m.status,
        "status_detail": m.status_detail,
        "observed_at": iso(m.observed_at),
        "severity": c.severity,
        "labels": list(c.labels),
        "qualifications": [q.to_json() for q in found],
        "record_seq": c.record_seq,
        "record_sha256": c.record_sha256,
    }


def _timeline(cited: list[Cited]) -> list[JSONValue]:
    """Messages per day (UTC): hostile ones and the rest."""
    days: dict[str, list[int]] = {}
    for c in cited:
        if c.message.created_at is None:
            continue
        day = c.message.created_at.astimezone(UTC).date().isoformat()
        counts = days.setdefault(day, [0, 0])
        counts[0 if _hostile(c) else 1] += 1
    return [{"day": d, "hostile": h, "other": o} for d, (h, o) in sorted(days.items())]


def to_csv(dossier: Dossier) -> str:
    """One row per message cited (:data:`CSV_COLUMNS`); cells starting with ``=``, ``+``,
    ``-``, ``@``, tab or carriage return are prefixed with ``'`` so that no spreadsheet runs
    them as formulas (the texts are written by the people the case is about)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for row in json_objects(dossier.data.get("messages")):
        found = json_objects(row.get("qualifications"))
        dates = sorted(str(q["deadline"]) for q in found if q.get("deadline"))
        offence_ids = [str(json_objects([q.get("offence")])[0].get("id")) for q in found]
        ref = str(row.get("ref"))
        platform, _, mid = ref.partition(":")
        labels = row.get("labels")
        cells = [
            row.get("exhibit"),
            platform,
            mid,
            row.get("created_at_utc"),
            row.get("created_at_paris"),
            row.get("author_id"),
            row.get("author_handle"),
            row.get("audience"),
            row.get("severity"),
            " ".join(str(x) for x in labels) if isinstance(labels, list) else "",
            " ".join(offence_ids),
            dates[0] if dates else None,
            row.get("status"),
            row.get("url"),
            row.get("record_seq"),
            row.get("record_sha256"),
            row.get("text"),
        ]
        writer.writerow([_cell(v) for v in cells])
    return out.getvalue()


def _cell(value: JSONValue | None) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
