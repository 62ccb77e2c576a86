"""Web workspace benchmark: latency of its pages and API under concurrent users.

A case of about ``--messages`` messages (a simulated twarc2 raid, as in ``bench/ingest.py``)
is ingested, scored (the classifier without its sentence encoder unless ``--encoder``) and
analysed for raids (unless ``--no-analyze``); an owner is added. A copy of the case is served
by ``rempart.web.serve`` (uvicorn on 127.0.0.1, as ``rempart serve`` runs it) in a process of
its own, so that the clients do not share its GIL. ``--clients`` clients (asyncio, one
``httpx.AsyncClient`` each, each signed in with its own session) then make ``--rounds``
rounds each, after ``--warmup`` rounds that are not counted. A round, in an order shuffled per
client and round: the triage page at three offsets (the first page, the second, one further
down), the overview, accounts and evidence pages, the API's triage queue
(``/api/cases/<slug>/messages``) and overview, and two reveals
(``/api/cases/<slug>/messages/<ref>``). Each view records its custody entry, as in use.

Printed: per route the requests, p50, p99 and worst latency (ms) and the errors (any answer
but 200, or none within 120 s); the CPU time of the server and of the clients over the timed
rounds; requests per second; the cores; the case's size. Target (project): p99 <= 300 ms
for the triage page with 20 concurrent clients on 100,000 messages.

    python bench/web.py [--messages 100000] [--clients 20] [--rounds 10] [--case DIR]

``--case DIR`` keeps the built case in ``DIR`` (built there when it holds none) and serves a
copy of it, so that every run starts from the same case; ``--keep`` keeps the temporary folder.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import multiprocessing
import os
import random
import resource
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

# the rempart of this checkout (see bench/ingest.py)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PASSWORD = "bench password, long enough"
OWNER = "owner@example.org"
DB = "case.db"


def build(folder: Path, messages: int, encoder: bool, analyze: bool) -> None:
    """Simulate, ingest, score (and analyse) a case in ``folder/case``; add the owner."""
    from ingest import write_file  # bench/ingest.py

    from rempart import case as rc
    from rempart.case.scoring import load_classifier

    data = folder / "mentions.jsonl"
    t0 = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(1) as pool:
        tweets, _ = pool.apply(write_file, (data, messages, "flat"))
    t1 = time.perf_counter()
    case = rc.init_case(folder / "case", ["@cible_demo"], name="bench web")
    rc.ingest(case, [data])
    t2 = time.perf_counter()
    rc.score(case, load_classifier(case, use_encoder=encoder))
    t3 = time.perf_counter()
    if analyze:
        rc.find_raids(case)
    t4 = time.perf_counter()
    rc.add_user(case, OWNER, "owner", PASSWORD)
    case.close()
    data.unlink()
    print(
        f"built: {tweets} tweets simulated in {t1 - t0:.0f} s, ingested in {t2 - t1:.0f} s, "
        f"scored in {t3 - t2:.0f} s" + (f", analysed in {t4 - t3:.0f} s" if analyze else ""),
        flush=True,
    )


def serve(case: Path, port: int) -> None:
    """Run in the server process: the workspace over ``case``, as ``rempart serve`` runs it."""
    from rempart.web import serve as run

    run([case], "127.0.0.1", port)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_ready(port: int, server: subprocess.Popen[bytes], limit: float = 60) -> None:
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("the server stopped")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError("the server did not start")


def percentile(values: list[float], p: float) -> float:
    """The nearest-rank percentile ``p`` (0-100) of ``values``."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


async def sign_in(base: str) -> tuple[str, str]:
    """A session cookie for the owner, and the slug of the case."""
    import httpx

    async with httpx.AsyncClient(base_url=base, timeout=120) as client:
        r = await client.post("/login", data={"email": OWNER, "password": PASSWORD})
        if r.status_code != 303:
            raise RuntimeError(f"sign-in failed: {r.status_code}")
        token = r.cookies.get("rempart_session")
        if not token:
            raise RuntimeError("sign-in gave no session cookie")
        cookie = f"rempart_session={token}"
        cases = await client.get("/api/cases", headers={"cookie": cookie})
        cases.raise_for_status()
        return cookie, str(cases.json()[0]["slug"])


