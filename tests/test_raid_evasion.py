"""Ban evasion: a suspended account and the one that takes over, linked with evidence."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest

from rempart.analysis.raid.corpus import Corpus
from rempart.analysis.raid.evasion import find_evasion
from rempart.models import Account, Mention, Message, StatusChange

T0 = datetime(2026, 3, 2, tzinfo=UTC)
TARGET = "cible_demo"
WORDS = (
    "article",
    "climat",
    "retraites",
    "presse",
    "école",
    "sport",
    "débat",
    "chiffres",
    "source",
    "émission",
    "soir",
    "argument",
    "région",
    "budget",
    "vote",
    "mairie",
    "marché",
    "train",
    "grève",
    "musique",
    "livre",
    "quartier",
    "vélo",
    "jardin",
)
SYLLABLES = ("ka", "lo", "mi", "ra", "tu", "ne", "so", "vi", "da", "pe", "zo", "fu", "ri", "ba")


@dataclass
class World:
    """Accounts, messages and status changes of a synthetic case, built step by step."""

    rng: random.Random = field(default_factory=lambda: random.Random(4))
    accounts: list[Account] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    changes: list[StatusChange] = field(default_factory=list)

    def account(
        self, handle: str, created: datetime, display: str | None = None, bio: str | None = None
    ) -> str:
        aid = str(1000 + len(self.accounts))
        self.accounts.append(
            Account("x", aid, handle=handle, display_name=display, created_at=created, bio=bio)
        )
        return aid

    def post(self, aid: str, when: datetime, text: str, at_target: bool = True) -> None:
        handle = next(a.handle for a in self.accounts if a.id == aid)
        mentions = (Mention(TARGET),) if at_target else ()
        prefix = f"@{TARGET} " if at_target else ""
        self.messages.append(
            Message(
                "x",
                f"m{len(self.messages)}",
                prefix + text,
                created_at=when,
                author_id=aid,
                author_handle=handle,
                mentions=mentions,
            )
        )

    def suspend(self, aid: str, when: datetime) -> None:
        self.changes.append(StatusChange("x", "account", aid, "suspended", when))

    def chatter(self, aid: str, start: datetime, hours: float, n: int) -> None:
        """``n`` ordinary messages spread over ``hours`` from ``start``."""
        for _ in range(n):
            words = " ".join(self.rng.sample(WORDS, 5))
            self.post(
                aid,
                start + timedelta(hours=self.rng.uniform(0, hours)),
                f"{words.capitalize()} ?",
                at_target=self.rng.random() < 0.5,
            )

    def corpus(self) -> Corpus:
        return Corpus.build(self.messages, self.accounts, self.changes, None, [TARGET])


def loup_text(rng: random.Random) -> str:
    """The evader's habits: rare spellings 'jamé' and 'koi', a sign-off."""
    return (
        f"tu compren jamé rien, {rng.choice(WORDS)} koi ?! "
        f"{rng.choice(WORDS)} {rng.choice(WORDS)} bisous les bobos"
    )


def background(w: World, n: int = 120) -> dict[str, str]:
    """Ordinary accounts, active all along, with invented two-to-three-syllable handles."""
    ids = {}
    for _ in range(n):
        handle = "".join(w.rng.choice(SYLLABLES) for _ in range(w.rng.randint(2, 3)))
        handle += f"_{w.rng.randint(1, 99)}"
        if handle in ids:
            continue
        aid = w.account(
            handle,
            T0 - timedelta(days=w.rng.randint(60, 900)),
            display=handle.split("_")[0].title(),
        )
        w.chatter(aid, T0, 24 * 5, w.rng.randint(2, 6))
        ids[handle] = aid
    return ids


