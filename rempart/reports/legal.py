"""Candidate French offences for messages and authors, with their reasons and deadlines.

An aid for a lawyer, **not legal advice**: each candidate says which elements the data supports
(the classifier's categories, the audience, repetition by the same author, the pile-on context)
and which remain for the lawyer to establish (harm to the victim's health, the author's
knowledge of the repetition…). The offences, articles, penalties and prescription periods come
from ``resources/offences.csv`` (a copy of the project's legal reference); every point the
reference marks **unverified** stays marked in what this module returns.

Deadlines: press-law offences (injure, diffamation, provocation) run out **3 months** after
first publication, **1 year** for their discriminatory forms (loi 1881 art. 65, 65-3); délits
run 6 years and contraventions 1 year from the act; harassment, an offence of habit, from the
last act (a rule the reference marks unverified for 222-33-2-2). A plain complaint does not stop
the press-law clock.

Example::

    offences = load_offences()
    found = qualify_message(MessageFacts("x:1", created, "public", ("insult",), "…"), offences)
    found[0].offence.id, found[0].deadline     # 'injure_publique', created + 3 months
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from importlib import resources

from ..models import JSONObject, JSONValue

__all__ = [
    "DISCLAIMER_EN",
    "DISCLAIMER_FR",
    "AuthorFacts",
    "MessageFacts",
    "Offence",
    "Qualification",
    "add_period",
    "deadlines",
    "load_offences",
    "qualify_author",
    "qualify_message",
    "unverified_words",
]

DISCLAIMER_FR = (
    "Aide à la qualification destinée à un avocat ; ce n'est pas un conseil juridique. Vérifier "
    "chaque article sur Légifrance à la date des faits ; les points marqués « non vérifié » "
    "n'ont été confirmés par aucune source."
)
DISCLAIMER_EN = (
    "An aid for a lawyer, not legal advice. Check each article on Légifrance at the date of the "
    "facts; points marked 'unverified' were confirmed by no source."
)

#: Audiences that make a message public (the press law applies); the others are private.
PUBLIC_AUDIENCES = ("public",)
#: Words that make a threat a death threat (French and English), checked on the text.
_DEATH = re.compile(
    r"\b(tuer|tue|tué|crever|crève|mort|morte|buter|bute|égorger|egorger|abattre|kill|dead|"
    r"die|murder)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Offence:
    """One row of the offences reference: an id, French and English labels, the article, the
    regime (``cp`` délit, ``contrav`` contravention, ``press`` loi 1881), penalties, the
    prescription period (``3m``, ``1y``, ``6y``) and what starts it."""

    id: str
    label_fr: str
    label_en: str
    article: str
    regime: str
    penalty_base: str
    penalty_max_aggravated: str
    prescription: str
    prescription_start: str

    @property
    def unverified(self) -> tuple[str, ...]:
        """The fields the reference marks unverified."""
        return tuple(
            name
            for name in (
                "article",
                "penalty_base",
                "penalty_max_aggravated",
                "prescription",
                "prescription_start",
            )
            if "unverified" in getattr(self, name)
        )

    def to_json(self) -> JSONObject:
        return {
            "id": self.id,
            "label_fr": self.label_fr,
            "label_en": self.label_en,
            "article": self.article,
            "regime": self.regime,
            "penalty_base": self.penalty_base,
            "penalty_max_aggravated": self.penalty_max_aggravated,
            "prescription": self.prescription,
            "prescription_start": self.prescription_start,
            "unverified": list(self.unverified),
        }


@cache
def load_offences() -> dict[str, Offence]:
    """The offences reference shipped with rempart, by id."""
    text = (resources.files(__package__) / "resources" / "offences.csv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    return {
        row["id"]: Offence(
            row["id"],
            row["label_fr"],
            row["label_en"],
            row["article"],
            row["regime"],
            row["penalty_base"],
            row["penalty_max_aggravated"],
            row["prescription_days_or_months"],
            row["prescription_start"],
        )
        for row in rows
    }


@dataclass(frozen=True)
class MessageFacts:
    """What the data says about one message: its reference (``platform:id``), when it was
    first published, its audience (``public``, ``followers``, ``direct``, ``sms``), the
    classifier's labels and its text (read for death threats only)."""

    ref: str
    created_at: datetime | None
    audience: str
    labels: tuple[str, ...]
    text: str = ""