def cpu_seconds(pid: int) -> tuple[float, float]:
    """CPU seconds used so far by process ``pid`` (the server) and by this one (the clients);
    the server's is NaN where /proc cannot tell."""
    mine = resource.getrusage(resource.RUSAGE_SELF)
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        theirs = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        theirs = math.nan
    return theirs, mine.ru_utime + mine.ru_stime


async def run_clients(
    base: str, clients: int, rounds: int, warmup: int, seed: int, server_pid: int
) -> tuple[dict[str, list[float]], dict[str, int], float, tuple[float, float]]:
    """Latencies (ms) and errors by route, wall seconds and CPU seconds (server, clients) of
    the timed rounds."""
    import httpx

    signed = [await sign_in(base) for _ in range(clients)]
    cookie, slug = signed[0]
    async with httpx.AsyncClient(base_url=base, timeout=120) as probe:
        first = await probe.get(
            f"/api/cases/{slug}/messages", params={"limit": 500}, headers={"cookie": cookie}
        )
        first.raise_for_status()
        refs = [item["ref"] for item in first.json()["items"]]
        overview = await probe.get(f"/api/cases/{slug}/overview", headers={"cookie": cookie})
        overview.raise_for_status()
    queued = int(overview.json()["counts"].get("scores", 0))
    if not refs:
        raise RuntimeError("the case has no scored message")
    far = max(100, min(queued - 50, 5000))
    case = f"/cases/{slug}"
    api = f"/api/cases/{slug}"

    def requests(rng: random.Random) -> list[tuple[str, str]]:
        out = [
            ("triage page", f"{case}/triage"),
            ("triage page", f"{case}/triage?offset=50"),
            ("triage page", f"{case}/triage?offset={rng.randrange(100, far) // 50 * 50}"),
            ("overview page", case),
            ("authors page", f"{case}/authors"),
            ("evidence page", f"{case}/evidence"),
            ("api messages", f"{api}/messages?offset={rng.randrange(0, 20) * 50}"),
            ("api overview", f"{api}/overview"),
            ("api reveal", f"{api}/messages/{quote(rng.choice(refs), safe='')}"),
            ("api reveal", f"{api}/messages/{quote(rng.choice(refs), safe='')}"),
        ]
        rng.shuffle(out)
        return out

    times: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    started = asyncio.Event()
    begun: list[float] = []

    async def client(n: int, cookie: str) -> None:
        rng = random.Random(seed * 1000 + n)
        async with httpx.AsyncClient(
            base_url=base, timeout=120, headers={"cookie": cookie}
        ) as http:
            for r in range(warmup + rounds):
                if r == warmup:
                    warmed.append(n)
                    if len(warmed) == clients:
                        begun.append(time.perf_counter())
                        cpu.append(cpu_seconds(server_pid))
                        started.set()
                    await started.wait()
                for route, url in requests(rng):
                    t0 = time.perf_counter()
                    try:
                        answer = await http.get(url)
                        ok = answer.status_code == 200
                        await answer.aread()
                    except httpx.HTTPError:
                        ok = False
                    ms = (time.perf_counter() - t0) * 1000
                    if r >= warmup:
                        times.setdefault(route, []).append(ms)
                        if not ok:
                            errors[route] = errors.get(route, 0) + 1

    warmed: list[int] = []
    cpu: list[tuple[float, float]] = []
    await asyncio.gather(*(client(n, c) for n, (c, _) in enumerate(signed)))
    wall = time.perf_counter() - begun[0]
    (server0, client0), (server1, client1) = cpu[0], cpu_seconds(server_pid)
    return times, errors, wall, (server1 - server0, client1 - client0)


