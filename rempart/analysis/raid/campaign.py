"""Campaign membership: which accounts take part in a raid, and the coordination graph.

For each harassment or mixed episode, every account that posted during it is judged from
signals a court can read:

- near-duplicate texts: the same insult copied by many accounts (MinHash clusters, see
  :mod:`.minhash`), counted only for clusters that are new with the raid (not the baseline's
  usual phrasing), hostile or carried by fresh and small accounts, and not supportive;
- shared raid hashtags and links: far more frequent during the raid than in the baseline;
- synchronised timing: near-copies posted within 60 seconds of another account's;
- account age and size: created shortly before the raid, few followers;
- replies and quotes under the designating posts, and having written one;
- having posted a raid link among its first sharers, before the raid started (organisers);
- the hostile and supportive share of its messages (from the classifier, and from hashtags
  of support such as ``#TousAvecX``: the classifier misreads some support as abuse);
- whether it was already posting before the raid (regulars and organic critics were).

The signals are combined into a score in [0, 1] (a logistic sum); each member comes with the
sentences that justify it. Only accounts that took part *against the episode's target* can be
members: they wrote to her (mention, reply, quote, or a reply under a post designating her)
or wrote a post designating her. Accounts busy with someone else at the same time are never
members. An account that was only among the first to share a raid link that messages aimed
at her carry, with none of its own messages aimed at her, is not a member either: it is
listed apart (:class:`~.types.LinkSharer`), its evidence saying that 0 of its messages were
aimed at her.

The coordination graph links members through the same evidence
(same cluster, same designating post, same link, repeated posts within a minute) as stars
around the first account of each group, so that a cluster of ``k`` accounts gives ``k - 1``
edges, not ``k**2``.

Example::

    members, edges, sharers = find_campaign(corpus, episodes, designating)
    members[0].evidence   # ['posted 2 near-copies of "t'es qu'une menteuse…", ...]

:class:`CampaignDetector` is the same under the detector contract (:mod:`.detector`).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Self

import numpy as np

from .corpus import Corpus
from .designating import HOSTILE, RAID_KINDS, SUPPORTIVE, designated
from .detector import Finding, Found
from .minhash import count, duration, excerpt, near_duplicate_clusters
from .origins import is_captured_post, normalise_url
from .types import (
    CampaignAccount,
    CoordinationEdge,
    DesignatingPost,
    Episode,
    LinkSharer,
    iso_utc,
)

PRE = 2 * 3600.0  # messages this long before an episode start still belong to it
POST = 6 * 3600.0  # and this long after its end (unless another episode starts)
LOOKBACK = 12 * 3600.0  # designating and organising posts may come this long before
ORGANISER_LATE = 15 * 60.0  # a link's first sharers up to this long after the start organise
PRIOR_GAP = 6 * 3600.0  # posts earlier than this before the start are "before the raid"
SYNC = 60.0  # seconds: near-copies this close are synchronised
FRESH_DAYS = 30.0
SMALL = 20  # followers: a small account
BASELINE_SAMPLE = 20_000  # most recent baseline messages compared against the episode


@dataclass
class _Shared:
    """Something many episode messages share: a near-duplicate cluster, hashtag or link."""

    rows: list[int] = field(default_factory=list)  # corpus rows during the episode
    baseline: int = 0  # messages with it in the baseline sample
    _accounts: int = -1

    def accounts(self, corpus: Corpus) -> int:
        """Distinct authors of its rows (counted once)."""
        if self._accounts < 0:
            self._accounts = len(np.unique(corpus.author[np.asarray(self.rows, dtype=np.int64)]))
        return self._accounts


@dataclass
class _Case:
    """Case-wide facts every episode is judged with."""

    supportive: np.ndarray  # bool per row: scored supportive, or carrying a support hashtag
    support_tags: set[str]
    in_raid: np.ndarray  # bool per row: inside some raid window
    designating: dict[str, DesignatingPost]
    windows: dict[int, tuple[float, float]]  # episode index -> time span judged
    codes: np.ndarray  # int64 per row: the targets each message is aimed at (Corpus.aim)


@dataclass
class _Context:
    """What one episode's members are judged against."""

    index: int
    episode: Episode
    rows: np.ndarray  # corpus rows judged (non-target authors), time order
    clusters: dict[int, _Shared]  # raid clusters, by label
    label: np.ndarray  # raid-cluster label per judged row, -1 if none
    tags: dict[str, _Shared]  # raid hashtags
    links: dict[str, _Shared]  # raid links (normalised)
    tags_of: dict[int, list[str]]  # corpus row -> raid hashtags it carries
    links_of: dict[int, list[str]]  # corpus row -> raid links it carries
    synced: np.ndarray  # bool per judged row
    sync_pairs: Counter[tuple[int, int]]  # account pairs posting near-copies within SYNC
    designated: dict[int, str]  # judged row position -> designating post it answers
    designators: dict[int, list[str]]  # account -> designating posts it wrote
    organisers: dict[int, tuple[str, float]]  # account -> (raid link, when it first shared it)


