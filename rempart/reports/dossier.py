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
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import TextIO
from zoneinfo import ZoneInfo

from ..models import Account, JSONObject, JSONValue, Message, iso, json_objects
from .annexes import Mask, pile_on
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

__all__ = ["CSV_COLUMNS", "Cited", "Dossier", "DossierInput", "build_dossier", "write_csv"]

PARIS = ZoneInfo("Europe/Paris")
#: A deadline this close (days) puts a warning banner on the first page.
BANNER_DAYS = 30
#: The PDF lists at most this many messages in full (the most serious first) and this many
#: authors in their own section; the CSV and JSON carry every message and author.
FEATURED_MESSAGES = 200
FEATURED_AUTHORS = 25
#: Severities from the least to the most serious.
SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3, "critical": 4}
#: Labels a prosecutor reads first (threats and doxxing put a person in danger).
SERIOUS = ("threat", "doxxing", "incitement", "identity_attack", "sexual_harassment")
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
    #: Off-platform incidents (``Incident.to_json()`` of the case layer).
    incidents: tuple[JSONObject, ...] = ()
    #: RFC 3161 tokens kept for signed heads, and the bundles exported (custody entries).
    timestamps: tuple[JSONObject, ...] = ()
    bundles: tuple[JSONObject, ...] = ()
    #: Inclusion proofs of log entries against :attr:`tree_head` (by seq), for the items cited.
    prove: Callable[[list[int]], dict[int, JSONObject]] | None = None
    #: Prove every message cited (the JSON), not only those the PDF reproduces.
    prove_all: bool = False
    #: Masks slurs in the summary and the pile-on annex (``--mask-slurs``); exhibits stay verbatim.
    mask: Mask | None = None


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
                "observed_at": iso(account.observed_at) if account else None,
                "campaign": author in campaign,
                "impersonator": author in impostors,
                "evasion_links": [
                    x
                    for x in json_objects(findings.get("evasion_links"))
                    if author in (str(x.get("from")), str(x.get("to")))
                ],
                "messages": [exhibit[c.message.key] for c in items],
                "hostile_exhibits": [exhibit[c.message.key] for c in hostile],
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
    annex = pile_on(
        findings, {c.message.id: exhibit[c.message.key] for c in cited}, given.lang, given.mask
    )
    incidents = _incidents(given.incidents, len(cited) + 1)
    featured = _featured(cited, exhibit, annex)
    authors_featured = _featured_authors(json_objects(authors_out), findings)
    mask = given.mask
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
            "top_authors": [
                {
                    "account_id": a["account_id"],
                    "handle": mask(str(a["handle"] or "")) if mask else a["handle"],
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
            "incidents": len(incidents),
            "masked": mask is not None,
            "timeline": _timeline(cited, findings, incidents),
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
            "timestamps": list[JSONValue](given.timestamps),
            "bundles": list[JSONValue](given.bundles),
            "proofs": _proofs(given, cited, exhibit, set(featured)),
            "verify": (
                "rempart verify-bundle LOT.zip (hors ligne, sans le dossier de l'affaire) ; "
                "rempart verify-report DOSSIER.pdf"
                if given.lang == "fr"
                else "rempart verify-bundle BUNDLE.zip (offline, without the case folder); "
                "rempart verify-report FILE.pdf"
            ),
        },
    }
    data["pile_on"] = annex
    data["incidents"] = incidents
    data["featured"] = {
        "messages": list[JSONValue](featured),
        "authors": list[JSONValue](authors_featured),
        "omitted_messages": len(cited) - len(featured),
        "omitted_authors": len(authors_out) - len(authors_featured),
        "limits": {"messages": FEATURED_MESSAGES, "authors": FEATURED_AUTHORS},
    }
    data["bordereau"] = _bordereau(cited, exhibit, incidents)
    return Dossier(data)


def _proofs(
    given: DossierInput, cited: list[Cited], exhibit: dict[tuple[str, str], int], shown: set[int]
) -> list[JSONValue]:
    """Inclusion proofs against the head cited: of the exhibits the PDF reproduces (``shown``),
    or of every message with ``prove_all``."""
    if given.prove is None or not given.tree_head:
        return []
    seqs = {
        n: c.record_seq
        for c in cited
        if ((n := exhibit[c.message.key]) in shown or given.prove_all) and c.record_seq is not None
    }
    proofs = given.prove(sorted(set(seqs.values())))
    return [{"exhibit": n, **proofs[seq]} for n, seq in sorted(seqs.items()) if seq in proofs]


def _rank(c: Cited) -> tuple[int, int, float]:
    """How early a message comes in the PDF: severity, then serious labels, then time."""
    serious = sum(1 for label in c.labels if label in SERIOUS)
    when = c.message.created_at.timestamp() if c.message.created_at else 0.0
    return (-SEVERITY_RANK.get(c.severity or "", 0), -serious, when)


def _featured(
    cited: list[Cited], exhibit: dict[tuple[str, str], int], annex: JSONObject
) -> list[int]:
    """The exhibits the PDF shows in full: the designating posts and the most serious hostile
    messages, up to :data:`FEATURED_MESSAGES`, in exhibit order."""
    chosen = {
        int(n)
        for d in json_objects(annex.get("designating_posts"))
        if isinstance(n := d.get("exhibit"), int)
    }
    for c in sorted((c for c in cited if _hostile(c)), key=_rank):
        if len(chosen) >= FEATURED_MESSAGES:
            break
        chosen.add(exhibit[c.message.key])
    return sorted(chosen)


