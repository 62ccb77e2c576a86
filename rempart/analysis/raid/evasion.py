"""Ban evasion: an account stops and the same person carries on under a new one.

An account is suspended or deleted (a status change, or its status), or, a weaker sign, falls
silent; soon after (by default within 48 hours) a new account posts for the first time, created
around or after the stop, and shows the same person: a handle that differs by a digit, an
affix, swapped letters or look-alike characters; the same display name or bio; the same
writing habits (character n-gram profile, signature sign-off, rare spellings); messages aimed at
the same target. A link needs the timing and at least one strong identity sign (two after a
mere silence); contradicting signs (unrelated names, bios and style) lower the score.

A name is only telling when few others use it: a display name, handle stem or bio counts as
strong only if at most one other account active at the same time shares it (the accounts of
one chain follow each other, namesakes and generated handles overlap). Writing style is judged
on character n-grams that few sampled accounts use, so a raid's copy-pasted insults weigh
nothing.

A link is reported only when one of its two accounts aimed a message at a case target:
evasion among raiders of someone else is not the target's case.

Candidates are blocked, never compared all against all: accounts are sorted by first post,
each stop only looks at the accounts that started in its window, and among those only at the
ones sharing most handle-skeleton trigrams, a handle stem or core, a display name or a run of
bio words. Each new account keeps at most one predecessor and each stopped account one
successor, so a chain A -> B -> C comes out as A -> B and B -> C.

A stopped account known only by its id (a capture made after the ban: no handle, display name,
bio or creation date) has no name to block on: it is compared with the accounts that started
after its last post, were created shortly before it or later, and aim at one of its targets,
on behaviour alone (writing style and habits, posting hours, see :mod:`.evasion_style` and
:mod:`.behaviour`), with stricter rules: an observed stop, the same target, a strong style or
habit sign (two when the new account is undated too), and no link when two newcomers fit
about as well. Writing style lives in :mod:`.evasion_style`.

Example::

    for link in find_evasion(corpus):
        print(link.source, "->", link.target, link.score, link.evidence)

:class:`EvasionDetector` is the same under the detector contract (:mod:`.detector`).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Self

import numpy as np

from . import names
from .corpus import STOPPED, AccountInfo, Corpus
from .detector import Finding, Found
from .evasion_style import STYLE_MAX, _Sign, _Style
from .types import EvasionLink

#: How long after a stop a new account may take over.
WINDOW_HOURS = 48.0
#: How long before a stop the new account may have been created (prepared spares).
CREATED_BEFORE_DAYS = 30.0
#: Reported links score at least this.
MIN_SCORE = 0.6
#: An account that falls silent counts only if it was active this long (seconds) before: the
#: fresh accounts of a raid all fall silent within hours.
SILENT_SPAN = 86400.0
#: ... and if its silence lasts this many times its usual gap between posts.
SILENT_RATIO = 5.0
#: Log-odds before any evidence: most candidate pairs are strangers.
PRIOR = -3.5
#: Weaker identity signs adding up to this much count as one strong sign.
SUM_STRONG = 3.5
#: The most the shared-target sign can weigh.
TARGET_MAX = 0.5
#: Share of the stopped account's handle trigrams a newcomer must have to be compared...
BLOCK_SHARE = 0.6
#: ... and share of the newcomer's own (lower: it may add a long affix).
BLOCK_SHARE_NEW = 0.4
#: A display name or bio run shared by more newcomers than this is not used to find pairs.
MAX_SHARED_KEY = 20
#: A stopped account known only by its id (profile gone) is compared with the accounts that
#: started after it, created at most this long before its last post (seconds)...
NAMELESS_CREATED_BEFORE = 6 * 3600.0
#: ... at most this many of them (those created closest to the stop).
NAMELESS_CANDIDATES = 200
#: The most the behavioural signs (habits, creation, posting hours) can weigh together.
BEHAVIOUR_MAX = 3.5
#: A nameless account's two best successors closer than this (log-odds) make no link.
AMBIGUOUS = 1.0
#: What a re-created account says about itself in its bio.
_ANNOUNCE = re.compile(
    r"nouveau compte|nouvel? compte|new account|compte de (?:secours|sauvegarde)|"
    r"back-?up|ancien compte|old account|(?:compte|account) (?:suspendu|suspended|banni|banned)"
    r"|\b(?:re)?banni\b|je suis de retour|i'?m back|is back|ex-@",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Stop:
    """A stopped (or silent) account and when it stopped: between ``lo`` and ``hi``."""

    account: int
    lo: float
    hi: float
    observed: bool  # a status says it stopped; otherwise it only fell silent
    status: str


@dataclass
class _Pair:
    stop: _Stop
    successor: int
    signs: list[_Sign] = field(default_factory=list)

    @property
    def weight(self) -> float:
        return sum(s.weight for s in self.signs)

    @property
    def score(self) -> float:
        return 1.0 / (1.0 + math.exp(-(PRIOR + self.weight)))

    @property
    def strong(self) -> int:
        """Strong identity signs; several weaker ones adding up to a strong one count once."""
        count = sum(s.strong for s in self.signs)
        if not count and sum(s.weight for s in self.signs if s.identity) >= SUM_STRONG:
            return 1
        return count


def find_evasion(
    corpus: Corpus, window_hours: float = WINDOW_HOURS, min_score: float = MIN_SCORE
) -> list[EvasionLink]:
    """Links from an account that stopped to the account that took over, best first."""
    window = window_hours * 3600.0
    stops = _stops(corpus, window)
    if not stops:
        return []
    pool = _Pool(corpus, stops, window)
    style = _Style(corpus)
    floor = math.log(min_score / (1.0 - min_score)) - PRIOR
    kept: list[_Pair] = []
    for stop in stops:
        candidates = pool.candidates(stop)
        if stop.observed and nameless(corpus.accounts[stop.account]):
            candidates = sorted(set(candidates) | set(pool.behavioural(stop, style)))
        for b in candidates:
            pair = _judge(corpus, pool, style, stop, b, floor)
            if pair is not None:
                kept.append(pair)
    kept = _unambiguous(corpus, _transitive_reduction(kept))
    return [_link(corpus, p) for p in _one_to_one(kept) if _about_a_target(style, p)]


def _about_a_target(style: _Style, pair: _Pair) -> bool:
    """Whether the stopped account or its successor aimed a message at a case target: ban
    evasion between raiders of someone else is no evidence in the target's case (a case whose
    target is absent from the data reports none)."""
    return bool(style.aimed(pair.stop.account) or style.aimed(pair.successor))


class EvasionDetector:
    """:func:`find_evasion` as a detector: the ``evasion_links`` findings.

    It runs after the designating posts: a reply under one counts as aimed at its target.
    """

    name = "evasion_links"
    requires = ("designating_posts",)

    def __init__(self, window_hours: float = WINDOW_HOURS, min_score: float = MIN_SCORE) -> None:
        self.window_hours = window_hours
        self.min_score = min_score

    def fit(self, corpus: Corpus, found: Found) -> Self:
        self.links_ = find_evasion(corpus, self.window_hours, self.min_score)
        return self

    def detect(self) -> Mapping[str, Sequence[Finding]]:
        return {self.name: self.links_}


# ---------------------------------------------------------------------------------- stops
def _stops(corpus: Corpus, window: float) -> list[_Stop]:
    """Accounts seen stopped, and established accounts that fell silent well before the end of
    the case."""
    times = corpus.t[~np.isnan(corpus.t)]
    end = float(times.max()) if len(times) else 0.0
    seen_as = _stop_statuses(corpus)
    out: list[_Stop] = []
    for a in corpus.accounts:
        if a.index in corpus.target_accounts:
            continue
        if a.stopped_at is not None or a.status in STOPPED:
            seen = a.stopped_at if a.stopped_at is not None else a.last_post
            if seen is None:
                continue
            lo = a.last_post if a.last_post is not None else seen - window
            status = seen_as.get(a.index, a.status)
            out.append(_Stop(a.index, min(lo, seen), max(lo, seen), True, status))
        elif _fell_silent(a, end, window):
            assert a.last_post is not None
            out.append(_Stop(a.index, a.last_post, a.last_post, False, "silent"))
    return out


def _fell_silent(a: AccountInfo, end: float, window: float) -> bool:
    """An established account whose silence up to the end of the case is far longer than its
    usual gap between posts (the fresh accounts of a raid, gone within hours, are not)."""
    if a.last_post is None or a.first_post is None or a.posts < 3:
        return False
    span = a.last_post - a.first_post
    silence = end - a.last_post
    usual_gap = span / (a.posts - 1)
    return span >= SILENT_SPAN and silence >= max(window, SILENT_RATIO * usual_gap)


def _stop_statuses(corpus: Corpus) -> dict[int, str]:
    """The first stopping status observed for each account (suspended, deleted...)."""
    firsts: dict[int, tuple[float, str]] = {}
    for c in corpus.status_changes:
        i = corpus.account_index.get((c.platform, c.id))
        if i is None or c.subject not in ("account", "user") or c.status not in STOPPED:
            continue
        when = c.observed_at.timestamp() if c.observed_at else math.inf
        if i not in firsts or when < firsts[i][0]:
            firsts[i] = (when, c.status)
    return {i: status for i, (_, status) in firsts.items()}


# ------------------------------------------------------------------------------- blocking
class _Pool:
    """Accounts by first post, with an index of their name keys for the stop windows."""

    def __init__(self, corpus: Corpus, stops: list[_Stop], window: float) -> None:
        self.corpus = corpus
        self.window = window
        accounts = [
            a
            for a in corpus.accounts
            if a.first_post is not None and a.index not in corpus.target_accounts
        ]
        accounts.sort(key=lambda a: (a.first_post, a.index))
        self.order = np.array([a.index for a in accounts], dtype=np.int64)
        self.first = np.array([a.first_post for a in accounts], dtype=np.float64)
        self.groups = _groups(accounts)
        postings: dict[str, list[int]] = {}
        self.grams = np.zeros(len(accounts), dtype=np.int64)
        for pos in self._positions_in_windows(stops):
            keys = _keys(corpus.accounts[int(self.order[pos])])
            self.grams[pos] = sum(k.startswith("h:") for k in keys)
            for key in keys:
                postings.setdefault(key, []).append(pos)
        self.postings = {k: np.array(v, dtype=np.int64) for k, v in postings.items()}

    def sharing(self, key: str, a: AccountInfo, b: AccountInfo) -> int:
        """How many other accounts with this name key posted while ``a`` or ``b`` did.

        Accounts of one chain follow each other and never overlap, so they do not make a
        name common; namesakes and generated handles active at the same time do.
        """
        group = self.groups.get(key)
        if group is None:
            return 0
        index, first, last = group
        lo = a.first_post if a.first_post is not None else -math.inf
        hi = b.last_post if b.last_post is not None else math.inf
        live = (first < hi) & (last > lo) & (index != a.index) & (index != b.index)
        return int(np.count_nonzero(live))

    def _positions_in_windows(self, stops: list[_Stop]) -> np.ndarray:
        """Positions (in first-post order) of the accounts that started in some stop window."""
        cover = np.zeros(len(self.first) + 1, dtype=np.int64)
        for s in stops:
            lo, hi = self._span(s)
            cover[lo] += 1
            cover[hi] -= 1
        return np.flatnonzero(np.cumsum(cover)[:-1] > 0)

    def _span(self, stop: _Stop) -> tuple[int, int]:
        lo = int(np.searchsorted(self.first, stop.lo, side="left"))
        hi = int(np.searchsorted(self.first, stop.hi + self.window, side="right"))
        return lo, hi

    def behavioural(self, stop: _Stop, style: _Style) -> list[int]:
        """Candidates found by time and target alone (see :func:`_behavioural`)."""
        return _behavioural(self, stop, style)

    def candidates(self, stop: _Stop) -> list[int]:
        """Accounts that started in the stop's window and share name keys with it: a handle
        skeleton, stem or core, a display name or a run of bio words that few newcomers share
        (a key shared by many says nothing about one person), or, after an observed stop,
        most of the handle's trigrams (both ways)."""
        lo, hi = self._span(stop)
        if lo >= hi:
            return []
        keys = _keys(self.corpus.accounts[stop.account])
        grams = sum(k.startswith("h:") for k in keys)
        hits: list[np.ndarray] = []
        found: set[int] = set()
        for key in keys:
            post = self.postings.get(key)
            if post is None or (key.startswith("h:") and not stop.observed):
                continue
            part = post[np.searchsorted(post, lo) : np.searchsorted(post, hi)]
            if key.startswith("h:"):
                hits.append(part)
            elif len(part) <= MAX_SHARED_KEY:
                found.update(int(p) for p in part)
        if hits:
            pos, count = np.unique(np.concatenate(hits), return_counts=True)
            close = (count >= BLOCK_SHARE * grams) & (count >= BLOCK_SHARE_NEW * self.grams[pos])
            found.update(int(p) for p in pos[close])
        return [
            b
            for b in (int(self.order[p]) for p in sorted(found))
            if b != stop.account and _fits(self.corpus.accounts[b], stop)
        ]