#: What a message carries that others may share (its hashtags, its links).
_Items = Callable[[Corpus, int], tuple[str, ...]]


def find_campaign(
    corpus: Corpus,
    episodes: Sequence[Episode],
    designating: Sequence[DesignatingPost] = (),
    *,
    min_score: float = 0.5,
    max_edges: int = 20_000,
) -> tuple[list[CampaignAccount], list[CoordinationEdge], list[LinkSharer]]:
    """Members of each harassment or mixed episode, the edges between them, and the early
    sharers of a raid link that wrote nothing aimed at the episode's target (not members).

    Members score at least ``min_score``; they come by episode, best first. At most
    ``max_edges`` edges are kept (the heaviest).
    """
    raids = [(i, ep) for i, ep in enumerate(episodes) if ep.kind in RAID_KINDS]
    if not raids or len(corpus) == 0:
        return [], [], []
    case = _case(corpus, episodes, designating)
    members: list[CampaignAccount] = []
    sharers: list[LinkSharer] = []
    graph = _Graph()
    for i, ep in raids:
        ctx = _context(corpus, case, i, ep)
        if ctx is None:
            continue
        against = _against_target(corpus, case, ctx)
        found = _judge(corpus, case, ctx, min_score, against)
        members.extend(found)
        sharers.extend(_link_sharers(corpus, ctx, against))
        _add_edges(corpus, ctx, {m.account_id for m in found}, graph)
    return members, graph.edges(max_edges), sharers


class CampaignDetector:
    """:func:`find_campaign` as a detector: the ``campaign_accounts`` findings, with the
    ``coordination_edges`` between them and the ``link_sharers`` (not members)."""

    name = "campaign_accounts"
    requires = ("episodes", "designating_posts")

    def __init__(self, min_score: float = 0.5, max_edges: int = 20_000) -> None:
        self.min_score = min_score
        self.max_edges = max_edges

    def fit(self, corpus: Corpus, found: Found) -> Self:
        self.members_, self.edges_, self.link_sharers_ = find_campaign(
            corpus,
            found.of("episodes", Episode),
            found.of("designating_posts", DesignatingPost),
            min_score=self.min_score,
            max_edges=self.max_edges,
        )
        return self

    def detect(self) -> Mapping[str, Sequence[Finding]]:
        return {
            self.name: self.members_,
            "coordination_edges": self.edges_,
            "link_sharers": self.link_sharers_,
        }


# ------------------------------------------------------------------------------ case facts
def _case(
    corpus: Corpus, episodes: Sequence[Episode], designating: Sequence[DesignatingPost]
) -> _Case:
    windows: dict[int, tuple[float, float]] = {}
    in_raid = np.zeros(len(corpus), dtype=bool)
    for i, ep in enumerate(episodes):
        if ep.kind not in RAID_KINDS:
            continue
        end = ep.end + POST
        for other in episodes:  # the tail stops where a support wave or spike begins
            if other.kind not in RAID_KINDS and other.start > ep.start:
                end = min(end, max(ep.end, other.start))
        windows[i] = (ep.start - PRE, end)
        in_raid |= (corpus.t >= ep.start - PRE) & (corpus.t <= end)
    tags = support_tags(corpus)
    h = corpus.hostile
    scored = ~np.isnan(h)
    supportive = scored & (h < HOSTILE) & (corpus.support >= SUPPORTIVE)
    if tags:
        supportive |= np.fromiter(
            (bool(tags.intersection(x)) for x in corpus.hashtags), dtype=bool, count=len(corpus)
        )
    codes = corpus.aimed_code
    if designating and codes is corpus.direct_code:  # the caller did not widen it: do it here
        codes = corpus.aimed_codes(designated(corpus, designating))
    return _Case(supportive, tags, in_raid, {d.message_id: d for d in designating}, windows, codes)


