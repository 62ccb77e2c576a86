"""The raid detectors' explanations in plain French, for the court file's pile-on annex.

The detectors (:mod:`rempart.analysis.raid`) write their evidence in English sentences of a
few fixed shapes: an episode's explanation, a campaign account's reasons, a designating post's
burst, a ban-evasion link's signs... Each shape is known here as a regular expression and a
French template. What comes from the data (message texts, handles, names, URLs, post ids,
hashtags) is carried over verbatim, only framed in French quotation marks; counts get French
number formatting (``1 361``, ``5,5``) and times read ``2025-10-15 à 09:41 UTC``.

A sentence of several clauses (joined by ``"; "``, or each ending with ``". "``) is translated
clause by clause. It is cut at the separators outside quoted texts and parentheses first, then,
when a message with stray quotes spoils that, at any separator; a cut is kept only where every
clause has a known shape, so a ``"; "`` inside a quoted message never splits it. A sentence of
no known shape, or with a clause of none, gives ``None``: the caller then shows the English
original, marked as such.

Templates are ``str.format`` strings whose fields say how a captured part is written
(``{n:count/compte}`` is ``1 compte`` or ``2 comptes``, ``{text:q}`` is ``« text »``); see
:class:`_Formatter`. No-break spaces are put before ``: ; % »`` and after ``«`` in the
template's own words, never in the data.

Example::

    to_french('posted 13 near-copies of "dégage", a text posted by 1361 accounts during the raid')
    # 'a publié 13 quasi-copies de « dégage », un texte publié par 1 361 comptes pendant le raid'
    episode_kind_fr("harassment")   # 'harcèlement'
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

__all__ = ["NBSP", "SHAPES", "Shape", "episode_kind_fr", "to_french"]

#: No-break space: French puts one before ``: ; % »``, after ``«`` and between thousands.
NBSP = "\u00a0"

_KINDS = {"harassment": "harcèlement", "support": "soutien", "mixed": "mixte", "neutral": "neutre"}


def episode_kind_fr(kind: str) -> str:
    """An episode's kind in French (``harassment`` -> ``harcèlement``); unknown kinds as given."""
    return _KINDS.get(kind, kind)


def to_french(sentence: str) -> str | None:
    """``sentence`` (an explanation or evidence sentence of a raid finding) in plain French, or
    ``None`` when it (or one of its clauses) matches no known shape."""
    return _translate(sentence)


# ----------------------------------------------------------------------------- formatting
class _Unknown(Exception):
    """A part of a matched shape that has no French rendering (the shape then fails)."""


def _num(value: str) -> str:
    """A number written the French way: ``1361`` -> ``1 361``, ``5.5`` -> ``5,5``."""
    whole, _, frac = value.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        whole, tail = whole[:-3], whole[-3:]
        groups.insert(0, tail)
    out = NBSP.join([whole, *groups])
    return f"{out},{frac}" if frac else out


def _pick(value: str, singular: str, plural: str) -> str:
    """French agreement: the plural from 2 (0 and 1 take the singular)."""
    return plural if float(value) >= 2 else singular


def _count(value: str, singular: str, plural: str = "") -> str:
    """``value`` and the noun agreeing with it: ``1 compte``, ``2 comptes``."""
    return f"{_num(value)} {_pick(value, singular, plural or singular + 's')}"


def _q(text: str) -> str:
    """A quoted text, name or label, verbatim inside French quotation marks."""
    return f"«{NBSP}{text}{NBSP}»"


def _duration(text: str) -> str:
    """The detectors' durations: ``less than a minute``, ``42 minutes``, ``5.5 hours``,
    ``3 days``, ``2 h 05``, ``1 day 3 h``."""
    if text == "less than a minute":
        return "moins d'une minute"
    for pattern, unit in ((r"(\d+) minutes?", "minute"), (r"(\d+(?:\.\d+)?) hours?", "heure")):
        if m := re.fullmatch(pattern, text):
            return _count(m[1], unit)
    if m := re.fullmatch(r"(\d+) days?(?: (\d+) h)?", text):
        return _count(m[1], "jour") + (f" {m[2]}{NBSP}h" if m[2] else "")
    if m := re.fullmatch(r"(\d+) h (\d\d)", text):
        return f"{m[1]}{NBSP}h{NBSP}{m[2]}"
    raise _Unknown(text)


def _who(text: str) -> str:
    """``@handle``, ``account <id>`` or ``an unknown account``, in French."""
    if text.startswith("@"):
        return text
    if text.startswith("account "):
        return "le compte " + text[len("account ") :]
    if text == "an unknown account":
        return "un compte inconnu"
    raise _Unknown(text)


def _of(text: str) -> str:
    """``de @handle``, ``du compte <id>`` or ``d'un compte inconnu``."""
    who = _who(text)
    if who.startswith("le "):
        return "du " + who[3:]
    return ("d'" if who.startswith("un ") else "de ") + who


def _whom(text: str) -> str:
    """An episode's target as campaign evidence names her: ``@x``, or every case target."""
    if text.startswith("@"):
        return text
    if m := re.fullmatch(r"any case target \((.*)\)", text, re.DOTALL):
        return f"l'une des cibles du dossier ({m[1]})"
    raise _Unknown(text)


def _hours(text: str) -> str:
    """``[3, 14, 20]`` -> ``3 h, 14 h, 20 h``."""
    hours = [h.strip() for h in text.strip("[]").split(",") if h.strip()]
    return ", ".join(f"{h}{NBSP}h" for h in hours) if hours else "aucune"


def _episode_of(kind: str) -> str:
    """``l'épisode de harcèlement``, ``l'épisode mixte``..."""
    if kind not in _KINDS:
        raise _Unknown(kind)
    return "l'épisode " + ("de " if kind in ("harassment", "support") else "") + _KINDS[kind]


