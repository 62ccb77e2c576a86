"""The web workspace: ``rempart serve`` (see :mod:`rempart.web.app`).

Example::

    from rempart.web import serve
    serve([Path("case-alice")], host="127.0.0.1", port=8765)
"""

from __future__ import annotations

import ipaddress
from pathlib import Path

from .app import create_app
from .workspace import Workspace

__all__ = ["Workspace", "create_app", "is_loopback", "serve"]


def is_loopback(host: str) -> bool:
    """Whether ``host`` only listens on this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(paths: list[Path], host: str = "127.0.0.1", port: int = 8765) -> None:
    """Serve the cases at ``paths`` until interrupted."""
    import uvicorn

    app = create_app(Workspace(paths))
    uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False)
