"""Editable plain-text drafts built from the court file's data: a complaint to the prosecutor,
a complaint with civil-party petition to the investigating judge, and a PHAROS report.

They are an aid, **not legal advice**: each opens with the disclaimer, leaves the victim's
details as placeholders in brackets (``[NOM, PRÉNOM]``), cites the dossier's exhibit numbers
(*pièces n°*, the same as in ``rempart report`` made with the same filters, whose exhibit list
is the *bordereau*), lists the prescription deadlines, and keeps every point the project's legal
reference marks *unverified* marked. Message-derived text is shown through
:func:`rempart.reports.html.visible` (controls, bidirectional overrides and zero-width
characters as visible escapes), so a quoted message cannot reorder or hide the draft's text.

What the reference does and does not confirm, as the drafts say it:

- a *plainte simple* does not stop the 3-month press-law clock; a *plainte avec constitution
  de partie civile* (CPP art. 85) or a *citation directe* does (loi 1881 art. 65);
- the usual conditions of a civil-party petition (a prior complaint, then three months or a
  decision not to prosecute), their waiver for press-law délits, and the deposit
  (*consignation*) the judge sets: **unverified**;
- PHAROS takes **public** illegal content and is not a complaint; whether it takes insults and
  defamation is disputed between sources (**unverified**).

Example::

    drafts = render_drafts(dossier.data)
    print(drafts["plainte-procureur.txt"])
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import JSONObject, JSONValue, json_dict, json_list, json_objects
from .html import visible
from .legal import DISCLAIMER_EN, DISCLAIMER_FR, load_offences, unverified_words

__all__ = ["DRAFT_FILES", "render_drafts"]

#: The files :func:`render_drafts` returns.
DRAFT_FILES = ("plainte-procureur.txt", "plainte-partie-civile.txt", "pharos.txt")
#: Items quoted in the facts and in the PHAROS report (the most serious first).
MOST_SERIOUS = 10
#: Exhibits listed one per line in a complaint (the bordereau lists them all).
MAX_LISTED = 300
#: Longest excerpt of a message quoted in a draft (characters).
EXCERPT = 280

_SEVERITY_RANK = {"critical": 4, "high": 3, "medium": 2, "low": 1, "none": 0}
_REGIME_RANK = {"cp": 0, "press": 1, "contrav": 2}

_WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "aid": "AIDE À LA RÉDACTION, À RELIRE, COMPLÉTER ET ADAPTER AVEC UN AVOCAT",
        "brackets": "Les passages entre crochets [ ] sont à compléter ou à supprimer.",
        "unverified": "non vérifié",
        "expired": "ÉCHU : ces faits peuvent être prescrits (à vérifier par l'avocat)",
        "exhibit": "pièce n°",
        "exhibits": "pièces n°",
        "none": "aucun",
        "facts_none": "Aucun message n'entre dans la sélection.",
        "to_establish": "à établir",
        "reasons": "éléments relevés",
        "other_handles": "autres pseudonymes",
        "profile": "profil",
        "account_id": "identifiant",
    },
    "en": {
        "aid": "DRAFTING AID, TO BE REVIEWED, COMPLETED AND ADAPTED WITH A LAWYER",
        "brackets": "Text in brackets [ ] is to be filled in or deleted.",
        "unverified": "unverified",
        "expired": "PASSED: these facts may be time-barred (for the lawyer to check)",
        "exhibit": "exhibit",
        "exhibits": "exhibits",
        "none": "none",
        "facts_none": "No message is in the selection.",
        "to_establish": "to establish",
        "reasons": "facts found",
        "other_handles": "other handles",
        "profile": "profile",
        "account_id": "id",
    },
}


_EPISODE_KINDS = {
    "fr": {"harassment": "harcèlement", "mixed": "mixte", "support": "soutien"},
    "en": {},
}


@dataclass
class _Offence:
    """One candidate offence across the dossier: every exhibit it rests on, its reasons."""

    id: str
    label: str
    article: str
    regime: str
    unverified: list[str]
    exhibits: set[int] = field(default_factory=set)
    reasons: list[str] = field(default_factory=list)
    to_establish: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _View:
    """What the three drafts read from the dossier, gathered once."""

    lang: str
    w: dict[str, str]
    data: JSONObject
    messages: list[JSONObject]
    exhibit_of: dict[str, int]
    offences: list[_Offence]
    authors: list[JSONObject]


def render_drafts(dossier_data: JSONObject, lang: str = "fr") -> dict[str, str]:
    """The three drafts (:data:`DRAFT_FILES`) of ``dossier_data`` (the court file's data, see
    :func:`rempart.reports.dossier.build_dossier`), by file name. ``lang="en"`` gives an
    English reading version: complaints to French authorities are written in French."""
    if lang not in _WORDS:
        raise ValueError(f"language {lang!r}: use fr or en")
    view = _view(dossier_data, lang)
    return {
        "plainte-procureur.txt": _complaint(view, civil_party=False),
        "plainte-partie-civile.txt": _complaint(view, civil_party=True),
        "pharos.txt": _pharos(view),
    }


def _view(data: JSONObject, lang: str) -> _View:
    messages = json_objects(data.get("messages"))
    exhibit_of = {str(m.get("ref")): _int(m.get("exhibit")) for m in messages}
    table = load_offences()
    found: dict[str, _Offence] = {}

    def add(q: JSONObject, exhibits: list[int]) -> None:
        offence = json_dict(q.get("offence", {}))
        oid = str(offence.get("id"))
        known = table.get(oid)
        label = (known.label_fr if lang == "fr" else known.label_en) if known else oid
        item = found.setdefault(
            oid,
            _Offence(
                oid,
                label,
                str(offence.get("article")),
                str(offence.get("regime")),
                [str(u) for u in json_list(offence.get("unverified", []))],
            ),
        )
        item.exhibits.update(exhibits)
        for name, target in (("reasons", item.reasons), ("to_establish", item.to_establish)):
            for text in json_list(q.get(name, [])):
                if str(text) not in target:
                    target.append(str(text))

    for m in messages:
        for q in json_objects(m.get("qualifications")):
            add(q, [_int(m.get("exhibit"))])
    authors = json_objects(data.get("authors"))
    for a in authors:
        for q in json_objects(a.get("qualifications")):
            refs = [str(r) for r in json_list(q.get("messages", []))]
            add(q, [exhibit_of[r] for r in refs if r in exhibit_of])
    ordered = sorted(
        found.values(), key=lambda o: (_REGIME_RANK.get(o.regime, 3), -len(o.exhibits), o.id)
    )
    hostile = [a for a in authors if _int(a.get("hostile_messages"))]
    return _View(lang, _WORDS[lang], data, messages, exhibit_of, ordered, hostile)


def _int(value: JSONValue | None) -> int:
    return value if isinstance(value, int) else 0


def _numbers(numbers: set[int] | list[int]) -> str:
    """``1, 2, 3, 7`` written ``1-3, 7`` (runs of three or more)."""
    ordered = sorted(set(numbers))
    runs: list[list[int]] = []
    for n in ordered:
        if runs and n == runs[-1][-1] + 1:
            runs[-1].append(n)
        else:
            runs.append([n])
    return ", ".join(
        f"{r[0]}-{r[-1]}" if len(r) > 2 else ", ".join(str(n) for n in r) for r in runs
    )


def _day(value: JSONValue | None, lang: str) -> str:
    text = str(value or "")[:10]
    if lang == "fr" and len(text) == 10 and text[4] == "-":
        return f"{text[8:10]}/{text[5:7]}/{text[:4]}"
    return text or "?"


def _excerpt(text: JSONValue | None) -> str:
    """A message's text on one line, at most :data:`EXCERPT` characters, made visible."""
    flat = " / ".join(line.strip() for line in str(text or "").splitlines() if line.strip())
    if len(flat) > EXCERPT:
        flat = flat[: EXCERPT - 1] + "…"
    return visible(flat)


