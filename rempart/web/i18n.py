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
    "applies": {"fr": "Cette catégorie s'applique-t-elle ?", "en": "Does this label apply?"},
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
    "marks": {"fr": "Mettre à l'écart", "en": "Set aside"},
    "do_quarantine": {"fr": "Mettre en quarantaine", "en": "Quarantine"},
    "do_select": {"fr": "Retenir pour le dossier", "en": "Select for the court file"},
    "do_block": {"fr": "Bloquer l'auteur", "en": "Block the author"},
    "mark_quarantine": {"fr": "en quarantaine", "en": "quarantined"},
    "mark_select": {"fr": "retenu", "en": "selected"},
    "mark_block": {"fr": "auteur bloqué", "en": "author blocked"},
    "mark_off": {"fr": "retirer plutôt cette marque", "en": "take this mark off instead"},
    "marked": {"fr": "{n} élément(s) marqué(s).", "en": "{n} item(s) marked."},
    "evasion": {"fr": "Contournements de bannissement", "en": "Ban evasion"},
    "stopped": {"fr": "Compte arrêté", "en": "Account that stopped"},
    "took_over": {"fr": "Compte qui a pris le relais", "en": "Account that took over"},
    "why": {"fr": "Indices", "en": "Evidence"},
    "impersonators": {"fr": "Usurpations d'identité", "en": "Impersonators"},
    "imitates": {"fr": "Imite", "en": "Imitates"},
    "coordination": {"fr": "Graphe de coordination", "en": "Coordination graph"},
    "coordination_alt": {
        "fr": "Comptes reliés quand ils ont agi ensemble (trait épais : plus souvent)",
        "en": "Accounts linked when they acted together (thicker: more often)",
    },
    "none_found": {"fr": "Rien de trouvé.", "en": "Nothing found."},
    "no_analysis": {
        "fr": "Le dossier n'a pas encore été analysé (lancez « rempart analyze »).",
        "en": "The case has not been analysed yet (run `rempart analyze`).",
    },
    "only_selected": {
        "fr": "seulement les messages retenus au tri",
        "en": "only the messages selected in triage",
    },
    "notifier": {
        "fr": "Votre nom (qui signale ; l'adresse est celle de votre compte)",
        "en": "Your name (who notifies; the address is your account's)",
    },
    "hide_again": {"fr": "Masquer à nouveau", "en": "Hide again"},
    "sev_none": {"fr": "aucune", "en": "none"},
    "sev_low": {"fr": "faible", "en": "low"},
    "sev_medium": {"fr": "moyenne", "en": "medium"},
    "sev_high": {"fr": "élevée", "en": "high"},
    "sev_critical": {"fr": "critique", "en": "critical"},
    "label_abusive": {"fr": "hostile", "en": "abusive"},
    "label_insult": {"fr": "insulte", "en": "insult"},
    "label_threat": {"fr": "menace", "en": "threat"},
    "label_identity_attack": {"fr": "haine identitaire", "en": "identity-based hate"},
    "label_sexual_harassment": {"fr": "harcèlement sexuel", "en": "sexual harassment"},
    "label_defamation": {"fr": "diffamation", "en": "defamation"},
    "label_incitement": {"fr": "appel à agir", "en": "call to action"},
    "label_doxxing": {"fr": "divulgation de données", "en": "doxxing"},
    "label_spam": {"fr": "spam", "en": "spam"},
    "label_support": {"fr": "soutien", "en": "support"},
    "users": {"fr": "Personnes", "en": "People"},
    "access": {"fr": "Accès", "en": "Access"},
    "remove_access": {"fr": "Retirer l'accès", "en": "Remove access"},
    "user_removed": {"fr": "Accès retiré.", "en": "Access removed."},
    "users_hint": {
        "fr": "Ajouter une personne : rempart user add ADRESSE --role owner|helper|viewer",
        "en": "To add someone: rempart user add EMAIL --role owner|helper|viewer",
    },
    "of_account": {"fr": "Messages du compte", "en": "Messages of the account"},
    "all_messages": {"fr": "tous les messages", "en": "all messages"},
    "stamps": {"fr": "Horodatages (RFC 3161)", "en": "Timestamps (RFC 3161)"},
    "no_stamps": {
        "fr": "Aucun horodatage : configurez une autorité (tsa_urls) pour en obtenir.",
        "en": "No timestamp: configure an authority (tsa_urls) to get some.",
    },
    "authority": {"fr": "Autorité", "en": "Authority"},
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