_WORDS = {
    "side": {"before": "avant", "after": "après"},
    "change": {
        "changed": "modifié",
        "swapped": "interverti",
        "added": "ajouté",
        "dropped": "supprimé",
    },
    "origin": {
        "a forum thread": "un fil de forum",
        "a chat invitation or group": "une invitation ou un groupe de messagerie",
        "a paste site page": "une page d'un site de partage de texte",
        "a post on a platform": "une publication sur une plateforme",
        "a web page": "une page web",
        "a news or reference site (weighs less)": "un site d'actualité ou de référence (pèse "
        "moins)",
        "the target's own site (weighs less)": "le site de la cible elle-même (pèse moins)",
    },
    "sharers": {
        "are campaign accounts": "sont des comptes de la campagne",
        "posted hostile messages or were created less than 30 days before": "ont publié des "
        "messages hostiles ou ont été créés moins de 30 jours avant",
    },
    "mention": {"mentions": "mentionne la cible", "does not mention": "ne mentionne pas la cible"},
    "how": {"replies to": "répond à", "quotes": "cite"},
    "way": {"goes up": "augmente", "goes down": "diminue"},
    "trailing": {"digit": "un chiffre final", "number": "un nombre final"},
    "unit": {"days": "jours", "hours": "heures"},
    # an impersonator's name (mine), the target's it mimics (theirs, of_theirs)
    "mine": {
        "handle": "le pseudonyme",
        "earlier handle": "l'ancien pseudonyme",
        "display name": "le nom affiché",
    },
    "theirs": {"handle": "le pseudonyme", "display name": "le nom affiché"},
    "of_theirs": {"handle": "du pseudonyme", "display name": "du nom affiché"},
    "head": {
        "Harassment raid": "Raid de harcèlement",
        "Support wave": "Vague de soutien",
        "Mixed burst (hostile and supportive messages)": "Vague mixte (messages hostiles et "
        "messages de soutien)",
        "Neutral spike": "Pic neutre",
    },
}


class _Formatter(string.Formatter):
    """Fields of a French template: ``{name:how/argument/argument}``.

    ``num`` French number; ``count/noun[/plural]`` number and agreeing noun; ``pick/singular/
    plural`` the word agreeing with the number; ``q`` quoted; ``iso`` and ``when`` a time;
    ``dur`` a duration; ``who``, ``of`` and ``whom`` an account; ``episode`` an episode kind;
    ``hours`` a list of hours; ``status`` an account status; a table of :data:`_WORDS` by its
    name; no ``how``: the part verbatim. ``opt/text`` gives the text when the part is there
    (``opt/text/how``: the text, then the part written by ``how``), nothing when it is not.
    """

    def format_field(self, value: Any, format_spec: str) -> str:
        how, *args = format_spec.split("/") if format_spec else ("",)
        if how == "opt":  # opt/text: the text alone; opt/text/how: the text and the part
            if value is None:
                return ""
            return args[0] + (self.format_field(value, "/".join(args[1:])) if args[1:] else "")
        if value is None:
            raise _Unknown(format_spec)
        text = str(value)
        if how in _WORDS:
            if text not in _WORDS[how]:
                raise _Unknown(text)
            return _WORDS[how][text]
        if how == "count":
            return _count(text, *args)
        if how == "pick":
            return _pick(text, *args)
        return _SIMPLE[how](text)


_STATUSES = {
    "suspended": "suspendu",
    "deleted": "supprimé",
    "deactivated": "désactivé",
    "withheld": "masqué par la plateforme",
    "protected": "protégé",
}
_SIMPLE: dict[str, Callable[[str], str]] = {
    "": lambda text: text,
    "status": lambda text: _STATUSES.get(text) or f"au statut {_q(text)}",
    "num": _num,
    "q": _q,
    "iso": lambda text: f"{text[:10]} à {text[11:19]} UTC",  # 2025-10-15T09:41:00Z
    "when": lambda text: f"{text[:10]} à {text[11:]}",  # 2025-10-15 09:41 UTC
    "dur": _duration,
    "who": _who,
    "of": _of,
    "whom": _whom,
    "episode": _episode_of,
    "hours": _hours,
}
_FORMAT = _Formatter()


@lru_cache(maxsize=512)
def _typography(template: str) -> str:
    """No-break spaces before ``: ; % »`` and after ``«`` in a template's own words."""
    return re.sub(r" ([:;%»])", NBSP + r"\1", template).replace("« ", "«" + NBSP)


def _fill(template: str, parts: dict[str, str | None]) -> str:
    return _FORMAT.format(_typography(template), **parts)


# --------------------------------------------------------------------------------- shapes
#: A French rendering: a template (see :class:`_Formatter`) or a function of the match.
Render = str | Callable[["re.Match[str]"], str]


@dataclass(frozen=True)
class Shape:
    """One English sentence shape: its name, its pattern (compiled when first used: some
    hundred of them would cost every command's start) and its French rendering."""

    name: str
    source: str
    render: Render

    @property
    def pattern(self) -> re.Pattern[str]:
        """The compiled pattern (``re`` keeps it in its cache)."""
        return _compiled(self.source)

    def french(self, m: re.Match[str]) -> str:
        """The French of a sentence this shape matched (``m``); ``_Unknown`` when a part has
        none."""
        if isinstance(self.render, str):
            return _fill(self.render, m.groupdict())
        return self.render(m)


def _shape(name: str, pattern: str, render: Render) -> Shape:
    return Shape(name, pattern, render)


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.DOTALL)


_ISO = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"
_WHEN = r"\d{4}-\d\d-\d\d \d\d:\d\d UTC"
_NUM = r"\d+(?:\.\d+)?"
_DUR = r"less than a minute|\d+ minutes?|\d+(?:\.\d+)? hours?|\d+ days?(?: \d+ h)?|\d+ h \d\d"
_SIDE = r"(?P<side>before|after)"
#: An account named in evasion evidence: ``@handle`` or ``account <id>``.
_WHO = r"(?:@|account )[^;]+?"
#: Two names in evasion evidence: ``('old' -> 'new')``; and in French.
_PAIR = r"\('(?P<old>.*)' -> '(?P<new>.*)'\)"
_PAIR_FR = "({old:q} → {new:q})"
#: What a display name shared with others adds to the evidence; and in French.
_SHARED = r"(?:, a name (?P<shared>\d+) other accounts active then use)?"
_SHARED_FR = (
    "{shared:opt/, un nom qu'utilisent /count/autre compte actif/autres comptes actifs}"
    "{shared:opt/ alors}"
)