def support_tags(corpus: Corpus, min_accounts: int = 3) -> set[str]:
    """Hashtags of support: mostly carried by messages the classifier reads as supportive and
    seldom by hostile ones (``#JeSoutiensX``); messages carrying them declare support."""
    counts: dict[str, list[int]] = {}
    authors: dict[str, set[int]] = {}
    h, s = corpus.hostile, corpus.support
    for r, tags in enumerate(corpus.hashtags):
        if not tags or math.isnan(h[r]):
            continue
        hostile = h[r] >= HOSTILE
        supportive = not hostile and s[r] >= SUPPORTIVE
        for tag in tags:
            c = counts.setdefault(tag, [0, 0, 0])
            c[0] += 1
            c[1] += hostile
            c[2] += supportive
            authors.setdefault(tag, set()).add(int(corpus.author[r]))
    out = set()
    for tag, (n, hostile, supportive) in counts.items():
        if len(authors[tag]) >= min_accounts and supportive >= 0.3 * n and hostile <= 0.25 * n:
            out.add(tag)
    return out


# --------------------------------------------------------------------------- episode context
def _judged_rows(corpus: Corpus, ep: Episode, span: tuple[float, float]) -> np.ndarray:
    """Every message by a non-target account in the episode's span (the capture is about the
    target: replies to third parties and posts naming her without a mention count too)."""
    lo, hi = np.searchsorted(corpus.t, span, side="left")
    rows = np.arange(lo, hi)
    if ep.rows is not None:
        rows = np.union1d(rows, np.asarray(ep.rows, dtype=np.int64))
    return _by_others(corpus, rows)


def _by_others(corpus: Corpus, rows: np.ndarray) -> np.ndarray:
    author = corpus.author[rows]
    keep = (author >= 0) & ~np.isin(author, list(corpus.target_accounts))
    out: np.ndarray = rows[keep & ~np.isnan(corpus.t[rows])]
    return out


def _context(corpus: Corpus, case: _Case, index: int, ep: Episode) -> _Context | None:
    span = case.windows[index]
    rows = _judged_rows(corpus, ep, span)
    if len(rows) == 0:
        return None
    before = np.flatnonzero(~case.in_raid & (corpus.t < ep.start - PRIOR_GAP))
    base = _by_others(corpus, before[-BASELINE_SAMPLE:])
    base_hours = (
        max((float(corpus.t[base[-1]]) - float(corpus.t[base[0]])) / 3600, 24.0)
        if len(base)
        else 24.0
    )
    factor = max((span[1] - span[0]) / 3600, 1.0) / base_hours
    tags = _raid_items(corpus, case, ep, rows, base, factor, _hashtags)
    links = _raid_items(corpus, case, ep, rows, base, factor, _links)
    bit = _target_bit(corpus, ep)
    designators = _designators(corpus, case, ep, bit)
    organisers = _organisers(
        corpus, ep, {url: g for url, g in links.items() if _carried_to(case, g, bit)}
    )
    extra = [corpus.index[mid] for mids in designators.values() for mid in mids]
    extra += [r for _, r in organisers.values()]
    if extra:  # their posts may precede the span: judge them with the rest
        rows = np.union1d(rows, np.asarray(extra, dtype=np.int64))
    label, clusters = _raid_clusters(corpus, case, ep, rows, base, factor)
    synced, pairs = _synchrony(corpus, rows, label)
    designated = {}
    for k, r in enumerate(rows.tolist()):
        for parent in (corpus.reply_to[r], corpus.quoted[r]):
            if parent in case.designating:
                designated[k] = parent
    return _Context(
        index,
        ep,
        rows,
        clusters,
        label,
        tags,
        links,
        _by_row(tags),
        _by_row(links),
        synced,
        pairs,
        designated,
        designators,
        {a: (url, float(corpus.t[r])) for a, (url, r) in organisers.items()},
    )