@pytest.fixture(scope="module")
def world() -> tuple[World, dict[str, str]]:
    w = World()
    background(w)
    ids: dict[str, str] = {}
    day = timedelta(days=1)
    # A chain: vrai_loup -> vrai_loup2 -> vrai_loup3, same display name, same habits.
    ids["loup1"] = w.account(
        "vrai_loup",
        T0 - 40 * day,
        "Loup Lucide",
        "Ici pour dire la vérité, rien que la vérité. Pas de DM.",
    )
    for k in range(6):
        w.post(ids["loup1"], T0 + timedelta(hours=2 + 5 * k), loup_text(w.rng))
    w.suspend(ids["loup1"], T0 + day + timedelta(hours=14, minutes=2))
    ids["loup2"] = w.account(
        "vrai_loup2",
        T0 + day + timedelta(hours=14, minutes=25),
        "Loup Lucide",
        "Ici pour dire la vérité. Pas de DM.",
    )
    for k in range(5):
        w.post(ids["loup2"], T0 + day + timedelta(hours=14, minutes=40 + 50 * k), loup_text(w.rng))
    w.suspend(ids["loup2"], T0 + 2 * day + timedelta(hours=9))
    ids["loup3"] = w.account(
        "vrai_loup3", T0 + 2 * day + timedelta(hours=9, minutes=30), "Loup Lucide"
    )
    for k in range(4):
        w.post(ids["loup3"], T0 + 2 * day + timedelta(hours=10 + k), loup_text(w.rng))
    # A new handle, but the same display name and bio (with hostile characters in both).
    bio = "Maman, <b>jardinière</b> \u202eengagée\u202c. Les vrais savent. <script>x()</script>"
    ids["rose1"] = w.account("marguerite_fdl", T0 - 300 * day, "Marguerite\u200b Fleurdelys", bio)
    w.chatter(ids["rose1"], T0, 30, 5)
    w.suspend(ids["rose1"], T0 + timedelta(hours=31))
    ids["rose2"] = w.account(
        "rose_des_sables", T0 + timedelta(hours=33), "Marguerite\u200b Fleurdelys", bio
    )
    w.chatter(ids["rose2"], T0 + timedelta(hours=34), 40, 4)
    # A look-alike handle after a deletion (status change says deleted).
    ids["crow1"] = w.account("corbeau_noir", T0 - 90 * day, "Le Corbeau")
    w.chatter(ids["crow1"], T0, 20, 4)
    w.changes.append(
        StatusChange("x", "account", ids["crow1"], "deleted", T0 + timedelta(hours=26))
    )
    ids["crow2"] = w.account("c0rbeau_n0ir", T0 + timedelta(hours=27), "Corbeau")
    w.chatter(ids["crow2"], T0 + timedelta(hours=28), 30, 4)
    add_decoys(w, ids)
    return w, ids


def add_decoys(w: World, ids: dict[str, str]) -> None:
    """Accounts that must not be linked."""
    day = timedelta(days=1)
    # Similar generic handles, both active throughout.
    for h in ("marie_1990", "marie_1991"):
        ids[h] = w.account(h, T0 - 500 * day, "Marie")
        w.chatter(ids[h], T0, 24 * 5, 8)
    # A newcomer right after vrai_loup's suspension, with an unrelated identity.
    ids["pivoine"] = w.account(
        "pivoine_douce",
        T0 + day + timedelta(hours=14, minutes=10),
        "Pivoine",
        "Fleuriste à Lyon, passionnée de botanique.",
    )
    w.chatter(ids["pivoine"], T0 + day + timedelta(hours=14, minutes=20), 10, 5)
    # A suspended raider and a fresh raider posting the same copy-pasted insults.
    insult = "t'es qu'une menteuse, dégage de twitter #OnVeutLaVerite"
    ids["raid1"] = w.account("patriote_lucide", T0 + 2 * day, "Patriote")
    ids["raid2"] = w.account("aigle_gaulois", T0 + 2 * day + timedelta(hours=5), "Aigle")
    for k in range(4):
        w.post(ids["raid1"], T0 + 2 * day + timedelta(hours=1, minutes=k), insult)
        w.post(ids["raid2"], T0 + 2 * day + timedelta(hours=6, minutes=k), insult)
    w.suspend(ids["raid1"], T0 + 2 * day + timedelta(hours=2))
    # Namesakes: one suspended, the other new soon after, different habits.
    ids["jd1"] = w.account("julien_dupont", T0 - 200 * day, "Julien Dupont")
    w.chatter(ids["jd1"], T0, 20, 4)
    w.suspend(ids["jd1"], T0 + timedelta(hours=22))
    ids["jd2"] = w.account(
        "julien_durand", T0 + timedelta(hours=23), "Julien Durand", "Prof de maths, Nantes."
    )
    w.chatter(ids["jd2"], T0 + timedelta(hours=24), 20, 4)
    # A person sharing the evader's first name, new after the suspension, different style.
    ids["lou"] = w.account(
        "loulou_cuisine",
        T0 + day + timedelta(hours=20),
        "Lou Martin",
        "Recettes du dimanche et tartes aux pommes.",
    )
    w.chatter(ids["lou"], T0 + day + timedelta(hours=21), 20, 4)


