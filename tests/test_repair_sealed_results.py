"""Issue 9 item 3: scores, findings and labels are sealed in the log; verify checks them.

Each result set is edited, deleted and inserted straight in the database with sqlite3: verify
must fail naming it. An untouched case verifies OK; results made before sealing are noticed.
"""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable

import orjson
import pytest

from rempart.case import ingest, verify
from rempart.case.analysis import find_raids
from rempart.case.scoring import add_labels, load_classifier, score_case
from rempart.evidence.log import LogWriter
from rempart.evidence.transparency import tree_heads
from rempart.storage.base import ScoreRow

from conftest import T0, page, tweet, user

TEXTS = [
    "@cible t'es une conne",
    "@cible bravo pour ton travail",
    "@cible je sais où tu habites",
    "@cible sale pute dégage",
    "@cible merci pour l'article",
    "@cible crève",
]


@pytest.fixture
def analysed(fresh_case: Any, write_jsonl: Callable[..., Path]) -> Any:
    """A case with 12 messages, scored, analysed and labelled twice, verified clean."""
    tweets = [
        tweet(
            str(500 + i),
            TEXTS[i % len(TEXTS)],
            author=str(100 + i % 4),
            when=T0 + timedelta(minutes=i),
        )
        for i in range(12)
    ]
    users = [user(str(100 + i), f"user{i}") for i in range(4)]
    ingest(fresh_case, [write_jsonl("raid.jsonl", [page(tweets, users)])])
    score_case(fresh_case, load_classifier(fresh_case, use_encoder=False))
    find_raids(fresh_case)
    add_labels(fresh_case, ("x", "500"), {"insult": 1, "threat": 0}, author="alice")
    add_labels(fresh_case, ("x", "502"), {"threat": 1}, author="bob", note="adresse")
    report = verify(fresh_case)
    assert report.ok, report.problems
    assert not report.notices, report.notices
    return fresh_case


def _db(case: Any) -> sqlite3.Connection:
    return sqlite3.connect(case.path / "case.db", isolation_level=None)


def _problems(case: Any) -> list[tuple[str, str, str]]:
    report = verify(case)
    assert not report.ok
    return [(p.what, p.where, p.kind) for p in report.problems]


def _score_run(case: Any) -> int:
    [(run,)] = _db(case).execute("select distinct run from scores").fetchall()
    return int(run)


def _analysis_entries(case: Any) -> list[dict[str, Any]]:
    return [orjson.loads(e.body) for e in case.store.entries() if e.kind == "analysis"]


# --------------------------------------------------------------------------- sealing


def test_entries_seal_hashes_and_analyze_and_label_sign_heads(analysed: Any) -> None:
    scores, raid = _analysis_entries(analysed)
    run = _score_run(analysed)
    assert scores["run"] == run and scores["score_runs"][str(run)]["rows"] == 12
    assert len(scores["score_runs"][str(run)]["sha256"]) == 64
    assert raid["findings"]["id"] == 1 and len(raid["findings"]["sha256"]) == 64
    labels = [orjson.loads(e.body) for e in analysed.store.entries() if e.kind == "annotation"]
    assert len(labels) == 3 and all(len(b["sha256"]) == 64 for b in labels)
    size = analysed.store.log_head()[0]
    heads = [sth for _, sth in tree_heads(analysed.store)]
    assert heads[-1].tree_size == size  # the last label is covered by a signed head
    assert {"analysis", "annotation"} <= {sth.reason for sth in heads}
    raid_seq = next(
        e.seq
        for e in analysed.store.entries()
        if e.kind == "analysis" and b"raid analysis" in e.body
    )
    assert raid_seq in {sth.tree_size for sth in heads}


# --------------------------------------------------------------------------- scores


def test_edited_score_is_found(analysed: Any) -> None:
    run = _score_run(analysed)
    _db(analysed).execute("update scores set abusive = 0.01, severity = 'none' where id = '502'")
    assert ("scores", f"of run {run}", "altered rows") in _problems(analysed)


def test_edited_score_data_is_found(analysed: Any) -> None:
    run = _score_run(analysed)
    _db(analysed).execute("update scores set labels = '[]' where id = '500'")
    assert ("scores", f"of run {run}", "altered rows") in _problems(analysed)


