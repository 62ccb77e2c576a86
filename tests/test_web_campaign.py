"""The accounts page's campaign view (issue 12): ban evasion, impersonators and the
coordination graph from the latest raid analysis, every handle rendered as inert text."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from rempart import case as rc
from rempart.web import create_app

from web_support import PASSWORD, workspace

HOSTILE = '<script>window.__xss=1</script><img src=x onerror="alert(1)">'


def test_the_campaign_view_names_accounts_and_draws_the_graph(tmp_path: Path) -> None:
    ws = workspace(tmp_path, names=[HOSTILE])
    case = rc.open_case(ws.paths["alice"])
    try:
        assert rc.campaign(case) is None  # never analysed: nothing to show, nothing run
        case.store.put_findings(
            "2026-03-01T12:00:00Z",
            {
                "episodes": [],
                "evasion_links": [
                    {
                        "from": "1000",
                        "to": "1001",
                        "score": 0.9,
                        "evidence": ["same bio", "took over 40 s later"],
                    }
                ],
                "impersonators": [
                    {
                        "account_id": "1002",
                        "target": "@alice",
                        "score": 0.8,
                        "evidence": ["name like the target's"],
                    }
                ],
                "coordination_edges": [
                    {"a": "1000", "b": "1001", "weight": 3},
                    {"a": "1001", "b": "1002", "weight": 1},
                ],
            },
        )
        found = rc.campaign(case)
        assert found is not None
        assert [e["from"] for e in found.evasion] == ["1000"]
        assert found.names["1000"] == "compte_0"
        svg = found.graph()
        assert svg.count("<line") == 2 and svg.count("<circle") == 3
        assert "compte_1" in svg and "<script" not in svg
    finally:
        case.close()
    client = TestClient(create_app(ws), base_url="https://testserver")
    client.post("/login", data={"email": "viewer@example.org", "password": PASSWORD})
    page = client.get("/cases/alice/authors")
    assert page.status_code == 200
    assert "took over 40 s later" in page.text and "<svg" in page.text
    # the hostile display name is shown, as text
    assert "&lt;script&gt;window.__xss=1&lt;/script&gt;" in page.text
    assert not re.search(r"<script>window", page.text)
    api = client.get("/api/cases/alice/campaign").json()["campaign"]
    assert api["impersonators"][0]["target"] == "@alice"


def test_an_accounts_messages_and_the_timestamps_kept(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    client = TestClient(create_app(ws), base_url="https://testserver")
    client.post("/login", data={"email": "viewer@example.org", "password": PASSWORD})
    authors = client.get("/cases/alice/authors").text
    link = re.search(r'href="(/cases/alice/triage\?author=[^"]+)"', authors)
    assert link is not None
    page = client.get(link.group(1).replace("&amp;", "&"))
    assert page.status_code == 200 and "Messages du compte" in page.text
    account = link.group(1).split("author=")[1].replace("%3A", ":")
    queue = client.get("/api/cases/alice/messages", params={"author": account}).json()
    everyone = client.get("/api/cases/alice/messages").json()
    assert 0 < len(queue["items"]) < len(everyone["items"])
    assert {i["author_id"] for i in queue["items"]} == {account.split(":")[1]}
    assert client.get("/api/cases/alice/messages", params={"author": "nonsense"}).status_code == 400
    evidence = client.get("/cases/alice/evidence").text
    assert "Aucun horodatage" in evidence
    case = rc.open_case(ws.paths["alice"])
    try:
        head = rc.latest_tree_head(case)
        assert head is not None
        with case.store.transaction():
            case.store.add_timestamp(
                {
                    "head_id": 1,
                    "tree_size": head.tree_size,
                    "root_hash": head.root_hash,
                    "url": "http://tsa.example/<b>",
                    "token_der": b"\x30\x00",
                    "gen_time": "2026-03-01T12:00:00Z",
                    "requested_at": "2026-03-01T12:00:00Z",
                }
            )
    finally:
        case.close()
    evidence = client.get("/cases/alice/evidence").text
    assert "http://tsa.example/&lt;b&gt;" in evidence and "1/3/2026 13:00" in evidence