def case_size(db: Path) -> tuple[int, int, int, int]:
    """Primary messages, scored messages, log entries, accounts of the case at ``db``."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        q = [
            "select count(*) from messages where captured_as = 'primary'",
            "select count(*) from scores",
            "select max(seq) from evidence_log",
            "select count(*) from accounts",
        ]
        a, b, c, d = (int(con.execute(s).fetchone()[0] or 0) for s in q)
        return a, b, c, d
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=10, help="Timed rounds per client.")
    parser.add_argument("--warmup", type=int, default=1, help="Rounds not counted, first.")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--case", type=Path, default=None, help="Keep (or reuse) the case here.")
    parser.add_argument("--keep", action="store_true", help="Keep the temporary folder.")
    parser.add_argument("--encoder", action="store_true", help="Score with the encoder.")
    parser.add_argument("--no-analyze", action="store_true", help="Skip the raid analysis.")
    parser.add_argument("--serve", type=Path, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port)
        return

    work = Path(tempfile.mkdtemp(prefix="rempart-bench-web-"))
    home = args.case or work / "built"
    server = None
    try:
        if not (home / "case" / DB).exists():
            home.mkdir(parents=True, exist_ok=True)
            build(home, args.messages, args.encoder, not args.no_analyze)
        served = work / "served" / "bench"
        shutil.copytree(home / "case", served)  # every run starts from the same case
        primary, scored, log, accounts = case_size(served / DB)
        db_mb = sum(p.stat().st_size for p in served.glob(f"{DB}*")) / 1e6
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, __file__, "--serve", str(served), "--port", str(port)]
        )
        wait_ready(port, server)
        times, errors, wall, (server_cpu, client_cpu) = asyncio.run(
            run_clients(
                f"http://127.0.0.1:{port}",
                args.clients,
                args.rounds,
                args.warmup,
                args.seed,
                server.pid,
            )
        )
        total = sum(len(v) for v in times.values())
        print(
            f"case: {primary:,} primary messages ({scored:,} scored), {accounts:,} accounts, "
            f"{log:,} log entries, {db_mb:.0f} MB; {args.clients} clients x {args.rounds} "
            f"rounds (+{args.warmup} warm-up) of 10 requests"
        )
        print(f"{'route':<15}{'requests':>9}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}")
        order = [
            "triage page",
            "overview page",
            "authors page",
            "evidence page",
            "api messages",
            "api overview",
            "api reveal",
        ]
        for route in order:
            ms = times.get(route, [])
            if not ms:
                continue
            print(
                f"{route:<15}{len(ms):>9}{percentile(ms, 50):>9.0f}{percentile(ms, 99):>9.0f}"
                f"{max(ms):>9.0f}{errors.get(route, 0):>8}"
            )
        every = [m for v in times.values() for m in v]
        print(
            f"{'all':<15}{total:>9}{percentile(every, 50):>9.0f}{percentile(every, 99):>9.0f}"
            f"{max(every):>9.0f}{sum(errors.values()):>8}"
        )
        print(
            f"CPU over the timed rounds: server {server_cpu:.1f} s "
            f"({server_cpu / total * 1000:.1f} ms a request, {server_cpu / wall:.2f} cores), "
            f"clients {client_cpu:.1f} s ({client_cpu / wall:.2f} cores)"
        )
        triage_p99 = percentile(times["triage page"], 99)
        print(
            f"throughput: {total / wall:,.1f} requests/s over {wall:.1f} s; cores: "
            f"{os.cpu_count()} (usable {len(os.sched_getaffinity(0))}); python "
            f"{sys.version.split()[0]}, sqlite {sqlite3.sqlite_version}"
        )
        print(
            f"triage page p99 {triage_p99:.0f} ms: "
            + ("meets" if triage_p99 <= 300 else "MISSES")
            + " the target (<= 300 ms)"
        )
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()
        if args.keep:
            print(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
