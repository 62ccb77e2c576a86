"""Marks people put on messages and accounts (quarantine, selection, block), as the log seals
them: each ``mark`` entry puts one mark on, or takes it off, for a list of subjects.

The store keeps the marks that are on; :func:`expected_marks` replays the entries in log order
and :func:`check_marks` compares, so that a mark added, removed or changed in the database
behind the log's back is reported by ``verify``.
"""

from __future__ import annotations

from typing import Any, Iterable

from ..storage.base import MarkRow, Store
from .results import ResultProblem

__all__ = ["MARK_KIND", "check_marks", "expected_marks"]

MARK_KIND = "mark"

Key = tuple[str, str, str, str]


def expected_marks(entries: Iterable[tuple[int, dict[str, Any]]]) -> dict[Key, MarkRow]:
    """The marks on after the ``mark`` entries ``(seq, body)``, in log order."""
    out: dict[Key, MarkRow] = {}
    for seq, body in entries:
        name = str(body.get("mark"))
        subjects = body.get("subjects")
        for s in subjects if isinstance(subjects, list) else []:
            if not isinstance(s, dict):
                continue
            key = (str(s.get("subject")), str(s.get("platform")), str(s.get("id")), name)
            if body.get("on"):
                out[key] = MarkRow(*key, seq, body.get("by"), str(body.get("at") or ""))
            else:
                out.pop(key, None)
    return out


def check_marks(store: Store, entries: Iterable[tuple[int, dict[str, Any]]]) -> list[ResultProblem]:
    """How the stored marks differ from what the ``mark`` entries put on."""
    want = expected_marks(entries)
    have = {(r.subject, r.platform, r.id, r.mark): r for r in store.marks()}
    problems = []
    for key in sorted(set(want) | set(have)):
        where = f"{key[3]} on {key[0]} {key[1]}:{key[2]}"
        if key not in have:
            problems.append(
                ResultProblem("mark", where, "deleted", "the log puts it on; it is not stored")
            )
        elif key not in want:
            problems.append(
                ResultProblem("mark", where, "inserted", "no mark entry in the log puts it on")
            )
        elif have[key] != want[key]:
            problems.append(
                ResultProblem(
                    "mark",
                    where,
                    "altered",
                    f"stored as put on by entry {have[key].seq} ({have[key].by}, "
                    f"{have[key].at}); the log says entry {want[key].seq}",
                )
            )
    return problems
