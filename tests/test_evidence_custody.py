"""Capture context, deletions observed as new entries, and the chain of custody in the log."""

from __future__ import annotations

import platform
import socket
import sys
from pathlib import Path
from typing import Any, Callable

import orjson
import pytest
from click.testing import CliRunner

from rempart import case as api
from rempart.cli import main
from rempart.errors import EvidenceError
from rempart.evidence.log import LogWriter

from conftest import page, synthetic_capture, tweet, user

SEARCH = "https://api.x.com/2/tweets/search/recent?query=%40cible&max_results=100"
HOSTILE = '"},"kind":"record","seq":1}\x1b[2J\u202e; drop table evidence_log; --'


def logged(case: Any, kind: str) -> list[dict[str, Any]]:
    return [orjson.loads(e.body) for e in case.store.entries() if e.kind == kind]


def twarc_page(
    tweets: list[dict[str, Any]],
    url: str = SEARCH,
    retrieved: str = "2026-03-02T00:00:00+00:00",
    **extra: Any,
) -> dict[str, Any]:
    doc = page(tweets, retrieved=retrieved, **extra)
    doc["__twarc"]["url"] = url
    return doc


def not_found(tid: str) -> dict[str, Any]:
    """A twarc2 errors[] item saying the tweet was deleted."""
    return {
        "value": tid,
        "detail": f"Could not find tweet with ids: [{tid}].",
        "title": "Not Found Error",
        "resource_type": "tweet",
        "parameter": "ids",
        "resource_id": tid,
        "type": "https://api.twitter.com/2/problems/resource-not-found",
    }


def test_capture_start_carries_the_capture_context(
    fresh_case: Any, write_jsonl: Callable[..., Path]
) -> None:
    path = write_jsonl("search.jsonl", [twarc_page([tweet("1", "@cible hello")])])
    api.ingest(fresh_case, [path], command="rempart ingest search.jsonl")
    (start,) = logged(fresh_case, "capture-start")
    assert start["host"] == socket.gethostname()
    assert start["platform"] == platform.platform()
    assert start["python"] == sys.version.split()[0]
    assert start["tool"] == "rempart" and start["tool_version"]
    assert start["operator"] == fresh_case.settings["operator"]
    assert start["clock"]["source"] == "fixed" and start["clock_offset_s"] is None
    assert start["command"] == "rempart ingest search.jsonl"
    assert "status-change" in start["entries"]
    (source,) = start["inputs"]
    assert (source["name"], source["file"]) == (str(path), "search.jsonl")
    assert source["sha256"] == logged(fresh_case, "record")[0]["source"]["sha256"]
    assert source["origin"] == {
        "tool": "twarc2",
        "tool_version": "2.14.1",
        "api": "https://api.x.com/2/tweets/search/recent",
        "query": "query=%40cible&max_results=100",
    }
    assert api.verify(fresh_case).ok


def test_a_file_that_does_not_say_where_it_came_from_has_no_origin(
    fresh_case: Any, write_jsonl: Callable[..., Path]
) -> None:
    path = write_jsonl(
        "bare.jsonl",
        [{"data": [tweet("1", "@cible hi")], "includes": {"users": [user("100", "troll")]}}],
    )
    api.ingest(fresh_case, [path])
    (source,) = logged(fresh_case, "capture-start")[0]["inputs"]
    assert "origin" not in source


def test_a_deletion_is_a_new_entry_and_erases_nothing(
    fresh_case: Any, write_jsonl: Callable[..., Path]
) -> None:
    first = write_jsonl(
        "first.jsonl",
        [twarc_page([tweet("7", "@cible you will regret it"), tweet("8", "@cible hi")])],
    )
    api.ingest(fresh_case, [first])
    assert logged(fresh_case, "status-change") == []
    gone = write_jsonl(
        "gone.jsonl",
        [twarc_page([], retrieved="2026-03-05T00:00:00+00:00", errors=[not_found("7")])],
    )
    api.ingest(fresh_case, [gone])
    (change,) = logged(fresh_case, "status-change")
    record = next(r for r in logged(fresh_case, "record") if r["source"]["name"] == str(gone))
    assert {
        k: change[k]
        for k in ("platform", "subject", "id", "status", "previous", "observed_at", "record")
    } == {
        "platform": "x",
        "subject": "message",
        "id": "7",
        "status": "deleted",
        "previous": "available",
        "observed_at": "2026-03-05T00:00:00Z",
        "record": record["seq"],
    }
    assert "Could not find tweet" in change["detail"]
    stored = fresh_case.store.get_messages([("x", "7")])[("x", "7")].message
    assert (stored.status, stored.text) == ("deleted", "@cible you will regret it")
    original = logged(fresh_case, "record")[0]["seq"]
    assert fresh_case.store.record_seqs(("x", "7")) == [original, record["seq"]]
    kept = next(r for r in fresh_case.store.records() if r.seq == original)
    assert b"you will regret it" in kept.raw  # the original record's bytes stay as they were
    report = api.verify(fresh_case)
    assert report.ok and report.replayed and report.status_changes == 1


