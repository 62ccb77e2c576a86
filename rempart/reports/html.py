"""The dossier as one HTML page, from a Jinja template (the PDF will use the same template).

Everything the people of the case wrote (texts, handles, names, URLs) is autoescaped by
Jinja, and goes through :func:`visible` first, so that bidirectional overrides, zero-width and
control characters show as visible escapes instead of reordering or hiding text. The page
loads nothing (a Content-Security-Policy of ``default-src 'none'``) and runs no script; the
timeline chart is inline SVG drawn here.

Example::

    page = render_html(dossier)
"""

from __future__ import annotations

from bisect import bisect_right
from html import escape
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ..models import JSONObject, JSONValue, json_objects
from ..textsafe import safe_text
from .dossier import Dossier

__all__ = ["label_name", "render_html", "timeline_svg", "visible", "visible_lines", "when"]

_TEXTS: dict[str, dict[str, Any]] = {
    "fr": {
        "title": "Dossier de harcèlement en ligne",
        "content_warning": "Avertissement : ce dossier cite des messages injurieux, menaçants "
        "ou haineux, tels qu'ils ont été reçus.",
        "banner": "ATTENTION : {count} délai(s) de prescription dans les {days} jours ; "
        "le premier le {first}.",
        "expired": "{count} délai(s) de prescription déjà échu(s) à la date du dossier : "
        "ces faits peuvent être prescrits (à vérifier par l'avocat).",
        "passed": "échu",
        "case": "Affaire",
        "targets": "Personne(s) visée(s)",
        "period": "Période",
        "generated": "Établi le",
        "messages": "Messages",
        "hostile": "hostiles",
        "authors": "Auteurs",
        "hostile_authors": "auteurs de messages hostiles",
        "timeline": "Chronologie",
        "counts": "Décompte",
        "category": "Catégorie",
        "count": "Nombre",
        "severity": "Gravité",
        "episodes": "Épisodes (vagues)",
        "kind": "Nature",
        "explanation": "Explication",
        "top_authors": "Auteurs les plus actifs",
        "account": "Compte",
        "deadlines": "Délais de prescription (du plus proche au plus lointain)",
        "deadline": "échéance",
        "offence": "Infraction",
        "article": "Article",
        "exhibits": "Pièces",
        "unverified": "non vérifié",
        "authors_section": "Auteurs",
        "handles": "Pseudonymes connus",
        "name": "Nom affiché",
        "created": "Compte créé le",
        "profile": "Profil",
        "to_establish": "À établir",
        "exhibits_section": "Pièces (messages cités)",
        "exhibit": "Pièce",
        "when": "Date (UTC / Paris)",
        "author": "Auteur",
        "text": "Texte",
        "offences": "Qualifications possibles",
        "evidence": "Preuve",
        "entry": "entrée",
        "integrity": "Intégrité",
        "tree_size": "Taille de l'arbre signé",
        "root": "Racine",
        "fingerprint": "Empreinte de la clé",
        "signature": "Signature",
        "verify": "Vérification hors ligne :",
        "timeline_unit": {"hour": "heure", "day": "jour"},
        "timeline_legend": "hostiles en rouge, autres en gris ; épisodes en fond rose "
        "(harcèlement) ou gris ; incidents hors ligne en bleu (numéro de pièce)",
        "per": "par",
        "pile_on": "Annexe : le raid (épisodes, messages désignant la cible, organisation, "
        "comptes participants)",
        "designating": "Messages désignant la cible",
        "origins": "Lieux d'organisation probables",
        "campaign": "Comptes ayant pris part à la campagne",
        "evasion": "Contournements de suspension",
        "impersonation": "Usurpations d'identité",
        "why": "Éléments",
        "episode": "Épisode",
        "english": "en anglais, forme non traduite",
        "incidents": "Incidents hors ligne",
        "where": "Lieu",
        "what": "Faits",
        "attachments": "Pièces jointes",
        "none": "Aucun.",
        "bordereau": "Bordereau de pièces",
        "description": "Description",
        "featured_note": "Le PDF reproduit {shown} message(s) sur {total} : les plus graves "
        "d'abord ({omitted} autre(s) figurent dans les annexes CSV et JSON établies avec les "
        "mêmes filtres, sous le même numéro de pièce).",
        "authors_note": "{omitted} autre(s) auteur(s) figurent dans les annexes CSV et JSON.",
        "status": "État",
        "flags": "Rôle relevé",
        "observed": "constaté le",
        "categories": "Catégories",
        "timestamps": "Horodatages (RFC 3161)",
        "tsa": "Autorité",
        "gen_time": "Date certifiée",
        "token": "Jeton (SHA-256)",
        "bundles": "Lots de preuves exportés",
        "file": "Fichier",
        "proofs": "Preuves d'inclusion des pièces reproduites (RFC 9162)",
        "proof_note": "Chaque chemin relie l'empreinte de l'entrée du journal à la racine de "
        "l'arbre signé ci-dessus ; `rempart proof SEQ` donne celui de toute autre entrée.",
        "path": "Chemin",
        "masked": "Injures masquées dans ce résumé (les pièces restent intégrales).",
        "date_utc": "Date (UTC)",
        "author_note": "{shown} message(s) reproduit(s) sur {total} (les hostiles d'abord) ; "
        "tous figurent dans les annexes CSV et JSON.",
        "proofs_note": "{shown} preuve(s) reproduite(s) sur {total} ; toutes figurent dans "
        "l'annexe JSON.",
        "verify_report": "L'intégrité de ce PDF lui-même : rempart verify-report FICHIER.pdf "
        "(signature PAdES ; tout lecteur PDF indique aussi si le fichier a été modifié après "
        "sa signature).",
        "no_bundle": "Aucun lot de preuves n'a encore été exporté : rempart export-bundle "
        "--out LOT.zip, puis rempart verify-bundle LOT.zip, hors ligne, sans le dossier de "
        "l'affaire.",
        "label_names": {
            "abusive": "hostile",
            "insult": "injure",
            "threat": "menace",
            "identity_attack": "haine (identité)",
            "sexual_harassment": "harcèlement sexuel",
            "defamation": "accusation (diffamation)",
            "incitement": "appel à agir",
            "doxxing": "divulgation de données personnelles",
            "spam": "spam",
            "support": "soutien",
            "low": "faible",
            "medium": "moyenne",
            "high": "élevée",
            "critical": "critique",
            "none": "aucune",
            "unscored": "non évalué",
            "available": "en ligne",
            "deleted": "supprimé",
            "suspended": "suspendu",
            "withheld": "masqué dans certains pays",
            "protected": "protégé",
            "unavailable": "indisponible",
        },
    },
    "en": {
        "title": "Online harassment file",
        "content_warning": "Warning: this file quotes insulting, threatening or hateful "
        "messages as they were received.",
        "banner": "WARNING: {count} prescription deadline(s) within {days} days; the first "
        "on {first}.",
        "expired": "{count} prescription deadline(s) already passed on the day of this file: "
        "these facts may be time-barred (for the lawyer to check).",
        "passed": "passed",
        "case": "Case",
        "targets": "Targeted",
        "period": "Period",
        "generated": "Made on",
        "messages": "Messages",
        "hostile": "hostile",
        "authors": "Authors",
        "hostile_authors": "authors of hostile messages",
        "timeline": "Timeline",
        "counts": "Counts",
        "category": "Category",
        "count": "Count",
        "severity": "Severity",
        "episodes": "Episodes (waves)",
        "kind": "Kind",
        "explanation": "Explanation",
        "top_authors": "Most active authors",
        "account": "Account",
        "deadlines": "Prescription deadlines (soonest first)",
        "deadline": "deadline",
        "offence": "Offence",
        "article": "Article",
        "exhibits": "Exhibits",
        "unverified": "unverified",
        "authors_section": "Authors",
        "handles": "Handles seen",
        "name": "Display name",
        "created": "Account created",
        "profile": "Profile",
        "to_establish": "To establish",
        "exhibits_section": "Exhibits (messages cited)",
        "exhibit": "Exhibit",
        "when": "Date (UTC / Paris)",
        "author": "Author",
        "text": "Text",
        "offences": "Candidate offences",
        "evidence": "Evidence",
        "entry": "entry",
        "integrity": "Integrity",
        "tree_size": "Signed tree size",
        "root": "Root",
        "fingerprint": "Key fingerprint",
        "signature": "Signature",
        "verify": "Offline check:",
        "timeline_unit": {"hour": "hour", "day": "day"},
        "timeline_legend": "hostile in red, others in grey; episodes shaded pink "
        "(harassment) or grey; off-platform incidents in blue (exhibit number)",
        "per": "per",
        "pile_on": "Annex: the raid (episodes, posts designating the target, organisation, "
        "accounts taking part)",
        "designating": "Posts designating the target",
        "origins": "Probable places of organisation",
        "campaign": "Accounts that took part in the campaign",
        "evasion": "Ban evasion",
        "impersonation": "Impersonation",
        "why": "Evidence",
        "episode": "Episode",
        "english": "in English, not translated",
        "incidents": "Off-platform incidents",
        "where": "Where",
        "what": "What happened",
        "attachments": "Attachments",
        "none": "None.",
        "bordereau": "List of exhibits",
        "description": "Description",
        "featured_note": "The PDF reproduces {shown} of {total} message(s), the most serious "
        "first ({omitted} more are in the CSV and JSON annexes made with the same filters, "
        "under the same exhibit numbers).",
        "authors_note": "{omitted} more author(s) are in the CSV and JSON annexes.",
        "status": "Status",
        "flags": "Role found",
        "observed": "observed",
        "categories": "Categories",
        "timestamps": "Timestamps (RFC 3161)",
        "tsa": "Authority",
        "gen_time": "Certified time",
        "token": "Token (SHA-256)",
        "bundles": "Evidence bundles exported",
        "file": "File",
        "proofs": "Inclusion proofs of the exhibits reproduced (RFC 9162)",
        "proof_note": "Each path links the log entry's hash to the root of the signed tree "
        "above; `rempart proof SEQ` gives any other entry's.",
        "path": "Path",
        "masked": "Slurs masked in this summary (exhibits stay verbatim).",
        "date_utc": "Date (UTC)",
        "author_note": "{shown} of {total} message(s) reproduced (hostile ones first); all are "
        "in the CSV and JSON annexes.",
        "proofs_note": "{shown} of {total} proof(s) reproduced; all are in the JSON annex.",
        "verify_report": "The integrity of this PDF itself: rempart verify-report FILE.pdf "
        "(PAdES signature; any PDF reader also shows whether the file changed after signing).",
        "no_bundle": "No evidence bundle exported yet: rempart export-bundle --out BUNDLE.zip, "
        "then rempart verify-bundle BUNDLE.zip, offline, without the case folder.",
        "label_names": {},
    },
}


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("rempart.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        undefined=StrictUndefined,
    )
    env.filters["safe_text"] = visible
    env.filters["safe_block"] = visible_lines
    env.filters["when"] = when
    return env


