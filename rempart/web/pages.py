"""The web workspace's pages: sign-in, the cases, and per case the overview (with live alerts),
the triage queue, the accounts, the evidence and the court file.

Each route checks the user's role, then calls the case layer in a worker thread (each thread
has its own connection to the case) and renders a template; every text that comes from a
message, an account or a file is rendered escaped by the templates.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any, AsyncIterator

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response, StreamingResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from .. import case as rc
from ..case.users import LockedOut, allowed
from ..errors import RempartError
from .common import (
    LABEL_CATEGORIES,
    SESSION_COOKIE,
    check_csrf,
    current_session,
    export_path,
    in_case,
    render,
    workspace_of,
    zip_folder,
)
from .i18n import choose_lang, translate
from .workspace import Denied, Session

router = APIRouter(include_in_schema=False)
_in_case = in_case

#: How long a live-alert stream stays open, and how often it looks for news (seconds).
EVENTS_SECONDS = 600
EVENTS_EVERY = 2.0


async def _form(request: Request, slug: str, action: str) -> FormData:
    """The form of a write, read only once the user may do ``action`` in case ``slug`` and
    the CSRF token is right (nobody else gets their form parsed, nor told what is wrong in it)."""
    session = current_session(request)
    workspace_of(request).check(session, slug, action)
    assert session is not None
    await check_csrf(request, session)
    return await request.form()


def _signed_in(request: Request) -> Session:
    session = current_session(request)
    if session is None:
        raise Denied(401, "sign in first")
    return session


# sign-in -------------------------------------------------------------------------------------
@router.get("/login")
async def login_page(request: Request) -> Response:
    return render(request, "login.html.j2", error=None)


@router.post("/login")
async def login(request: Request) -> Response:
    form = await request.form()
    email, password = form.get("email"), form.get("password")
    if not isinstance(email, str) or not isinstance(password, str) or len(password) > 1000:
        return render(request, "login.html.j2", status=400, error="bad_login")
    ws = workspace_of(request)
    try:
        session = await run_in_threadpool(ws.login, email, password)
    except LockedOut:
        return render(request, "login.html.j2", status=429, error="locked")
    if session is None:
        return render(request, "login.html.j2", status=401, error="bad_login")
    session.lang = choose_lang(request)
    token = ws.start(session)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(
        SESSION_COOKIE, token, httponly=True, samesite="strict", secure=True, path="/"
    )
    return response


@router.post("/logout")
async def logout(request: Request) -> Response:
    session = _signed_in(request)
    await check_csrf(request, session)
    workspace_of(request).end(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/", secure=True, httponly=True, samesite="strict")
    return response


@router.get("/")
async def cases_page(request: Request) -> Response:
    session = _signed_in(request)
    ws = workspace_of(request)
    names = await run_in_threadpool(ws.names)
    rows = [(slug, names[slug], role) for slug, role in sorted(session.roles.items())]
    # render sets the language cookie (Secure, HttpOnly, SameSite=Strict) when ?lang= is given
    return render(request, "cases.html.j2", session=session, cases=rows)


# one case ------------------------------------------------------------------------------------
def _page(
    request: Request, template: str, slug: str, session: Session, role: str, **kw: Any
) -> Response:
    names = workspace_of(request).paths
    return render(
        request,
        template,
        session=session,
        slug=slug,
        case_name=names[slug].name,
        role=role,
        can=lambda action: allowed(role, action),
        **kw,
    )


@router.get("/cases/{slug}")
async def overview_page(request: Request, slug: str) -> Response:
    view, session, role = await _in_case(request, slug, "read", rc.overview, "web")
    lang = choose_lang(request)
    chart = view.chart(translate("timeline", lang))
    return _page(request, "overview.html.j2", slug, session, role, view=view, chart=chart)


@router.get("/cases/{slug}/events")
async def events(request: Request, slug: str) -> Response:
    """Live alerts (server-sent events): the counts when they change, and each episode of a
    newer raid analysis."""
    ws = workspace_of(request)
    session = current_session(request)
    ws.check(session, slug, "read")
    assert session is not None

    def snapshot() -> dict[str, Any]:
        case, _ = ws.case_for(session, slug, "read")
        run = case.store.latest_findings_run()
        counts = case.store.counts()
        return {
            "messages": counts.get("messages_primary", 0),
            "log": counts.get("log_entries", 0),
            "run": run.id if run is not None else None,
            "episodes": (run.data.get("episodes") or []) if run is not None else [],
        }

    async def stream() -> AsyncIterator[bytes]:
        last = await run_in_threadpool(snapshot)
        yield b"retry: 5000\n\n"
        waited = 0.0
        while waited < EVENTS_SECONDS:
            if await request.is_disconnected():
                return
            await asyncio.sleep(EVENTS_EVERY)
            waited += EVENTS_EVERY
            now = await run_in_threadpool(snapshot)
            if now["messages"] != last["messages"]:
                yield _event("counts", {"messages": now["messages"]})
            if now["run"] != last["run"]:
                for e in now["episodes"]:
                    if isinstance(e, dict):
                        fields = ("kind", "start", "end", "messages")
                        yield _event("episode", {k: e.get(k) for k in fields})
            last = now
            yield b": keep-alive\n\n"

    return StreamingResponse(
        stream(), media_type="text/event-stream", headers={"cache-control": "no-store"}
    )


def _event(name: str, data: dict[str, Any]) -> bytes:
    # JSON has no raw newline: one data line per event, whatever the texts hold
    return b"event: " + name.encode() + b"\ndata: " + orjson.dumps(data) + b"\n\n"


@router.get("/cases/{slug}/triage")
async def triage_page(
    request: Request,
    slug: str,
    offset: int = Query(0, ge=0, le=10_000_000),  # SQLite refuses larger integers (500)
    min_severity: str | None = Query(None, max_length=20),
    author: str | None = Query(None, max_length=300),
) -> Response:
    queue, session, role = await _in_case(
        request,
        slug,
        "read",
        lambda c: rc.triage(c, 50, offset, min_severity or None, "web", author or None),
    )
    return _page(
        request,
        "triage.html.j2",
        slug,
        session,
        role,
        queue=queue,
        min_severity=min_severity or "",
        author=author or "",
        categories=LABEL_CATEGORIES,
        marks=rc.MARKS,
        notice=request.query_params.get("done"),
        marked=request.query_params.get("marked"),
    )


@router.post("/cases/{slug}/reveal")
async def reveal(request: Request, slug: str) -> Response:
    form = await _form(request, slug, "reveal")
    ref = form.get("ref")
    if not isinstance(ref, str) or not ref or len(ref) > 300:
        raise RempartError("say which message to show (ref)")
    row, session, role = await _in_case(request, slug, "reveal", lambda c: rc.reveal(c, ref, "web"))
    template = "revealed.html.j2" if request.headers.get("hx-request") else "message.html.j2"
    return _page(request, template, slug, session, role, row=row)


@router.post("/cases/{slug}/labels")
async def labels(request: Request, slug: str) -> Response:
    form = await _form(request, slug, "label")
    refs = [r for r in form.getlist("ref") if isinstance(r, str) and r]
    category, value = form.get("category"), form.get("value")
    if category not in LABEL_CATEGORIES or value not in ("0", "1"):
        raise RempartError("choose a label and whether it applies")
    if not refs or len(refs) > 500:
        raise RempartError("select 1 to 500 messages")

    def apply(case: rc.Case) -> int:
        values = {str(category): int(str(value))}
        return len(rc.label_many(case, refs, values, author=case.operator))

    done, _, _ = await _in_case(request, slug, "label", apply)
    back = f"/cases/{slug}/triage?done={done}"
    return RedirectResponse(back, status_code=303)


@router.post("/cases/{slug}/marks")
async def marks(request: Request, slug: str) -> Response:
    """Quarantine, select (for the court file or a notice) or block the authors of the
    selected messages; ``off`` takes the mark off instead."""
    form = await _form(request, slug, "mark")
    refs = [r for r in form.getlist("ref") if isinstance(r, str) and r]
    name = form.get("mark")
    if name not in rc.MARKS:
        raise RempartError(f"choose a mark: {', '.join(rc.MARKS)}")
    if not refs or len(refs) > 500:
        raise RempartError("select 1 to 500 messages")
    on = form.get("off") != "1"
    done, _, _ = await _in_case(
        request, slug, "mark", lambda c: rc.mark(c, refs, str(name), on, via="web")
    )
    back = f"/cases/{slug}/triage?marked={len(done.subjects)}"
    return RedirectResponse(back, status_code=303)


@router.get("/cases/{slug}/authors")
async def authors_page(request: Request, slug: str) -> Response:
    def gather(case: rc.Case) -> tuple[list[rc.AuthorRow], rc.Campaign | None]:
        return rc.authors(case, 200, "web"), rc.campaign(case, 60, "web")

    (rows, found), session, role = await _in_case(request, slug, "read", gather)
    graph = found.graph() if found is not None else ""
    return _page(
        request, "authors.html.j2", slug, session, role, rows=rows, campaign=found, graph=graph
    )


@router.get("/cases/{slug}/users")
async def users_page(request: Request, slug: str) -> Response:
    found, session, role = await _in_case(request, slug, "manage", rc.case_users)
    return _page(
        request,
        "users.html.j2",
        slug,
        session,
        role,
        users=found,
        removed=request.query_params.get("removed"),
    )


@router.post("/cases/{slug}/users/remove")
async def remove_user(request: Request, slug: str) -> Response:
    form = await _form(request, slug, "delete")
    email = form.get("email")
    if not isinstance(email, str) or not email or len(email) > 320:
        raise RempartError("say whose access to remove (email)")
    await _in_case(request, slug, "delete", lambda c: rc.remove_user(c, email))
    return RedirectResponse(f"/cases/{slug}/users?removed=1", status_code=303)


@router.get("/cases/{slug}/evidence")
async def evidence_page(request: Request, slug: str) -> Response:
    return await _evidence(request, slug, check=False)


@router.post("/cases/{slug}/verify")
async def verify_now(request: Request, slug: str) -> Response:
    return await _evidence(request, slug, check=True)


async def _evidence(request: Request, slug: str, check: bool) -> Response:
    """The evidence page: the latest signed head, the timestamps, the last custody events, and
    with ``check`` what verify found (run first, so that its custody entry is listed)."""

    def gather(case: rc.Case) -> tuple[Any, Any, list[rc.CustodyEvent], list[rc.JSONObject]]:
        found = rc.verify(case) if check else None
        head, events_ = rc.latest_tree_head(case), rc.custody(case, by="web", last=200)
        return found, head, events_, rc.stamps(case)

    (report, head, events_, stamps), session, role = await _in_case(request, slug, "read", gather)
    return _page(
        request,
        "evidence.html.j2",
        slug,
        session,
        role,
        head=head,
        events=events_,
        stamps=stamps,
        report=report,
    )


@router.get("/cases/{slug}/reports")
async def reports_page(request: Request, slug: str) -> Response:
    found, session, role = await _in_case(
        request, slug, "read", lambda c: rc.incidents(c, by="web")
    )
    return _page(
        request,
        "reports.html.j2",
        slug,
        session,
        role,
        incidents=found,
        notice=request.query_params.get("recorded"),
    )


@router.post("/cases/{slug}/dossier")
async def dossier(request: Request, slug: str) -> Response:
    form = await _form(request, slug, "export")
    fmt = form.get("format") if form.get("format") in ("pdf", "html", "json", "csv") else "pdf"
    lang = choose_lang(request)
    marked = "select" if form.get("selected") == "1" else None

    def build(case: rc.Case) -> Path:
        out = export_path(case, "dossier", str(fmt))
        rc.report(case, str(fmt), out, lang=lang, marked=marked)
        return out

    path, _, _ = await _in_case(request, slug, "export", build)
    return FileResponse(path, filename=path.name, media_type=_MEDIA[str(fmt)])


@router.post("/cases/{slug}/notices")
async def notices(request: Request, slug: str) -> Response:
    """The DSA notices of the case's messages (of the selected ones with ``selected``), as a
    zip of the folder rempart writes in ``exports/``."""
    form = await _form(request, slug, "export")
    lang = choose_lang(request)
    selected = form.get("selected") == "1"
    given = form.get("notifier")
    notifier = given.strip()[:200] if isinstance(given, str) and given.strip() else None

    def build(case: rc.Case) -> Path:
        folder = export_path(case, "notices", "d")
        refs: tuple[str, ...] = ()
        if selected:
            refs = tuple(sorted(f"{p}:{i}" for p, i in rc.current_marks(case)["select"]))
            if not refs:
                raise RempartError("no message is selected: select some in the triage queue")
        # the notifier: the name given, the signed-in person's e-mail (else the settings')
        rc.notices(
            case,
            folder,
            refs=refs,
            lang=lang,
            notifier_name=notifier,
            notifier_email=case.operator if case.operator and "@" in case.operator else None,
        )
        return zip_folder(folder)

    path, _, _ = await _in_case(request, slug, "export", build)
    return FileResponse(path, filename=path.name, media_type="application/zip")


@router.post("/cases/{slug}/bundle")
async def bundle(request: Request, slug: str) -> Response:
    def build(case: rc.Case) -> Path:
        out = export_path(case, "bundle", "zip")
        rc.export_bundle(case, out)
        return out

    path, _, _ = await _in_case(request, slug, "export", build)
    return FileResponse(path, filename=path.name, media_type="application/zip")


@router.post("/cases/{slug}/incidents")
async def incident(request: Request, slug: str) -> Response:
    form = await _form(request, slug, "incident")
    when, where, what = form.get("when"), form.get("where"), form.get("what")
    if not all(isinstance(v, str) for v in (when, where, what)):
        raise RempartError("say when, where and what happened")
    files: list[tuple[str, bytes]] = []
    for upload in form.getlist("files"):
        if isinstance(upload, UploadFile) and upload.filename:
            data = await upload.read()
            if data:
                files.append((upload.filename, data))

    def record(case: rc.Case) -> rc.IncidentReport:
        return rc.add_incident(case, str(when), str(where), str(what), files, via="web")

    done, _, _ = await _in_case(request, slug, "incident", record)
    return RedirectResponse(
        f"/cases/{slug}/reports?recorded={done.incident.number}", status_code=303
    )


_MEDIA = {
    "pdf": "application/pdf",
    "html": "text/html",
    "json": "application/json",
    "csv": "text/csv",
    "zip": "application/zip",
}
