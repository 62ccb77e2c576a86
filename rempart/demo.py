"""``rempart demo``: a whole case from a synthetic raid, end to end, in seconds."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

from .analysis.simulate import Scenario, write_twarc2
from .api import ingest, stats, verify
from .case import CONFIG_NAME, Case


def run_demo(path: Path, seed: int = 7, echo: Callable[[str], None] = print) -> bool:
    """Build (or reuse) a demo case at ``path``, ingest the raid, verify, print a summary."""
    scn = Scenario(seed=seed)
    if (path / CONFIG_NAME).exists():
        case = Case.open(path)
        echo(f"Reusing the demo case in {path} (ingesting again adds no duplicates).")
    else:
        case = Case.create(path, [scn.target], name="demo")
        echo(f"Created a demo case in {path} for @{scn.target}.")
    with case:
        inputs = path / "inputs"
        inputs.mkdir(exist_ok=True)
        raid = inputs / f"raid-seed{seed}.jsonl"
        truth = write_twarc2(raid, scn)
        echo(f"Wrote a synthetic raid in the twarc2 format: {raid} "
             f"({truth['messages']} posts, raid from {truth['raid_start']}).")
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
        from .analysis.scoring import score_case

        scored = score_case(case)
        if scored.scored:
            echo(f"Scored {scored.scored} new messages with the offline classifier: "
                 + ", ".join(f"{v} {k}" for k, v in scored.severities.most_common())
                 + " (severity); labels: "
                 + ", ".join(f"{k} {v}" for k, v in scored.labels.most_common(6)) + ".")
        data = stats(case)
        busiest = sorted(data["per_day"], key=lambda r: r["messages"], reverse=True)[:3]
        echo("Busiest days: " + ", ".join(f"{r['day']} ({r['messages']} messages)"
                                          for r in busiest))
        totals = data["totals"]
        echo(f"Case totals: {totals['messages_primary']} messages, {totals['accounts']} accounts, "
             f"{totals['status_changes']} deletions or suspensions observed, "
             f"{totals['rejects']} rejects kept.")
        echo(f"Explore: rempart stats --case {path} ; rempart messages --case {path} --json")
        return result.ok
