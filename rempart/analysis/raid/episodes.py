"""Episodes: bursts of messages aimed at a target, measured against its usual rhythm.

A target receives messages with daily (and often weekly) cycles: quiet nights, busy evenings,
calmer week-ends. An episode is a stretch of time where the messages aimed at the target
arrive far faster than usual *for that time of day and day of week*. The detector:

1. bins the aimed messages into 10-minute bins on a UTC grid aligned to hours;
2. estimates the expected count per bin from an hour-of-day profile times a day-of-week
   factor (the factor only with at least two weeks of history), robustly: a trimmed mean
   first, then plain means with the hours inside bursts left out, repeated until stable, with
   a floor for sparse history and a cap for hours seen on too few days;
3. flags bins whose 30-minute count is far above expectation (Poisson tail, a minimum ratio
   and a minimum absolute count, so quiet cases and normal daily peaks never fire), grows
   each flagged stretch while the hourly rate stays above twice the usual, and merges
   stretches separated by short lulls;
4. refines start and end at the message level (the point where the cumulative count leaves,
   then rejoins, its expected course), and splits a burst where its composition changes (a
   raid followed by a support wave gives two episodes);
5. labels each episode from the classifier scores and explains it with numbers.

Example::

    for ep in find_episodes(corpus):
        print(ep.kind, iso_utc(ep.start), ep.explanation)

:class:`EpisodeDetector` is the same under the detector contract (:mod:`.detector`).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from typing import Self

import numpy as np

from .corpus import Corpus
from .detector import Finding, Found
from .types import Episode, iso_utc

BIN = 600.0  # seconds per bin (10 minutes)
HOUR = 3600.0
DAY = 86400.0
BINS_PER_HOUR = 6
BINS_PER_DAY = 144
_EPOCH_DOW = 3  # 1970-01-01 was a Thursday; Monday is 0


@dataclass(frozen=True)
class EpisodeParams:
    """The detector's settings, with what each one guards against."""

    window_bins: int = 3  # bins in the significance window (30 minutes)
    min_count: int = 15  # messages in that window before anything fires (quiet cases)
    min_ratio: float = 4.0  # times the expected count (normal daily peaks never reach it)
    alpha: float = 1e-6  # Poisson tail probability of the window count under the baseline
    elevated_ratio: float = 2.0  # an episode lasts while the hourly rate stays above this
    start_ratio: float = 2.0  # the start is where the rate leaves a multiple of the usual
    start_ratio_max: float = 3.5  # ... between these two (see start_ratio)
    merge_gap: float = 3600.0  # lulls up to this long (or half the shorter burst) are merged
    lookaround: float = 2 * HOUR  # how far the start (end) may move before (after) the burst
    fresh_days: float = 14.0  # an author created less than this before the start is "fresh"
    support_threshold: float = 0.5  # support probability that makes a message supportive
    harassment_share: float = 0.35  # hostile share for "harassment" (and twice the support)
    support_share: float = 0.25  # supportive share for "support" (and twice the hostile)
    mixed_share: float = 0.20  # either share above this (or both above half): "mixed"
    iterations: int = 4  # re-estimations of the baseline without the bursts found


DEFAULT = EpisodeParams()


# ------------------------------------------------------------------------------ baseline


