"""Seal what the analysis stores (classifier scores, raid findings, human labels) and check it.

Each stored result set is bound to the evidence log by the SHA-256 of exactly what was stored:
the canonical JSON (see :func:`rempart.evidence.log.canonical`) of its rows, one per line,
sorted.

- **Scores**: every row carries the ``run`` that stored it (the seq of the ``analysis`` entry
  that sealed that classifier run). A run that rescored messages takes their rows over, and the
  raid analysis raises the ``doxxing`` score of the messages that disclose personal data, so
  every entry that writes scores seals the state of the whole table: ``score_runs`` maps each
  run to its number of rows and their hash (``"unsealed"`` for the rows of a case scored before
  results were sealed). The latest such entry must match the table.
- **Findings**: the ``raid analysis`` entry seals the stored run (``findings``: its id, the
  log's size when it ran, and the hash of the stored row).
- **Labels**: every ``annotation`` entry seals one label row (``sha256``). Older entries carry
  the label's fields, from which the same hash is computed.

Example::

    state = score_state(case.store)          # {"12": {"rows": 310, "sha256": "…"}}
    problems, notes = check_results(case.store, analysis_bodies, annotation_bodies)
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass
from typing import Any, Iterable

import orjson

from ..hashing import canonical, sha256_hex
from ..models import StatusChange, iso
from ..storage.base import FindingsRun, HumanLabel, ScoreRow, Store

#: The ``score_runs`` key of score rows stored before results were sealed.
UNSEALED = "unsealed"
#: What older cases are told about the results they stored before sealing existed.
BEFORE = "made before rempart sealed analysis results"


@dataclass(frozen=True)
class ResultProblem:
    """One check failure, in :class:`rempart.evidence.verify.Problem`'s terms."""

    what: str
    where: str
    kind: str
    detail: str


def score_row_bytes(row: ScoreRow) -> bytes:
    """The canonical JSON of one stored score row."""
    return canonical(
        [
            row.platform,
            row.id,
            row.model,
            row.lang,
            row.abusive,
            row.severity,
            list(row.labels),
            row.data,
            row.scored_at,
            row.run,
        ]
    )


def run_key(run: int | None) -> str:
    return UNSEALED if run is None else str(run)


def score_state(store: Store) -> dict[str, dict[str, Any]]:
    """``{run: {"rows": n, "sha256": hash}}`` of the score rows stored now, grouped by the run
    that stored them, each group hashed over its rows sorted by ``(platform, id)``."""
    hashers: dict[str, Any] = {}
    counts: Counter[str] = Counter()
    for row in store.scores():  # ordered by (platform, id)
        key = run_key(row.run)
        h = hashers.get(key)
        if h is None:
            h = hashers[key] = hashlib.sha256()
        h.update(score_row_bytes(row) + b"\n")
        counts[key] += 1
    return {k: {"rows": counts[k], "sha256": hashers[k].hexdigest()} for k in sorted(hashers)}


def findings_digest(run: FindingsRun) -> str:
    """The SHA-256 of one stored run of the raid analysis."""
    return sha256_hex(
        canonical(
            {"id": run.id, "created_at": run.created_at, "log_size": run.log_size, "data": run.data}
        )
    )


def label_digest(label: HumanLabel) -> str:
    """The SHA-256 of one stored human label."""
    return sha256_hex(
        canonical(
            [
                label.platform,
                label.id,
                label.category,
                label.value,
                label.author,
                label.at,
                label.note,
            ]
        )
    )


def label_from_entry(body: dict[str, Any]) -> HumanLabel:
    """The label an ``annotation`` entry records (its ``message`` is ``platform:id``)."""
    platform, _, mid = str(body.get("message", "")).partition(":")
    value = body.get("value")
    return HumanLabel(
        platform,
        mid,
        str(body.get("category")),
        value if isinstance(value, int) else -1,
        body.get("by"),
        str(body.get("at")),
        body.get("note"),
    )


# --------------------------------------------------------------------------- checks


