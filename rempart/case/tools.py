"""The tools behind ``rempart demo``, ``rempart train`` and ``rempart evaluate``, as library
calls: a whole demo case from a simulated raid, and building and evaluating the shipped
classifier. Each imports its heavy parts when called.

Example::

    ok = demo(Path("rempart-demo"), seed=7)
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ..models import JSONObject
from .analysis import find_raids
from .capture import ingest
from .evidence import verify
from .folder import CONFIG_NAME, Case
from .reports import report as court_file
from .scoring import score_case
from .views import stats

__all__ = ["demo", "evaluate_classifier", "render_evaluation", "train_classifier"]

Echo = Callable[[str], None]


def train_classifier(
    data_dir: Path | None, extra: list[Path], out: Path | None, check: bool, echo: Echo = print
) -> bool:
    """Train the shipped classifier reproducibly from the datasets (``check``: rebuild into a
    temporary folder and compare with the shipped model); False when the check fails."""
    from ..training.train_command import run_training

    return run_training(data_dir, extra, out, check, echo=echo)


def evaluate_classifier(
    data_dir: Path | None = None, cross: bool = True, echo: Echo = print
) -> JSONObject:
    """Per-category ROC-AUC, PR-AUC and F1, the cross-dataset table and the functional suite,
    as the ``rempart evaluate --json`` object."""
    from ..training.evaluation import evaluate

    return evaluate(data_dir, cross=cross, echo=echo)


def render_evaluation(report: JSONObject) -> str:
    """:func:`evaluate_classifier`'s report as plain-text tables."""
    from ..training.evaluation import render

    return render(report)


def demo(path: Path, seed: int = 7, echo: Echo = print) -> bool:
    """Build (or reuse) a demo case at ``path`` from a simulated raid: ingest, verify, score,
    find the raid and its accounts, compare with the scenario's ground truth, and write the
    signed court file (``exports/dossier.pdf``); True when the case verifies."""
    from ..analysis.raid.findings import summarize
    from ..simulate import compare, random_scenario, write_truth, write_twarc2

    scn = random_scenario(seed, "small")
    inputs = path / "inputs"
    raid = inputs / f"raid-seed{seed}.jsonl"
    if (path / CONFIG_NAME).exists():
        case = Case.open(path)
        echo(f"Reusing the demo case in {path} (ingesting again adds no duplicates).")
    else:
        case = None
    inputs.mkdir(parents=True, exist_ok=True)
    truth = write_twarc2(raid, scn)
    write_truth(inputs / f"raid-seed{seed}.truth.json", truth)
    if case is None:
        case = Case.create(path, truth["targets"], name="demo")
        echo(
            f"Created a demo case in {path} for "
            + ", ".join("@" + t for t in truth["targets"])
            + "."
        )
    with case:
        raid_start = next(e["start"] for e in truth["episodes"] if e["kind"] == "harassment")
        echo(
            f"Wrote a simulated raid in the twarc2 format: {raid} "
            f"({truth['messages']} posts, raid from {raid_start})."
        )
        report = ingest(case, [raid], command=f"rempart demo {path}")
        echo(
            f"Ingested: {report.new_records} new records ({report.items} items), "
            f"{report.known_records} already captured, {len(report.rejects)} rejected."
        )
        for note in report.rejects[:3]:
            echo(f"  kept as reject: {note.path}:{note.line}: {note.reason}")
        result = verify(case)
        if result.ok:
            echo(
                f"Verified: {result.entries} log entries, {result.records} records, "
                f"{result.messages} messages: nothing altered. Head {result.head_hash}."
            )
        else:
            echo(f"VERIFICATION FAILED: {result.first}")
        scored = score_case(case)
        if scored.scored:
            echo(
                f"Scored {scored.scored} new messages with the offline classifier: "
                + ", ".join(f"{v} {k}" for k, v in scored.severities.most_common())
                + " (severity)."
            )
        found = find_raids(case).to_json()  # scored just above: once
        echo(summarize(found))
        quality = compare(found, truth, case.store.counts()["accounts"])
        echo(
            "Against the simulator's ground truth: "
            + ", ".join(f"{k} {v}" for k, v in quality.row().items())
        )
        totals = stats(case, by="demo").totals
        echo(
            f"Case totals: {totals['messages_primary']} messages, {totals['accounts']} accounts, "
            f"{totals['status_changes']} deletions or suspensions observed, "
            f"{totals['rejects']} rejects kept."
        )
        dossier = court_file(case, "pdf", path / "exports" / "dossier.pdf", force=True)
        echo(
            f"Court file: {dossier.path} ({dossier.messages} messages, signed; check it with "
            f"rempart verify-report {dossier.path} --case {path})."
        )
        echo(
            f"Explore: rempart findings --case {path} --json ; "
            f"rempart messages --case {path} --json"
        )
        echo(
            f"In a browser: rempart user add you@example.org --role owner --case {path} ; "
            f"rempart serve --case {path} (then http://127.0.0.1:8765/)"
        )
        return result.ok
