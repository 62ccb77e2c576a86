"""The raid scenario simulator: varied twarc2 cases that rempart ingests, with a ground truth."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import phonenumbers
import pytest

from rempart import case as api
from rempart.models import Account, Message, StatusChange
from rempart.simulate import (
    RaidScenario,
    random_scenario,
    simulate,
    write_truth,
    write_twarc2,
)
from rempart.simulate.plan import PAYLOADS

SEED = 11
STREET = re.compile(
    r"^\d{1,3}( bis| ter)? (rue|avenue|boulevard|bd|allée|impasse|chemin|place|"
    r"quai|route) \S"
)
PLATE = re.compile(r"^([A-Z]{2}[- ][0-9]{3}[- ][A-Z]{2}|[0-9]{3,4} [A-Z]{2} [0-9]{2})$")
EMAIL = re.compile(
    r"^[a-z0-9._]+ ?(@|\[at\]|\(at\)|arobase) ?[a-z]+( \[dot\] |\.)[a-z]+"
    r"(( \[dot\] |\.)[a-z]+)?$"
)


def when(value: str | datetime | None) -> datetime:
    """A truth time (ISO-8601 with Z) or a stored one, never None."""
    assert value is not None
    if isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


class Ingested:
    """A generated case, ingested: the truth, the scenario and what the store holds."""

    def __init__(self, root: Path) -> None:
        self.scn = random_scenario(SEED, "3000")
        self.scn.hostile_payloads = len(PAYLOADS) + 1
        self.scn.broken_lines = 1
        self.path = root / "raid.jsonl"
        self.truth = write_twarc2(self.path, self.scn)
        self.case = api.init_case(root / "case", ["@" + h for h in self.truth["targets"]])
        self.report = api.ingest(self.case, [self.path])
        store = self.case.store
        self.messages: dict[str, Message] = {s.message.id: s.message for s in store.messages()}
        self.accounts: dict[str, Account] = {a.id: a for a in store.accounts()}
        self.changes: list[StatusChange] = [c for c, _ in store.status_changes()]

    def by_author(self) -> dict[str, list[Message]]:
        out: dict[str, list[Message]] = {}
        for m in self.messages.values():
            out.setdefault(m.author_id or "", []).append(m)
        for posts in out.values():
            posts.sort(key=lambda m: m.created_at or datetime.min.replace(tzinfo=UTC))
        return out


@pytest.fixture(scope="module")
def ingested(tmp_path_factory: pytest.TempPathFactory) -> Any:
    data = Ingested(tmp_path_factory.mktemp("raid"))
    yield data
    data.case.close()


# --------------------------------------------------------------------------- scenarios


def test_same_seed_same_capture_and_truth(tmp_path: Path) -> None:
    scn = random_scenario(5, "1500")
    first = write_twarc2(tmp_path / "a.jsonl", scn)
    second = write_twarc2(tmp_path / "b.jsonl", random_scenario(5, "1500"))
    assert first == second
    assert (tmp_path / "a.jsonl").read_bytes() == (tmp_path / "b.jsonl").read_bytes()
    other = write_twarc2(tmp_path / "c.jsonl", random_scenario(6, "1500"))
    assert other["campaign_accounts"] != first["campaign_accounts"]


def test_seeds_draw_varied_parameters_and_languages() -> None:
    scenarios = [random_scenario(seed) for seed in range(60)]
    main = Counter(_main_language(s) for s in scenarios)
    assert main["fr"] > main["en"] > 5  # French first, some mostly English
    for s in scenarios:
        assert {"fr", "en"} <= set(s.languages) and set(s.languages) & {"es", "de", "it"}
        assert 3 <= s.days <= 21.5 and 50 <= s.baseline_per_day <= 2000
        assert 300 <= s.raid_messages <= 20000 and 1 <= s.designating_posts <= 3
        assert 1 <= s.impersonators <= 4 and 5 <= s.doxxing <= 40
    assert {s.support for s in scenarios} == {"after", "overlap", "none"}
    assert {s.origin for s in scenarios} == {"forum", "discord", "telegram", "forum+chat"}
    assert any(s.neutral_spike for s in scenarios) and not all(s.neutral_spike for s in scenarios)
    assert len({round(s.raid_hours, 3) for s in scenarios}) == len(scenarios)


@pytest.mark.parametrize(
    "size,low,high", [("small", 2800, 8500), ("medium", 16000, 24500), ("2000", 1700, 2400)]
)
def test_sizes(size: str, low: int, high: int) -> None:
    for seed in (1, 2):
        truth = simulate(random_scenario(seed, size)).truth
        assert low <= truth["messages"] <= high, (seed, truth["messages"])


def test_scenario_rejects_a_tiny_count() -> None:
    with pytest.raises(ValueError, match="at least 500"):
        random_scenario(1, 100)


def test_mostly_english_scenario_writes_mostly_english() -> None:
    seed = next(s for s in range(100) if _main_language(random_scenario(s)) == "en")
    scn = random_scenario(seed, "1500")
    langs = Counter(t["lang"] for page in simulate(scn).pages for t in page.get("data", ()))
    assert langs.most_common(1)[0][0] == "en"
    assert langs["fr"] > 0 and set(langs) & {"es", "de", "it"}


def _main_language(scn: RaidScenario) -> str:
    return max(scn.languages, key=lambda k: scn.languages[k])


def test_truth_round_trips_as_json(tmp_path: Path) -> None:
    truth = simulate(random_scenario(3, "1500")).truth
    write_truth(tmp_path / "truth.json", truth)
    assert orjson.loads((tmp_path / "truth.json").read_bytes()) == truth
    for episode in truth["episodes"]:
        assert when(episode["start"]) <= when(episode["peak"]) <= when(episode["end"])
        assert episode["start"].endswith("Z")
    assert all(isinstance(i, str) for i in truth["campaign_accounts"] + truth["target_ids"])


def test_pages_look_like_a_live_watch() -> None:
    scn = random_scenario(5, "1500")
    scn.page_size, scn.window_minutes = 20, 30  # windows of the raid span several pages
    scn.lone_suspensions, scn.evasion_chains = 400, 8  # some stop right after posting
    pages = list(simulate(scn).pages)
    retrieved = [datetime.fromisoformat(p["__twarc"]["retrieved_at"]) for p in pages]
    assert retrieved == sorted(retrieved)
    gone: set[str] = set()
    for page, got in zip(pages, retrieved):
        data = page.get("data", [])
        assert len(data) <= scn.page_size
        shown = {u["id"] for u in page.get("includes", {}).get("users", ())}
        assert not shown & gone  # a suspended or deleted account never shows up again
        gone |= {e["resource_id"] for e in page.get("errors", ()) if e["resource_type"] == "user"}
        users = {u["id"] for u in page.get("includes", {}).get("users", ())}
        tweets = {t["id"] for t in page.get("includes", {}).get("tweets", ())}
        for t in data:
            assert when(t["created_at"]) < got
            assert t["author_id"] in users
            for ref in t.get("referenced_tweets", ()):
                assert ref["id"] in tweets
            for m in t.get("entities", {}).get("mentions", ()):
                assert t["text"][m["start"] : m["end"]] == "@" + m["username"]
        for u in page.get("includes", {}).get("users", ()):
            assert {"created_at", "public_metrics", "description", "name"} <= set(u)


# --------------------------------------------------------------------------- ingested case


def test_ingests_without_rejects_but_the_deliberate_one(ingested: Ingested) -> None:
    assert len(ingested.report.rejects) == ingested.truth["rejects"] == 1
    assert len(ingested.messages) == ingested.truth["messages"]
    assert set(ingested.truth["target_ids"]) <= set(ingested.accounts)


def test_designating_posts_are_present_with_their_authors(ingested: Ingested) -> None:
    assert 1 <= len(ingested.truth["designating_posts"]) <= 3
    targets = {h.lower() for h in ingested.truth["targets"]}
    for mid in ingested.truth["designating_posts"]:
        m = ingested.messages[mid]
        assert m.author_id in ingested.accounts and m.author_handle
        assert m.author_id not in ingested.truth["target_ids"]
        under = [r for r in ingested.messages.values() if r.reply_to_id == mid]
        silent = [r for r in under if not targets & {(x.handle or "").lower() for x in r.mentions}]
        assert under and len(silent) == len(under)  # replies under them never name the target


def test_campaign_accounts_post_in_the_raid_and_are_mostly_fresh(ingested: Ingested) -> None:
    truth = ingested.truth
    campaign = set(truth["campaign_accounts"])
    authors = ingested.by_author()
    start = when(
        truth["episodes"][[e["kind"] for e in truth["episodes"]].index("harassment")]["start"]
    )
    assert campaign <= set(authors)
    fresh = [
        a for a in campaign if when(ingested.accounts[a].created_at) > start - timedelta(days=14)
    ]
    assert 0.5 <= len(fresh) / len(campaign) < 1.0  # fresh accounts, and some sleepers
    assert not campaign & set(truth["target_ids"])
    assert not campaign & set(truth["decoys"]["namesakes"])


def test_the_raid_is_a_spike_over_a_cycling_baseline(ingested: Ingested) -> None:
    truth = ingested.truth
    raid = next(e for e in truth["episodes"] if e["kind"] == "harassment")
    per_hour = Counter(
        m.created_at.replace(minute=0, second=0, microsecond=0)
        for m in ingested.messages.values()
        if m.created_at
    )
    before = [n for h, n in per_hour.items() if h < when(raid["start"]) - timedelta(hours=2)]
    peak = max(n for h, n in per_hour.items() if when(raid["start"]) <= h <= when(raid["end"]))
    assert peak >= 8 * statistics.mean(before)
    by_hour = Counter(
        h.hour for h in per_hour.elements() if h < when(raid["start"]) - timedelta(hours=2)
    )
    assert max(by_hour.values()) >= 2 * min(by_hour.get(h, 0) for h in range(24))


def test_suspensions_become_status_changes_observed_after_them(ingested: Ingested) -> None:
    observed = {(c.id, c.status): c.observed_at for c in ingested.changes if c.subject == "account"}
    assert ingested.truth["suspensions"]
    for s in ingested.truth["suspensions"]:
        seen = observed[(s["account_id"], s["status"])]
        assert seen is not None and seen >= when(s["at"])
        assert ingested.accounts[s["account_id"]].status == s["status"]
    deleted = {c.id for c in ingested.changes if c.subject == "message"}
    assert deleted == set(ingested.truth["deleted_messages"])
    for mid in ingested.truth["deleted_messages"]:
        assert ingested.messages[mid].status == "deleted" and ingested.messages[mid].text


def test_evasion_successors_resume_after_predecessors_stop(ingested: Ingested) -> None:
    authors = ingested.by_author()
    links = ingested.truth["evasion_links"]
    assert links
    for link in links:
        before, after = authors[link["from"]], authors[link["to"]]
        stopped, resumed = when(link["stopped_at"]), when(link["resumed_at"])
        assert when(before[-1].created_at) < stopped < resumed
        assert abs(when(after[0].created_at) - resumed) < timedelta(seconds=1)
        assert timedelta(minutes=10) <= resumed - stopped <= timedelta(hours=24)
        created = when(ingested.accounts[link["to"]].created_at)
        assert stopped - timedelta(hours=3) <= created < resumed
        assert link["from_handle"].lower() != link["to_handle"].lower()
        assert ingested.accounts[link["from"]].status in ("suspended", "deleted")


def test_impersonators_mimic_a_target_without_its_handle(ingested: Ingested) -> None:
    targets = {h.lower(): h for h in ingested.truth["targets"]}
    names = {
        ingested.accounts[i].handle: ingested.accounts[i].display_name
        for i in ingested.truth["target_ids"]
    }
    for imp in ingested.truth["impersonators"]:
        acc = ingested.accounts[imp["account_id"]]
        assert acc.handle and acc.handle.lower() not in targets
        assert re.fullmatch(r"[A-Za-z0-9_]{4,15}", acc.handle)
        assert _skeleton(imp["target"]) in _skeleton(acc.handle) or _near(acc.handle, imp["target"])
        name = names[imp["target"]] or ""
        assert acc.display_name and (name in acc.display_name or len(acc.display_name) >= len(name))


def _skeleton(handle: str) -> str:
    return handle.lower().replace("0", "o").replace("rn", "m").replace("vv", "w").replace("__", "_")


def _near(a: str, b: str) -> bool:
    from difflib import SequenceMatcher

    return SequenceMatcher(None, a.lower(), b.lower()).ratio() >= 0.7


def test_doxxing_spans_are_the_disclosed_values(ingested: Ingested) -> None:
    doxxing = ingested.truth["doxxing"]
    assert 5 <= len(doxxing) <= 40
    kinds: Counter[str] = Counter()
    for d in doxxing:
        text = ingested.messages[d["message_id"]].text
        for span in d["spans"]:
            value = text[span["start"] : span["end"]]
            assert value == value.strip() and value
            kinds[span["kind"]] += 1
            _check_value(span["kind"], value, text)
    assert len(kinds) >= 3


def _check_value(kind: str, value: str, text: str) -> None:
    if kind == "phone":
        number = phonenumbers.parse(value, "FR")
        assert phonenumbers.is_valid_number(number), value
        # a handle ending in digits right before the number hides it from the matcher
        blank = re.sub(r"@\w+", lambda m: " " * len(m.group()), text)
        found = [m.raw_string for m in phonenumbers.PhoneNumberMatcher(blank, "FR")]
        assert value in found, (value, text)
    elif kind == "email":
        assert EMAIL.match(value), value
    elif kind == "address":
        assert STREET.match(value), value
    elif kind == "licence_plate":
        assert PLATE.match(value), value
    elif kind == "school":
        assert value.startswith(("collège", "lycée")), value
    else:
        assert kind == "workplace" and (value[0].isupper() or value.startswith(("la ", "l'")))


def test_doxxing_decoys_hold_numbers_but_no_personal_data(ingested: Ingested) -> None:
    decoys = ingested.truth["doxxing_decoys"]
    assert len(decoys) >= 10
    doxxed = {d["message_id"] for d in ingested.truth["doxxing"]}
    assert not doxxed & set(decoys)
    for mid in decoys:
        text = ingested.messages[mid].text
        assert re.search(r"\d", text)
        assert not list(phonenumbers.PhoneNumberMatcher(text, "FR")), text


def test_hostile_payloads_are_stored_as_data(ingested: Ingested) -> None:
    ids = ingested.truth["hostile_payloads"]
    assert len(ids) == len(PAYLOADS) + 1
    texts = [ingested.messages[i].text for i in ids]
    target = ingested.truth["targets"][0]
    expected = [p.replace("{m}", "@" + target).replace("{{", "{") for p in PAYLOADS]
    assert sorted(t for t in texts if len(t) < 1000) == sorted(expected)
    longest = max(texts, key=len)
    assert len(longest) > 20000 and longest.endswith("fin")
    assert any("<script>" in t for t in texts) and any("\u202e" in t for t in texts)


def test_replies_without_mention_point_to_their_parent(ingested: Ingested) -> None:
    targets = {h.lower() for h in ingested.truth["targets"]}
    silent = [
        m
        for m in ingested.messages.values()
        if m.reply_to_id and not targets & {(x.handle or "").lower() for x in m.mentions}
    ]
    assert silent
    for m in silent:
        assert m.reply_to_id in ingested.messages


def test_support_wave_comes_from_established_accounts(ingested: Ingested) -> None:
    tag = ingested.truth["support_hashtag"]
    if tag is None:
        pytest.skip("this scenario has no support wave")
    campaign = set(ingested.truth["campaign_accounts"])
    tagged = [m for m in ingested.messages.values() if tag in m.hashtags]
    assert tagged
    assert not {m.author_id for m in tagged} & campaign


def test_explicit_scenario_without_support() -> None:
    scn = RaidScenario(
        seed=3,
        support="none",
        support_messages=0,
        neutral_spike=True,
        spike_messages=200,
        spike_at_hours=30.0,
    )
    truth = simulate(scn).truth
    kinds = [e["kind"] for e in truth["episodes"]]
    assert kinds == ["neutral", "harassment"] and truth["support_hashtag"] is None


def test_replies_under_designating_posts_are_aimed_only_through_them(ingested: Ingested) -> None:
    from rempart.analysis.raid.corpus import Corpus

    truth = ingested.truth
    corpus = Corpus.from_store(ingested.case.store, truth["targets"])
    through = corpus.aimed_at_targets(truth["designating_posts"])
    designating = set(truth["designating_posts"])
    under = [r for r in range(len(corpus)) if corpus.reply_to[r] in designating]
    assert under and all(through[r] and not corpus.aimed[r] for r in under)
    campaign = set(truth["campaign_accounts"])
    own_timeline = (
        designating
        | set(truth["origin_posts"])
        | set(truth["doxxing_decoys"])
        | {d["message_id"] for d in truth["doxxing"]}
    )
    missed = [
        corpus.ids[r]
        for r in range(len(corpus))
        if corpus.accounts[int(corpus.author[r])].id in campaign
        and not through[r]
        and corpus.ids[r] not in own_timeline
    ]
    assert not missed


def test_origins_are_linked_before_the_raid(ingested: Ingested) -> None:
    truth = ingested.truth
    start = when(next(e for e in truth["episodes"] if e["kind"] == "harassment")["start"])
    first = when(truth["origins"][0]["first_seen"])
    assert start - timedelta(minutes=91) <= first <= start - timedelta(minutes=19)
    linked = Counter(u for m in ingested.messages.values() for u in m.urls)
    for origin in truth["origins"]:
        assert origin["url"].split("/")[2].endswith(".invalid") and linked[origin["url"]] >= 2
    posts = [ingested.messages[i] for i in truth["origin_posts"]]
    assert {p.author_id for p in posts} <= set(truth["campaign_accounts"])