_EPISODES = [
    _shape(
        "episode",
        r"(?P<head>Harassment raid|Support wave|Neutral spike"
        r"|Mixed burst \(hostile and supportive messages\))(?: aimed at (?P<target>@.+?))?: "
        rf"(?P<n>\d+) messages from (?P<a>\d+) accounts between (?P<start>{_ISO}) and "
        rf"(?P<end>{_ISO}), peaking at (?P<ratio>{_NUM}) times the usual rate "
        rf"\((?P<usual>{_NUM}) per hour usually at that time, (?P<peak>{_NUM}) per hour at the "
        r"peak\)\.",
        "{head:head}{target:opt/ visant /} : {n:count/message} de {a:count/compte} entre le "
        "{start:iso} et le {end:iso}, avec un pic à {ratio:num} fois le rythme habituel "
        "({usual:num} par heure habituellement à ce moment, {peak:num} par heure au plus fort).",
    ),
    _shape(
        "episode_scored",
        r"(?P<h>\d+)% of the (?P<n>\d+) scored messages are hostile, (?P<s>\d+)% supportive\.",
        "{h} % des {n:count/message évalué/messages évalués} sont hostiles et {s} % sont des "
        "messages de soutien.",
    ),
    _shape(
        "episode_unscored",
        r"The messages were not scored by the classifier\.",
        "Les messages n'ont pas été évalués par le classifieur.",
    ),
    _shape(
        "episode_fresh_authors",
        r"(?P<p>\d+)% of authors \((?P<f>\d+) of (?P<d>\d+) with a known creation date\) were "
        rf"created less than (?P<days>{_NUM}) days before the start\.",
        "{p} % des comptes auteurs ({f:num} sur {d:num} dont la date de création est connue) "
        "ont été créés moins de {days:count/jour} avant le début.",
    ),
    _shape(
        "episode_hashtag",
        r"(?P<p>\d+)% use #(?P<tag>.*) \(against (?P<u>\d+\.\d)% of the other messages aimed "
        r"at the target\)\.",
        "{p} % utilisent #{tag} (contre {u:num} % des autres messages visant la cible).",
    ),
    _shape(
        "episode_link",
        r"(?P<n>\d+) messages link (?P<url>.*?)(?:, first posted (?:(?P<start>at the start)|"
        rf"(?P<minutes>\d+) minutes {_SIDE} the start))?\.",
        "{n:count/message} {n:pick/contient/contiennent} le lien {url}{start:opt/, publié pour "
        "la première fois au début}{minutes:opt/, publié pour la première fois /count/minute}"
        "{side:opt/ /side}{side:opt/ le début}.",
    ),
]

_CAMPAIGN = [
    _shape(
        "wrote_designating_post",
        rf"wrote the designating post (?P<post>.+) at (?P<at>{_ISO})",
        "a écrit la publication de désignation {post} le {at:iso}",
    ),
    _shape(
        "first_sharer",
        rf"was among the first to share (?P<url>.+), (?P<d>{_DUR}) {_SIDE} the raid began",
        "a été parmi les premiers à partager {url}, {d:dur} {side:side} le début du raid",
    ),
    _shape(
        "near_copies",
        r'posted (?P<n>\d+) near-cop(?:y|ies) of "(?P<text>.*)", a text posted by (?P<a>\d+) '
        r"accounts during the raid",
        "a publié {n:count/quasi-copie} de {text:q}, un texte publié par {a:count/compte} "
        "pendant le raid",
    ),
    _shape(
        "synchronised",
        r"(?P<n>\d+) of its messages came within (?P<s>\d+) seconds of a near-copy by another "
        r"account",
        "{n:num} de ses messages {n:pick/a été publié/ont été publiés} à moins de {s} secondes "
        "d'une quasi-copie publiée par un autre compte",
    ),
    _shape(
        "account_age",
        rf"account created (?P<d>{_DUR}) {_SIDE} the raid began",
        "compte créé {d:dur} {side:side} le début du raid",
    ),
    _shape("followers", r"(?P<n>\d+) followers?", "{n:count/abonné}"),
    _shape(
        "raid_hashtag",
        r"uses #(?P<tag>.*) \((?P<a>\d+) accounts used it during the raid, (?P<b>\d+) messages "
        r"before\)",
        "utilise #{tag} ({a:count/compte} {a:pick/l'a/l'ont} utilisé pendant le raid, "
        "{b:count/message} auparavant)",
    ),
    _shape(
        "raid_link",
        r"shared the link (?P<url>.+) \((?P<a>\d+) accounts shared it during the raid\)",
        "a partagé le lien {url} ({a:count/compte} {a:pick/l'a/l'ont} partagé pendant le raid)",
    ),
    _shape(
        "answered_designating_post",
        r"replied to or quoted the designating post (?P<post>.+) \((?:(?P<once>once)|"
        r"(?P<n>\d+) times)\)",
        "a répondu à la publication de désignation {post} ou l'a citée ({once:opt/une fois}"
        "{n:opt//num}{n:opt/ fois})",
    ),
    _shape(
        "one_scored_message",
        r"its one scored message during the raid was (?P<no>not )?hostile",
        "son seul message évalué pendant le raid {no:opt/n'}était {no:opt/pas }hostile",
    ),
    _shape(
        "scored_messages_none",
        r"0 of its (?P<n>\d+) scored messages during the raid were hostile",
        "aucun de ses {n:num} messages évalués pendant le raid n'était hostile",
    ),
    _shape(
        "scored_messages",
        r"(?P<h>\d+) of its (?P<n>\d+) scored messages during the raid were hostile",
        "{h:num} de ses {n:num} messages évalués pendant le raid "
        "{h:pick/était hostile/étaient hostiles}",
    ),
    _shape(
        "nothing_before",
        r"no message from it before the raid",
        "aucun message de ce compte avant le raid",
    ),
    _shape(
        "posted_before",
        r"it had posted (?P<n>\d+) messages? before the raid",
        "le compte avait publié {n:count/message} avant le raid",
    ),
    _shape(
        "aimed_at_target",
        r"(?P<n>\d+) of its messages around the episode were aimed at (?P<whom>.+?) \(mention, "
        r"reply, quote, or under a post designating (?P<again>.+)\)",
        "{n:num} de ses messages autour de l'épisode {n:pick/visait/visaient} {whom:whom} "
        "(mention, réponse, citation, ou réponse sous une publication désignant {again:whom})",
    ),
    _shape(
        "none_aimed_around_episode",
        r"0 of its messages around the episode were aimed at (?P<whom>.+)",
        "aucun de ses messages autour de l'épisode ne visait {whom:whom}",
    ),
    _shape(
        "counts_for_designating_post",
        r"it counts for its designating post about (?P<whom>.+)",
        "le compte est retenu pour sa publication de désignation visant {whom:whom}",
    ),
    # link sharers (not campaign accounts)
    _shape(
        "link_carried_later",
        r"messages aimed at (?P<whom>.+) later carried that link",
        "des messages visant {whom:whom} ont ensuite relayé ce lien",
    ),
    _shape(
        "sharer_not_counted",
        r"0 of its messages were aimed at (?P<whom>.+?): not counted as taking part against "
        r"(?P<again>.+)",
        "aucun de ses messages ne visait {whom:whom} : il n'est pas compté comme ayant pris "
        "part contre {again:whom}",
    ),
    # coordination edges
    _shape(
        "both_near_copies",
        rf'both posted near-copies of "(?P<text>.*)" during the raid of (?P<at>{_ISO})',
        "les deux comptes ont publié des quasi-copies de {text:q} pendant le raid du {at:iso}",
    ),
    _shape(
        "both_shared_link",
        r"both shared the link (?P<url>.+)",
        "les deux comptes ont partagé le lien {url}",
    ),
    _shape(
        "answered_authors_post",
        r"replied to or quoted (?P<who>@.+?)'s designating post (?P<post>.+)",
        "a répondu à la publication de désignation {post} de {who} ou l'a citée",
    ),
    _shape(
        "both_answered_post",
        r"both replied to or quoted the designating post (?P<post>.+)",
        "les deux comptes ont répondu à la publication de désignation {post} ou l'ont citée",
    ),
    _shape(
        "synchronised_pair",
        r"posted near-copies within (?P<s>\d+) seconds of each other (?P<n>\d+) times",
        "les deux comptes ont publié des quasi-copies à moins de {s} secondes d'intervalle, à "
        "{n:num} reprises",
    ),
]

