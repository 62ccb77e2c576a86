"""The parameters of a simulated raid case, drawn at random from a seed, and its timeline.

A :class:`RaidScenario` holds every parameter; everything random in the case comes from its
``seed``. :func:`random_scenario` draws the parameters broadly (days, rates, languages, raid
size and shape, support wave, evasion chains, doxxing...), so a detector can be tested on cases
never produced before. Rates are kept realistic: the raid's peak runs 12 to 40 times the
baseline's mean hourly rate, as in the cases the detectors are built for.

Example::

    scn = random_scenario(42, "small")
    line = timeline(scn)
    (line.raid_start - line.t0) / 3600   # hours of baseline before the raid
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

#: Approximate message counts of the named sizes (inclusive ranges).
SIZES = {"small": (3000, 8000), "medium": (17000, 23000), "large": (180000, 220000)}
#: Extra languages a scenario may use beside French and English.
OTHER_LANGUAGES = ("es", "de", "it")


@dataclass
class RaidScenario:
    """Every parameter of a simulated case; all randomness comes from ``seed``.

    Times are hours after ``start`` unless named otherwise; shares are fractions of the raid's
    messages. The defaults describe a one-week French case with a 2,500-message raid.
    """

    seed: int = 1
    start: datetime = datetime(2026, 3, 2, tzinfo=UTC)
    days: float = 7.0
    utc_offset_hours: float = 1.0  # the audience's local time, for night lows
    languages: dict[str, float] = field(default_factory=lambda: {"fr": 0.8, "en": 0.12, "es": 0.08})
    target_gender: str = "f"
    targets: int = 2  # the journalist, and a relative or colleague
    baseline_per_day: float = 300.0
    night_floor: float = 0.15  # rate at 4 a.m. against the daily mean
    weekend_factor: float = 0.75
    critic_share: float = 0.06  # of baseline messages, mildly hostile, organic
    target_posts_per_day: float = 3.0
    raid_at_hours: float = 113.0  # a Friday, 18:00 in Paris
    raid_messages: int = 2500  # includes doxxing and ban-evasion posts
    raid_hours: float = 14.0
    raid_rise_minutes: float = 30.0
    raid_decay_hours: float = 3.0
    raider_accounts: int = 500
    fresh_share: float = 0.8  # raiders created 0-14 days before the raid; others are sleepers
    organisers: int = 3
    origin: str = "forum"  # forum, discord, telegram, or forum+chat
    origin_lead_minutes: float = 45.0
    designating_posts: int = 2
    reply_share: float = 0.25  # raid replies under a designating post, no mention
    quote_share: float = 0.06
    target_reply_share: float = 0.12
    mention_relative_share: float = 0.1
    wave_texts: int = 6
    copy_share: float = 0.7
    hashtag_share: float = 0.4
    raid_hashtags: int = 1
    link_share: float = 0.08
    evasion_chains: int = 3
    lone_suspensions: int = 5
    impersonators: int = 2
    doxxing: int = 15
    doxxing_decoys: int = 30
    support: str = "after"  # after, overlap or none
    support_messages: int = 600
    support_at_hours: float = 20.0  # after the raid's start
    support_rise_minutes: float = 60.0
    support_decay_hours: float = 4.0
    neutral_spike: bool = False
    spike_messages: int = 0
    spike_at_hours: float = 30.0
    spike_decay_hours: float = 1.5
    deletions: int = 10
    edits: int = 5
    window_minutes: int = 15
    retrieval_delay_minutes: float = 4.0
    page_size: int = 100
    newest_first: bool = True
    hostile_payloads: int = 0
    broken_lines: int = 0
    #: False: the capture was made after the bans, so a suspended or deleted account is only
    #: its id (on its posts) and the API's error: no handle, display name, bio or creation date.
    banned_profiles: bool = True

    def params(self) -> dict[str, object]:
        """The parameters as JSON-ready values (``start`` as ISO-8601 UTC)."""
        out: dict[str, object] = {}
        for name in self.__dataclass_fields__:
            value = getattr(self, name)
            if isinstance(value, datetime):
                value = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            elif isinstance(value, dict):
                value = dict(value)
            out[name] = value
        return out


@dataclass(frozen=True)
class Timeline:
    """Epoch seconds of a scenario's landmarks; ``support``/``spike`` are (start, peak, end)."""

    t0: float
    end: float
    raid_start: float
    raid_peak: float
    raid_end: float
    support: tuple[float, float, float] | None
    spike: tuple[float, float, float] | None