def nameless(a: AccountInfo) -> bool:
    """Known only by its id: no handle, display name or bio (a profile gone with a ban)."""
    return not (a.handle or a.display_name or a.bio or a.handles)


def _behavioural(pool: _Pool, stop: _Stop, style: _Style) -> list[int]:
    """For a stopped account whose profile is gone: the accounts that started in its window,
    created shortly before its last post or later (or of unknown creation: gone too), and
    aiming at one of its targets. Blocking by time and target keeps the cost linear."""
    corpus = pool.corpus
    lo, hi = pool._span(stop)
    own = style.aimed(stop.account)
    if lo >= hi or not own:
        return []
    earliest = stop.lo - NAMELESS_CREATED_BEFORE
    found: list[tuple[float, int]] = []
    for b in pool.order[lo:hi].tolist():
        info = corpus.accounts[b]
        if b == stop.account or not _fits(info, stop):
            continue
        if info.created_at is not None and info.created_at < earliest:
            continue
        if not own.keys() & style.aimed(b).keys():
            continue
        created = info.created_at if info.created_at is not None else info.first_post or 0.0
        found.append((abs(created - stop.lo), b))
    found.sort()
    return [b for _, b in found[:NAMELESS_CANDIDATES]]


def _name_keys(a: AccountInfo) -> list[str]:
    """Keys that say two accounts use the same name: handle stem as typed and core, display
    name, bio."""
    keys = []
    if a.handle:
        keys += ["t:" + names.typed_stem(a.handle), "c:" + names.core(a.handle)]
    if a.display_name:
        keys.append("d:" + names.skeleton(a.display_name))
    if a.bio:
        keys.append("b:" + names.skeleton(a.bio))
    return keys