def test_only_new_observations_make_entries(
    fresh_case: Any, write_jsonl: Callable[..., Path]
) -> None:
    api.ingest(fresh_case, [write_jsonl("a.jsonl", [twarc_page([tweet("7", "@cible grr")])])])
    gone = write_jsonl(
        "gone.jsonl",
        [twarc_page([], retrieved="2026-03-05T00:00:00+00:00", errors=[not_found("7")])],
    )
    api.ingest(fresh_case, [gone])
    api.ingest(fresh_case, [gone])  # the same file again: its record is already kept
    still_gone = write_jsonl(
        "still.jsonl",
        [twarc_page([], retrieved="2026-03-06T00:00:00+00:00", errors=[not_found("7")])],
    )
    api.ingest(fresh_case, [still_gone])  # another notice, same status: nothing new
    assert [c["status"] for c in logged(fresh_case, "status-change")] == ["deleted"]
    back = write_jsonl(
        "back.jsonl",
        [twarc_page([tweet("7", "@cible grr")], retrieved="2026-03-07T00:00:00+00:00")],
    )
    api.ingest(fresh_case, [back])
    changes = logged(fresh_case, "status-change")
    assert [(c["status"], c["previous"]) for c in changes] == [
        ("deleted", "available"),
        ("available", "deleted"),
    ]
    assert fresh_case.store.get_messages([("x", "7")])[("x", "7")].message.status == "available"
    assert api.verify(fresh_case).ok


def test_verify_catches_a_forged_status_change(
    fresh_case: Any, write_jsonl: Callable[..., Path]
) -> None:
    api.ingest(fresh_case, [synthetic_capture(write_jsonl)])
    record = logged(fresh_case, "record")[0]["seq"]
    with fresh_case.store.transaction():
        writer = LogWriter(fresh_case.store)
        forged = writer.append(
            "status-change",
            {
                "platform": "x",
                "subject": "message",
                "id": "1000000",
                "status": "deleted",
                "previous": "available",
                "observed_at": None,
                "detail": None,
                "record": record,
            },
        )
        writer.flush()
    (problem,) = api.verify(fresh_case).problems
    assert (problem.what, problem.where, problem.kind) == (
        "status change",
        str(forged.seq),
        "inserted",
    )


