"""Behavioural traits of an account for ban evasion when names say nothing.

A capture made after a ban keeps the banned account's posts (an id on each) and the API's
"User has been suspended" error, but no handle, display name, bio or creation date: its
successor can only be recognised by how it writes and when it posts. This module reads those
traits from an account's own texts:

- *habits*: marks found in most of its messages (at least ``HABIT_SHARE`` of them, two
  messages or more): a signature emoji or sign, a punctuation run (``!!``, ``?!``, ``...``),
  the word or sign it ends its messages with (trailing hashtags, mentions and links left
  out), a word it keeps misspelling;
- *hours*: its posting-hour profile (24 UTC hours).

A habit is only telling when few accounts of the case have it: rarity is measured on a sample
of the case's accounts (see :class:`rempart.analysis.raid.evasion`).

Example::

    habits(["t'es nul 🙈", "dégage 🙈", "menteur !! 🙈"])   # {'e:🙈', 'end:🙈'}
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence

import numpy as np

#: A mark is a habit when at least this share of an account's messages carry it...
HABIT_SHARE = 0.6
#: ... and the account wrote at least this many messages.
HABIT_MIN_MESSAGES = 2
_SIGN = re.compile(r"[^\w\s\x00-\x7f]")
_PUNCT_RUN = re.compile(r"[!?.…]{2,}")
_TRAILER = re.compile(r"(?:\s+(?:#\w+|@[\w.]+|https?://\S+))+\s*$")
_WORD = re.compile(r"[^\W\d_]{3,}")


def marks(text: str) -> set[str]:
    """The marks of one message (signs, punctuation runs, its last word or sign)."""
    text = text.replace("\ufe0f", "")  # an emoji with or without its variation selector
    out = {"e:" + c for c in _SIGN.findall(text) if c != "\u200d"}
    out.update("p:" + run.replace("…", "...") for run in _PUNCT_RUN.findall(text))
    body = _TRAILER.sub("", " " + text).strip()
    if body:
        last = body.split()[-1]
        out.add("end:" + last.casefold())
    return out


def habits(texts: Sequence[str]) -> set[str]:
    """Marks found in at least ``HABIT_SHARE`` of ``texts`` (none below two messages)."""
    if len(texts) < HABIT_MIN_MESSAGES:
        return set()
    counts: Counter[str] = Counter()
    for t in texts:
        counts.update(marks(t))
    need = HABIT_SHARE * len(texts)
    return {m for m, n in counts.items() if n >= need and n >= HABIT_MIN_MESSAGES}


def describe(mark: str) -> str:
    """A habit in words."""
    kind, _, value = mark.partition(":")
    if kind == "e":
        return f"the sign '{value}'"
    if kind == "p":
        return f"the punctuation '{value}'"
    return f"ending messages with '{value}'"


def hour_profile(times: Iterable[float]) -> np.ndarray:
    """Messages per UTC hour of day (24 counts)."""
    t = np.asarray(list(times), dtype=np.float64)
    t = t[np.isfinite(t)]
    return np.bincount(((t // 3600) % 24).astype(np.int64), minlength=24).astype(np.float64)


def hour_similarity(a: np.ndarray, b: np.ndarray) -> float:
    """Cosine of two posting-hour profiles, each smoothed over the neighbouring hours."""

    def smooth(x: np.ndarray) -> np.ndarray:
        out: np.ndarray = x + 0.5 * (np.roll(x, 1) + np.roll(x, -1))
        return out

    sa, sb = smooth(a), smooth(b)
    norm = float(np.linalg.norm(sa) * np.linalg.norm(sb))
    return float(sa @ sb) / norm if norm else 0.0


def peak_hours(profile: np.ndarray, k: int = 3) -> list[int]:
    """The ``k`` busiest hours of a profile, in order of the day."""
    busy = [int(h) for h in np.argsort(-profile, kind="stable")[:k] if profile[h] > 0]
    return sorted(busy)


def words(texts: Iterable[str]) -> Counter[str]:
    """Words of three letters or more -> number of messages using them."""
    out: Counter[str] = Counter()
    for t in texts:
        out.update({w.casefold() for w in _WORD.findall(t)})
    return out