def _groups(accounts: list[AccountInfo]) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Name key -> (account indexes, first posts, last posts), for keys shared by three or
    more accounts (with fewer, no third account can make the name common)."""
    members: dict[str, list[AccountInfo]] = {}
    for a in accounts:
        for key in _name_keys(a):
            members.setdefault(key, []).append(a)
    return {
        k: (
            np.array([a.index for a in v]),
            np.array([a.first_post for a in v], dtype=float),
            np.array([a.last_post for a in v], dtype=float),
        )
        for k, v in members.items()
        if len(v) >= 3
    }


def _keys(a: AccountInfo) -> set[str]:
    """Blocking keys: handle skeleton, stem, core and their trigrams, display-name skeleton
    and core, runs of three bio words."""
    keys: set[str] = set()
    for h in (a.handle, *a.handles):
        if h:
            skeleton, core = names.skeleton(h), names.core(h)
            keys.update(("k:" + skeleton, "s:" + names.stem(h), "c:" + core))
            keys.update("h:" + g for g in names.grams(skeleton) | names.grams(core))
    keys.update(
        "d:" + d
        for d in (names.skeleton(a.display_name), names.core(a.display_name))
        if len(d) >= 4
    )
    words = [w for w in names.clean(a.bio).casefold().split() if len(w) > 1]
    keys.update("b:" + " ".join(words[i : i + 3]) for i in range(len(words) - 2))
    return keys


def _fits(b: AccountInfo, stop: _Stop) -> bool:
    """The newcomer started after the stopped account's last post and is not an old account."""
    if b.first_post is None or b.first_post < stop.lo:
        return False
    return b.created_at is None or b.created_at >= stop.lo - CREATED_BEFORE_DAYS * 86400.0