def _serious(view: _View, public_only: bool = False) -> list[JSONObject]:
    """The most serious messages: by severity, then by the number of offences, then time."""
    rows = [
        m
        for m in view.messages
        if json_objects(m.get("qualifications"))
        and (not public_only or m.get("audience") == "public")
    ]
    rows.sort(
        key=lambda m: (
            -_SEVERITY_RANK.get(str(m.get("severity")), 0),
            -len(json_objects(m.get("qualifications"))),
            _int(m.get("exhibit")),
        )
    )
    return rows[:MOST_SERIOUS]


def _item_line(m: JSONObject, view: _View) -> str:
    """One message as the facts cite it: when, who, where, what, which exhibit."""
    w = view.w
    handle = visible(m.get("author_handle") or "?")
    author = visible(m.get("author_id") or "?")
    offences = ", ".join(
        str(json_dict(q.get("offence", {})).get("label_fr" if view.lang == "fr" else "label_en"))
        for q in json_objects(m.get("qualifications"))
    )
    when = visible(m.get("created_at_paris") or m.get("created_at_utc") or "?")
    if view.lang == "fr":
        head = f"le {when}, @{handle} ({w['account_id']} {author}, {visible(m.get('ref'))})"
    else:
        head = f"on {when}, @{handle} ({w['account_id']} {author}, {visible(m.get('ref'))})"
    return (
        f"- {head} : « {_excerpt(m.get('text'))} » ({w['exhibit']} {m.get('exhibit')} ; "
        f"{visible(m.get('url') or '-')}) : {offences}"
        if view.lang == "fr"
        else f'- {head}: "{_excerpt(m.get("text"))}" ({w["exhibit"]} {m.get("exhibit")}; '
        f"{visible(m.get('url') or '-')}): {offences}"
    )


