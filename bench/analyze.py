"""Raid-analysis benchmark: time and memory of `rempart analyze`'s raid analysis.

For each size, a simulated case (``random_scenario(seed, size)``) is written in the twarc2 format,
ingested and scored; then a fresh process loads the case and runs every detector (episodes,
designating posts, campaign and coordination graph, origins, ban evasion, impersonation,
doxxing), so the memory figure is the analysis's own. Targets (2 cores): <= 10 s for 20,000
messages, <= 5 minutes for 1,000,000, near-linear growth. Quality against the scenario's ground
truth is printed as well.

    python bench/analyze.py [--sizes 20000,1000000] [--seed 5] [--keep DIR]

Scoring is not part of the analysis figure (bench/classify.py measures the classifier); above
``--encoder-limit`` messages the scores come from the classifier without its sentence encoder.
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


def prepare(folder: Path, size: int, seed: int, encoder: bool) -> dict:
    """Simulate, ingest and score one case; returns the truth and the times."""
    from rempart import case as api
    from rempart.case.scoring import load_classifier, score_case
    from rempart.simulate import random_scenario, write_twarc2

    t0 = time.perf_counter()
    truth = write_twarc2(folder / "raid.jsonl", random_scenario(seed, size))
    t1 = time.perf_counter()
    case = api.init_case(folder / "case", truth["targets"])
    api.ingest(case, [folder / "raid.jsonl"])
    t2 = time.perf_counter()
    score_case(case, load_classifier(case, use_encoder=encoder))
    t3 = time.perf_counter()
    case.close()
    (folder / "truth.json").write_text(json.dumps(truth))
    return {
        "messages": truth["messages"],
        "simulate_s": t1 - t0,
        "ingest_s": t2 - t1,
        "score_s": t3 - t2,
    }


def analyse(case_dir: Path) -> None:
    """In a fresh process: load the case, run every detector, print one JSON line."""
    from rempart import case as api
    from rempart.analysis.raid.corpus import Corpus
    from rempart.analysis.raid.doxxing import prewarm
    from rempart.analysis.raid.findings import analyze_corpus
    from rempart.simulate.grading import compare

    case = api.open_case(case_dir)
    t0 = time.perf_counter()
    prewarm()  # as analyze_case does: spaCy loads in a child process meanwhile
    corpus = Corpus.from_store(case.store, case.targets)
    t1 = time.perf_counter()
    findings = analyze_corpus(corpus)
    t2 = time.perf_counter()
    truth = json.loads((case_dir.parent / "truth.json").read_text())
    quality = compare(findings.to_json(), truth, len(corpus.accounts))
    print(
        json.dumps(
            {
                "load_s": t1 - t0,
                "detect_s": t2 - t1,
                "total_s": t2 - t0,
                "stages": {k: round(v, 2) for k, v in findings.timings.items()},
                "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
                "accounts": len(corpus.accounts),
                "quality": quality.row(),
                "failures": quality.failures,
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="20000,1000000")
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--encoder-limit", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, default=None, help="Keep the cases here.")
    parser.add_argument("--analyse", type=Path, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.analyse:
        analyse(args.analyse)
        return
    base = args.keep or Path(tempfile.mkdtemp(prefix="rempart-bench-"))
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        folder = base / f"n{size}"
        folder.mkdir(parents=True, exist_ok=True)
        prep = prepare(folder, size, args.seed, encoder=size <= args.encoder_limit)
        out = subprocess.run(
            [sys.executable, __file__, "--analyse", str(folder / "case")],
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(out.stdout.strip().splitlines()[-1])
        rows.append((prep, result))
        print(
            f"{prep['messages']:>9,} messages, {result['accounts']:,} accounts: analysis "
            f"{result['total_s']:.1f} s (load {result['load_s']:.1f} s, detectors "
            f"{result['detect_s']:.1f} s), peak memory {result['rss_mb']:.0f} MB "
            f"(+ {result['worker_mb']:.0f} MB in the spaCy process)  "
            f"[simulate {prep['simulate_s']:.0f} s, ingest {prep['ingest_s']:.0f} s, "
            f"score {prep['score_s']:.0f} s]",
            flush=True,
        )
        print(f"           stages: {result['stages']}")
        print(
            f"           quality vs truth: {result['quality']}"
            + (f"; misses: {result['failures']}" if result["failures"] else "; all criteria met")
        )
    if len(rows) >= 2:
        (p0, r0), (p1, r1) = rows[0], rows[-1]
        growth = (r1["total_s"] / r0["total_s"]) / (p1["messages"] / p0["messages"])
        print(f"time per message, largest over smallest: {growth:.2f} (1.0 = linear)")


if __name__ == "__main__":
    main()
