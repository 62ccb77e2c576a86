"""Run every raid analysis over a case and keep what it found.

Order matters: designating posts are found first (from bursts of replies and quotes), because
replies and quotes under them count as aimed at the target even without a mention; the episodes
are then found on that wider set; campaign membership and origins are judged per episode;
impersonation, ban evasion and doxxing look at the whole case.

Example::

    findings = analyze_case(case)           # scores what is unscored, stores the findings
    findings.to_json()["episodes"][0]["kind"]
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any

from ...case import Case
from ...evidence.log import LogWriter
from ...evidence.results import findings_digest, score_state
from ...evidence.transparency import sign_case_tree_head
from ...models import iso
from ...storage.base import FindingsRun, ScoreRow, Store
from ...textsafe import safe_text
from .campaign import find_campaign
from .corpus import Corpus
from .designating import designated, find_designating
from .doxxing import doxxing_score, prewarm, scan, shutdown_worker
from .episodes import find_episodes
from .evasion import find_evasion
from .impersonation import find_impersonators
from .origins import find_origins
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

#: The abusive probability from which a message counts as hostile.
HOSTILE = 0.4
#: From this many messages, spaCy (for workplaces and schools) is loaded in a child process
#: while the other analyses run; below it, loading it in place costs less than a process.
PREWARM_FROM = 5_000


@dataclass
class Findings:
    """Everything the raid analysis found in one case."""

    episodes: list[Episode] = field(default_factory=list)
    campaign_accounts: list[CampaignAccount] = field(default_factory=list)
    coordination_edges: list[CoordinationEdge] = field(default_factory=list)
    #: early sharers of a raid link with no message aimed at the target: not campaign accounts
    link_sharers: list[LinkSharer] = field(default_factory=list)
    designating_posts: list[DesignatingPost] = field(default_factory=list)
    origins: list[Origin] = field(default_factory=list)
    evasion_links: list[EvasionLink] = field(default_factory=list)
    impersonators: list[Impersonator] = field(default_factory=list)
    doxxing: list[Doxxing] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)

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
        }


def analyze_corpus(corpus: Corpus) -> Findings:
    """Every raid analysis over one corpus (scores already in ``corpus.hostile``)."""
    out = Findings()
    clock = _Stopwatch(out.timings)
    if len(corpus) >= PREWARM_FROM:
        prewarm()  # spaCy loads in a child process while the other analyses run
    with clock("episodes"):
        first = find_episodes(corpus, threshold=HOSTILE)
    with clock("designating"):
        out.designating_posts = find_designating(corpus, first)
    with clock("episodes"):
        if out.designating_posts:
            corpus.aim(designated(corpus, out.designating_posts))
            out.episodes = find_episodes(corpus, threshold=HOSTILE)
        else:
            out.episodes = first
    with clock("campaign"):
        out.campaign_accounts, out.coordination_edges, out.link_sharers = find_campaign(
            corpus, out.episodes, out.designating_posts)
    with clock("origins"):
        out.origins = find_origins(corpus, out.episodes, out.campaign_accounts)
    with clock("evasion"):
        out.evasion_links = find_evasion(corpus)
    with clock("impersonation"):
        out.impersonators = find_impersonators(corpus)
    with clock("doxxing"):
        try:
            out.doxxing = scan(corpus)
        finally:
            shutdown_worker()
    return out


def analyze_case(case: Case, score: bool = True) -> Findings:
    """Score what is unscored (with ``score``), analyse the case, store and log the findings."""
    timings: dict[str, float] = {}
    clock = _Stopwatch(timings)
    if score:
        from ..scoring import score_case

        with clock("scoring"):
            score_case(case, sign=False)  # the head signed after the findings covers it
    if case.store.counts()["messages"] >= PREWARM_FROM:
        prewarm()  # spaCy loads in a child process while the case loads and is analysed
    with clock("loading"):
        corpus = Corpus.from_store(case.store, case.targets, target_aliases(case))
    findings = analyze_corpus(corpus)
    findings.timings = {**timings, **findings.timings}
    save(case, findings, corpus)
    return findings


def target_aliases(case: Case) -> dict[str, list[str]]:
    """Other names each target goes by, from the case file's ``[case.aliases]`` table
    (``"@alice" = ["Alice Martin", "la journaliste de Radio X"]``)."""
    table = case.config.get("case", {}).get("aliases", {})
    if not isinstance(table, dict):
        return {}
    return {str(k): [str(v) for v in (vs if isinstance(vs, list) else [vs])]
            for k, vs in table.items()}


def save(case: Case, findings: Findings, corpus: Corpus | None = None) -> None:
    """Store the findings and record the run in the evidence log; with the ``corpus`` they
    came from, messages disclosing personal data also get the classifier's ``doxxing`` label
    (the doxxing detector fills that category)."""
    now = iso(case.clock.now()) or ""
    data = findings.to_json()
    store = case.store
    with store.transaction():
        writer = LogWriter(store)
        seq = writer.next_seq()  # the entry sealing this run: the log's size once written
        fid = store.put_findings(now, data, log_size=seq)
        if corpus is not None and findings.doxxing:
            store.put_scores(_with_doxxing(store, corpus, findings.doxxing))
        stored = store.latest_findings_run()  # as stored, read back
        writer.append("analysis", {
            "what": "raid analysis", "at": now, "by": case.settings["operator"],
            "episodes": len(findings.episodes),
            "campaign_accounts": len(findings.campaign_accounts),
            "designating_posts": len(findings.designating_posts),
            "origins": len(findings.origins), "evasion_links": len(findings.evasion_links),
            "impersonators": len(findings.impersonators), "doxxing": len(findings.doxxing),
            "findings": {"id": fid, "log_size": seq,
                         "sha256": findings_digest(stored) if stored else None},
            "score_runs": score_state(store),
        })
        writer.flush()
    sign_case_tree_head(case, "analysis")


def _with_doxxing(store: Store, corpus: Corpus, found: list[Doxxing]) -> list[ScoreRow]:
    """The stored scores of the doxxing messages, with ``doxxing`` raised and labelled."""
    keys = {(corpus.platforms[corpus.index[d.message_id]], d.message_id): d for d in found
            if d.message_id in corpus.index}
    out = []
    for key, row in store.get_scores(keys).items():
        d = keys[key]
        score = doxxing_score(d.spans)
        scores = dict(row.data.get("scores", {}))
        scores["doxxing"] = max(float(scores.get("doxxing", 0.0)), score)
        labels = tuple(dict.fromkeys((*row.labels, "doxxing")))
        data = {**row.data, "scores": scores, "labels": list(labels),
                "explanation": [*row.data.get("explanation", []),
                                "doxxing detector: " + ", ".join(sorted(set(d.kinds)))]}
        out.append(replace(row, labels=labels, data=data))
    return out


def freshness(store: Store, run: FindingsRun) -> dict[str, Any]:
    """Whether new data reached the case after the stored run ``run`` of the raid analysis.

    The run is stale when records or status changes were sealed, or messages scored again,
    after the entry that sealed it (its ``log_size``). A run stored before rempart kept that
    size is judged by the times of the imports that followed it.
    """
    out: dict[str, Any] = {"computed_at": run.created_at, "computed_at_log_size": run.log_size,
                           "new_records": 0, "new_status_changes": 0, "rescored": False}
    if run.log_size is None:
        later = [h for h in store.heads() if h["reason"] == "capture" and h["at"] > run.created_at]
        out["new_imports"] = len(later)
        out["stale"] = bool(later)
    else:
        for entry in store.entries(run.log_size + 1):
            if entry.kind == "record":
                out["new_records"] += 1
            elif entry.kind == "status-change":
                out["new_status_changes"] += 1
            elif entry.kind == "analysis" and b'"classifier scores"' in entry.body:
                out["rescored"] = True
        out["stale"] = bool(out["new_records"] or out["new_status_changes"] or out["rescored"])
    out["advice"] = ("run `rempart findings --rerun` (or `rempart analyze`) to refresh"
                     if out["stale"] else None)
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
        since = ("computed at log size " + str(fresh["computed_at_log_size"]) + "; since then "
                 + ", ".join(parts))
    return (f"STALE: these findings date from {fresh.get('computed_at')} ({since}); "
            f"{fresh['advice']}.")


def summarize(data: dict[str, Any]) -> str:
    """A plain-text summary (message-derived strings are printed as text, never markup)."""
    lines = []
    episodes = data.get("episodes", [])
    lines.append(f"{len(episodes)} episode(s):")
    for i, e in enumerate(episodes):
        lines.append(f"  #{i} {e['kind']}: {e['start']} -> {e['end']} (peak {e['peak']}), "
                     f"{e['messages']} messages from {e['authors']} accounts, "
                     f"{e['hostile_share']:.0%} hostile")
        lines.append(f"     {safe_text(e['explanation'])}")  # names handles: data
    for key, label in (("campaign_accounts", "campaign accounts"),
                       ("link_sharers", "early sharers of a raid link with no message aimed "
                                        "at the target (not campaign accounts)"),
                       ("designating_posts", "designating posts"), ("origins", "origins"),
                       ("evasion_links", "ban-evasion links"),
                       ("impersonators", "impersonators"),
                       ("doxxing", "messages disclosing personal data")):
        if key == "link_sharers" and not data.get(key):
            continue  # said only when there are some
        lines.append(f"{len(data.get(key, []))} {label}")
    for o in data.get("origins", [])[:3]:
        lines.append(f"  origin {safe_text(o['url'])} first seen {o['first_seen']} "
                     f"({o['messages']} msgs)")
    return "\n".join(lines)


class _Stopwatch:
    """Adds the seconds spent in each ``with clock(name):`` block to ``timings[name]``."""

    def __init__(self, timings: dict[str, float]) -> None:
        self.timings = timings
        self._name = ""
        self._t0 = 0.0

    def __call__(self, name: str) -> _Stopwatch:
        self._name = name
        return self

    def __enter__(self) -> None:
        self._t0 = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        self.timings[self._name] = (self.timings.get(self._name, 0.0)
                                    + time.perf_counter() - self._t0)