# ------------------------------------------------------------------------------ the complaints
def _complaint(view: _View, civil_party: bool) -> str:
    fr = view.lang == "fr"
    w = view.w
    lines = [w["aid"], DISCLAIMER_FR if fr else DISCLAIMER_EN, w["brackets"], ""]
    if not fr:
        lines += [
            "English reading version: a complaint to French authorities is written in French "
            "(rempart drafts --lang fr).",
            "",
        ]
    if civil_party:
        lines += _civil_party_conditions(fr) + [""]
    lines += _letter_head(fr, civil_party)
    lines += _facts(view)
    lines += _qualifications(view)
    lines += _authors(view)
    lines += _harm(fr)
    lines += _deadlines(view, civil_party)
    lines += _request(fr, civil_party)
    lines += _exhibit_list(view)
    lines += ["", "[SIGNATURE]", ""]
    return "\n".join(lines)


def _civil_party_conditions(fr: bool) -> list[str]:
    u = "non vérifié" if fr else "unverified"
    if fr:
        return [
            "AVANT D'ENVOYER (conditions à vérifier avec un avocat) :",
            "- Recevabilité (CPP art. 85) : en règle générale, une plainte simple préalable, "
            "puis soit un avis de classement sans suite du procureur, soit trois mois sans "
            f"réponse depuis cette plainte [{u}].",
            "- Pour les délits de presse de la loi du 29 juillet 1881 (injure, diffamation, "
            f"provocation), cette condition préalable ne s'appliquerait pas [{u}].",
            "- Consignation : le juge d'instruction fixe une somme à consigner au greffe, "
            f"sauf aide juridictionnelle ; la plainte est irrecevable sans elle [{u}].",
            "- Cette plainte interrompt la prescription de trois mois des infractions de presse "
            "(loi 1881 art. 65), contrairement à une plainte simple ; le délai doit ensuite être "
            "interrompu de nouveau entre chaque acte de la procédure.",
        ]
    return [
        "BEFORE SENDING (conditions to check with a lawyer):",
        "- Admissibility (CPP art. 85): as a rule, a prior plain complaint, then either the "
        "prosecutor's decision not to prosecute or three months without an answer since that "
        f"complaint [{u}].",
        "- For press-law délits of the loi du 29 juillet 1881 (insult, defamation, incitement), "
        f"that prior condition would not apply [{u}].",
        "- Deposit (consignation): the investigating judge sets a sum to deposit with the court "
        f"registry, except with legal aid; the petition is inadmissible without it [{u}].",
        "- This petition interrupts the 3-month prescription of press offences (loi 1881 "
        "art. 65), unlike a plain complaint; the period must then be interrupted again between "
        "every step of the proceedings.",
    ]


