"""Marks people put during triage: quarantine a message, select it for the court file or a
notice, block the account that wrote it.

Each call is one ``mark`` entry in the evidence log (which mark, on or off, the subjects, who,
when, through which interface), the marks that are on are kept in the case, and a tree head is
signed over it; ``verify`` replays the entries and reports a mark changed behind the log's back.
Blocking marks the author's account: the block lists of the shield read them.

Example::

    mark(case, ["x:1729", "x:1730"], "quarantine")
    assert ("x", "1729") in current_marks(case)["quarantine"]
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import RempartError
from ..evidence.log import LogWriter
from ..evidence.marks import MARK_KIND
from ..models import iso
from ..storage.base import MarkRow
from .evidence import sign_case_tree_head
from .folder import Case
from .scoring import resolve_message

__all__ = ["MARKS", "MarkResult", "current_marks", "mark"]

#: Each mark and what it is put on.
MARKS = {"quarantine": "message", "select": "message", "block": "account"}


@dataclass(frozen=True)
class MarkResult:
    """A mark put on (or taken off): the log entry that seals it and its subjects."""

    mark: str
    on: bool
    seq: int
    subjects: list[tuple[str, str]]


def mark(
    case: Case, refs: list[str], name: str, on: bool = True, via: str = "library"
) -> MarkResult:
    """Put mark ``name`` on (``on``) or take it off the messages ``refs`` (``platform:id``; for
    ``block``, on their authors' accounts), sealed as one ``mark`` entry."""
    if name not in MARKS:
        raise RempartError(f"unknown mark {name!r}; use one of {', '.join(MARKS)}")
    if not refs or len(refs) > 1000:
        raise RempartError("mark 1 to 1000 messages at a time")
    subject = MARKS[name]
    keys: dict[tuple[str, str], None] = {}
    for ref in refs:
        message = resolve_message(case, ref)
        if subject == "account":
            if not message.author_id:
                raise RempartError(f"{ref}: the author of this message is not known")
            keys[(message.platform, message.author_id)] = None
        else:
            keys[message.key] = None
    who = case.settings["operator"]
    at = iso(case.clock.now()) or ""
    store = case.store
    with store.transaction():
        writer = LogWriter(store)
        entry = writer.append(
            MARK_KIND,
            {
                "mark": name,
                "on": on,
                "subjects": [{"subject": subject, "platform": p, "id": i} for p, i in keys],
                "by": who,
                "at": at,
                "via": via,
            },
        )
        writer.flush()
        store.set_marks((MarkRow(subject, p, i, name, entry.seq, who, at) for p, i in keys), on)
    sign_case_tree_head(case, MARK_KIND)
    return MarkResult(name, on, entry.seq, list(keys))


def current_marks(case: Case) -> dict[str, set[tuple[str, str]]]:
    """The keys each mark is on now (messages for ``quarantine`` and ``select``, accounts for
    ``block``)."""
    out: dict[str, set[tuple[str, str]]] = {name: set() for name in MARKS}
    for row in case.store.marks():
        out.setdefault(row.mark, set()).add((row.platform, row.id))
    return out
