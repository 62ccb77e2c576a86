"""What the raid analyses find: the records behind ``rempart findings --json``.

Times are epoch seconds inside rempart and ISO-8601 UTC in JSON; ids are strings.
Every finding carries its evidence in words a judge can read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

#: Episode kinds.
KINDS = ("harassment", "support", "mixed", "neutral")


def iso_utc(t: float | None) -> str | None:
    """Epoch seconds as ISO-8601 UTC with a ``Z``, to the second."""
    if t is None:
        return None
    return datetime.fromtimestamp(round(t), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Episode:
    """A burst of messages aimed at a target, against its baseline."""

    start: float
    end: float
    peak: float
    messages: int
    authors: int
    hostile_share: float  # share of scored messages at or above the abusive threshold
    support_share: float
    kind: str
    explanation: str
    ratio: float = 0.0  # peak rate over the baseline rate
    baseline_per_hour: float = 0.0
    rows: Any = None  # numpy index array of the corpus rows in the episode (not in JSON)
    details: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "start": iso_utc(self.start),
            "end": iso_utc(self.end),
            "peak": iso_utc(self.peak),
            "messages": self.messages,
            "authors": self.authors,
            "hostile_share": round(self.hostile_share, 3),
            "kind": self.kind,
            "explanation": self.explanation,
        }


@dataclass
class CampaignAccount:
    account_id: str
    episode: int  # index into the episodes list
    score: float
    evidence: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "episode": self.episode,
            "score": round(self.score, 3),
            "evidence": self.evidence,
        }


@dataclass
class LinkSharer:
    """An early sharer of a raid link that wrote nothing aimed at the episode's target.

    Not a campaign account: sharing a link that raiders later carry to her is not taking part
    against her (a court expert requires participation). Listed apart, with that said.
    """

    account_id: str
    episode: int  # index into the episodes list
    url: str
    first_shared: str | None  # ISO-8601 UTC
    evidence: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "episode": self.episode,
            "url": self.url,
            "first_shared": self.first_shared,
            "evidence": self.evidence,
        }


@dataclass
class CoordinationEdge:
    """Two accounts acting together, and why (near-duplicate texts, shared links, timing...)."""

    a: str
    b: str
    weight: float
    evidence: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "a": self.a,
            "b": self.b,
            "weight": round(self.weight, 3),
            "evidence": self.evidence,
        }


@dataclass
class DesignatingPost:
    """A post that set off a pile-on, and the case targets it is shown to designate."""

    message_id: str
    score: float
    evidence: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)  # target keys (corpus.targets)

    def to_json(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id,
            "score": round(self.score, 3),
            "targets": list(self.targets),
            "evidence": self.evidence,
        }


@dataclass
class Origin:
    url: str
    first_seen: float
    messages: int
    score: float = 0.0
    evidence: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "first_seen": iso_utc(self.first_seen),
            "messages": self.messages,
            "score": round(self.score, 3),
            "evidence": self.evidence,
        }


@dataclass
class EvasionLink:
    source: str  # the account that stopped
    target: str  # the account that took over
    score: float
    evidence: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "from": self.source,
            "to": self.target,
            "score": round(self.score, 3),
            "evidence": self.evidence,
        }


@dataclass
class Impersonator:
    account_id: str
    target: str
    score: float
    evidence: list[str]

    def to_json(self) -> dict[str, Any]:
        return {
            "account_id": self.account_id,
            "target": self.target,
            "score": round(self.score, 3),
            "evidence": self.evidence,
        }


@dataclass(frozen=True)
class Span:
    """Personal data found in a text: ``text[start:end]`` is of ``kind``."""

    start: int
    end: int
    kind: str  # phone, email, address, postal_code, workplace, school, licence_plate
    text: str

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "kind": self.kind, "text": self.text}


@dataclass
class Doxxing:
    message_id: str
    kinds: list[str]
    spans: list[Span]

    def to_json(self) -> dict[str, Any]:
        return {
            "message_id": self.message_id,
            "kinds": self.kinds,
            "spans": [s.to_json() for s in self.spans],
        }