_DESIGNATING = [
    _shape(
        "burst",
        r"(?P<n>\d+) replies and quotes from (?P<a>\d+) accounts within (?P<h>\d+\.\d) hours"
        r"(?:, (?P<p>\d+)% of the scored ones hostile|(?P<none>, none scored by the "
        r"classifier)) \((?P<total>\d+) in all\)",
        "{n:count/réponse ou citation/réponses et citations} de {a:count/compte} en "
        "{h:count/heure} (sur {total:num} au total){p:opt/, dont /num}{p:opt/ % d'hostiles "
        "parmi celles évaluées par le classifieur}{none:opt/, aucune n'ayant été évaluée par "
        "le classifieur}",
    ),
    _shape(
        "burst_fresh_accounts_none",
        r"0 of these (?P<a>\d+) accounts were created less than (?P<d>\d+) days before",
        "aucun de ces {a:num} comptes n'a été créé moins de {d:count/jour} auparavant",
    ),
    _shape(
        "burst_fresh_accounts",
        r"(?P<f>\d+) of these (?P<a>\d+) accounts were created less than (?P<d>\d+) days before",
        "{f:num} de ces {a:num} comptes {f:pick/a été créé/ont été créés} moins de "
        "{d:count/jour} auparavant",
    ),
    _shape(
        "burst_supportive",
        r"(?P<n>\d+) of the replies and quotes (?:was|were) supportive",
        "{n:num} des réponses et citations {n:pick/était un message/étaient des messages} de "
        "soutien",
    ),
    _shape(
        "posted_by",
        rf'posted by (?P<who>@.+?|an unknown account) at (?P<at>{_ISO}): "(?P<text>.*)"',
        "publiée par {who:who} le {at:iso} : {text:q}",
    ),
    _shape(
        "first_reply",
        rf"the first reply or quote of the burst came (?P<d>{_DUR}) {_SIDE} it",
        "la première réponse ou citation de la vague est arrivée {d:dur} {side:side} la "
        "publication",
    ),
    _shape(
        "mentions_target",
        r"it (?P<no>does not mention|mentions) the target",
        "la publication {no:mention}",
    ),
    _shape(
        "referenced_only",
        r"the post was captured only as a referenced post \(context of replies\)",
        "la publication n'a été capturée que comme publication référencée (contexte de réponses)",
    ),
    _shape(
        "post_missing",
        r"the post (?P<post>.+) itself is not in the capture: it is known from the replies and "
        r"quotes that point to it",
        "la publication {post} elle-même ne figure pas dans la capture : elle est connue par "
        "les réponses et citations qui y renvoient",
    ),
    _shape(
        "first_came",
        rf"the first came at (?P<at>{_ISO})",
        "la première est arrivée le {at:iso}",
    ),
    _shape(
        "burst_timing",
        rf"the burst began (?P<d>{_DUR}) {_SIDE} the start of the (?P<kind>\w+) episode of "
        rf"(?P<at>{_ISO})",
        "la vague a commencé {d:dur} {side:side} le début de {kind:episode} du {at:iso}",
    ),
    _shape(
        "designates_by_repliers",
        r"it designates (?P<t>@.+?): the post does not show whom it is about, but (?P<d>\d+) of "
        r"the (?P<a>\d+) accounts piling on under it also wrote to (?P<again>@.+?) directly "
        r"\(mention, reply or quote\) within (?P<h>\d+) hours of the burst",
        "la publication désigne {t} : elle ne montre pas qui elle vise, mais {d:num} des "
        "{a:num} comptes qui s'acharnent sous elle ont aussi écrit directement à {again} "
        "(mention, réponse ou citation) dans les {h:count/heure} autour de la vague",
    ),
    _shape(
        "designates_mentions",
        r"it designates (?P<t>@.+?): it mentions (?P<again>@.+)",
        "la publication désigne {t} : elle mentionne {again}",
    ),
    _shape(
        "designates_replies_to_post",
        r"it designates (?P<t>@.+?): it (?P<how>replies to|quotes) a post of (?P<again>@.+?) "
        r"\((?P<post>.+)\)",
        "la publication désigne {t} : elle {how:how} une publication de {again} ({post})",
    ),
    _shape(
        "designates_replies_to",
        r"it designates (?P<t>@.+?): it replies to (?P<again>@.+)",
        "la publication désigne {t} : elle répond à {again}",
    ),
    _shape(
        "designates_names",
        r'it designates (?P<t>@.+?): it names (?P<again>@.+?) in its text \("(?P<named>.*)"\)',
        "la publication désigne {t} : elle nomme {again} dans son texte ({named:q})",
    ),
    # origins
    _shape(
        "origin_kind",
        r"link (?P<url>.+): (?P<kind>" + "|".join(map(re.escape, _WORDS["origin"])) + ")",
        "lien {url} : {kind:origin}",
    ),
    _shape(
        "origin_first_post",
        rf"first posted at (?P<at>{_ISO}), (?P<d>{_DUR}) {_SIDE} the raid began "
        rf'\((?P<start>{_ISO})\), by (?P<who>@.+?|an unknown account): "(?P<text>.*)"',
        "publié pour la première fois le {at:iso}, {d:dur} {side:side} le début du raid (le "
        "{start:iso}), par {who:who} : {text:q}",
    ),
    _shape(
        "origin_volume",
        r"(?P<n>\d+) messages? by (?P<a>\d+) accounts? during the raid",
        "{n:count/message} de {a:count/compte} pendant le raid",
    ),
    _shape("outside_raids", r"(?P<n>\d+) outside raids", "{n:num} en dehors des raids"),
    _shape(
        "origin_sharers",
        r"(?P<p>\d+)% of the (?P<n>\d+) accounts that shared it around the raid (?P<who>"
        + "|".join(_WORDS["sharers"])
        + ")",
        "{p} % des {n:num} comptes qui l'ont partagé autour du raid {who:sharers}",
    ),
]


