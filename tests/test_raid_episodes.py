"""Raid episodes: bursts against a baseline with daily and weekly cycles, kinds, explanations.

Every corpus here is synthetic: invented accounts around the target ``@cible``, messages drawn
from a Poisson process whose rate follows a daily cycle (quiet nights, busy evenings) and a
week-end dip, with raids and support waves added on top.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from rempart.analysis.raid.corpus import Corpus
from rempart.analysis.raid.episodes import (
    Baseline,
    episode_kind,
    find_episodes,
    fit_baseline,
    hourly_cells,
    quoted,
)
from rempart.models import Account, Mention, Message

T0 = datetime(2026, 1, 5, tzinfo=UTC)  # a Monday
FORUM = "https://forum.example.invalid/t/42-on-y-va"


def cyclic_times(
    rng: np.random.Generator, days: int, per_day: float, start: datetime = T0
) -> np.ndarray:
    """Baseline times: a strong daily cycle (night = 15% of the evening peak), calm week-ends."""
    out: list[np.ndarray] = []
    for d in range(days):
        weekend = (start + timedelta(days=d)).weekday() >= 5
        for h in range(24):
            lam = per_day / 24 * (1 + 0.85 * np.sin(2 * np.pi * (h - 13) / 24))
            lam *= 0.6 if weekend else 1.0
            base = start.timestamp() + d * 86400 + h * 3600
            out.append(base + rng.uniform(0, 3600, rng.poisson(lam)))
    return np.sort(np.concatenate(out))


def burst_times(
    rng: np.random.Generator, start: float, n: int, rise: float = 600.0, decay: float = 3 * 3600.0
) -> np.ndarray:
    """A burst: a linear ramp over ``rise`` seconds, then an exponential decay."""
    ramp = max(int(n * (rise / 2) / (rise / 2 + decay)), 1)
    return np.sort(
        np.concatenate(
            [
                start + rise * np.sqrt(rng.uniform(size=ramp)),
                start + rise + rng.exponential(decay, n - ramp),
            ]
        )
    )


@dataclass
class Case:
    """Builds a corpus: each message gets (hostile, support) scores, or none."""

    seed: int = 0
    messages: list[Message] = field(default_factory=list)
    accounts: list[Account] = field(default_factory=list)
    scores: dict[str, tuple[float, float]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = np.random.default_rng(self.seed)

    def authors(self, n: int, created: datetime, prefix: str = "compte") -> list[str]:
        first = len(self.accounts)
        for i in range(first, first + n):
            self.accounts.append(Account("x", f"u{i}", handle=f"{prefix}_{i}", created_at=created))
        return [a.id for a in self.accounts[first:]]

    def add(
        self,
        times: np.ndarray,
        text: str,
        authors: list[str],
        hostile: float | None,
        support: float | None = 0.0,
        hashtags: tuple[str, ...] = (),
        urls: tuple[str, ...] = (),
        aimed: bool = True,
        reply_to: str | None = None,
        hostile_share: float = 1.0,
    ) -> list[str]:
        """Messages at ``times``; a share ``hostile_share`` of them get the hostile score."""
        ids = []
        for t in times:
            mid = f"m{len(self.messages)}"
            author = authors[int(self.rng.integers(len(authors)))]
            self.messages.append(
                Message(
                    "x",
                    mid,
                    text=text,
                    created_at=datetime.fromtimestamp(float(t), UTC),
                    author_id=author,
                    mentions=(Mention("cible", "1"),) if aimed else (),
                    hashtags=hashtags,
                    urls=urls,
                    reply_to_id=reply_to,
                )
            )
            if hostile is not None:
                h = hostile if self.rng.uniform() < hostile_share else 0.05
                self.scores[mid] = (h, support if support is not None else 0.0)
            ids.append(mid)
        return ids

    def baseline(self, days: int, per_day: float, scored: bool = True) -> None:
        regulars = self.authors(300, T0 - timedelta(days=900), "lecteur")
        times = cyclic_times(self.rng, days, per_day)
        for t in times:
            self.add(
                np.array([t]),
                "@cible merci pour le fil",
                regulars,
                float(self.rng.uniform(0, 0.3)) if scored else None,
                float(self.rng.uniform(0, 0.3)),
            )

    def corpus(self) -> Corpus:
        accounts = [*self.accounts, Account("x", "1", handle="cible")]
        corpus = Corpus.build(self.messages, accounts, [], None, ["cible"])
        hostile = np.full(len(corpus), np.nan, dtype=np.float32)
        support = np.full(len(corpus), np.nan, dtype=np.float32)
        for mid, (h, s) in self.scores.items():
            hostile[corpus.index[mid]], support[corpus.index[mid]] = h, s
        corpus.hostile, corpus.support = hostile, support
        return corpus


def add_raid(
    case: Case, start: float, n: int, rise: float = 600.0, tag: str = "DehorsCible"
) -> list[str]:
    """A harassment raid from fresh accounts, with a hashtag and the forum link."""
    fresh = case.authors(
        max(n // 4, 20), datetime.fromtimestamp(start, UTC) - timedelta(days=3), "anon"
    )
    return case.add(
        burst_times(case.rng, start, n, rise),
        "@cible dégage menteuse",
        fresh,
        0.9,
        0.0,
        hashtags=(tag,),
        urls=(FORUM,),
        hostile_share=0.75,
    )


def add_support(case: Case, start: float, n: int, trolls: float = 0.15) -> list[str]:
    """A support wave from established accounts, with a few trolls mixed in."""
    friends = case.authors(max(n // 3, 20), T0 - timedelta(days=2000), "ami")
    ids = case.add(
        burst_times(case.rng, start, n, 1800.0),
        "@cible tout mon soutien",
        friends,
        0.05,
        0.9,
        hashtags=("JeSoutiensCible",),
    )
    trolls_at = burst_times(case.rng, start, int(n * trolls), 1800.0)
    return ids + case.add(trolls_at, "@cible pleurniche", friends, 0.9, 0.0)


def at(day: int, hour: float) -> float:
    return T0.timestamp() + day * 86400 + hour * 3600


def episode_with(episodes: list, corpus: Corpus, ids: list[str]):
    """The episode holding most of the messages ``ids``."""
    rows = {corpus.index[i] for i in ids}
    return max(episodes, key=lambda e: len(rows.intersection(e.rows.tolist())))


# ------------------------------------------------------------------------------ detection


@pytest.mark.parametrize(
    ("seed", "per_day", "days", "hour", "rise"),
    [
        (0, 200, 7, 14.3, 600.0),
        (1, 60, 10, 3.7, 1800.0),  # at night, on a quieter target
        (2, 800, 21, 20.1, 3600.0),  # three weeks of history (weekly factor), a slower ramp
    ],
)
def test_raid_start_is_found_within_30_minutes(
    seed: int, per_day: float, days: int, hour: float, rise: float
) -> None:
    case = Case(seed)
    case.baseline(days, per_day)
    start = at(days - 2, hour)
    raid = add_raid(case, start, int(per_day * 8), rise)
    corpus = case.corpus()
    episodes = find_episodes(corpus)
    ep = episode_with(episodes, corpus, raid)
    assert abs(ep.start - start) <= 30 * 60
    assert ep.kind == "harassment"
    assert ep.start <= ep.peak <= ep.end
    assert ep.ratio > 10
    assert len(episodes) == 1


@pytest.mark.parametrize(("seed", "gap_hours"), [(3, 7.0), (4, 2.5), (5, 1.0)])
def test_support_wave_after_a_raid_is_its_own_episode_never_harassment(
    seed: int, gap_hours: float
) -> None:
    """Whether the support wave follows the raid or comes while it fades, it stays apart."""
    case = Case(seed)
    case.baseline(6, 200)
    start = at(4, 15.0)
    raid = add_raid(case, start, 1500)
    support = add_support(case, start + gap_hours * 3600, 900)
    corpus = case.corpus()
    episodes = find_episodes(corpus)
    raid_ep = min(episodes, key=lambda e: abs(e.start - start))
    support_ep = episode_with(episodes, corpus, support)
    assert abs(raid_ep.start - start) <= 30 * 60
    assert raid_ep.kind == "harassment"
    assert len({corpus.index[i] for i in raid}.intersection(raid_ep.rows.tolist())) >= 300
    assert support_ep is not raid_ep
    assert support_ep.kind in ("support", "mixed")  # mixed while the raid's tail overlaps it
    support_rows = {corpus.index[i] for i in support}
    for ep in episodes:  # no episode made mostly of the support wave is called harassment
        if len(support_rows.intersection(ep.rows.tolist())) > ep.messages / 2:
            assert ep.kind != "harassment"


def test_support_wave_with_trolls_alone_is_support() -> None:
    case = Case(6)
    case.baseline(5, 150)
    add_support(case, at(3, 18.0), 700, trolls=0.25)
    episodes = find_episodes(case.corpus())
    assert [e.kind for e in episodes] == ["support"]


@pytest.mark.parametrize(
    ("seed", "per_day", "days"),
    [
        (7, 4, 14),  # a quiet target
        (8, 200, 2),  # two days of history only
        (9, 300, 7),
        (10, 1500, 21),  # three weeks with week-ends
    ],
)
def test_cyclic_baseline_alone_gives_no_episode(seed: int, per_day: float, days: int) -> None:
    """Daily peaks are several times the night rate; they must never fire."""
    case = Case(seed)
    case.baseline(days, per_day, scored=False)
    assert find_episodes(case.corpus()) == []


def test_neutral_spike_is_labelled_neutral() -> None:
    case = Case(11)
    case.baseline(5, 200)
    regulars = case.authors(200, T0 - timedelta(days=500), "curieux")
    spike = case.add(
        burst_times(case.rng, at(3, 11.0), 900), "@cible vu à la télé ce soir", regulars, 0.05, 0.05
    )
    corpus = case.corpus()
    episodes = find_episodes(corpus)
    assert [e.kind for e in episodes] == ["neutral"]
    assert "Neutral spike" in episodes[0].explanation
    assert abs(episode_with(episodes, corpus, spike).start - at(3, 11.0)) <= 30 * 60


def test_unscored_spike_is_neutral_and_says_it_was_not_scored() -> None:
    case = Case(12)
    case.baseline(4, 200, scored=False)
    fresh = case.authors(50, T0, "anon")
    case.add(burst_times(case.rng, at(2, 16.0), 800), "@cible", fresh, None)
    episodes = find_episodes(case.corpus())
    assert [e.kind for e in episodes] == ["neutral"]
    assert "not scored" in episodes[0].explanation


def test_lulls_inside_one_wave_are_merged() -> None:
    """A raid that pauses for 40 minutes is one episode, not two."""
    case = Case(13)
    case.baseline(5, 200)
    fresh = case.authors(100, T0 + timedelta(days=2), "anon")
    start = at(3, 14.0)
    first = start + np.sort(case.rng.uniform(0, 5400, 500))
    second = start + 5400 + 2400 + np.sort(case.rng.uniform(0, 5400, 500))
    case.add(np.concatenate([first, second]), "@cible menteuse", fresh, 0.9)
    episodes = find_episodes(case.corpus())
    assert len(episodes) == 1
    assert episodes[0].messages >= 1000
    assert abs(episodes[0].start - start) <= 30 * 60


def test_replies_under_a_designating_post_count_when_the_mask_says_so() -> None:
    """Replies without a mention are not aimed by default; the lead's extended mask adds them."""
    case = Case(14)
    case.baseline(5, 200)
    fresh = case.authors(100, T0, "anon")
    case.add(np.array([at(3, 12.0) - 600]), "regardez-moi ça", fresh, 0.1, aimed=False)
    replies = case.add(
        burst_times(case.rng, at(3, 12.0), 800),
        "quelle honte",
        fresh,
        0.9,
        aimed=False,
        reply_to="m_designating",
    )
    corpus = case.corpus()
    assert find_episodes(corpus) == []
    extended = corpus.aimed.copy()
    extended[[corpus.index[i] for i in replies]] = True
    episodes = find_episodes(corpus, aimed=extended)
    assert [e.kind for e in episodes] == ["harassment"]