@dataclass(frozen=True)
class AuthorFacts:
    """What the data says about one author towards the target: their hostile messages (in
    order), whether the raid analysis counts them in a campaign (concerted pile-on), whether
    they wrote hostile messages within a harassment episode (successive pile-on), and whether
    they impersonate the target."""

    account: str
    hostile: tuple[MessageFacts, ...]
    campaign: bool = False
    in_episode: bool = False
    impersonator: bool = False


@dataclass(frozen=True)
class Qualification:
    """A candidate offence: why the data points to it (``reasons``), what the lawyer must still
    establish (``to_establish``), what the deadline runs from and the deadline itself (None
    when the data gives no date), and the messages it rests on."""

    offence: Offence
    reasons: tuple[str, ...]
    to_establish: tuple[str, ...] = ()
    starts: date | None = None
    deadline: date | None = None
    messages: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> JSONObject:
        return {
            "offence": self.offence.to_json(),
            "reasons": list(self.reasons),
            "to_establish": list(self.to_establish),
            "starts": self.starts.isoformat() if self.starts else None,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "messages": list(self.messages),
        }


def add_period(start: date, period: str) -> date:
    """``start`` plus a prescription period written ``3m``, ``1y`` or ``6y`` (calendar months
    and years; the 29th, 30th or 31st of a shorter month becomes its last day)."""
    match = re.fullmatch(r"(\d+)([my])", period.strip())
    if match is None:
        raise ValueError(f"unknown prescription period {period!r}")
    n, unit = int(match.group(1)), match.group(2)
    months = start.month - 1 + (n if unit == "m" else 12 * n)
    year, month = start.year + months // 12, months % 12 + 1
    for day in (start.day, 30, 29, 28):
        try:
            return date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def _deadline(offence: Offence, start: datetime | None) -> tuple[date | None, date | None]:
    if start is None:
        return None, None
    day = start.date()
    period = offence.prescription.split("(")[0]
    return day, add_period(day, period)


def qualify_message(
    facts: MessageFacts, offences: dict[str, Offence] | None = None
) -> list[Qualification]:
    """The offences one message may amount to on its own, with their reasons and deadlines."""
    table = offences or load_offences()
    labels = set(facts.labels)
    public = facts.audience in PUBLIC_AUDIENCES
    place = (
        "message public (audience : tout le monde)"
        if public
        else f"message non public (audience : {facts.audience})"
    )
    bias = "identity_attack" in labels
    out: list[Qualification] = []

    def add(oid: str, reasons: list[str], to_establish: tuple[str, ...] = ()) -> None:
        offence = table[oid]
        starts, deadline = _deadline(offence, facts.created_at)
        out.append(
            Qualification(offence, (*reasons, place), to_establish, starts, deadline, (facts.ref,))
        )

    if "threat" in labels:
        death = bool(_DEATH.search(facts.text))
        add(
            "menace_mort" if death else "menace",
            ["catégorie « menace » du classifieur", "menace matérialisée par un écrit"]
            + (["le texte évoque la mort de la cible"] if death else []),
            ("que la menace vise une personne déterminée (la cible)",),
        )
    if "insult" in labels:
        if public:
            add(
                "injure_publique_discri" if bias else "injure_publique",
                ["catégorie « insulte » du classifieur"]
                + (["vise une caractéristique protégée"] if bias else []),
                ("l'absence de provocation préalable",),
            )
        else:
            add("injure_non_publique", ["catégorie « insulte » du classifieur"])
    if "defamation" in labels and public:
        add(
            "diffamation_publique_discri" if bias else "diffamation_publique",
            ["catégorie « diffamation » du classifieur : imputation d'un fait précis"]
            + (["vise une caractéristique protégée"] if bias else []),
            ("que le fait imputé est précis et porte atteinte à l'honneur",),
        )
    if bias and public and "insult" not in labels and "defamation" not in labels:
        add(
            "provocation_haine",
            ["catégorie « attaque identitaire » du classifieur"],
            ("un appel, explicite ou implicite, à la haine ou à la discrimination",),
        )
    if "incitement" in labels and public:
        add(
            "provocation_crime",
            ["catégorie « appel à agir contre la cible » du classifieur"],
            ("que l'appel vise des atteintes aux personnes (violences, meurtre)",),
        )
    if "sexual_harassment" in labels:
        add(
            "outrage_sexiste",
            ["catégorie « harcèlement sexuel » du classifieur"],
            ("la connotation sexuelle ou sexiste et l'atteinte à la dignité",),
        )
    if "doxxing" in labels:
        add(
            "doxxing",
            ["divulgation d'informations personnelles permettant de localiser"],
            ("l'intention d'exposer la cible à un risque direct",),
        )
    return out