# -------------------------------------------------------------------------------- judging
def _judge(
    corpus: Corpus, pool: _Pool, style: _Style, stop: _Stop, b: int, floor: float
) -> _Pair | None:
    """Every sign for or against ``stop.account`` and ``b`` being the same person.

    ``None`` when the pair falls short of ``floor`` (the evidence weight a link needs) or of
    the strong signs it needs; names are judged first, the costlier writing style only when
    it could still make the difference.
    """
    a_info, b_info = corpus.accounts[stop.account], corpus.accounts[b]
    pair = _Pair(stop, b)
    pair.signs.append(_timing(corpus, stop, b_info))
    if not stop.observed:
        pair.signs.append(
            _Sign(
                -1.5,
                False,
                "the first account only fell silent; no suspension or deletion was observed",
                identity=False,
            )
        )
    for sign in (
        _handle_sign(pool, a_info, b_info),
        _display_sign(pool, a_info, b_info),
        _bio_sign(pool, a_info, b_info),
    ):
        if sign is not None:
            pair.signs.append(sign)
    need = 1 if stop.observed else 2
    gone = nameless(a_info) or nameless(b_info)
    reach = STYLE_MAX + TARGET_MAX + (BEHAVIOUR_MAX if gone else 0.0)
    if pair.weight + reach < floor or pair.strong + 1 < need:
        return None
    target = _target_sign(style, stop.account, b)
    if gone and (target is None or target.weight <= 0):
        return None  # without names, the same target is a precondition
    for sign in (target, style.sign(stop.account, b)):
        if sign is not None:
            pair.signs.append(sign)
    if gone:
        pair.signs.extend(style.behaviour_signs(stop.account, b))
        created = _created_sign(a_info, b_info, stop)
        if created is not None:
            pair.signs.append(created)
        if b_info.created_at is None:
            need = 2  # nothing dates the new account: it may be any raider banned later
        pair.signs.append(_Sign(0.0, False, _gone_words(a_info, b_info), identity=False))
    return pair if pair.weight >= floor and pair.strong >= need else None