def check_results(
    store: Store,
    analyses: Iterable[tuple[int, dict[str, Any]]],
    annotations: Iterable[tuple[int, dict[str, Any]]],
) -> tuple[list[ResultProblem], list[ResultProblem]]:
    """Recompute the hashes of the stored scores, findings and labels and compare them with
    the log entries that sealed them. Returns the problems and notes on unsealed results."""
    problems: list[ResultProblem] = []
    notes: list[ResultProblem] = []
    analyses = list(analyses)
    _check_scores(store, analyses, problems, notes)
    _check_findings(store, analyses, problems, notes)
    _check_labels(store, annotations, problems)
    return problems, notes


def _check_scores(
    store: Store,
    analyses: list[tuple[int, dict[str, Any]]],
    problems: list[ResultProblem],
    notes: list[ResultProblem],
) -> None:
    sealed = None
    for seq, body in analyses:
        if isinstance(body.get("score_runs"), dict):
            sealed = (seq, body["score_runs"])
    stored = score_state(store)
    if sealed is None:
        rows = sum(v["rows"] for v in stored.values())
        if rows:
            notes.append(
                ResultProblem(
                    "scores",
                    "made before sealing",
                    "not sealed",
                    f"{rows} rows ({BEFORE}); `rempart analyze --rescore` "
                    "scores and seals them again",
                )
            )
        return
    seq, want = sealed
    for key in sorted(set(want) | set(stored), key=_run_order):
        have, sealed_run = stored.get(key), want.get(key)
        where = (
            "made before sealing"
            if key == UNSEALED
            else "of an interrupted run"
            if key == "0"
            else f"of run {key}"
        )
        if sealed_run is None:
            assert have is not None
            problems.append(
                ResultProblem(
                    "scores",
                    where,
                    "inserted",
                    f"{have['rows']} rows that no log entry seals (the last scores entry is {seq})",
                )
            )
        elif have is None:
            problems.append(
                ResultProblem(
                    "scores",
                    where,
                    "missing rows",
                    f"all {sealed_run.get('rows')} rows sealed by log entry {seq} were deleted",
                )
            )
        elif have["rows"] < sealed_run.get("rows", 0):
            problems.append(
                ResultProblem(
                    "scores",
                    where,
                    "missing rows",
                    f"{have['rows']} rows stored but log entry {seq} "
                    f"sealed {sealed_run.get('rows')}",
                )
            )
        elif have["rows"] > sealed_run.get("rows", 0):
            problems.append(
                ResultProblem(
                    "scores",
                    where,
                    "inserted",
                    f"{have['rows']} rows stored but log entry {seq} "
                    f"sealed {sealed_run.get('rows')}",
                )
            )
        elif have["sha256"] != sealed_run.get("sha256"):
            problems.append(
                ResultProblem(
                    "scores",
                    where,
                    "altered rows",
                    f"the stored rows no longer hash to what log entry {seq} sealed",
                )
            )


def _run_order(key: str) -> tuple[int, int]:
    return (0, 0) if not key.isdigit() else (1, int(key))


def _check_findings(
    store: Store,
    analyses: list[tuple[int, dict[str, Any]]],
    problems: list[ResultProblem],
    notes: list[ResultProblem],
) -> None:
    sealed: dict[Any, tuple[int, str]] = {}
    legacy_entries = 0
    for seq, body in analyses:
        if body.get("what") != "raid analysis":
            continue
        info = body.get("findings")
        if isinstance(info, dict):
            sealed[info.get("id")] = (seq, str(info.get("sha256")))
        else:
            legacy_entries += 1
    first_sealed = min((k for k in sealed if isinstance(k, int)), default=None)
    legacy: list[int] = []
    for run in store.findings_runs():
        seal = sealed.pop(run.id, None)
        where = f"run #{run.id}"
        if seal is not None:
            if findings_digest(run) != seal[1]:
                problems.append(
                    ResultProblem(
                        "findings",
                        where,
                        "altered",
                        f"differs from what log entry {seal[0]} sealed",
                    )
                )
        elif first_sealed is None or run.id < first_sealed:
            legacy.append(run.id)
        else:
            problems.append(
                ResultProblem(
                    "findings", where, "inserted", "no raid analysis entry in the log seals it"
                )
            )
    if len(legacy) > legacy_entries:
        for fid in legacy[legacy_entries:]:
            problems.append(
                ResultProblem(
                    "findings",
                    f"run #{fid}",
                    "inserted",
                    "no raid analysis entry in the log records it",
                )
            )
    elif legacy:
        notes.append(
            ResultProblem("findings", ", ".join(f"run #{i}" for i in legacy), "not sealed", BEFORE)
        )
    for fid, (seq, _) in sealed.items():
        problems.append(
            ResultProblem(
                "findings",
                f"run #{fid}",
                "deleted",
                f"log entry {seq} seals it but it is no longer stored",
            )
        )