@dataclass
class Baseline:
    """Expected aimed messages per hour: an hour-of-day profile times a day-of-week factor.

    Hours are UTC; the profile is learnt from the data, so the target's own time zone does not
    matter. ``weekly`` is all ones with less than two weeks of history.
    """

    hourly: np.ndarray  # (24,) expected messages per hour at each hour of day
    weekly: np.ndarray = field(default_factory=lambda: np.ones(7))  # Monday = 0
    level: float = 0.0  # mean messages per hour over the normal hours
    dispersion: float = 0.0  # variance = mean + dispersion * mean**2 (0: Poisson)

    def per_hour(self, t: np.ndarray | float) -> np.ndarray:
        """The expected rate (messages per hour) at epoch seconds ``t``."""
        hours = np.floor(np.asarray(t, dtype=float) / HOUR).astype(np.int64)
        dow = (hours // 24 + _EPOCH_DOW) % 7
        return np.asarray(self.hourly[hours % 24] * self.weekly[dow])

    def per_bin(self, first_bin: int, nbins: int) -> np.ndarray:
        """Expected messages in each of ``nbins`` bins from bin number ``first_bin``."""
        starts = (first_bin + np.arange(nbins)) * BIN
        return self.per_hour(starts) / BINS_PER_HOUR


def hourly_cells(t: np.ndarray, day0: int, days: int) -> np.ndarray:
    """Counts of the times ``t`` per (day, hour-of-day) from UTC day number ``day0``."""
    h = np.floor(t / HOUR).astype(np.int64) - day0 * 24
    h = h[(h >= 0) & (h < days * 24)]
    return np.bincount(h, minlength=days * 24).reshape(days, 24).astype(float)


def fit_baseline(cells: np.ndarray, valid: np.ndarray, day0: int, trim: bool) -> Baseline:
    """Fit a :class:`Baseline` to hourly counts ``cells[day, hour]`` where ``valid``.

    ``trim`` drops the busiest quarter of days for each hour (the first pass, before any burst
    is known); later passes average the valid hours, bursts being already left out.
    """
    if not valid.any():
        return Baseline(np.full(24, 1.0 / 24))
    level = _level(cells[valid], trim)
    hourly = np.full(24, level)
    for h in range(24):
        vals = cells[valid[:, h], h]
        if len(vals):
            mean = _trimmed_mean(vals) if trim else float(vals.mean())
            # One pseudo-day at the overall level: an hour seen on a single day is not
            # trusted to be as quiet (or as busy) as that day says.
            hourly[h] = (len(vals) * mean + level) / (len(vals) + 1)
    hourly = (np.roll(hourly, 1) + 2 * hourly + np.roll(hourly, -1)) / 4
    # A cap for hours seen on too few days (a burst there would raise them), a floor for
    # sparse history (an hour that was silent so far is not impossible).
    hourly = np.clip(hourly, max(0.2 * level, 1.0 / 24), max(3.0 * level, 1.0 / 24))
    weekly = _weekly(cells, valid, day0, hourly)
    dow = (day0 + np.arange(cells.shape[0]) + _EPOCH_DOW) % 7
    expected = hourly[None, :] * weekly[dow][:, None]
    return Baseline(hourly, weekly, level, _dispersion(cells[valid], expected[valid]))


def _dispersion(counts: np.ndarray, expected: np.ndarray) -> float:
    """How much busier or calmer than Poisson the hours are (negative binomial ``phi``).

    Real mentions vary from day to day more than a Poisson process (news days, a viral
    reply); ignoring that would flag ordinary busy days. A median keeps the estimate robust to
    the bursts still included in the first pass; 0.455 is the median of a chi-square with one
    degree of freedom. Hours expecting fewer than 5 messages are Poisson-dominated and left out.
    """
    sel = expected >= 5
    if sel.sum() < 24:
        return 0.0
    c, e = counts[sel], expected[sel]
    phi = float(np.median(((c - e) ** 2 / 0.455 - e) / e**2))
    return float(np.clip(phi, 0.0, 1.0))


def _level(values: np.ndarray, trim: bool) -> float:
    if trim and len(values) >= 10:
        values = np.sort(values)[: int(np.ceil(len(values) * 0.9))]
    return float(values.mean())


def _trimmed_mean(values: np.ndarray) -> float:
    if len(values) >= 3:
        values = np.sort(values)[: len(values) - int(np.ceil(len(values) / 4))]
    return float(values.mean())


def _weekly(cells: np.ndarray, valid: np.ndarray, day0: int, hourly: np.ndarray) -> np.ndarray:
    """Day-of-week factors (median over weeks of each day's count over its expected count)."""
    days = cells.shape[0]
    full = valid.sum(axis=1) >= 12
    if days < 14 or full.sum() < 14:
        return np.ones(7)
    expected = (valid * hourly).sum(axis=1)
    seen = (cells * valid).sum(axis=1)
    dow = (day0 + np.arange(days) + _EPOCH_DOW) % 7
    factors = np.ones(7)
    for k in range(7):
        sel = full & (dow == k) & (expected > 0)
        if sel.sum() >= 2:
            factors[k] = float(np.median(seen[sel] / expected[sel]))
    factors = np.clip(factors / factors.mean(), 0.5, 2.0)
    return np.asarray(factors)


# ------------------------------------------------------------------------------ thresholds


def significant(
    count: np.ndarray | float,
    expected: np.ndarray | float,
    params: EpisodeParams = DEFAULT,
    dispersion: float = 0.0,
) -> np.ndarray:
    """True where a window count is a burst: enough messages, ratio and tail surprise.

    The tail is Poisson, or negative binomial when the baseline is over-dispersed.
    """
    c = np.asarray(count, dtype=float)
    e = np.maximum(np.asarray(expected, dtype=float), 1e-9)
    out = (c >= params.min_count) & (c >= params.min_ratio * e)
    if out.any():
        idx = np.flatnonzero(out.ravel())
        tail = _tail(c.ravel()[idx], e.ravel()[idx], dispersion)
        flat = out.ravel().copy()
        flat[idx] = tail <= params.alpha
        out = flat.reshape(out.shape)
    return np.asarray(out)


def _tail(count: np.ndarray, expected: np.ndarray, dispersion: float) -> np.ndarray:
    """P(X >= count) for a count of mean ``expected`` (negative binomial if dispersed)."""
    from scipy.stats import nbinom, poisson  # noqa: PLC0415 - 0.6 s to import: when needed

    if dispersion < 1e-6:
        return np.asarray(poisson.sf(count - 1, expected))
    r = 1.0 / dispersion
    return np.asarray(nbinom.sf(count - 1, r, r / (r + expected)))


def elevated(
    count: np.ndarray | float, expected: np.ndarray | float, params: EpisodeParams = DEFAULT
) -> np.ndarray:
    """True where an hourly count is still clearly above the usual (the episode goes on)."""
    c = np.asarray(count, dtype=float)
    e = np.asarray(expected, dtype=float)
    return np.asarray((c > params.elevated_ratio * e + 3 * np.sqrt(e)) & (c >= 4))


def episode_kind(
    hostile_share: float, support_share: float, scored: int, params: EpisodeParams = DEFAULT
) -> str:
    """harassment, support, mixed or neutral, from the shares of scored messages.

    Each of harassment and support needs its share and twice the other's, so a support wave
    with a few trolls stays "support" (or "mixed"), never "harassment". The harassment share
    is set well above what classifier mistakes on a burst of one repeated harmless text can
    reach (raids run at 60-80% hostile); anything notable but unclear is "mixed".
    """
    h, s = hostile_share, support_share
    if scored == 0:
        return "neutral"
    if h >= params.harassment_share and s <= h / 2:
        return "harassment"
    if s >= params.support_share and h <= s / 2:
        return "support"
    if max(h, s) >= params.mixed_share or min(h, s) >= params.mixed_share / 2:
        return "mixed"
    return "neutral"


def cusum_start(t: np.ndarray, cum_expected: np.ndarray, k: float) -> int:
    """Index where the arrivals ``t`` leave their expected course (``k`` times the usual).

    ``cum_expected[j]`` is the expected number of messages up to ``t[j]``; the start is the
    argmin of (messages so far - k * expected so far): before it the count falls behind
    ``k`` times the usual rate, after it the count runs ahead.
    """
    s = np.arange(len(t)) - k * (cum_expected - cum_expected[0])
    return int(np.argmin(s))


def cusum_end(t: np.ndarray, cum_expected: np.ndarray, k: float) -> int:
    """Index of the last message before the arrivals fall back under ``k`` times the usual."""
    s = np.arange(1, len(t) + 1) - k * (cum_expected - cum_expected[0])
    return int(np.argmax(s))


# ------------------------------------------------------------------------------ detection


@dataclass
class _Grid:
    """The aimed messages on a 10-minute grid, with the baseline fitted to them."""

    t: np.ndarray  # times of the aimed messages, sorted
    day0: int
    days: int
    counts: np.ndarray  # per bin
    covered: np.ndarray  # (days, 24) hours inside the observed span
    expected: np.ndarray = field(default_factory=lambda: np.zeros(0))
    baseline: Baseline | None = None

    @classmethod
    def of(cls, t: np.ndarray) -> _Grid:
        day0 = int(np.floor(t[0] / DAY))
        days = int(np.floor(t[-1] / DAY)) - day0 + 1
        b = np.floor((t - day0 * DAY) / BIN).astype(np.int64)
        counts = np.bincount(b, minlength=days * BINS_PER_DAY).astype(float)
        hours = np.arange(days * 24) + day0 * 24
        covered = (hours >= np.floor(t[0] / HOUR)) & (hours <= np.floor(t[-1] / HOUR))
        return cls(t, day0, days, counts, covered.reshape(days, 24))

    def time(self, b: int | np.ndarray) -> np.ndarray:
        """Epoch seconds of the start of bin ``b``."""
        return np.asarray(self.day0 * DAY + np.asarray(b) * BIN)

    def cum_expected(self, t: np.ndarray) -> np.ndarray:
        """Expected number of aimed messages from the grid's origin up to each time ``t``."""
        cum = np.concatenate(([0.0], np.cumsum(self.expected)))
        pos = (t - self.day0 * DAY) / BIN
        b = np.clip(np.floor(pos).astype(np.int64), 0, len(self.expected) - 1)
        return np.asarray(cum[b] + self.expected[b] * (pos - b))


def _fit(grid: _Grid, params: EpisodeParams) -> list[tuple[int, int]]:
    """Fit the baseline without the bursts, iteratively; return the bursts as bin ranges."""
    cells = grid.counts.reshape(grid.days, 24, BINS_PER_HOUR).sum(axis=2)
    excluded = np.zeros_like(grid.covered)
    regions: list[tuple[int, int]] = []
    for it in range(params.iterations):
        grid.baseline = fit_baseline(cells, grid.covered & ~excluded, grid.day0, trim=it == 0)
        grid.expected = grid.baseline.per_bin(grid.day0 * BINS_PER_DAY, len(grid.counts))
        regions = _regions(grid.counts, grid.expected, params, grid.baseline.dispersion)
        more = excluded | _hours_of(regions, grid.days)
        if (more == excluded).all():
            break
        excluded = more
    return regions


def hourly_history(
    t: np.ndarray, params: EpisodeParams = DEFAULT
) -> tuple[int, np.ndarray, np.ndarray]:
    """Hourly counts of the aimed times ``t`` and which hours lie in bursts (seeds live mode).

    Returns the number of the first observed hour since the epoch, the count of each observed
    hour from there, and whether each hour belongs to a burst (left out of baselines).
    """
    t = np.sort(t[np.isfinite(t)])
    if len(t) == 0:
        return 0, np.zeros(0), np.zeros(0, dtype=bool)
    grid = _Grid.of(t)
    regions = _fit(grid, params)
    counts = grid.counts.reshape(-1, BINS_PER_HOUR).sum(axis=1)
    burst = _hours_of(regions, grid.days).ravel()
    observed = np.flatnonzero(grid.covered.ravel())
    lo, hi = int(observed[0]), int(observed[-1]) + 1
    return grid.day0 * 24 + lo, counts[lo:hi], burst[lo:hi]


def _hours_of(regions: list[tuple[int, int]], days: int) -> np.ndarray:
    """The (day, hour) cells touched by the regions, with an hour of margin each side."""
    out = np.zeros(days * 24, dtype=bool)
    for b0, b1 in regions:
        out[max(b0 // BINS_PER_HOUR - 1, 0) : b1 // BINS_PER_HOUR + 2] = True
    return out.reshape(days, 24)


def _window_sum(x: np.ndarray, before: int, after: int) -> np.ndarray:
    """Sum of ``x[i - before : i + after + 1]`` for each i (zeros outside)."""
    cum = np.concatenate(([0.0], np.cumsum(x)))
    n = len(x)
    hi = np.minimum(np.arange(n) + after + 1, n)
    lo = np.maximum(np.arange(n) - before, 0)
    return np.asarray(cum[hi] - cum[lo])


def _regions(
    counts: np.ndarray, expected: np.ndarray, params: EpisodeParams, dispersion: float
) -> list[tuple[int, int]]:
    """Bursts as inclusive bin ranges: elevated stretches that hold a significant window."""
    w = params.window_bins
    sig = significant(
        _window_sum(counts, w - 1, 0), _window_sum(expected, w - 1, 0), params, dispersion
    )
    elev = elevated(_window_sum(counts, 3, 3), _window_sum(expected, 3, 3), params)
    for j in range(w):  # the bins of a significant trailing window belong to the burst
        elev[: len(elev) - j] |= sig[j:]
    elev &= counts > 0
    runs = _runs(elev)
    kept = [(a, b) for a, b in runs if sig[a : b + w].any()]
    return _merge(kept, params)


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Inclusive index ranges of the True runs of ``mask``."""
    d = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    starts, ends = np.flatnonzero(d == 1), np.flatnonzero(d == -1) - 1
    return list(zip(starts.tolist(), ends.tolist()))


def _merge(runs: list[tuple[int, int]], params: EpisodeParams) -> list[tuple[int, int]]:
    """Merge bursts separated by a lull shorter than the gap allowed (or half the shorter)."""
    out: list[tuple[int, int]] = []
    for a, b in runs:
        if out:
            pa, pb = out[-1]
            gap = (a - pb - 1) * BIN
            shorter = min(pb - pa + 1, b - a + 1) * BIN
            if gap <= max(params.merge_gap, shorter / 2):
                out[-1] = (pa, b)
                continue
        out.append((a, b))
    return out


# ------------------------------------------------------------------------------ episodes


def find_episodes(
    corpus: Corpus,
    aimed: np.ndarray | None = None,
    threshold: float = 0.4,
    params: EpisodeParams = DEFAULT,
) -> list[Episode]:
    """The episodes of messages aimed at each target, in time order.

    ``aimed`` (default ``corpus.aimed``) selects the messages counted; pass a mask extended
    with the replies under designating posts once they are known. ``threshold`` is the
    classifier's abusive probability at or above which a message counts as hostile. Each
    target is measured against its own baseline (``details["target"]``); a burst aimed at
    several targets at once is reported once, for the target it hit most.
    """
    mask = corpus.aimed if aimed is None else np.asarray(aimed, dtype=bool)
    created = np.array(
        [np.nan if a.created_at is None else a.created_at for a in corpus.accounts], dtype=float
    )
    episodes: list[Episode] = []
    for target, target_mask in target_masks(corpus, mask):
        episodes.extend(_episodes_of(corpus, target, target_mask, threshold, params, created))
    return sorted(_distinct(episodes), key=lambda e: e.start)


class EpisodeDetector:
    """:func:`find_episodes` as a detector: the ``episodes`` findings.

    It runs after the designating posts: the designating detector has then widened
    ``corpus.aimed`` with the replies and quotes under them, and the episodes are counted
    over that wider set (a burst under a post that never mentions the target is hers).
    """

    name = "episodes"
    requires = ("designating_posts",)

    def __init__(self, threshold: float = 0.4, params: EpisodeParams = DEFAULT) -> None:
        self.threshold = threshold
        self.params = params

    def fit(self, corpus: Corpus, found: Found) -> Self:
        self.episodes_ = find_episodes(corpus, threshold=self.threshold, params=self.params)
        return self

    def detect(self) -> Mapping[str, Sequence[Finding]]:
        return {self.name: self.episodes_}


def target_masks(corpus: Corpus, mask: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """The messages of ``mask`` aimed at each target (``corpus.aimed_code``: by mention,
    reply, quote, or under a post designating that target).

    Only a row of ``mask`` that the corpus does not know as aimed at any target (a caller's
    own widening) counts for every target.
    """
    targets = corpus.targets
    if len(targets) <= 1:
        return [(targets[0] if targets else "", mask)]
    codes = corpus.aimed_code
    if len(codes) != len(mask):
        codes = np.zeros(len(mask), dtype=np.int64)
    out = []
    for k, target in enumerate(targets):
        out.append((target, mask & ((((codes >> k) & 1) != 0) | (codes == 0))))
    return out


def _distinct(episodes: list[Episode]) -> list[Episode]:
    """Drop an episode that mostly repeats a larger one (the same burst seen via two targets)."""
    kept: list[Episode] = []
    for ep in sorted(episodes, key=lambda e: -e.messages):
        if not any(
            k.start <= ep.end
            and ep.start <= k.end
            and len(np.intersect1d(k.rows, ep.rows)) > ep.messages / 2
            for k in kept
        ):
            kept.append(ep)
    return kept


def _episodes_of(
    corpus: Corpus,
    target: str,
    mask: np.ndarray,
    threshold: float,
    params: EpisodeParams,
    created: np.ndarray,
) -> list[Episode]:
    """The episodes among the messages of ``mask``, those aimed at ``target``."""
    rows = np.flatnonzero(mask & np.isfinite(corpus.t))
    if len(rows) < params.min_count:
        return []
    rows = rows[np.argsort(corpus.t[rows], kind="stable")]
    grid = _Grid.of(corpus.t[rows])
    regions = _fit(grid, params)
    hostile, support, scored = _composition(corpus, rows, threshold, params)
    describer = _Describer(corpus, grid, rows, (hostile, support, scored), params, created)
    episodes: list[Episode] = []
    for i0, i1 in _refine(grid, regions, params):
        parts = _split(grid, hostile, support, scored, i0, i1, params)
        for a, b in _join_same_kind(parts, hostile, support, scored, params):
            episodes.append(describer.episode(a, b))
            episodes[-1].details["target"] = target
    describer.explain(episodes)
    return episodes


def _composition(
    corpus: Corpus, rows: np.ndarray, threshold: float, params: EpisodeParams
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per aimed message: hostile, supportive (and not hostile), scored at all."""
    h = corpus.hostile[rows].astype(float)
    s = corpus.support[rows].astype(float)
    scored = np.isfinite(h)
    hostile = scored & (np.nan_to_num(h, nan=0.0) >= threshold)
    support = scored & ~hostile & (np.nan_to_num(s, nan=0.0) >= params.support_threshold)
    return hostile, support, scored


def _refine(
    grid: _Grid, regions: list[tuple[int, int]], params: EpisodeParams
) -> list[tuple[int, int]]:
    """Message index ranges of the bursts, start and end moved to where the rate changes."""
    t = grid.t
    out: list[tuple[int, int]] = []
    for n, (b0, b1) in enumerate(regions):
        r0, r1 = float(grid.time(b0)), float(grid.time(b1 + 1))
        ceil_t = float(grid.time(regions[n + 1][0])) if n + 1 < len(regions) else np.inf
        lo = int(np.searchsorted(t, r0 - params.lookaround, "left"))
        lo = max(lo, out[-1][1] + 1) if out else lo  # never before the previous episode ends
        hi = int(np.searchsorted(t, min(r1 + params.lookaround, ceil_t), "left")) - 1
        peak_bin = b0 + int(np.argmax(grid.counts[b0 : b1 + 1]))
        ip = int(np.searchsorted(t, float(grid.time(peak_bin)), "left"))
        ip = min(max(ip, lo), hi)
        cum = grid.cum_expected(t[lo : hi + 1])
        i0 = lo + cusum_start(
            t[lo : ip + 1], cum[: ip - lo + 1], _start_ratio(grid, b0, b1, params)
        )
        i1 = ip + cusum_end(t[ip : hi + 1], cum[ip - lo :], params.elevated_ratio)
        if i1 - i0 + 1 >= params.min_count:
            out.append((i0, i1))
    return out


def _start_ratio(grid: _Grid, b0: int, b1: int, params: EpisodeParams) -> float:
    w = params.window_bins
    counts = _window_sum(grid.counts, w - 1, 0)[b0 : b1 + 1]
    expect = _window_sum(grid.expected, w - 1, 0)[b0 : b1 + 1]
    peak = float(np.max(counts / np.maximum(expect, 1e-9)))
    rate = float(grid.baseline.per_hour(float(grid.time(b0)))[()]) if grid.baseline else 0.0
    return start_ratio(rate, peak, params)


def start_ratio(rate: float, peak_ratio: float, params: EpisodeParams = DEFAULT) -> float:
    """The multiple of the usual ``rate`` (per hour) whose crossing marks a burst's start.

    Between ``start_ratio`` and ``start_ratio_max``: the square root of the burst's peak
    ratio (a geometric middle between the usual rate and the peak), so that a chance cluster
    of messages just before a large burst, or its organisers' first posts, do not pass for
    its start while a gentler burst is still caught early. With few messages per hour the
    running count wanders more: ``(k - 1) ** 2 >= 3 / rate`` keeps that wander short.
    """
    middle = min(params.start_ratio_max, float(np.sqrt(max(peak_ratio, 1.0))))
    return max(params.start_ratio, middle, 1.0 + float(np.sqrt(3.0 / max(rate, 1e-3))))


def _split(
    grid: _Grid,
    hostile: np.ndarray,
    support: np.ndarray,
    scored: np.ndarray,
    i0: int,
    i1: int,
    params: EpisodeParams,
    depth: int = 0,
) -> list[tuple[int, int]]:
    """Split messages ``i0..i1`` where the composition changes and the kinds differ."""
    if depth < 3:
        cut = _best_cut(
            hostile[i0 : i1 + 1], support[i0 : i1 + 1], scored[i0 : i1 + 1], params.min_count
        )
        if cut is not None:
            c = i0 + cut
            left, right = (i0, c - 1), (c, i1)
            kinds = [_kind(hostile, support, scored, a, b, params) for a, b in (left, right)]
            if kinds[0] != kinds[1] and all(
                _is_burst(grid, a, b, params) for a, b in (left, right)
            ):
                return _split(grid, hostile, support, scored, *left, params, depth + 1) + _split(
                    grid, hostile, support, scored, *right, params, depth + 1
                )
    return [(i0, i1)]


def _join_same_kind(
    parts: list[tuple[int, int]],
    hostile: np.ndarray,
    support: np.ndarray,
    scored: np.ndarray,
    params: EpisodeParams,
) -> list[tuple[int, int]]:
    """Join neighbouring parts of a split burst that ended up of the same kind."""
    out: list[tuple[int, int]] = []
    for a, b in parts:
        if out and (
            _kind(hostile, support, scored, *out[-1], params)
            == _kind(hostile, support, scored, a, b, params)
        ):
            out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def _best_cut(
    hostile: np.ndarray, support: np.ndarray, scored: np.ndarray, min_side: int
) -> int | None:
    """The split of a message sequence that best separates two compositions, if clear.

    Each message is hostile, supportive, or other (unscored included); the cut maximises the
    likelihood of two multinomial segments, kept when the gain beats a BIC-like penalty.
    """
    n = len(hostile)
    if n < 2 * min_side or not scored.any():
        return None
    classes = np.stack([hostile, support, ~(hostile | support)], axis=1).astype(float)
    left = np.cumsum(classes, axis=0)[min_side - 1 : n - min_side]  # cut after row i
    total = classes.sum(axis=0)
    right = total - left
    nl = np.arange(min_side, n - min_side + 1, dtype=float)[:, None]
    nr = n - nl
    gain = (
        _xlogx(left).sum(axis=1)
        - _xlogx(nl[:, 0])
        + _xlogx(right).sum(axis=1)
        - _xlogx(nr[:, 0])
        - (_xlogx(total).sum() - _xlogx(np.array(float(n))))
    )
    best = int(np.argmax(gain))
    if 2 * gain[best] < 3 * np.log(n) + 10:
        return None
    return best + min_side


def _xlogx(x: np.ndarray) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    return np.asarray(np.where(x > 0, x * np.log(np.where(x > 0, x, 1.0)), 0.0))


def _kind(
    hostile: np.ndarray,
    support: np.ndarray,
    scored: np.ndarray,
    a: int,
    b: int,
    params: EpisodeParams,
) -> str:
    n = int(scored[a : b + 1].sum())
    if n == 0:
        return "neutral"
    return episode_kind(
        float(hostile[a : b + 1].sum()) / n, float(support[a : b + 1].sum()) / n, n, params
    )


def _is_burst(grid: _Grid, a: int, b: int, params: EpisodeParams) -> bool:
    """A part of a split burst that stands on its own: enough messages, at least
    ``elevated_ratio`` times the expected count, over at least the significance window.
    """
    n = b - a + 1
    ta, tb = float(grid.t[a]), float(grid.t[b])
    cum = grid.cum_expected(grid.t[[a, b]])
    return bool(
        n >= params.min_count
        and n >= params.elevated_ratio * (cum[1] - cum[0])
        and tb - ta >= params.window_bins * BIN
    )


# ------------------------------------------------------------------------------ describing


class _Describer:
    """Builds the :class:`Episode` records and their explanations."""

    def __init__(
        self,
        corpus: Corpus,
        grid: _Grid,
        rows: np.ndarray,
        composition: tuple[np.ndarray, np.ndarray, np.ndarray],
        params: EpisodeParams,
        created: np.ndarray,
    ) -> None:
        self.corpus, self.grid, self.rows, self.params = corpus, grid, rows, params
        self.hostile, self.support, self.scored = composition
        self.created = created

    def episode(self, a: int, b: int) -> Episode:
        """The episode of aimed messages ``a..b`` (indexes into the aimed rows)."""
        t = self.grid.t
        start, end = float(t[a]), float(t[b])
        rows = self.rows[a : b + 1]
        authors = self.corpus.author[rows]
        authors = np.unique(authors[authors >= 0])
        n_scored = int(self.scored[a : b + 1].sum())
        h = float(self.hostile[a : b + 1].sum()) / n_scored if n_scored else 0.0
        s = float(self.support[a : b + 1].sum()) / n_scored if n_scored else 0.0
        peak, peak_hour, expected_hour = self._peak(a, b)
        ratio = peak_hour / max(expected_hour, 1e-9)
        created = self.created[authors] if len(authors) else np.zeros(0)
        dated = np.isfinite(created)
        fresh = dated & (created >= start - self.params.fresh_days * DAY)
        details = {
            "peak_per_hour": peak_hour,
            "baseline_per_hour": expected_hour,
            "ratio": ratio,
            "messages": len(rows),
            "authors": len(authors),
            "scored": n_scored,
            "hostile_share": h,
            "support_share": s,
            "dated_authors": int(dated.sum()),
            "fresh_authors": int(fresh.sum()),
            "fresh_days": self.params.fresh_days,
            "duration_hours": (end - start) / HOUR,
        }
        return Episode(
            start=start,
            end=end,
            peak=peak,
            messages=len(rows),
            authors=len(authors),
            hostile_share=h,
            support_share=s,
            kind=episode_kind(h, s, n_scored, self.params),
            explanation="",
            ratio=ratio,
            baseline_per_hour=expected_hour,
            rows=rows,
            details=details,
        )

    def _peak(self, a: int, b: int) -> tuple[float, float, float]:
        """Peak time (in the busiest bin), peak rate per hour and the usual rate then.

        The peak rate is that of the busiest 30-minute window, so a burst shorter than an hour
        is not diluted.
        """
        grid, t = self.grid, self.grid.t[a : b + 1]
        local_bins = ((t - grid.day0 * DAY) // BIN).astype(np.int64)
        first = int(local_bins[0])
        local = np.bincount(local_bins - first).astype(float)
        busiest = int(np.argmax(local))
        peak = float(np.median(t[local_bins - first == busiest]))
        w = self.params.window_bins
        counts = _window_sum(local, w - 1, 0)
        expect = _window_sum(grid.expected[first : first + len(local)], w - 1, 0)
        top = int(np.argmax(counts))
        per_hour = BINS_PER_HOUR / w
        return peak, float(counts[top]) * per_hour, float(expect[top]) * per_hour

    def explain(self, episodes: list[Episode]) -> None:
        """Fill each episode's explanation, with over-represented hashtags and links."""
        if not episodes:
            return
        inside = np.zeros(len(self.corpus), dtype=bool)
        for ep in episodes:
            inside[ep.rows] = True
        base_rows = _sample(self.rows[~inside[self.rows]], 100_000)
        base_tags = _counts(self.corpus.hashtags[r] for r in base_rows)
        base_urls = _counts(
            _norm_urls(self.corpus.urls[r]) for r in base_rows if self.corpus.urls[r]
        )
        nbase = max(len(base_rows), 1)
        picks: list[tuple[Episode, list[tuple[str, int, float]], list[tuple[str, int, float]]]]
        picks = []
        for ep in episodes:
            tags = _over(
                _counts(self.corpus.hashtags[r] for r in ep.rows), len(ep.rows), base_tags, nbase
            )
            urls = _over(
                _counts(_norm_urls(self.corpus.urls[r]) for r in ep.rows if self.corpus.urls[r]),
                len(ep.rows),
                base_urls,
                nbase,
            )
            picks.append((ep, tags, urls))
        first_seen = _first_seen(self.corpus, {u for _, _, urls in picks for u, _, _ in urls})
        for ep, tags, urls in picks:
            ep.details["hashtags"] = [
                {"tag": k, "messages": c, "usual_share": round(b, 4)} for k, c, b in tags
            ]
            ep.details["links"] = [
                {
                    "url": u,
                    "messages": c,
                    "first_seen": iso_utc(first_seen.get(u)),
                    "minutes_before_start": _minutes(ep.start, first_seen.get(u)),
                }
                for u, c, _ in urls
            ]
            ep.explanation = _sentence(ep)


def _sample(rows: np.ndarray, most: int) -> np.ndarray:
    """At most ``most`` rows, evenly spread (deterministic)."""
    if len(rows) <= most:
        return rows
    return rows[np.linspace(0, len(rows) - 1, most).astype(np.int64)]


def _counts(items: Iterable[Sequence[str]]) -> Counter[str]:
    """How many messages carry each value (once per message)."""
    return Counter(chain.from_iterable(set(x) if len(x) > 1 else x for x in items))


def _norm_urls(urls: Sequence[str]) -> tuple[str, ...]:
    return tuple(u.strip().rstrip("/") for u in urls if u)


def _over(
    counts: Counter[str], n: int, base: Counter[str], nbase: int, top: int = 2
) -> list[tuple[str, int, float]]:
    """Values used by at least 5% of the episode (and 3 messages), 3 times more than usual."""
    out = []
    for value, c in counts.most_common(20):
        share, usual = c / n, base.get(value, 0) / nbase
        if c >= 3 and share >= 0.05 and share >= 3 * usual:
            out.append((value, c, usual))
    return out[:top]


def _first_seen(corpus: Corpus, urls: set[str]) -> dict[str, float]:
    """The first time each url appears in any message of the corpus (time order)."""
    found: dict[str, float] = {}
    if not urls:
        return found
    for r, us in enumerate(corpus.urls):
        if us and np.isfinite(corpus.t[r]):
            for u in _norm_urls(us):
                if u in urls and u not in found:
                    found[u] = float(corpus.t[r])
            if len(found) == len(urls):
                break
    return found


def _minutes(start: float, seen: float | None) -> int | None:
    return None if seen is None else int(round((start - seen) / 60))


# ------------------------------------------------------------------------------ wording

_KIND_WORDS = {
    "harassment": "Harassment raid",
    "support": "Support wave",
    "mixed": "Mixed burst (hostile and supportive messages)",
    "neutral": "Neutral spike",
}


def quoted(value: str, limit: int = 80) -> str:
    """A value from a message, safe to print in an explanation.

    Control and formatting characters (including right-to-left overrides) are shown as
    ``\\uXXXX`` escapes, and long values are cut, so a hashtag or link can never rearrange or
    hide the surrounding sentence.
    """
    out = []
    for ch in value[:limit]:
        if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out) + ("…" if len(value) > limit else "")


def _number(x: float) -> str:
    return f"{x:.0f}" if x >= 10 or x == int(x) else f"{x:.1f}"


def _sentence(ep: Episode) -> str:
    """The explanation of an episode, in plain words with its numbers."""
    d = ep.details
    target = f" aimed at @{quoted(d['target'])}" if d.get("target") else ""
    parts = [
        f"{_KIND_WORDS[ep.kind]}{target}: {ep.messages} messages from {ep.authors} accounts "
        f"between {iso_utc(ep.start)} and {iso_utc(ep.end)}, peaking at {_number(ep.ratio)} "
        f"times the usual rate ({_number(ep.baseline_per_hour)} per hour usually at that time, "
        f"{_number(d['peak_per_hour'])} per hour at the peak)."
    ]
    if d["scored"]:
        parts.append(
            f"{round(100 * ep.hostile_share)}% of the {d['scored']} scored messages "
            f"are hostile, {round(100 * ep.support_share)}% supportive."
        )
    else:
        parts.append("The messages were not scored by the classifier.")
    if d["dated_authors"]:
        share = round(100 * d["fresh_authors"] / d["dated_authors"])
        parts.append(
            f"{share}% of authors ({d['fresh_authors']} of {d['dated_authors']} with a "
            f"known creation date) were created less than {_number(d['fresh_days'])} "
            f"days before the start."
        )
    for tag in d.get("hashtags", []):
        share = round(100 * tag["messages"] / ep.messages)
        parts.append(
            f"{share}% use #{quoted(tag['tag'])} (against "
            f"{100 * tag['usual_share']:.1f}% of the other messages aimed at the "
            f"target)."
        )
    for link in d.get("links", []):
        text = f"{link['messages']} messages link {quoted(link['url'])}"
        before = link["minutes_before_start"]
        if before is not None and before > 0:
            text += f", first posted {before} minutes before the start"
        elif before is not None and before < 0:
            text += f", first posted {-before} minutes after the start"
        elif before is not None:
            text += ", first posted at the start"
        parts.append(text + ".")
    return " ".join(parts)
