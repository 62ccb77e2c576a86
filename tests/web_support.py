"""Shared by the web workspace's tests: synthetic cases with users of every role, hostile
payloads, and a real server (uvicorn) on 127.0.0.1.

Users (password ``PASSWORD`` for all): ``owner@example.org``, ``helper@example.org`` and
``viewer@example.org`` in case ``alice``; ``other@example.org`` (owner) in case ``bob`` only.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any, Iterator

import orjson

from rempart import case as rc
from rempart.web import Workspace, create_app

from conftest import T0, page, tweet, user

PASSWORD = "correct horse battery"
USERS = {
    "owner@example.org": "owner",
    "helper@example.org": "helper",
    "viewer@example.org": "viewer",
}
OTHER = "other@example.org"

#: Texts of a synthetic case, taken in turn: abuse of each kind, support and chatter.
TEXTS = [
    "@alice tu es une honte, dégage d'ici",
    "@alice je sais où tu habites, fais attention à toi ce soir",
    "@alice on va tous signaler ton compte, faites tourner",
    "@alice courage, on est avec toi",
    "@alice sale menteuse, tout le monde sait ce que tu as fait",
    "@alice merci pour ton article d'hier",
]


def build_case(
    folder: Path,
    name: str = "alice",
    messages: int = 24,
    texts: list[str] | None = None,
    names: list[str] | None = None,
    bios: list[str] | None = None,
    urls: list[str] | None = None,
    score: bool = True,
) -> Path:
    """A case ``folder/name`` with ``messages`` synthetic tweets (their texts, authors' display
    names, bios and profile URLs taken in turn from the lists given), imported and scored."""
    path = folder / name
    case = rc.init_case(path, [f"@{name}"])
    texts = texts or TEXTS
    lines = []
    for i in range(messages):
        uid = str(1000 + i % 7)
        author = user(uid, f"compte_{i % 7}")
        if names:
            author["name"] = names[i % len(names)]
        if bios:
            author["description"] = bios[i % len(bios)]
        if urls:
            author["url"] = urls[i % len(urls)]
        lines.append(
            page(
                [
                    tweet(
                        str(5000 + i),
                        texts[i % len(texts)],
                        author=uid,
                        when=T0 + timedelta(minutes=7 * i),
                    )
                ],
                users=[author],
            )
        )
    data = folder / f"{name}-mentions.jsonl"
    data.write_bytes(b"".join(orjson.dumps(line) + b"\n" for line in lines))
    rc.ingest(case, [data])
    if score:
        rc.score(case)
    if name == "alice":
        for email, role in USERS.items():
            rc.add_user(case, email, role, PASSWORD)
    else:
        rc.add_user(case, OTHER, "owner", PASSWORD)
    case.close()
    return path


def workspace(folder: Path, **kw: Any) -> Workspace:
    """A workspace over case ``alice`` (built with ``kw``) and case ``bob``."""
    return Workspace([build_case(folder, "alice", **kw), build_case(folder, "bob", messages=4)])


@contextlib.contextmanager
def serving(ws: Workspace) -> Iterator[str]:
    """Serve ``ws`` with uvicorn on a free port of 127.0.0.1; yields the base URL."""
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    config = uvicorn.Config(
        create_app(ws), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web workspace did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
