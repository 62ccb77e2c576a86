"""What the web workspace's pages and API share: the security headers, the templates, who is
signed in, the CSRF check, and where downloads are written."""

from __future__ import annotations

import tempfile
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, TypeVar
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.concurrency import run_in_threadpool

from .. import case as rc
from ..version import __version__
from .i18n import choose_lang, translate
from .workspace import Denied, Session, Workspace, csrf_ok

T = TypeVar("T")

__all__ = [
    "CSP",
    "HEADERS",
    "LABEL_CATEGORIES",
    "LANG_COOKIE",
    "SESSION_COOKIE",
    "check_csrf",
    "current_session",
    "export_path",
    "in_case",
    "render",
    "workspace_of",
    "zip_folder",
]

HERE = Path(__file__).parent
SESSION_COOKIE = "rempart_session"
LANG_COOKIE = "rempart_lang"
#: The Content-Security-Policy of every answer.
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}

_ENV = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(default=True, default_for_string=True),
    trim_blocks=True,
    lstrip_blocks=True,
)


def workspace_of(request: Request) -> Workspace:
    ws: Workspace = request.app.state.workspace
    return ws


def current_session(request: Request) -> Session | None:
    """The signed-in user of ``request``: an API token first, else the session cookie."""
    ws = workspace_of(request)
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return ws.token_session(auth[7:].strip())
    return ws.session(request.cookies.get(SESSION_COOKIE))


async def check_csrf(request: Request, session: Session) -> None:
    """Refuse (403) a write made with a session cookie whose CSRF token is missing or wrong
    (in the ``X-CSRF-Token`` header, or a form's ``csrf`` field)."""
    if request.method not in _UNSAFE or session.via_token:
        return
    given = request.headers.get("x-csrf-token")
    if not given and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        form = await request.form()
        value = form.get("csrf")
        given = value if isinstance(value, str) else None
    if not csrf_ok(session, given):
        raise Denied(403, "this form has expired or did not come from rempart: reload the page")


def render(request: Request, template: str, status: int = 200, **context: Any) -> HTMLResponse:
    """A page: ``template`` with ``context``, the language and the signed-in user."""
    lang = choose_lang(request)
    session = context.pop("session", None)
    html = _ENV.get_template(template).render(
        t=lambda key, **kw: translate(key, lang, **kw),
        when=lambda value: local_time(value, lang),
        lang=lang,
        session=session,
        csrf=session.csrf if isinstance(session, Session) else "",
        version=__version__,
        **context,
    )
    response = HTMLResponse(html, status_code=status)
    if request.query_params.get("lang") in ("fr", "en"):
        response.set_cookie(LANG_COOKIE, lang, httponly=True, samesite="strict", secure=True)
    return response


_PARIS = ZoneInfo("Europe/Paris")


def local_time(value: Any, lang: str) -> str:
    """An ISO 8601 instant as people read it, in Paris time (``1/3/2026 14:31``); anything
    that is not one is shown as it is."""
    if not isinstance(value, str) or not value:
        return "" if value is None else str(value)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if moment.tzinfo is None:
        return value
    here = moment.astimezone(_PARIS)
    day = f"{here.day}/{here.month}/{here.year}" if lang == "fr" else here.strftime("%Y-%m-%d")
    return f"{day} {here:%H:%M}"


#: Categories a person can confirm or correct (triage queue, API): the classifier's outputs.
LABEL_CATEGORIES = rc.LABEL_NAMES


def export_path(case: rc.Case, stem: str, suffix: str) -> Path:
    """A new file in the case's ``exports`` folder, named after the time (never replacing)."""
    folder = case.path / "exports"
    folder.mkdir(mode=0o700, exist_ok=True)
    stamp = case.clock.now().strftime("%Y%m%dT%H%M%S")
    handle = tempfile.NamedTemporaryFile(
        dir=folder, prefix=f"{stem}-{stamp}-", suffix=f".{suffix}", delete=False
    )
    handle.close()
    Path(handle.name).unlink()  # a report refuses to replace a file: it writes this name
    return Path(handle.name)


def zip_folder(folder: Path) -> Path:
    """``folder`` (a notices folder rempart wrote) as ``folder.zip`` beside it, for download."""
    out = folder.with_suffix(".zip")
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder.parent).as_posix())
    return out


async def in_case(
    request: Request, slug: str, action: str, fn: Callable[..., T], *args: Any
) -> tuple[T, Session, str]:
    """Check the user may do ``action`` in case ``slug`` (and the CSRF token of a write),
    then run ``fn(case, *args)`` in a worker thread with the case opened for that user."""
    ws = workspace_of(request)
    session = current_session(request)
    role = ws.check(session, slug, action)
    assert session is not None
    await check_csrf(request, session)

    def work() -> T:
        case, _ = ws.case_for(session, slug, action)
        return fn(case, *args)

    return await run_in_threadpool(work), session, role
