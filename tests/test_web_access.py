"""Who may do what in the web workspace, and what every answer carries.

Every route of the application (read from its route table) is called as nobody, as each role
of case ``alice``, and as the owner of another case; writes are tried without their CSRF
token, with another session's, and with API tokens; every answer is checked for the security
headers, every page for inline code, and bad input for clear 4xx answers (never a 5xx).
"""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Iterator

import orjson
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from starlette.routing import Mount, Route

from rempart import case as rc
from rempart.case.users import ACTIONS, MAX_FAILURES
from rempart.models import iso
from rempart.web import Workspace, create_app, pages
from rempart.web.common import HEADERS, SESSION_COOKIE

from conftest import T0, page, tweet, user
from web_support import OTHER, PASSWORD, workspace

BASE = "https://testserver"  # https: the session cookie is Secure
#: A pseudo action: any signed-in user, whatever their cases (no case in the path).
SIGNED_IN = "signed-in"

#: Every route of the application and the action it needs (see rempart.case.users.ACTIONS).
#: A new route must be added here (test_every_route_is_in_the_table fails otherwise).
ROUTES: dict[tuple[str, str], str] = {
    ("GET", "/"): SIGNED_IN,
    ("POST", "/logout"): SIGNED_IN,
    ("GET", "/cases/{slug}"): "read",
    ("GET", "/cases/{slug}/events"): "read",
    ("GET", "/cases/{slug}/triage"): "read",
    ("POST", "/cases/{slug}/reveal"): "reveal",
    ("POST", "/cases/{slug}/labels"): "label",
    ("POST", "/cases/{slug}/marks"): "mark",
    ("GET", "/cases/{slug}/authors"): "read",
    ("GET", "/cases/{slug}/evidence"): "read",
    ("POST", "/cases/{slug}/verify"): "read",
    ("GET", "/cases/{slug}/reports"): "read",
    ("POST", "/cases/{slug}/dossier"): "export",
    ("POST", "/cases/{slug}/bundle"): "export",
    ("POST", "/cases/{slug}/notices"): "export",
    ("GET", "/cases/{slug}/users"): "manage",
    ("POST", "/cases/{slug}/users/remove"): "delete",
    ("GET", "/api/cases/{slug}/users"): "manage",
    ("DELETE", "/api/cases/{slug}/users/{email}"): "delete",
    ("POST", "/cases/{slug}/incidents"): "incident",
    ("GET", "/api/openapi.json"): SIGNED_IN,
    ("GET", "/api/cases"): SIGNED_IN,
    ("GET", "/api/cases/{slug}/overview"): "read",
    ("GET", "/api/cases/{slug}/messages"): "read",
    ("GET", "/api/cases/{slug}/messages/{ref}"): "reveal",
    ("POST", "/api/cases/{slug}/labels"): "label",
    ("POST", "/api/cases/{slug}/marks"): "mark",
    ("GET", "/api/cases/{slug}/marks"): "read",
    ("GET", "/api/cases/{slug}/findings"): "read",
    ("GET", "/api/cases/{slug}/authors"): "read",
    ("GET", "/api/cases/{slug}/campaign"): "read",
    ("POST", "/api/score"): SIGNED_IN,
    ("POST", "/api/cases/{slug}/ingest"): "ingest",
    ("GET", "/api/cases/{slug}/reports/dossier"): "export",
    ("GET", "/api/cases/{slug}/incidents"): "read",
    ("POST", "/api/cases/{slug}/incidents"): "incident",
}
#: Routes anyone may call (signing in).
PUBLIC = {("GET", "/login"), ("POST", "/login")}
WRITES = sorted(k for k in ROUTES if k[0] == "POST")
CASE_ROUTES = sorted(k for k, action in ROUTES.items() if action != SIGNED_IN)
API_ROUTES = sorted(k for k in ROUTES if k[1].startswith("/api/"))

#: Who calls, and their role in case alice (None: signed out; "other": owner of bob only).
WHO = {
    "anonymous": None,
    "owner": "owner@example.org",
    "helper": "helper@example.org",
    "viewer": "viewer@example.org",
    "other": OTHER,
}
REF = "x:5000"
HOSTILE_TEXTS = [
    "@alice <script>alert('texte')</script> dégage",
    '@alice <img src=x onerror="alert(1)"> je sais où tu habites',
    '@alice </p><a href="javascript:alert(1)">clique</a>',
    "@alice courage, on est avec toi",
]
HOSTILE_NAMES = ['"><svg onload=alert(1)>', "<b onclick='x()'>Troll</b>", "Marie"]
HOSTILE_URLS = ["javascript:alert(1)", "https://example.org/<script>"]


@pytest.fixture(autouse=True)
def short_events(monkeypatch: pytest.MonkeyPatch) -> None:
    """The live-alert stream ends at once (a test client waits for the whole answer)."""
    monkeypatch.setattr(pages, "EVENTS_SECONDS", 0)