def test_deleted_score_is_found(analysed: Any) -> None:
    run = _score_run(analysed)
    _db(analysed).execute("delete from scores where id = '503'")
    assert ("scores", f"of run {run}", "missing rows") in _problems(analysed)


def test_inserted_score_is_found(analysed: Any) -> None:
    db = _db(analysed)
    run = _score_run(analysed)
    db.execute(
        "insert into scores select platform, '999', model, lang, abusive, severity, "
        "labels, data, scored_at, run from scores where id = '500'"
    )
    assert ("scores", f"of run {run}", "inserted") in _problems(analysed)
    db.execute("update scores set run = 77 where id = '999'")
    assert ("scores", "of run 77", "inserted") in _problems(analysed)
    db.execute("update scores set run = null where id = '999'")
    assert ("scores", "made before sealing", "inserted") in _problems(analysed)


# --------------------------------------------------------------------------- findings


def test_edited_findings_are_found(analysed: Any) -> None:
    db = _db(analysed)
    data = orjson.loads(db.execute("select data from findings").fetchone()[0])
    data["origins"] = [{"url": "https://example.invalid/x", "messages": 3}]
    db.execute("update findings set data = ?", (orjson.dumps(data),))
    assert ("findings", "run #1", "altered") in _problems(analysed)


def test_deleted_findings_are_found(analysed: Any) -> None:
    _db(analysed).execute("delete from findings")
    assert ("findings", "run #1", "deleted") in _problems(analysed)


def test_inserted_findings_are_found(analysed: Any) -> None:
    _db(analysed).execute(
        "insert into findings (created_at, data, log_size) "
        "select created_at, '{\"episodes\": []}', log_size from findings"
    )
    assert ("findings", "run #2", "inserted") in _problems(analysed)


# --------------------------------------------------------------------------- labels


def test_edited_label_is_found(analysed: Any) -> None:
    _db(analysed).execute("update labels set value = 0 where id = '502'")
    problems = _problems(analysed)
    assert [(w, k) for w, _, k in problems] == [("label", "altered")]
    assert problems[0][1].startswith("x:502 threat=1 by bob")


def test_deleted_label_is_found(analysed: Any) -> None:
    _db(analysed).execute("delete from labels where category = 'insult'")
    problems = _problems(analysed)
    assert [(w, k) for w, _, k in problems] == [("label", "deleted")]
    assert problems[0][1].startswith("x:500 insult=1 by alice")


def test_inserted_label_is_found(analysed: Any) -> None:
    _db(analysed).execute(
        "insert into labels (platform, id, category, value, author, at) "
        "values ('x', '501', 'insult', 1, 'mallory', '2026-03-01T12:00:00Z')"
    )
    problems = _problems(analysed)
    assert problems == [("label", "x:501 insult=1 by mallory at 2026-03-01T12:00:00Z", "inserted")]


# --------------------------------------------------------------------------- status


def test_edited_status_is_found(analysed: Any) -> None:
    """A message's or an account's status edited in the database is caught by the replay."""
    db = _db(analysed)
    data = orjson.loads(db.execute("select data from messages where id = '501'").fetchone()[0])
    data["status"] = "deleted"
    db.execute(
        "update messages set status = 'deleted', data = ? where id = '501'", (orjson.dumps(data),)
    )
    assert ("message", "x:501", "altered") in _problems(analysed)


def test_edited_account_status_is_found(analysed: Any) -> None:
    db = _db(analysed)
    data = orjson.loads(db.execute("select data from accounts where id = '101'").fetchone()[0])
    data["status"] = "suspended"
    db.execute(
        "update accounts set status = 'suspended', data = ? where id = '101'", (orjson.dumps(data),)
    )
    assert ("account", "x:101", "altered") in _problems(analysed)


# --------------------------------------------------------------------------- one run, one entry


def test_rescoring_and_a_second_run_stay_verifiable(analysed: Any) -> None:
    score_case(analysed, load_classifier(analysed, use_encoder=False), rescore=True)
    find_raids(analysed)
    report = verify(analysed)
    assert report.ok, report.problems
    runs = {r for (r,) in _db(analysed).execute("select distinct run from scores")}
    assert len(runs) == 1  # the second run took every row over


