"""Writing style and behaviour of an account, for ban evasion: the evidence about who writes.

An account's profile is read from its own texts (reposts, links and mentions left out):
hashed character 3- and 4-grams, the words and signs it uses, its usual sign-off, its habits
(marks in most of its messages, see :mod:`.behaviour`) and its posting hours. Everything is
judged against an evenly spaced sample of the case's accounts, so what many accounts share
(a raid's copied insults, common emoji) weighs nothing. :class:`_Style` turns the comparison of
two accounts into :class:`_Sign` evidence for :mod:`.evasion`.

Example::

    style = _Style(corpus)
    style.sign(a, b).sentence        # 'writing style similarity 0.74 over 6 and 6 messages …'
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from . import behaviour, names
from .corpus import Corpus

__all__ = ["STYLE_MAX", "_Sign", "_Style"]

#: Accounts sampled to tell rare writing features from common ones.
REFERENCE_ACCOUNTS = 600
#: Messages per account read for its writing profile.
PROFILE_MESSAGES = 60
#: Character n-grams used by this share of the sampled accounts or more say nothing personal.
COMMON_SHARE = 0.05
#: Personal n-grams an account needs before its style is compared.
MIN_GRAMS = 25
#: The most a writing-style sign can weigh.
STYLE_MAX = 2.5
#: A habit is rare when at most this share of the sampled accounts have it (at least one).
RARE_HABIT_SHARE = 0.01
#: A rare habit found in at least this share of both accounts' messages is a strong sign.
STEADY_HABIT = 0.7
_HASH_BITS = 22
_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"(?<!\w)@[\w.]+")
_TOKEN = re.compile(r"\w+|[^\w\s]")
#: Words of three letters or more (not numbers) and non-ASCII signs such as emoji: the tokens
#: that can make a personal habit.
_SIGNATURE = re.compile(r"[^\W\d]\w{2,}|[^\w\s\x00-\x7f]")


@dataclass
class _Sign:
    """One piece of evidence about a pair: log-odds weight, whether it is strong, in words."""

    weight: float
    strong: bool
    text: str
    later: Callable[[], str] | None = None  # writes ``text`` when it is costly and may go unused
    identity: bool = True  # about who the accounts are (not about timing or targets)

    @property
    def sentence(self) -> str:
        return self.later() if self.later is not None else self.text


# -------------------------------------------------------------------------- writing style
@dataclass
class _Profile:
    """An account's writing habits, from its own texts (reposts left out)."""

    messages: int
    grams: np.ndarray  # sorted unique hashed character 3- and 4-grams
    counts: np.ndarray  # how often each occurs
    tokens: Counter[str]  # word or emoji -> number of messages using it
    signoff: str | None  # the last words most of its messages end with
    habits: set[str] = field(default_factory=set)  # marks in most messages (behaviour.py)
    mark_counts: Counter[str] = field(default_factory=Counter)  # messages carrying each habit
    hours: np.ndarray = field(default_factory=lambda: np.zeros(24))  # posts per UTC hour


@dataclass
class _Reference:
    """Document frequencies over the sampled accounts."""

    sampled: set[int]
    keys: np.ndarray  # sorted n-gram hashes
    df: np.ndarray  # accounts using each
    token_df: Counter[str]
    signoff_df: Counter[str]
    habit_df: Counter[str] = field(default_factory=Counter)