@dataclasses.dataclass
class Env:
    ws: Workspace
    app: FastAPI
    clients: dict[str, TestClient]
    token: str  # owner@example.org's API token in alice
    other_token: str  # other@example.org's API token in bob

    def csrf(self, client: TestClient) -> str:
        """The CSRF token of the client's session (what its pages carry)."""
        session = self.ws.session(client.cookies.get(SESSION_COOKIE))
        return session.csrf if session is not None else ""


def sign_in(app: FastAPI, email: str, password: str = PASSWORD) -> TestClient:
    client = TestClient(app, base_url=BASE, follow_redirects=False)
    r = client.post("/login", data={"email": email, "password": password})
    assert r.status_code == 303, r.text
    assert client.cookies.get(SESSION_COOKIE)
    return client


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    ws = workspace(
        tmp_path_factory.mktemp("web-access"),
        texts=HOSTILE_TEXTS,
        names=HOSTILE_NAMES,
        urls=HOSTILE_URLS,
    )
    _WORKSPACE[:] = [ws]
    app = create_app(ws)
    clients = {"anonymous": TestClient(app, base_url=BASE, follow_redirects=False)}
    for who, email in WHO.items():
        if email is not None:
            clients[who] = sign_in(app, email)
    token = rc.issue_token(ws.case("alice"), "owner@example.org")
    other_token = rc.issue_token(ws.case("bob"), OTHER)
    yield Env(ws, app, clients, token, other_token)


def app_routes(app: FastAPI) -> set[tuple[str, str]]:
    """(method, path) of every route of ``app``, the static files' mount aside."""
    try:
        from fastapi.routing import iter_route_contexts  # FastAPI keeps included routers
    except ImportError:  # pragma: no cover - older FastAPI flattens them into app.routes
        entries = [(r, getattr(r, "path", ""), getattr(r, "methods", None)) for r in app.routes]
    else:
        entries = [(c.original_route, c.path, c.methods) for c in iter_route_contexts(app.routes)]
    found = set()
    for route, path, methods in entries:
        if isinstance(route, Mount):
            assert path == "/static", f"an unexpected mount: {path}"
            continue
        assert isinstance(route, (APIRoute, Route)), f"{path}: {type(route).__name__}"
        assert methods, path
        found |= {(m, path) for m in methods if m != "HEAD"}  # HEAD: a GET without its body
    return found


# requests -----------------------------------------------------------------------------------
def _ingested() -> bytes:
    author = user("2001", "nouveau_compte")
    lines = [
        page(
            [
                tweet(
                    str(9000 + i),
                    f"@alice message importé {i}",
                    author="2001",
                    when=T0 + timedelta(hours=9, minutes=i),
                )
            ],
            users=[author],
        )
        for i in range(3)
    ]
    return b"".join(orjson.dumps(line) + b"\n" for line in lines)


INGESTED = _ingested()
GONE = "gone@example.org"  # whose access the routes that remove one take away
_WORKSPACE: list[Workspace] = []
INCIDENT = {"when": "2026-03-01T10:00", "where": "au travail", "what": "une lettre anonyme"}
ATTACHED = [("files", ("lettre.txt", b"une lettre\n", "text/plain"))]


def body(method: str, template: str, csrf: str = "") -> dict[str, Any]:
    """The request arguments of a valid call of route ``template`` (a write carries ``csrf``:
    in the form of a page, in the X-CSRF-Token header of the API)."""
    form = {"csrf": csrf} if csrf else {}
    header = {"x-csrf-token": csrf} if csrf else {}
    writes: dict[tuple[str, str], dict[str, Any]] = {
        ("POST", "/logout"): {"data": form},
        ("POST", "/cases/{slug}/reveal"): {"data": {**form, "ref": REF}},
        ("POST", "/cases/{slug}/labels"): {
            "data": {**form, "ref": [REF, "x:5001"], "category": "abusive", "value": "1"}
        },
        ("POST", "/cases/{slug}/marks"): {
            "data": {**form, "ref": ["x:5010"], "mark": "quarantine"}
        },
        ("POST", "/cases/{slug}/verify"): {"data": form},
        ("POST", "/cases/{slug}/dossier"): {"data": {**form, "format": "json"}},
        ("POST", "/cases/{slug}/bundle"): {"data": form},
        ("POST", "/cases/{slug}/notices"): {"data": {**form, "notifier": "Alice Martin"}},
        ("POST", "/cases/{slug}/users/remove"): {"data": {**form, "email": GONE}},
        ("DELETE", "/api/cases/{slug}/users/{email}"): {"headers": header},
        ("POST", "/cases/{slug}/incidents"): {"data": {**form, **INCIDENT}, "files": ATTACHED},
        ("POST", "/api/cases/{slug}/labels"): {
            "json": {"ref": REF, "values": {"abusive": 1}, "note": "vu"},
            "headers": header,
        },
        ("POST", "/api/cases/{slug}/marks"): {
            "json": {"refs": ["x:5011"], "mark": "select", "on": True},
            "headers": header,
        },
        ("POST", "/api/score"): {
            "json": {"texts": ["tu es une honte", "merci"]},
            "headers": header,
        },
        ("POST", "/api/cases/{slug}/ingest"): {
            "files": {"file": ("capture.jsonl", INGESTED, "application/octet-stream")},
            "headers": header,
        },
        ("POST", "/api/cases/{slug}/incidents"): {
            "data": INCIDENT,
            "files": ATTACHED,
            "headers": header,
        },
    }
    reads: dict[tuple[str, str], dict[str, Any]] = {
        ("GET", "/api/cases/{slug}/reports/dossier"): {"params": {"format": "json"}},
    }
    if method == "GET":
        return reads.get((method, template), {})
    return writes[(method, template)]  # a write without a body here: add one


