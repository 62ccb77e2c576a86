"""Marks put during triage (issue 12): quarantine and select messages, block their authors;
each sealed as a ``mark`` log entry, kept while on, checked by verify; bulk labels in one go."""

from __future__ import annotations

import re
from pathlib import Path

import orjson
import pytest
from fastapi.testclient import TestClient

from rempart import case as rc
from rempart.errors import RempartError
from rempart.web import create_app

from web_support import PASSWORD, workspace


def _mark_entries(case: rc.Case) -> list[dict[str, object]]:
    return [orjson.loads(e.body) for e in case.store.entries() if e.kind == "mark"]


@pytest.fixture
def alice(tmp_path: Path) -> rc.Case:
    ws = workspace(tmp_path)
    case = rc.open_case(ws.paths["alice"])
    yield case
    case.close()


def test_marks_go_on_and_off_sealed_and_block_marks_the_author(alice: rc.Case) -> None:
    rows = rc.messages(alice, record=False)
    first, second = rows[0].message, rows[1].message
    refs = [f"x:{first.id}", f"x:{second.id}"]
    rc.mark(alice, refs, "quarantine")
    blocked = rc.mark(alice, [f"x:{first.id}"], "block")
    assert blocked.subjects == [("x", first.author_id)]
    now = rc.current_marks(alice)
    assert now["quarantine"] == {first.key, second.key}
    assert now["block"] == {("x", first.author_id)}
    assert now["select"] == set()
    rc.mark(alice, [f"x:{second.id}"], "quarantine", on=False)
    assert rc.current_marks(alice)["quarantine"] == {first.key}
    entries = _mark_entries(alice)
    assert [(e["mark"], e["on"]) for e in entries] == [
        ("quarantine", True),
        ("block", True),
        ("quarantine", False),
    ]
    assert entries[1]["subjects"] == [
        {"subject": "account", "platform": "x", "id": first.author_id}
    ]
    assert rc.verify(alice).ok
    # the queue shows them
    queue = rc.triage(alice, limit=50)
    marks = {i.ref: i.marks for i in queue.items}
    assert "quarantine" in marks[f"x:{first.id}"] and "block" in marks[f"x:{first.id}"]
    assert marks[f"x:{second.id}"] == ()


def test_verify_reports_a_mark_changed_behind_the_logs_back(alice: rc.Case) -> None:
    ref = f"x:{rc.messages(alice, record=False)[0].message.id}"
    rc.mark(alice, [ref], "select")
    db = alice.store.db  # type: ignore[attr-defined]
    db.execute("update marks set by = 'mallory'")
    problems = [p for p in rc.verify(alice).problems if p.what == "mark"]
    assert [p.kind for p in problems] == ["altered"]
    db.execute("delete from marks")
    assert [p.kind for p in rc.verify(alice).problems if p.what == "mark"] == ["deleted"]
    db.execute(
        "insert into marks (subject, platform, id, mark, seq, by, at) "
        "values ('message', 'x', '1', 'quarantine', 1, 'mallory', '2026-01-01T00:00:00Z')"
    )
    kinds = sorted(p.kind for p in rc.verify(alice).problems if p.what == "mark")
    assert kinds == ["deleted", "inserted"]


def test_bad_marks_are_refused_and_record_nothing(alice: rc.Case) -> None:
    ref = f"x:{rc.messages(alice, record=False)[0].message.id}"
    with pytest.raises(RempartError, match="unknown mark"):
        rc.mark(alice, [ref], "delete")
    with pytest.raises(RempartError):
        rc.mark(alice, ["x:no-such-message"], "quarantine")
    with pytest.raises(RempartError, match="1 to 1000"):
        rc.mark(alice, [], "select")
    assert _mark_entries(alice) == []


def test_bulk_labels_are_one_transaction_and_one_signed_head(alice: rc.Case) -> None:
    refs = [f"x:{r.message.id}" for r in rc.messages(alice, record=False)[:5]]
    heads = len(alice.store.tree_heads())
    done = rc.label_many(alice, refs, {"threat": 0})
    assert len(done) == 5
    assert len(alice.store.tree_heads()) == heads + 1
    assert rc.verify(alice).ok


def _login(client: TestClient, email: str) -> str:
    page = client.post("/login", data={"email": email, "password": PASSWORD}, follow_redirects=True)
    found = re.search(r'data-csrf="([^"]+)"', page.text)
    assert found is not None
    return found.group(1)


def test_the_triage_queue_marks_in_bulk_and_a_viewer_cannot(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    client = TestClient(create_app(ws), base_url="https://testserver")
    csrf = _login(client, "helper@example.org")
    queue = client.get("/api/cases/alice/messages").json()["items"]
    refs = [i["ref"] for i in queue[:3]]
    answer = client.post(
        "/cases/alice/marks",
        data={"csrf": csrf, "ref": refs, "mark": "quarantine"},
        follow_redirects=False,
    )
    assert answer.status_code == 303
    page = client.get("/cases/alice/triage")
    assert page.text.count('class="mark"') >= 3
    marks = client.get("/api/cases/alice/marks").json()
    assert sorted(marks["quarantine"]) == sorted(refs)
    viewer = TestClient(create_app(ws), base_url="https://testserver")
    vcsrf = _login(viewer, "viewer@example.org")
    refused = viewer.post("/cases/alice/marks", data={"csrf": vcsrf, "ref": refs, "mark": "select"})
    assert refused.status_code == 403
    case = rc.open_case(ws.paths["alice"])
    try:
        entries = _mark_entries(case)
        assert len(entries) == 1 and entries[0]["by"] == "helper@example.org"
        assert entries[0]["via"] == "web"
    finally:
        case.close()


def test_a_court_file_of_the_selected_messages_only(alice: rc.Case, tmp_path: Path) -> None:
    rows = rc.messages(alice, record=False)
    chosen = [f"x:{rows[2].message.id}", f"x:{rows[5].message.id}"]
    rc.mark(alice, chosen, "select")
    done = rc.report(alice, "json", tmp_path / "selected.json", marked="select")
    cited = orjson.loads((tmp_path / "selected.json").read_bytes())["messages"]
    assert done.messages == 2
    assert sorted(m["ref"] for m in cited) == sorted(chosen)
    everything = rc.report(alice, "json", tmp_path / "all.json")
    assert everything.messages == len(rows)


def test_notices_of_the_selected_messages_download_as_a_zip(tmp_path: Path) -> None:
    import io
    import zipfile

    ws = workspace(tmp_path)
    client = TestClient(create_app(ws), base_url="https://testserver")
    csrf = _login(client, "owner@example.org")
    queue = client.get("/api/cases/alice/messages").json()["items"]
    empty = client.post("/cases/alice/notices", data={"csrf": csrf, "selected": "1"})
    assert empty.status_code == 400 and "no message is selected" in empty.text
    refs = [i["ref"] for i in queue[:2]]
    client.post("/cases/alice/marks", data={"csrf": csrf, "ref": refs, "mark": "select"})
    nameless = client.post("/cases/alice/notices", data={"csrf": csrf, "selected": "1"})
    assert nameless.status_code == 400 and "notifier" in nameless.text
    answer = client.post(
        "/cases/alice/notices", data={"csrf": csrf, "selected": "1", "notifier": "Alice Martin"}
    )
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(answer.content)).namelist()
    assert any(n.endswith("index.json") for n in names)