def qualify_author(
    author: AuthorFacts, offences: dict[str, Offence] | None = None
) -> list[Qualification]:
    """The offences an author's conduct towards the target may amount to as a whole:
    harassment by repetition, pile-on harassment (concerted or successive), sexual harassment
    by repetition, and impersonation. Harassment runs from the last act."""
    table = offences or load_offences()
    hostile = author.hostile
    refs = tuple(m.ref for m in hostile)
    times = [m.created_at for m in hostile if m.created_at is not None]
    last = max(times) if times else None
    health = "une dégradation des conditions de vie et de la santé de la victime (certificat, ITT)"
    out: list[Qualification] = []

    def add(
        oid: str, reasons: list[str], to_establish: tuple[str, ...], start: datetime | None = last
    ) -> None:
        offence = table[oid]
        starts, deadline = _deadline(offence, start)
        out.append(Qualification(offence, tuple(reasons), to_establish, starts, deadline, refs))

    if len(hostile) >= 2:
        add("harcelement_moral", [f"{len(hostile)} messages hostiles du même auteur"], (health,))
    if author.campaign and hostile:
        add(
            "raid_concerte",
            [
                "compte rattaché à la campagne par l'analyse du raid",
                "participation personnelle à une répétition imposée par plusieurs",
            ],
            (health, "la concertation ou l'instigation"),
        )
    elif author.in_episode and hostile:
        add(
            "raid_successif",
            ["message hostile au cœur d'un épisode de harcèlement en meute"],
            (
                health,
                "que l'auteur savait s'inscrire dans une répétition (contexte du fil, "
                "mot-dièse, message désignant la cible)",
            ),
        )
    sexual = [m for m in hostile if "sexual_harassment" in m.labels]
    if len(sexual) >= 2:
        add(
            "harcelement_sexuel",
            [f"{len(sexual)} messages à connotation sexuelle ou sexiste"],
            ("l'atteinte à la dignité ou la situation intimidante, hostile ou offensante",),
        )
    if author.impersonator:
        first = min(times) if times else None
        add(
            "usurpation_identite",
            ["compte présenté comme celui de la cible (analyse du raid)"],
            ("le but de troubler la tranquillité de la cible ou de nuire à sa réputation",),
            start=first,
        )
    return out


def deadlines(found: list[Qualification]) -> list[Qualification]:
    """The qualifications that have a deadline, soonest first (then by offence and message)."""
    dated = [q for q in found if q.deadline is not None]
    return sorted(dated, key=lambda q: (q.deadline, q.offence.id, q.messages))


#: How the fields the legal reference marks unverified are named to a reader.
UNVERIFIED_WORDS = {
    "fr": {
        "article": "article",
        "penalty_base": "peine",
        "penalty_max_aggravated": "peine aggravée",
        "prescription": "délai de prescription",
        "prescription_start": "point de départ du délai",
    },
    "en": {
        "article": "article",
        "penalty_base": "penalty",
        "penalty_max_aggravated": "aggravated penalty",
        "prescription": "prescription period",
        "prescription_start": "when the period starts",
    },
}


def unverified_words(fields: Iterable[JSONValue], lang: str = "fr") -> str:
    """The unverified fields of an offence as words (``point de départ du délai``)."""
    words = UNVERIFIED_WORDS.get(lang, UNVERIFIED_WORDS["fr"])
    return ", ".join(words.get(str(f), str(f)) for f in fields)