def call(
    client: TestClient,
    method: str,
    template: str,
    csrf: str = "",
    slug: str = "alice",
    headers: dict[str, str] | None = None,
    **extra: Any,
) -> Any:
    kw = body(method, template, csrf)
    kw["headers"] = {**kw.get("headers", {}), **(headers or {})}
    kw.update(extra)
    if "/users" in template and method != "GET" and _WORKSPACE:
        # each call removes a user's access: there is one to remove every time
        rc.add_user(_WORKSPACE[0].case("alice"), GONE, "viewer", PASSWORD)
    return client.request(method, template.format(slug=slug, ref=REF, email=GONE), **kw)


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def show(r: Any) -> str:
    """A request and its answer, for assertion messages (a page: its alert, if any)."""
    text = r.text
    if text.lstrip().startswith("<!doctype"):
        alert = re.search(r'role="alert">(.*?)<', text, re.S)
        text = f"page: {alert.group(1) if alert else text[-300:]}"
    return f"{r.request.method} {r.request.url.path} -> {r.status_code}: {text[:300]}"


def assert_security_headers(r: Any) -> None:
    for name, value in HEADERS:
        got = r.headers.get_list(name.decode())
        assert got == [value.decode()], f"{name.decode()} of {show(r)}: {got}"


def assert_refused_anonymous(r: Any, template: str) -> None:
    if template.startswith("/api/"):
        assert r.status_code == 401, show(r)
        assert "error" in r.json()
    else:
        assert r.status_code in (303, 401), show(r)
        if r.status_code == 303:
            assert r.headers["location"] == "/login", show(r)


def expected(who: str, action: str) -> int | None:
    """The refusal expected (None: allowed; anonymous is checked apart)."""
    if action == SIGNED_IN:
        return None
    if who == "other":
        return 404  # alice is not one of their cases: it does not exist for them
    if who == "viewer" and action not in ("read", "reveal"):
        return 403
    if who == "helper" and action in ("export", "delete", "manage"):
        return 403
    return None


# 1. every route, every role -----------------------------------------------------------------
def test_every_route_is_in_the_table(env: Env) -> None:
    found = app_routes(env.app)
    missing = found - set(ROUTES) - PUBLIC
    assert not missing, (
        f"routes without an entry in ROUTES (say which action each needs): {missing}"
    )
    gone = set(ROUTES) - found
    assert not gone, f"entries of ROUTES the app no longer has: {gone}"
    known = set(ACTIONS["owner"]) | {SIGNED_IN}
    assert set(ROUTES.values()) <= known
    assert PUBLIC <= found


@pytest.mark.parametrize("who", list(WHO))
@pytest.mark.parametrize("route", sorted(ROUTES), ids=lambda r: f"{r[0]} {r[1]}")
def test_route_access(env: Env, route: tuple[str, str], who: str) -> None:
    method, template = route
    action = ROUTES[route]
    client = env.clients[who]
    if route == ("POST", "/logout") and who != "anonymous":
        client = sign_in(env.app, WHO[who] or "")  # not the shared session: it would end
    r = call(client, method, template, csrf=env.csrf(client))
    assert_security_headers(r)
    if who == "anonymous":
        assert_refused_anonymous(r, template)
        return
    refusal = expected(who, action)
    if refusal is None:
        assert r.status_code < 400, show(r)
    else:
        assert r.status_code == refusal, show(r)


@pytest.mark.parametrize(
    "route",
    [r for r in WRITES if r[1].startswith("/cases/")],
    ids=lambda r: f"{r[0]} {r[1]}",
)
def test_access_is_checked_before_the_form_is_read(env: Env, route: tuple[str, str]) -> None:
    """An empty or wrong form is not an excuse: nobody, another case's owner, a viewer or a
    write without its token are refused before the form is even looked at."""
    _, template = route
    path = template.format(slug="alice")
    assert_refused_anonymous(env.clients["anonymous"].post(path), template)
    assert env.clients["other"].post(path).status_code == 404
    owner = env.clients["owner"]
    assert owner.post(path, data={"ref": "nothing"}).status_code == 403
    if ROUTES[route] not in ("read", "reveal"):
        r = env.clients["viewer"].post(path, data={"csrf": env.csrf(env.clients["viewer"])})
        assert r.status_code == 403, show(r)