def _letter_head(fr: bool, civil_party: bool) -> list[str]:
    if fr:
        to = (
            ["Madame, Monsieur le Doyen des juges d'instruction"]
            if civil_party
            else ["Madame, Monsieur le Procureur de la République"]
        )
        subject = (
            "Objet : plainte avec constitution de partie civile"
            if civil_party
            else "Objet : plainte"
        )
        return [
            "[NOM, PRÉNOM]",
            "[ADRESSE]",
            "[TÉLÉPHONE] ; [ADRESSE ÉLECTRONIQUE]",
            "[DATE ET LIEU DE NAISSANCE, NATIONALITÉ, PROFESSION]",
            "",
            *to,
            "Tribunal judiciaire de [VILLE]",
            "[ADRESSE DU TRIBUNAL]",
            "",
            "À [VILLE], le [DATE]",
            "",
            subject,
            "Lettre recommandée avec demande d'avis de réception",
            "",
            (
                "Madame, Monsieur le Doyen,"
                if civil_party
                else "Madame, Monsieur le Procureur de la République,"
            ),
            "",
            (
                "J'ai l'honneur de déposer plainte contre X, et notamment contre les titulaires "
                "des comptes identifiés ci-dessous, et de me constituer partie civile, pour les "
                "faits suivants."
                if civil_party
                else "J'ai l'honneur de porter plainte contre X, et notamment contre les "
                "titulaires des comptes identifiés ci-dessous, pour les faits suivants."
            ),
            "",
        ]
    to = ["The senior investigating judge"] if civil_party else ["The public prosecutor"]
    return [
        "[SURNAME, FIRST NAME]",
        "[ADDRESS]",
        "[PHONE]; [E-MAIL ADDRESS]",
        "[DATE AND PLACE OF BIRTH, NATIONALITY, OCCUPATION]",
        "",
        *to,
        "Tribunal judiciaire of [CITY]",
        "[COURT ADDRESS]",
        "",
        "[CITY], [DATE]",
        "",
        "Subject: complaint with civil-party petition" if civil_party else "Subject: complaint",
        "Registered letter with acknowledgement of receipt",
        "",
        "Dear Sir or Madam,",
        "",
        (
            "I hereby file a complaint against persons unknown, in particular the holders of "
            "the accounts identified below, and join the proceedings as a civil party, for the "
            "following facts."
            if civil_party
            else "I hereby file a complaint against persons unknown, in particular the holders "
            "of the accounts identified below, for the following facts."
        ),
        "",
    ]


def _facts(view: _View) -> list[str]:
    fr = view.lang == "fr"
    s = json_dict(view.data.get("summary", {}))
    period = json_dict(s.get("period", {}))
    targets = ", ".join(
        visible(t) for t in json_list(json_dict(view.data.get("case", {})).get("targets", []))
    )
    lines = ["1. Les faits" if fr else "1. The facts", ""]
    if not view.messages:
        return lines + [view.w["facts_none"], ""]
    platforms = sorted({str(m.get("ref")).partition(":")[0] for m in view.messages})
    counts = ", ".join(
        f"{visible(k)} : {v}" if fr else f"{visible(k)}: {v}"
        for k, v in json_dict(s.get("by_category", {})).items()
    )
    if fr:
        lines.append(
            f"Entre le {_day(period.get('from'), 'fr')} et le {_day(period.get('to'), 'fr')}, "
            f"{s.get('messages')} messages me visant ([MON PSEUDONYME : {targets}]) ont été "
            f"publiés ou envoyés sur {', '.join(platforms)} par {s.get('authors')} comptes ; "
            f"{s.get('hostile_messages')} d'entre eux sont hostiles, écrits par "
            f"{s.get('hostile_authors')} comptes."
        )
        lines.append(f"Répartition par catégorie : {counts or view.w['none']}.")
    else:
        lines.append(
            f"Between {_day(period.get('from'), 'en')} and {_day(period.get('to'), 'en')}, "
            f"{s.get('messages')} messages aimed at me ([MY HANDLE: {targets}]) were published "
            f"or sent on {', '.join(platforms)} by {s.get('authors')} accounts; "
            f"{s.get('hostile_messages')} of them are hostile, written by "
            f"{s.get('hostile_authors')} accounts."
        )
        lines.append(f"By category: {counts or view.w['none']}.")
    episodes = json_objects(s.get("episodes"))
    if episodes:
        lines += ["", "Vagues de messages (épisodes) :" if fr else "Waves of messages (episodes):"]
        kinds = _EPISODE_KINDS[view.lang]
        for e in episodes:
            share = e.get("hostile_share")
            pct = f"{round(share * 100)} %" if isinstance(share, (int, float)) else "?"
            kind = visible(kinds.get(str(e.get("kind")), str(e.get("kind"))))
            lines.append(
                f"- du {visible(e.get('start'))} au {visible(e.get('end'))} : "
                f"{e.get('messages')} messages de {e.get('authors')} comptes, {pct} hostiles "
                f"({kind})"
                if fr
                else f"- from {visible(e.get('start'))} to {visible(e.get('end'))}: "
                f"{e.get('messages')} messages by {e.get('authors')} accounts, {pct} hostile "
                f"({kind})"
            )
    serious = _serious(view)
    if serious:
        lines += [
            "",
            "Les messages les plus graves :" if fr else "The most serious messages:",
        ]
        lines += [_item_line(m, view) for m in serious]
    lines += [
        "",
        "[AJOUTER LE CONTEXTE : qui je suis, ce qui a déclenché ces messages, leur retentissement]"
        if fr
        else "[ADD THE CONTEXT: who I am, what set these messages off, their effect]",
        "",
    ]
    return lines