def _created_sign(a: AccountInfo, b: AccountInfo, stop: _Stop) -> _Sign | None:
    """A new account created within hours before the banned one's last post, or after it
    (the timing sign already rewards creation after it)."""
    if b.created_at is None or a.last_post is None:
        return None
    lead = a.last_post - b.created_at
    if 3600 < lead <= NAMELESS_CREATED_BEFORE:
        return _Sign(
            0.5,
            False,
            f"{_who(b)} was created {_duration(lead)} before the last post of {_who(a)}",
            identity=False,
        )
    return None


def _gone_words(a: AccountInfo, b: AccountInfo) -> str:
    """Why names play no part in the link."""
    which = [_who(x) for x in (a, b) if nameless(x)]
    its = "its id and posts" if len(which) == 1 else "their ids and posts"
    return (
        f"the profile of {' and '.join(which)} is not in the capture (only {its}): the "
        f"link rests on timing, target and writing habits alone"
    )


def _timing(corpus: Corpus, stop: _Stop, b: AccountInfo) -> _Sign:
    """How soon the newcomer appeared: sooner weighs more, and so does a fresh account."""
    a = corpus.accounts[stop.account]
    first = b.first_post if b.first_post is not None else stop.hi
    gap = max(0.0, first - stop.hi)
    weight = 1.0 if gap <= 6 * 3600 else 0.5 if gap <= 24 * 3600 else 0.0
    if b.created_at is not None and b.created_at >= stop.lo - 3600:
        weight += 0.5
    elif b.created_at is not None and a.created_at is not None and b.created_at < a.created_at:
        weight -= 1.0
    return _Sign(weight, False, "", lambda: _timing_words(stop, a, b, first, gap), identity=False)