def _featured_authors(authors: list[JSONObject], findings: JSONObject) -> list[str]:
    """The authors the PDF gives a section: impersonators and accounts linked by evasion,
    then the most hostile, up to :data:`FEATURED_AUTHORS` (plus the linked ones)."""
    linked = {str(x.get("account_id")) for x in json_objects(findings.get("impersonators"))}
    for x in json_objects(findings.get("evasion_links")):
        linked |= {str(x.get("from")), str(x.get("to"))}
    out: list[str] = []
    for a in authors:
        aid = str(a.get("account_id"))
        hostile = a.get("hostile_messages")
        if aid in linked or (
            isinstance(hostile, int) and hostile > 0 and len(out) < FEATURED_AUTHORS
        ):
            out.append(aid)
    return out


def _incidents(given: tuple[JSONObject, ...], first: int) -> list[JSONValue]:
    """Off-platform incidents in time order, numbered as exhibits after the messages."""
    ordered = sorted(given, key=lambda i: str(i.get("when") or ""))
    out: list[JSONValue] = []
    for n, incident in enumerate(ordered, start=first):
        when = incident.get("when")
        at = datetime.fromisoformat(str(when).replace("Z", "+00:00")) if when else None
        out.append({**incident, "exhibit": n, "when_paris": _paris(at)})
    return out


def _bordereau(
    cited: list[Cited], exhibit: dict[tuple[str, str], int], incidents: list[JSONValue]
) -> list[JSONValue]:
    """The exhibits list: one line per piece, in number order, with what proves it."""
    out: list[JSONValue] = []
    for c in cited:
        m = c.message
        out.append(
            {
                "exhibit": exhibit[m.key],
                "kind": "message",
                "date": iso(m.created_at),
                "description": f"{m.platform} {m.id} @{m.author_handle or m.author_id or '?'}",
                "labels": list(c.labels),
                "record_seq": c.record_seq,
                "record_sha256": c.record_sha256,
                "attachments": [],
            }
        )
    for i in json_objects(incidents):
        attachments = json_objects(i.get("attachments"))
        out.append(
            {
                "exhibit": i.get("exhibit"),
                "kind": "incident",
                "date": i.get("when"),
                "description": f"{i.get('where') or ''}: {i.get('what') or ''}",
                "labels": [],
                "record_seq": i.get("seq"),
                "record_sha256": None,
                "attachments": [
                    {"name": a.get("name"), "sha256": a.get("sha256")} for a in attachments
                ],
            }
        )
    return out


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


def _timeline(cited: list[Cited], findings: JSONObject, incidents: list[JSONValue]) -> JSONObject:
    """Messages per hour (a period of up to 10 days) or per day (UTC), hostile ones and the
    rest, every bin from the first to the last (a quiet day shows as a quiet day); with the
    episodes (to shade) and the off-platform incidents (to mark)."""
    times = [c.message.created_at.astimezone(UTC) for c in cited if c.message.created_at]
    if not times:
        return {"unit": "day", "bins": [], "episodes": [], "incidents": []}
    first, last = min(times), max(times)
    unit = "hour" if last - first <= timedelta(days=10) else "day"
    step = timedelta(hours=1) if unit == "hour" else timedelta(days=1)

    def floor(t: datetime) -> datetime:
        t = t.astimezone(UTC)
        if unit == "hour":
            return t.replace(minute=0, second=0, microsecond=0)
        return t.replace(hour=0, minute=0, second=0, microsecond=0)

    counts: dict[datetime, list[int]] = {}
    for c in cited:
        if c.message.created_at is not None:
            counts.setdefault(floor(c.message.created_at), [0, 0])[0 if _hostile(c) else 1] += 1
    bins: list[JSONValue] = []
    t = floor(first)
    while t <= last:
        hostile, other = counts.get(t, (0, 0))
        bins.append({"start": iso(t), "hostile": hostile, "other": other})
        t += step
    return {
        "unit": unit,
        "bins": bins,
        "episodes": [
            {"start": e.get("start"), "end": e.get("end"), "kind": e.get("kind")}
            for e in json_objects(findings.get("episodes"))
        ],
        "incidents": [
            {"when": i.get("when"), "exhibit": i.get("exhibit")} for i in json_objects(incidents)
        ],
    }


def write_csv(cited: Iterable[Cited], out: TextIO) -> tuple[int, int]:
    """One row per message (:data:`CSV_COLUMNS`), ``cited`` given in exhibit order (oldest
    first, undated last, as :func:`build_dossier` numbers them), written as it comes: memory
    stays bounded however many there are. Cells starting with ``=``, ``+``, ``-``, ``@``, tab
    or carriage return are prefixed with ``'`` so that no spreadsheet runs them as formulas (the
    texts are written by the people the case is about). Returns the rows written and the
    dated candidate offences they carry."""
    offences = load_offences()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    number = dated = 0
    for number, c in enumerate(cited, start=1):
        m = c.message
        found = qualify_message(
            MessageFacts(f"{m.platform}:{m.id}", m.created_at, m.audience, c.labels, m.text),
            offences,
        )
        dates = sorted(q.deadline for q in found if q.deadline)
        dated += len(dates)
        cells: list[JSONValue] = [
            number,
            m.platform,
            m.id,
            iso(m.created_at),
            _paris(m.created_at),
            m.author_id,
            m.author_handle,
            m.audience,
            c.severity,
            " ".join(c.labels),
            " ".join(q.offence.id for q in found),
            dates[0].isoformat() if dates else None,
            m.status,
            m.url,
            c.record_seq,
            c.record_sha256,
            m.text,
        ]
        writer.writerow([_cell(v) for v in cells])
    return number, dated


def _cell(value: JSONValue | None) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