# 2. CSRF and API tokens ---------------------------------------------------------------------
@pytest.mark.parametrize("route", WRITES, ids=lambda r: f"{r[0]} {r[1]}")
def test_session_writes_need_their_csrf_token(env: Env, route: tuple[str, str]) -> None:
    method, template = route
    owner = sign_in(env.app, "owner@example.org")
    another = env.csrf(sign_in(env.app, "owner@example.org"))
    assert another and another != env.csrf(owner)
    for csrf in ("", another, "x" * 43):
        r = call(owner, method, template, csrf=csrf)
        assert r.status_code == 403, f"csrf={csrf!r}: {show(r)}"
        assert_security_headers(r)
    r = call(owner, method, template, csrf=env.csrf(owner))
    assert r.status_code < 400, show(r)


@pytest.mark.parametrize("route", WRITES, ids=lambda r: f"{r[0]} {r[1]}")
def test_api_token_writes_need_no_csrf_token(env: Env, route: tuple[str, str]) -> None:
    method, template = route
    client = TestClient(env.app, base_url=BASE, follow_redirects=False)
    r = call(client, method, template, headers=bearer(env.token))
    assert r.status_code < 400, show(r)


@pytest.mark.parametrize("route", sorted(ROUTES), ids=lambda r: f"{r[0]} {r[1]}")
def test_a_wrong_api_token_is_refused(env: Env, route: tuple[str, str]) -> None:
    method, template = route
    wrong = ["rmp_" + "A" * 43, "not-a-token", "rmp_", env.token + "x", "rmp_" + "z" * 300]
    # a signed-in browser sending a wrong token is refused too: the token is not ignored
    for client in (env.clients["anonymous"], env.clients["owner"]):
        for token in wrong:
            r = call(client, method, template, headers=bearer(token))
            assert_refused_anonymous(r, template)
        odd = {"authorization": "Bearer rmp_é\x01".encode("latin-1")}
        assert_refused_anonymous(call(client, method, template, headers=odd), template)


@pytest.mark.parametrize("route", CASE_ROUTES, ids=lambda r: f"{r[0]} {r[1]}")
def test_a_token_grants_nothing_in_another_case(env: Env, route: tuple[str, str]) -> None:
    method, template = route
    client = env.clients["anonymous"]
    r = call(client, method, template, slug="bob", headers=bearer(env.token))
    assert r.status_code == 404, show(r)
    r = call(client, method, template, slug="alice", headers=bearer(env.other_token))
    assert r.status_code == 404, show(r)


def test_a_token_works_only_for_its_user(env: Env) -> None:
    client = env.clients["anonymous"]
    cases = client.get("/api/cases", headers=bearer(env.token))
    assert cases.status_code == 200
    assert [(c["slug"], c["role"]) for c in cases.json()] == [("alice", "owner")]
    cases = client.get("/api/cases", headers=bearer(env.other_token))
    assert [(c["slug"], c["role"]) for c in cases.json()] == [("bob", "owner")]


# 3. cookies, headers, pages without inline code ---------------------------------------------
def _cookie_attributes(header: str) -> tuple[str, dict[str, str]]:
    name, *attributes = [part.strip() for part in header.split(";")]
    found = {}
    for attribute in attributes:
        key, _, value = attribute.partition("=")
        found[key.lower()] = value.lower()
    return name.split("=", 1)[0], found


def _assert_strict_cookies(r: Any) -> list[str]:
    names = []
    for header in r.headers.get_list("set-cookie"):
        name, attributes = _cookie_attributes(header)
        names.append(name)
        assert "httponly" in attributes, header
        assert "secure" in attributes, header
        assert attributes.get("samesite") == "strict", header
    return names


def test_cookies_are_httponly_secure_and_strict(env: Env) -> None:
    client = TestClient(env.app, base_url=BASE, follow_redirects=False)
    r = client.post("/login", data={"email": "helper@example.org", "password": PASSWORD})
    assert r.status_code == 303
    assert _assert_strict_cookies(r) == [SESSION_COOKIE]
    _, attributes = _cookie_attributes(r.headers["set-cookie"])
    assert attributes.get("path") == "/"
    for path in ("/?lang=en", "/cases/alice?lang=fr", "/login?lang=en"):
        r = client.get(path)
        assert r.status_code == 200
        assert _assert_strict_cookies(r) == ["rempart_lang"], path
    csrf = env.csrf(client)
    r = client.post("/logout", data={"csrf": csrf})
    assert r.status_code == 303 and r.headers["location"] == "/login"
    assert SESSION_COOKIE in _assert_strict_cookies(r)
    assert client.get("/").status_code == 303  # signed out


