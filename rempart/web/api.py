"""The web workspace's JSON API (``/api``), documented by its OpenAPI schema
(``/api/openapi.json``, for signed-in users).

The same authentication and roles as the pages: a session cookie (writes carry its CSRF token
in ``X-CSRF-Token``) or an API token (``Authorization: Bearer rmp_…``, from
``rempart user token``). Every route goes through the case layer, which records the custody
entries of what it shows and does.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any, Callable, TypeVar

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from .. import case as rc
from ..errors import RempartError
from .common import (
    LABEL_CATEGORIES,
    check_csrf,
    current_session,
    export_path,
    in_case,
    workspace_of,
)
from .workspace import Denied

router = APIRouter(tags=["api"])
T = TypeVar("T")

#: The most texts one call to ``/api/score`` scores, and the longest text it takes.
MAX_TEXTS = 1000
MAX_TEXT = 100_000


_FILE = File(...)
_FORMAT = Form(None, max_length=40)
_WHEN = Form(..., max_length=100)
_WHAT = Form(..., max_length=20_000)
_WHERE = Form("", max_length=2000)
_FILES = File(default=[])


def _upload_name(filename: str | None) -> str:
    """A name for an uploaded file in its own temporary folder: the last part of the name
    given, printable, never ``.`` nor ``..``, at most 100 bytes (its extension kept, which
    format detection may use)."""
    name = "".join(c for c in Path(filename or "").name if c.isprintable() and c not in "/\\")
    if name.strip(" .") == "":
        return "upload"
    if len(name.encode()) > 100:
        suffix = Path(name).suffix
        return "upload" + (suffix if len(suffix.encode()) <= 20 else "")
    return name


def _is_text(value: str) -> bool:
    """Whether ``value`` can be written as UTF-8 (JSON lets a lone surrogate through)."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


async def _in_case(request: Request, slug: str, action: str, fn: Callable[..., T]) -> T:
    """:func:`in_case`'s result alone (the API renders no page)."""
    return (await in_case(request, slug, action, fn))[0]


class CaseInfo(BaseModel):
    slug: str
    name: str
    role: str


class LabelsIn(BaseModel):
    """Confirm (1) or correct (0) labels of one message."""

    ref: str = Field(min_length=1, max_length=300, description="platform:id")
    values: dict[str, int] = Field(description="label → 1 (applies) or 0 (does not)")
    note: str | None = Field(default=None, max_length=2000)


class ScoreIn(BaseModel):
    texts: list[str] = Field(max_length=MAX_TEXTS)


@router.get("/openapi.json", include_in_schema=False)
async def openapi(request: Request) -> JSONResponse:
    if current_session(request) is None:
        raise Denied(401, "sign in first")
    return JSONResponse(request.app.openapi())


@router.get("/cases", response_model=list[CaseInfo])
async def cases(request: Request) -> list[CaseInfo]:
    session = current_session(request)
    if session is None:
        raise Denied(401, "sign in first")
    names = await run_in_threadpool(workspace_of(request).names)
    return [CaseInfo(slug=s, name=names[s], role=r) for s, r in sorted(session.roles.items())]


@router.get("/cases/{slug}/overview")
async def overview(request: Request, slug: str) -> dict[str, Any]:
    view = await _in_case(request, slug, "read", lambda c: rc.overview(c, "api"))
    return view.to_json()


@router.get("/cases/{slug}/messages")
async def messages(
    request: Request,
    slug: str,
    limit: int = Query(50, ge=1, le=500),
    offset: int = Query(0, ge=0, le=10_000_000),
    min_severity: str | None = Query(None, pattern="^(low|medium|high|critical)$"),
    author: str | None = Query(None, max_length=300, description="platform:id of an account"),
) -> dict[str, Any]:
    """The triage queue: scored messages, most severe first, without their texts (one
    account's only, with ``author``)."""
    queue = await _in_case(
        request,
        slug,
        "read",
        lambda c: rc.triage(c, limit, offset, min_severity, "api", author or None),
    )
    return queue.to_json()


@router.get("/cases/{slug}/messages/{ref}")
async def message(request: Request, slug: str, ref: str) -> dict[str, Any]:
    """One message with its text (a reveal: recorded in the chain of custody)."""
    if len(ref) > 300:
        raise RempartError("no such message")
    row = await _in_case(request, slug, "reveal", lambda c: rc.reveal(c, ref, "api"))
    return row.to_json()


@router.post("/cases/{slug}/labels")
async def labels(request: Request, slug: str, body: LabelsIn) -> dict[str, Any]:
    bad = [k for k, v in body.values.items() if k not in LABEL_CATEGORIES or v not in (0, 1)]
    if bad or not body.values:
        raise RempartError(
            f"labels are {', '.join(LABEL_CATEGORIES)}, each 1 (applies) or 0 (does not)"
        )
    done = await _in_case(
        request,
        slug,
        "label",
        lambda c: rc.label(c, body.ref, dict(body.values), author=c.operator, note=body.note),
    )
    return {"recorded": len(done)}


class MarksIn(BaseModel):
    """Put a mark on (or take it off) messages; ``block`` marks their authors' accounts."""

    refs: list[str] = Field(min_length=1, max_length=1000, description="platform:id each")
    mark: str = Field(pattern="^(quarantine|select|block)$")
    on: bool = True


