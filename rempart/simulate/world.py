"""The cast of a simulated raid case: targets, regulars, raiders, evaders, impersonators.

:func:`build_world` draws every account of a scenario with its twarc2 user object, the
targets' personal data, the raid's hashtags and origin links, and the ban-evasion chains with
their stop and resume times. Decoys are drawn on purpose: namesakes of a target, pairs of
unrelated users with similar generic handles, new accounts appearing when an evader returns.

Example::

    world = build_world(scn, timeline(scn))
    world.accounts[world.targets[0]].handle
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from .people import (
    HandleRegistry,
    Person,
    ascii_fold,
    bio,
    display_name,
    evasion_handle,
    first_name,
    impersonation_handle,
    impersonation_name,
    invented_surname,
    last_name,
    person,
    raider_handle,
    regular_handle,
)
from .scenario import RaidScenario, Timeline
from .text import BANKS, EMOJI, SIGN_OFFS, raid_body

#: Roles whose accounts take part in the harassment campaign (the truth's campaign_accounts).
CAMPAIGN_ROLES = frozenset({"raider", "sleeper", "organiser", "designator", "successor"})
_TWITTER_EPOCH_MS = 1288834974657
_DAY = 86400.0
_OUTLETS = (
    "L'Écho Régional",
    "Le Courrier du Matin",
    "Info Hebdo",
    "Radio Horizon",
    "La Vigie",
    "Le Journal des Vallées",
)
_SHOWS = (
    "Le Grand Oral",
    "Soir Première",
    "Questions Directes",
    "Face à Face Hebdo",
    "L'Heure du Débat",
)
_SLUGS = (
    "on-va-la-faire-craquer",
    "topic-officiel",
    "operation-verite",
    "tous-sur-elle",
    "la-journaliste-de-l-article",
    "raid-ce-soir",
    "on-s-organise",
)


@dataclass(slots=True)
class SimAccount:
    """One simulated account, with its twarc2 user object in ``user``."""

    index: int
    id: str
    handle: str
    name: str
    created: float  # epoch seconds
    followers: int
    role: str
    lang: str
    gender: str
    bio: str = ""
    misspelling: tuple[str, str] | None = None  # a writer's recurring error
    emoji: str | None = None  # a writer's signature emoji
    sign_off: str | None = None
    user: dict[str, Any] = field(default_factory=dict)


@dataclass
class Chain:
    """A ban-evasion chain: each member stops (suspended or deleted), the next resumes."""

    members: list[int]
    stops: list[float]  # when member i stopped, for all but the last
    statuses: list[str]  # "suspended" or "deleted", per stop
    resumes: list[float]  # first post of member i + 1
    last_until: float  # end of the last member's activity


@dataclass
class World:
    """Every account and shared artefact of a scenario."""

    accounts: list[SimAccount]
    targets: list[int]
    people: list[Person]  # personal data of each target
    relative: Person  # the main target's relative whose data a doxxer may disclose
    regulars: np.ndarray
    regular_weights: np.ndarray
    critics: np.ndarray
    supporters: np.ndarray
    viewers: np.ndarray
    raiders: np.ndarray  # ordinary raid pool (organisers included)
    raider_weights: np.ndarray
    organisers: list[int]
    designators: list[int]
    chains: list[Chain]
    impersonators: list[tuple[int, int]]  # (account, target index)
    newcomers: list[tuple[int, float]]  # (account, first post) appearing near a resume
    namesakes: list[int]
    similar_pairs: list[tuple[int, int]]  # unrelated accounts with similar handles
    raid_tags: list[str]
    support_tag: str
    origin_urls: list[str]
    news_urls: list[str]
    show: str
    outlet: str
    main_lang: str
    waves: list[tuple[str, str]]  # (language, copy-paste text)


class _Cast:
    """Creates accounts one by one, keeping handles unique and ids time-ordered."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.names = HandleRegistry()
        self.accounts: list[SimAccount] = []

    def add(
        self,
        handle: str,
        name: str,
        created: float,
        followers: int,
        role: str,
        lang: str,
        gender: str,
        about: str = "",
        claimed: bool = False,
    ) -> SimAccount:
        i = len(self.accounts)
        handle = handle if claimed else self.names.claim(handle, self.rng)
        ms = int(created * 1000) - _TWITTER_EPOCH_MS
        aid = str((ms << 22) | ((i * 2654435761) & 0x3FFFFF)) if ms > 0 else str(10_000_000 + i)
        acc = SimAccount(i, aid, handle, name, created, followers, role, lang, gender, about)
        acc.user = _user_object(acc, self.rng)
        self.accounts.append(acc)
        return acc


