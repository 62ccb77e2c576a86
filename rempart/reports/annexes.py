"""The dossier's annexes that tell a story: the pile-on annex (episodes, designating posts,
origins, accounts taking part and what ties each of them), in plain French, and the exhibits
list (*bordereau de pièces*).

The raid detectors write their evidence as English sentences; :func:`.french.to_french` renders
each in French, and a sentence it does not know is kept in English and marked so (``lang``),
never dropped.

Example::

    annex = pile_on(findings, exhibit_of_message_id, lang="fr")
    annex["narrative"][0]   # "Épisode 1 (harcèlement) : ..."
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from ..models import JSONObject, JSONValue, json_objects
from .french import episode_kind_fr, to_french

__all__ = ["Mask", "pile_on", "sentence"]

#: A function that masks slurs in a text shown in the summary (identity when not asked).
Mask = Callable[[str], str]


def sentence(text: str, lang: str, mask: Mask | None = None) -> JSONObject:
    """One detector sentence for the dossier: in French when ``lang`` is ``fr`` and its shape is
    known, else the original English (``lang`` says which)."""
    shown = text
    said = "en"
    if lang == "fr":
        fr = to_french(text)
        if fr is not None:
            shown, said = fr, "fr"
    return {"text": mask(shown) if mask else shown, "lang": said}


def _sentences(items: JSONValue | None, lang: str, mask: Mask | None) -> list[JSONValue]:
    return (
        [sentence(str(x), lang, mask) for x in items or [] if isinstance(x, str)]
        if isinstance(items, list)
        else []
    )


def pile_on(
    findings: JSONObject,
    exhibits: Mapping[str, int],
    lang: str = "fr",
    mask: Mask | None = None,
) -> JSONObject:
    """The pile-on annex from the latest findings: every episode, designating post, origin,
    campaign account, link sharer, evasion and impersonation link, each with its evidence in
    ``lang``; ``exhibits`` maps a message id to its exhibit number (when cited). ``narrative``
    is the same in a few paragraphs a reader takes in at once."""
    episodes: list[JSONValue] = []
    for number, e in enumerate(json_objects(findings.get("episodes")), start=1):
        kind = str(e.get("kind") or "")
        episodes.append(
            {
                "number": number,
                "kind": kind,
                "kind_label": episode_kind_fr(kind) if lang == "fr" else kind,
                "start": e.get("start"),
                "end": e.get("end"),
                "peak": e.get("peak"),
                "messages": e.get("messages"),
                "authors": e.get("authors"),
                "hostile_share": e.get("hostile_share"),
                "explanation": sentence(str(e.get("explanation") or ""), lang, mask),
            }
        )
    designating: list[JSONValue] = []
    for d in json_objects(findings.get("designating_posts")):
        mid = str(d.get("message_id"))
        designating.append(
            {
                "message_id": mid,
                "exhibit": exhibits.get(mid),
                "author_id": d.get("author_id"),
                "author_handle": d.get("author_handle"),
                "score": d.get("score"),
                "targets": d.get("targets") or [],
                "evidence": _sentences(d.get("evidence"), lang, mask),
            }
        )
    origins: list[JSONValue] = [
        {
            "url": o.get("url"),
            "first_seen": o.get("first_seen"),
            "messages": o.get("messages"),
            "score": o.get("score"),
            "evidence": _sentences(o.get("evidence"), lang, mask),
        }
        for o in json_objects(findings.get("origins"))
    ]

    def accounts(key: str) -> list[JSONValue]:
        return [
            {
                "account_id": a.get("account_id"),
                "handle": a.get("handle"),
                "episode": (episode + 1) if isinstance(episode := a.get("episode"), int) else None,
                "score": a.get("score"),
                "target": a.get("target"),
                "url": a.get("url"),
                "evidence": _sentences(a.get("evidence"), lang, mask),
            }
            for a in json_objects(findings.get(key))
        ]

    evasion: list[JSONValue] = [
        {
            "from": x.get("from"),
            "from_handle": x.get("from_handle"),
            "to": x.get("to"),
            "to_handle": x.get("to_handle"),
            "score": x.get("score"),
            "evidence": _sentences(x.get("evidence"), lang, mask),
        }
        for x in json_objects(findings.get("evasion_links"))
    ]
    campaign = accounts("campaign_accounts")
    annex: JSONObject = {
        "episodes": episodes,
        "designating_posts": designating,
        "origins": origins,
        "campaign_accounts": campaign,
        "link_sharers": accounts("link_sharers"),
        "evasion_links": evasion,
        "impersonators": accounts("impersonators"),
        "coordination_pairs": len(json_objects(findings.get("coordination_edges"))),
    }
    annex["narrative"] = _narrative(annex, lang)
    return annex


def _n(value: JSONValue | None) -> str:
    """A count the French way: 1 361 (narrow no-break space between thousands)."""
    return f"{value:,}".replace(",", "\u202f") if isinstance(value, int) else "?"


def _narrative(annex: JSONObject, lang: str) -> list[JSONValue]:
    """The annex in a few plain paragraphs (French, or English with ``lang="en"``)."""
    fr = lang == "fr"
    out: list[JSONValue] = []
    episodes = json_objects(annex.get("episodes"))
    hostile = [e for e in episodes if e.get("kind") in ("harassment", "mixed")]
    if not episodes:
        out.append(
            "Aucun épisode (vague) n'a été détecté sur la période."
            if fr
            else "No episode (wave) was detected over the period."
        )
    else:
        out.append(
            f"{_n(len(episodes))} épisode(s) détecté(s), dont {_n(len(hostile))} de "
            "harcèlement ou mixte(s)."
            if fr
            else f"{len(episodes)} episode(s) detected, {len(hostile)} of them harassment or mixed."
        )
    for e in episodes:
        explanation = e.get("explanation")
        text = explanation.get("text") if isinstance(explanation, dict) else ""
        out.append(
            f"Épisode {e.get('number')} ({e.get('kind_label')}) : {text}"
            if fr
            else f"Episode {e.get('number')} ({e.get('kind')}): {text}"
        )
    for d in json_objects(annex.get("designating_posts")):
        exhibit = d.get("exhibit")
        where = (
            (f"pièce n° {exhibit}" if fr else f"exhibit {exhibit}")
            if exhibit
            else (f"message {d.get('message_id')}")
        )
        said = "; ".join(
            str(s.get("text")) for s in json_objects(d.get("evidence")) if s.get("text")
        )
        out.append(
            f"Message désignant la cible ({where}) : {said}."
            if fr
            else f"Post designating the target ({where}): {said}."
        )
    for o in json_objects(annex.get("origins")):
        said = "; ".join(str(s.get("text")) for s in json_objects(o.get("evidence")))
        out.append(
            f"Lieu d'organisation probable, {o.get('url')} : {said}."
            if fr
            else f"Probable place of organisation, {o.get('url')}: {said}."
        )
    campaign = json_objects(annex.get("campaign_accounts"))
    if campaign:
        out.append(
            f"{_n(len(campaign))} compte(s) ont pris part à la campagne ; pour chacun, les "
            "éléments qui le relient à la campagne sont donnés dans le tableau qui suit "
            f"({_n(annex.get('coordination_pairs'))} paire(s) de comptes agissant de concert)."
            if fr
            else f"{len(campaign)} account(s) took part in the campaign; what ties each of "
            "them is given in the table below "
            f"({annex.get('coordination_pairs')} pair(s) of accounts acting together)."
        )
    for x in json_objects(annex.get("evasion_links")):
        said = "; ".join(str(s.get("text")) for s in json_objects(x.get("evidence")))
        out.append(
            f"Contournement de suspension : @{x.get('from_handle') or x.get('from')} → "
            f"@{x.get('to_handle') or x.get('to')} ({said})."
            if fr
            else f"Ban evasion: @{x.get('from_handle') or x.get('from')} → "
            f"@{x.get('to_handle') or x.get('to')} ({said})."
        )
    for x in json_objects(annex.get("impersonators")):
        said = "; ".join(str(s.get("text")) for s in json_objects(x.get("evidence")))
        out.append(
            f"Usurpation d'identité : @{x.get('handle') or x.get('account_id')} ({said})."
            if fr
            else f"Impersonation: @{x.get('handle') or x.get('account_id')} ({said})."
        )
    return out