def test_results_made_before_sealing_are_noticed_not_failed(
    fresh_case: Any, write_jsonl: Callable[..., Path]
) -> None:
    """A case analysed by an older rempart: rows with no run, entries with no hashes."""
    ingest(fresh_case, [write_jsonl("a.jsonl", [page([tweet("1", "@cible hello")])])])
    store = fresh_case.store
    with store.transaction():
        store.put_scores(
            [
                ScoreRow(
                    "x", "1", "old", "fr", 0.1, "none", (), {"scores": {}}, "2026-03-01T12:00:00Z"
                )
            ]
        )
        store.put_findings("2026-03-01T12:00:00Z", {"episodes": []})
        writer = LogWriter(store)
        writer.append(
            "analysis",
            {
                "what": "classifier scores",
                "model": "old",
                "messages": 1,
                "at": "2026-03-01T12:00:00Z",
            },
        )
        writer.append("analysis", {"what": "raid analysis", "at": "2026-03-01T12:00:00Z"})
        writer.flush()
    report = verify(fresh_case)
    assert report.ok, report.problems
    assert [(n.what, n.kind) for n in report.notices] == [
        ("scores", "not sealed"),
        ("findings", "not sealed"),
    ]
    assert "made before" in report.notices[0].detail
    # a second findings row that no older entry accounts for is an insertion
    store.put_findings("2026-03-01T12:00:00Z", {"episodes": []})
    assert ("findings", "run #2", "inserted") in _problems(fresh_case)
    # analysing seals every row from now on
    score_case(fresh_case, load_classifier(fresh_case, use_encoder=False), rescore=True)
    find_raids(fresh_case)
    _db(fresh_case).execute("delete from findings where id = 2")
    report = verify(fresh_case)
    assert [(n.what, n.kind) for n in report.notices] == [("findings", "not sealed")]
    assert report.ok, report.problems


def test_status_change_rows_edited_deleted_or_inserted_are_found(
    fresh_case: Any, write_jsonl: Callable[..., Path]
) -> None:
    """The stored status changes (read by the ban-evasion analysis) must be the replayed ones."""
    ingest(fresh_case, [write_jsonl("a.jsonl", [page([tweet("77", "menace")])])])
    gone = {
        "errors": [
            {
                "value": "77",
                "resource_id": "77",
                "resource_type": "tweet",
                "title": "Not Found Error",
                "detail": "Could not find tweet 77.",
                "type": "https://api.twitter.com/2/problems/resource-not-found",
            }
        ],
        "__twarc": {"url": "u", "version": "2.14.1", "retrieved_at": "2026-03-05T00:00:00+00:00"},
    }
    ingest(fresh_case, [write_jsonl("b.jsonl", [gone])])
    assert verify(fresh_case).ok
    db = _db(fresh_case)
    db.execute("update status_changes set status = 'withheld'")
    assert ("status change", "message x:77", "altered or inserted") in _problems(fresh_case)
    db.execute("update status_changes set status = 'deleted'")
    assert verify(fresh_case).ok
    db.execute(
        "insert into status_changes select platform, subject, '78', status, observed_at, "
        "detail, seq from status_changes"
    )
    assert ("status change", "message x:78", "altered or inserted") in _problems(fresh_case)
    db.execute("delete from status_changes")
    assert ("status change", "message x:77", "missing") in _problems(fresh_case)


def test_rows_of_an_interrupted_run_are_reported_then_sealed_by_the_next(analysed: Any) -> None:
    """A scoring run stopped before its entry leaves rows marked run 0 (pending)."""
    run = _score_run(analysed)
    _db(analysed).execute("update scores set run = 0 where id in ('500', '501')")
    problems = _problems(analysed)
    assert ("scores", "of an interrupted run", "inserted") in problems
    assert ("scores", f"of run {run}", "missing rows") in problems
    score_case(analysed, load_classifier(analysed, use_encoder=False))  # nothing new to score
    report = verify(analysed)
    assert report.ok, report.problems
    assert _analysis_entries(analysed)[-1]["interrupted_rows"] == 2