def timeline(scn: RaidScenario) -> Timeline:
    """The landmarks of ``scn`` (pure: derived from its parameters only)."""
    t0 = scn.start.timestamp()
    raid = t0 + scn.raid_at_hours * 3600
    support = None
    if scn.support != "none" and scn.support_messages > 0:
        s = raid + scn.support_at_hours * 3600
        support = (
            s,
            s + scn.support_rise_minutes * 60,
            s + burst_hours(scn.support_rise_minutes, scn.support_decay_hours) * 3600,
        )
    spike = None
    if scn.neutral_spike and scn.spike_messages > 0:
        s = t0 + scn.spike_at_hours * 3600
        spike = (s, s + 15 * 60, s + burst_hours(15, scn.spike_decay_hours) * 3600)
    return Timeline(
        t0,
        t0 + scn.days * 86400,
        raid,
        raid + scn.raid_rise_minutes * 60,
        raid + scn.raid_hours * 3600,
        support,
        spike,
    )


def burst_hours(rise_minutes: float, decay_hours: float) -> float:
    """How long a burst lasts: its rise, then four decay times (98% of its messages)."""
    return rise_minutes / 60 + 4 * decay_hours


def peak_rate(messages: float, rise_minutes: float, decay_hours: float, hours: float) -> float:
    """Messages per hour at the peak of a burst that rises linearly, then decays."""
    rise = rise_minutes / 60
    area = rise / 2 + decay_hours * (1 - math.exp(-max(hours - rise, 0.0) / decay_hours))
    return messages / max(area, 1e-6)


def random_scenario(seed: int, size: str | int = "small") -> RaidScenario:
    """A scenario with parameters drawn broadly from ``seed``.

    ``size`` is "small" (3,000-8,000 messages), "medium" (about 20,000), "large" (about
    200,000) or an explicit message count (an int or a string of digits). Past the preset
    sizes, rates and account counts grow beyond the ranges of ordinary cases.
    """
    rng = random.Random(seed * 7919 + 17)
    total, preset = _total(random.Random(seed * 7919 + 18), size)  # the rest ignores the size
    scn = RaidScenario(seed=seed)
    scn.start = datetime(2025, 9, 1, tzinfo=UTC) + timedelta(days=rng.randrange(240))
    scn.utc_offset_hours = rng.choice((0.0, 1.0, 1.0, 2.0))
    scn.languages = _languages(rng)
    scn.target_gender = "f" if rng.random() < 0.75 else "m"
    scn.targets = 2 if rng.random() < 0.6 else 1
    _draw_volumes(rng, scn, total, preset)
    _draw_raid(rng, scn)
    _draw_calendar(rng, scn)
    _draw_accounts(rng, scn, total)
    scn.night_floor = rng.uniform(0.05, 0.3)
    scn.weekend_factor = rng.uniform(0.5, 1.1)
    scn.critic_share = rng.uniform(0.02, 0.1)
    scn.target_posts_per_day = rng.uniform(1.0, 5.0)
    scn.window_minutes = rng.choice((5, 10, 15, 15, 30))
    scn.retrieval_delay_minutes = rng.uniform(1.0, 8.0)
    scn.page_size = rng.choice((100, 100, 500))
    scn.newest_first = rng.random() < 0.6
    scn.hostile_payloads = rng.choice((0, 0, 0, 2, 3))
    scn.broken_lines = rng.choice((0, 0, 1))
    return scn


def _total(rng: random.Random, size: str | int) -> tuple[int, bool]:
    if isinstance(size, str) and size in SIZES:
        low, high = SIZES[size]
        return rng.randint(low, high), True
    total = int(size)
    if total < 500:
        raise ValueError(f"a scenario needs at least 500 messages, not {total}")
    return total, False


def _languages(rng: random.Random) -> dict[str, float]:
    others = rng.sample(OTHER_LANGUAGES, rng.choice((1, 1, 2)))
    if rng.random() < 0.7:
        main, second = "fr", "en"
        weights = [rng.uniform(0.65, 0.9), rng.uniform(0.05, 0.2)]
    else:
        main, second = "en", "fr"
        weights = [rng.uniform(0.6, 0.85), rng.uniform(0.08, 0.3)]
    rest = max(0.03, 1 - sum(weights))
    out = {main: weights[0], second: weights[1]}
    for lang in others:
        out[lang] = rest / len(others)
    norm = sum(out.values())
    return {k: round(v / norm, 4) for k, v in out.items()}


def _draw_volumes(rng: random.Random, scn: RaidScenario, total: int, preset: bool) -> None:
    """Split ``total`` into raid, support, spike and baseline; fix the days and daily rate."""
    raid = round(total * rng.uniform(0.3, 0.6))
    if preset:
        raid = min(max(raid, 300), 20000)
    scn.support = rng.choices(("after", "overlap", "none"), (0.5, 0.3, 0.2))[0]
    scn.support_messages = 0 if scn.support == "none" else round(total * rng.uniform(0.06, 0.2))
    scn.neutral_spike = rng.random() < 0.4
    scn.spike_messages = round(total * rng.uniform(0.02, 0.06)) if scn.neutral_spike else 0
    baseline = max(total - raid - scn.support_messages - scn.spike_messages, 150)
    cap = 2000.0 if preset else max(2000.0, total / 50)
    days = rng.uniform(3, 21)
    per_day = baseline / days
    if per_day > cap:
        days = min(21.0, baseline / cap)
        per_day = min(cap, baseline / days)
        raid += max(0, round(baseline - per_day * days))
    elif per_day < 50:
        days = max(3.0, baseline / 50)
        per_day = max(50.0, baseline / days)
    scn.raid_messages = raid
    scn.days = days
    scn.baseline_per_day = per_day