def links_of(corpus: Corpus) -> dict[tuple[str, str], list[str]]:
    return {(x.source, x.target): x.evidence for x in find_evasion(corpus)}


def test_every_planted_link_and_nothing_else(world: tuple[World, dict[str, str]]) -> None:
    w, ids = world
    found = links_of(w.corpus())
    expected = {
        (ids["loup1"], ids["loup2"]),
        (ids["loup2"], ids["loup3"]),
        (ids["rose1"], ids["rose2"]),
        (ids["crow1"], ids["crow2"]),
    }
    assert set(found) == expected


def test_a_chain_comes_out_as_consecutive_links(world: tuple[World, dict[str, str]]) -> None:
    w, ids = world
    found = links_of(w.corpus())
    assert (ids["loup1"], ids["loup3"]) not in found
    assert (ids["loup1"], ids["loup2"]) in found and (ids["loup2"], ids["loup3"]) in found


def test_evidence_names_the_accounts_times_and_signs(world: tuple[World, dict[str, str]]) -> None:
    w, ids = world
    evidence = links_of(w.corpus())[(ids["loup1"], ids["loup2"])]
    first = evidence[0]
    assert first.startswith("@vrai_loup suspended (observed 2026-03-03 14:02 UTC)")
    assert "@vrai_loup2, created 2026-03-03 14:25 UTC, first post 2026-03-03 14:40 UTC" in first
    text = " ".join(evidence)
    assert "handle differs only by a trailing digit ('vrai_loup' -> 'vrai_loup2')" in text
    assert "same display name 'Loup Lucide'" in text
    assert "same sign-off 'bisous les bobos'" in text
    assert "'jamé'" in text and "'koi'" in text
    assert "trailing number, which goes up (2 -> 3)" in " ".join(
        links_of(w.corpus())[(ids["loup2"], ids["loup3"])]
    )


def test_scores_are_probabilities_and_json_uses_from_to(
    world: tuple[World, dict[str, str]],
) -> None:
    w, _ = world
    links = find_evasion(w.corpus())
    assert links and all(0.0 <= x.score <= 1.0 for x in links)
    assert [x.score for x in links] == sorted((x.score for x in links), reverse=True)
    assert set(links[0].to_json()) == {"from", "to", "score", "evidence"}


def test_hostile_names_and_bios_are_quoted_as_inert_text(
    world: tuple[World, dict[str, str]],
) -> None:
    w, ids = world
    evidence = " ".join(links_of(w.corpus())[(ids["rose1"], ids["rose2"])])
    assert "Marguerite<U+200B> Fleurdelys" in evidence
    assert "same bio" in evidence and "<U+202E>" in evidence
    assert "\u202e" not in evidence and "\u200b" not in evidence


def test_look_alike_handle_after_a_deletion(world: tuple[World, dict[str, str]]) -> None:
    w, ids = world
    evidence = " ".join(links_of(w.corpus())[(ids["crow1"], ids["crow2"])])
    assert evidence.startswith("@corbeau_noir deleted")
    assert "'0' is read as 'o'" in evidence


def test_no_stop_no_link() -> None:
    w = World()
    background(w, 40)
    a = w.account("vrai_loup", T0 - timedelta(days=9), "Loup Lucide")
    b = w.account("vrai_loup2", T0 + timedelta(hours=30), "Loup Lucide")
    w.chatter(a, T0, 120, 6)
    w.chatter(b, T0 + timedelta(hours=31), 80, 6)
    assert find_evasion(w.corpus()) == []


def test_takeover_outside_the_window_is_not_linked() -> None:
    w = World()
    background(w, 30)
    a = w.account("vrai_loup", T0 - timedelta(days=9), "Loup Lucide")
    w.chatter(a, T0, 10, 4)
    w.suspend(a, T0 + timedelta(hours=11))
    b = w.account("vrai_loup2", T0 + timedelta(days=4), "Loup Lucide")
    w.chatter(b, T0 + timedelta(days=4, hours=1), 10, 4)
    assert find_evasion(w.corpus()) == []
    assert len(find_evasion(w.corpus(), window_hours=24 * 5)) == 1


