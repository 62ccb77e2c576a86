"""Where capture times come from. Evidence records the clock's name beside every time.

Example::

    clock = SystemClock()
    clock.now()          # aware UTC datetime
    clock.describe()     # {"source": "system", ...} for the capture context
"""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

UTC = UTC


class Clock(Protocol):
    """A source of UTC time with a name that evidence entries cite."""

    name: str

    def now(self) -> datetime: ...

    def describe(self) -> dict[str, Any]: ...


class SystemClock:
    """The operating system's real-time clock (CLOCK_REALTIME)."""

    name = "system"

    def now(self) -> datetime:
        return datetime.now(UTC)

    def describe(self) -> dict[str, Any]:
        info: dict[str, Any] = {
            "source": "system",
            "kind": "CLOCK_REALTIME",
            "resolution_s": time.clock_getres(time.CLOCK_REALTIME),
            "timezone_of_host": time.tzname[0],
        }
        # systemd-timesyncd leaves this flag when the clock is NTP-synchronised.
        if os.path.exists("/run/systemd/timesync/synchronized"):
            info["ntp_synchronized"] = True
        return info


class FixedClock:
    """A deterministic clock for tests: starts at ``start`` and advances ``step`` per call."""

    name = "fixed"

    def __init__(self, start: datetime, step: timedelta = timedelta(0)) -> None:
        self._now = start.astimezone(UTC)
        self._step = step

    def now(self) -> datetime:
        current = self._now
        self._now += self._step
        return current

    def describe(self) -> dict[str, Any]:
        return {"source": "fixed", "note": "test clock"}