def _user_object(a: SimAccount, rng: random.Random) -> dict[str, Any]:
    young = a.role in ("raider", "successor", "impersonator", "newcomer")
    tweets = rng.randint(1, 400) if young else rng.randint(50, 40000)
    return {
        "id": a.id,
        "username": a.handle,
        "name": a.name,
        "created_at": _iso_ms(a.created),
        "description": a.bio,
        "protected": False,
        "verified": False,
        "public_metrics": {
            "followers_count": a.followers,
            "following_count": rng.randint(3, 300 if young else 2000),
            "tweet_count": tweets,
            "listed_count": 0 if young else rng.randint(0, 40),
        },
    }


def _iso_ms(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def build_world(scn: RaidScenario, line: Timeline) -> World:
    """Every account of ``scn`` and the raid's shared artefacts (tags, links, waves)."""
    rng = random.Random(scn.seed * 1000003 + 11)
    cast = _Cast(rng)
    langs = list(scn.languages)
    weights = [scn.languages[k] for k in langs]
    main = max(scn.languages, key=lambda k: scn.languages[k])
    outlet = rng.choice(_OUTLETS)
    targets, people, relative = _targets(rng, cast, scn, line, main, outlet)
    first = people[0].first
    regulars, namesakes, pairs = _regulars(rng, cast, scn, line, langs, weights, first)
    critics = [
        _older(rng, cast, line, "critic", main, (1, 10)).index for _ in range(rng.randint(3, 25))
    ]
    supporters = [
        _older(rng, cast, line, "supporter", _lang(rng, langs, weights), (1, 12)).index
        for _ in range(min(_count(scn.support_messages / rng.uniform(1.5, 3), 0), 20000))
    ]
    viewers = [
        _older(rng, cast, line, "viewer", _lang(rng, langs, weights), (1, 12)).index
        for _ in range(min(_count(scn.spike_messages / rng.uniform(1.2, 2), 0), 10000))
    ]
    raiders, raider_pairs = _raiders(rng, cast, scn, line, main, langs, weights)
    organisers = [_organiser(rng, cast, line, main).index for _ in range(scn.organisers)]
    designators = [
        _older(
            rng,
            cast,
            line,
            "designator",
            main,
            (2, 10),
            followers=int(math.exp(rng.uniform(math.log(2000), math.log(80000)))),
        ).index
        for _ in range(scn.designating_posts)
    ]
    chains, newcomers = _chains(rng, cast, scn, line, main)
    impersonators = _impersonators(rng, cast, scn, line, targets)
    pool = raiders + organisers
    raider_weights = [rng.lognormvariate(0, 1) for _ in raiders] + [4.0] * len(organisers)
    gender = scn.target_gender
    second = "en" if main != "en" else "fr"
    waves = []
    for _ in range(scn.wave_texts):
        lang = main if rng.random() < 0.85 else second
        waves.append((lang, raid_body(rng, BANKS[lang], gender, {"n": first})))
    return World(
        accounts=cast.accounts,
        targets=targets,
        people=people,
        relative=relative,
        regulars=np.array(regulars, dtype=np.int32),
        regular_weights=_normalised([rng.paretovariate(1.3) for _ in regulars]),
        critics=np.array(critics, dtype=np.int32),
        supporters=np.array(supporters, dtype=np.int32),
        viewers=np.array(viewers, dtype=np.int32),
        raiders=np.array(pool, dtype=np.int32),
        raider_weights=_normalised(raider_weights),
        organisers=organisers,
        designators=designators,
        chains=chains,
        impersonators=impersonators,
        newcomers=newcomers,
        namesakes=namesakes,
        similar_pairs=pairs + raider_pairs,
        raid_tags=_raid_tags(rng, scn, people[0]),
        support_tag=_support_tag(rng, main, people[0]),
        origin_urls=_origins(rng, scn.origin, first),
        news_urls=_news_urls(rng),
        show=rng.choice(_SHOWS),
        outlet=outlet,
        main_lang=main,
        waves=waves,
    )


def _normalised(values: list[float]) -> np.ndarray:
    w = np.asarray(values, dtype=np.float64)
    return w / w.sum() if len(w) else w


def _count(value: float, low: int) -> int:
    return max(low, int(round(value)))


def _lang(rng: random.Random, langs: list[str], weights: list[float]) -> str:
    return rng.choices(langs, weights)[0]


def _targets(
    rng: random.Random, cast: _Cast, scn: RaidScenario, line: Timeline, main: str, outlet: str
) -> tuple[list[int], list[Person], Person]:
    lang = main if main in ("fr", "en") else "fr"
    gender = scn.target_gender
    first = first_name(rng, "fr", gender)
    surname = invented_surname(rng)
    f, s = ascii_fold(first), ascii_fold(surname)
    handle = rng.choice((f + s[:4], f[0] + s, f"{f}_{s[:3]}", s + f[0], f"{f}{s[0]}_"))[:11]
    about = (
        f"Journaliste à {outlet}. Enquêtes et terrain. Messages privés ouverts."
        if lang == "fr"
        else f"Reporter at {outlet}. Investigations. DMs open."
    )
    journalist = cast.add(
        handle,
        f"{first} {surname}",
        line.t0 - rng.uniform(6, 14) * 365 * _DAY,
        int(math.exp(rng.uniform(math.log(3000), math.log(150000)))),
        "target",
        lang,
        gender,
        about,
    )
    main_person = person(rng, first, surname, gender)
    relative_gender = rng.choice("fm")
    relative_first = first_name(rng, "fr", relative_gender)
    is_family = rng.random() < 0.5
    relative_last = surname if is_family else invented_surname(rng)
    relative = person(
        rng, relative_first, relative_last, relative_gender, foreign=rng.random() < 0.2
    )
    targets = [journalist.index]
    people = [main_person]
    if scn.targets >= 2:
        rf, rl = ascii_fold(relative_first), ascii_fold(relative_last)
        second = cast.add(
            rng.choice((rf + rl[:4], f"{rf}_{rl[:4]}", rf[0] + rl))[:11],
            f"{relative_first} {relative_last}",
            line.t0 - rng.uniform(2, 10) * 365 * _DAY,
            int(math.exp(rng.uniform(math.log(100), math.log(5000)))),
            "target",
            lang,
            relative_gender,
            "" if is_family else f"Journaliste à {outlet}.",
        )
        targets.append(second.index)
        people.append(relative)
    return targets, people, relative


def _older(
    rng: random.Random,
    cast: _Cast,
    line: Timeline,
    role: str,
    lang: str,
    years: tuple[float, float],
    followers: int | None = None,
    first: str | None = None,
) -> SimAccount:
    """An established account: created years ago, ordinary names and bio."""
    gender = rng.choice("fm")
    fname = first or first_name(rng, lang, gender)
    lname = last_name(rng, lang)
    return cast.add(
        regular_handle(rng, fname, lname),
        display_name(rng, fname, lname, role),
        line.t0 - rng.uniform(*years) * 365 * _DAY,
        followers if followers is not None else int(min(rng.lognormvariate(5.3, 1.3), 200000)),
        role,
        lang,
        gender,
        bio(rng, lang, role),
    )


def _regulars(
    rng: random.Random,
    cast: _Cast,
    scn: RaidScenario,
    line: Timeline,
    langs: list[str],
    weights: list[float],
    target_first: str,
) -> tuple[list[int], list[int], list[tuple[int, int]]]:
    n = min(max(int(scn.baseline_per_day * rng.uniform(0.4, 1.2)), 60), 30000)
    regulars = [
        _older(rng, cast, line, "regular", _lang(rng, langs, weights), (1, 12)).index
        for _ in range(n)
    ]
    namesakes = [
        _older(rng, cast, line, "regular", "fr", (1, 12), first=target_first).index
        for _ in range(rng.randint(1, 3))
    ]
    pairs = []
    for _ in range(rng.randint(2, 6)):
        a = cast.accounts[rng.choice(regulars)]
        twin = _older(rng, cast, line, "regular", a.lang, (1, 12))
        twin.handle = twin.user["username"] = evasion_handle(rng, a.handle, cast.names)
        pairs.append((a.index, twin.index))
    return regulars + namesakes + [b for _, b in pairs], namesakes, pairs


def _habits(rng: random.Random, acc: SimAccount, strong: bool) -> None:
    """Writing habits: always some for an evader, sometimes for anyone (so they mislead)."""
    bank = BANKS.get(acc.lang, BANKS["fr"])
    p = (0.6, 0.7, 0.5) if strong else (0.1, 0.15, 0.08)
    if rng.random() < p[0] and bank.misspellings:
        acc.misspelling = rng.choice(sorted(bank.misspellings.items()))
    if rng.random() < p[1]:
        acc.emoji = rng.choice(EMOJI)
    if rng.random() < p[2] or (strong and not (acc.misspelling or acc.emoji)):
        acc.sign_off = rng.choice(SIGN_OFFS)


def _raider(
    rng: random.Random,
    cast: _Cast,
    line: Timeline,
    lang: str,
    fresh: bool,
    handle: str | None = None,
    strong: bool = False,
) -> SimAccount:
    gender = rng.choice("fm")
    fname, lname = first_name(rng, lang, gender), last_name(rng, lang)
    if fresh:
        created = line.raid_start - rng.uniform(600, 14 * _DAY)
        followers, role = int(rng.expovariate(1 / 8)), "raider"
    else:
        created = line.t0 - rng.uniform(1, 8) * 365 * _DAY
        followers, role = rng.randint(5, 400), "sleeper"
    acc = cast.add(
        handle or raider_handle(rng, lang),
        display_name(rng, fname, lname, "raider"),
        created,
        followers,
        role,
        lang,
        gender,
        bio(rng, lang, "raider"),
        claimed=handle is not None,
    )
    _habits(rng, acc, strong)
    return acc


def _raiders(
    rng: random.Random,
    cast: _Cast,
    scn: RaidScenario,
    line: Timeline,
    main: str,
    langs: list[str],
    weights: list[float],
) -> tuple[list[int], list[tuple[int, int]]]:
    out = []
    for _ in range(scn.raider_accounts):
        lang = main if rng.random() < 0.85 else _lang(rng, langs, weights)
        out.append(_raider(rng, cast, line, lang, rng.random() < scn.fresh_share).index)
    pairs = []
    for _ in range(rng.randint(1, 4)):
        a = cast.accounts[rng.choice(out)]
        twin = _raider(
            rng, cast, line, a.lang, True, handle=evasion_handle(rng, a.handle, cast.names)
        )
        out.append(twin.index)
        pairs.append((a.index, twin.index))
    return out, pairs


def _organiser(rng: random.Random, cast: _Cast, line: Timeline, lang: str) -> SimAccount:
    if rng.random() < 0.5:
        acc = _older(rng, cast, line, "organiser", lang, (1, 9), followers=rng.randint(50, 3000))
    else:
        gender = rng.choice("fm")
        fname, lname = first_name(rng, lang, gender), last_name(rng, lang)
        acc = cast.add(
            raider_handle(rng, lang),
            display_name(rng, fname, lname, "raider"),
            line.raid_start - rng.uniform(2, 40) * _DAY,
            rng.randint(0, 200),
            "organiser",
            lang,
            gender,
            bio(rng, lang, "raider"),
        )
    return acc


def _chains(
    rng: random.Random, cast: _Cast, scn: RaidScenario, line: Timeline, main: str
) -> tuple[list[Chain], list[tuple[int, float]]]:
    chains, newcomers = [], []
    limit = line.end - 3 * 3600
    for _ in range(scn.evasion_chains):
        first = _raider(rng, cast, line, main, rng.random() < 0.8, strong=True)
        members, stops, statuses, resumes = [first.index], [], [], []
        stop = line.raid_start + (line.raid_end - line.raid_start) * rng.uniform(0.1, 0.6)
        for _ in range(rng.randint(1, 3)):
            longest = min(24 * 3600.0, limit - stop)
            if longest < 1800:
                break
            resume = stop + math.exp(rng.uniform(math.log(600), math.log(longest)))
            successor = _successor(
                rng,
                cast,
                cast.accounts[members[-1]],
                min(stop + rng.uniform(-3, 2) * 3600, resume - 300),
            )
            for _ in range(rng.randint(1, 2)):
                newcomers.append(_newcomer(rng, cast, successor.created, resume, main))
            members.append(successor.index)
            stops.append(stop)
            statuses.append("suspended" if rng.random() < 0.85 else "deleted")
            resumes.append(resume)
            stop = resume + rng.uniform(1, 20) * 3600
            if stop > limit:
                break
        last_start = resumes[-1] if resumes else line.raid_start
        until = min(last_start + rng.uniform(2, 36) * 3600, line.end - 1800)
        if len(members) > 1:
            chains.append(Chain(members, stops, statuses, resumes, until))
    return chains, newcomers


def _successor(rng: random.Random, cast: _Cast, prev: SimAccount, created: float) -> SimAccount:
    """The evader's next account: similar handle, often the same name or bio, same habits."""
    name = (
        prev.name
        if rng.random() < 0.5
        else rng.choice(
            (
                prev.name + " " + rng.choice(EMOJI),
                prev.name.upper(),
                prev.name + "2",
                prev.name.split(" ")[0],
            )
        )
    )
    renewed = (
        prev.bio
        if prev.bio.endswith("(nouveau compte)")
        else (f"{prev.bio} (nouveau compte)".strip())
    )
    about = prev.bio if rng.random() < 0.4 else rng.choice(("", renewed, "Compte de secours."))
    acc = cast.add(
        evasion_handle(rng, prev.handle, cast.names),
        name,
        created,
        int(rng.expovariate(1 / 5)),
        "successor",
        prev.lang,
        prev.gender,
        about,
        claimed=True,
    )
    acc.misspelling, acc.emoji, acc.sign_off = prev.misspelling, prev.emoji, prev.sign_off
    return acc


def _newcomer(
    rng: random.Random, cast: _Cast, near: float, resume: float, lang: str
) -> tuple[int, float]:
    """An unrelated account created when an evader comes back (a decoy for evasion links)."""
    created = near + rng.uniform(-2, 2) * 3600
    first_post = max(created + 300, resume + rng.uniform(-1, 1) * 3600)
    gender = rng.choice("fm")
    fname, lname = first_name(rng, lang, gender), last_name(rng, lang)
    raider = rng.random() < 0.5
    handle = raider_handle(rng, lang) if raider else regular_handle(rng, fname, lname)
    acc = cast.add(
        handle,
        display_name(rng, fname, lname, "raider" if raider else "regular"),
        created,
        int(rng.expovariate(1 / 6)),
        "raider" if raider else "newcomer",
        lang,
        gender,
        bio(rng, lang, "raider" if raider else "regular"),
    )
    _habits(rng, acc, False)
    return acc.index, first_post


def _impersonators(
    rng: random.Random, cast: _Cast, scn: RaidScenario, line: Timeline, targets: list[int]
) -> list[tuple[int, int]]:
    out = []
    for _ in range(scn.impersonators):
        which = 1 if len(targets) > 1 and rng.random() < 0.25 else 0
        target = cast.accounts[targets[which]]
        created = line.raid_start + rng.uniform(-3 * _DAY, 0.5 * (line.raid_end - line.raid_start))
        about = target.bio if rng.random() < 0.6 else "Compte officiel. Pas de parodie."
        acc = cast.add(
            impersonation_handle(rng, target.handle, cast.names),
            impersonation_name(rng, target.name),
            created,
            rng.randint(0, 80),
            "impersonator",
            target.lang,
            target.gender,
            about,
            claimed=True,
        )
        out.append((acc.index, which))
    return out


def _raid_tags(rng: random.Random, scn: RaidScenario, p: Person) -> list[str]:
    f, s = ascii_fold(p.first), ascii_fold(p.last)
    liar = "Menteuse" if p.gender == "f" else "Menteur"
    options = [
        f"BalanceTa{f}",
        f"{f}Dehors",
        f"Stop{s}",
        f"{s}{liar}",
        f"Demission{s}",
        f"{f}Out",
        f"Expose{s}",
        f"Fire{s}",
        f"{s}Gate",
        f"OnSaitTout{f}",
    ]
    return rng.sample(options, scn.raid_hashtags)


def _support_tag(rng: random.Random, lang: str, p: Person) -> str:
    f, s = ascii_fold(p.first), ascii_fold(p.last)
    if lang == "en":
        return rng.choice((f"StandWith{f}", f"IStandWith{s}", f"Support{f}"))
    return rng.choice((f"JeSoutiens{f}", f"SoutienA{f}{s}", f"TousAvec{f}"))


def _code(rng: random.Random, n: int) -> str:
    return "".join(
        rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789") for _ in range(n)
    )


def _origins(rng: random.Random, origin: str, first: str) -> list[str]:
    urls = []
    if origin.startswith("forum"):
        slug = rng.choice(_SLUGS + (f"topic-{ascii_fold(first).lower()}",))
        urls.append(
            f"https://www.jeuxvideo-forum.invalid/forums/42-51-"
            f"{rng.randint(10**7, 10**8 - 1)}-1-0-1-0-{slug}.htm"
        )
    if origin == "discord" or origin.endswith("chat") and rng.random() < 0.5:
        urls.append(f"https://discord.invalid/invite/{_code(rng, 8)}")
    elif origin == "telegram" or origin.endswith("chat"):
        urls.append(f"https://t-me.invalid/+{_code(rng, 16)}")
    return urls


def _news_urls(rng: random.Random) -> list[str]:
    kinds = ("enquete", "analyse", "reportage", "tribune")
    return [
        f"https://journal-exemple.invalid/2026/{rng.randint(1, 12):02d}/"
        f"{rng.choice(kinds)}-{rng.randint(1000, 99999)}"
        for _ in range(12)
    ]