def _qualifications(view: _View) -> list[str]:
    fr = view.lang == "fr"
    w = view.w
    lines = [
        "2. Qualifications envisagées (à confirmer par un avocat)"
        if fr
        else "2. Candidate offences (for a lawyer to confirm)",
        "",
    ]
    if not view.offences:
        return lines + [
            "Aucune infraction candidate n'a été relevée." if fr else "No candidate offence found.",
            "",
        ]
    sep = " : " if fr else ": "
    for o in view.offences:
        lines.append(f"- {o.label} ({o.article}){sep}{w['exhibits']} {_numbers(o.exhibits)}")
        if o.reasons:
            lines.append(f"    {w['reasons']}{sep}" + (" ; " if fr else "; ").join(o.reasons))
        if o.to_establish:
            lines.append(
                f"    {w['to_establish']}{sep}" + (" ; " if fr else "; ").join(o.to_establish)
            )
        if o.unverified:
            lines.append(f"    [{w['unverified']}{sep}{unverified_words(o.unverified, view.lang)}]")
    return lines + [""]


def _authors(view: _View) -> list[str]:
    fr = view.lang == "fr"
    w = view.w
    lines = ["3. Auteurs identifiés" if fr else "3. Authors identified", ""]
    if not view.authors:
        return lines + [w["none"], ""]
    lines.append(
        "Les comptes suivants sont identifiés par leur pseudonyme et par leur identifiant stable "
        "sur la plateforme (un pseudonyme peut changer) ; je vous demande de bien vouloir "
        "requérir des plateformes les données d'identification de leurs titulaires."
        if fr
        else "The following accounts are identified by their handle and their stable platform "
        "id (a handle can change); I ask you to requisition from the platforms the "
        "identification data of their holders."
    )
    for a in view.authors:
        numbers = [_int(n) for n in json_list(a.get("messages", []))]
        platform = _platform_of(a, view)
        handles = [str(h) for h in json_list(a.get("handles", [])) if h != a.get("handle")]
        extra = []
        if handles:
            extra.append(f"{w['other_handles']} " + ", ".join("@" + visible(h) for h in handles))
        if a.get("profile_url"):
            extra.append(f"{w['profile']} {visible(a.get('profile_url'))}")
        offences = ", ".join(
            str(json_dict(q.get("offence", {})).get("label_fr" if fr else "label_en"))
            for q in json_objects(a.get("qualifications"))
        )
        lines.append(
            f"- @{visible(a.get('handle') or '?')} ({platform}, {w['account_id']} "
            f"{visible(a.get('account_id'))}{' ; ' + ' ; '.join(extra) if extra else ''}) : "
            f"{a.get('hostile_messages')} message(s) hostile(s), {w['exhibits']} "
            f"{_numbers(numbers)}{' ; ' + offences if offences else ''}"
            if fr
            else f"- @{visible(a.get('handle') or '?')} ({platform}, {w['account_id']} "
            f"{visible(a.get('account_id'))}{'; ' + '; '.join(extra) if extra else ''}): "
            f"{a.get('hostile_messages')} hostile message(s), {w['exhibits']} "
            f"{_numbers(numbers)}{'; ' + offences if offences else ''}"
        )
        if a.get("campaign"):
            lines.append(
                "    compte rattaché à la campagne par l'analyse du raid"
                if fr
                else "    account tied to the campaign by the raid analysis"
            )
        if a.get("impersonator"):
            lines.append(
                "    compte se faisant passer pour moi" if fr else "    account impersonating me"
            )
    return lines + [""]


