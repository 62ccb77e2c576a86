"""Campaign membership and the coordination graph, on a synthetic raid with decoys.

The raid: fresh accounts posting mutated copies of a few insults with #OnSaitTout and a forum
link, replies under a designating post that never names the target, a few one-shot raiders;
the decoys: baseline regulars, organic critics who were already hostile before, supporters
(some of them fresh accounts too) and curious bystanders.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from rempart.analysis.raid.campaign import find_campaign
from rempart.analysis.raid.corpus import Corpus
from rempart.analysis.raid.minhash import near_duplicate_clusters, normalise
from rempart.analysis.raid.types import DesignatingPost, Episode
from rempart.models import Account, Mention, Message

T0 = datetime(2026, 3, 2, tzinfo=UTC)
RAID = T0 + timedelta(days=5, hours=10)
FORUM = "https://forum.example.invalid/topic/42-on-y-va?utm_source=x"
INSULTS = [
    "T'es qu'une menteuse, tout le monde le sait maintenant, dégage",
    "Personne ne veut de toi ici, ferme-la une bonne fois pour toutes",
    "Sale manipulatrice, on va tout révéler sur toi, tu vas voir",
]
NEUTRAL = [
    "Merci pour l'article d'hier sur {}, très clair.",
    "tu as une source pour le chiffre cité sur {} ?",
    "d'accord avec toi sur {}, mais nuance sur la fin.",
]
TOPICS = ["le climat", "les retraites", "la presse locale", "l'école", "le sport"]


def mutate(rng: random.Random, text: str) -> str:
    """A copy as raiders post it: a typo or two, case, an emoji, a digit."""
    chars = list(text)
    for _ in range(rng.randint(0, 2)):
        i = rng.randrange(len(chars))
        chars[i] = rng.choice("aeiouxz")
    out = "".join(chars)
    if rng.random() < 0.3:
        out = out.upper()
    return out + rng.choice(["", " 😡", " !!", " 🤡🤡", f" {rng.randint(1, 99)}"])


class Builder:
    """Accounts and messages of a synthetic case, with the hostile/support scores to set."""

    def __init__(self, seed: int = 3) -> None:
        self.rng = random.Random(seed)
        self.accounts: list[Account] = [
            Account("x", "t0", "cible", created_at=T0 - timedelta(days=2000), followers=5000)
        ]
        self.messages: list[Message] = []
        self.scores: dict[str, tuple[float, float]] = {}
        self.n = 0

    def account(self, handle: str, age_days: float, followers: int) -> str:
        aid = f"a{len(self.accounts)}"
        self.accounts.append(
            Account(
                "x", aid, handle, created_at=RAID - timedelta(days=age_days), followers=followers
            )
        )
        return aid

    def post(
        self,
        author: str,
        when: datetime,
        text: str,
        hostile: float,
        support: float = 0.0,
        mention: bool = True,
        reply_to: str | None = None,
        tags: tuple[str, ...] = (),
        urls: tuple[str, ...] = (),
    ) -> str:
        self.n += 1
        mid = str(10_000 + self.n)
        body = ("@cible " if mention else "") + text
        self.messages.append(
            Message(
                "x",
                mid,
                body,
                created_at=when,
                author_id=author,
                mentions=(Mention("cible", "t0"),) if mention else (),
                reply_to_id=reply_to,
                hashtags=tags,
                urls=urls,
            )
        )
        self.scores[mid] = (hostile, support)
        return mid

    def corpus(self) -> Corpus:
        corpus = Corpus.build(self.messages, self.accounts, [], scores=None, targets=["cible"])
        corpus.hostile = np.array([self.scores[i][0] for i in corpus.ids], dtype=np.float32)
        corpus.support = np.array([self.scores[i][1] for i in corpus.ids], dtype=np.float32)
        return corpus


def raid_case(
    seed: int = 3, relay: bool = False
) -> tuple[Corpus, set[str], dict[str, set[str]], str]:
    """The case, the raiders' ids, the decoys' ids by kind, and the designating post's id.

    With ``relay``, an account (decoy kind "relay") shares the raid link among the first,
    before the raid, and then writes only to someone else: none of its messages is aimed at
    the target."""
    b = Builder(seed)
    rng = b.rng
    decoys: dict[str, set[str]] = {
        "regular": set(),
        "critic": set(),
        "supporter": set(),
        "bystander": set(),
        "viewer": set(),
        "relay": set(),
    }
    raiders: set[str] = set()
    regulars = [
        b.account(f"habitue{i}", rng.uniform(200, 3000), rng.randint(50, 900)) for i in range(40)
    ]
    critics = [
        b.account(f"critique{i}", rng.uniform(200, 3000), rng.randint(20, 400)) for i in range(8)
    ]
    for day in range(7):
        for _ in range(60):
            when = T0 + timedelta(days=day, seconds=rng.uniform(0, 86400))
            if abs((when - RAID).total_seconds()) < 14 * 3600:
                continue
            who = rng.choice(regulars)
            b.post(who, when, rng.choice(NEUTRAL).format(rng.choice(TOPICS)), 0.05)
            decoys["regular"].add(who)
        for who in critics:
            when = T0 + timedelta(days=day, seconds=rng.uniform(0, 86400))
            b.post(
                who,
                when,
                rng.choice(
                    [
                        "Encore une prise de position ridicule, quelle honte",
                        "Tu racontes n'importe quoi comme d'habitude",
                    ]
                ),
                0.6,
            )
            decoys["critic"].update(critics)
    b.post(
        "t0",
        RAID - timedelta(hours=3),
        "Ma tribune sur la presse locale est en ligne",
        0.0,
        mention=False,
    )
    leader = b.account("meneur", 900, 3000)
    b.post(
        leader,
        RAID - timedelta(minutes=45),
        "Le topic est là, on y va : " + FORUM,
        0.3,
        mention=False,
        urls=(FORUM,),
    )
    raiders.add(leader)  # the organiser and designator is part of the campaign
    if relay:
        relayer = b.account("relais_actu", 5, 2)
        decoys["relay"].add(relayer)
        b.post(
            relayer,
            RAID - timedelta(minutes=40),
            "Vu sur le forum, ça chauffe : " + FORUM,
            0.3,
            mention=False,
            urls=(FORUM,),
        )
        b.post(
            relayer,
            RAID + timedelta(minutes=20),
            "@autre_compte tu as vu ce topic ?",
            0.4,
            mention=False,
        )
    designating = b.post(
        leader,
        RAID - timedelta(minutes=5),
        "Regardez ce qu'elle a encore écrit, elle mérite une bonne leçon",
        0.5,
        mention=False,
    )
    for i in range(120):
        who = b.account(f"raid{i}_{rng.randint(100, 999)}", rng.uniform(0.5, 12), rng.randint(0, 4))
        raiders.add(who)
        template = INSULTS[i % 3]
        for _ in range(rng.randint(1, 4)):
            when = RAID + timedelta(seconds=rng.expovariate(1 / 5000))
            under = rng.random() < 0.4
            b.post(
                who,
                when,
                mutate(rng, template),
                0.9,
                mention=not under,
                reply_to=designating if under else None,
                tags=("OnSaitTout",) if rng.random() < 0.6 else (),
                urls=(FORUM,) if rng.random() < 0.15 else (),
            )
    for i in range(12):  # one-shot raiders: a single copy under the designating post
        who = b.account(f"oneshot{i}", rng.uniform(0.2, 5), 0)
        raiders.add(who)
        b.post(
            who,
            RAID + timedelta(minutes=rng.uniform(1, 120)),
            mutate(rng, INSULTS[i % 3]),
            0.85,
            mention=False,
            reply_to=designating,
        )
    for i in range(10):  # older accounts ("sleepers") joining with the same copies
        who = b.account(f"vieux{i}", rng.uniform(400, 2000), rng.randint(30, 300))
        raiders.add(who)
        b.post(who, RAID + timedelta(minutes=rng.uniform(5, 300)), mutate(rng, INSULTS[i % 3]), 0.8)
    for i in range(12):  # viewers of a TV show, whose copied question the classifier misreads
        who = b.account(f"tele{i}", rng.uniform(300, 3000), rng.randint(30, 900))
        decoys["viewer"].add(who)
        b.post(
            who,
            RAID + timedelta(minutes=rng.uniform(5, 300)),
            mutate(rng, "Where can I watch Face à Face Hebdo again?"),
            0.8,
        )
    for who in critics:  # the critics go on during the raid, a bit more than usual
        for _ in range(2):
            b.post(
                who,
                RAID + timedelta(minutes=rng.uniform(0, 400)),
                "Tu racontes n'importe quoi comme d'habitude",
                0.6,
            )
    for i in range(25):  # supporters, a third of them fresh accounts
        who = b.account(f"soutien{i}", rng.uniform(1, 10) if i % 3 == 0 else 800, 40)
        decoys["supporter"].add(who)
        for _ in range(rng.randint(1, 2)):
            b.post(
                who,
                RAID + timedelta(minutes=rng.uniform(10, 500)),
                "Tout mon soutien face à ce harcèlement, on est avec toi",
                0.03,
                support=0.95,
                reply_to=designating if rng.random() < 0.3 else None,
                tags=("JeSoutiensCible",),
            )
    for i in range(8):  # fresh supporters, whose call to report the classifier reads as abuse
        who = b.account(f"signale{i}", rng.uniform(1, 10), rng.randint(0, 15))
        decoys["supporter"].add(who)
        b.post(
            who,
            RAID + timedelta(minutes=rng.uniform(10, 500)),
            mutate(rng, "Ce qui arrive est inadmissible. Signalez les comptes."),
            0.95,
            tags=("JeSoutiensCible",),
        )
    for i in range(10):  # bystanders asking what is going on
        who = b.account(f"curieux{i}", rng.uniform(1, 3000), rng.randint(0, 500))
        decoys["bystander"].add(who)
        b.post(
            who,
            RAID + timedelta(minutes=rng.uniform(10, 500)),
            f"Il se passe quoi avec {rng.choice(TOPICS)} aujourd'hui ?",
            0.05,
        )
    for who in regulars[:15]:
        b.post(
            who,
            RAID + timedelta(minutes=rng.uniform(0, 500)),
            rng.choice(NEUTRAL).format(rng.choice(TOPICS)),
            0.05,
        )
    return b.corpus(), raiders, decoys, designating


def raid_episode(corpus: Corpus) -> Episode:
    start = RAID.timestamp()
    end = start + 9 * 3600
    rows = np.flatnonzero(corpus.aimed & (corpus.t >= start) & (corpus.t <= end))
    return Episode(
        start=start,
        end=end,
        peak=start + 3600,
        messages=len(rows),
        authors=0,
        hostile_share=0.8,
        support_share=0.05,
        kind="harassment",
        explanation="",
        rows=rows,
    )


@pytest.fixture(scope="module")
def raid() -> tuple[Corpus, set[str], dict[str, set[str]], str]:
    return raid_case()


def test_campaign_precision_and_recall_on_a_raid_with_decoys(raid):
    corpus, raiders, decoys, designating = raid
    members, _, _ = find_campaign(
        corpus, [raid_episode(corpus)], [DesignatingPost(designating, 0.9, targets=["cible"])]
    )
    found = {m.account_id for m in members}
    true_positive = len(found & raiders)
    assert true_positive / len(found) >= 0.9
    assert true_positive / len(raiders) >= 0.9
    for kind, ids in decoys.items():
        assert len(found & ids) <= 1, kind
    assert {m.episode for m in members} == {0}
    assert all(0.0 <= m.score <= 1.0 for m in members)


def test_one_shot_raiders_are_caught_with_readable_evidence(raid):
    corpus, raiders, _, designating = raid
    members, _, _ = find_campaign(
        corpus, [raid_episode(corpus)], [DesignatingPost(designating, 0.9, targets=["cible"])]
    )
    by_id = {m.account_id: m for m in members}
    oneshots = [a.id for a in corpus.accounts if (a.handle or "").startswith("oneshot")]
    assert all(a in by_id for a in oneshots)
    evidence = " | ".join(by_id[oneshots[0]].evidence)
    assert "posted 1 near-copy of" in evidence and "accounts during the raid" in evidence
    assert "its one scored message during the raid was hostile" in evidence
    assert "designating post " + designating in evidence
    assert "before the raid began" in evidence or "after the raid began" in evidence
    assert "0 followers" in evidence


def test_organiser_and_designator_is_a_member(raid):
    corpus, _, _, designating = raid
    members, _, _ = find_campaign(
        corpus, [raid_episode(corpus)], [DesignatingPost(designating, 0.9, targets=["cible"])]
    )
    leader = next(a.id for a in corpus.accounts if a.handle == "meneur")
    evidence = " | ".join(next(m.evidence for m in members if m.account_id == leader))
    assert f"wrote the designating post {designating}" in evidence
    assert "among the first to share https://forum.example.invalid/topic/42-on-y-va" in evidence
    assert "45 minutes before the raid began" in evidence


def test_raid_hashtag_and_link_appear_in_evidence(raid):
    corpus, _, _, designating = raid
    members, _, _ = find_campaign(
        corpus, [raid_episode(corpus)], [DesignatingPost(designating, 0.9, targets=["cible"])]
    )
    text = " ".join(" ".join(m.evidence) for m in members)
    assert "#onsaittout" in text
    assert "forum.example.invalid/topic/42-on-y-va" in text and "utm_source" not in text
    assert "#jesoutienscible" not in text


def test_no_member_without_a_harassment_episode(raid):
    corpus, _, _, designating = raid
    support = raid_episode(corpus)
    support.kind = "support"
    assert find_campaign(
        corpus, [support], [DesignatingPost(designating, 0.9, targets=["cible"])]
    ) == ([], [], [])


def test_edges_carry_evidence_and_stay_linear(raid):
    corpus, raiders, _, designating = raid
    members, edges, _ = find_campaign(
        corpus, [raid_episode(corpus)], [DesignatingPost(designating, 0.9, targets=["cible"])]
    )
    assert edges
    assert len(edges) <= 4 * len(members)
    leader = next(a.id for a in corpus.accounts if a.handle == "meneur")
    assert any(leader in (e.a, e.b) and "designating post" in " ".join(e.evidence) for e in edges)
    assert any("near-copies of" in " ".join(e.evidence) for e in edges)
    for e in edges:
        assert e.a != e.b and e.evidence and 0 < e.weight <= 1
        assert e.to_json()["a"] == e.a
    _, capped, _ = find_campaign(
        corpus,
        [raid_episode(corpus)],
        [DesignatingPost(designating, 0.9, targets=["cible"])],
        max_edges=10,
    )
    assert len(capped) == 10


def test_mutated_copies_cluster_and_distinct_texts_do_not():
    rng = random.Random(5)
    base = "T'es qu'une menteuse, tout le monde le sait maintenant, dégage"
    copies = [mutate(rng, base) for _ in range(30)]
    copies += [
        "@autre " + base.lower() + " 🤡",
        "@cible @x " + base.replace("é", "e"),
        "ＴＥＳ ＱＵ'ＵＮＥ menteuse, tout le monde le sait maintenant, dégage",
    ]
    others = [
        "Merci pour l'article d'hier sur le climat, très clair.",
        "Personne ne veut de toi ici, ferme-la une bonne fois pour toutes",
        "Quelqu'un a vu l'émission de ce soir ?",
        "Le match de ce soir était incroyable",
        "Je ne suis pas d'accord avec la conclusion de ce rapport",
    ]
    labels = near_duplicate_clusters(copies + others + ["ok", "lol 😂"])
    assert len(set(labels[: len(copies)].tolist())) == 1
    tail = labels[len(copies) : len(copies) + len(others)].tolist()
    assert labels[0] not in tail and len(set(tail)) == len(others)
    assert labels[-2:].tolist() == [-1, -1]


def test_normalise_masks_mentions_links_digits_and_keeps_payloads_as_data():
    assert normalise("@Cible RT https://x.example/a?b=1 Numéro 42!!") == "rt numero 00"
    hostile = "<script>alert(1)</script>\u202e javascript:alert(1) \x1b[31m" + "é" * 5000
    out = normalise(hostile)
    assert "<" not in out and "\u202e" not in out and "\x1b" not in out
    assert out.endswith("e" * 5000)


def test_hostile_payloads_in_raid_texts_are_quoted_safely():
    b = Builder(1)
    b.accounts.append(Account("x", "old", "vieux", created_at=T0 - timedelta(days=900)))
    payload = "<img src=x onerror=alert(1)>\u202eesuetnem\u202c javascript:alert(1) " + "x" * 3000
    for i in range(6):
        who = b.account(f"p{i}", 2, 0)
        b.post(
            who, RAID + timedelta(minutes=i), payload + f" {i}", 0.9, urls=("javascript:alert(1)",)
        )
    corpus = b.corpus()
    members, edges, _ = find_campaign(corpus, [raid_episode(corpus)])
    assert len(members) == 6
    text = " ".join(
        [s for m in members for s in m.evidence] + [s for e in edges for s in e.evidence]
    )
    assert "\u202e" not in text and "\\u202e" in text
    assert "shared the link" not in text  # a javascript: URL is not a link to share
    assert max(len(s) for m in members for s in m.evidence) < 400


def test_each_raid_episode_is_judged_on_its_own():
    corpus, raiders, _, designating = raid_case()
    raid = raid_episode(corpus)
    earlier = Episode(
        start=raid.start - 3 * 86400,
        end=raid.start - 3 * 86400 + 3600,
        peak=raid.start - 3 * 86400,
        messages=10,
        authors=10,
        hostile_share=0.0,
        support_share=0.0,
        kind="neutral",
        explanation="",
    )
    support = Episode(
        start=raid.end + 3600,
        end=raid.end + 7200,
        peak=raid.end + 3600,
        messages=10,
        authors=10,
        hostile_share=0.0,
        support_share=0.9,
        kind="support",
        explanation="",
    )
    members, _, _ = find_campaign(
        corpus, [earlier, raid, support], [DesignatingPost(designating, 0.9, targets=["cible"])]
    )
    assert {m.episode for m in members} == {1}
    assert len({m.account_id for m in members} & raiders) >= 0.9 * len(raiders)


def test_without_classifier_scores_copies_from_fresh_accounts_still_count():
    corpus, raiders, decoys, designating = raid_case()
    corpus.hostile[:] = np.nan
    corpus.support[:] = np.nan
    members, _, _ = find_campaign(
        corpus, [raid_episode(corpus)], [DesignatingPost(designating, 0.9, targets=["cible"])]
    )
    found = {m.account_id for m in members}
    assert len(found & raiders) >= 0.9 * len(raiders)
    assert not found & (decoys["regular"] | decoys["critic"])


def test_repeated_synchronised_copies_make_an_edge():
    b = Builder(2)
    ids = [b.account(f"sync{i}", 3, 0) for i in range(4)]
    for burst in range(3):
        for k, who in enumerate(ids):
            b.post(
                who,
                RAID + timedelta(minutes=40 * burst, seconds=10 * k),
                mutate(b.rng, INSULTS[0]),
                0.9,
            )
    corpus = b.corpus()
    members, edges, _ = find_campaign(corpus, [raid_episode(corpus)])
    assert {m.account_id for m in members} == set(ids)
    synced = [e for e in edges if any("within 60 seconds of each other" in x for x in e.evidence)]
    assert synced and all({e.a, e.b} <= set(ids) for e in synced)
    assert any("3 times" in x for e in synced for x in e.evidence)


def test_an_early_link_sharer_with_no_message_aimed_at_the_target_is_not_a_member():
    """Sharing the raid link among the first is not taking part against her: an account with
    0 messages aimed at the target is listed apart, and its evidence says so (hostile 6)."""
    corpus, raiders, decoys, designating = raid_case(relay=True)
    members, edges, sharers = find_campaign(
        corpus, [raid_episode(corpus)], [DesignatingPost(designating, 0.9, targets=["cible"])]
    )
    (relayer,) = decoys["relay"]
    assert relayer not in {m.account_id for m in members}
    assert all(relayer not in (e.a, e.b) for e in edges)
    (sharer,) = [x for x in sharers if x.account_id == relayer]
    assert sharer.episode == 0 and "forum.example.invalid/topic/42-on-y-va" in sharer.url
    text = " | ".join(sharer.evidence)
    assert "was among the first to share" in text and "40 minutes before the raid began" in text
    assert "0 of its messages were aimed at @cible" in text
    assert sharer.to_json()["first_shared"] == "2026-03-07T09:20:00Z"
    # the organiser who also wrote to her stays a member; recall is unchanged
    leader = next(a.id for a in corpus.accounts if a.handle == "meneur")
    assert leader in {m.account_id for m in members}
    assert leader not in {x.account_id for x in sharers}
    found = {m.account_id for m in members}
    assert len(found & raiders) >= 0.9 * len(raiders)


def test_every_member_says_how_many_of_its_messages_were_aimed_at_the_target(raid):
    corpus, _, _, designating = raid
    members, _, _ = find_campaign(
        corpus, [raid_episode(corpus)], [DesignatingPost(designating, 0.9, targets=["cible"])]
    )
    for m in members:
        said = [e for e in m.evidence if "of its messages around the episode were aimed at" in e]
        assert len(said) == 1, m.evidence
