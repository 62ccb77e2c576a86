"""An import killed half-way can simply be run again: nothing lost, nothing duplicated."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

from rempart.case import ingest, init_case, open_case, verify
from rempart.models import message_to_dict

from conftest import synthetic_capture


def _count(db_path: Path) -> int:
    try:
        db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=5)
        try:
            return int(db.execute("select count(*) from records").fetchone()[0])
        finally:
            db.close()
    except sqlite3.Error:
        return 0


def test_kill_half_way_then_rerun(tmp_path: Path, write_jsonl: Callable[..., Path]) -> None:
    data = synthetic_capture(write_jsonl, n_pages=1500, per_page=4)
    case_dir = tmp_path / "killed"
    init_case(case_dir, ["@cible"]).close()
    env = {**os.environ, "REMPART_BATCH_SIZE": "2"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "rempart.cli", "ingest", "-q", "--case", str(case_dir), str(data)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    db_path = case_dir / "case.db"
    deadline = time.monotonic() + 60
    seen = 0
    while time.monotonic() < deadline and proc.poll() is None:
        seen = _count(db_path)
        if seen >= 100:
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the import finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    partial = _count(db_path)
    assert 100 <= partial < 1500, partial

    case = open_case(case_dir)
    half = verify(case)
    assert half.ok, half.problems  # what was committed is whole and sealed
    report = ingest(case, [data])
    assert report.new_records == 1500 - partial
    assert report.known_records == partial

    clean = init_case(tmp_path / "clean", ["@cible"])
    ingest(clean, [data])
    assert case.store.counts()["records"] == clean.store.counts()["records"] == 1500
    assert case.store.counts()["messages"] == clean.store.counts()["messages"] == 6000
    ours = [message_to_dict(m.message) for m in case.store.messages()]
    theirs = [message_to_dict(m.message) for m in clean.store.messages()]
    for d in ours + theirs:
        d.pop("observed_at")
    assert ours == theirs
    final = verify(case)
    assert final.ok, final.problems
    assert final.records == 1500
    shas = [r.sha256 for r in case.store.records()]
    assert len(shas) == len(set(shas))
    case.close()
    clean.close()