class _Style:
    """Writing profiles, judged against an evenly spaced sample of the case's accounts.

    An n-gram used by many sampled accounts (a copy-pasted insult, a hashtag, common words)
    weighs nothing; what is left is personal, so two accounts of one raid posting the same
    texts do not look alike, while a sign-off or a misspelling shared by two accounts does.
    """

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self._order = np.argsort(corpus.author, kind="stable")
        by_author, everyone = corpus.author[self._order], np.arange(len(corpus.accounts))
        self._start = np.searchsorted(by_author, everyone, side="left")
        self._end = np.searchsorted(by_author, everyone, side="right")
        self._profiles: dict[int, _Profile] = {}
        self._vectors: dict[int, np.ndarray] = {}
        self._aims: dict[int, Counter[str]] = {}

    @cached_property
    def _reference(self) -> _Reference:
        """How many sampled accounts use each n-gram, word and sign-off (built when first
        needed: most cases have few pairs worth a style comparison)."""
        posting = np.flatnonzero(self._end > self._start)
        sample = (
            np.unique(
                posting[
                    np.linspace(0, len(posting) - 1, min(len(posting), REFERENCE_ACCOUNTS)).astype(
                        np.int64
                    )
                ]
            )
            if len(posting)
            else posting
        )
        profiles = [self.profile(int(i)) for i in sample]
        grams = [p.grams for p in profiles]
        keys, df = np.unique(
            np.concatenate(grams) if grams else np.zeros(0, dtype=np.uint64), return_counts=True
        )
        tokens: Counter[str] = Counter()
        habit_df: Counter[str] = Counter()
        for p in profiles:
            tokens.update(p.tokens.keys())
            habit_df.update(p.habits)
        return _Reference(
            {int(i) for i in sample},
            keys,
            df,
            tokens,
            Counter(p.signoff for p in profiles if p.signoff),
            habit_df,
        )

    def rows(self, account: int) -> np.ndarray:
        """The account's message rows, in time order."""
        return self._order[self._start[account] : self._end[account]]

    def aimed(self, account: int) -> Counter[str]:
        """Messages the account aimed at each target."""
        if account not in self._aims:
            out: Counter[str] = Counter()
            targets = set(self.corpus.targets)
            for r in self.rows(account):
                if not self.corpus.aimed[r]:
                    continue
                hit = targets.intersection(self.corpus.mentions[r])
                out.update(hit if hit or len(targets) != 1 else targets)
            self._aims[account] = out
        return self._aims[account]

    def profile(self, account: int) -> _Profile:
        if account not in self._profiles:
            self._profiles[account] = self._read(account)
        return self._profiles[account]

    def _read(self, account: int) -> _Profile:
        texts = [
            _own_text(self.corpus.text[r])
            for r in self.rows(account)[:PROFILE_MESSAGES]
            if self.corpus.repost_of[r] is None
        ]
        texts = [t for t in texts if t]
        grams, counts = np.unique(_hashes("\n".join(texts)), return_counts=True)
        tokens: Counter[str] = Counter()
        endings: Counter[str] = Counter()
        for t in texts:
            tokens.update(set(_SIGNATURE.findall(t)))
            words = _TOKEN.findall(t[-60:])
            if len(words) >= 3:
                endings[" ".join(words[-3:])] += 1
        signoff = None
        if endings:
            ending, count = endings.most_common(1)[0]
            if count >= 2 and count >= 0.4 * len(texts):
                signoff = ending
        rows = self.rows(account)[:PROFILE_MESSAGES]
        habits = behaviour.habits(texts)
        marks: Counter[str] = Counter()
        for t in texts:
            marks.update(behaviour.marks(t) & habits)
        return _Profile(
            len(texts),
            grams,
            counts,
            tokens,
            signoff,
            habits,
            marks,
            behaviour.hour_profile(self.corpus.t[rows]),
        )

    def _vector(self, account: int) -> np.ndarray:
        """Sublinear tf times an idf that is zero for common n-grams, L2-normalised."""
        if account not in self._vectors:
            p, ref = self.profile(account), self._reference
            at = np.minimum(np.searchsorted(ref.keys, p.grams), max(0, len(ref.keys) - 1))
            df = (
                np.where(ref.keys[at] == p.grams, ref.df[at], 0)
                if len(ref.keys)
                else (np.zeros(len(p.grams)))
            )
            common = max(COMMON_SHARE * (len(ref.sampled) + 1), 6.0)
            idf = np.maximum(0.0, np.log(common / (df + 1.0)))
            w = (1.0 + np.log(p.counts)) * idf
            norm = float(np.sqrt((w * w).sum()))
            self._vectors[account] = w / norm if np.count_nonzero(w) >= MIN_GRAMS else w * 0
        return self._vectors[account]

    def similarity(self, a: int, b: int) -> float | None:
        """Cosine of the personal n-gram profiles; ``None`` when one has too little text."""
        va, vb = self._vector(a), self._vector(b)
        if not va.any() or not vb.any():
            return None
        _, ia, ib = np.intersect1d(
            self.profile(a).grams, self.profile(b).grams, assume_unique=True, return_indices=True
        )
        return float((va[ia] * vb[ib]).sum())

    def habits(self, a: int, b: int) -> list[str]:
        """A shared rare sign-off and rare words used again and again by both, in words.

        Rare: at most one other sampled account uses them (the third account of a chain).
        """
        pa, pb, ref = self.profile(a), self.profile(b), self._reference
        own = (a in ref.sampled) + (b in ref.sampled)  # sampled pair members use them too
        signoff = (
            pa.signoff
            if pa.signoff and pa.signoff == pb.signoff and ref.signoff_df[pa.signoff] - own <= 1
            else None
        )
        in_signoff = set(_TOKEN.findall(signoff or ""))
        rare = sorted(
            t
            for t in pa.tokens.keys() & pb.tokens.keys()
            if ref.token_df[t] - own <= 1
            and pa.tokens[t] >= min(2, pa.messages)
            and pb.tokens[t] >= min(2, pb.messages)
            and t not in in_signoff
        )[:5]
        out = []
        if signoff:
            out.append(f"same sign-off '{names.shown(signoff, 60)}'")
        if rare:
            out.append(
                "both use the rare words " + ", ".join(f"'{names.shown(t, 30)}'" for t in rare)
            )
        return out

    def behaviour_signs(self, a: int, b: int) -> list[_Sign]:
        """Behavioural evidence when names are missing (see :func:`_behaviour_signs`)."""
        return _behaviour_signs(self, a, b)

    def sign(self, a: int, b: int) -> _Sign | None:
        """Writing-style evidence: profile similarity, shared sign-off and rare words."""
        pa, pb = self.profile(a), self.profile(b)
        if not pa.messages or not pb.messages:
            return None
        cos = self.similarity(a, b)
        habits = self.habits(a, b)
        text = (
            f"writing style similarity {cos:.2f}"
            if cos is not None
            else "little personal text to compare styles"
        )
        text += f" over {pa.messages} and {pb.messages} messages"
        text += f" ({'; '.join(habits)})" if habits else ""
        if cos is not None and cos >= 0.6 and habits:
            return _Sign(STYLE_MAX, True, text)
        if cos is not None and cos >= 0.75 and min(pa.messages, pb.messages) >= 2:
            return _Sign(2.0, True, text)
        if habits:
            return _Sign(1.5, False, text)
        if cos is not None and cos >= 0.5:
            return _Sign(1.0, False, text)
        rich = min(np.count_nonzero(self._vector(a)), np.count_nonzero(self._vector(b)))
        if cos is not None and cos < 0.1 and rich >= 4 * MIN_GRAMS:
            return _Sign(-1.0, False, text)
        return None