def test_an_old_account_does_not_take_over() -> None:
    w = World()
    background(w, 30)
    a = w.account("vrai_loup", T0 - timedelta(days=9), "Loup Lucide")
    w.chatter(a, T0, 10, 4)
    w.suspend(a, T0 + timedelta(hours=11))
    b = w.account("vrai_loup2", T0 - timedelta(days=400), "Loup Lucide")
    w.chatter(b, T0 + timedelta(hours=12), 10, 4)
    assert find_evasion(w.corpus()) == []


def test_silence_alone_needs_two_strong_signs() -> None:
    w = World()
    background(w, 40)
    a = w.account("vrai_loup", T0 - timedelta(days=9), "Loup Lucide")
    for k in range(4):
        w.post(a, T0 + timedelta(hours=10 * k), loup_text(w.rng))
    c = w.account("vrai_loup2", T0 + timedelta(hours=36), "Pierre Granit")
    for k in range(4):
        w.post(c, T0 + timedelta(hours=37 + k), f"{w.rng.choice(WORDS)} et {w.rng.choice(WORDS)}")
    b = w.account("vrai_loup3", T0 + timedelta(hours=35), "Loup Lucide")
    for k in range(4):
        w.post(b, T0 + timedelta(hours=36 + k), loup_text(w.rng))
    # A raid account silent after a few hours is no established account falling silent.
    r = w.account("raid_lucide", T0, "Loup Lucide")
    for k in range(4):
        w.post(r, T0 + timedelta(minutes=10 * k), loup_text(w.rng))
    w.chatter(
        w.account("raid_lucide2", T0 + timedelta(hours=2), "Loup Lucide"),
        T0 + timedelta(hours=3),
        3,
        3,
    )
    w.chatter(w.account("late_one", T0, "Late"), T0 + timedelta(days=4), 2, 2)
    found = {(x.source, x.target) for x in find_evasion(w.corpus())}
    assert found == {(a, b)}
    evidence = " ".join(find_evasion(w.corpus())[0].evidence)
    assert "only fell silent" in evidence


def test_empty_and_message_less_corpora() -> None:
    assert find_evasion(Corpus.build([], [], [], None, [TARGET])) == []
    only_accounts = [Account("x", "1", handle="a_b"), Account("x", "2", handle="a_b2")]
    changes = [StatusChange("x", "account", "1", "suspended", T0)]
    assert find_evasion(Corpus.build([], only_accounts, changes, None, [TARGET])) == []


def test_generated_handles_need_a_telling_number() -> None:
    """Among many 'Sophie<digits>' accounts, a new random number is no link, nor two digits
    swapped in a short number; a long number moved by one, two swapped letters in front of
    the same long number, or a digit appended, is."""
    w = World()
    background(w, 30)
    for _ in range(12):
        aid = w.account(f"Sophie{w.rng.randint(10**7, 10**8)}", T0 - timedelta(days=20), "Sophie")
        w.chatter(aid, T0, 24 * 4, 6)
    day = timedelta(days=1)
    pairs = {
        "random": ("Sophie31415926", "Sophie27182818"),
        "step": ("Sophie54335198", "Sophie54335197"),
        "swap": ("Margaux2576872", "Marguax2576872"),
        "short_number": ("rune_falaise230", "rune_falaise203"),
        "appended": ("FierVerite751", "FierVerite7513"),
    }
    ids = {}
    for k, (key, (old, new)) in enumerate(pairs.items()):
        stop = T0 + day + timedelta(hours=6 * k)
        a = w.account(old, T0 - 20 * day, "Sophie")
        w.chatter(a, stop - timedelta(hours=10), 8, 4)
        w.suspend(a, stop)
        b = w.account(new, stop + timedelta(minutes=30), "Sophie")
        w.chatter(b, stop + timedelta(hours=1), 8, 4)
        ids[key] = (a, b)
    links = {(x.source, x.target): x.evidence for x in find_evasion(w.corpus())}
    assert set(links) == {ids["step"], ids["swap"], ids["appended"]}
    assert "which goes down (54335198 -> 54335197)" in " ".join(links[ids["step"]])
    assert "two neighbouring characters swapped" in " ".join(links[ids["swap"]])