# ---------------------------------------------------------------- ban evasion, impersonation
def _successor(m: re.Match[str]) -> str:
    took, _, since = m["after"].partition(" after ")
    if m["after"] == "before the stop was observed":
        after = "avant que l'arrêt du premier compte soit constaté"
    elif since == "the stop was observed":
        after = f"{_duration(took)} après la constatation de l'arrêt du premier compte"
    else:
        after = f"{_duration(took)} après sa dernière publication"
    return _fill(
        "{who:who}, {created:opt/créé le /when}{created:opt/, }première publication le "
        "{first:when} ({after})",
        {**m.groupdict(), "after": after},
    )


def _label(text: str) -> str:
    """A character label of ``read_as``: ``'К'`` or ``'К' (cyrillic capital letter ka)``
    (Unicode character names kept as they are)."""
    if m := re.fullmatch(r"'(.*)'(?: \(([a-z0-9 ,+\-]+)\))?", text, re.DOTALL):
        return _q(m[1]) + (f" ({m[2]})" if m[2] else "")
    raise _Unknown(text)


_LABEL = r"'.*'(?: \([a-z0-9 ,+\-]+\))?"
#: The notes of ``read_as`` (``'4' is read as 'a'``), joined by "; " in the evidence: pattern
#: (character labels ``a`` and ``b``) and French template.
_NOTES = [
    (re.compile(p, re.DOTALL), template)
    for p, template in (
        (rf"(?P<a>{_LABEL}) is read as (?P<b>{_LABEL})", "{a} lu comme {b}"),
        (rf"(?P<a>{_LABEL}) stands for (?P<b>{_LABEL})", "{a} pour {b}"),
        (rf"(?P<a>{_LABEL}) instead of (?P<b>{_LABEL})", "{a} au lieu de {b}"),
        (rf"(?P<a>{_LABEL}) left out", "{a} omis"),
        (rf"(?P<a>{_LABEL}) added", "{a} ajouté"),
        (r"separators differ", "séparateurs"),
        (r"letter case is ignored", "majuscules et minuscules"),
        (
            r"styled or full-width letters \(Unicode compatibility forms\)",
            "lettres stylisées ou en pleine chasse (formes de compatibilité Unicode)",
        ),
        (r"(?P<n>\d+) invisible character\(s\) hidden in it", "{n} dans le nom"),
    )
]


def _note(text: str) -> str | None:
    """One note of ``read_as`` in French (``None`` when unknown)."""
    for pattern, template in _NOTES:
        if m := pattern.fullmatch(text):
            try:
                parts = {k: _label(v) for k, v in m.groupdict().items() if k in ("a", "b")}
            except _Unknown:
                continue
            if m.groupdict().get("n"):
                hidden = _pick(m["n"], "caché", "cachés")
                parts["n"] = _count(m["n"], "caractère invisible", "caractères invisibles")
                parts["n"] += f" {hidden}"
            return template.format(**parts)
    return None


def _notes(text: str, titled: bool = True) -> str:
    """How one name turns into another (``read_as``, notes joined by "; "), in French,
    ``titled`` ``différence : …`` or ``différences : …; …`` (empty when there is none)."""
    if not text:
        return ""
    found = _split(text, _note, "; ")
    if found is None:
        raise _Unknown(text)
    if not titled:
        return found
    return ("différences" if _JOINERS["; "] in found else "différence") + f"{NBSP}: {found}"


_HABITS = [
    (r"the sign '(?P<v>.*)'", "le signe {}"),
    (r"the punctuation '(?P<v>.*)'", "la ponctuation {}"),
    (r"ending messages with '(?P<v>.*)'", "des messages terminés par {}"),
]


