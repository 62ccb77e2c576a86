"""Origins: links around a raid, ranked as likely places where it was organised."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import numpy as np

from rempart.analysis.raid.corpus import Corpus
from rempart.analysis.raid.origins import find_origins, host_kind, normalise_url
from rempart.analysis.raid.types import CampaignAccount, Episode
from rempart.models import Account, Mention, Message

T0 = datetime(2026, 3, 2, tzinfo=UTC)
RAID = T0 + timedelta(days=4, hours=10)
FORUM = "https://Forum.Example.invalid/topic/42-on-y-va/?utm_source=tw&fbclid=abc#post-3"
NEWS = "https://news.example.org/2026/03/06/harcelement-en-ligne"
OWN = "https://cible-blog.example/chronique"
DISCORD = "https://discord.gg/AbCdEf"


class Case:
    def __init__(self) -> None:
        self.rng = random.Random(2)
        self.accounts = [Account("x", "t0", "cible", created_at=T0 - timedelta(days=900))]
        self.messages: list[Message] = []
        self.hostile: dict[str, float] = {}

    def account(self, handle: str, age_days: float) -> str:
        aid = f"u{len(self.accounts)}"
        self.accounts.append(Account("x", aid, handle, created_at=RAID - timedelta(days=age_days)))
        return aid

    def post(
        self,
        author: str,
        when: datetime,
        text: str,
        urls: tuple[str, ...] = (),
        hostile: float = 0.05,
    ) -> str:
        mid = str(len(self.messages) + 1)
        self.messages.append(
            Message(
                "x",
                mid,
                "@cible " + text,
                created_at=when,
                author_id=author,
                mentions=(Mention("cible", "t0"),),
                urls=urls,
            )
        )
        self.hostile[mid] = hostile
        return mid

    def corpus(self) -> Corpus:
        corpus = Corpus.build(self.messages, self.accounts, [], scores=None, targets=["cible"])
        corpus.hostile = np.array([self.hostile[i] for i in corpus.ids], dtype=np.float32)
        corpus.support = np.zeros(len(corpus), dtype=np.float32)
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


def raid_case() -> Case:
    case = Case()
    rng = case.rng
    regulars = [case.account(f"habitue{i}", 1000) for i in range(20)]
    for day in range(6):
        for _ in range(20):
            when = T0 + timedelta(days=day, seconds=rng.uniform(0, 86400))
            if abs((when - RAID).total_seconds()) > 12 * 3600:
                case.post(
                    rng.choice(regulars),
                    when,
                    "Bel article",
                    urls=(NEWS,) if rng.random() < 0.05 else (),
                )
    case.post("t0", T0 + timedelta(days=1), "Ma chronique", urls=(OWN,))
    leader = case.account("meneur", 20)
    case.post(
        leader, RAID - timedelta(minutes=42), "le topic est ouvert", urls=(FORUM,), hostile=0.5
    )
    for i in range(40):
        who = case.account(f"raid{i}", 3)
        links = (
            (FORUM.replace("post-3", f"post-{i}"),) if i % 2 else (DISCORD,) if i % 5 == 0 else ()
        )
        case.post(
            who,
            RAID + timedelta(minutes=rng.uniform(0, 300)),
            "menteuse, on arrive",
            urls=links,
            hostile=0.9,
        )
    for i in range(15):  # supporters and journalists share a news article during the raid
        who = case.account(f"lecteur{i}", 1500)
        case.post(
            who, RAID + timedelta(minutes=rng.uniform(60, 400)), "Lisez cet article", urls=(NEWS,)
        )
    for who in regulars[:5]:
        case.post(who, RAID + timedelta(hours=2), "Relisez sa chronique", urls=(OWN,))
    return case


def test_normalise_url_drops_tracking_and_keeps_the_resource():
    assert normalise_url(FORUM) == "https://forum.example.invalid/topic/42-on-y-va"
    assert (
        normalise_url("http://www.EXAMPLE.org:80/a/?b=2&utm_medium=x")
        == "https://example.org/a?b=2"
    )
    assert (
        normalise_url("https://x.com/someone/status/1?s=20&t=abc")
        == "https://x.com/someone/status/1"
    )
    assert normalise_url("https://user:secret@example.org/x") == "https://example.org/x"
    for bad in (
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "mailto:a@example.org",
        "not a url",
        "http://[::1",
        "",
    ):
        assert normalise_url(bad) is None


def test_host_kinds():
    assert host_kind("https://forum.example.invalid/topic/1") == "forum"
    assert host_kind("https://boards.example.net/t/raid") == "forum"
    assert host_kind("https://discord.gg/abc") == "chat"
    assert host_kind("https://t.me/joinchat/abc") == "chat"
    assert host_kind("https://t-me.invalid/+abc") == "chat"
    assert host_kind("https://discord.example/invite/x") == "chat"
    assert host_kind("https://pastebin.com/abc") == "paste"
    assert host_kind("https://youtube.com/watch?v=1") == "post"
    assert host_kind(NEWS.replace("/2026/03/06/", "/")) == "news"
    assert host_kind("https://example.org/", own_hosts={"example.org"}) == "target"


def test_forum_link_posted_before_the_raid_ranks_first():
    corpus = raid_case().corpus()
    found = find_origins(corpus, [episode()])
    assert found and found[0].url == "https://forum.example.invalid/topic/42-on-y-va"
    top = found[0]
    assert top.first_seen == (RAID - timedelta(minutes=42)).timestamp()
    assert top.messages == 21
    text = " ".join(top.evidence)
    assert "42 minutes before the raid began" in text and "@meneur" in text
    assert "20 messages by 20 accounts during the raid" in text
    assert "a forum thread" in text
    urls = [o.url for o in found]
    assert "https://discord.gg/AbCdEf" in urls
    news = "https://news.example.org/2026/03/06/harcelement-en-ligne"
    assert news not in urls[:2]
    assert all(o.url != "https://cible-blog.example/chronique" for o in found)
    assert [o.score for o in found] == sorted((o.score for o in found), reverse=True)


def test_campaign_accounts_sharpen_the_sharing_signal():
    corpus = raid_case().corpus()
    raiders = [
        CampaignAccount(a.id, 0, 0.9, [])
        for a in corpus.accounts
        if (a.handle or "").startswith("raid")
    ]
    found = find_origins(corpus, [episode()], raiders)
    assert found[0].url == "https://forum.example.invalid/topic/42-on-y-va"
    assert any("are campaign accounts" in e for e in found[0].evidence)


def test_links_to_captured_posts_are_quotes_not_origins():
    case = Case()
    leader = case.account("meneur", 20)
    quoted = case.post(leader, RAID - timedelta(minutes=30), "regardez")
    status = f"https://twitter.com/meneur/status/{quoted}?s=20"
    for i in range(10):
        who = case.account(f"q{i}", 2)
        case.post(who, RAID + timedelta(minutes=i), "menteuse", urls=(status, FORUM), hostile=0.9)
    found = find_origins(case.corpus(), [episode()])
    assert [o.url for o in found] == ["https://forum.example.invalid/topic/42-on-y-va"]


def test_no_origin_without_a_raid():
    corpus = raid_case().corpus()
    assert find_origins(corpus, [episode("support")]) == []
    assert find_origins(corpus, []) == []


def test_hostile_urls_are_data_never_links():
    case = Case()
    payloads = (
        "javascript:alert(document.cookie)",
        "data:text/html;base64,PHNjcmlwdD4=",
        "https://evil.example.invalid/\u202e<script>alert(1)</script>" + "a" * 5000,
    )
    for i in range(10):
        who = case.account(f"p{i}", 2)
        case.post(
            who,
            RAID + timedelta(minutes=i),
            "<b>regardez</b> " + " ".join(payloads),
            urls=payloads,
            hostile=0.9,
        )
    found = find_origins(case.corpus(), [episode()])
    assert len(found) == 1
    assert found[0].url.startswith("https://evil.example.invalid/%E2%80%AE%3Cscript%3E")
    text = " ".join(found[0].evidence)
    assert "\u202e" not in text and "javascript:" not in found[0].evidence[0]
    assert max(len(e) for e in found[0].evidence) < 400