def _timing_words(stop: _Stop, a: AccountInfo, b: AccountInfo, first: float, gap: float) -> str:
    """The timing in one sentence naming both accounts (written for reported links only)."""
    if stop.observed:
        head = f"{_who(a)} {stop.status} (observed {_when(stop.hi)})"
        if a.last_post is not None:
            head += f", last post {_when(a.last_post)}"
        after = (
            "before the stop was observed"
            if first < stop.hi
            else f"{_duration(gap)} after the stop was observed"
        )
    else:
        head = f"{_who(a)} silent after {_when(stop.lo)}"
        after = f"{_duration(gap)} after its last post"
    created = f"created {_when(b.created_at)}, " if b.created_at is not None else ""
    return f"{head}; {_who(b)}, {created}first post {_when(first)} ({after})"


def _handle_sign(pool: _Pool, a: AccountInfo, b: AccountInfo) -> _Sign | None:
    """The strongest relation between the old account's handles and the new handle."""
    if not b.handle or not a.handle:
        return None
    best: _Sign | None = None
    for old in dict.fromkeys((a.handle, *a.handles)):
        sign = _handle_relation(pool, a, b, old, b.handle)
        if sign is not None and (best is None or sign.weight > best.weight):
            best = sign
    if best is None and not names.grams(names.stem(a.handle)) & names.grams(names.stem(b.handle)):
        return _Sign(
            -1.0,
            False,
            f"handles '{names.shown(a.handle)}' and '{names.shown(b.handle)}' are unrelated",
        )
    return best


def _handle_relation(
    pool: _Pool, a: AccountInfo, b: AccountInfo, old: str, new: str
) -> _Sign | None:
    """How the new handle derives from an old one, weighed by how common its stem is."""
    quoted = f"('{names.shown(old)}' -> '{names.shown(new)}')"
    if names.skeleton(old) == names.skeleton(new) and names.clean(old) != names.clean(new):
        how = names.read_as(new, old) or "letter case is ignored"
        return _Sign(4.0, True, f"handle reads the same once {how} {quoted}")
    s_old, s_new = names.stem(old), names.stem(new)
    shared = pool.sharing("t:" + names.typed_stem(new), a, b)
    generic = shared >= 2 or len(s_new) < 4
    signs = [_digit_sign(old, new, quoted, shared if generic else 0)] if s_old == s_new else []
    change = names.edit(names.plain(old), names.plain(new))
    if change and len(names.plain(new)) >= 8 and _telling_edit(old, new, generic):
        # A changed character is how two generated names differ, too: it weighs less.
        what = "two neighbouring characters" if change == "swapped" else "one character"
        signs.append(
            _Sign(2.5 if change == "changed" else 3.0, True, f"handle has {what} {change} {quoted}")
        )
    if signs:
        return max(signs, key=lambda x: x.weight)
    c_old, c_new = names.core(old), names.core(new)
    if c_old == c_new and len(c_old) >= 5 and pool.sharing("c:" + c_new, a, b) < 2:
        return _Sign(3.0, True, f"handle is the same name with an added or dropped affix {quoted}")
    change = names.edit(s_old, s_new)
    if change and len(s_new) >= 5:
        return _edit_sign(change, s_new, quoted)
    prefix = len(os.path.commonprefix([s_old, s_new]))
    if prefix >= 6 and prefix >= 0.6 * min(len(s_old), len(s_new)):
        seen = os.path.commonprefix([names.clean(old).casefold(), names.clean(new).casefold()])
        return _Sign(1.5, False, f"handles share the beginning '{names.shown(seen)}' {quoted}")
    return None


def _telling_edit(old: str, new: str, generic: bool) -> bool:
    """Whether one edit between two handles points to one person: not when the stem is common
    or the edit falls inside a short number (random numbers differ that way), unless it only
    appends or drops a last digit."""
    d_old, d_new = names.trailing_digits(old), names.trailing_digits(new)
    long_number = min(len(d_old), len(d_new)) >= 4
    if generic:
        return long_number
    in_number = names.stem(old) == names.stem(new)
    return not in_number or long_number or d_new.startswith(d_old) or d_old.startswith(d_new)