def _habit(text: str) -> str | None:
    """A habit as ``behaviour.describe`` words it, in French."""
    for pattern, template in _HABITS:
        if m := re.fullmatch(pattern, text, re.DOTALL):
            return template.format(_q(m["v"]))
    return None


def _rare_habit(text: str) -> str | None:
    """One rare habit shared by two accounts, with how often each shows it."""
    m = re.fullmatch(
        r"(?P<habit>.+) \(in (?P<a>\d+/\d+) and (?P<b>\d+/\d+) of their messages, a habit of "
        r"(?P<u>\d+) of (?P<s>\d+) sampled accounts\)",
        text,
        re.DOTALL,
    )
    habit = _habit(m["habit"]) if m else None
    if m is None or habit is None:
        return None
    return habit + _fill(
        " (dans {a} et {b} de leurs messages, une habitude de {u:num} des {s:num} comptes de "
        "l'échantillon)",
        m.groupdict(),
    )


def _style_habit(text: str) -> str | None:
    """What two accounts' texts share (``evasion_style``): a sign-off, rare words."""
    if m := re.fullmatch(r"same sign-off '(?P<s>.*)'", text, re.DOTALL):
        return f"même formule finale {_q(m['s'])}"
    if m := re.fullmatch(r"both use the rare words (?P<words>'.*')", text, re.DOTALL):
        words = re.findall(r"'([^']*)'", m["words"])
        if ", ".join(f"'{w}'" for w in words) == m["words"]:
            return "tous deux emploient les mots rares " + ", ".join(map(_q, words))
    return None


def _list(text: str, one: Callable[[str], str | None], separator: str) -> str:
    found = _split(text, one, separator)
    if found is None:
        raise _Unknown(text)
    return found


def _style(m: re.Match[str]) -> str:
    habits = f" ({_list(m['habits'], _style_habit, '; ')})" if m["habits"] is not None else ""
    return (
        _fill(
            "{cos:opt/similarité de style d'écriture de /num}{little:opt/trop peu de texte "
            "personnel pour comparer les styles,} sur {a:num} et {b:count/message}",
            m.groupdict(),
        )
        + habits
    )


def _profile_gone(m: re.Match[str]) -> str:
    one = m["its"] == "its id and posts"
    first, _, second = m["which"].partition(" and ")
    if one == bool(second):
        raise _Unknown(m["which"])
    whose = _of(m["which"]) if one else f"{_of(first)} et {_of(second)}"
    template = (
        "le profil {whose} ne figure pas dans la capture (seulement son identifiant et ses "
        "publications)"
        if one
        else "les profils {whose} ne figurent pas dans la capture (seulement leurs identifiants "
        "et leurs publications)"
    )
    rest = " : le lien repose sur le seul calendrier, la cible et les habitudes d'écriture"
    return _fill(template + rest, {"whose": whose})


