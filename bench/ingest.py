"""Ingest benchmark: rempart against the floor of a bare loop, on one file, in one run.

The file is a realistic twarc2 capture written by the raid simulator
(:mod:`rempart.simulate`): by default in the flattened form (``twarc2 flatten``:
one tweet a line, its author, referenced tweets and ``__twarc`` metadata inline), or as the
pages it writes (``--shape pages``: up to 100 tweets and their ``includes`` a line).

The **floor** is the least work any capture tool must do with that file: for each line,
``orjson.loads`` it, ``hashlib.sha256`` it and INSERT it into a SQLite table keyed by that hash
(``seq integer primary key, sha256 text unique, raw blob``, so that importing the file again
stores nothing twice), with ``executemany`` and one transaction per 1,000 lines. It uses
rempart's durability settings (``journal_mode=WAL``, ``synchronous=NORMAL``) and SQLite's
defaults for the rest. rempart does, on top: the source's parsing into messages and accounts,
one hash-chained log entry and Merkle leaf per record, the merge into the derived tables, and a
signed tree head at the end. A file this large is read by two processes taking turns (the
``ingest_processes`` setting; one reads and parses a batch while the other seals the previous
one): the CPU figures count both, and a run with one process is timed too.

Both run back to back on the same file and machine; each takes the best of ``--repeat`` runs
(alternated, so that a noisy neighbour slows both alike). Two reference floors follow: one
without the SHA-256 key, one with every SQLite setting rempart uses (page size included).

    python bench/ingest.py [--messages 30000] [--shape flat|pages] [--repeat 3] [--verify]
"""

from __future__ import annotations

import argparse
import hashlib
import multiprocessing
import os
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

# the rempart of this checkout, not one installed elsewhere (a script's folder, bench/, comes
# first on sys.path, so an editable install of another checkout would be timed instead)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rempart.case import ingest, init_case, verify  # noqa: E402
from rempart.simulate import RaidScenario, write_twarc2  # noqa: E402
from rempart.storage.sqlite import DURABILITY, PRAGMAS  # noqa: E402

FLOOR_BATCH = 1000
KEYED = (
    "create table records (seq integer primary key, sha256 text not null unique, raw blob not null)"
)
UNKEYED = "create table records (seq integer primary key, sha256 text not null, raw blob not null)"


def write_file(path: Path, messages: int, shape: str) -> tuple[int, int]:
    """The benchmark file, from the raid simulator (a week around two targets with a raid of
    about a quarter of the messages, replies, quotes, media, deletions); returns (tweets, lines).
    """
    raid = messages * 27 // 100
    scn = RaidScenario(
        seed=3,
        baseline_per_day=max(10, (messages - raid - 600) / 7),
        raid_messages=raid,
        raider_accounts=max(50, raid // 5),
    )
    pages = path if shape == "pages" else path.with_suffix(".pages.jsonl")
    write_twarc2(pages, scn)
    tweets = lines = 0
    out = None if shape == "pages" else open(path, "wb")
    try:
        with open(pages, "rb") as src:
            for line in src:
                flat = flatten(orjson.loads(line))
                tweets += len(flat)
                if out is None:
                    lines += 1
                    continue
                for tweet in flat:
                    out.write(orjson.dumps(tweet) + b"\n")
                    lines += 1
    finally:
        if out is not None:
            out.close()
            pages.unlink()
    return tweets, lines


def flatten(page: dict[str, Any]) -> list[dict[str, Any]]:
    """A twarc2 page as ``twarc2 flatten`` writes it: authors and referenced tweets inline."""
    includes = page.get("includes") or {}
    users = {u["id"]: u for u in includes.get("users") or ()}
    tweets = {t["id"]: t for t in includes.get("tweets") or ()}
    out = []
    for tweet in page.get("data") or ():
        flat = dict(tweet)
        if tweet.get("author_id") in users:
            flat["author"] = users[tweet["author_id"]]
        refs = []
        for ref in tweet.get("referenced_tweets") or ():
            full = {**tweets.get(ref["id"], {}), **ref}
            if full.get("author_id") in users:
                full["author"] = users[full["author_id"]]
            refs.append(full)
        if refs:
            flat["referenced_tweets"] = refs
        flat["__twarc"] = page["__twarc"]
        out.append(flat)
    return out


def floor(
    path: Path, work: Path, schema: str = KEYED, pragmas: tuple[str, ...] = DURABILITY
) -> tuple[float, float]:
    """Wall and CPU seconds for the bare loop: orjson.loads, sha256, INSERT (see the module
    docstring)."""
    db_path = work / "floor.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db_path}{suffix}").unlink(missing_ok=True)
    db = sqlite3.connect(db_path, isolation_level=None)
    for pragma in pragmas:
        db.execute(f"pragma {pragma}")
    db.execute(schema)
    insert = "insert into records (sha256, raw) values (?, ?)"
    t0, c0 = time.perf_counter(), time.process_time()
    batch: list[tuple[str, bytes]] = []
    with open(path, "rb") as fh:
        for line in fh:
            raw = line.rstrip(b"\r\n")
            if not raw.strip():
                continue
            orjson.loads(raw)
            batch.append((hashlib.sha256(raw).hexdigest(), raw))
            if len(batch) >= FLOOR_BATCH:
                db.execute("begin immediate")
                db.executemany(insert, batch)
                db.execute("commit")
                batch = []
    if batch:
        db.execute("begin immediate")
        db.executemany(insert, batch)
        db.execute("commit")
    secs = time.perf_counter() - t0, time.process_time() - c0
    db.close()
    return secs


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def rempart_once(path: Path, work: Path, processes: int | None = None) -> tuple[float, float]:
    """Wall and CPU seconds (this process and the import process it forks, if any) for
    ``rempart ingest`` of ``path`` into a fresh case."""
    case_dir = work / "case"
    shutil.rmtree(case_dir, ignore_errors=True)
    case = init_case(case_dir, ["@cible_demo"])
    if processes is not None:
        case.config["settings"]["ingest_processes"] = processes
    t0, c0, k0 = time.perf_counter(), time.process_time(), _children_cpu()
    ingest(case, [path])
    secs = time.perf_counter() - t0, time.process_time() - c0 + _children_cpu() - k0
    case.close()
    return secs