def test_views_and_annotations_are_in_the_custody_output(
    fresh_case: Any, write_jsonl: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    api.ingest(fresh_case, [synthetic_capture(write_jsonl)])
    monkeypatch.setenv("REMPART_OPERATOR", "maitre.dupont")
    runner = CliRunner()
    case = ["--case", str(fresh_case.path)]
    assert runner.invoke(main, ["messages", "--platform", "x", *case]).exit_code == 0
    assert runner.invoke(main, ["stats", "--json", *case]).exit_code == 0
    labelled = runner.invoke(main, ["label", "x:1000000", "insult=1", *case])
    assert labelled.exit_code == 0, labelled.output
    result = runner.invoke(main, ["custody", "--json", *case])
    assert result.exit_code == 0, result.output
    events = [orjson.loads(line) for line in result.stdout.splitlines()]
    assert [e["kind"] for e in events] == ["capture-start", "view", "view", "annotation"]
    capture, messages, stats, annotation = events
    assert capture["by"] != "maitre.dupont" and capture["at"] == "2026-03-01T12:00:00Z"
    assert {e["by"] for e in events[1:]} == {"maitre.dupont"}
    assert all(e["at"].endswith("Z") for e in events[1:])
    assert messages["what"] == {
        "command": "messages",
        "via": "cli",
        "count": 30,
        "filters": {
            "platform": "x",
            "since": None,
            "until": None,
            "include_referenced": False,
            "labels": [],
            "min_severity": None,
            "authors": [],
            "episode": None,
            "sort": "time",
            "reverse": False,
            "limit": None,
            "marked": None,
        },
    }
    assert (stats["what"]["command"], stats["what"]["count"]) == ("stats", 30)
    assert annotation["what"]["message"] == "x:1000000"
    text = runner.invoke(main, ["custody", *case]).stdout.splitlines()
    assert len(text) == 5  # the listing above is itself a view, recorded after what it shows
    assert "maitre.dupont  view" in text[1] and '"command":"messages"' in text[1]
    assert "annotation" in text[3]
    assert '"command":"custody","count":4,"via":"cli"' in text[4]
    with api.open_case(fresh_case.path) as reopened:
        assert api.verify(reopened).ok


def test_findings_views_are_recorded(fresh_case: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    fresh_case.store.put_findings("2026-03-01T12:00:00Z", {"episodes": [{"kind": "raid"}]})
    result = CliRunner().invoke(main, ["findings", "--json", "--case", str(fresh_case.path)])
    assert result.exit_code == 0, result.output
    with api.open_case(fresh_case.path) as reopened:
        (view,) = [e for e in api.custody(reopened, record=False) if e.kind == "view"]
    assert view.what == {"command": "findings", "via": "cli", "rerun": False, "count": 1}


def test_hostile_operators_and_filters_are_kept_as_data(
    fresh_case: Any, write_jsonl: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    api.ingest(fresh_case, [write_jsonl("a.jsonl", [twarc_page([tweet("1", "@cible x")])])])
    monkeypatch.setenv("REMPART_OPERATOR", HOSTILE)
    runner = CliRunner()
    case = ["--case", str(fresh_case.path)]
    # (a hostile --since is now refused as not a date: issue 9 item 18; --platform is free)
    assert runner.invoke(main, ["messages", "--platform", HOSTILE, *case]).exit_code == 0
    text = runner.invoke(main, ["custody", *case]).stdout
    assert "\x1b" not in text and "\u202e" not in text
    with api.open_case(fresh_case.path) as reopened:
        api.record_custody(reopened, "report", {"seq": 1, "kind": "record", "v": HOSTILE})
        *_, view, _listing, report = api.custody(reopened, record=False)
        assert (view.by, view.what["filters"]["platform"]) == (HOSTILE, HOSTILE)
        assert (report.kind, report.what) == ("report", {"seq": 1, "kind": "record", "v": HOSTILE})
        last = list(reopened.store.entries())[-1]
        assert (last.kind, orjson.loads(last.body)["seq"]) == ("report", last.seq)
        assert api.verify(reopened).ok


def test_record_custody_refuses_an_unknown_action(fresh_case: Any) -> None:
    with pytest.raises(EvidenceError, match="unknown custody action"):
        api.record_custody(fresh_case, "capture-start", {})
    assert api.custody(fresh_case, record=False) == []


def test_export_and_report_events_are_listed(fresh_case: Any) -> None:
    api.record_custody(fresh_case, "export", {"file": "exports/bundle.zip", "entries": 3})
    api.record_custody(fresh_case, "report", {"what": "dossier"})
    events = api.custody(fresh_case, record=False)
    assert [(e.kind, e.what) for e in events] == [
        ("export", {"file": "exports/bundle.zip", "entries": 3}),
        ("report", {"what": "dossier"}),
    ]
    assert {e.at for e in events} == {"2026-03-01T12:00:00Z", "2026-03-01T12:00:01Z"}


def test_verify_finds_an_observation_left_out_of_the_log(
    fresh_case: Any, write_jsonl: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    import rempart.case.capture as pipeline

    api.ingest(fresh_case, [write_jsonl("a.jsonl", [twarc_page([tweet("7", "@cible grr")])])])
    gone = write_jsonl("gone.jsonl", [twarc_page([], errors=[not_found("7")])])
    real = pipeline.apply_items
    with monkeypatch.context() as patch:  # an importer that forgets to seal what it saw
        patch.setattr(
            pipeline, "apply_items", lambda store, parsed, *rest: real(store, parsed, *rest)[:0]
        )
        api.ingest(fresh_case, [gone])
    assert logged(fresh_case, "status-change") == []
    (problem,) = api.verify(fresh_case).problems
    assert (problem.what, problem.kind) == ("status change", "missing")
    assert "message x:7 as 'deleted'" in problem.detail
