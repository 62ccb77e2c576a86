"""Court-file benchmark: time, size and peak memory of `rempart report` on simulated cases.

For each size a simulated raid (``random_scenario(seed, size)``) is written in the twarc2 format,
ingested, scored (without the sentence encoder, for speed) and analysed; then a fresh process
builds the dossier in each format and prints, per format, the seconds, the file's size and the
process's peak memory, so the figures are the report's own; for the PDF, its pages too (it
reproduces the most serious messages in full and is signed; the target is 30 s for 20,000
messages on 2 cores). The HTML lists every message on one page and is refused past
``report_html_max_messages`` (50,000), which the output says.

    python bench/report.py [--sizes 20000,200000] [--seed 5] [--formats json,csv,html,pdf]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# the rempart of this checkout, not one installed elsewhere
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def prepare(folder: Path, size: int, seed: int) -> int:
    """Simulate, ingest, score and analyse one case; returns its number of messages."""
    from rempart import case as rc
    from rempart.case.analysis import find_raids
    from rempart.case.scoring import load_classifier, score_case
    from rempart.simulate import random_scenario, write_twarc2

    truth = write_twarc2(folder / "raid.jsonl", random_scenario(seed, size))
    case = rc.init_case(folder / "case", truth["targets"])
    rc.ingest(case, [folder / "raid.jsonl"])
    score_case(case, load_classifier(case, use_encoder=False))
    find_raids(case)
    case.close()
    return int(truth["messages"])


def build(case_dir: Path, fmt: str, out: Path) -> None:
    """In a fresh process: one dossier; prints one JSON line with the figures."""
    from rempart import case as rc
    from rempart.errors import RempartError

    case = rc.open_case(case_dir)
    t0 = time.perf_counter()
    try:
        result = rc.report(case, fmt, out, force=True)
    except RempartError as exc:
        print(json.dumps({"format": fmt, "refused": str(exc)}))
        return
    seconds = time.perf_counter() - t0
    case.close()
    peak = _peak_mb()
    print(
        json.dumps(
            {
                "format": fmt,
                "seconds": round(seconds, 2),
                "messages": result.messages,
                "deadlines": result.deadlines,
                "bytes": out.stat().st_size,
                "pages": _pages(out) if fmt == "pdf" else None,
                "peak_mb": round(peak),
            }
        )
    )


def _peak_mb() -> float:
    """This process's peak resident memory, in MB: VmHWM, which starts afresh at exec (the
    ru_maxrss of getrusage keeps the parent's peak across fork and exec, and the parent here
    holds the simulated case)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _pages(pdf: Path) -> int | None:
    """The PDF's page count (poppler's pdfinfo)."""
    try:
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        return None
    for line in info.stdout.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="20000,200000")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--formats", default="json,csv,html,pdf")
    parser.add_argument(
        "--build", nargs=3, metavar=("CASE", "FORMAT", "OUT"), help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.build:
        build(Path(args.build[0]), args.build[1], Path(args.build[2]))
        return
    for size in (int(s) for s in args.sizes.split(",")):
        with tempfile.TemporaryDirectory(prefix="rempart-report-") as tmp:
            folder = Path(tmp)
            t0 = time.perf_counter()
            messages = prepare(folder, size, args.seed)
            print(
                f"case of {messages} messages simulated, ingested, scored and analysed in "
                f"{time.perf_counter() - t0:.0f} s"
            )
            for fmt in args.formats.split(","):
                out = folder / f"dossier.{fmt}"
                line = (
                    subprocess.run(
                        [sys.executable, __file__, "--build", str(folder / "case"), fmt, str(out)],
                        check=True,
                        capture_output=True,
                        text=True,
                    )
                    .stdout.strip()
                    .splitlines()[-1]
                )
                got = json.loads(line)
                if "refused" in got:
                    print(f"  {fmt:5} refused: {got['refused']}")
                    continue
                pages = f", {got['pages']} pages" if got.get("pages") else ""
                print(
                    f"  {fmt:5} {got['seconds']:6.2f} s  {got['bytes'] / 1e6:7.1f} MB  "
                    f"peak {got['peak_mb']} MB  ({got['messages']} messages, "
                    f"{got['deadlines']} dated deadlines{pages})"
                )


if __name__ == "__main__":
    main()