def command_once(path: Path, work: Path) -> float:
    """Wall seconds for ``rempart ingest FILE`` as a user runs it: a new Python process, the
    command's start included."""
    import subprocess  # noqa: PLC0415

    case_dir = work / "case-cli"
    shutil.rmtree(case_dir, ignore_errors=True)
    init_case(case_dir, ["@cible_demo"]).close()
    command = [sys.executable, "-m", "rempart.cli", "ingest", "-q", "--case", str(case_dir)]
    t0 = time.perf_counter()
    subprocess.run([*command, str(path)], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t0


def best_of(runs: list[tuple[float, float]]) -> tuple[float, float]:
    """The best wall time and the best CPU time of several runs."""
    return min(r[0] for r in runs), min(r[1] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=30_000)
    parser.add_argument("--shape", choices=("flat", "pages"), default="flat")
    parser.add_argument("--repeat", type=int, default=3, help="Runs of each; the best counts.")
    parser.add_argument("--keep", type=Path, default=None, help="Keep the case in this folder.")
    parser.add_argument("--verify", action="store_true", help="Also time a full verification.")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="rempart-bench-"))
    try:
        data = work / "mentions.jsonl"
        t0 = time.perf_counter()
        # generate in a child process so that peak memory below is the ingest's own
        with multiprocessing.get_context("fork").Pool(1) as pool:
            n, lines = pool.apply(write_file, (data, args.messages, args.shape))
        size_mb = data.stat().st_size / 1e6
        print(
            f"generated {n} tweets as {lines} {args.shape} twarc2 lines ({size_mb:.1f} MB) "
            f"in {time.perf_counter() - t0:.1f} s"
        )
        floors, runs, single = [], [], []
        for _ in range(max(1, args.repeat)):  # alternated: a noisy neighbour slows both alike
            floors.append(floor(data, work))
            runs.append(rempart_once(data, work))
            single.append(rempart_once(data, work, processes=1))
        (floor_s, floor_cpu), (best, best_cpu) = best_of(floors), best_of(runs)
        one, one_cpu = best_of(single)
        print(
            f"floor   (orjson.loads + sha256 + INSERT keyed by sha256, {FLOOR_BATCH} a "
            f"transaction, {', '.join(DURABILITY)}): {lines / floor_s:,.0f} lines/s "
            f"(best of {len(floors)}: {floor_s:.2f} s, CPU {floor_cpu:.2f} s)"
        )
        print(
            f"rempart (ingest into a fresh case, every guarantee): {lines / best:,.0f} lines/s "
            f"= {n / best:,.0f} messages/s (best of {len(runs)}: {best:.2f} s, "
            f"CPU {best_cpu:.2f} s, both import processes)"
        )
        print(
            f"ratio rempart/floor: {floor_s / best:.2f} (wall clock); "
            f"{floor_cpu / best_cpu:.2f} (CPU time, both import processes)"
        )
        print(
            f"rempart with one import process (ingest_processes = 1): {lines / one:,.0f} "
            f"lines/s ({one:.2f} s, CPU {one_cpu:.2f} s): ratio {floor_s / one:.2f} (wall clock)"
        )
        cli = min(command_once(data, work) for _ in range(max(1, args.repeat)))
        print(
            f"the command `rempart ingest FILE` (a new process, its start included): "
            f"{lines / cli:,.0f} lines/s ({cli:.2f} s): ratio {floor_s / cli:.2f} (wall clock)"
        )
        unkeyed = best_of([floor(data, work, UNKEYED) for _ in range(max(1, args.repeat))])
        tuned = best_of([floor(data, work, KEYED, PRAGMAS) for _ in range(max(1, args.repeat))])
        print(
            f"for reference: floor without the sha256 key {lines / unkeyed[0]:,.0f} lines/s "
            f"(ratio {unkeyed[0] / best:.2f}); floor with all of rempart's SQLite settings "
            f"({', '.join(PRAGMAS)}) {lines / tuned[0]:,.0f} lines/s "
            f"(ratio {tuned[0] / best:.2f})"
        )

        case = init_case(work / "case2", ["@cible_demo"])
        report = ingest(case, [data])
        counts = case.store.counts()
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"stored: {report.new_records} records, {counts['messages']} messages, "
            f"{counts['accounts']} accounts; peak memory (max RSS of this process): "
            f"{peak:.0f} MB"
        )
        print(
            f"cores available: {os.cpu_count()}; python {sys.version.split()[0]}; "
            f"sqlite {sqlite3.sqlite_version}"
        )
        t0 = time.perf_counter()
        again = ingest(case, [data])
        print(
            f"re-ingest of the same file: {time.perf_counter() - t0:.2f} s, "
            f"{again.new_records} new records"
        )
        if args.verify:
            t0 = time.perf_counter()
            result = verify(case)
            print(
                f"verify (hashes, chain and replay of every record): "
                f"{time.perf_counter() - t0:.2f} s, ok={result.ok}"
            )
        case.close()
        if args.keep:
            shutil.copytree(work / "case2", args.keep, dirs_exist_ok=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