_EVASION = [
    _shape(
        "stopped",
        rf"(?P<who>{_WHO}) (?P<status>\w+) \(observed (?P<seen>{_WHEN})\)"
        rf"(?:, last post (?P<last>{_WHEN}))?",
        "{who:who} {status:status} (constaté le {seen:when}){last:opt/, dernière publication "
        "le /when}",
    ),
    _shape(
        "fell_silent",
        rf"(?P<who>{_WHO}) silent after (?P<when>{_WHEN})",
        "{who:who} n'a plus rien publié après le {when:when}",
    ),
    _shape(
        "successor",
        rf"(?P<who>{_WHO}), (?:created (?P<created>{_WHEN}), )?first post (?P<first>{_WHEN}) "
        rf"\((?P<after>before the stop was observed|(?:{_DUR}) after (?:the stop was observed"
        r"|its last post))\)",
        _successor,
    ),
    _shape(
        "only_fell_silent",
        r"the first account only fell silent",
        "le premier compte a seulement cessé de publier",
    ),
    _shape(
        "no_stop_observed",
        r"no suspension or deletion was observed",
        "aucune suspension ni suppression n'a été constatée",
    ),
    _shape(
        "handle_reads_same",
        rf"handle reads the same once (?P<how>.+) {_PAIR}",
        lambda m: _fill(
            "le pseudonyme se lit de la même façon ({how}) " + _PAIR_FR,
            {**m.groupdict(), "how": _notes(m["how"])},
        ),
    ),
    _shape(
        "handle_number_moves",
        rf"handle differs only by its trailing number, which (?P<way>goes up|goes down) "
        rf"\((?P<a>\d+) -> (?P<b>\d+)\) {_PAIR}",
        "le pseudonyme ne diffère que par son nombre final, qui {way:way} ({a} → {b}) " + _PAIR_FR,
    ),
    _shape(
        "handle_digits_shared",
        rf"handle differs only by its trailing digits {_PAIR}, but (?P<n>\d+) other accounts "
        r"active then share that stem",
        "le pseudonyme ne diffère que par ses chiffres finaux "
        + _PAIR_FR
        + ", mais {n:count/autre compte actif/autres comptes actifs} alors partagent ce radical",
    ),
    _shape(
        "handle_trailing_digit",
        rf"handle differs only by a trailing (?P<what>digit|number) {_PAIR}",
        "le pseudonyme ne diffère que par {what:trailing} " + _PAIR_FR,
    ),
    _shape(
        "handle_number_differs",
        rf"handle differs only by its trailing number \((?P<a>\d+) -> (?P<b>\d+)\) {_PAIR}",
        "le pseudonyme ne diffère que par son nombre final ({a} → {b}) " + _PAIR_FR,
    ),
    _shape(
        "handle_character_edit",
        rf"handle has one character (?P<change>changed|added|dropped) {_PAIR}",
        "le pseudonyme a un caractère {change:change} " + _PAIR_FR,
    ),
    _shape(
        "handle_characters_swapped",
        rf"handle has two neighbouring characters swapped {_PAIR}",
        "le pseudonyme a deux caractères voisins intervertis " + _PAIR_FR,
    ),
    _shape(
        "handle_affix",
        rf"handle is the same name with an added or dropped affix {_PAIR}",
        "le pseudonyme est le même nom, avec un affixe ajouté ou retiré " + _PAIR_FR,
    ),
    _shape(
        "handle_swaps_letters",
        rf"handle swaps two letters {_PAIR}",
        "le pseudonyme intervertit deux lettres " + _PAIR_FR,
    ),
    _shape(
        "handle_one_letter",
        rf"handle differs by one letter {_PAIR}",
        "le pseudonyme diffère d'une lettre " + _PAIR_FR,
    ),
    _shape(
        "handle_letter_edit",
        rf"handle has one letter (?P<change>added|dropped) {_PAIR}",
        "le pseudonyme a une lettre {change:change}e " + _PAIR_FR,
    ),
    _shape(
        "handles_share_beginning",
        rf"handles share the beginning '(?P<seen>.*)' {_PAIR}",
        "les pseudonymes commencent de la même façon, par {seen:q} " + _PAIR_FR,
    ),
    _shape(
        "handles_unrelated",
        r"handles '(?P<a>.*)' and '(?P<b>.*)' are unrelated",
        "les pseudonymes {a:q} et {b:q} n'ont aucun rapport",
    ),
    _shape(
        "display_affix",
        rf"display names differ only by an affix {_PAIR}{_SHARED}",
        "les noms affichés ne diffèrent que par un affixe " + _PAIR_FR + _SHARED_FR,
    ),
    _shape(
        "display_same",
        rf"same display name '(?P<name>.*)'{_SHARED}",
        "même nom affiché {name:q}" + _SHARED_FR,
    ),
    _shape(
        "display_reads_same",
        rf"display names read the same {_PAIR}{_SHARED}",
        "les noms affichés se lisent de la même façon " + _PAIR_FR + _SHARED_FR,
    ),
    _shape(
        "display_share_words",
        rf"display names share words {_PAIR}",
        "les noms affichés ont des mots en commun " + _PAIR_FR,
    ),
    _shape(
        "display_one_letter",
        rf"display names differ by one letter {_PAIR}",
        "les noms affichés diffèrent d'une lettre " + _PAIR_FR,
    ),
    _shape(
        "display_differ",
        rf"display names differ {_PAIR}",
        "les noms affichés diffèrent " + _PAIR_FR,
    ),
    _shape(
        "bio_announces",
        r"the new bio announces a new or backup account \('(?P<bio>.*)'\)"
        r"(?: and repeats the old bio '(?P<old>.*)')?",
        "la nouvelle biographie annonce un nouveau compte ou un compte de secours ({bio:q})"
        "{old:opt/ et reprend l'ancienne biographie /q}",
    ),
    _shape(
        "bio_same_shared",
        r"same bio '(?P<bio>.*)', used by (?P<n>\d+) other accounts active then",
        "même biographie {bio:q}, utilisée par {n:count/autre compte actif/autres comptes "
        "actifs} alors",
    ),
    _shape("bio_same", r"same bio '(?P<bio>.*)'", "même biographie {bio:q}"),
    _shape(
        "bios_alike",
        r"bios (?P<p>\d+)% alike \('(?P<bio>.*)'\)",
        "biographies semblables à {p} % ({bio:q})",
    ),
    _shape("bios_differ", r"bios differ", "les biographies diffèrent"),
    _shape(
        "both_aimed_at_target",
        r"both aimed messages at (?P<t>@.+?) \((?P<a>\d+) and (?P<b>\d+) messages\)",
        "les deux comptes ont visé {t} ({a:num} et {b:count/message})",
    ),
    _shape(
        "aimed_nothing",
        r"the new account aimed nothing at the old one's targets",
        "le nouveau compte n'a rien adressé aux cibles de l'ancien",
    ),
    _shape(
        "writing_style",
        r"(?:writing style similarity (?P<cos>-?\d+\.\d+)|(?P<little>little personal text to "
        r"compare styles)) over (?P<a>\d+) and (?P<b>\d+) messages(?: \((?P<habits>.*)\))?",
        _style,
    ),
    _shape(
        "rare_habits",
        r"same writing habits: (?P<habits>.+)",
        lambda m: (
            _fill("mêmes habitudes d'écriture : ", {}) + _list(m["habits"], _rare_habit, "; ")
        ),
    ),
    _shape(
        "common_habits",
        r"shared habits, common in the case: (?P<habits>.+)",
        lambda m: (
            _fill("habitudes partagées, courantes dans le dossier : ", {})
            + _list(m["habits"], _habit, ", ")
        ),
    ),
    _shape(
        "posting_hours",
        r"posting hours alike (?P<sim>\d+\.\d+) \(busiest UTC hours (?P<a>\[[\d, ]*\]) and "
        r"(?P<b>\[[\d, ]*\])\)",
        "similarité des heures de publication de {sim:num} (heures UTC les plus actives : "
        "{a:hours} pour le premier compte ; {b:hours} pour le second)",
    ),
    _shape(
        "created_before_last_post",
        rf"(?P<b>{_WHO}) was created (?P<d>{_DUR}) before the last post of (?P<a>{_WHO})",
        "{b:who} a été créé {d:dur} avant la dernière publication {a:of}",
    ),
    _shape(
        "profile_gone",
        r"the profile of (?P<which>.+) is not in the capture \(only (?P<its>its id and posts"
        r"|their ids and posts)\): the link rests on timing, target and writing habits alone",
        _profile_gone,
    ),
]

_MINE = r"(?P<label>handle|earlier handle|display name) '(?P<mine>.*)'"
_MINE_FR = "{label:mine} {mine:q}"
_THEIRS = r"the target's (?P<kind>handle|display name) '(?P<theirs>.*)'"
_THEIRS_FR = "{kind:theirs} de la cible {theirs:q}"


def _with_notes(template: str) -> Render:
    """A template whose ``{how}`` is a ``read_as`` text (in parentheses when not empty)."""

    def render(m: re.Match[str]) -> str:
        notes = _notes(m["how"], titled=False)
        return _fill(template, {**m.groupdict(), "how": f" ({notes})" if notes else ""})

    return render


