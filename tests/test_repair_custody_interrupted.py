"""Issue 9 item 19: who ran an analysis is recorded, and interrupted captures are reported.

`custody` showed `by None` on analysis entries (written without the operator), and a capture
run killed half-way (a `capture-start` without its `capture-end`) was never mentioned.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import orjson
import pytest
from click.testing import CliRunner

from rempart import case as api
from rempart.case import Case
from rempart.cli import main
from rempart.evidence.log import LogWriter

from conftest import synthetic_capture


def test_analysis_entries_name_the_operator(
    fresh_case: Case, write_jsonl: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REMPART_OPERATOR", "maitre.dupont")
    api.ingest(fresh_case, [synthetic_capture(write_jsonl, n_pages=2)])
    api.find_raids(fresh_case)
    analyses = [e for e in api.custody(fresh_case, record=False) if e.kind == "analysis"]
    assert analyses and all(e.by == "maitre.dupont" for e in analyses)


def test_scoring_entries_name_the_operator(
    fresh_case: Case, write_jsonl: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from rempart.case.scoring import load_classifier, score_case

    monkeypatch.setenv("REMPART_OPERATOR", "maitre.dupont")
    api.ingest(fresh_case, [synthetic_capture(write_jsonl, n_pages=1, per_page=2)])
    score_case(fresh_case, load_classifier(fresh_case, use_encoder=False))
    (entry,) = [e for e in api.custody(fresh_case, record=False) if e.kind == "analysis"]
    assert entry.by == "maitre.dupont"


def test_an_old_entry_without_its_author_is_shown_as_unknown(fresh_case: Case) -> None:
    with fresh_case.store.transaction():  # as entries were written before the fix
        writer = LogWriter(fresh_case.store)
        writer.append(
            "analysis",
            {
                "what": "classifier scores",
                "model": "m",
                "messages": 1,
                "at": "2026-03-01T12:00:00Z",
            },
        )
        writer.flush()
    out = CliRunner().invoke(main, ["custody", "--case", str(fresh_case.path)])
    assert out.exit_code == 0
    assert "None" not in out.output and "(unknown)  analysis" in out.output
    js = CliRunner().invoke(main, ["custody", "--json", "--case", str(fresh_case.path)])
    (old,) = [e for e in map(orjson.loads, js.output.splitlines()) if e["kind"] == "analysis"]
    assert old["by"] is None  # the data, as it is


def _interrupted_ingest(case: Case, path: Path) -> None:
    """An import killed after its first transaction of records (like Ctrl-C, or kill)."""
    case.config.setdefault("settings", {})["batch_size"] = 2

    def stop(_: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        api.ingest(case, [path], progress=stop)


def test_an_interrupted_capture_is_a_notice_in_verify_and_stats(
    fresh_case: Case, write_jsonl: Callable[..., Path]
) -> None:
    data = synthetic_capture(write_jsonl)
    _interrupted_ingest(fresh_case, data)
    report = api.verify(fresh_case)
    assert report.ok, [str(p) for p in report.problems]  # what it committed is whole
    (notice,) = report.notices
    assert (notice.what, notice.kind) == ("capture", "interrupted")
    assert notice.where.startswith("1 (entry 1, started 2026-03-01T12:00:00Z")
    stats = api.stats(fresh_case)
    assert [(c["capture"], c["started_at"]) for c in stats.interrupted_captures] == [
        (1, "2026-03-01T12:00:00Z")
    ]
    runner = CliRunner()
    where = ["--case", str(fresh_case.path)]
    out = runner.invoke(main, ["verify", *where])
    assert out.exit_code == 0 and "notice: capture 1 (entry 1" in out.output
    assert "interrupted" in out.output and "OK:" in out.output
    js = runner.invoke(main, ["verify", "--json", *where])
    assert orjson.loads(js.output)["notices"][0]["kind"] == "interrupted"
    text = runner.invoke(main, ["stats", *where])
    assert "capture 1 started 2026-03-01T12:00:00Z has no end" in text.output
    # importing again completes the work; the interrupted run stays on record
    fresh_case.config["settings"]["batch_size"] = 2000
    api.ingest(fresh_case, [data])
    again = api.verify(fresh_case)
    assert again.ok and [n.where.split(" ")[0] for n in again.notices] == ["1"]
    assert api.verify(fresh_case).records == 6


def test_a_complete_case_has_no_notice(fresh_case: Case, write_jsonl: Callable[..., Path]) -> None:
    api.ingest(fresh_case, [synthetic_capture(write_jsonl)])
    report: Any = api.verify(fresh_case)
    assert report.ok and report.notices == []
    assert api.stats(fresh_case).interrupted_captures == ()
