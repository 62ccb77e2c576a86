"""Ingest benchmark: a 200,000-message twarc2 file into a fresh case.

Prints messages/second and peak memory (target: >= 20,000 messages/s on 2 cores).

    python bench/ingest.py [--messages 200000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

from rempart.analysis.simulate import write_bench_twarc2
from rempart.api import ingest, init_case, verify


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--keep", type=Path, default=None, help="Keep the case in this folder.")
    parser.add_argument("--verify", action="store_true", help="Also time a full verification.")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="rempart-bench-"))
    try:
        data = work / "mentions.jsonl"
        t0 = time.perf_counter()
        # generate in a child process so that peak memory below is the ingest's own
        with multiprocessing.get_context("fork").Pool(1) as pool:
            n = pool.apply(write_bench_twarc2, (data, args.messages))
        gen_s = time.perf_counter() - t0
        size_mb = data.stat().st_size / 1e6
        print(f"generated {n} messages ({size_mb:.1f} MB of twarc2 pages) in {gen_s:.1f} s")
        case = init_case(work / "case", ["@cible_demo"])
        t0 = time.perf_counter()
        report = ingest(case, [data])
        secs = time.perf_counter() - t0
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        counts = case.store.counts()
        print(f"ingest: {n} messages in {secs:.2f} s = {n / secs:,.0f} messages/s "
              f"({report.new_records} records, {counts['messages']} messages stored, "
              f"{counts['accounts']} accounts)")
        print(f"peak memory (max RSS of the ingesting process): {peak:.0f} MB")
        print(f"cores available: {os.cpu_count()}; python {sys.version.split()[0]}")
        t0 = time.perf_counter()
        again = ingest(case, [data])
        print(f"re-ingest of the same file: {time.perf_counter() - t0:.2f} s, "
              f"{again.new_records} new records")
        if args.verify:
            t0 = time.perf_counter()
            result = verify(case)
            print(f"verify (hashes, chain and replay of every record): "
                  f"{time.perf_counter() - t0:.2f} s, ok={result.ok}")
        case.close()
        if args.keep:
            shutil.copytree(work / "case", args.keep, dirs_exist_ok=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