_IMPERSONATION = [
    _shape(
        "copied_bio",
        r"bio copies the target's bio \('(?P<bio>.*)'\)",
        "la biographie reprend celle de la cible ({bio:q})",
    ),
    _shape(
        "created_after_target",
        r"account created (?P<n>\d+) (?P<unit>days|hours) after the target's account",
        "compte créé {n:num} {unit:unit} après celui de la cible",
    ),
    _shape(
        "took_handle_later",
        r"an older account than the target's that took its look-alike handle later "
        r"\(earlier handle '(?P<h>.*)'\)",
        "un compte plus ancien que celui de la cible, qui a pris plus tard son pseudonyme "
        "ressemblant (ancien pseudonyme {h:q})",
    ),
    _shape(
        "name_reads_as",
        rf"{_MINE} reads as {_THEIRS} once (?P<how>.+)",
        lambda m: _fill(
            _MINE_FR + " se lit comme " + _THEIRS_FR + " ({how})",
            {**m.groupdict(), "how": _notes(m["how"])},
        ),
    ),
    _shape(
        "name_with_affix",
        rf"{_MINE} is {_THEIRS} with an added affix \((?P<how>.*)\)",
        _with_notes(_MINE_FR + " est " + _THEIRS_FR + " avec un affixe ajouté{how}"),
    ),
    _shape(
        "name_one_character",
        rf"{_MINE} differs from {_THEIRS} by a single character \((?P<how>.*)\)",
        _with_notes(
            _MINE_FR + " diffère {kind:of_theirs} de la cible {theirs:q} d'un seul caractère{how}"
        ),
    ),
    _shape(
        "name_invisible_characters",
        rf"{_MINE} is {_THEIRS} with invisible characters hidden in it "
        r"\((?P<codes>U\+[0-9A-F]{4,6}(?:, U\+[0-9A-F]{4,6})*)\), so it looks identical",
        _MINE_FR + " est " + _THEIRS_FR + " avec des caractères invisibles cachés ({codes}), "
        "si bien qu'il paraît identique",
    ),
    _shape(
        "name_styled_letters",
        rf"{_MINE} is {_THEIRS} written with styled or full-width letters \(Unicode "
        r"compatibility forms\), so it looks identical",
        _MINE_FR + " est " + _THEIRS_FR + " écrit en lettres stylisées ou en pleine chasse "
        "(formes de compatibilité Unicode), si bien qu'il paraît identique",
    ),
    _shape(
        "display_name_copied",
        r"display name copied exactly '(?P<name>.*)' \(the target's display name\)",
        "nom affiché copié à l'identique {name:q} (le nom affiché de la cible)",
    ),
    _shape("name_copies", rf"{_MINE} copies {_THEIRS}", _MINE_FR + " reprend " + _THEIRS_FR),
]

#: Every known shape, tried in this order: the first that matches a clause, and renders it,
#: gives its French.
SHAPES: tuple[Shape, ...] = (*_EPISODES, *_CAMPAIGN, *_DESIGNATING, *_EVASION, *_IMPERSONATION)


# ------------------------------------------------------------------------------- clauses
@lru_cache(maxsize=65_536)
def _clause(text: str) -> str | None:
    """One clause in French: the first shape that matches it and renders."""
    for shape in SHAPES:
        m = shape.pattern.fullmatch(text)
        if m is not None:
            try:
                return shape.french(m)
            except _Unknown:
                continue
    return None


#: The most separators a sentence's cuts are chosen among (bounds the work on hostile texts).
MAX_CUTS = 64
#: Clause separators: "; " and the space after a full stop (the stop stays with its clause).
_SEPARATORS = re.compile(r"; |(?<=\.) ")
_JOINERS = {"; ": NBSP + "; ", " ": " "}


def _cuts(text: str, separator: str | None, outside: bool) -> list[tuple[int, int, str]]:
    """Where ``text`` may be cut: (end of the left clause, start of the right one, French
    joiner). ``outside``: only outside double-quoted texts and parentheses."""
    pattern = _SEPARATORS if separator is None else re.compile(re.escape(separator))
    inside = _inside(text) if outside else None
    return [
        (m.start(), m.end(), _JOINERS.get(m.group(), m.group()))
        for m in pattern.finditer(text)
        if inside is None or not inside[m.start()]
    ][:MAX_CUTS]


def _inside(text: str) -> list[bool]:
    """Per character: whether it is inside a double-quoted text or parentheses."""
    quoted, depth, out = False, 0, []
    for ch in text:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
        elif not quoted and ch == ")" and depth:
            depth -= 1
        out.append(quoted or depth > 0)
    return out


def _segment(
    text: str, cuts: list[tuple[int, int, str]], one: Callable[[str], str | None]
) -> str | None:
    """``text`` cut at some of ``cuts`` into clauses that ``one`` all translates, joined again;
    ``None`` when no cut works.

    The nearest cut is tried first, the rest of the text whole last: a free-text part (a
    hashtag, a link, a quoted text) is matched greedily and would otherwise swallow the clauses
    after it. A cut is kept only if all that follows translates too.
    """
    failed: set[int] = set()

    def rest(start: int) -> str | None:
        if start in failed:
            return None
        for left_end, right_start, joiner in cuts:
            if left_end <= start:
                continue
            head = one(text[start:left_end])
            tail = rest(right_start) if head is not None else None
            if head is not None and tail is not None:
                return head + joiner + tail
        whole = one(text[start:])
        if whole is None:
            failed.add(start)
        return whole

    return rest(0)


def _split(text: str, one: Callable[[str], str | None], separator: str | None = None) -> str | None:
    """``text`` translated clause by clause with ``one``, cut at ``separator`` (clause
    separators when ``None``): outside quotes and parentheses first, then anywhere."""
    tried: list[tuple[int, int, str]] | None = None
    for outside in (True, False):
        cuts = _cuts(text, separator, outside)
        if cuts != tried:
            tried = cuts
            found = _segment(text, cuts, one)
            if found is not None:
                return found
    return None


@lru_cache(maxsize=65_536)
def _translate(sentence: str) -> str | None:
    return _split(sentence, _clause) if sentence else None