def test_every_answer_has_the_security_headers(env: Env) -> None:
    anonymous, owner = env.clients["anonymous"], env.clients["owner"]
    small = TestClient(create_app(env.ws, max_body=100), base_url=BASE, follow_redirects=False)
    json = {"content-type": "application/json", **bearer(env.token)}
    answers = {
        "login page": anonymous.get("/login"),
        "redirect": anonymous.get("/cases/alice"),
        "page": owner.get("/cases/alice/triage"),
        "api": owner.get("/api/cases/alice/overview"),
        "api 401": anonymous.get("/api/cases"),
        "page 403": env.clients["viewer"].post("/cases/alice/labels"),
        "api 403": env.clients["viewer"].post("/api/cases/alice/labels", json={}),
        "page 404": owner.get("/no/such/page"),
        "api 404": owner.get("/api/no/such/thing"),
        "case 404": owner.get("/cases/nobody"),
        "405": owner.get("/api/score"),
        "page 422": owner.get("/cases/alice/triage?offset=abc"),
        "api 422": anonymous.post("/api/score", content=b"{", headers=json),
        "api 400": anonymous.post(
            "/api/cases/alice/labels", json={"ref": REF, "values": {"nope": 1}}, headers=json
        ),
        "413": small.post("/api/score", json={"texts": ["x" * 200]}, headers=json),
        "static": anonymous.get("/static/app.css"),
        "static js": anonymous.get("/static/app.js"),
        "static 404": anonymous.get("/static/nothing.js"),
        "static outside": anonymous.get("/static/..%2F..%2Fapp.py"),
        "events": owner.get("/cases/alice/events"),
        "export": owner.get("/api/cases/alice/reports/dossier?format=csv"),
    }
    statuses = {k: r.status_code for k, r in answers.items()}
    assert statuses["413"] == 413 and statuses["static"] == 200 and statuses["api 422"] == 422
    assert statuses["page 404"] == statuses["api 404"] == statuses["static 404"] == 404
    assert statuses["redirect"] == 303 and statuses["405"] == 405
    assert all(s < 500 for s in statuses.values()), statuses
    for r in answers.values():
        assert_security_headers(r)


def test_even_a_server_error_has_the_security_headers(env: Env) -> None:
    app = create_app(env.ws)

    async def broken() -> None:
        raise RuntimeError("a bug")

    app.add_api_route("/broken", broken)
    client = TestClient(app, base_url=BASE, raise_server_exceptions=False)
    r = client.get("/broken")
    assert r.status_code == 500
    assert_security_headers(r)
    assert "a bug" not in r.text
    with pytest.raises(RuntimeError):  # still raised (and logged by the server)
        TestClient(app, base_url=BASE).get("/broken")


class _InlineCode(HTMLParser):
    """Collects inline scripts, event handler attributes and javascript: URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "script":
            self._in_script = True
            if not names.get("src"):
                self.problems.append(f"<script> without src: {attrs}")
        for name, value in attrs:
            if name.startswith("on") or name.startswith("hx-on"):
                self.problems.append(f"<{tag} {name}={value!r}>")
            if name in ("href", "src", "action", "formaction", "hx-get", "hx-post"):
                if (value or "").strip().lower().startswith(("javascript:", "data:text")):
                    self.problems.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.problems.append(f"inline script code: {data[:80]!r}")


def inline_code(html: str) -> list[str]:
    parser = _InlineCode()
    parser.feed(html)
    parser.close()
    return parser.problems


def test_inline_code_is_detected() -> None:
    assert inline_code('<script src="/static/a.js"></script><p>ok</p>') == []
    assert inline_code("<script>alert(1)</script>")
    assert inline_code('<img src="x" onerror="alert(1)">')
    assert inline_code('<a href=" javascript:alert(1)">x</a>')
    assert inline_code('<div hx-on:click="alert(1)"></div>')
    assert inline_code("<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>") == []


def test_no_page_has_inline_code(env: Env) -> None:
    """Every page, hostile message texts, names and URLs included, has no inline script, no
    event handler attribute and no javascript: link (the CSP would block them; escaping
    must not let a message's text become one)."""
    seen: dict[str, str] = {}
    for who in ("owner", "viewer"):
        client = env.clients[who]
        csrf = env.csrf(client)
        for method, template in sorted(ROUTES):
            if template.startswith("/api/") or template.endswith("/events"):
                continue
            if (method, template) in (("POST", "/logout"),):
                continue
            r = call(client, method, template, csrf=csrf, follow_redirects=True)
            if r.headers.get("content-type", "").startswith("text/html") and not r.headers.get(
                "content-disposition"
            ):
                seen[f"{who} {method} {template}"] = r.text
        for i, ref in enumerate(("x:5000", "x:5001", "x:5002")):
            headers = {"hx-request": "true"} if i % 2 else {}
            r = client.post("/cases/alice/reveal", data={"csrf": csrf, "ref": ref}, headers=headers)
            assert r.status_code == 200, show(r)
            seen[f"{who} reveal {ref}"] = r.text
    anonymous = env.clients["anonymous"]
    seen["login"] = anonymous.get("/login").text
    seen["login error"] = anonymous.post(
        "/login", data={"email": "nobody@example.org", "password": "wrong password"}
    ).text
    seen["error"] = env.clients["owner"].get("/cases/nobody").text
    assert len(seen) > 20
    # the hostile texts are there, as text
    assert "&lt;img src=x onerror=" in seen["owner reveal x:5001"]
    assert "&lt;script&gt;alert(" in seen["viewer reveal x:5000"]
    for label, html in seen.items():
        assert inline_code(html) == [], label


# 4. bad input -------------------------------------------------------------------------------
def _chunks(data: bytes, size: int = 1000) -> Iterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "chunked"])
def test_bodies_over_max_body_are_413(env: Env, chunked: bool) -> None:
    limit = 4096
    client = TestClient(create_app(env.ws, max_body=limit), base_url=BASE, follow_redirects=False)
    client.cookies.set(SESSION_COOKIE, env.clients["owner"].cookies[SESSION_COOKIE])
    csrf = env.csrf(env.clients["owner"])
    big = b"y" * (limit * 3)
    boundary = "rempartboundary"
    multipart = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.jsonl"'
            "\r\nContent-Type: application/octet-stream\r\n\r\n"
        ).encode()
        + big
        + f"\r\n--{boundary}--\r\n".encode()
    )
    incident = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{csrf}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="what"\r\n\r\n'
        ).encode()
        + big
        + f"\r\n--{boundary}--\r\n".encode()
    )
    mp = f"multipart/form-data; boundary={boundary}"
    attempts = [
        ("/api/cases/alice/ingest", multipart, {"content-type": mp, **bearer(env.token)}),
        ("/api/cases/alice/incidents", incident, {"content-type": mp, **bearer(env.token)}),
        (
            "/api/score",
            b'{"texts": ["' + big + b'"]}',
            {"content-type": "application/json", **bearer(env.token)},
        ),
        (
            "/api/cases/alice/labels",
            b'{"ref": "' + big + b'", "values": {}}',
            {"content-type": "application/json", "x-csrf-token": csrf},
        ),
        ("/cases/alice/incidents", incident, {"content-type": mp}),
        (
            "/cases/alice/labels",
            b"csrf=" + csrf.encode() + b"&ref=" + big,
            {"content-type": "application/x-www-form-urlencoded"},
        ),
        (
            "/login",
            b"email=a%40b.org&password=" + big,
            {"content-type": "application/x-www-form-urlencoded"},
        ),
    ]
    before = len(rc.incidents(env.ws.case("alice"), record=False))
    for path, data, headers in attempts:
        content: Any = _chunks(data) if chunked else data
        request = client.build_request("POST", path, content=content, headers=headers)
        assert ("content-length" in request.headers) is not chunked
        r = client.send(request)
        assert r.status_code == 413, show(r)
        assert "error" in r.json()
        assert_security_headers(r)
    assert len(rc.incidents(env.ws.case("alice"), record=False)) == before