def test_a_bio_announcing_a_new_account_with_a_display_affix() -> None:
    w = World()
    background(w, 30)
    a = w.account("plume_grise", T0 - timedelta(days=50), "Plume", "Free speech.")
    w.chatter(a, T0, 10, 4)
    w.suspend(a, T0 + timedelta(hours=11))
    b = w.account(
        "encre_noire", T0 + timedelta(hours=12), "Plume2", "Free speech. (nouveau compte)"
    )
    w.chatter(b, T0 + timedelta(hours=13), 10, 4)
    links = find_evasion(w.corpus())
    assert [(x.source, x.target) for x in links] == [(a, b)]
    text = " ".join(links[0].evidence)
    assert "display names differ only by an affix ('Plume' -> 'Plume2')" in text
    assert "the new bio announces a new or backup account" in text
    assert "repeats the old bio 'Free speech.'" in text


def test_candidates_are_blocked_not_compared_all_against_all(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Four hundred newcomers right after a suspension: only the look-alike is judged."""
    from rempart.analysis.raid import evasion

    w = World()
    a = w.account("vrai_loup", T0 - timedelta(days=9), "Loup Lucide")
    w.chatter(a, T0, 10, 4)
    w.suspend(a, T0 + timedelta(hours=11))
    b = w.account("vrai_loup2", T0 + timedelta(hours=12), "Loup Lucide")
    w.chatter(b, T0 + timedelta(hours=13), 5, 3)
    for k in range(400):
        handle = "".join(w.rng.choice(SYLLABLES) for _ in range(3)) + f"{k}"
        c = w.account(handle, T0 + timedelta(hours=12), handle.title())
        w.chatter(c, T0 + timedelta(hours=12, minutes=k), 1, 1)
    judged: list[tuple[int, int]] = []
    judge = evasion._judge

    def counting(
        corpus: Corpus, pool: object, style: object, stop: object, new: int, floor: float
    ) -> object:
        judged.append((stop.account, new))  # type: ignore[attr-defined]
        return judge(corpus, pool, style, stop, new, floor)  # type: ignore[arg-type]

    monkeypatch.setattr(evasion, "_judge", counting)
    assert [(x.source, x.target) for x in find_evasion(w.corpus())] == [(a, b)]
    assert len(judged) <= 5


def _loup_chain(w: World, at_target: bool) -> tuple[str, str]:
    """vrai_loup suspended, vrai_loup2 taking over: same display name, bio and habits."""
    day = timedelta(days=1)
    a = w.account(
        "vrai_loup",
        T0 - 40 * day,
        "Loup Lucide",
        "Ici pour dire la vérité, rien que la vérité. Pas de DM.",
    )
    for k in range(6):
        w.post(a, T0 + timedelta(hours=2 + 5 * k), loup_text(w.rng), at_target=at_target)
    w.suspend(a, T0 + day + timedelta(hours=14))
    b = w.account(
        "vrai_loup2",
        T0 + day + timedelta(hours=14, minutes=25),
        "Loup Lucide",
        "Ici pour dire la vérité. Pas de DM.",
    )
    for k in range(5):
        w.post(
            b,
            T0 + day + timedelta(hours=14, minutes=40 + 50 * k),
            loup_text(w.rng),
            at_target=at_target,
        )
    return a, b


def _quiet_background(w: World, n: int) -> None:
    """Ordinary accounts that never write to the target."""
    for i in range(n):
        aid = w.account(
            f"voisin{i}_{w.rng.randint(1, 99)}", T0 - timedelta(days=w.rng.randint(60, 900))
        )
        for _ in range(3):
            w.post(
                aid,
                T0 + timedelta(hours=w.rng.uniform(0, 120)),
                " ".join(w.rng.sample(WORDS, 5)),
                at_target=False,
            )


def test_evasion_between_accounts_that_never_aimed_at_a_target_is_not_reported() -> None:
    """A case whose target is absent from the data reported ban-evasion links between raiders
    of someone else (hostile observation a): a link needs one of its accounts to have aimed
    at a case target."""
    w = World()
    _quiet_background(w, 30)
    _loup_chain(w, at_target=False)
    assert find_evasion(w.corpus()) == []
    w = World()
    _quiet_background(w, 30)
    a, b = _loup_chain(w, at_target=True)
    assert [(x.source, x.target) for x in find_evasion(w.corpus())] == [(a, b)]
