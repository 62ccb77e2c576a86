"""Whom a raid is aimed at: never a case target the data does not show (issue 9, item 13).

A case whose target is ``@alice``, fed a raid aimed at someone else, must report no raid,
no designating post and no campaign against alice; the same capture analysed for its real
target still finds everything. Targets match whatever their case or ``@``, or as account ids.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import orjson
import pytest

from rempart import case as api
from rempart.analysis.raid.campaign import find_campaign
from rempart.analysis.raid.corpus import Corpus
from rempart.analysis.raid.designating import find_designating
from rempart.analysis.raid.findings import analyze_corpus
from rempart.analysis.raid.types import Episode
from rempart.case.scoring import load_classifier, score_case
from rempart.models import Account, Mention, Message
from rempart.simulate import random_scenario, write_twarc2

RAID_KINDS = ("harassment", "mixed")


@pytest.fixture(scope="module")
def raid_on_bob(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, dict[str, Any]]:
    """A simulated raid on one target ("bob": whatever handle the simulator drew), ingested
    and scored in a case; its store is analysed below for several target lists."""
    tmp = tmp_path_factory.mktemp("attribution")
    truth = write_twarc2(tmp / "raid.jsonl", replace(random_scenario(3), targets=1))
    case = api.init_case(tmp / "case", truth["targets"])
    api.ingest(case, [tmp / "raid.jsonl"])
    score_case(case, load_classifier(case, use_encoder=False))
    yield case, truth
    case.close()


def _findings(case: Any, targets: list[str]) -> tuple[Corpus, dict[str, Any]]:
    corpus = Corpus.from_store(case.store, targets)
    return corpus, analyze_corpus(corpus).to_json()


def test_a_raid_on_someone_else_is_never_reported_against_the_target(raid_on_bob):
    case, truth = raid_on_bob
    bob = truth["targets"][0]
    assert "alice" not in bob.lower()
    corpus, found = _findings(case, ["@alice"])
    assert not corpus.aimed.any()  # no message mentions, replies to or quotes alice
    assert found["episodes"] == []
    assert found["designating_posts"] == []
    assert found["campaign_accounts"] == [] and found["coordination_edges"] == []
    assert found["origins"] == []
    text = orjson.dumps(found).decode().lower()
    assert "alice" not in text  # no finding claims alice was targeted


def test_the_same_capture_analysed_for_its_real_target_finds_the_raid(raid_on_bob):
    case, truth = raid_on_bob
    bob = truth["targets"][0]
    _, found = _findings(case, [bob])
    raids = [e for e in found["episodes"] if e["kind"] in RAID_KINDS]
    assert raids and f"aimed at @{bob.lower()}" in raids[0]["explanation"]
    members = {c["account_id"] for c in found["campaign_accounts"]}
    truth_members = set(truth["campaign_accounts"])
    assert len(members & truth_members) >= 0.9 * len(truth_members)
    assert len(members & truth_members) >= 0.95 * len(members)
    posts = {d["message_id"]: d for d in found["designating_posts"]}
    assert set(truth["designating_posts"]) <= set(posts)
    for d in posts.values():
        assert d["targets"] == [bob.lower()]
        assert any(e.startswith(f"it designates @{bob.lower()}") for e in d["evidence"])


def test_two_targets_only_the_one_raided_gets_the_raid(raid_on_bob):
    case, truth = raid_on_bob
    bob = truth["targets"][0]
    _, found = _findings(case, ["@alice", bob])
    assert found["episodes"]
    assert all("@alice" not in e["explanation"] for e in found["episodes"])
    assert all(d["targets"] == [bob.lower()] for d in found["designating_posts"])


@pytest.mark.parametrize("form", ["upper", "bare", "id", "platform-id"])
def test_target_written_any_way_finds_the_same_raid(raid_on_bob, form):
    case, truth = raid_on_bob
    bob, bob_id = truth["targets"][0], truth["target_ids"][0]
    given = {
        "upper": "@" + bob.upper(),
        "bare": bob.lower(),
        "id": f"id:{bob_id}",
        "platform-id": f"x:{bob_id}",
    }[form]
    reference, expected = _findings(case, [bob])
    corpus, found = _findings(case, [given])
    assert corpus.targets == [bob.lower()]
    assert (corpus.aimed == reference.aimed).all()
    assert [e["start"] for e in found["episodes"]] == [e["start"] for e in expected["episodes"]]
    assert len(found["campaign_accounts"]) == len(expected["campaign_accounts"])


# ------------------------------------------------------------------------- synthetic cases
T0 = datetime(2026, 3, 2, tzinfo=UTC)
RAID = T0 + timedelta(days=3, hours=10)


class Case:
    """Alice (the case's target, named Alice Martin) and Bob, each with a post."""

    def __init__(self) -> None:
        self.accounts = [
            Account("x", "100", "Alice_M", "Alice Martin", created_at=T0 - timedelta(days=900)),
            Account("x", "200", "bob", "Bob Durand", created_at=T0 - timedelta(days=900)),
        ]
        self.messages: list[Message] = []

    def account(self, handle: str) -> str:
        aid = str(1000 + len(self.accounts))
        self.accounts.append(Account("x", aid, handle, created_at=T0 - timedelta(days=3)))
        return aid

    def post(self, mid: str, author: str, when: datetime, text: str, **kw: Any) -> str:
        self.messages.append(Message("x", mid, text, created_at=when, author_id=author, **kw))
        return mid

    def pile_on(self, parent: str, n: int, at: str | None = None) -> None:
        """``n`` fresh accounts reply under ``parent``; with ``at``, each also mentions that
        handle in a second message."""
        for i in range(n):
            who = self.account(f"{parent}_r{i}")
            when = RAID + timedelta(minutes=2 * i)
            self.post(f"{parent}-c{i}", who, when, "t'es qu'une menteuse", reply_to_id=parent)
            if at:
                self.post(
                    f"{parent}-m{i}",
                    who,
                    when + timedelta(minutes=1),
                    f"@{at} menteuse",
                    mentions=(Mention(at),),
                )

    def corpus(self, targets: list[str]) -> Corpus:
        corpus = Corpus.build(self.messages, self.accounts, [], None, targets)
        corpus.hostile = np.full(len(corpus), 0.9, dtype=np.float32)
        corpus.support = np.zeros(len(corpus), dtype=np.float32)
        return corpus


def _episode() -> Episode:
    start = RAID.timestamp()
    return Episode(
        start=start,
        end=start + 6 * 3600,
        peak=start + 3600,
        messages=100,
        authors=50,
        hostile_share=0.9,
        support_share=0.0,
        kind="harassment",
        explanation="",
        details={"target": "alice_m"},
    )


def test_pile_on_under_bobs_post_is_not_a_designating_post_for_alice():
    case = Case()
    case.post("bob-post", "200", RAID - timedelta(hours=1), "Mon avis")
    leader = case.account("meneur")
    case.post(
        "d1",
        leader,
        RAID - timedelta(minutes=5),
        "@bob regardez ce qu'il ose écrire",
        mentions=(Mention("bob"),),
    )
    case.pile_on("d1", 40, at="bob")
    corpus = case.corpus(["@alice_m"])
    assert find_designating(corpus, [_episode()]) == []
    assert not corpus.aimed.any()
    members, _, _ = find_campaign(corpus, [_episode()], [])
    assert members == []


def test_a_post_naming_alice_in_words_designates_her_with_evidence():
    case = Case()
    leader = case.account("meneur")
    case.post(
        "d1",
        leader,
        RAID - timedelta(minutes=5),
        "Regardez ce qu'ALICE MARTIN ose écrire. Vous savez quoi faire.",
    )
    case.pile_on("d1", 40)
    found = find_designating(case.corpus(["Alice_M"]), [_episode()])
    assert [d.message_id for d in found] == ["d1"] and found[0].targets == ["alice_m"]
    assert 'it designates @alice_m: it names @alice_m in its text ("alice martin")' in (
        found[0].evidence
    )


def test_a_silent_post_designates_alice_only_if_its_repliers_also_write_to_her():
    case = Case()
    leader = case.account("meneur")
    case.post("d1", leader, RAID - timedelta(minutes=5), "Regardez ça. Vous savez quoi faire.")
    case.pile_on("d1", 40, at="alice_m")
    case.post("d2", leader, RAID - timedelta(minutes=4), "Et ça aussi.")
    case.pile_on("d2", 40, at="bob")
    corpus = case.corpus(["@ALICE_M"])
    found = {d.message_id: d for d in find_designating(corpus, [_episode()])}
    assert set(found) == {"d1"}
    assert any(
        "40 of the 40 accounts piling on under it also wrote to @alice_m directly" in e
        for e in found["d1"].evidence
    )
    members, _, _ = find_campaign(corpus, [_episode()], list(found.values()))
    handles = {corpus.accounts[corpus.account_index[("x", m.account_id)]].handle for m in members}
    assert "meneur" in handles  # the designator
    assert len(handles) > 30 and all(h.startswith("d1_") for h in handles - {"meneur"})


def test_a_target_given_by_id_is_found_through_mentions_that_carry_the_id():
    case = Case()
    case.accounts = case.accounts[1:]  # alice never posts and has no profile in the capture
    for i in range(5):
        who = case.account(f"x{i}")
        case.post(f"m{i}", who, RAID, "@alice_m bonjour", mentions=(Mention("Alice_M", "100"),))
    corpus = case.corpus(["id:100"])
    assert corpus.targets == ["alice_m"] and corpus.aimed.sum() == 5


def test_an_alias_from_the_case_file_names_the_target():
    case = Case()
    leader = case.account("meneur")
    case.post(
        "d1",
        leader,
        RAID - timedelta(minutes=5),
        "La chroniqueuse de Radio Exemple recommence. Vous savez quoi faire.",
    )
    case.pile_on("d1", 40)
    corpus = Corpus.build(
        case.messages,
        case.accounts,
        [],
        None,
        ["@alice_m"],
        aliases={"Alice_M": ["la chroniqueuse de Radio Exemple"]},
    )
    corpus.hostile = np.full(len(corpus), 0.9, dtype=np.float32)
    corpus.support = np.zeros(len(corpus), dtype=np.float32)
    found = find_designating(corpus, [_episode()])
    assert [d.targets for d in found] == [["alice_m"]]
    without = case.corpus(["@alice_m"])
    assert find_designating(without, [_episode()]) == []
