"""Designating posts: the posts that set off a pile-on against a target.

A raid is often launched by one post that points at the target (a quote, a screenshot, "look at
what she wrote") and that never needs to mention her: the pile-on then lands as replies and
quotes under it. Such a post shows in the data as a burst of replies and quotes from many
distinct accounts, far more hostile than replies usually are (or from freshly created
accounts: the classifier misses part of the insults), soon after it and around the start of a
harassment episode. The post itself may be missing from the capture, or present only as a
referenced record: it is then known by the id its replies and quotes point to.

The target's own posts are left out (replies under them are already aimed at the target), and
so are posts whose replies are supportive (a message of support answered by support) or
neither hostile nor from fresh accounts (a popular post answered as usual).

A pile-on is only a designating post *of this case* when it is shown to designate one of the
case's targets: it mentions her, replies to her or to one of her posts, quotes one of her
posts, or names her in words (a display name or alias); or, when the post shows none of
these (a screenshot, a post missing from the capture), most of the accounts piling on under
it also wrote to her directly (mention, reply or quote) around the same hours. A pile-on
against someone else is no evidence about the target and is left out: replies under it are
never counted as aimed at her.

Example::

    posts = find_designating(corpus, episodes)
    corpus.aim(designated(corpus, posts))    # replies under them now count as aimed

:class:`DesignatingDetector` does both, after a first count of the episodes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Self

import numpy as np

from .corpus import Corpus
from .detector import Finding, Found
from .episodes import find_episodes
from .minhash import duration, excerpt
from .targets import names_target
from .types import DesignatingPost, Episode, iso_utc

#: The abusive probability from which a message counts as hostile (the classifier's threshold).
HOSTILE = 0.4
#: The support probability from which a (non-hostile) message counts as supportive.
SUPPORTIVE = 0.5
#: Accounts created less than this many days before a burst count as fresh.
FRESH_DAYS = 30
#: Episode kinds a pile-on belongs to.
RAID_KINDS = ("harassment", "mixed")
#: Share of a burst's accounts that must also write to a target directly (and how many) for
#: a post that does not show whom it designates to count as designating her.
REPLIERS_SHARE = 0.5
REPLIERS_MIN = 3
#: How far around the burst those direct messages are looked for (seconds).
REPLIERS_AROUND = 24 * 3600.0


@dataclass
class _Burst:
    """The densest stretch of replies and quotes under one post."""

    rows: np.ndarray  # corpus rows of the replies/quotes in the burst, in time order
    times: np.ndarray  # their times
    total: int  # replies/quotes under the post, burst or not
    authors: int
    hostile: int
    scored: int
    supportive: int  # scored supportive and not hostile
    fresh: int  # authors created less than FRESH_DAYS before the burst
    dated: int  # authors whose creation date is known

    @property
    def start(self) -> float:
        return float(self.times[0])


def find_designating(
    corpus: Corpus,
    episodes: Sequence[Episode] | None = None,
    *,
    window: float = 6 * 3600.0,
    min_authors: int = 8,
    min_score: float = 0.5,
) -> list[DesignatingPost]:
    """Posts under which a hostile burst of replies and quotes from many accounts came.

    ``window`` is the length of the burst looked for (seconds); a post needs replies or quotes
    from at least ``min_authors`` distinct accounts inside it. With ``episodes``, a burst near
    the start of a harassment or mixed episode weighs more and one outside every episode less.
    Posts scoring below ``min_score`` are left out; the rest come best first.
    """
    children = _children_by_parent(corpus)
    usual = usual_hostility(corpus, episodes)
    found: list[DesignatingPost] = []
    for parent, rows in children.items():
        if len(rows) < min_authors:
            continue
        prow = corpus.index.get(parent)
        if prow is not None and int(corpus.author[prow]) in corpus.target_accounts:
            continue
        burst = _densest_burst(corpus, np.asarray(rows, dtype=np.int64), window)
        if burst.authors < min_authors:
            continue
        score, near = _score(corpus, burst, episodes, min_authors, usual)
        if score < min_score:
            continue
        bits, why = designated_targets(corpus, prow, burst)
        if bits:
            targets = [t for k, t in enumerate(corpus.targets) if bits >> k & 1]
            found.append(
                DesignatingPost(
                    parent, score, _evidence(corpus, parent, prow, burst, near) + why, targets
                )
            )
    found.sort(key=lambda d: (-d.score, d.message_id))
    return found


class DesignatingDetector:
    """:func:`find_designating` as a detector: the ``designating_posts`` findings.

    It needs episodes, and the episodes need it (replies under a designating post count as
    aimed at the target): so it first counts the episodes of the messages aimed at the targets
    directly (``episodes_``, with ``threshold``), finds the posts against them, then *widens
    the corpus* (:meth:`Corpus.aim <.corpus.Corpus.aim>`) for every detector after it. Fitting
    it again starts from the direct messages again, so it finds the same. When it finds no
    post, the episodes detector counts the same episodes again: a few hundredths of a second
    per 10,000 messages, the price of detectors that know nothing of one another.
    """

    name = "designating_posts"
    requires: tuple[str, ...] = ()

    def __init__(
        self,
        threshold: float = HOSTILE,
        window: float = 6 * 3600.0,
        min_authors: int = 8,
        min_score: float = 0.5,
    ) -> None:
        self.threshold = threshold
        self.window = window
        self.min_authors = min_authors
        self.min_score = min_score

    def fit(self, corpus: Corpus, found: Found) -> Self:
        corpus.aim({})  # the messages aimed at the targets directly
        self.episodes_ = find_episodes(corpus, threshold=self.threshold)
        self.posts_ = find_designating(
            corpus,
            self.episodes_,
            window=self.window,
            min_authors=self.min_authors,
            min_score=self.min_score,
        )
        if self.posts_:
            corpus.aim(designated(corpus, self.posts_))
        return self

    def detect(self) -> Mapping[str, Sequence[Finding]]:
        return {self.name: self.posts_}


def designated(corpus: Corpus, posts: Sequence[DesignatingPost]) -> dict[str, int]:
    """Designating post id -> bits of the targets it designates (for ``Corpus.aim``)."""
    out: dict[str, int] = {}
    for p in posts:
        bits = 0
        for t in p.targets:
            bits |= corpus.target_bit(t)
        if bits:
            out[p.message_id] = bits
    return out


def aimed_with(corpus: Corpus, posts: Sequence[DesignatingPost]) -> np.ndarray:
    """``corpus.aimed`` widened: replies and quotes under ``posts`` count as aimed at the
    targets each designates."""
    return corpus.aimed_at_targets(extra_parents=designated(corpus, posts))


def designated_targets(corpus: Corpus, prow: int | None, burst: _Burst) -> tuple[int, list[str]]:
    """The bits of the targets a post designates, and why, in sentences (0: none shown)."""
    bits, why = 0, list[str]()
    if prow is not None:
        bits, why = _shown_by_post(corpus, prow)
    if bits:
        return bits, why
    for k, target in enumerate(corpus.targets):
        authors, direct = _repliers_writing_to(corpus, burst, 1 << k)
        if direct >= REPLIERS_MIN and direct >= REPLIERS_SHARE * authors:
            bits |= 1 << k
            why.append(
                f"it designates @{target}: the post does not show whom it is about, but "
                f"{direct} of the {authors} accounts piling on under it also wrote to "
                f"@{target} directly (mention, reply or quote) within "
                f"{REPLIERS_AROUND / 3600:.0f} hours of the burst"
            )
    return bits, why


def _shown_by_post(corpus: Corpus, prow: int) -> tuple[int, list[str]]:
    """Targets the post itself designates: mention, reply, quote, or a name in its text."""
    bits, why = 0, list[str]()
    owners: dict[str, int] | None = None
    for k, target in enumerate(corpus.targets):
        bit = 1 << k
        if corpus.target_keys[k].intersection(corpus.mentions[prow]):
            how = f"mentions @{target}"
        elif corpus.reply_to_author[prow] in {
            corpus.accounts[a].id for a, j in corpus.target_of.items() if j == k
        }:
            how = f"replies to @{target}"
        else:
            owners = corpus.post_owners() if owners is None else owners
            if owners.get(corpus.reply_to[prow] or "", 0) & bit:
                how = f"replies to a post of @{target} ({corpus.reply_to[prow]})"
            elif owners.get(corpus.quoted[prow] or "", 0) & bit:
                how = f"quotes a post of @{target} ({corpus.quoted[prow]})"
            else:
                named = names_target(corpus.text[prow], corpus.target_names[k])
                if named is None:
                    continue
                how = f'names @{target} in its text ("{named}")'
        bits |= bit
        why.append(f"it designates @{target}: it {how}")
    return bits, why


def _repliers_writing_to(corpus: Corpus, burst: _Burst, bit: int) -> tuple[int, int]:
    """(accounts in the burst, how many of them wrote to the target ``bit`` directly around
    it)."""
    authors = set(np.unique(corpus.author[burst.rows]).tolist())
    lo, hi = np.searchsorted(
        corpus.t, [burst.start - REPLIERS_AROUND, float(burst.times[-1]) + REPLIERS_AROUND]
    )
    rows = np.arange(lo, hi)
    rows = rows[(corpus.direct_code[rows] & bit) != 0]
    direct = authors.intersection(np.unique(corpus.author[rows]).tolist())
    return len(authors), len(direct)


def _children_by_parent(corpus: Corpus) -> dict[str, list[int]]:
    """Rows replying to or quoting each post, by the post's id (targets' own replies left out:
    a target answering in a thread is not part of a pile-on)."""
    out: dict[str, list[int]] = {}
    targets = corpus.target_accounts
    t = corpus.t
    author = corpus.author
    for r, (rep, quo) in enumerate(zip(corpus.reply_to, corpus.quoted, strict=True)):
        if rep is None and quo is None:
            continue
        if math.isnan(t[r]) or int(author[r]) < 0 or int(author[r]) in targets:
            continue
        if rep is not None:
            out.setdefault(rep, []).append(r)
        if quo is not None and quo != rep:
            out.setdefault(quo, []).append(r)
    return out


def _densest_burst(corpus: Corpus, rows: np.ndarray, window: float) -> _Burst:
    """The ``window``-long stretch holding the most replies/quotes (rows are in time order)."""
    t = corpus.t[rows]
    ends = np.searchsorted(t, t + window, side="right")
    i = int(np.argmax(ends - np.arange(len(t))))
    inside = rows[i : int(ends[i])]
    h = corpus.hostile[inside]
    scored = ~np.isnan(h)
    hostile = scored & (h >= HOSTILE)
    supportive = scored & ~hostile & (corpus.support[inside] >= SUPPORTIVE)
    authors = np.unique(corpus.author[inside]).tolist()
    created = [corpus.accounts[a].created_at for a in authors]
    start = float(t[i])
    return _Burst(
        rows=inside,
        times=t[i : int(ends[i])],
        total=len(rows),
        authors=len(authors),
        hostile=int(hostile.sum()),
        scored=int(scored.sum()),
        supportive=int(supportive.sum()),
        fresh=sum(c is not None and start - c <= FRESH_DAYS * 86400 for c in created),
        dated=sum(c is not None for c in created),
    )


def usual_hostility(corpus: Corpus, episodes: Sequence[Episode] | None) -> float:
    """Hostile share of the scored messages outside raids: what replies usually look like.

    Without episodes the whole case is used, capped at 0.15 (a raid must not raise the bar it
    is measured against).
    """
    outside = ~np.isnan(corpus.hostile)
    for ep in episodes or ():
        if ep.kind in RAID_KINDS:
            outside &= ~((corpus.t >= ep.start) & (corpus.t <= ep.end))
    if not outside.any():
        return 0.0
    share = float((corpus.hostile[outside] >= HOSTILE).mean())
    return share if episodes else min(share, 0.15)


def _score(
    corpus: Corpus,
    burst: _Burst,
    episodes: Sequence[Episode] | None,
    min_authors: int,
    usual: float,
) -> tuple[float, Episode | None]:
    """Score in [0, 1]: many accounts x hostile (or fresh) x concentrated x near a raid.

    The classifier misses part of a raid's insults (languages, slang, replies to a third
    party), so hostility is read against the ``usual`` hostile share, and a burst of fresh
    accounts counts too; supportive replies cancel both.
    """
    volume = min(1.0, math.log(burst.authors / (min_authors / 2)) / math.log(80 / min_authors))
    if burst.scored >= 3:
        hostility = min(1.0, max(0.0, (burst.hostile / burst.scored - usual) / 0.3))
        supportive = min(1.0, burst.supportive / burst.scored / 0.4)
    else:
        hostility, supportive = 0.5, 0.0  # unscored: neither for nor against
    fresh = min(1.0, burst.fresh / burst.dated / 0.6) if burst.dated else 0.0
    polarity = (1.0 - (1.0 - hostility) * (1.0 - 0.8 * fresh)) * (1.0 - supportive)
    concentration = len(burst.rows) / burst.total
    timing, near = _episode_timing(burst.start, episodes)
    score = timing * (0.4 + 0.6 * volume) * polarity * (0.8 + 0.2 * concentration)
    return score, near


def _episode_timing(
    start: float, episodes: Sequence[Episode] | None
) -> tuple[float, Episode | None]:
    """How well a burst starting at ``start`` fits a raid: 1 near an episode start."""
    if episodes is None:
        return 0.9, None
    best, near = 0.6, None
    for ep in episodes:
        if ep.kind not in RAID_KINDS:
            continue
        lead = ep.start - start
        if -2 * 3600 <= lead <= 6 * 3600:
            weight = 1.0
        elif ep.start <= start <= ep.end:
            weight = 0.85
        else:
            continue
        if weight > best:
            best, near = weight, ep
    return best, near


def _evidence(
    corpus: Corpus, parent: str, prow: int | None, burst: _Burst, near: Episode | None
) -> list[str]:
    """Sentences a judge can read: the burst, who posted, whether it names the target."""
    n = len(burst.rows)
    span = (float(burst.times[-1]) - burst.start) / 3600
    share = (
        f", {round(100 * burst.hostile / burst.scored)}% of the scored ones hostile"
        if burst.scored
        else ", none scored by the classifier"
    )
    out = [
        f"{n} replies and quotes from {burst.authors} accounts within {span:.1f} hours"
        f"{share} ({burst.total} in all)"
    ]
    if burst.dated:
        out.append(
            f"{burst.fresh} of these {burst.authors} accounts were created less than "
            f"{FRESH_DAYS} days before"
        )
    if burst.supportive:
        verb = "was" if burst.supportive == 1 else "were"
        out.append(f"{burst.supportive} of the replies and quotes {verb} supportive")
    if prow is not None and not math.isnan(corpus.t[prow]):
        delay = burst.start - float(corpus.t[prow])
        a = int(corpus.author[prow])
        who = f"@{corpus.handle(a)}" if a >= 0 else "an unknown account"
        out.append(
            f"posted by {who} at {iso_utc(float(corpus.t[prow]))}: "
            f'"{excerpt(corpus.text[prow])}"; the first reply or quote of the burst came '
            f"{duration(delay)} {'after' if delay >= 0 else 'before'} it"
        )
        named = any(keys.intersection(corpus.mentions[prow]) for keys in corpus.target_keys)
        out.append("it mentions the target" if named else "it does not mention the target")
        if not corpus.primary[prow]:
            out.append("the post was captured only as a referenced post (context of replies)")
    else:
        out.append(
            f"the post {parent} itself is not in the capture: it is known from the "
            f"replies and quotes that point to it; the first came at "
            f"{iso_utc(burst.start)}"
        )
    if near is not None:
        lead = near.start - burst.start
        when = f"{duration(lead)} {'before' if lead >= 0 else 'after'}"
        out.append(
            f"the burst began {when} the start of the {near.kind} episode of {iso_utc(near.start)}"
        )
    return out