#: Invisible characters that could hide or split words in a quoted message: shown as escapes
#: (the zero-width joiner stays, emoji sequences are made of it).
_INVISIBLE = {
    code: (f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}")
    for code in (
        0x00AD,  # soft hyphen
        0x034F,  # combining grapheme joiner
        0x115F,  # Hangul fillers: a name made of them prints blank
        0x1160,
        0x180E,  # Mongolian vowel separator
        0x200B,  # zero-width space and non-joiner
        0x200C,
        0x2060,  # word joiner and the invisible operators
        0x2061,
        0x2062,
        0x2063,
        0x2064,
        0x3164,
        0xFEFF,
        0xFFA0,
        *range(0xE0000, 0xE0080),  # tag characters
    )
}


def visible(value: object) -> str:
    """``value`` as text a reader can trust: controls and bidirectional overrides escaped
    (:func:`rempart.textsafe.safe_text`), and zero-width characters too."""
    return safe_text("" if value is None else str(value)).translate(_INVISIBLE)


def label_name(name: str, lang: str = "fr") -> str:
    """A category or severity as the dossier prints it (``threat`` is ``menace`` in French)."""
    names: dict[str, str] = _TEXTS.get(lang, _TEXTS["fr"])["label_names"]
    return names.get(name, name)


def visible_lines(value: object) -> str:
    """:func:`visible` for a text of several lines (a message, an incident's account): the
    line breaks stay line breaks."""
    return "\n".join(visible(line) for line in ("" if value is None else str(value)).split("\n"))