def _platform_of(author: JSONObject, view: _View) -> str:
    numbers = {_int(n) for n in json_list(author.get("messages", []))}
    for m in view.messages:
        if _int(m.get("exhibit")) in numbers:
            return visible(str(m.get("ref")).partition(":")[0])
    return "?"


def _harm(fr: bool) -> list[str]:
    if fr:
        return [
            "4. Préjudice",
            "",
            "[DÉCRIRE LE PRÉJUDICE : retentissement sur la santé physique et psychique, "
            "certificats médicaux, incapacité totale de travail (ITT), arrêts de travail, "
            "conséquences professionnelles et familiales, mesures de sécurité prises]",
            "[TÉMOINS : noms et adresses, le cas échéant]",
            "",
        ]
    return [
        "4. Harm",
        "",
        "[DESCRIBE THE HARM: effect on physical and mental health, medical certificates, total "
        "incapacity for work (ITT), sick leave, effects on work and family, safety measures "
        "taken]",
        "[WITNESSES: names and addresses, if any]",
        "",
    ]


def _deadlines(view: _View, civil_party: bool) -> list[str]:
    fr = view.lang == "fr"
    w = view.w
    table = load_offences()
    lines = [
        "5. Délais de prescription (du plus proche au plus lointain)"
        if fr
        else "5. Prescription deadlines (soonest first)",
        "",
    ]
    groups = json_objects(view.data.get("deadline_groups"))
    if not groups:
        lines.append(w["none"])
    sep = " : " if fr else ": "
    for g in groups:
        oid = str(g.get("offence"))
        known = table.get(oid)
        label = (known.label_fr if fr else known.label_en) if known else oid
        numbers = [_int(n) for n in json_list(g.get("exhibits", []))]
        unverified = [str(u) for u in json_list(g.get("unverified", []))]
        line = (
            f"- {_day(g.get('deadline'), view.lang)}{sep}{label} ({g.get('article')}), "
            f"{w['exhibits']} {_numbers(numbers)}"
        )
        if g.get("expired"):
            line += f" [{w['expired']}]"
        if unverified:
            line += f" [{w['unverified']}{sep}{unverified_words(unverified, view.lang)}]"
        lines.append(line)
    lines.append("")
    if fr:
        lines.append(
            "Une plainte simple n'interrompt pas la prescription de trois mois des infractions "
            "de presse (injure, diffamation, provocation : loi 1881 art. 65) ; seules une "
            "plainte avec constitution de partie civile ou une citation directe l'interrompent."
            if not civil_party
            else "La présente plainte avec constitution de partie civile interrompt la "
            "prescription de trois mois des infractions de presse (loi 1881 art. 65)."
        )
    else:
        lines.append(
            "A plain complaint does not stop the 3-month prescription of press offences "
            "(insult, defamation, incitement: loi 1881 art. 65); only a civil-party petition or "
            "a direct summons (citation directe) interrupts it."
            if not civil_party
            else "This civil-party petition interrupts the 3-month prescription of press "
            "offences (loi 1881 art. 65)."
        )
    return lines + [""]