@router.post("/cases/{slug}/marks")
async def put_marks(request: Request, slug: str, body: MarksIn) -> dict[str, Any]:
    if any(len(r) > 300 for r in body.refs):
        raise RempartError("no such message")
    done = await _in_case(
        request, slug, "mark", lambda c: rc.mark(c, list(body.refs), body.mark, body.on, "api")
    )
    return {"mark": done.mark, "on": done.on, "seq": done.seq, "subjects": done.subjects}


@router.get("/cases/{slug}/marks")
async def get_marks(request: Request, slug: str) -> dict[str, Any]:
    found = await _in_case(request, slug, "read", rc.current_marks)
    return {name: sorted(f"{p}:{i}" for p, i in keys) for name, keys in found.items()}


@router.get("/cases/{slug}/findings")
async def findings(request: Request, slug: str) -> dict[str, Any]:
    view = await _in_case(
        request,
        slug,
        "read",
        lambda c: rc.findings(c, by="api") if c.store.latest_findings_run() else None,
    )
    if view is None:
        return {"findings": None}
    return {"findings": view.to_json()}


@router.get("/cases/{slug}/authors")
async def authors(
    request: Request, slug: str, limit: int = Query(200, ge=1, le=5000)
) -> dict[str, Any]:
    rows = await _in_case(request, slug, "read", lambda c: rc.authors(c, limit, "api"))
    return {"authors": [r.to_json() for r in rows]}


@router.get("/cases/{slug}/campaign")
async def campaign(request: Request, slug: str) -> dict[str, Any]:
    """Ban evasion, impersonators, the campaign's accounts and the coordination graph's
    strongest edges, from the latest raid analysis (null when the case was never analysed)."""
    found = await _in_case(request, slug, "read", lambda c: rc.campaign(c, 200, "api"))
    return {"campaign": found.to_json() if found is not None else None}


@router.get("/cases/{slug}/users")
async def users(request: Request, slug: str) -> dict[str, Any]:
    """The case's users and their roles (for owners)."""
    found = await _in_case(request, slug, "manage", rc.case_users)
    return {"users": [{"email": u.email, "role": u.role} for u in found]}


@router.delete("/cases/{slug}/users/{email}")
async def remove_user(request: Request, slug: str, email: str) -> dict[str, Any]:
    """Take away a user's access to the case (not the last owner's)."""
    if len(email) > 320:
        raise RempartError("no such user")
    removed = await _in_case(request, slug, "delete", lambda c: rc.remove_user(c, email))
    return {"removed": removed.email}


@router.post("/score")
async def score(request: Request, body: ScoreIn) -> dict[str, Any]:
    """Score texts with the classifier (nothing is stored)."""
    session = current_session(request)
    if session is None:
        raise Denied(401, "sign in first")
    await check_csrf(request, session)
    if any(len(t) > MAX_TEXT for t in body.texts):
        raise RempartError(f"a text is longer than {MAX_TEXT} characters")
    if not all(_is_text(t) for t in body.texts):
        raise RempartError("a text is not Unicode text (it holds a lone surrogate: \\ud800…)")
    results = await run_in_threadpool(rc.score_texts, list(body.texts))
    return {"results": results}


@router.post("/cases/{slug}/ingest")
async def ingest(
    request: Request,
    slug: str,
    file: UploadFile = _FILE,
    format: str | None = _FORMAT,
) -> dict[str, Any]:
    """Import one uploaded file (auto-detected, or ``format``)."""
    data = await file.read()
    name = _upload_name(file.filename)

    def run(case: rc.Case) -> dict[str, Any]:
        # outside the case folder: a capture never reads the case's own files
        with tempfile.TemporaryDirectory(prefix="rempart-upload-") as folder:
            path = Path(folder) / name
            path.write_bytes(data)
            report = rc.ingest(case, [path], format=format or None, command="web upload")
        return {
            "new_records": report.new_records,
            "known_records": report.known_records,
            "rejects": [{"line": r.line, "reason": r.reason} for r in report.rejects[:1000]],
            "head": report.head_hash,
        }

    return await _in_case(request, slug, "ingest", run)


@router.get("/cases/{slug}/reports/dossier")
async def dossier(
    request: Request, slug: str, format: str = Query("json", pattern="^(json|csv|html|pdf)$")
) -> Response:
    """The court file, built now (recorded in the chain of custody and signed)."""

    def build(case: rc.Case) -> Path:
        out = export_path(case, "dossier", format)
        rc.report(case, format, out)
        return out

    path = await _in_case(request, slug, "export", build)
    media = {"json": "application/json", "csv": "text/csv", "html": "text/html"}
    return FileResponse(path, filename=path.name, media_type=media.get(format, "application/pdf"))


@router.get("/cases/{slug}/incidents")
async def incidents(request: Request, slug: str) -> dict[str, Any]:
    found = await _in_case(request, slug, "read", lambda c: rc.incidents(c, by="api"))
    return {"incidents": [i.to_json() for i in found]}


@router.post("/cases/{slug}/incidents")
async def add_incident(
    request: Request,
    slug: str,
    when: str = _WHEN,
    what: str = _WHAT,
    where: str = _WHERE,
    files: list[UploadFile] = _FILES,
) -> dict[str, Any]:
    attached = []
    for upload in files:
        data = await upload.read()
        if data:
            attached.append((Path(upload.filename or "file").name or "file", data))
    done = await _in_case(
        request,
        slug,
        "incident",
        lambda c: rc.add_incident(c, when, where, what, attached, via="api"),
    )
    return {"incident": done.incident.to_json(), "entry_hash": done.entry_hash}
