"""Owners take access away (issue 12): the person's sessions lose it at once, a changed role
applies at once, and the last owner stays."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from rempart import case as rc
from rempart.errors import RempartError
from rempart.web import create_app

from web_support import PASSWORD, workspace


def _signed_in(app: object, email: str) -> tuple[TestClient, str]:
    client = TestClient(app, base_url="https://testserver")  # type: ignore[arg-type]
    page = client.post("/login", data={"email": email, "password": PASSWORD})
    found = re.search(r'data-csrf="([^"]+)"', page.text)
    assert found is not None
    return client, found.group(1)


def test_removing_access_and_changing_a_role_apply_at_once(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    app = create_app(ws)
    owner, csrf = _signed_in(app, "owner@example.org")
    helper, _ = _signed_in(app, "helper@example.org")
    viewer, vcsrf = _signed_in(app, "viewer@example.org")
    assert helper.get("/cases/alice/triage").status_code == 200
    page = owner.get("/cases/alice/users")
    assert "helper@example.org" in page.text and page.text.count("Retirer l") == 2  # not their own
    done = owner.post(
        "/cases/alice/users/remove",
        data={"csrf": csrf, "email": "helper@example.org"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert helper.get("/cases/alice/triage").status_code == 404
    assert helper.get("/api/cases/alice/messages").status_code == 404
    # a role taken down applies at once; one raised, at the next sign-in
    case = rc.open_case(ws.paths["alice"])
    try:
        rc.add_user(case, "viewer@example.org", "owner", PASSWORD)
    finally:
        case.close()
    answer = viewer.post("/cases/alice/dossier", data={"csrf": vcsrf, "format": "json"})
    assert answer.status_code == 403
    viewer, vcsrf = _signed_in(app, "viewer@example.org")
    answer = viewer.post("/cases/alice/dossier", data={"csrf": vcsrf, "format": "json"})
    assert answer.status_code == 200
    case = rc.open_case(ws.paths["alice"])
    try:
        rc.add_user(case, "viewer@example.org", "viewer", PASSWORD)
    finally:
        case.close()
    answer = viewer.post("/cases/alice/dossier", data={"csrf": vcsrf, "format": "json"})
    assert answer.status_code == 403
    with rc.open_case(ws.paths["alice"]) as case:
        rc.add_user(case, "viewer@example.org", "owner", PASSWORD)
    assert owner.get("/api/cases/alice/users").json()["users"] == [
        {"email": "owner@example.org", "role": "owner"},
        {"email": "viewer@example.org", "role": "owner"},
    ]


def test_the_last_owner_cannot_be_removed(tmp_path: Path) -> None:
    ws = workspace(tmp_path)
    case = rc.open_case(ws.paths["alice"])
    try:
        with pytest.raises(RempartError, match="only owner"):
            rc.remove_user(case, "owner@example.org")
        with pytest.raises(RempartError, match="not a user"):
            rc.remove_user(case, "nobody@example.org")
        assert rc.remove_user(case, "viewer@example.org").role == "viewer"
    finally:
        case.close()