@pytest.mark.parametrize(
    "data",
    [
        b"{",
        b'{"texts": [',
        b"not json",
        b'{"ref": "x:5000", "values": {',
        b"[1, 2",
        b'{"texts": ["a"]}}',
        b"",
        b"{'texts': ['a']}",
        b'{"texts": ["a",]}',
    ],
)
@pytest.mark.parametrize("path", ["/api/score", "/api/cases/alice/labels"])
def test_malformed_json_is_422(env: Env, path: str, data: bytes) -> None:
    headers = {"content-type": "application/json", **bearer(env.token)}
    r = env.clients["anonymous"].post(path, content=data, headers=headers)
    assert r.status_code == 422, show(r)
    assert r.json()["error"] == "invalid request"


@pytest.mark.parametrize("data", [b"\xff\xfe\x00", b'{"texts": ["\xc3"]}', b"\x00" * 10])
@pytest.mark.parametrize("path", ["/api/score", "/api/cases/alice/labels"])
def test_a_body_that_is_not_utf8_is_4xx(env: Env, path: str, data: bytes) -> None:
    headers = {"content-type": "application/json", **bearer(env.token)}
    r = env.clients["anonymous"].post(path, content=data, headers=headers)
    assert 400 <= r.status_code < 500, show(r)
    assert r.json()["error"]


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("/api/score", {"texts": "abc"}),
        ("/api/score", {"texts": [1, 2]}),
        ("/api/score", {"texts": None}),
        ("/api/score", {"texts": [{"a": 1}]}),
        ("/api/score", ["a", "b"]),
        ("/api/score", "texts"),
        ("/api/score", {}),
        ("/api/cases/alice/labels", {"ref": 5, "values": {"abusive": 1}}),
        ("/api/cases/alice/labels", {"ref": REF, "values": [1]}),
        ("/api/cases/alice/labels", {"ref": REF, "values": {"abusive": "yes"}}),
        ("/api/cases/alice/labels", {"ref": REF, "values": {"abusive": 0.5}}),
        ("/api/cases/alice/labels", {"ref": "", "values": {"abusive": 1}}),
        ("/api/cases/alice/labels", {"ref": REF, "values": {"abusive": 1}, "note": 3}),
        ("/api/cases/alice/labels", {"ref": "r" * 301, "values": {"abusive": 1}}),
        ("/api/cases/alice/marks", {"refs": REF, "mark": "select"}),
        ("/api/cases/alice/marks", {"refs": [], "mark": "select"}),
        ("/api/cases/alice/marks", {"refs": [REF], "mark": "destroy"}),
    ],
)
def test_wrong_types_are_422(env: Env, path: str, payload: Any) -> None:
    r = env.clients["anonymous"].post(path, json=payload, headers=bearer(env.token))
    assert r.status_code == 422, show(r)
    assert r.json()["problems"]