def _request(fr: bool, civil_party: bool) -> list[str]:
    if fr and civil_party:
        return [
            "6. Demande",
            "",
            "J'ai déposé une plainte simple le [DATE] auprès de [PROCUREUR DE LA RÉPUBLIQUE / "
            "COMMISSARIAT / GENDARMERIE] (copie jointe) ; [elle a été classée sans suite le "
            "DATE / elle est restée sans réponse depuis plus de trois mois / sans objet pour "
            "les délits de presse (non vérifié)].",
            "Je déclare me constituer partie civile et vous demande de bien vouloir ouvrir une "
            "information judiciaire sur ces faits. Je consignerai la somme que vous fixerez "
            "[ou : je sollicite l'aide juridictionnelle].",
            "",
            "Je vous prie d'agréer, Madame, Monsieur le Doyen, l'expression de ma haute "
            "considération.",
        ]
    if fr:
        return [
            "6. Demande",
            "",
            "Je vous demande de bien vouloir engager des poursuites contre les auteurs de ces "
            "faits. Je me réserve le droit de me constituer partie civile.",
            "",
            "Je vous prie d'agréer, Madame, Monsieur le Procureur de la République, "
            "l'expression de ma haute considération.",
        ]
    if civil_party:
        return [
            "6. Request",
            "",
            "I filed a plain complaint on [DATE] with [PUBLIC PROSECUTOR / POLICE] (copy "
            "attached); [it was dismissed on DATE / it has had no answer for more than three "
            "months / not required for press offences (unverified)].",
            "I join the proceedings as a civil party and ask you to open a judicial "
            "investigation into these facts. I will deposit the sum you set [or: I apply for "
            "legal aid].",
            "",
            "Yours faithfully,",
        ]
    return [
        "6. Request",
        "",
        "I ask you to prosecute the authors of these facts. I reserve the right to join the "
        "proceedings as a civil party.",
        "",
        "Yours faithfully,",
    ]


def _exhibit_list(view: _View) -> list[str]:
    fr = view.lang == "fr"
    w = view.w
    lines = ["", "Pièces jointes" if fr else "Attached exhibits", ""]
    total = len(view.messages)
    if total:
        lines.append(
            f"Les pièces sont numérotées comme dans le bordereau du dossier joint (pièces n° 1 "
            f"à {total}) ; chaque message y est rattaché à l'enregistrement scellé dont il est "
            "tiré (empreinte SHA-256)."
            if fr
            else f"Exhibits are numbered as in the attached file's list of exhibits (1 to "
            f"{total}); each message is tied there to the sealed record it comes from (SHA-256)."
        )
    cited = [m for m in view.messages if json_objects(m.get("qualifications"))]
    sep = " : " if fr else ": "
    for m in cited[:MAX_LISTED]:
        when = visible(m.get("created_at_paris") or "?")
        handle = visible(m.get("author_handle") or "?")
        lines.append(
            f"- {w['exhibit']} {m.get('exhibit')}{sep}{visible(m.get('ref'))}, {when}, "
            f"@{handle}, {visible(m.get('url') or '-')}, "
            f"SHA-256 {visible(m.get('record_sha256') or '?')}"
        )
    if len(cited) > MAX_LISTED:
        more = len(cited) - MAX_LISTED
        lines.append(
            f"… et {more} autres pièces : voir le bordereau."
            if fr
            else f"… and {more} more exhibits: see the list of exhibits."
        )
    lines.append(
        "- [CERTIFICATS MÉDICAUX, ARRÊTS DE TRAVAIL, RÉCÉPISSÉ DE PLAINTE, AUTRES PIÈCES]"
        if fr
        else "- [MEDICAL CERTIFICATES, SICK LEAVE, COMPLAINT RECEIPT, OTHER EXHIBITS]"
    )
    return lines