def when(value: object) -> str:
    """An ISO 8601 UTC instant as a reader takes it in: ``2026-01-05 17:39:51 UTC`` (to the
    second; the JSON keeps the exact value)."""
    if not value:
        return "—"
    text = str(value)
    if len(text) >= 19 and text[10] == "T" and text.endswith("Z"):
        return f"{text[:10]} {text[11:19]} UTC"
    return visible(text)


def render_html(dossier: Dossier, medium: str = "screen") -> str:
    """The dossier as a self-contained HTML page; ``medium="print"`` is the PDF's page: it
    reproduces only the featured messages and authors (the most serious; the CSV and JSON
    carry all of them)."""
    data = dossier.to_json()
    lang = data.get("lang") if data.get("lang") in _TEXTS else "fr"
    summary = data.get("summary")
    timeline = summary.get("timeline") if isinstance(summary, dict) else None
    featured = data.get("featured")
    featured = featured if isinstance(featured, dict) else None
    template = _environment().get_template("dossier.html.j2")
    return template.render(
        d=data,
        t=_TEXTS[str(lang)],
        print=medium == "print",
        featured_messages=set(_ints(featured.get("messages"))) if featured else set(),
        featured_authors=set(_strs(featured.get("authors"))) if featured else set(),
        chart=timeline_svg(
            timeline if isinstance(timeline, dict) else {},
            unit_label=_TEXTS[str(lang)]["timeline_unit"],
        ),
    )


