"""``rempart demo``: a whole case from a simulated raid, end to end: ingest, verify, score,
find the raid and its accounts, and compare what was found with the scenario's ground truth."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from .analysis.raid.simulate import random_scenario, write_truth, write_twarc2
from .api import ingest, stats, verify
from .case import CONFIG_NAME, Case


def run_demo(path: Path, seed: int = 7, echo: Callable[[str], None] = print) -> bool:
    """Build (or reuse) a demo case at ``path``, ingest the raid, verify, analyse, summarise."""
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
        echo(f"Created a demo case in {path} for "
             + ", ".join("@" + t for t in truth["targets"]) + ".")
    with case:
        raid_start = next(e["start"] for e in truth["episodes"] if e["kind"] == "harassment")
        echo(f"Wrote a simulated raid in the twarc2 format: {raid} "
             f"({truth['messages']} posts, raid from {raid_start}).")
        report = ingest(case, [raid], command=f"rempart demo {path}")
        echo(f"Ingested: {report.new_records} new records ({report.items} items), "
             f"{report.known_records} already captured, {len(report.rejects)} rejected.")
        for note in report.rejects[:3]:
            echo(f"  kept as reject: {note.path}:{note.line}: {note.reason}")
        result = verify(case)
        if result.ok:
            echo(f"Verified: {result.entries} log entries, {result.records} records, "
                 f"{result.messages} messages: nothing altered. Head {result.head_hash}.")
        else:
            echo(f"VERIFICATION FAILED: {result.first}")
        from .analysis.raid.evaluate import compare
        from .analysis.raid.findings import summarize
        from .analysis.scoring import score_case
        from .api import findings as run_findings

        scored = score_case(case)
        if scored.scored:
            echo(f"Scored {scored.scored} new messages with the offline classifier: "
                 + ", ".join(f"{v} {k}" for k, v in scored.severities.most_common())
                 + " (severity).")
        found = run_findings(case, score=False).to_json()  # scored just above: once
        echo(summarize(found))
        quality = compare(found, truth, case.store.counts()["accounts"])
        echo("Against the simulator's ground truth: " + ", ".join(
            f"{k} {v}" for k, v in quality.row().items()))
        data = stats(case)
        totals = data["totals"]
        echo(f"Case totals: {totals['messages_primary']} messages, {totals['accounts']} accounts, "
             f"{totals['status_changes']} deletions or suspensions observed, "
             f"{totals['rejects']} rejects kept.")
        echo(f"Explore: rempart findings --case {path} --json ; "
             f"rempart messages --case {path} --json")
        return result.ok