# ---------------------------------------------------------------------------------- PHAROS
def _pharos(view: _View) -> str:
    fr = view.lang == "fr"
    u = view.w["unverified"]
    lines = [view.w["aid"], DISCLAIMER_FR if fr else DISCLAIMER_EN, view.w["brackets"], ""]
    if not fr:
        lines += [
            "English reading version: PHAROS is a French form (rempart drafts --lang fr).",
            "",
        ]
    if fr:
        lines += [
            "Signalement PHAROS : https://www.internet-signalement.gouv.fr",
            "",
            "PHAROS (police et gendarmerie) reçoit les signalements de contenus illicites "
            "publics ; ce n'est pas une plainte et il n'interrompt aucune prescription. Les "
            "sources divergent sur les injures et diffamations, que service-public renvoie vers "
            f"une plainte [{u}]. Le formulaire demande une catégorie, la date et l'heure de "
            "publication, où le contenu a été vu, son URL, un commentaire et vos coordonnées.",
            "",
        ]
    else:
        lines += [
            "PHAROS report: https://www.internet-signalement.gouv.fr",
            "",
            "PHAROS (police and gendarmerie) takes reports of public illegal content; it is not "
            "a complaint and stops no prescription period. Sources disagree on insults and "
            f"defamation, which service-public sends to a complaint [{u}]. The form asks for a "
            "category, the date and time of publication, where the content was seen, its URL, "
            "a comment and your contact details.",
            "",
        ]
    serious = _serious(view, public_only=True)
    private = sum(
        1
        for m in view.messages
        if json_objects(m.get("qualifications")) and m.get("audience") != "public"
    )
    s = json_dict(view.data.get("summary", {}))
    if fr:
        lines += [
            "Catégorie : [À CHOISIR DANS LE FORMULAIRE, selon les infractions ci-dessous]",
            "",
            "Commentaire :",
            f"Je suis visé(e) depuis le {_day(json_dict(s.get('period', {})).get('from'), 'fr')} "
            f"par {s.get('hostile_messages')} messages hostiles de {s.get('hostile_authors')} "
            "comptes. Voici les contenus publics les plus graves :",
        ]
    else:
        lines += [
            "Category: [TO CHOOSE IN THE FORM, from the offences below]",
            "",
            "Comment:",
            f"I have been targeted since {_day(json_dict(s.get('period', {})).get('from'), 'en')} "
            f"by {s.get('hostile_messages')} hostile messages from {s.get('hostile_authors')} "
            "accounts. These are the most serious public items:",
        ]
    if not serious:
        lines.append(view.w["none"])
    lines += [""]
    for i, m in enumerate(serious, start=1):
        lines += _pharos_item(i, m, view)
    if private:
        lines.append(
            f"{private} message(s) hostile(s) non public(s) (messages privés, SMS) ne relèvent "
            "pas de PHAROS : voir la plainte."
            if fr
            else f"{private} hostile non-public message(s) (direct messages, SMS) are not for "
            "PHAROS: see the complaint."
        )
        lines.append("")
    lines += [
        "Coordonnées : [NOM, PRÉNOM] ; [ADRESSE ÉLECTRONIQUE] ; [TÉLÉPHONE]"
        if fr
        else "Contact: [SURNAME, FIRST NAME]; [E-MAIL ADDRESS]; [PHONE]",
        "",
    ]
    return "\n".join(lines)


def _pharos_item(i: int, m: JSONObject, view: _View) -> list[str]:
    fr = view.lang == "fr"
    found = [json_dict(q.get("offence", {})) for q in json_objects(m.get("qualifications"))]
    offences = ", ".join(
        f"{o.get('label_fr' if fr else 'label_en')} ({o.get('article')})" for o in found
    )
    if fr:
        return [
            f"{i}. Publié le {visible(m.get('created_at_paris') or '?')} sur "
            f"{visible(str(m.get('ref')).partition(':')[0])}",
            f"   URL : {visible(m.get('url') or '-')}",
            f"   Auteur : @{visible(m.get('author_handle') or '?')} (identifiant "
            f"{visible(m.get('author_id') or '?')})",
            f"   Infraction(s) possible(s) : {offences}",
            f"   Extrait : « {_excerpt(m.get('text'))} »",
            f"   Pièce n° {m.get('exhibit')} du dossier",
            "",
        ]
    return [
        f"{i}. Published {visible(m.get('created_at_paris') or '?')} on "
        f"{visible(str(m.get('ref')).partition(':')[0])}",
        f"   URL: {visible(m.get('url') or '-')}",
        f"   Author: @{visible(m.get('author_handle') or '?')} (id "
        f"{visible(m.get('author_id') or '?')})",
        f"   Possible offence(s): {offences}",
        f'   Excerpt: "{_excerpt(m.get("text"))}"',
        f"   Exhibit {m.get('exhibit')} of the file",
        "",
    ]