def test_each_target_has_its_own_baseline_and_a_shared_burst_is_reported_once() -> None:
    """A raid on a quiet target is not drowned by a busy second target's chatter."""
    case = Case(21)
    case.baseline(5, 60)  # @cible: 60 a day
    others = case.authors(400, T0 - timedelta(days=700), "fan")
    for t in cyclic_times(case.rng, 5, 2500):  # @vedette: 2,500 a day
        case.messages.append(
            Message(
                "x",
                f"v{len(case.messages)}",
                text="@vedette bravo",
                created_at=datetime.fromtimestamp(float(t), UTC),
                author_id=others[len(case.messages) % 400],
                mentions=(Mention("vedette", "2"),),
            )
        )
    start = at(3, 16.0)
    fresh = case.authors(60, T0 + timedelta(days=2), "anon")
    raid = case.add(burst_times(case.rng, start, 500), "@cible dégage", fresh, 0.9)
    both = case.add(burst_times(case.rng, at(4, 10.0), 3000), "@cible @vedette honte", fresh, 0.9)
    for mid in both:  # these mention both targets
        i = int(mid[1:])
        m = case.messages[i]
        case.messages[i] = Message(
            "x",
            m.id,
            text=m.text,
            created_at=m.created_at,
            author_id=m.author_id,
            mentions=(Mention("cible", "1"), Mention("vedette", "2")),
        )
    accounts = [
        *case.accounts,
        Account("x", "1", handle="cible"),
        Account("x", "2", handle="vedette"),
    ]
    corpus = Corpus.build(case.messages, accounts, [], None, ["cible", "vedette"])
    episodes = find_episodes(corpus)
    assert abs(episode_with(episodes, corpus, raid).start - start) <= 30 * 60
    assert episode_with(episodes, corpus, raid).details["target"] == "cible"
    shared = [e for e in episodes if abs(e.start - at(4, 10.0)) <= 30 * 60]
    assert len(shared) == 1
    assert len(episodes) == 2


