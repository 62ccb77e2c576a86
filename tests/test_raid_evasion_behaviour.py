"""Ban evasion when the banned profile is gone (issue 9, item 14).

Captured after the ban, a banned account is only an id on its posts and a "User has been
suspended" error: no handle, display name, bio or creation date. Its successor is still
linked by behaviour (created shortly after its last post, aiming at the same target, the same
writing habits), with that evidence listed; an unrelated newcomer of the same hour is not.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

from rempart import case as api
from rempart.analysis.raid.behaviour import habits, marks
from rempart.analysis.raid.corpus import Corpus
from rempart.analysis.raid.designating import designated, find_designating
from rempart.analysis.raid.episodes import find_episodes
from rempart.analysis.raid.evasion import find_evasion
from rempart.models import Account, Mention, Message, StatusChange
from rempart.simulate import random_scenario, write_twarc2

T0 = datetime(2026, 3, 2, tzinfo=UTC)
TARGET = "cible_demo"
INSULTS = (
    "t'es qu'une menteuse",
    "dégage de twitter",
    "personne ne te croit",
    "ta carrière est finie",
    "on sait tout sur toi",
    "arrête d'écrire",
)
EMOJI = ("😡", "🤡", "🙄", "😂", "🔥")
BANNED = "9001"


class Capture:
    """A raid on @cible_demo captured after one raider was banned."""

    def __init__(self) -> None:
        self.rng = random.Random(11)
        self.accounts: list[Account] = [Account("x", "1", TARGET)]
        self.messages: list[Message] = []
        self.changes: list[StatusChange] = []

    def account(self, handle: str, created: datetime) -> str:
        aid = str(2000 + len(self.accounts))
        self.accounts.append(Account("x", aid, handle, handle.title(), created_at=created))
        return aid

    def post(self, aid: str, when: datetime, text: str) -> None:
        """A message aimed at the target; the author's handle only if its profile is known."""
        handle = next((a.handle for a in self.accounts if a.id == aid), None)
        self.messages.append(
            Message(
                "x",
                f"m{len(self.messages)}",
                f"@{TARGET} {text}",
                created_at=when,
                author_id=aid,
                author_handle=handle,
                mentions=(Mention(TARGET, "1"),),
            )
        )

    def insult(self, habit: str = "") -> str:
        text = f"{self.rng.choice(INSULTS)} {self.rng.choice(INSULTS)}"
        if self.rng.random() < 0.5:
            text += " " + self.rng.choice(EMOJI)
        return f"{text} {habit}".strip()

    def raiders(self, n: int, start: datetime) -> None:
        """Ordinary raiders: copied insults, common emoji, no personal habit."""
        for i in range(n):
            aid = self.account(f"raider{i}", start - timedelta(days=self.rng.uniform(1, 10)))
            for _ in range(self.rng.randint(2, 6)):
                self.post(aid, start + timedelta(hours=self.rng.uniform(0, 30)), self.insult())

    def corpus(self) -> Corpus:
        return Corpus.build(self.messages, self.accounts, self.changes, None, [TARGET])


def banned_then_back(successor_habit: str) -> tuple[Capture, str, str]:
    """A raid; the banned account (id only) and a newcomer created 40 minutes after its last
    post, writing with ``successor_habit``; an unrelated newcomer created at the same time."""
    c = Capture()
    raid = T0 + timedelta(days=2)
    c.raiders(40, raid)
    last = raid + timedelta(hours=5)
    for k in range(6):  # the banned account: no Account record, no handle on its posts
        c.post(BANNED, raid + timedelta(minutes=50 * k), c.insult("🦎 à bon entendeur"))
    c.changes.append(
        StatusChange(
            "x",
            "account",
            BANNED,
            "suspended",
            last + timedelta(hours=1),
            "Forbidden: User has been suspended: [9001].",
        )
    )
    successor = c.account("patriote_libre", last + timedelta(minutes=40))
    stranger = c.account("simple_passant", last + timedelta(minutes=45))
    for k in range(6):
        when = last + timedelta(hours=2, minutes=35 * k)
        c.post(successor, when, c.insult(successor_habit))
        c.post(stranger, when + timedelta(minutes=7), c.insult())
    return c, successor, stranger


def test_successor_of_a_profile_less_banned_account_is_linked_with_its_evidence():
    capture, successor, stranger = banned_then_back("🦎 à bon entendeur")
    corpus = capture.corpus()
    banned = corpus.accounts[corpus.account_index[("x", BANNED)]]
    assert banned.handle is None and banned.display_name is None and banned.created_at is None
    links = find_evasion(corpus)
    assert [(x.source, x.target) for x in links] == [(BANNED, successor)]
    evidence = " | ".join(links[0].evidence)
    assert "suspended (observed" in evidence and "first post" in evidence  # timing
    assert "both aimed messages at @cible_demo" in evidence  # the same target
    assert "same writing habits" in evidence and "🦎" in evidence  # habits, with their counts
    assert "of their messages, a habit of" in evidence
    assert "posting hours alike" in evidence  # the rhythm, with its value
    assert "is not in the capture (only its id and posts)" in evidence
    assert links[0].score >= 0.6


def test_an_unrelated_newcomer_is_not_linked_to_a_profile_less_banned_account():
    capture, successor, stranger = banned_then_back("")  # the successor drops every habit
    links = find_evasion(capture.corpus())
    assert links == []


def test_habits_are_marks_in_most_messages():
    assert marks("dégage 🤡 !! à bon entendeur #Tag https://t.co/x") >= {
        "e:🤡",
        "p:!!",
        "end:entendeur",
    }
    assert "e:☠" in marks("crève ☠️") and "e:☠" in marks("crève ☠")
    assert habits(["nul 🦎", "menteur 🦎", "dégage"]) == {"e:🦎", "end:🦎"}
    assert habits(["nul 🦎"]) == set()  # one message says nothing about a habit


def test_simulated_capture_after_the_bans_still_links_evaders(tmp_path: Path):
    """The simulator's capture made after the bans: banned accounts are ids and errors only,
    yet half the evasion links at least are found, and none names a wrong person."""
    truth = write_twarc2(
        tmp_path / "raid.jsonl", replace(random_scenario(3), banned_profiles=False)
    )
    with api.init_case(tmp_path / "case", truth["targets"]) as case:
        api.ingest(case, [tmp_path / "raid.jsonl"])
        corpus = Corpus.from_store(case.store, case.targets)
    gone = {x["from"] for x in truth["evasion_links"]}
    for line in (tmp_path / "raid.jsonl").read_bytes().splitlines():
        try:
            page = orjson.loads(line)
        except orjson.JSONDecodeError:
            continue  # the simulator's deliberately broken lines
        assert not gone & {u["id"] for u in page.get("includes", {}).get("users", [])}
    for aid in gone:
        info = corpus.accounts[corpus.account_index[("x", aid)]]
        assert info.handle is None and info.stopped_at is not None
    corpus.aim(designated(corpus, find_designating(corpus, find_episodes(corpus))))
    found = {(x.source, x.target) for x in find_evasion(corpus)}
    expected = {(x["from"], x["to"]) for x in truth["evasion_links"]}
    evader = {}  # account -> the first account of its chain: one person
    before = {b: a for a, b in expected}
    for account in {x for pair in expected for x in pair}:
        first = account
        while first in before:
            first = before[first]
        evader[account] = first
    # every link names the right person (A -> C for a chain A -> B -> C is allowed)
    assert all(a in evader and evader[a] == evader.get(b) for a, b in found)
    assert len(found & expected) >= 0.5 * len(expected)