def timeline_svg(
    timeline: JSONObject,
    width: int = 720,
    height: int = 180,
    unit_label: dict[str, str] | None = None,
) -> str:
    """Messages per hour or day as stacked bars (hostile in red under the rest in grey), the
    episodes shaded behind them and the off-platform incidents marked by a blue line, inline
    SVG; the labels are the first and last bins and the highest count."""
    rows = json_objects(timeline.get("bins"))
    if not rows:
        return "<p>—</p>"
    peak = max(_int(d.get("hostile")) + _int(d.get("other")) for d in rows) or 1
    bar = width / len(rows)
    starts = [str(d.get("start")) for d in rows]

    def x_of(when: JSONValue | None) -> float:
        # the bin holding ``when`` (ISO strings of one format compare as times)
        return bisect_right(starts, str(when)) * bar - bar if when else 0.0

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 30}" '
        f'role="img" aria-label="timeline">'
    ]
    for e in json_objects(timeline.get("episodes")):
        x0, x1 = max(x_of(e.get("start")), 0.0), x_of(e.get("end")) + bar
        shade = "#fcc" if e.get("kind") in ("harassment", "mixed") else "#ddd"
        parts.append(
            f'<rect x="{x0:.1f}" y="0" width="{max(x1 - x0, 1):.1f}" height="{height}" '
            f'fill="{shade}"/>'
        )
    for i, d in enumerate(rows):
        hostile, other = _int(d.get("hostile")), _int(d.get("other"))
        h1 = height * hostile / peak
        h2 = height * other / peak
        x = i * bar
        parts.append(
            f'<rect x="{x:.1f}" y="{height - h1:.1f}" width="{max(bar - 1, 0.5):.1f}" '
            f'height="{h1:.1f}" fill="#c00"/>'
        )
        parts.append(
            f'<rect x="{x:.1f}" y="{height - h1 - h2:.1f}" '
            f'width="{max(bar - 1, 0.5):.1f}" height="{h2:.1f}" fill="#999"/>'
        )
    for incident in json_objects(timeline.get("incidents")):
        x = x_of(incident.get("when")) + bar / 2
        if 0 <= x <= width:
            parts.append(
                f'<line x1="{x:.1f}" y1="0" x2="{x:.1f}" y2="{height}" stroke="#03c" '
                'stroke-width="2"/>'
            )
            parts.append(
                f'<text x="{x + 2:.1f}" y="24" font-size="10" fill="#03c">'
                f"{escape(str(incident.get('exhibit')))}</text>"
            )
    first, last = escape(starts[0]), escape(starts[-1])
    parts.append(f'<text x="0" y="{height + 20}" font-size="11">{first}</text>')
    parts.append(
        f'<text x="{width}" y="{height + 20}" font-size="11" text-anchor="end">{last}</text>'
    )
    unit = escape((unit_label or {}).get(str(timeline.get("unit")), str(timeline.get("unit"))))
    parts.append(f'<text x="2" y="12" font-size="11">max {peak} / {unit}</text></svg>')
    return "".join(parts)


def _int(value: JSONValue | None) -> int:
    return value if isinstance(value, int) else 0


def _ints(value: JSONValue | None) -> list[int]:
    return [v for v in value if isinstance(v, int)] if isinstance(value, list) else []


def _strs(value: JSONValue | None) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []
