"""Designating posts: bursts of hostile replies and quotes under a post, around a raid's start."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np

from rempart.analysis.raid.corpus import Corpus
from rempart.analysis.raid.designating import aimed_with, find_designating
from rempart.analysis.raid.types import Episode
from rempart.models import Account, Mention, Message

T0 = datetime(2026, 3, 2, tzinfo=UTC)
RAID = T0 + timedelta(days=3, hours=10)


class Case:
    """A small case: messages with the hostile/support score each should get."""

    def __init__(self) -> None:
        self.accounts = [Account("x", "t0", "cible", created_at=T0 - timedelta(days=900))]
        self.messages: list[Message] = []
        self.scores: dict[str, tuple[float, float]] = {}

    def account(self, handle: str) -> str:
        aid = f"u{len(self.accounts)}"
        self.accounts.append(Account("x", aid, handle, created_at=T0 - timedelta(days=5)))
        return aid

    def post(
        self,
        mid: str,
        author: str,
        when: datetime,
        text: str,
        hostile: float = 0.05,
        support: float = 0.0,
        reply_to: str | None = None,
        quoted: str | None = None,
        mention: bool = False,
        captured_as: str = "primary",
    ) -> str:
        self.messages.append(
            Message(
                "x",
                mid,
                text,
                created_at=when,
                author_id=author,
                reply_to_id=reply_to,
                quoted_id=quoted,
                mentions=(Mention("cible", "t0"),) if mention else (),
                captured_as=captured_as,
            )
        )
        self.scores[mid] = (hostile, support)
        return mid

    def pile_on(
        self,
        parent: str,
        start: datetime,
        n: int,
        hostile: float = 0.9,
        support: float = 0.0,
        quote: bool = False,
        minutes: float = 120,
        direct: bool = True,
    ) -> None:
        """``n`` accounts reply under (or quote) ``parent``; with ``direct``, each also writes
        to the target with a mention a minute later (what shows whom the pile-on is about)."""
        for i in range(n):
            who = self.account(f"{parent}_r{i}")
            when = start + timedelta(minutes=minutes * i / n)
            self.post(
                f"{parent}-c{i}",
                who,
                when,
                "t'es qu'une menteuse",
                hostile,
                support,
                reply_to=None if quote else parent,
                quoted=parent if quote else None,
            )
            if direct:
                self.post(
                    f"{parent}-m{i}",
                    who,
                    when + timedelta(minutes=1),
                    "@cible menteuse",
                    hostile,
                    support,
                    mention=True,
                )

    def corpus(self) -> Corpus:
        corpus = Corpus.build(self.messages, self.accounts, [], scores=None, targets=["cible"])
        corpus.hostile = np.array([self.scores[i][0] for i in corpus.ids], dtype=np.float32)
        corpus.support = np.array([self.scores[i][1] for i in corpus.ids], dtype=np.float32)
        return corpus


def episode(kind: str = "harassment") -> Episode:
    start = RAID.timestamp()
    return Episode(
        start=start,
        end=start + 8 * 3600,
        peak=start + 3600,
        messages=500,
        authors=300,
        hostile_share=0.8,
        support_share=0.0,
        kind=kind,
        explanation="",
    )


def test_post_that_never_names_the_target_is_found_with_evidence():
    case = Case()
    leader = case.account("meneur")
    case.post(
        "d1",
        leader,
        RAID - timedelta(minutes=3),
        "Regardez ce qu'elle a écrit. Vous savez quoi faire.",
    )
    case.pile_on("d1", RAID, 60)
    found = find_designating(case.corpus(), [episode()])
    assert [d.message_id for d in found] == ["d1"]
    d = found[0]
    assert d.score > 0.8
    text = " ".join(d.evidence)
    assert "60 replies and quotes from 60 accounts" in text
    assert "100% of the scored ones hostile" in text
    assert "it does not mention the target" in text
    assert "@meneur" in text and "3 minutes after it" in text
    assert "before the start of the harassment episode" in text


def test_quote_that_mentions_the_target_counts_its_quotes():
    case = Case()
    case.post("own", "t0", RAID - timedelta(hours=2), "Mon avis sur la réforme.")
    quoter = case.account("relais")
    case.post(
        "q1",
        quoter,
        RAID - timedelta(minutes=10),
        "@cible ose écrire ça ?",
        0.3,
        quoted="own",
        mention=True,
    )
    case.pile_on("q1", RAID, 40, quote=True)
    found = find_designating(case.corpus(), [episode()])
    assert [d.message_id for d in found] == ["q1"]
    assert "it mentions the target" in found[0].evidence


def test_referenced_or_missing_post_is_still_found():
    case = Case()
    leader = case.account("meneur")
    case.post(
        "ref", leader, RAID - timedelta(minutes=1), "Elle recommence.", captured_as="referenced"
    )
    case.pile_on("ref", RAID, 30)
    case.pile_on("ghost", RAID + timedelta(minutes=30), 30)
    found = {d.message_id: d for d in find_designating(case.corpus(), [episode()])}
    assert set(found) == {"ref", "ghost"}
    assert any("only as a referenced post" in e for e in found["ref"].evidence)
    assert any("is not in the capture" in e for e in found["ghost"].evidence)


def test_baseline_replies_target_posts_and_support_are_not_flagged():
    case = Case()
    for day in range(3):  # the target's ordinary posts, answered as usual
        mid = case.post(f"own{day}", "t0", T0 + timedelta(days=day), "Ma chronique du jour")
        case.pile_on(mid, T0 + timedelta(days=day, minutes=5), 25, hostile=0.3)
    swarmed = case.post("own-raid", "t0", RAID - timedelta(minutes=5), "Bonne journée")
    case.pile_on(swarmed, RAID, 80)
    friend = case.account("amie")
    case.post("s1", friend, RAID + timedelta(hours=1), "Soutien total à elle, signalez.", 0.02, 0.9)
    case.pile_on("s1", RAID + timedelta(hours=1), 50, hostile=0.02, support=0.9)
    small = case.account("petit")
    case.post("p1", small, RAID, "Un avis tranché")
    case.pile_on("p1", RAID, 5)
    slow = case.account("lent")
    case.post("slow", slow, T0, "Un vieux débat")
    case.pile_on("slow", T0, 30, minutes=60 * 24 * 3)  # 30 hostile replies over three days
    corpus = case.corpus()
    assert find_designating(corpus, [episode()]) == []
    assert find_designating(corpus, None) == []


def test_a_burst_far_from_any_raid_weighs_less():
    case = Case()
    leader = case.account("meneur")
    case.post("d1", leader, RAID - timedelta(minutes=3), "Regardez ça.")
    case.pile_on("d1", RAID, 20)
    corpus = case.corpus()
    near = find_designating(corpus, [episode()], min_score=0.0)[0].score
    late = episode()
    late.start += 5 * 86400
    late.end += 5 * 86400
    far = find_designating(corpus, [late], min_score=0.0)[0].score
    assert far < near
    assert find_designating(corpus, [episode("support")], min_score=0.0)[0].score < near


def test_replies_under_designating_posts_become_aimed():
    case = Case()
    leader = case.account("meneur")
    case.post("d1", leader, RAID - timedelta(minutes=3), "Regardez ça.")
    case.pile_on("d1", RAID, 20)
    corpus = case.corpus()
    replies = np.array([(corpus.reply_to[r] == "d1") for r in range(len(corpus))])
    assert not corpus.aimed[replies].any()
    aimed = aimed_with(corpus, find_designating(corpus, [episode()]))
    assert aimed[replies].all() and (aimed[~replies] == corpus.aimed[~replies]).all()


def test_hostile_payload_in_the_post_is_quoted_as_data():
    case = Case()
    leader = case.account("meneur")
    payload = "<script>alert('x')</script>\u202e\x1b[2J" + "A" * 10_000
    case.post("d1", leader, RAID - timedelta(minutes=3), payload)
    case.pile_on("d1", RAID, 30)
    d = find_designating(case.corpus(), [episode()])[0]
    quoted = next(e for e in d.evidence if e.startswith("posted by"))
    assert "\u202e" not in quoted and "\x1b" not in quoted and "\\u202e" in quoted
    assert len(quoted) < 300