@pytest.mark.parametrize(
    ("path", "payload"),
    [
        ("/api/cases/alice/labels", {"ref": REF, "values": {"not_a_label": 1}}),
        ("/api/cases/alice/labels", {"ref": REF, "values": {"abusive": 2}}),
        ("/api/cases/alice/labels", {"ref": REF, "values": {"abusive": 10**30}}),
        ("/api/cases/alice/labels", {"ref": REF, "values": {}}),
        ("/api/cases/alice/labels", {"ref": "x:999999", "values": {"abusive": 1}}),
        ("/api/score", {"texts": ["a" * 100_001]}),
    ],
)
def test_meaningless_values_are_400(env: Env, path: str, payload: Any) -> None:
    r = env.clients["anonymous"].post(path, json=payload, headers=bearer(env.token))
    assert r.status_code == 400, show(r)
    assert r.json()["error"]


@pytest.mark.parametrize(
    "text",
    [b'"\\ud800"', b'"\\udfff tail"', b'"a\\u0000b"', b'"\\ud83d\\ude00"', b'"\\ufeff\\u202e"'],
)
def test_odd_characters_are_never_a_server_error(env: Env, text: bytes) -> None:
    headers = {"content-type": "application/json", **bearer(env.token)}
    client = env.clients["anonymous"]
    answers = [
        client.post("/api/score", content=b'{"texts": [' + text + b"]}", headers=headers),
        client.post(
            "/api/cases/alice/labels",
            content=b'{"ref": ' + text + b', "values": {"abusive": 1}, "note": ' + text + b"}",
            headers=headers,
        ),
    ]
    for r in answers:
        assert r.status_code < 500, show(r)
    valid = text.decode() not in ('"\\ud800"', '"\\udfff tail"')
    assert (answers[0].status_code == 200) is valid, show(answers[0])


@pytest.mark.parametrize(
    "path",
    [
        "/api/cases/alice/messages?limit=abc",
        "/api/cases/alice/messages?limit=0",
        "/api/cases/alice/messages?limit=100000",
        "/api/cases/alice/messages?offset=-1",
        "/api/cases/alice/messages?offset=" + "9" * 30,
        "/api/cases/alice/messages?min_severity=zz",
        "/api/cases/alice/authors?limit=abc",
        "/api/cases/alice/authors?limit=" + "9" * 30,
        "/api/cases/alice/reports/dossier?format=exe",
        "/cases/alice/triage?offset=abc",
        "/cases/alice/triage?offset=" + "9" * 30,
        "/cases/alice/triage?offset=-1",
        "/cases/alice/triage?min_severity=%00",
        "/cases/alice/triage?min_severity=" + "z" * 5000,
    ],
)
def test_bad_query_parameters_are_4xx(env: Env, path: str) -> None:
    for client in (env.clients["owner"],):
        r = client.get(path)
        assert 400 <= r.status_code < 500, show(r)
    r = env.clients["anonymous"].get(path, headers=bearer(env.token))
    assert 400 <= r.status_code < 500, show(r)
    if path.startswith("/api/"):
        assert r.json()["error"]


@pytest.mark.parametrize(
    ("path", "html"),
    [
        ("/nothing", True),
        ("/cases", True),
        ("/cases/alice/nothing", True),
        ("/cases/nobody", True),
        ("/cases/nobody/triage", True),
        ("/api", False),
        ("/api/nothing", False),
        ("/api/cases/alice/nothing", False),
        ("/api/cases/nobody/overview", False),
        ("/api/cases/nobody/messages/x:1", False),
    ],
)
def test_unknown_routes_are_404(env: Env, path: str, html: bool) -> None:
    r = env.clients["owner"].get(path)
    assert r.status_code == 404, show(r)
    kind = r.headers["content-type"]
    assert kind.startswith("text/html") if html else kind.startswith("application/json"), kind


WEIRD_REFS = [
    "..%2F..%2F..%2Fetc%2Fpasswd",
    "%2e%2e",
    "..",
    "%00",
    "x:5000%00",
    "x%3A5000%00.json",
    "a" * 10_000,
    "x:" + "9" * 5000,
    "%ED%A0%80",
    "%FF%FE",
    "x:5000%0D%0ASet-Cookie:%20a=b",
    "x:%25s%25n",
    "at:did:plc:x",
    ":",
]