def test_episode_records_rows_counts_and_json() -> None:
    case = Case(15)
    case.baseline(5, 200)
    raid = add_raid(case, at(3, 9.0), 1200)
    corpus = case.corpus()
    ep = episode_with(find_episodes(corpus), corpus, raid)
    rows = ep.rows
    assert ep.messages == len(rows) and len(set(rows.tolist())) == len(rows)
    assert corpus.aimed[rows].all()
    assert (corpus.t[rows] >= ep.start).all() and (corpus.t[rows] <= ep.end).all()
    authors = {int(a) for a in corpus.author[rows]}
    assert ep.authors == len(authors)
    assert 0.6 <= ep.hostile_share <= 0.9
    assert ep.baseline_per_hour > 0 and ep.details["ratio"] == ep.ratio
    data = json.loads(json.dumps(ep.to_json()))
    assert set(data) == {
        "start",
        "end",
        "peak",
        "messages",
        "authors",
        "hostile_share",
        "kind",
        "explanation",
    }
    assert data["start"].endswith("Z") and data["kind"] == "harassment"
    json.dumps(ep.details)  # details are plain JSON too


def test_empty_and_tiny_corpora_give_nothing() -> None:
    assert find_episodes(Case(16).corpus()) == []
    case = Case(17)
    case.add(np.array([at(0, 1.0), at(0, 2.0)]), "@cible", case.authors(1, T0), 0.9)
    assert find_episodes(case.corpus()) == []


