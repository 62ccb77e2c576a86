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

from html import escape

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ..models import JSONValue
from ..textsafe import safe_text
from .dossier import Dossier

__all__ = ["render_html", "timeline_svg"]

_TEXTS: dict[str, dict[str, str]] = {
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
        "timeline": "Chronologie (messages par jour : hostiles en rouge, autres en gris)",
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
        "timeline": "Timeline (messages per day: hostile in red, others in grey)",
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
    },
}


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("rempart.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"], default=True),
        undefined=StrictUndefined,
    )
    env.filters["safe_text"] = visible
    return env


#: Invisible characters that could hide or split words in a quoted message: shown as escapes
#: (the zero-width joiner stays, emoji sequences are made of it).
_INVISIBLE = {ord(c): f"\\u{ord(c):04x}" for c in "\u200b\u200c\u2060\ufeff\u00ad"}


def visible(value: object) -> str:
    """``value`` as text a reader can trust: controls and bidirectional overrides escaped
    (:func:`rempart.textsafe.safe_text`), and zero-width characters too."""
    return safe_text("" if value is None else str(value)).translate(_INVISIBLE)


def render_html(dossier: Dossier) -> str:
    """The dossier as a self-contained HTML page."""
    data = dossier.to_json()
    lang = data.get("lang") if data.get("lang") in _TEXTS else "fr"
    summary = data.get("summary")
    timeline = summary.get("timeline") if isinstance(summary, dict) else None
    template = _environment().get_template("dossier.html.j2")
    return template.render(
        d=data,
        t=_TEXTS[str(lang)],
        chart=timeline_svg(timeline if isinstance(timeline, list) else []),
    )


def timeline_svg(days: list[JSONValue], width: int = 720, height: int = 180) -> str:
    """Messages per day as stacked bars (hostile in red under the rest in grey), inline SVG;
    the labels are the first and last days and the highest count."""
    rows = [d for d in days if isinstance(d, dict)]
    if not rows:
        return "<p>—</p>"
    peak = max(_int(d.get("hostile")) + _int(d.get("other")) for d in rows) or 1
    bar = width / len(rows)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 30}" '
        f'role="img" aria-label="timeline">'
    ]
    for i, d in enumerate(rows):
        hostile, other = _int(d.get("hostile")), _int(d.get("other"))
        h1 = height * hostile / peak
        h2 = height * other / peak
        x = i * bar
        parts.append(
            f'<rect x="{x:.1f}" y="{height - h1:.1f}" width="{max(bar - 1, 1):.1f}" '
            f'height="{h1:.1f}" fill="#c00"/>'
        )
        parts.append(
            f'<rect x="{x:.1f}" y="{height - h1 - h2:.1f}" '
            f'width="{max(bar - 1, 1):.1f}" height="{h2:.1f}" fill="#999"/>'
        )
    first, last = escape(str(rows[0].get("day"))), escape(str(rows[-1].get("day")))
    parts.append(f'<text x="0" y="{height + 20}" font-size="11">{first}</text>')
    parts.append(
        f'<text x="{width}" y="{height + 20}" font-size="11" text-anchor="end">{last}</text>'
    )
    parts.append(f'<text x="2" y="12" font-size="11">max {peak}</text></svg>')
    return "".join(parts)


def _int(value: JSONValue | None) -> int:
    return value if isinstance(value, int) else 0