def _draw_raid(rng: random.Random, scn: RaidScenario) -> None:
    """Raid shape: fast rise, decay, duration; peak 12-40 times the baseline's hourly mean."""
    scn.raid_rise_minutes = rng.uniform(15, 60)
    hours = math.exp(rng.uniform(math.log(3), math.log(48)))
    decay = hours / rng.uniform(2.5, 5)
    ratio = rng.uniform(12, 40)
    hourly = scn.baseline_per_day / 24
    while (
        peak_rate(scn.raid_messages, scn.raid_rise_minutes, decay, hours) < ratio * hourly
        and hours > 2.5
    ):
        hours, decay = hours * 0.85, decay * 0.85
    peak = peak_rate(scn.raid_messages, scn.raid_rise_minutes, decay, hours)
    if peak < ratio * hourly:
        scn.baseline_per_day = max(50.0, peak * 24 / ratio)
    scn.raid_hours, scn.raid_decay_hours = hours, decay
    scn.support_rise_minutes = rng.uniform(20, 120)
    scn.support_decay_hours = rng.uniform(2, 10)
    if scn.support == "after":
        scn.support_at_hours = hours + rng.uniform(1, 12)
    else:
        scn.support_at_hours = hours * rng.uniform(0.4, 0.85)
    scn.spike_decay_hours = rng.uniform(1, 3)


def _draw_calendar(rng: random.Random, scn: RaidScenario) -> None:
    """Place the raid after at least two days of baseline and leave room for what follows."""
    after = scn.raid_hours + 30  # ban-evasion successors resume up to a day later
    if scn.support != "none":
        after = max(
            after,
            scn.support_at_hours
            + burst_hours(scn.support_rise_minutes, scn.support_decay_hours)
            + 6,
        )
    before = max(48.0, 0.3 * scn.days * 24)
    spike_hours = burst_hours(15, scn.spike_decay_hours) + 24 if scn.neutral_spike else 0.0
    if scn.neutral_spike and rng.random() < 0.5:
        before = max(before, 24 + spike_hours + 24)
        scn.spike_at_hours = -1.0  # placed before the raid below
    needed = (before + after + (0 if scn.spike_at_hours < 0 else spike_hours)) / 24
    if scn.days < needed:
        scn.baseline_per_day = max(50.0, scn.baseline_per_day * scn.days / needed)
        scn.days = needed
    slack = scn.days * 24 - before - after - (0 if scn.spike_at_hours < 0 else spike_hours)
    scn.raid_at_hours = before + rng.uniform(0, max(slack, 0.0))
    if not scn.neutral_spike:
        return
    if scn.spike_at_hours < 0:
        scn.spike_at_hours = rng.uniform(24, scn.raid_at_hours - spike_hours - 12)
    else:
        scn.spike_at_hours = scn.raid_at_hours + after + rng.uniform(0, 12)
        scn.days = max(scn.days, (scn.spike_at_hours + spike_hours) / 24)


def _draw_accounts(rng: random.Random, scn: RaidScenario, total: int) -> None:
    scale = max(1, total // 100_000)
    raid = scn.raid_messages
    scn.raider_accounts = int(min(max(raid / rng.uniform(2.5, 7), 40), 20000 + raid / 40))
    scn.fresh_share = rng.uniform(0.6, 0.9)
    scn.organisers = rng.randint(2, 4)
    scn.origin = rng.choice(("forum", "forum", "discord", "telegram", "forum+chat"))
    scn.origin_lead_minutes = rng.uniform(20, 90)
    scn.designating_posts = rng.randint(1, 3)
    scn.reply_share = rng.uniform(0.1, 0.35)
    scn.quote_share = rng.uniform(0.02, 0.1)
    scn.target_reply_share = rng.uniform(0.05, 0.2)
    scn.mention_relative_share = rng.uniform(0.0, 0.2) if scn.targets == 2 else 0.0
    scn.wave_texts = rng.randint(3, 10)
    scn.copy_share = rng.uniform(0.5, 0.85)
    scn.hashtag_share = rng.uniform(0.2, 0.6)
    scn.raid_hashtags = rng.choice((1, 1, 2))
    scn.link_share = rng.uniform(0.03, 0.15)
    scn.evasion_chains = rng.randint(1, 4) + scn.raider_accounts // 2000
    scn.lone_suspensions = rng.randint(2, 10) + scn.raider_accounts // 500
    scn.impersonators = rng.randint(1, 4)
    scn.doxxing = rng.randint(5, 40) * scale
    scn.doxxing_decoys = rng.randint(10, 60) * scale
    scn.deletions = rng.randint(3, 20) * scale
    scn.edits = rng.randint(2, 10) * scale
