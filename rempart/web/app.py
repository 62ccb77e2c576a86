"""The web workspace's application: pages for people, a JSON API under ``/api``, one door.

Every page and API route but the login page needs a signed-in user (a session cookie, or an
``Authorization: Bearer`` API token) whose role in the case allows the action
(:data:`rempart.case.users.ACTIONS`); forms and other writes made with a session cookie carry
its CSRF token. Every answer has a strict Content-Security-Policy (scripts and styles from the
server only, no inline script), refuses framing and sniffing, and sends no referrer. Bodies
larger than ``max_body`` bytes are refused with 413 before they are read.

Example::

    app = create_app(Workspace([Path("case-alice")]))
    uvicorn.run(app, host="127.0.0.1", port=8765)
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import AsyncIterator, Awaitable, Callable

import anyio.to_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import RempartError
from ..version import __version__
from . import api, pages
from .common import HEADERS, render
from .workspace import Denied, Workspace

__all__ = ["create_app"]

HERE = Path(__file__).parent
#: Worker threads for the case work (each one opens each case once): a few more than the
#: cores. More threads do not run Python more at once; they take Python's lock in turn (each
#: SQLite call of a view gives it up and waits for it back), which stretches every request
#: under load (bench/web.py: 20 clients on 2 cores, triage page p99 400 ms with anyio's 40,
#: 250 ms with 4).
WORKER_THREADS = min(32, (os.cpu_count() or 1) + 2)


@contextlib.asynccontextmanager
async def _worker_threads(app: FastAPI) -> AsyncIterator[None]:
    anyio.to_thread.current_default_thread_limiter().total_tokens = WORKER_THREADS
    yield


def create_app(workspace: Workspace, max_body: int = 20_000_000) -> FastAPI:
    """The application serving ``workspace`` (see the module docstring)."""
    app = FastAPI(
        title="rempart",
        version=__version__,
        description="The rempart web workspace's API: a case's messages, findings, scores, "
        "imports, court files and incidents. Authenticate with a session cookie (and its "
        "CSRF token in X-CSRF-Token for writes) or an API token (Authorization: Bearer).",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=_worker_threads,
    )
    app.state.workspace = workspace
    app.state.max_body = max_body
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.include_router(pages.router)
    app.include_router(api.router, prefix="/api")
    app.add_exception_handler(Denied, _denied)
    app.add_exception_handler(RempartError, _refused)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _invalid)
    app.add_middleware(_Guard, max_body=max_body)
    return app


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/") or request.url.path == "/api"


async def _denied(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, Denied)
    if _is_api(request):
        return JSONResponse({"error": str(exc)}, status_code=exc.status)
    if exc.status == 401:
        return RedirectResponse("/login", status_code=303)
    return render(request, "error.html.j2", status=exc.status, message=str(exc))


async def _refused(request: Request, exc: Exception) -> Response:
    if _is_api(request):
        return JSONResponse({"error": str(exc)}, status_code=400)
    return render(request, "error.html.j2", status=400, message=str(exc))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    message = str(exc.detail) if exc.detail else "error"
    if _is_api(request) or request.url.path.startswith("/static/"):
        return JSONResponse({"error": message}, status_code=exc.status_code)
    return render(request, "error.html.j2", status=exc.status_code, message=message)


async def _invalid(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    problems = [
        {"where": ".".join(str(p) for p in e.get("loc", ())), "problem": str(e.get("msg", ""))}
        for e in exc.errors()
    ]
    if _is_api(request):
        return JSONResponse({"error": "invalid request", "problems": problems}, status_code=422)
    return render(request, "error.html.j2", status=422, message="invalid request")


class _Guard:
    """Security headers on every answer; bodies over ``max_body`` bytes refused (413)."""

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            await _too_large(send, self.max_body)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise _TooLarge()
            return message

        async def with_headers(message: Message) -> None:
            nonlocal started
            if seen > self.max_body:
                # a body sent without Content-Length grew too large and the app made its own
                # answer of the refusal (FastAPI: 400 "error parsing the body"): it is a 413
                if message["type"] == "http.response.start" and not started:
                    started = True
                    await _too_large(send, self.max_body)
                return
            if message["type"] == "http.response.start":
                started = True
                headers = [(k, v) for k, v in message.get("headers", []) if k not in dict(HEADERS)]
                message = {**message, "headers": headers + HEADERS}
            await send(message)

        try:
            await self.app(scope, counted, with_headers)
        except _TooLarge:
            if not started:
                await _too_large(send, self.max_body)
        except Exception:
            # a bug: the 500 carries the security headers too (the error is still raised, and
            # logged, by the server-error middleware, which sees the answer started)
            if not started:
                await _answer(send, 500, b'{"error": "internal error"}')
            raise


class _TooLarge(Exception):
    pass


async def _too_large(send: Callable[[Message], Awaitable[None]], limit: int) -> None:
    await _answer(send, 413, f'{{"error": "the request is larger than {limit} bytes"}}'.encode())


async def _answer(send: Callable[[Message], Awaitable[None]], status: int, body: bytes) -> None:
    """A JSON answer made here, with the security headers."""
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
