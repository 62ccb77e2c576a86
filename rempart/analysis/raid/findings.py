"""Run every raid analysis over a corpus: what was found, as one record.

The analyses are the detectors registered through the ``rempart_detectors`` plugin hook
(:mod:`.detector`; the built-ins in :mod:`.builtin`), run in the order their ``requires``
impose. For the built-ins: designating posts are found first (from bursts of replies and
quotes, against a first count of the episodes), because replies and quotes under them count as
aimed at the target even without a mention; the episodes are then found on that wider set;
campaign membership and origins are judged per episode; impersonation, ban evasion and doxxing
look at the whole case.

Example::

    findings = analyze_corpus(Corpus.from_store(store, ["@alice"]))
    findings.to_json()["episodes"][0]["kind"]
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any

from ...storage.base import FindingsRun, ScoreRow, Store
from ...textsafe import safe_text
from .corpus import Corpus
from .detector import Detector, Finding, Found, detectors, in_order
from .doxxing import doxxing_score, prewarm, shutdown_worker
from .types import (
    CampaignAccount,
    CoordinationEdge,
    DesignatingPost,
    Doxxing,
    Episode,
    EvasionLink,
    Impersonator,
    LinkSharer,
    Origin,
)

#: From this many messages, spaCy (for workplaces and schools) is loaded in a child process
#: while the other analyses run; below it, loading it in place costs less than a process.
PREWARM_FROM = 5_000


#: Where each built-in detector's seconds go in ``Findings.timings`` (the others: their name).
STAGES = {
    "designating_posts": "designating",
    "campaign_accounts": "campaign",
    "evasion_links": "evasion",
    "impersonators": "impersonation",
}


@dataclass(frozen=True)
class Findings:
    """Everything the raid analysis found in one case, one list per section of the
    ``rempart findings --json`` object (each item's ``to_json()`` is its JSON form).

    - ``episodes``: bursts of messages aimed at a target, in time order (:mod:`.episodes`);
    - ``campaign_accounts``: the accounts taking part in each harassment or mixed episode,
      by episode (``episode`` indexes ``episodes``), best first (:mod:`.campaign`);
    - ``coordination_edges``: two campaign accounts acting together, and why;
    - ``link_sharers``: early sharers of a raid link with no message aimed at the target
      (not campaign accounts);
    - ``designating_posts``: posts that set off a pile-on, best first (:mod:`.designating`);
    - ``origins``: links where a raid was likely organised, likeliest first (:mod:`.origins`);
    - ``evasion_links``: an account that stopped -> the one that took over (:mod:`.evasion`);
    - ``impersonators``: accounts mimicking a target (:mod:`.impersonation`);
    - ``doxxing``: messages disclosing personal data (:mod:`.doxxing`);
    - ``extra``: the sections of plugins' detectors, by name (in the JSON after the others);
    - ``timings``: seconds per stage (``episodes``, ``designating``, ``campaign``...; not in
      the JSON).
    """

    episodes: list[Episode] = field(default_factory=list)
    campaign_accounts: list[CampaignAccount] = field(default_factory=list)
    coordination_edges: list[CoordinationEdge] = field(default_factory=list)
    link_sharers: list[LinkSharer] = field(default_factory=list)
    designating_posts: list[DesignatingPost] = field(default_factory=list)
    origins: list[Origin] = field(default_factory=list)
    evasion_links: list[EvasionLink] = field(default_factory=list)
    impersonators: list[Impersonator] = field(default_factory=list)
    doxxing: list[Doxxing] = field(default_factory=list)
    extra: dict[str, list[Finding]] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)

    @classmethod
    def of(cls, found: Found, timings: Mapping[str, float] | None = None) -> Findings:
        """The record of what the detectors produced (sections of no field go to ``extra``)."""
        known = {f.name for f in fields(cls)} - {"extra", "timings"}
        return cls(
            episodes=found.of("episodes", Episode),
            campaign_accounts=found.of("campaign_accounts", CampaignAccount),
            coordination_edges=found.of("coordination_edges", CoordinationEdge),
            link_sharers=found.of("link_sharers", LinkSharer),
            designating_posts=found.of("designating_posts", DesignatingPost),
            origins=found.of("origins", Origin),
            evasion_links=found.of("evasion_links", EvasionLink),
            impersonators=found.of("impersonators", Impersonator),
            doxxing=found.of("doxxing", Doxxing),
            extra={name: list(items) for name, items in found.items() if name not in known},
            timings=dict(timings or {}),
        )

    def to_json(self) -> dict[str, Any]:
        """The ``rempart findings --json`` object (and the coordination graph's edges)."""
        return {
            "episodes": [e.to_json() for e in self.episodes],
            "campaign_accounts": [c.to_json() for c in self.campaign_accounts],
            "link_sharers": [x.to_json() for x in self.link_sharers],
            "designating_posts": [d.to_json() for d in self.designating_posts],
            "origins": [o.to_json() for o in self.origins],
            "evasion_links": [x.to_json() for x in self.evasion_links],
            "impersonators": [x.to_json() for x in self.impersonators],
            "doxxing": [d.to_json() for d in self.doxxing],
            "coordination_edges": [e.to_json() for e in self.coordination_edges],
            **{name: [x.to_json() for x in items] for name, items in self.extra.items()},
        }


def analyze_corpus(corpus: Corpus, using: Sequence[Detector] | None = None) -> Findings:
    """Every registered raid detector (or those of ``using``, unfitted) over one corpus, in
    dependency order (scores already in ``corpus.hostile``).

    The built-in designating detector widens ``corpus.aimed`` with the replies under the
    posts it finds (see :class:`~.designating.DesignatingDetector`).
    """
    timings: dict[str, float] = {}
    clock = Stopwatch(timings)
    found = Found()
    if len(corpus) >= PREWARM_FROM:
        prewarm()  # spaCy loads in a child process while the other analyses run
    try:
        for det in detectors() if using is None else in_order(using):
            with clock(STAGES.get(det.name, det.name)):
                found = found.extended(det.fit(corpus, found).detect())
    finally:
        shutdown_worker()  # done by the doxxing detector; here too when a detector failed
    return Findings.of(found, timings)


def doxxing_scores(store: Store, corpus: Corpus, found: list[Doxxing]) -> list[ScoreRow]:
    """The stored scores of the doxxing messages, with ``doxxing`` raised and labelled."""
    keys = {
        (corpus.platforms[corpus.index[d.message_id]], d.message_id): d
        for d in found
        if d.message_id in corpus.index
    }
    out = []
    for key, row in store.get_scores(keys).items():
        d = keys[key]
        score = doxxing_score(d.spans)
        scores = dict(row.data.get("scores", {}))
        scores["doxxing"] = max(float(scores.get("doxxing", 0.0)), score)
        labels = tuple(dict.fromkeys((*row.labels, "doxxing")))
        data = {
            **row.data,
            "scores": scores,
            "labels": list(labels),
            "explanation": [
                *row.data.get("explanation", []),
                "doxxing detector: " + ", ".join(sorted(set(d.kinds))),
            ],
        }
        out.append(replace(row, labels=labels, data=data))
    return out


def freshness(store: Store, run: FindingsRun) -> dict[str, Any]:
    """Whether new data reached the case after the stored run ``run`` of the raid analysis.

    The run is stale when records or status changes were sealed, or messages scored again,
    after the entry that sealed it (its ``log_size``). A run stored before rempart kept that
    size is judged by the times of the imports that followed it.
    """
    out: dict[str, Any] = {
        "computed_at": run.created_at,
        "computed_at_log_size": run.log_size,
        "new_records": 0,
        "new_status_changes": 0,
        "rescored": False,
    }
    if run.log_size is None:
        later = [h for h in store.heads() if h["reason"] == "capture" and h["at"] > run.created_at]
        out["new_imports"] = len(later)
        out["stale"] = bool(later)
    else:
        # counted by kind: the views' custody entries that follow a run are not read
        after = run.log_size + 1
        out["new_records"] = store.count_entries(["record"], after)
        out["new_status_changes"] = store.count_entries(["status-change"], after)
        out["rescored"] = any(
            b'"classifier scores"' in entry.body
            for entry in store.entries_of(["analysis"], start=after)
        )
        out["stale"] = bool(out["new_records"] or out["new_status_changes"] or out["rescored"])
    out["advice"] = (
        "run `rempart findings --rerun` (or `rempart analyze`) to refresh" if out["stale"] else None
    )
    return out


def describe_freshness(fresh: dict[str, Any] | None) -> str | None:
    """One warning line for stale findings (None when they are up to date)."""
    if not fresh or not fresh.get("stale"):
        return None
    if fresh.get("computed_at_log_size") is None:
        since = f"{fresh.get('new_imports', 0)} import(s) came after them"
    else:
        parts = [f"{fresh['new_records']} new record(s)"]
        if fresh["new_status_changes"]:
            parts.append(f"{fresh['new_status_changes']} status change(s)")
        if fresh["rescored"]:
            parts.append("messages scored again")
        since = (
            "computed at log size "
            + str(fresh["computed_at_log_size"])
            + "; since then "
            + ", ".join(parts)
        )
    return (
        f"STALE: these findings date from {fresh.get('computed_at')} ({since}); {fresh['advice']}."
    )


def summarize(data: dict[str, Any]) -> str:
    """A plain-text summary (message-derived strings are printed as text, never markup)."""
    lines = []
    episodes = data.get("episodes", [])
    lines.append(f"{len(episodes)} episode(s):")
    for i, e in enumerate(episodes):
        lines.append(
            f"  #{i} {e['kind']}: {e['start']} -> {e['end']} (peak {e['peak']}), "
            f"{e['messages']} messages from {e['authors']} accounts, "
            f"{e['hostile_share']:.0%} hostile"
        )
        lines.append(f"     {safe_text(e['explanation'])}")  # names handles: data
    for key, label in (
        ("campaign_accounts", "campaign accounts"),
        (
            "link_sharers",
            "early sharers of a raid link with no message aimed "
            "at the target (not campaign accounts)",
        ),
        ("designating_posts", "designating posts"),
        ("origins", "origins"),
        ("evasion_links", "ban-evasion links"),
        ("impersonators", "impersonators"),
        ("doxxing", "messages disclosing personal data"),
    ):
        if key == "link_sharers" and not data.get(key):
            continue  # said only when there are some
        lines.append(f"{len(data.get(key, []))} {label}")
    for o in data.get("origins", [])[:3]:
        lines.append(
            f"  origin {safe_text(o['url'])} first seen {o['first_seen']} ({o['messages']} msgs)"
        )
    return "\n".join(lines)


class Stopwatch:
    """Adds the seconds spent in each ``with clock(name):`` block to ``timings[name]``."""

    def __init__(self, timings: dict[str, float]) -> None:
        self.timings = timings
        self._name = ""
        self._t0 = 0.0

    def __call__(self, name: str) -> Stopwatch:
        self._name = name
        return self

    def __enter__(self) -> None:
        self._t0 = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.timings[self._name] = (
            self.timings.get(self._name, 0.0) + time.perf_counter() - self._t0
        )