def _behaviour_signs(style: _Style, a: int, b: int) -> list[_Sign]:
    """Shared rare habits (signature signs, punctuation, endings) and posting hours."""
    pa, pb, ref = style.profile(a), style.profile(b), style._reference
    own = (a in ref.sampled) + (b in ref.sampled)
    limit = max(1.0, RARE_HABIT_SHARE * len(ref.sampled))
    shared = sorted(pa.habits & pb.habits)
    rare: dict[str, tuple[str, int]] = {}  # one entry per sign or word, however it shows
    for mark in shared:
        users = ref.habit_df[mark] - own
        if users <= limit:
            value = mark.partition(":")[2]
            if value not in rare or users < rare[value][1]:
                rare[value] = (mark, users)
    out: list[_Sign] = []
    if rare:
        listed = "; ".join(
            f"{behaviour.describe(m)} (in {_share(pa, m)} and {_share(pb, m)} "
            f"of their messages, a habit of {u} of {len(ref.sampled)} sampled "
            f"accounts)"
            for m, u in rare.values()
        )
        steady = any(
            min(pa.mark_counts[m] / pa.messages, pb.mark_counts[m] / pb.messages) >= STEADY_HABIT
            for m, _ in rare.values()
        )
        strong = len(rare) >= 2 or (steady and min(pa.messages, pb.messages) >= 3)
        out.append(_Sign(2.5 if strong else 1.5, strong, f"same writing habits: {listed}"))
    elif shared:
        out.append(
            _Sign(
                0.25,
                False,
                "shared habits, common in the case: "
                + ", ".join(behaviour.describe(m) for m in shared[:3]),
            )
        )
    sim = behaviour.hour_similarity(pa.hours, pb.hours)
    if pa.hours.sum() >= 4 and pb.hours.sum() >= 4:
        hours = (
            f"posting hours alike {sim:.2f} (busiest UTC hours "
            f"{behaviour.peak_hours(pa.hours)} and {behaviour.peak_hours(pb.hours)})"
        )
        # an evader's accounts follow each other in time: unlike hours are no counter-sign
        out.append(_Sign(0.5 if sim >= 0.8 else 0.0, False, hours))
    return out


def _share(p: _Profile, mark: str) -> str:
    """How many of the profile's messages carry ``mark``, as "k/n"."""
    return f"{p.mark_counts.get(mark, 0)}/{p.messages}"


def _own_text(text: str) -> str:
    """A message without links, mentions and spacing noise: what the author typed."""
    return " ".join(_MENTION.sub(" ", _URL.sub(" ", text)).casefold().split())


def _hashes(text: str) -> np.ndarray:
    """Hashed character 3- and 4-grams of a text (vectorised over its code points)."""
    raw = ("\x02" + text + "\x03").encode("utf-32-le", "surrogatepass")
    c = np.frombuffer(raw, dtype=np.uint32).astype(np.uint64)
    mask = np.uint64((1 << _HASH_BITS) - 1)
    p = np.uint64(1_000_003)
    if len(c) < 4:
        return np.zeros(0, dtype=np.uint64)
    three = ((c[:-2] * p + c[1:-1]) * p + c[2:]) & mask
    four = ((((c[:-3] * p + c[1:-2]) * p + c[2:-1]) * p + c[3:]) * p + np.uint64(7)) & mask
    return np.concatenate([three, four | np.uint64(1 << _HASH_BITS)])