@pytest.mark.parametrize("ref", WEIRD_REFS, ids=lambda r: r[:30])
def test_weird_refs_are_4xx(env: Env, ref: str) -> None:
    r = env.clients["anonymous"].get(f"/api/cases/alice/messages/{ref}", headers=bearer(env.token))
    assert 400 <= r.status_code < 500, show(r)
    assert "set-cookie" not in r.headers
    owner = env.clients["owner"]
    form = b"csrf=" + env.csrf(owner).encode() + b"&ref=" + ref.encode()
    r = owner.post(
        "/cases/alice/reveal",
        content=form,
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert 400 <= r.status_code < 500, show(r)


@pytest.mark.parametrize(
    "name",
    [
        "..",
        ".",
        "../../../tmp/x.jsonl",
        "/etc/passwd",
        "a" * 300 + ".jsonl",
        "é" * 200,
        "nul\x00.jsonl",
        "",
        "con",
        "  ",
        "a\\..\\..\\b",
    ],
    ids=lambda n: repr(n[:20]),
)
def test_odd_upload_names_are_never_a_server_error(env: Env, name: str) -> None:
    client = env.clients["anonymous"]
    r = client.post(
        "/api/cases/alice/ingest",
        files={"file": (name, INGESTED, "application/octet-stream")},
        headers=bearer(env.token),
    )
    if not name:  # no file name: not a file but a form field
        assert r.status_code == 422, show(r)
        return
    assert r.status_code == 200, show(r)
    assert r.json()["new_records"] + r.json()["known_records"] == 3
    r = client.post(
        "/api/cases/alice/incidents",
        data=INCIDENT,
        files=[("files", (name, b"contenu", "text/plain"))],
        headers=bearer(env.token),
    )
    assert r.status_code < 500, show(r)


@pytest.fixture
def fresh(tmp_path: Path) -> Env:
    """A workspace of its own (logins change the users' lockout state)."""
    ws = workspace(tmp_path, messages=6)
    return Env(ws, create_app(ws), {}, "", "")


def _login(client: TestClient, email: str, password: str) -> Any:
    return client.post("/login", data={"email": email, "password": password})


def test_login_failures_lock_the_account_out(fresh: Env) -> None:
    client = TestClient(fresh.app, base_url=BASE, follow_redirects=False)
    email = "owner@example.org"
    r = _login(client, email, "wrong password!")
    assert r.status_code == 401 and r.headers["content-type"].startswith("text/html")
    assert "set-cookie" not in r.headers
    assert_security_headers(r)
    assert _login(client, "nobody@example.org", PASSWORD).status_code == 401
    assert client.post("/login", data={"email": email}).status_code == 400
    for _ in range(MAX_FAILURES - 1):
        assert _login(client, email, "wrong password!").status_code == 401
    r = _login(client, email, PASSWORD)  # the right password, too late
    assert r.status_code == 429, show(r)
    assert "set-cookie" not in r.headers and not client.cookies.get(SESSION_COOKIE)
    assert r.headers["content-type"].startswith("text/html")
    assert _login(client, email, "wrong password!").status_code == 429
    assert _login(client, "helper@example.org", PASSWORD).status_code == 303  # others unaffected

    case = fresh.ws.case("alice")
    stored = case.store.get_user(email)
    assert stored is not None and stored.locked_until
    with case.store.transaction():
        past = iso(case.clock.now() - timedelta(seconds=1))
        case.store.put_user(dataclasses.replace(stored, locked_until=past))
    client = TestClient(fresh.app, base_url=BASE, follow_redirects=False)
    r = _login(client, email, PASSWORD)
    assert r.status_code == 303, show(r)
    assert client.get("/cases/alice").status_code == 200
    after = case.store.get_user(email)
    assert after is not None and after.failures == 0 and not after.locked_until


# 5. custody ---------------------------------------------------------------------------------
def _views(ws: Workspace) -> list[rc.CustodyEvent]:
    case = rc.open_case(ws.paths["alice"])
    try:
        return [e for e in rc.custody(case, record=False) if e.kind == "view"]
    finally:
        case.close()


def _reveals(events: list[rc.CustodyEvent]) -> list[tuple[str | None, str]]:
    return [
        (e.by, str(e.what.get("message")))
        for e in events
        if isinstance(e.what, dict) and e.what.get("command") == "reveal"
    ]


@pytest.mark.parametrize(
    ("who", "how"),
    [
        ("owner", "api token"),
        ("viewer", "api session"),
        ("helper", "page"),
        ("viewer", "page htmx"),
    ],
)
def test_a_reveal_is_recorded_with_who_revealed(env: Env, who: str, how: str) -> None:
    before = len(_views(env.ws))
    ref = {"owner": "x:5003", "viewer": "x:5004", "helper": "x:5005"}[who]
    client = env.clients[who]
    if how == "api token":
        r = env.clients["anonymous"].get(
            f"/api/cases/alice/messages/{ref}", headers=bearer(env.token)
        )
        assert r.status_code == 200 and r.json()["text"], show(r)
    elif how == "api session":
        r = client.get(f"/api/cases/alice/messages/{ref}")
        assert r.status_code == 200, show(r)
    else:
        headers = {"hx-request": "true"} if how == "page htmx" else {}
        r = client.post(
            "/cases/alice/reveal", data={"csrf": env.csrf(client), "ref": ref}, headers=headers
        )
        assert r.status_code == 200, show(r)
    new = _views(env.ws)[before:]
    assert _reveals(new) == [(WHO[who], ref)], new


def test_a_refused_reveal_records_nothing(env: Env) -> None:
    before = len(_views(env.ws))
    assert env.clients["other"].get(f"/api/cases/alice/messages/{REF}").status_code == 404
    assert env.clients["anonymous"].get(f"/api/cases/alice/messages/{REF}").status_code == 401
    owner = env.clients["owner"]
    assert owner.post("/cases/alice/reveal", data={"ref": REF}).status_code == 403
    assert _reveals(_views(env.ws)[before:]) == []