# ------------------------------------------------------------------------------ explanation


def test_explanation_gives_ratio_fresh_accounts_hashtag_and_link() -> None:
    case = Case(18)
    case.baseline(6, 150)
    start = at(4, 13.0)
    regulars = case.authors(5, T0 - timedelta(days=800), "relais")
    case.add(np.array([start - 40 * 60]), "on y va", regulars, 0.1, aimed=False, urls=(FORUM,))
    raid = add_raid(case, start, 1000)
    corpus = case.corpus()
    ep = episode_with(find_episodes(corpus), corpus, raid)
    text = ep.explanation
    assert text.startswith("Harassment raid aimed at @cible: ")
    assert re.search(r"\b\d+ times the usual rate \([\d.]+ per hour", text)
    share = re.search(
        r"(\d+)% of authors \((\d+) of (\d+) with a known creation date\) were "
        r"created less than 14 days before the start",
        text,
    )
    assert share and int(share.group(1)) >= 60
    assert re.search(r"\d+% use #dehorscible \(against [\d.]+% of the other messages", text)
    link = re.search(
        r"(\d+) messages link "
        + re.escape(FORUM)
        + r", first posted (\d+) minutes before the start",
        text,
    )
    assert link and int(link.group(2)) in range(35, 46)
    assert ep.details["links"][0]["url"] == FORUM
    assert ep.details["fresh_authors"] == int(share.group(2))


