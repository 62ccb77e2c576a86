"""The ingest pipeline: idempotence, overlaps, edits, rejects, provenance and the case layout."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable

import orjson
import pytest

from rempart.case import Case, find_case_path, ingest, stats, verify
from rempart.errors import CaseError, SourceError

from conftest import T0, page, synthetic_capture, tweet, user
from conftest import plain_messages as messages


def test_case_layout_and_wal(fresh_case: Any) -> None:
    assert (fresh_case.path / "rempart.toml").exists()
    assert fresh_case.targets == ["@cible"]
    db = sqlite3.connect(fresh_case.path / "case.db")
    assert db.execute("pragma journal_mode").fetchone()[0] == "wal"
    names = [r[0] for r in db.execute("select name from _migrations")]
    assert names[:5] == [
        "0001_initial",
        "0002_scores_and_labels",
        "0003_findings",
        "0004_transparency",
        "0005_timestamps",
    ]
    assert "0007_rereadable_rejects" in names  # issue 9 item 10


def test_case_refuses_to_overwrite(fresh_case: Any) -> None:
    with pytest.raises(CaseError, match="already exists"):
        Case.create(fresh_case.path, ["@x"])


def test_missing_case_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(CaseError, match="rempart init"):
        Case.open(tmp_path / "nothing")


def test_case_path_resolution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("REMPART_CASE", raising=False)
    assert find_case_path(None) == tmp_path / "rempart-case"
    monkeypatch.setenv("REMPART_CASE", "/somewhere")
    assert find_case_path(None) == Path("/somewhere")
    assert find_case_path("explicit") == Path("explicit")


def test_reimport_adds_nothing(fresh_case: Any, write_jsonl: Callable[..., Path]) -> None:
    path = synthetic_capture(write_jsonl)
    first = ingest(fresh_case, [path])
    before = fresh_case.store.counts()
    again = ingest(fresh_case, [path])
    after = fresh_case.store.counts()
    assert first.new_records == 6 and again.new_records == 0 and again.known_records == 6
    for key in ("records", "messages", "accounts", "rejects", "sources"):
        assert after[key] == before[key]
    assert after["log_entries"] == before["log_entries"] + 2  # the second capture's start and end
    assert verify(fresh_case).ok


def test_overlapping_files_add_no_duplicates(
    fresh_case: Any, write_jsonl: Callable[..., Path]
) -> None:
    a = [page([tweet(str(i), f"t{i}")]) for i in range(1, 5)]
    b = [page([tweet(str(i), f"t{i}")]) for i in range(3, 8)]
    ingest(fresh_case, [write_jsonl("a.jsonl", a), write_jsonl("b.jsonl", b)])
    assert fresh_case.store.counts()["records"] == 7
    assert sorted(int(m.id) for m in messages(fresh_case)) == list(range(1, 8))
    # the same tweet inside differently-shaped pages: one message, seen in two records
    ingest(fresh_case, [write_jsonl("c.jsonl", [page([tweet("1", "t1"), tweet("2", "t2")])])])
    assert fresh_case.store.counts()["messages"] == 7
    seqs = fresh_case.store.record_seqs(("x", "1"))
    assert len(seqs) == 2
    raws = {r.seq: r.raw for r in fresh_case.store.records()}
    assert all(b'"id":"1"' in raws[s] for s in seqs)


def test_edits_become_versions(fresh_case: Any, write_jsonl: Callable[..., Path]) -> None:
    original = tweet("500", "premier jet")
    edited = tweet(
        "501",
        "version corrigée",
        when=T0 + timedelta(minutes=5),
        edit_history_tweet_ids=["500", "501"],
    )
    ingest(fresh_case, [write_jsonl("v1.jsonl", [page([original])])])
    ingest(
        fresh_case,
        [write_jsonl("v2.jsonl", [page([edited], retrieved="2026-03-03T00:00:00+00:00")])],
    )
    (m,) = list(messages(fresh_case))
    assert m.id == "500"
    assert m.text == "version corrigée"
    assert [(v.id, v.text) for v in m.versions] == [
        ("500", "premier jet"),
        ("501", "version corrigée"),
    ]
    assert verify(fresh_case).ok


def test_deletion_is_recorded_beside_the_content(
    fresh_case: Any, write_jsonl: Callable[..., Path]
) -> None:
    ingest(fresh_case, [write_jsonl("a.jsonl", [page([tweet("77", "menace")])])])
    gone = {
        "errors": [
            {
                "value": "77",
                "resource_id": "77",
                "resource_type": "tweet",
                "title": "Not Found Error",
                "detail": "Could not find tweet with ids: [77].",
                "type": "https://api.twitter.com/2/problems/resource-not-found",
            }
        ],
        "__twarc": {"url": "u", "version": "2.14.1", "retrieved_at": "2026-03-05T00:00:00+00:00"},
    }
    ingest(fresh_case, [write_jsonl("b.jsonl", [gone])])
    (m,) = list(messages(fresh_case))
    assert m.text == "menace" and m.status == "deleted"
    assert fresh_case.store.counts()["status_changes"] == 1
    assert verify(fresh_case).ok


def test_rejects_keep_bytes_file_line_and_reason(
    fresh_case: Any, write_jsonl: Callable[..., Path]
) -> None:
    bad_utf8 = b'{"data": [{"id": "3", "text": "caf\xe9"}]}'
    path = write_jsonl(
        "mixed.jsonl",
        [
            page([tweet("1", "ok")]),
            b'{"data": [{"id": "2", "te',
            bad_utf8,
            page([tweet("4", "encore ok")]),
        ],
    )
    report = ingest(fresh_case, [path])
    assert [(r.line, "UTF-8" in r.reason) for r in report.rejects] == [(2, False), (3, True)]
    assert sorted(m.id for m in messages(fresh_case)) == ["1", "4"]
    kept = list(fresh_case.store.records(rejects_only=True))
    assert [r.raw for r in kept] == [b'{"data": [{"id": "2", "te', bad_utf8]
    assert all(r.reject_reason for r in kept)
    assert verify(fresh_case).ok
    again = ingest(fresh_case, [path])
    assert again.rejects == [] and fresh_case.store.counts()["rejects"] == 2


def test_unrecognised_file_is_kept_whole(fresh_case: Any, tmp_path: Path) -> None:
    odd = tmp_path / "notes.bin"
    odd.write_bytes(b"\x00\x01 not a known format")
    report = ingest(fresh_case, [odd])
    assert len(report.rejects) == 1 and "not recognised" in report.rejects[0].reason
    (rec,) = fresh_case.store.records(rejects_only=True)
    assert rec.raw == odd.read_bytes()


def test_missing_input_is_a_clear_error(fresh_case: Any, tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="no such file"):
        ingest(fresh_case, [tmp_path / "absent.jsonl"])


def test_provenance_of_every_record(fresh_case: Any, write_jsonl: Callable[..., Path]) -> None:
    path = synthetic_capture(write_jsonl, n_pages=2)
    ingest(fresh_case, [path])
    entries = [orjson.loads(e.body) for e in fresh_case.store.entries()]
    assert [e["kind"] for e in entries] == ["capture-start", "record", "record", "capture-end"]
    start, rec = entries[0], entries[1]
    assert start["tool"] == "rempart" and start["operator"] and start["host"]
    assert start["clock"]["source"] == "fixed"
    assert start["inputs"][0]["name"] == str(path)
    import hashlib

    file_sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert start["inputs"][0]["sha256"] == file_sha
    assert rec["source"] == {"name": str(path), "sha256": file_sha}
    first_line = path.read_bytes().split(b"\n")[0]
    assert rec["record_sha256"] == hashlib.sha256(first_line).hexdigest()
    assert rec["line"] == 1 and rec["format"] == "twarc2" and rec["clock"] == "fixed"
    assert rec["captured_at"].startswith("2026-03-01T12:00")
    assert rec["tool_version"]


def test_folder_ingest_and_stats(
    fresh_case: Any, tmp_path: Path, write_jsonl: Callable[..., Path]
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "photo.jpg").write_bytes(b"\xff\xd8")
    (folder / "day1.jsonl").write_bytes(orjson.dumps(page([tweet("1", "a"), tweet("2", "b")])))
    day2 = page([tweet("3", "c", when=T0 + timedelta(days=1))])
    (folder / "day2.jsonl").write_bytes(orjson.dumps(day2))
    ingest(fresh_case, [folder])
    data = stats(fresh_case).to_json()
    assert data["per_day"] == [
        {"day": "2026-03-01", "platform": "x", "format": "twarc2", "messages": 2},
        {"day": "2026-03-02", "platform": "x", "format": "twarc2", "messages": 1},
    ]
    assert data["totals"]["records"] == 2


def test_ids_stay_strings_and_authors_resolve(
    fresh_case: Any, write_jsonl: Callable[..., Path]
) -> None:
    big = "1767000000000000001"  # > 2**53
    ingest(
        fresh_case,
        [
            write_jsonl(
                "a.jsonl", [page([tweet(big, "x", author="9")], users=[user("9", "harceleur", 3)])]
            )
        ],
    )
    (m,) = list(messages(fresh_case))
    assert m.id == big and isinstance(m.id, str)
    assert (m.author_handle, m.author_followers) == ("harceleur", 3)
    assert m.url == f"https://x.com/harceleur/status/{big}"