def _check_labels(
    store: Store, annotations: Iterable[tuple[int, dict[str, Any]]], problems: list[ResultProblem]
) -> None:
    stored: dict[str, list[HumanLabel]] = {}
    for lab in store.labels():
        stored.setdefault(label_digest(lab), []).append(lab)
    unmatched: list[tuple[int, HumanLabel]] = []
    for seq, body in annotations:
        want = label_from_entry(body)
        digest = body.get("sha256") or label_digest(want)
        found = stored.get(digest)
        if found:
            found.pop()
        else:
            unmatched.append((seq, want))
    extra = [lab for labs in stored.values() for lab in labs]
    for seq, want in unmatched:
        same = next(
            (
                x
                for x in extra
                if (x.platform, x.id, x.category, x.at)
                == (want.platform, want.id, want.category, want.at)
            ),
            None,
        )
        where = (
            f"{want.platform}:{want.id} {want.category}={want.value} by {want.author} "
            f"at {want.at} (log entry {seq})"
        )
        if same is not None:
            extra.remove(same)
            problems.append(
                ResultProblem(
                    "label",
                    where,
                    "altered",
                    f"stored as {same.category}={same.value} by "
                    f"{same.author} at {same.at}, note {same.note!r}",
                )
            )
        else:
            problems.append(
                ResultProblem(
                    "label", where, "deleted", "the log seals it but it is no longer stored"
                )
            )
    for lab in extra:
        problems.append(
            ResultProblem(
                "label",
                f"{lab.platform}:{lab.id} {lab.category}={lab.value} by {lab.author} at {lab.at}",
                "inserted",
                "no annotation entry in the log seals it",
            )
        )


def check_status_rows(
    stored: Iterable[tuple[StatusChange, int]], replayed: Iterable[tuple[StatusChange, int]]
) -> list[ResultProblem]:
    """The stored status changes (which the raid analysis reads: ban evasion) must be the
    ones the replay of the records yields, each with the record that showed it."""

    def key(change: tuple[StatusChange, int]) -> bytes:
        c, seq = change
        return canonical([c.platform, c.subject, c.id, c.status, iso(c.observed_at), c.detail, seq])

    want = Counter(key(c) for c in replayed)
    have = Counter(key(c) for c in stored)
    out = []
    for raw, n in sorted((have - want).items()):
        p, subject, mid, status, _, _, seq = orjson.loads(raw)
        if raw in want:  # one row for one status-change entry: the rest are copies
            out.append(
                ResultProblem(
                    "status change",
                    f"{subject} {p}:{mid}",
                    "inserted",
                    f"{n} stored row(s) duplicate the change to {status!r} "
                    f"(record {seq}), which the log records "
                    f"{want[raw]} time(s)",
                )
            )
            continue
        out.append(
            ResultProblem(
                "status change",
                f"{subject} {p}:{mid}",
                "altered or inserted",
                f"{n} stored row(s) say {status!r} (record {seq}) but the records do not show it",
            )
        )
    for raw in sorted(want - have):
        p, subject, mid, status, _, _, seq = orjson.loads(raw)
        out.append(
            ResultProblem(
                "status change",
                f"{subject} {p}:{mid}",
                "missing",
                f"record {seq} shows it {status!r} but the stored row is gone",
            )
        )
    return out
