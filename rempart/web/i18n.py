"""The web workspace's words in French (first) and English.

The language is ``?lang=fr|en`` (remembered in a cookie), else the browser's
``Accept-Language``, else French. A key missing in English falls back to French, one missing
everywhere shows as itself (a test checks that every key has both).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

__all__ = ["LANGS", "STRINGS", "choose_lang", "translate"]

LANGS = ("fr", "en")

STRINGS: dict[str, dict[str, str]] = {
    "app": {"fr": "rempart — espace de travail", "en": "rempart — workspace"},
    "skip": {"fr": "Aller au contenu", "en": "Skip to content"},
    "login": {"fr": "Connexion", "en": "Sign in"},
    "email": {"fr": "Adresse e-mail", "en": "E-mail address"},
    "password": {"fr": "Mot de passe", "en": "Password"},
    "sign_in": {"fr": "Se connecter", "en": "Sign in"},
    "sign_out": {"fr": "Se déconnecter", "en": "Sign out"},
    "bad_login": {
        "fr": "Adresse ou mot de passe incorrect.",
        "en": "Wrong e-mail address or password.",
    },
    "locked": {
        "fr": "Trop d'essais : compte bloqué pour un moment. Réessayez plus tard.",
        "en": "Too many attempts: the account is locked for a while. Try again later.",
    },
    "cases": {"fr": "Dossiers", "en": "Cases"},
    "role": {"fr": "Rôle", "en": "Role"},
    "overview": {"fr": "Vue d'ensemble", "en": "Overview"},
    "triage": {"fr": "Tri des messages", "en": "Triage"},
    "authors": {"fr": "Comptes et campagne", "en": "Accounts and campaign"},
    "evidence": {"fr": "Preuves", "en": "Evidence"},
    "reports": {"fr": "Dossier et signalements", "en": "Court file and notices"},
    "messages": {"fr": "Messages", "en": "Messages"},
    "hostile": {"fr": "Hostiles", "en": "Hostile"},
    "accounts": {"fr": "Comptes", "en": "Accounts"},
    "episodes": {"fr": "Épisodes détectés", "en": "Episodes detected"},
    "no_episodes": {
        "fr": "Aucun épisode détecté (lancez l'analyse).",
        "en": "No episode detected (run the analysis).",
    },
    "alerts": {"fr": "Alertes en direct", "en": "Live alerts"},
    "no_alerts": {"fr": "Pas de nouvelle alerte.", "en": "No new alert."},
    "timeline": {"fr": "Messages par jour", "en": "Messages per day"},
    "timeline_alt": {
        "fr": "Messages par jour, les hostiles en rouge, les épisodes en fond",
        "en": "Messages per day, hostile ones in red, episodes shaded",
    },
    "severity": {"fr": "Gravité", "en": "Severity"},
    "labels": {"fr": "Catégories", "en": "Labels"},
    "author": {"fr": "Auteur", "en": "Author"},
    "when": {"fr": "Date", "en": "When"},
    "text": {"fr": "Texte", "en": "Text"},
    "hidden": {
        "fr": "Texte masqué — afficher seulement si vous le souhaitez",
        "en": "Text hidden — show it only if you want to",
    },
    "reveal": {"fr": "Afficher", "en": "Show"},
    "select": {"fr": "Sélectionner", "en": "Select"},
    "selected": {"fr": "Messages sélectionnés", "en": "Selected messages"},
    "category": {"fr": "Catégorie", "en": "Label"},
    "confirm": {"fr": "Confirmer (oui)", "en": "Confirm (yes)"},
    "correct": {"fr": "Corriger (non)", "en": "Correct (no)"},
    "apply": {"fr": "Appliquer", "en": "Apply"},
    "labelled": {"fr": "{n} étiquette(s) enregistrée(s).", "en": "{n} label(s) recorded."},
    "shortcuts": {
        "fr": "Raccourcis : j / k message suivant / précédent, r afficher, x sélectionner.",
        "en": "Shortcuts: j / k next / previous message, r show, x select.",
    },
    "previous": {"fr": "Précédents", "en": "Previous"},
    "next": {"fr": "Suivants", "en": "Next"},
    "empty_queue": {
        "fr": "Aucun message noté pour l'instant (lancez « rempart score »).",
        "en": "No scored message yet (run `rempart score`).",
    },
    "unscored": {"fr": "{n} message(s) pas encore notés.", "en": "{n} message(s) not scored yet."},
    "handles": {"fr": "Pseudos successifs", "en": "Handles over time"},
    "status": {"fr": "Statut", "en": "Status"},
    "display_name": {"fr": "Nom affiché", "en": "Display name"},
    "head": {"fr": "Dernière tête d'arbre signée", "en": "Latest signed tree head"},
    "tree_size": {"fr": "Entrées scellées", "en": "Sealed entries"},
    "root": {"fr": "Racine", "en": "Root"},
    "signed_at": {"fr": "Signée le", "en": "Signed at"},
    "no_head": {"fr": "Pas encore de tête signée.", "en": "No signed head yet."},
    "custody": {"fr": "Chaîne de possession", "en": "Chain of custody"},
    "who": {"fr": "Qui", "en": "Who"},
    "what": {"fr": "Quoi", "en": "What"},
    "verify": {"fr": "Vérifier l'intégrité maintenant", "en": "Check integrity now"},
    "verify_ok": {
        "fr": "Intégrité vérifiée : rien n'a été modifié.",
        "en": "Integrity checked: nothing was altered.",
    },
    "verify_bad": {"fr": "Problèmes d'intégrité :", "en": "Integrity problems:"},
    "dossier": {"fr": "Dossier pour la plainte", "en": "Court file"},
    "download": {"fr": "Télécharger", "en": "Download"},
    "format": {"fr": "Format", "en": "Format"},
    "bundle": {"fr": "Paquet de preuves vérifiable", "en": "Verifiable evidence bundle"},
    "notices": {"fr": "Signalements DSA", "en": "DSA notices"},
    "owner_only": {
        "fr": "Réservé au titulaire du dossier (rôle « owner »).",
        "en": "For the case's owner only.",
    },
    "incident": {"fr": "Consigner un incident hors ligne", "en": "Record an off-platform incident"},
    "incidents": {"fr": "Incidents consignés", "en": "Incidents recorded"},
    "inc_when": {"fr": "Quand (AAAA-MM-JJ HH:MM)", "en": "When (YYYY-MM-DD HH:MM)"},
    "inc_where": {"fr": "Où", "en": "Where"},
    "inc_what": {"fr": "Ce qui s'est passé", "en": "What happened"},
    "inc_files": {
        "fr": "Pièces jointes (photos, captures)",
        "en": "Attachments (photos, screenshots)",
    },
    "record": {"fr": "Enregistrer", "en": "Record"},
    "recorded": {
        "fr": "Incident n° {n} enregistré et scellé.",
        "en": "Incident #{n} recorded and sealed.",
    },
    "error": {"fr": "Erreur", "en": "Error"},
    "back": {"fr": "Retour", "en": "Back"},
    "language": {"fr": "English", "en": "Français"},
    "not_allowed": {"fr": "Votre rôle ne le permet pas.", "en": "Your role does not allow it."},
}


def translate(key: str, lang: str, **values: Any) -> str:
    """The words for ``key`` in ``lang`` (French when missing), with ``values`` filled in."""
    words = STRINGS.get(key)
    if words is None:
        return key
    text = words.get(lang) or words["fr"]
    return text.format(**values) if values else text


def choose_lang(request: Request) -> str:
    """``?lang=``, else the language cookie, else ``Accept-Language``, else French."""
    asked = request.query_params.get("lang") or request.cookies.get("rempart_lang")
    if asked in LANGS:
        return str(asked)
    accept = request.headers.get("accept-language", "").lower()
    for part in accept.split(","):
        code = part.split(";")[0].strip()[:2]
        if code in LANGS:
            return code
    return "fr"