def _by_row(items: dict[str, _Shared]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for key, g in items.items():
        for r in g.rows:
            out.setdefault(r, []).append(key)
    return out


def _target_bit(corpus: Corpus, ep: Episode) -> int:
    """The aimed-code bits of the episode's target (every target's when it names none)."""
    bit = corpus.target_bit(ep.details.get("target") or "")
    return bit or (1 << len(corpus.targets)) - 1


def _carried_to(case: _Case, g: _Shared, bit: int) -> bool:
    """Whether messages aimed at the target ``bit`` carry this shared item."""
    rows = np.asarray(g.rows, dtype=np.int64)
    return bool(len(rows)) and bool(np.any(case.codes[rows] & bit))


def _designators(corpus: Corpus, case: _Case, ep: Episode, bit: int) -> dict[int, list[str]]:
    """Authors of posts designating the episode's target written shortly before or during
    the episode."""
    out: dict[int, list[str]] = {}
    for mid, post in case.designating.items():
        if not any(corpus.target_bit(t) & bit for t in post.targets):
            continue
        r = corpus.index.get(mid)
        if r is None or corpus.author[r] < 0 or int(corpus.author[r]) in corpus.target_accounts:
            continue
        if ep.start - LOOKBACK <= corpus.t[r] <= ep.end:
            out.setdefault(int(corpus.author[r]), []).append(mid)
    return out


def _organisers(
    corpus: Corpus, ep: Episode, links: dict[str, _Shared]
) -> dict[int, tuple[str, int]]:
    """The first three accounts to share each raid link in the LOOKBACK hours before the
    raid started (or ORGANISER_LATE after): account -> (link, row of their first share)."""
    if not links:
        return {}
    lo, hi = np.searchsorted(corpus.t, [ep.start - LOOKBACK, ep.start + ORGANISER_LATE])
    firsts: dict[str, list[tuple[int, int]]] = {}
    for r in _by_others(corpus, np.arange(lo, hi)).tolist():
        for url in _links(corpus, r):
            if url in links:
                seen = firsts.setdefault(url, [])
                a = int(corpus.author[r])
                if len(seen) < 3 and all(a != x for x, _ in seen):
                    seen.append((a, r))
    out: dict[int, tuple[str, int]] = {}
    for url, seen in firsts.items():
        for a, r in seen:
            out.setdefault(a, (url, r))
    return out


def _raid_clusters(
    corpus: Corpus, case: _Case, ep: Episode, rows: np.ndarray, base: np.ndarray, factor: float
) -> tuple[np.ndarray, dict[int, _Shared]]:
    """Near-duplicate clusters that are new with the raid, by label per judged row."""
    copies = [r for r in rows.tolist() if corpus.repost_of[r] is None]
    texts = [corpus.text[r] for r in copies] + [corpus.text[r] for r in base.tolist()]
    labels = near_duplicate_clusters(texts)
    groups: dict[int, _Shared] = {}
    for r, lab in zip(copies, labels[: len(copies)].tolist(), strict=True):
        if lab >= 0:
            groups.setdefault(lab, _Shared()).rows.append(r)
    for lab in labels[len(copies) :].tolist():
        if lab in groups:
            groups[lab].baseline += 1
    raid = {lab: g for lab, g in groups.items() if _is_raid(corpus, case, ep, g, factor, 3)}
    position = {r: k for k, r in enumerate(rows.tolist())}
    label = np.full(len(rows), -1, dtype=np.int64)
    for lab, g in raid.items():
        label[[position[r] for r in g.rows]] = lab
    return label, raid


def _hashtags(corpus: Corpus, r: int) -> tuple[str, ...]:
    return corpus.hashtags[r]


_normalise_url = lru_cache(maxsize=1 << 16)(normalise_url)


def _links(corpus: Corpus, r: int) -> tuple[str, ...]:
    """The normalised web links of a message, less links to posts of the capture (quotes)."""
    if not corpus.urls[r]:
        return ()
    found = (_normalise_url(u) for u in corpus.urls[r])
    return tuple(u for u in found if u is not None and not is_captured_post(corpus, u))


def _raid_items(
    corpus: Corpus,
    case: _Case,
    ep: Episode,
    rows: np.ndarray,
    base: np.ndarray,
    factor: float,
    items: _Items,
) -> dict[str, _Shared]:
    """Hashtags (or links) over-represented during the episode, carried by raid messages."""
    groups: dict[str, _Shared] = {}
    for r in rows.tolist():
        for item in set(items(corpus, r)):
            groups.setdefault(item, _Shared()).rows.append(r)
    for r in base.tolist():
        for item in set(items(corpus, r)):
            if item in groups:
                groups[item].baseline += 1
    need = 2 if items is _links else 3
    return {
        k: g
        for k, g in groups.items()
        if k not in case.support_tags and _is_raid(corpus, case, ep, g, factor, need)
    }


def _is_raid(
    corpus: Corpus, case: _Case, ep: Episode, g: _Shared, factor: float, min_accounts: int
) -> bool:
    """Shared by enough accounts, new with the episode, not supportive, and either hostile
    with campaign-like accounts among its authors, or carried mostly by such accounts (the
    classifier misses insults in some languages and spellings; it also misreads some
    support as abuse, which campaign-like authors tell apart)."""
    if len(g.rows) < min_accounts or g.accounts(corpus) < min_accounts:
        return False
    if g.baseline * factor * 5 > len(g.rows):
        return False  # not five times more frequent than before: usual phrasing
    idx = np.asarray(g.rows)
    supportive = float(case.supportive[idx].mean())
    if supportive >= 0.4:
        return False
    like = _campaign_like_share(corpus, ep, idx)
    h = corpus.hostile[idx]
    scored = ~np.isnan(h)
    if not scored.any():
        return like is None or like >= 0.5
    hostile = float((h[scored] >= HOSTILE).mean())
    if like is None:
        return hostile >= 0.4
    return (hostile >= 0.4 and like >= 0.3) or (like >= 0.6 and supportive < 0.2)


def _campaign_like_share(corpus: Corpus, ep: Episode, rows: np.ndarray) -> float | None:
    """Share of the authors created less than FRESH_DAYS before the episode or with at most
    SMALL followers (None when no author has either figure)."""
    known = like = 0
    for a in np.unique(corpus.author[rows]).tolist():
        info = corpus.accounts[a]
        if info.created_at is None and info.followers is None:
            continue
        known += 1
        age = _age_days(corpus, a, ep)
        like += (age is not None and age <= FRESH_DAYS) or (
            info.followers is not None and info.followers <= SMALL
        )
    return like / known if known else None


def _synchrony(
    corpus: Corpus, rows: np.ndarray, label: np.ndarray
) -> tuple[np.ndarray, Counter[tuple[int, int]]]:
    """Judged rows posted within SYNC seconds of a near-copy by another account, and how
    often each pair of accounts did so (consecutive copies only: linear)."""
    synced = np.zeros(len(rows), dtype=bool)
    order = np.argsort(label, kind="stable")
    lab, t, who = label[order], corpus.t[rows[order]], corpus.author[rows[order]]
    close = (lab[1:] == lab[:-1]) & (lab[1:] >= 0) & (np.diff(t) <= SYNC) & (who[1:] != who[:-1])
    hit = np.flatnonzero(close)
    synced[order[hit]] = True
    synced[order[hit + 1]] = True
    lo = np.minimum(who[hit], who[hit + 1]).astype(np.int64)
    hi = np.maximum(who[hit], who[hit + 1]).astype(np.int64)
    keys, counts = np.unique(lo * (1 << 31) + hi, return_counts=True)
    pairs: Counter[tuple[int, int]] = Counter(
        {
            (int(k >> 31), int(k & ((1 << 31) - 1))): int(c)
            for k, c in zip(keys.tolist(), counts.tolist(), strict=True)
        }
    )
    return synced, pairs


# ------------------------------------------------------------------------------- judging
def _age_days(corpus: Corpus, account: int, ep: Episode) -> float | None:
    created = corpus.accounts[account].created_at
    return None if created is None else (ep.start - created) / 86400


def _judge(
    corpus: Corpus, case: _Case, ctx: _Context, min_score: float, against: dict[int, int]
) -> list[CampaignAccount]:
    """Score every account of the episode that took part against its target (``against``,
    see :func:`_against_target`); keep the members."""
    ep = ctx.episode
    earlier = (corpus.t < ep.start - PRIOR_GAP) & ~case.in_raid & (corpus.author >= 0)
    earlier[ctx.rows] = False
    prior = np.bincount(corpus.author[earlier], minlength=len(corpus.accounts))
    authors, inverse = np.unique(corpus.author[ctx.rows], return_inverse=True)
    per = _PerAccount.collect(corpus, case, ctx, len(authors), inverse)
    target = ep.details.get("target")
    out = []
    for k, a in enumerate(authors.tolist()):
        if a not in against:
            continue  # busy with someone else: no part in a raid on this target
        signals = _Signals.of(corpus, ctx, per, k, a, int(prior[a]))
        score = signals.score()
        if score >= min_score:
            evidence = signals.evidence(corpus, ctx, per, k)
            whom = _whom(corpus, target)
            if against[a]:
                evidence.append(
                    f"{against[a]} of its messages around the episode were aimed at "
                    f"{whom} (mention, reply, quote, or under a post "
                    f"designating {whom})"
                )
            else:  # a designator only: say plainly that it never wrote to her
                evidence.append(
                    f"0 of its messages around the episode were aimed at {whom}; "
                    f"it counts for its designating post about {whom}"
                )
            out.append(CampaignAccount(corpus.accounts[a].id, ctx.index, score, evidence))
    out.sort(key=lambda c: (-c.score, c.account_id))
    return out


def _against_target(corpus: Corpus, case: _Case, ctx: _Context) -> dict[int, int]:
    """Accounts that took part against the episode's target -> messages aimed at her among
    the judged ones (0 for the author of a designating post about her who wrote none).

    Sharing early a link that raiders later carry to her is not taking part against her: an
    organiser who wrote nothing aimed at her is left out (see :func:`_link_sharers`).
    """
    bit = _target_bit(corpus, ctx.episode)
    aimed = (case.codes[ctx.rows] & bit) != 0
    authors, counts = np.unique(corpus.author[ctx.rows[aimed]], return_counts=True)
    out = dict(zip(authors.tolist(), counts.tolist(), strict=True))
    for a in ctx.designators:
        out.setdefault(a, 0)
    return out


def _whom(corpus: Corpus, target: str | None) -> str:
    """The episode's target as evidence names her (every case target when it names none)."""
    if target:
        return f"@{target}"
    names = [f"@{t}" for t in corpus.targets if t]
    return names[0] if len(names) == 1 else f"any case target ({', '.join(names)})"


def _link_sharers(corpus: Corpus, ctx: _Context, against: dict[int, int]) -> list[LinkSharer]:
    """The first sharers of a raid link with no message aimed at the target: not members."""
    whom = _whom(corpus, ctx.episode.details.get("target"))
    out = []
    for a, (url, when) in sorted(ctx.organisers.items(), key=lambda x: (x[1][1], x[0])):
        if a in against:
            continue
        lead = ctx.episode.start - when
        out.append(
            LinkSharer(
                corpus.accounts[a].id,
                ctx.index,
                url,
                iso_utc(when),
                [
                    f"was among the first to share {excerpt(url, 100)}, {duration(lead)} "
                    f"{'before' if lead >= 0 else 'after'} the raid began; "
                    f"messages aimed at {whom} later carried that link",
                    f"0 of its messages were aimed at {whom}: not counted as taking part against "
                    f"{whom}",
                ],
            )
        )
    return out


@dataclass
class _PerAccount:
    """Counts per episode account (index ``k`` in the episode's sorted author list)."""

    hostile: np.ndarray
    scored: np.ndarray
    supportive: np.ndarray
    messages: np.ndarray
    copies: np.ndarray
    synced: np.ndarray
    designated: np.ndarray
    rows: list[list[int]]  # judged row positions of each account

    @classmethod
    def collect(
        cls, corpus: Corpus, case: _Case, ctx: _Context, n: int, inverse: np.ndarray
    ) -> _PerAccount:
        h = corpus.hostile[ctx.rows]
        scored = ~np.isnan(h)
        hostile = scored & (h >= HOSTILE)
        designated = np.zeros(len(ctx.rows), dtype=bool)
        designated[list(ctx.designated)] = True
        rows: list[list[int]] = [[] for _ in range(n)]
        for pos, k in enumerate(inverse.tolist()):
            rows[k].append(pos)

        def count(mask: np.ndarray) -> np.ndarray:
            return np.bincount(inverse, weights=mask.astype(np.float64), minlength=n)

        return cls(
            count(hostile),
            count(scored),
            count(case.supportive[ctx.rows]),
            count(np.ones(len(ctx.rows), dtype=bool)),
            count(ctx.label >= 0),
            count(ctx.synced),
            count(designated),
            rows,
        )


@dataclass
class _Signals:
    """One account's signals in one episode, each in [0, 1] unless said otherwise."""

    account: int
    hostile: float  # share of its scored messages that are hostile
    supportive: float  # share of its messages that are supportive
    cluster: int | None  # its largest raid cluster
    copy: float
    tags: list[str]
    links: list[str]
    age: float | None  # days before the episode start
    fresh: float
    small: float
    prior: int  # messages before the raid (count)
    designator: bool
    organiser: bool
    answered: bool  # replied to or quoted a designating post
    synced: bool

    @classmethod
    def of(
        cls, corpus: Corpus, ctx: _Context, per: _PerAccount, k: int, account: int, prior: int
    ) -> _Signals:
        info = corpus.accounts[account]
        positions = per.rows[k]
        cluster = _best_cluster(ctx, positions)
        size = 0 if cluster is None else ctx.clusters[cluster].accounts(corpus)
        age = _age_days(corpus, account, ctx.episode)
        return cls(
            account=account,
            hostile=per.hostile[k] / per.scored[k] if per.scored[k] else 0.4,
            supportive=per.supportive[k] / per.messages[k],
            cluster=cluster,
            copy=0.0 if cluster is None else 1.0 if size >= 5 else 0.6,
            tags=_used(ctx.tags_of, ctx.rows, positions),
            links=_used(ctx.links_of, ctx.rows, positions),
            age=age,
            fresh=(
                0.0
                if age is None
                else 1.0
                if age <= 14
                else 0.6
                if age <= FRESH_DAYS
                else 0.2
                if age <= 90
                else 0.0
            ),
            small=(
                0.0
                if info.followers is None
                else 1.0
                if info.followers <= 5
                else 0.5
                if info.followers <= SMALL
                else 0.0
            ),
            prior=prior,
            designator=account in ctx.designators,
            organiser=account in ctx.organisers,
            answered=per.designated[k] > 0,
            synced=per.synced[k] > 0,
        )

    def score(self) -> float:
        """A logistic sum: what the account did (hostility, copies, raid tags and links,
        designating, organising, answering a designating post) weighs most; what it is (new,
        fresh, small, in sync) adds to that, the more so the more it did; support and earlier
        activity weigh against."""
        shared = 1.0 if self.tags or self.links else 0.0
        lead = 1.0 if self.designator or self.organiser else 0.0
        act = max(min(1.0, self.hostile / 0.5), self.copy, shared, lead, 0.8 * self.answered)
        context = 0.8 * (self.prior == 0) + 1.5 * self.fresh + 0.6 * self.small + 0.7 * self.synced
        z = (
            -3.0
            + 2.0 * self.hostile
            - 3.0 * self.supportive
            + 2.0 * self.copy
            + 1.0 * shared
            + 3.5 * self.designator
            + 3.0 * self.organiser
            + 1.5 * self.answered
            + context * (0.3 + 0.7 * act)
            - 1.5 * min(self.prior, 3) * (1.0 - lead)
        )
        return 1.0 / (1.0 + math.exp(-z))

    def evidence(self, corpus: Corpus, ctx: _Context, per: _PerAccount, k: int) -> list[str]:
        """The sentences behind the score, strongest first."""
        out: list[str] = []
        for mid in ctx.designators.get(self.account, []):
            out.append(
                f"wrote the designating post {mid} at {iso_utc(float(corpus.t[corpus.index[mid]]))}"
            )
        if self.organiser:
            url, when = ctx.organisers[self.account]
            lead = ctx.episode.start - when
            out.append(
                f"was among the first to share {excerpt(url, 100)}, "
                f"{duration(lead)} {'before' if lead >= 0 else 'after'} the raid began"
            )
        if self.cluster is not None:
            g = ctx.clusters[self.cluster]
            out.append(
                f"posted {count(int(per.copies[k]), 'near-copy', 'near-copies')} of "
                f'"{excerpt(corpus.text[g.rows[0]])}", a text posted by '
                f"{g.accounts(corpus)} accounts during the raid"
            )
        if self.synced:
            out.append(
                f"{count(int(per.synced[k]), 'of its messages', 'of its messages')} "
                f"came within {SYNC:.0f} seconds of a near-copy by another account"
            )
        if self.age is not None and self.age <= 90:
            out.append(f"account created {_days(self.age)} the raid began")
        followers = corpus.accounts[self.account].followers
        if followers is not None and followers <= SMALL:
            out.append(count(followers, "follower"))
        for tag in self.tags[:3]:
            g = ctx.tags[tag]
            out.append(
                f"uses #{excerpt(tag, 40)} ({g.accounts(corpus)} accounts used it "
                f"during the raid, {g.baseline} messages before)"
            )
        for url in self.links[:2]:
            out.append(
                f"shared the link {excerpt(url, 100)} "
                f"({ctx.links[url].accounts(corpus)} accounts shared it during the raid)"
            )
        if self.answered:
            pos = next(p for p in per.rows[k] if p in ctx.designated)
            times = int(per.designated[k])
            out.append(
                f"replied to or quoted the designating post {ctx.designated[pos]} "
                f"({'once' if times == 1 else f'{times} times'})"
            )
        if per.scored[k]:
            if per.scored[k] == 1:
                out.append(
                    f"its one scored message during the raid was "
                    f"{'hostile' if per.hostile[k] else 'not hostile'}"
                )
            else:
                out.append(
                    f"{int(per.hostile[k])} of its {int(per.scored[k])} scored messages "
                    f"during the raid were hostile"
                )
        out.append(
            "no message from it before the raid"
            if self.prior == 0
            else f"it had posted {count(self.prior, 'message')} before the raid"
        )
        return out


def _best_cluster(ctx: _Context, positions: list[int]) -> int | None:
    labels = [int(ctx.label[p]) for p in positions if ctx.label[p] >= 0]
    if not labels:
        return None
    return max(set(labels), key=lambda lab: (len(ctx.clusters[lab].rows), -lab))


def _used(items_of: dict[int, list[str]], rows: np.ndarray, positions: list[int]) -> list[str]:
    """The raid hashtags (or links) among an account's messages."""
    return sorted({k for p in positions for k in items_of.get(int(rows[p]), ())})


def _days(age: float) -> str:
    return f"{duration(age * 86400)} {'before' if age >= 0 else 'after'}"


# ---------------------------------------------------------------------------------- graph
class _Graph:
    """Coordination edges merged by account pair: weights add up (to 1), evidence collects."""

    def __init__(self) -> None:
        self._edges: dict[tuple[str, str], CoordinationEdge] = {}

    def add(self, a: str, b: str, weight: float, evidence: str) -> None:
        if a == b:
            return
        key = (a, b) if a < b else (b, a)
        edge = self._edges.get(key)
        if edge is None:
            self._edges[key] = CoordinationEdge(key[0], key[1], weight, [evidence])
        else:
            edge.weight = min(1.0, edge.weight + weight)
            if len(edge.evidence) < 5 and evidence not in edge.evidence:
                edge.evidence.append(evidence)

    def edges(self, limit: int) -> list[CoordinationEdge]:
        ranked = sorted(self._edges.values(), key=lambda e: (-e.weight, e.a, e.b))
        return ranked[:limit]


def _add_edges(corpus: Corpus, ctx: _Context, members: set[str], graph: _Graph) -> None:
    """Stars around the first account of each cluster, link and designating post (its author
    when known); pairs that posted near-copies within a minute of each other at least twice."""
    when = iso_utc(ctx.episode.start)

    def member_ids(rows: list[int]) -> list[str]:
        seen = dict.fromkeys(corpus.accounts[int(corpus.author[r])].id for r in rows)
        return [a for a in seen if a in members]

    for g in ctx.clusters.values():
        ids = member_ids(g.rows)
        text = excerpt(corpus.text[g.rows[0]], 60)
        for other in ids[1:]:
            graph.add(
                ids[0], other, 0.5, f'both posted near-copies of "{text}" during the raid of {when}'
            )
    for url, g in ctx.links.items():
        ids = member_ids(g.rows)
        for other in ids[1:]:
            graph.add(ids[0], other, 0.3, f"both shared the link {excerpt(url, 100)}")
    by_post: dict[str, list[int]] = {}
    for pos, post in ctx.designated.items():
        by_post.setdefault(post, []).append(int(ctx.rows[pos]))
    for post, rows in by_post.items():
        ids = member_ids(rows)
        prow = corpus.index.get(post)
        if prow is not None and corpus.author[prow] >= 0:
            hub = corpus.accounts[int(corpus.author[prow])]
            for other in ids:
                graph.add(
                    hub.id,
                    other,
                    0.3,
                    f"replied to or quoted @{corpus.handle(hub.index)}'s designating post {post}",
                )
        else:
            for other in ids[1:]:
                graph.add(
                    ids[0], other, 0.3, f"both replied to or quoted the designating post {post}"
                )
    for (a, b), times in ctx.sync_pairs.items():
        ida, idb = corpus.accounts[a].id, corpus.accounts[b].id
        if times >= 2 and ida in members and idb in members:
            graph.add(
                ida,
                idb,
                min(0.2 * times, 0.6),
                f"posted near-copies within {SYNC:.0f} seconds of each other {times} times",
            )
