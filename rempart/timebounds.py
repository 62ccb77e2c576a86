"""The time bounds of a filter (``--since``, ``--until``), read as instants, not as text.

Accepted: ISO 8601 dates and times, with ``Z`` or an offset (``2026-03-01T14:00:00Z``,
``2026-03-01T16:00:00+02:00``, ``2026-03-01 14:00``); a time without an offset is UTC. A date
alone means a whole day in UTC: ``since`` starts at its first instant, ``until`` ends after its
last one (the day is included). Any other ``until`` is excluded: ``until 2026-03-01T12:00Z``
keeps what was created before noon. Anything that is not a date is refused, naming the option.

Stores compare :func:`bound_key` values (fixed-width UTC text, see :func:`rempart.models.sortable`)
with the messages' creation times, so the same instant gives the same result however it is
written.

Example::

    bound_key("2026-03-01", end=True)   # '2026-03-02T00:00:00.000000Z'
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from .errors import RempartError
from .models import iso, sortable

__all__ = ["DATE_HINT", "TimeBoundError", "bound_iso", "bound_key", "parse_bound"]

#: How to write a bound, for error messages.
DATE_HINT = (
    "write an ISO 8601 date or time, e.g. 2026-03-01, 2026-03-01T14:00:00Z or "
    "2026-03-01T16:00:00+02:00"
)


class TimeBoundError(RempartError):
    """A ``--since`` / ``--until`` value that is not a date."""


def parse_bound(value: str | datetime, end: bool = False, name: str | None = None) -> datetime:
    """The instant a ``since`` (``end=False``) or ``until`` (``end=True``) bound stands for,
    in UTC. ``name`` is the option named in the error (default ``--since`` / ``--until``)."""
    if isinstance(value, datetime):
        return _utc(value)
    text = value.strip() if isinstance(value, str) else ""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        pass
    else:
        start = datetime.combine(day, time(0), tzinfo=UTC)
        return start + timedelta(days=1) if end and day < date.max else start
    try:
        return _utc(datetime.fromisoformat(text))
    except ValueError:
        option = name or ("--until" if end else "--since")
        raise TimeBoundError(f"{option} {str(value)[:60]!r} is not a date: {DATE_HINT}") from None


def bound_key(
    value: str | datetime | None, end: bool = False, name: str | None = None
) -> str | None:
    """The bound as stores compare it (None stays None: no bound)."""
    if value is None or value == "":
        return None
    return sortable(parse_bound(value, end, name))


def bound_iso(
    value: str | datetime | None, end: bool = False, name: str | None = None
) -> str | None:
    """The bound as an exact ISO 8601 UTC instant, to record what a filter applied."""
    if value is None or value == "":
        return None
    return iso(parse_bound(value, end, name))


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