def _digit_sign(old: str, new: str, quoted: str, shared: int) -> _Sign:
    """Same stem, other trailing digits. A digit added, or a number moved by one or two, is
    typical of a re-creation; when the stem is common (``shared`` other accounts use it at the
    time, as with generated handles) only a long number moved by a few units is telling."""
    d_old, d_new = names.trailing_digits(old), names.trailing_digits(new)
    step = int(d_new) - int(d_old) if d_old and d_new else 0
    long_number = min(len(d_old), len(d_new)) >= 4
    if 0 < abs(step) <= (9 if long_number else 2) and (not shared or long_number):
        way = "goes up" if step > 0 else "goes down"
        return _Sign(
            3.5,
            True,
            f"handle differs only by its trailing number, which {way} "
            f"({d_old} -> {d_new}) {quoted}",
        )
    if shared:
        return _Sign(
            1.0,
            False,
            f"handle differs only by its trailing digits {quoted}, but "
            f"{shared} other accounts active then share that stem",
        )
    if not d_old or not d_new:
        what = "a trailing digit" if len(d_old or d_new) == 1 else "a trailing number"
        return _Sign(3.5, True, f"handle differs only by {what} {quoted}")
    return _Sign(
        2.0, False, f"handle differs only by its trailing number ({d_old} -> {d_new}) {quoted}"
    )


def _edit_sign(change: str, s_new: str, quoted: str) -> _Sign:
    """One edit between the stems: swapped neighbours are typical of a re-creation, a changed
    letter is common among names drawn from the same syllables."""
    if change == "swapped":
        return _Sign(2.5, len(s_new) >= 6, f"handle swaps two letters {quoted}")
    if change == "changed":
        return _Sign(1.5, False, f"handle differs by one letter {quoted}")
    return _Sign(2.0, len(s_new) >= 7, f"handle has one letter {change} {quoted}")


def _display_sign(pool: _Pool, a: AccountInfo, b: AccountInfo) -> _Sign | None:
    """The same display name (or the same with an affix such as a digit) is strong unless
    other accounts active at the time use it too; an unrelated one counts against."""
    if not a.display_name or not b.display_name:
        return None
    sa, sb = names.skeleton(a.display_name), names.skeleton(b.display_name)
    if not sa or not sb:
        return None
    quoted = f"('{names.shown(a.display_name)}' -> '{names.shown(b.display_name)}')"
    ca = names.core(a.display_name)
    if (sa == sb or ca == names.core(b.display_name)) and len(ca) >= 4:
        shared = pool.sharing("d:" + (sa if sa == sb else ca), a, b)
        if sa != sb:
            text = f"display names differ only by an affix {quoted}"
        elif names.clean(a.display_name) == names.clean(b.display_name):
            text = f"same display name '{names.shown(b.display_name)}'"
        else:
            text = f"display names read the same {quoted}"
        if shared >= 2:
            return _Sign(0.5, False, f"{text}, a name {shared} other accounts active then use")
        return _Sign(3.0 if sa == sb else 2.0, True, text)
    ta, tb = _words(a.display_name), _words(b.display_name)
    if ta & tb and (len(ta & tb) >= 0.5 * len(ta | tb) or ta <= tb or tb <= ta):
        return _Sign(1.0, False, f"display names share words {quoted}")
    if names.one_edit(sa, sb) and len(sa) >= 8:
        return _Sign(1.0, False, f"display names differ by one letter {quoted}")
    return _Sign(-1.0, False, f"display names differ {quoted}")


def _words(name: str) -> set[str]:
    """The words of a name as skeletons (emoji and flags left out)."""
    return {w for w in (names.skeleton(t) for t in names.clean(name).split()) if w}


def _bio_sign(pool: _Pool, a: AccountInfo, b: AccountInfo) -> _Sign | None:
    """The same bio is strong unless other accounts active at the time use it too; the old
    bio inside the new one, or a new bio announcing a new or backup account, count too."""
    ca, cb = names.clean(a.bio).casefold(), names.clean(b.bio).casefold()
    announce = _ANNOUNCE.search(cb)
    if announce:
        return _Sign(
            1.5,
            False,
            f"the new bio announces a new or backup account "
            f"('{names.shown(b.bio, 60)}')"
            + (
                f" and repeats the old bio '{names.shown(a.bio, 60)}'"
                if len(ca) >= 8 and ca in cb
                else ""
            ),
        )
    if len(ca) < 8 or len(cb) < 8:
        return None
    ga, gb = names.grams(ca, 4), names.grams(cb, 4)
    sim = len(ga & gb) / max(1, len(ga | gb))
    quoted = f"'{names.shown(b.bio, 60)}'"
    if sim >= 0.9 and min(len(ca), len(cb)) >= 15:
        shared = pool.sharing("b:" + names.skeleton(b.bio), a, b)
        if shared >= 2:
            return _Sign(
                0.5, False, f"same bio {quoted}, used by {shared} other accounts active then"
            )
        return _Sign(3.0, True, f"same bio {quoted}")
    if sim >= 0.5 and min(len(ca), len(cb)) >= 20:
        return _Sign(1.5, False, f"bios {sim:.0%} alike ({quoted})")
    if sim < 0.15:
        return _Sign(-0.5, False, "bios differ")
    return None


