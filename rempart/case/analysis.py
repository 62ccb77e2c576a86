"""Analysis as use cases: find raids in a case, keep and seal what was found, watch a stream.

Scoring and labels are in :mod:`rempart.case.scoring`; the detectors themselves, which know
nothing of a case, in :mod:`rempart.analysis.raid`.

Example::

    found = analyze(case)                 # scores what is unscored, stores the findings
    data = findings_json(case)            # the last run, with its freshness
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TextIO

from ..analysis.raid.corpus import Corpus
from ..analysis.raid.doxxing import prewarm
from ..analysis.raid.findings import (
    PREWARM_FROM,
    Findings,
    Stopwatch,
    analyze_corpus,
    doxxing_scores,
    freshness,
)
from ..analysis.raid.live import LiveSummary, classifier_score_fn, run_live_file
from ..evidence.log import LogWriter
from ..evidence.results import findings_digest, score_state
from ..models import JSONObject
from .evidence import now_iso, sign_case_tree_head
from .folder import Case
from .scoring import ScoringReport, load_classifier, score_case

__all__ = ["AnalysisReport", "analyze", "find_raids", "findings_json", "target_aliases", "watch"]


@dataclass(frozen=True)
class AnalysisReport:
    """What :func:`analyze` did: the scoring run (None when not asked) and the raid findings
    (None with ``raids=False``)."""

    scoring: ScoringReport | None
    findings: Findings | None


def analyze(
    case: Case,
    score: bool = True,
    rescore: bool = False,
    use_encoder: bool = True,
    raids: bool = True,
    progress: Callable[[int], None] | None = None,
    total: Callable[[int], None] | None = None,
) -> AnalysisReport:
    """Score what is unscored (everything with ``rescore``; nothing unless ``score``), then
    find raids, their accounts, origins and doxxing (unless ``raids`` is false); store and
    seal both. ``total`` is told how many messages will be scored, ``progress`` how many
    were, batch by batch."""
    report = None
    if score:
        clf = load_classifier(case, use_encoder=use_encoder)
        report = score_case(case, clf, rescore=rescore, progress=progress, batch=1000, total=total)
    return AnalysisReport(report, find_raids(case) if raids else None)


def find_raids(case: Case) -> Findings:
    """Analyse the case's scored messages for raids; store and seal the findings."""
    timings: dict[str, float] = {}
    clock = Stopwatch(timings)
    if case.store.counts()["messages"] >= PREWARM_FROM:
        prewarm()  # spaCy loads in a child process while the case loads and is analysed
    with clock("loading"):
        corpus = Corpus.from_store(case.store, case.targets, target_aliases(case))
    findings = analyze_corpus(corpus)
    findings = replace(findings, timings={**timings, **findings.timings})
    save_findings(case, findings, corpus)
    return findings


def target_aliases(case: Case) -> dict[str, list[str]]:
    """Other names each target goes by, from the case file's ``[case.aliases]`` table
    (``"@alice" = ["Alice Martin", "la journaliste de Radio X"]``)."""
    table = case.config.get("case", {}).get("aliases", {})
    if not isinstance(table, dict):
        return {}
    return {
        str(k): [str(v) for v in (vs if isinstance(vs, list) else [vs])] for k, vs in table.items()
    }


def save_findings(case: Case, findings: Findings, corpus: Corpus | None = None) -> None:
    """Store the findings and record the run in the evidence log; with the ``corpus`` they
    came from, messages disclosing personal data also get the classifier's ``doxxing`` label
    (the doxxing detector fills that category)."""
    now = now_iso(case)
    data = findings.to_json()
    store = case.store
    with store.transaction():
        writer = LogWriter(store)
        seq = writer.next_seq()  # the entry sealing this run: the log's size once written
        fid = store.put_findings(now, data, log_size=seq)
        if corpus is not None and findings.doxxing:
            store.put_scores(doxxing_scores(store, corpus, findings.doxxing))
        stored = store.latest_findings_run()  # as stored, read back
        writer.append(
            "analysis",
            {
                "what": "raid analysis",
                "at": now,
                "by": case.settings["operator"],
                "episodes": len(findings.episodes),
                "campaign_accounts": len(findings.campaign_accounts),
                "designating_posts": len(findings.designating_posts),
                "origins": len(findings.origins),
                "evasion_links": len(findings.evasion_links),
                "impersonators": len(findings.impersonators),
                "doxxing": len(findings.doxxing),
                "findings": {
                    "id": fid,
                    "log_size": seq,
                    "sha256": findings_digest(stored) if stored else None,
                },
                "score_runs": score_state(store),
            },
        )
        writer.flush()
    sign_case_tree_head(case, "analysis")


def findings_json(case: Case, rerun: bool = False) -> JSONObject:
    """The last stored findings as the ``rempart findings --json`` object (analysing the case
    first when it never was, or with ``rerun``), with their ``freshness``: whether data came
    in after them (``stale``), at which log size they were computed, and what is new."""
    run = None if rerun else case.store.latest_findings_run()
    if run is None:
        score_case(case, sign=False)  # the head signed after the findings covers it
        find_raids(case)
        run = case.store.latest_findings_run()
        assert run is not None
    return {**run.data, "freshness": freshness(case.store, run)}


def watch(
    case: Case, source: str, out: TextIO, webhook: str | None = None, score: bool = True
) -> LiveSummary:
    """Watch a twarc2 JSONL stream (a file, or ``-`` for standard input) for raids against the
    case's targets, the case's messages serving as the baseline; alerts are JSON lines on
    ``out`` and POSTs to ``webhook`` (default: the case's ``alert_webhook`` setting). The
    stream is not stored: ingest it to keep it as evidence."""
    history = Corpus.from_store(case.store, case.targets)
    url = webhook or case.settings.get("alert_webhook")
    return run_live_file(
        source,
        case.targets,
        out,
        webhook=url,
        history=history if len(history) else None,
        score_fn=classifier_score_fn() if score else None,
        retries=int(case.settings["webhook_retries"]),
    )