def test_hostile_payloads_in_hashtags_and_links_are_shown_as_data() -> None:
    case = Case(19)
    case.baseline(5, 150)
    nasty_tag = "x\u202egnp.exe\u0000\x1b[31m"
    nasty_url = "https://forum.example.invalid/<script>alert(1)</script>?" + "a" * 5000
    fresh = case.authors(100, T0 + timedelta(days=3), "anon")
    case.add(
        burst_times(case.rng, at(3, 15.0), 900),
        "<img src=x onerror=alert(1)> \u202e\x00" + "z" * 10_000,
        fresh,
        0.9,
        hashtags=(nasty_tag,),
        urls=(nasty_url,),
    )
    ep = find_episodes(case.corpus())[0]
    text = ep.explanation
    assert "\u202e" not in text and "\x00" not in text and "\x1b" not in text
    assert "\\u202e" in text and "\\u0000" in text
    assert "<script>alert(1)</script>" in text  # quoted as text, never interpreted
    assert len(text) < 2000
    assert quoted("a\u2067b\u200fc") == "a\\u2067b\\u200fc"
    json.dumps(ep.to_json())


# ------------------------------------------------------------------------------ pieces


def test_baseline_follows_the_daily_cycle_and_ignores_a_burst() -> None:
    rng = np.random.default_rng(20)
    t = cyclic_times(rng, 7, 480)
    raid = burst_times(rng, at(4, 3.0), 3000)
    day0 = int(T0.timestamp() // 86400)
    cells = hourly_cells(np.concatenate([t, raid]), day0, 7)
    valid = np.ones_like(cells, dtype=bool)
    base = fit_baseline(cells, valid, day0, trim=True)
    assert isinstance(base, Baseline)
    evening, night = base.hourly[19], base.hourly[7]
    assert evening > 4 * night  # the cycle is learnt
    assert base.hourly[3:6].max() < 3 * 20  # the night raid did not raise the night profile


@pytest.mark.parametrize(
    ("hostile", "support", "kind"),
    [
        (0.7, 0.05, "harassment"),
        (0.4, 0.15, "harassment"),
        (0.15, 0.6, "support"),
        (0.3, 0.5, "mixed"),
        (0.4, 0.4, "mixed"),
        (0.26, 0.0, "mixed"),
        (0.12, 0.11, "mixed"),
        (0.05, 0.05, "neutral"),
        (0.15, 0.05, "neutral"),
        (0.0, 0.0, "neutral"),
    ],
)
def test_kind_rules(hostile: float, support: float, kind: str) -> None:
    assert episode_kind(hostile, support, 100) == kind


def test_a_support_wave_is_never_harassment_whatever_its_troll_share() -> None:
    """Support at least as large as hostility can never be read as a harassment raid."""
    for h in np.linspace(0, 1, 41):
        for s in np.linspace(0, 1, 41):
            if s >= h and h + s <= 1:
                assert episode_kind(float(h), float(s), 50) != "harassment"