def _target_sign(style: _Style, a: int, b: int) -> _Sign | None:
    """Whether both accounts aimed messages at the same target."""
    ta, tb = style.aimed(a), style.aimed(b)
    common = ta.keys() & tb.keys()
    if common:
        t = sorted(common)[0]
        return _Sign(
            TARGET_MAX,
            False,
            f"both aimed messages at @{t} ({ta[t]} and {tb[t]} messages)",
            identity=False,
        )
    if ta and not tb:
        return _Sign(
            -0.5, False, "the new account aimed nothing at the old one's targets", identity=False
        )
    return None


# ------------------------------------------------------------------------------- choosing
def _transitive_reduction(pairs: list[_Pair]) -> list[_Pair]:
    """Drop A -> C when C's other predecessor B itself took over from A (chain A -> B -> C)."""
    links = {(p.stop.account, p.successor) for p in pairs}
    before: dict[int, set[int]] = {}
    for a, c in links:
        before.setdefault(c, set()).add(a)
    return [
        p
        for p in pairs
        if not any((p.stop.account, b) in links for b in before[p.successor] if b != p.stop.account)
    ]


def _unambiguous(corpus: Corpus, pairs: list[_Pair]) -> list[_Pair]:
    """Without names, two newcomers fitting one stopped account about as well is no evidence
    against either: neither is linked (an unproven accusation is worse than a missed link)."""
    by_stop: dict[int, list[_Pair]] = {}
    for p in pairs:
        if nameless(corpus.accounts[p.stop.account]):
            by_stop.setdefault(p.stop.account, []).append(p)
    dropped: set[int] = set()
    for group in by_stop.values():
        if len(group) < 2:
            continue
        best, second = sorted((p.weight for p in group), reverse=True)[:2]
        if best - second < AMBIGUOUS:
            dropped.add(group[0].stop.account)
    return [p for p in pairs if p.stop.account not in dropped]


def _one_to_one(pairs: list[_Pair]) -> list[_Pair]:
    """Best first, each account at most once as predecessor and once as successor."""
    used_from: set[int] = set()
    used_to: set[int] = set()
    out: list[_Pair] = []
    for p in sorted(pairs, key=lambda p: (-p.score, p.stop.account, p.successor)):
        if p.stop.account in used_from or p.successor in used_to:
            continue
        used_from.add(p.stop.account)
        used_to.add(p.successor)
        out.append(p)
    return out


def _link(corpus: Corpus, pair: _Pair) -> EvasionLink:
    timing, rest = pair.signs[0], pair.signs[1:]
    ordered = [timing] + sorted(rest, key=lambda s: -s.weight)
    return EvasionLink(
        corpus.accounts[pair.stop.account].id,
        corpus.accounts[pair.successor].id,
        pair.score,
        [s.sentence for s in ordered],
    )


# ------------------------------------------------------------------------------- wording
def _h(a: AccountInfo) -> str:
    return names.shown(a.handle or a.id, 40)


def _who(a: AccountInfo) -> str:
    """``@handle``, or ``account <id>`` when the capture has no handle for it."""
    return f"@{_h(a)}" if a.handle else f"account {names.shown(a.id, 40)}"


def _when(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d %H:%M UTC")


def _duration(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 60:
        return f"{minutes} minute{'s' if minutes != 1 else ''}"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes:02d}"
    days, hours = divmod(hours, 24)
    return f"{days} day{'s' if days != 1 else ''} {hours} h"
