"""DSA Article 16 notices, one per item, built from the court file's data.

A notice (Regulation (EU) 2022/2065, art. 16(2)) tells a hosting service that a specific item
is illegal content. It must hold four elements, and each notice here does:

(a) a sufficiently substantiated explanation of why the item is illegal: the candidate offences
    the legal qualification found for the message and for its author's conduct (harassment,
    pile-on), with their articles, reasons and what remains to establish; the points the
    project's legal reference marks *unverified* stay marked;
(b) the exact electronic location: the URL, the platform, the content id and the author's
    handle and id, the publication time, and the SHA-256 of the record it was captured in;
(c) the notifier's name and e-mail address;
(d) a statement of the notifier's good-faith belief that the notice is accurate and complete.

**Weak notices.** Art. 23(2) DSA lets a platform suspend the notices of people who frequently
send manifestly unfounded ones, so a notice is *weak* when no offence was found for it, when
the classifier's abuse score is below :data:`WEAK_SCORE` (or the message was not scored) and no
person confirmed a hostile label, or when no URL was captured. Weak notices are flagged in the
index; the case layer writes them only on request, in a separate ``weak/`` folder.

**Masking.** A notice goes to the platform, which may forward it to the author: the personal
data quoted in the message text (phone numbers, e-mail addresses, postal addresses, postal
codes with their city, licence plates, found by a ``SpanFinder`` the caller gives) and every
value of the target's own data is replaced by ``[téléphone masqué]``… Invisible characters
(zero-width, bidirectional controls) are ignored while looking, so they cannot hide a number.

Message-derived text in the ``.txt`` output goes through :func:`rempart.reports.html.visible`
(controls, bidirectional overrides and zero-width characters shown as escapes); the JSON keeps
the exact values, with the same characters written as JSON escapes.

Example::

    notices = build_notices(dossier.data, Notifier("A. Martin", "a.martin@example.org"),
                            refs=["x:2"], finder=my_finder)
    files = notice_files(notices, include_weak=False, meta={})
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass

import orjson

from ..hashing import sha256_hex
from ..models import JSONObject, JSONValue, json_dict, json_list, json_objects
from ..textsafe import BIDI_CONTROLS, safe_json
from .html import visible
from .legal import DISCLAIMER_EN, DISCLAIMER_FR, unverified_words

__all__ = [
    "INDEX_FORMAT",
    "MASKED_KINDS",
    "NOTICE_FORMAT",
    "NOT_HOSTING",
    "WEAK_SCORE",
    "Notice",
    "Notifier",
    "SpanFinder",
    "build_notices",
    "mask_text",
    "notice_files",
    "render_notice_text",
    "unverified_words",
]

NOTICE_FORMAT = "rempart-dsa-notice-v1"
INDEX_FORMAT = "rempart-dsa-notices-v1"
#: Below this abuse score (and with no person confirming a hostile label) a notice is weak.
WEAK_SCORE = 0.5
#: The kinds of personal data masked in quoted text (see :mod:`rempart.analysis.raid.doxxing`).
MASKED_KINDS = ("address", "email", "phone", "postal_code", "licence_plate")
#: Platforms that are not hosting services: the DSA's notice and action does not apply.
NOT_HOSTING = ("sms", "whatsapp")
#: Offences that suggest a threat to a person's life or safety (DSA art. 18).
LIFE_OR_SAFETY = (
    "menace",
    "menace_mort",
    "menace_condition",
    "doxxing",
    "provocation_crime",
    "provocation_suicide",
)

#: Finds personal data in a text: ``(start, end, kind)`` spans, ``text[start:end]`` of ``kind``.
SpanFinder = Callable[[str], Iterable[tuple[int, int, str]]]

# invisible characters skipped while looking for personal data (they could split a number)
_INVISIBLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\u00ad") | BIDI_CONTROLS

# zero-width characters written as JSON escapes in the .json files (see _json_bytes)
_JSON_INVISIBLE = {ord(c): f"\\u{ord(c):04x}" for c in "\u200b\u200c\u2060\ufeff\u00ad"}

_T: dict[str, dict[str, str]] = {
    "fr": {
        "title": "NOTIFICATION DE CONTENU ILLICITE : article 16 du règlement (UE) 2022/2065 "
        "(règlement sur les services numériques, DSA)",
        "number": "Notification n°",
        "review": "À relire avant envoi : {disclaimer}",
        "weak": "ATTENTION, NOTIFICATION FRAGILE (art. 23 DSA : une plateforme peut suspendre "
        "le traitement des notifications d'une personne qui en envoie souvent de manifestement "
        "infondées) : {reasons}.",
        "location": "1. Localisation exacte du contenu (art. 16, § 2, b)",
        "url": "URL",
        "platform": "Plateforme",
        "content_id": "Identifiant du contenu",
        "author": "Compte auteur",
        "author_id": "identifiant",
        "published": "Publié le",
        "audience": "Audience",
        "status": "État constaté",
        "evidence": "Preuve",
        "evidence_text": "pièce n° {exhibit} ; empreinte SHA-256 de l'enregistrement capturé {sha}",
        "quoted": "Texte du contenu (tel que capturé{masked}) :",
        "masked_note": " ; données personnelles masquées",
        "explanation": "2. Pourquoi ce contenu est illicite (art. 16, § 2, a)",
        "intro": "Ce contenu peut constituer, en droit français, les infractions suivantes :",
        "intro_none": "Aucune infraction n'a été relevée pour ce contenu.",
        "message": "ce contenu",
        "conduct": "comportement de l'auteur",
        "facts": "éléments relevés",
        "to_establish": "reste à établir",
        "unverified": "non vérifié",
        "categories": "Catégories relevées",
        "severity": "gravité",
        "score": "score d'abus",
        "art18": "Ce contenu peut révéler une infraction pénale impliquant une menace pour la "
        "vie ou la sécurité d'une personne : l'hébergeur doit en informer promptement les "
        "autorités répressives ou judiciaires (art. 18 DSA).",
        "notifier": "3. Auteur de la notification (art. 16, § 2, c)",
        "name": "Nom",
        "email": "Adresse électronique",
        "good_faith_title": "4. Déclaration de bonne foi (art. 16, § 2, d)",
        "good_faith": "Je déclare être convaincu(e) de bonne foi que les informations et "
        "allégations contenues dans la présente notification sont exactes et complètes.",
        "none": "non communiqué",
        "phone": "[téléphone masqué]",
        "email_mask": "[adresse électronique masquée]",
        "address": "[adresse masquée]",
        "postal_code": "[code postal et ville masqués]",
        "licence_plate": "[immatriculation masquée]",
        "own": "[donnée personnelle masquée]",
        "no_offence": "aucune infraction candidate",
        "low_score": "score d'abus {score} inférieur à {floor}",
        "unscored": "message non évalué par le classifieur",
        "no_url": "aucune URL capturée (la plateforme pourrait ne pas trouver le contenu)",
        "colon": " : ",
        "semi": " ; ",
    },
    "en": {
        "title": "NOTICE OF ILLEGAL CONTENT: Article 16 of Regulation (EU) 2022/2065 "
        "(Digital Services Act)",
        "number": "Notice no.",
        "review": "Review before sending: {disclaimer}",
        "weak": "WARNING, WEAK NOTICE (Art. 23 DSA: a platform may suspend the processing of "
        "notices from a person who frequently sends manifestly unfounded ones): {reasons}.",
        "location": "1. Exact location of the content (Art. 16(2)(b))",
        "url": "URL",
        "platform": "Platform",
        "content_id": "Content id",
        "author": "Author account",
        "author_id": "id",
        "published": "Published",
        "audience": "Audience",
        "status": "Status observed",
        "evidence": "Evidence",
        "evidence_text": "exhibit {exhibit}; SHA-256 of the captured record {sha}",
        "quoted": "Text of the content (as captured{masked}):",
        "masked_note": "; personal data masked",
        "explanation": "2. Why this content is illegal (Art. 16(2)(a))",
        "intro": "Under French law, this content may amount to the following offences:",
        "intro_none": "No offence was found for this content.",
        "message": "this content",
        "conduct": "the author's conduct",
        "facts": "facts found",
        "to_establish": "still to establish",
        "unverified": "unverified",
        "categories": "Categories found",
        "severity": "severity",
        "score": "abuse score",
        "art18": "This content may reveal a criminal offence involving a threat to the life or "
        "safety of a person: the host must promptly inform the law enforcement or judicial "
        "authorities (Art. 18 DSA).",
        "notifier": "3. Notifier (Art. 16(2)(c))",
        "name": "Name",
        "email": "E-mail address",
        "good_faith_title": "4. Statement of good faith (Art. 16(2)(d))",
        "good_faith": "I declare my good-faith belief that the information and allegations "
        "contained in this notice are accurate and complete.",
        "none": "not given",
        "phone": "[phone number masked]",
        "email_mask": "[e-mail address masked]",
        "address": "[address masked]",
        "postal_code": "[postal code and city masked]",
        "licence_plate": "[licence plate masked]",
        "own": "[personal data masked]",
        "no_offence": "no candidate offence",
        "low_score": "abuse score {score} below {floor}",
        "unscored": "message not scored by the classifier",
        "no_url": "no URL captured (the platform may not find the content)",
        "colon": ": ",
        "semi": "; ",
    },
}


@dataclass(frozen=True)
class Notifier:
    """Who sends the notices (art. 16(2)(c)): a name and an e-mail address."""

    name: str
    email: str

    def to_json(self) -> JSONObject:
        return {"name": self.name, "email": self.email}


@dataclass(frozen=True)
class Notice:
    """One notice: its number (in the selection's time order), the message's ``platform:id``,
    the reasons it is weak (empty when it is not), its data (the ``.json`` file) and the file
    stem both files share."""

    number: int
    ref: str
    weak: tuple[str, ...]
    data: JSONObject
    stem: str

    @property
    def is_weak(self) -> bool:
        return bool(self.weak)


def mask_text(
    text: str,
    finder: SpanFinder | None = None,
    own_data: Sequence[str] = (),
    lang: str = "fr",
) -> tuple[str, dict[str, int]]:
    """``text`` with its personal data replaced by a visible mark, and how many of each kind
    were masked: the spans of :data:`MASKED_KINDS` that ``finder`` gives, and every occurrence
    of each value of ``own_data`` (case-insensitive; spaces, dots and dashes between digits are
    ignored, so ``06 12 34 56 78`` also finds ``06.12.34.56.78``)."""
    clean, where = _without_invisible(text)
    cuts: list[tuple[int, int, str]] = []
    if finder is not None:
        cuts += [(s, e, k) for s, e, k in finder(clean) if k in MASKED_KINDS and e > s]
    for value in own_data:
        pattern = _own_pattern(value)
        if pattern is not None:
            cuts += [
                (m.start(), m.end(), "own") for m in pattern.finditer(clean) if m.end() > m.start()
            ]
    if not cuts:
        return text, {}
    merged: list[tuple[int, int, str]] = []
    for start, end, kind in sorted(cuts, key=lambda c: (c[0], -c[1])):
        if merged and start < merged[-1][1]:
            first, last_end, first_kind = merged[-1]
            merged[-1] = (first, max(last_end, end), first_kind)
            continue
        merged.append((start, end, kind))
    t = _T.get(lang, _T["fr"])
    out: list[str] = []
    last = 0
    counts: Counter[str] = Counter()
    for start, end, kind in merged:
        out.append(text[last : where[start]])
        out.append(t["email_mask"] if kind == "email" else t[kind])
        counts[kind] += 1
        last = where[end - 1] + 1
    out.append(text[last:])
    return "".join(out), dict(sorted(counts.items()))


def _without_invisible(text: str) -> tuple[str, list[int]]:
    """``text`` without invisible characters, and the index in ``text`` of each kept one."""
    where = [i for i, c in enumerate(text) if c not in _INVISIBLE]
    if len(where) == len(text):
        return text, where
    return "".join(text[i] for i in where), where


def _own_pattern(value: str) -> re.Pattern[str] | None:
    """A pattern for one value of the target's own data; None for values too short to mask
    safely (fewer than 3 letters or digits would mask ordinary words)."""
    value = " ".join(value.split())
    if sum(c.isalnum() for c in value) < 3:
        return None
    parts: list[str] = []
    for i, char in enumerate(value):
        if char == " ":
            parts.append(r"[\s.\-/]*" if _digit_near(value, i) else r"\s+")
        elif char in ".-/" and _digit_near(value, i):
            parts.append(r"[\s.\-/]*")
        else:
            parts.append(re.escape(char))
            if char.isdigit() and i + 1 < len(value) and value[i + 1].isdigit():
                parts.append(r"[\s.\-/]?")
    prefix = r"(?<!\w)" if value[0].isalnum() else ""
    suffix = r"(?!\w)" if value[-1].isalnum() else ""
    return re.compile(prefix + "".join(parts) + suffix, re.IGNORECASE)


def _digit_near(value: str, i: int) -> bool:
    return 0 < i < len(value) - 1 and value[i - 1].isdigit() and value[i + 1].isdigit()


def build_notices(
    dossier: JSONObject,
    notifier: Notifier,
    refs: Sequence[str] | None = None,
    scores: Mapping[str, float | None] | None = None,
    confirmed: Collection[str] = (),
    finder: SpanFinder | None = None,
    own_data: Sequence[str] = (),
    mask: bool = True,
    lang: str = "fr",
) -> list[Notice]:
    """One notice per message of ``dossier`` (the court file's data, see
    :func:`rempart.reports.dossier.build_dossier`) whose ``platform:id`` is in ``refs`` (all
    when None), in the dossier's order, leaving out platforms that are not hosting services.

    ``scores`` gives the classifier's abuse score per ref; ``confirmed`` the refs a person
    labelled hostile (the score then does not make the notice weak). With ``mask``, the
    personal data in the quoted text is masked (:func:`mask_text`)."""
    if lang not in _T:
        raise ValueError(f"language {lang!r}: use fr or en")
    wanted = None if refs is None else set(refs)
    conduct = _conduct_by_ref(dossier)
    out: list[Notice] = []
    for row in json_objects(dossier.get("messages")):
        ref = str(row.get("ref"))
        if wanted is not None and ref not in wanted:
            continue
        if ref.partition(":")[0] in NOT_HOSTING:
            continue
        number = len(out) + 1
        data = _notice_json(
            number,
            row,
            conduct.get(ref, []),
            notifier,
            (scores or {}).get(ref),
            ref in confirmed,
            finder if mask else None,
            own_data if mask else (),
            lang,
        )
        weak = tuple(str(w.get("detail")) for w in json_objects(data.get("weak")))
        out.append(Notice(number, ref, weak, data, f"notice-{number:03d}-{_slug(ref)}"))
    return out


def _conduct_by_ref(dossier: JSONObject) -> dict[str, list[JSONObject]]:
    """The author-level qualifications (harassment, pile-on…) of each message they rest on."""
    out: dict[str, list[JSONObject]] = {}
    for author in json_objects(dossier.get("authors")):
        for q in json_objects(author.get("qualifications")):
            for ref in json_list(q.get("messages", [])):
                out.setdefault(str(ref), []).append(q)
    return out


def _slug(ref: str) -> str:
    slug = re.sub(r"[^A-Za-z0-9]+", "-", ref).strip("-")
    return slug[-48:].strip("-") or "item"


def _offence_json(q: JSONObject, scope: str, lang: str) -> JSONObject:
    offence = json_dict(q.get("offence", {}))
    return {
        "id": offence.get("id"),
        "label": offence.get("label_fr" if lang == "fr" else "label_en"),
        "article": offence.get("article"),
        "regime": offence.get("regime"),
        "scope": scope,
        "reasons": json_list(q.get("reasons", [])),
        "to_establish": json_list(q.get("to_establish", [])),
        "unverified": json_list(offence.get("unverified", [])),
    }


def _notice_json(
    number: int,
    row: JSONObject,
    conduct: list[JSONObject],
    notifier: Notifier,
    score: float | None,
    confirmed: bool,
    finder: SpanFinder | None,
    own_data: Sequence[str],
    lang: str,
) -> JSONObject:
    t = _T[lang]
    ref = str(row.get("ref"))
    platform, _, content_id = ref.partition(":")
    text = str(row.get("text") or "")
    masked: dict[str, int] = {}
    if finder is not None or own_data:
        text, masked = mask_text(text, finder, own_data, lang)
    offences = [_offence_json(q, "message", lang) for q in json_objects(row.get("qualifications"))]
    seen = {str(o["id"]) for o in offences}
    for q in conduct:
        item = _offence_json(q, "conduct", lang)
        if str(item["id"]) not in seen:
            seen.add(str(item["id"]))
            offences.append(item)
    weak: list[JSONValue] = []
    if not offences:
        weak.append({"code": "no_offence", "detail": t["no_offence"]})
    if not confirmed:
        if score is None:
            weak.append({"code": "unscored", "detail": t["unscored"]})
        elif score < WEAK_SCORE:
            detail = t["low_score"].format(
                score=_decimal(score, lang), floor=_decimal(WEAK_SCORE, lang)
            )
            weak.append({"code": "low_score", "detail": detail})
    if not row.get("url"):
        weak.append({"code": "no_url", "detail": t["no_url"]})
    disclaimer = DISCLAIMER_FR if lang == "fr" else DISCLAIMER_EN
    return {
        "format": NOTICE_FORMAT,
        "number": number,
        "lang": lang,
        "legal_basis": "Regulation (EU) 2022/2065, Article 16",
        "disclaimer": disclaimer,
        "location": {
            "url": row.get("url"),
            "platform": platform,
            "content_id": content_id,
            "author_handle": row.get("author_handle"),
            "author_id": row.get("author_id"),
            "published_at_utc": row.get("created_at_utc"),
            "published_at_paris": row.get("created_at_paris"),
            "audience": row.get("audience"),
            "status": row.get("status"),
            "exhibit": row.get("exhibit"),
            "record_sha256": row.get("record_sha256"),
        },
        "content": {"text": text, "masked": dict(masked), "masking": finder is not None},
        "explanation": {
            "offences": list[JSONValue](offences),
            "categories": json_list(row.get("labels", [])),
            "severity": row.get("severity"),
            "abuse_score": score,
            "confirmed_by_a_person": confirmed,
            "art18": any(str(o["id"]) in LIFE_OR_SAFETY for o in offences),
        },
        "notifier": notifier.to_json(),
        "good_faith": t["good_faith"],
        "weak": weak,
    }


def _decimal(value: float, lang: str) -> str:
    """``0.25`` as ``0,25`` in French."""
    text = f"{value:.2f}"
    return text.replace(".", ",") if lang == "fr" else text


def render_notice_text(data: JSONObject) -> str:
    """A notice as plain text, in its language: everything message-derived shown through
    :func:`~rempart.reports.html.visible` (inert, controls made visible)."""
    lang = str(data.get("lang")) if data.get("lang") in _T else "fr"
    t = _T[lang]
    c, sc = t["colon"], t["semi"]
    where = json_dict(data.get("location", {}))
    content = json_dict(data.get("content", {}))
    why = json_dict(data.get("explanation", {}))
    notifier = json_dict(data.get("notifier", {}))
    weak = [str(w.get("detail")) for w in json_objects(data.get("weak"))]
    lines = [t["title"], f"{t['number']} {data.get('number')}", ""]
    lines.append(t["review"].format(disclaimer=data.get("disclaimer")))
    if weak:
        lines += ["", t["weak"].format(reasons=sc.join(weak))]
    lines += ["", t["location"]]

    def field(label: str, value: JSONValue) -> None:
        lines.append(f"- {label}{c}{visible(value) if value else t['none']}")

    handle, author_id = where.get("author_handle"), where.get("author_id")
    published = where.get("published_at_utc")
    field(t["url"], where.get("url"))
    field(t["platform"], where.get("platform"))
    field(t["content_id"], where.get("content_id"))
    field(
        t["author"],
        f"@{handle} ({t['author_id']} {author_id or t['none']})" if handle else author_id,
    )
    field(t["published"], f"{published} ({where.get('published_at_paris')})" if published else None)
    field(t["audience"], where.get("audience"))
    field(t["status"], where.get("status"))
    field(
        t["evidence"],
        t["evidence_text"].format(exhibit=where.get("exhibit"), sha=where.get("record_sha256")),
    )
    lines += ["", t["quoted"].format(masked=t["masked_note"] if content.get("masked") else "")]
    lines += [f"    > {visible(line)}" for line in str(content.get("text") or "").split("\n")]
    lines += ["", t["explanation"]]
    offences = json_objects(why.get("offences"))
    lines.append(t["intro"] if offences else t["intro_none"])
    for o in offences:
        scope = t["message"] if o.get("scope") == "message" else t["conduct"]
        lines.append(f"- {o.get('label')} ({o.get('article')}) [{scope}]")
        reasons = json_list(o.get("reasons", []))
        if reasons:
            lines.append(f"    {t['facts']}{c}" + sc.join(str(r) for r in reasons))
        establish = json_list(o.get("to_establish", []))
        if establish:
            lines.append(f"    {t['to_establish']}{c}" + sc.join(str(e) for e in establish))
        unverified = json_list(o.get("unverified", []))
        if unverified:
            lines.append(f"    [{t['unverified']}{c}{unverified_words(unverified, lang)}]")
    categories = ", ".join(str(x) for x in json_list(why.get("categories", [])))
    score = why.get("abuse_score")
    lines.append(
        f"{t['categories']}{c}{categories or t['none']}{sc}{t['severity']}{c}"
        f"{why.get('severity') or t['none']}{sc}{t['score']}{c}"
        f"{_decimal(score, lang) if isinstance(score, (int, float)) else t['none']}"
    )
    if why.get("art18"):
        lines += ["", t["art18"]]
    lines += ["", t["notifier"]]
    field(t["name"], notifier.get("name"))
    field(t["email"], notifier.get("email"))
    lines += ["", t["good_faith_title"], str(data.get("good_faith")), ""]
    return "\n".join(lines)


def _json_bytes(data: JSONObject) -> bytes:
    """JSON as written to a file: exact values, with controls, bidirectional and line
    separator characters written as JSON escapes, zero-width ones too (nothing invisible or
    reordering is left raw; such characters can only occur inside JSON strings)."""
    text = safe_json(orjson.dumps(data, option=orjson.OPT_INDENT_2).decode())
    return text.translate(_JSON_INVISIBLE).encode() + b"\n"


def notice_files(
    notices: Sequence[Notice], include_weak: bool, meta: JSONObject
) -> dict[str, bytes]:
    """The files of a notices folder, by relative path: ``notice-NNN-….txt`` and ``.json`` per
    notice (weak ones only with ``include_weak``, under ``weak/``), and ``index.json`` /
    ``index.txt`` listing every notice, weak ones flagged, with each file's SHA-256. ``meta``
    (filters, masking, generation time…) goes into the index as it is."""
    files: dict[str, bytes] = {}
    listed: list[JSONValue] = []
    for n in notices:
        folder = "weak/" if n.is_weak else ""
        written = include_weak or not n.is_weak
        entry: JSONObject = {
            "number": n.number,
            "ref": n.ref,
            "url": json_dict(n.data.get("location", {})).get("url"),
            "offences": [
                o.get("id")
                for o in json_objects(json_dict(n.data.get("explanation", {})).get("offences"))
            ],
            "weak": n.is_weak,
            "weak_reasons": list(n.weak),
            "written": written,
            "files": {},
        }
        if written:
            names = json_dict(entry["files"])
            for suffix, body in (
                ("txt", render_notice_text(n.data).encode("utf-8")),
                ("json", _json_bytes(n.data)),
            ):
                name = f"{folder}{n.stem}.{suffix}"
                files[name] = body
                names[name] = sha256_hex(body)
        listed.append(entry)
    weak = sum(1 for n in notices if n.is_weak)
    index: JSONObject = {
        "format": INDEX_FORMAT,
        **meta,
        "notices": listed,
        "counts": {"notices": len(notices), "weak": weak, "written": len(files) // 2},
    }
    files["index.json"] = _json_bytes(index)
    files["index.txt"] = _index_text(index).encode("utf-8")
    return files


def _index_text(index: JSONObject) -> str:
    lang = str(index.get("lang")) if index.get("lang") in _T else "fr"
    fr = lang == "fr"
    counts = json_dict(index.get("counts", {}))
    lines = [
        "Notifications DSA (art. 16) : index" if fr else "DSA notices (Art. 16): index",
        (DISCLAIMER_FR if fr else DISCLAIMER_EN),
        "",
        (
            f"{counts.get('notices')} notification(s), dont {counts.get('weak')} fragile(s) "
            "(à ne pas envoyer en nombre : art. 23 DSA)."
            if fr
            else f"{counts.get('notices')} notice(s), {counts.get('weak')} of them weak "
            "(do not send them in bulk: Art. 23 DSA)."
        ),
        "",
    ]
    for e in json_objects(index.get("notices")):
        flag = ("FRAGILE" if fr else "WEAK") if e.get("weak") else "ok"
        files = ", ".join(json_dict(e.get("files", {}))) or ("non écrite" if fr else "not written")
        offences = ", ".join(str(o) for o in json_list(e.get("offences", []))) or "-"
        ref, url = visible(e.get("ref")), visible(e.get("url") or "-")
        lines.append(f"{e.get('number')!s:>4}  [{flag}]  {ref}  {url}")
        lines.append(f"      {offences}  ->  {visible(files)}")
        for reason in json_list(e.get("weak_reasons", [])):
            lines.append(f"      ! {reason}")
    return "\n".join(lines) + "\n"
