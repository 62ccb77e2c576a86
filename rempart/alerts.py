"""The seam alerts go out through: standard output, a webhook, the web app's live feed.

An :class:`AlertSink` takes one alert (a JSON-ready mapping) at a time and says whether it
took it; ``close`` delivers what it still holds. Raid detection (:mod:`rempart.analysis.raid.live`)
writes every alert to each sink it is given. :class:`StreamSink` writes JSON lines (escaped for
a terminal, see :func:`rempart.textsafe.safe_json`); :class:`MemorySink` keeps them in a list,
the in-memory twin for tests and what a live page reads from; the webhook sink is
:class:`rempart.analysis.raid.live.WebhookSender`.

Example::

    sink = MemorySink()
    sink.send({"kind": "raid-start", "target": "@alice"})
    sink.alerts[0]["kind"]      # 'raid-start'
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Protocol, TextIO

from .textsafe import safe_json

__all__ = ["AlertSink", "MemorySink", "StreamSink"]


class AlertSink(Protocol):
    """Where alerts go."""

    def send(self, payload: Mapping[str, object]) -> bool:
        """Take one alert; False when it was refused or dropped."""
        ...

    def close(self, timeout: float | None = None) -> None:
        """Deliver what is still held (within ``timeout`` seconds when given), then stop."""
        ...


class StreamSink:
    """Each alert as one JSON line on ``out``, flushed at once."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def send(self, payload: Mapping[str, object]) -> bool:
        self.out.write(safe_json(json.dumps(dict(payload), ensure_ascii=False)) + "\n")
        self.out.flush()
        return True

    def close(self, timeout: float | None = None) -> None:
        self.out.flush()


class MemorySink:
    """Keeps every alert, in order, in :attr:`alerts`."""

    def __init__(self) -> None:
        self.alerts: list[dict[str, object]] = []
        self.closed = False

    def send(self, payload: Mapping[str, object]) -> bool:
        self.alerts.append(dict(payload))
        return True

    def close(self, timeout: float | None = None) -> None:
        self.closed = True
