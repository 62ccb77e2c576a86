"""Handles and display names as a reader sees them: skeletons, affixes, look-alike letters.

Impersonation and ban evasion both ask "do these two names read the same?". A *skeleton* folds
what a quick reader does not tell apart: Unicode compatibility forms (full-width, bold maths
letters), case, accents, Cyrillic and Greek look-alikes, ``I``/``l``/``1``/``|``, ``0``/``O``,
``rn``/``m``, ``vv``/``w``, separators and invisible characters. A *core* also drops the
affixes people add to a copied name (``_officiel``, ``real_``, ``_bis``, trailing digits).

Example::

    >>> skeleton("cib1e_demo") == skeleton("Cible.Demo")
    True
    >>> core("cible_demo_officiel") == core("cible_demo")
    True
    >>> read_as("cib1e_demo", "cible_demo")
    "'1' is read as 'l'"
"""

from __future__ import annotations

import re
import unicodedata
from difflib import SequenceMatcher
from functools import lru_cache

#: Cyrillic, Greek, Armenian and other letters drawn like a Latin letter (lower case, after
#: casefold).
_LOOKALIKE = str.maketrans(
    {
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "і": "i",
        "ї": "i",
        "ј": "j",
        "ѕ": "s",
        "ԁ": "d",
        "ԛ": "q",
        "ԝ": "w",
        "һ": "h",
        "ӏ": "l",
        "ɡ": "g",
        "ı": "i",
        "ɩ": "i",
        "ʟ": "l",
        "ɑ": "a",
        "α": "a",
        "β": "b",
        "ε": "e",
        "η": "n",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "ϲ": "c",
        "ω": "w",
        "ø": "o",
        "đ": "d",
        "ł": "l",
        "ħ": "h",
        "æ": "ae",
        "œ": "oe",
        "ß": "ss",
        "օ": "o",
        "ս": "u",
        "հ": "h",
        "ո": "n",
        # small capitals, as "fancy text" generators write them (NFKC leaves them alone)
        "ᴀ": "a",
        "ʙ": "b",
        "ᴄ": "c",
        "ᴅ": "d",
        "ᴇ": "e",
        "ɢ": "g",
        "ʜ": "h",
        "ɪ": "i",
        "ᴊ": "j",
        "ᴋ": "k",
        "ᴍ": "m",
        "ɴ": "n",
        "ᴏ": "o",
        "ᴘ": "p",
        "ʀ": "r",
        "ꜱ": "s",
        "ᴛ": "t",
        "ᴜ": "u",
        "ᴠ": "v",
        "ᴡ": "w",
        "ʏ": "y",
        "ᴢ": "z",
    }
)
#: Digits and signs read as letters (I/l/1/|, 0/O, leet speak), applied after affixes go.
_AS_LETTER = str.maketrans(
    {
        "0": "o",
        "1": "l",
        "|": "l",
        "!": "l",
        "i": "l",
        "3": "e",
        "4": "a",
        "5": "s",
        "7": "t",
        "$": "s",
        "@": "a",
    }
)
#: Letter pairs read as one letter.
_PAIRS = (("rn", "m"), ("vv", "w"))

#: Words people add around a copied or recreated name.
AFFIXES = frozenset(
    {
        "officiel",
        "officielle",
        "official",
        "offi",
        "off",
        "real",
        "vrai",
        "vraie",
        "the",
        "le",
        "la",
        "les",
        "fr",
        "bis",
        "ter",
        "backup",
        "bkp",
        "back",
        "alt",
        "new",
        "nouveau",
        "nouvelle",
        "compte",
        "account",
        "acc",
        "retour",
        "again",
        "encore",
        "reloaded",
        "is",
        "here",
        "ici",
        "sauvegarde",
        "secours",
        "x",
        "xx",
        "xxx",
        "tv",
        "info",
        "infos",
        "page",
    }
)
#: Affixes long enough to be stripped even when glued to the name (``ciblereal``).
_GLUED = (
    "officielle",
    "officiel",
    "official",
    "backup",
    "thereal",
    "levrai",
    "lavraie",
    "vraie",
    "vrai",
    "real",
    "retour",
)

_SEPARATORS = re.compile(r"[\s_.\-·•~,:;/\\()\[\]{}'\"«»*+=#]+")
_VERSION = re.compile(r"v\d+|\d+")
_TRAILING_DIGITS = re.compile(r"\d+$")
#: Letters drawn as nothing (Hangul fillers, blank Braille pattern).
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\u2800\uffa0")
_RTL_RUN = re.compile("\u202e([^\u202a-\u202e]*)\u202c?")


def invisible(text: str | None) -> list[str]:
    """The invisible or direction-changing characters in ``text`` (zero-width, RTL override)."""
    if not text or (text.isprintable() and not _BLANK_LETTERS.intersection(text)):
        return []
    return [
        c
        for c in text
        if unicodedata.category(c) in ("Cf", "Cc", "Co", "Cs") or c in _BLANK_LETTERS
    ]


@lru_cache(maxsize=200_000)
def clean(text: str | None) -> str:
    """NFKC, in display order, without invisible characters, spaces collapsed: what a reader
    sees.

    Text after a right-to-left override (U+202E, up to U+202C) is shown reversed, so it is
    reversed here: "Cible " + U+202E + "omèD" reads "Cible Dèmo".
    """
    if text and text.isascii() and text.isprintable():
        return " ".join(text.split())
    shown_order = _RTL_RUN.sub(lambda m: m.group(1)[::-1], text or "")
    bad = set(invisible(shown_order))
    kept = "".join(c for c in unicodedata.normalize("NFKC", shown_order) if c not in bad)
    return " ".join(kept.split())


@lru_cache(maxsize=100_000)
def shown(text: str | None, limit: int = 80) -> str:
    """A name safe to quote in evidence: invisible characters written as ``<U+202E>``.

    Quoting a name with a right-to-left override verbatim would reverse the evidence sentence
    around it; very long names are cut.
    """
    hidden = set(invisible(text))
    out = "".join(f"<U+{ord(c):04X}>" if c in hidden else c for c in text or "")
    return out if len(out) <= limit else out[: limit - 1] + "…"


def _base(text: str | None) -> str:
    """Clean, case-folded, look-alikes mapped, accents dropped; separators and digits kept."""
    seen = clean(text).lstrip("@")
    if seen.isascii():
        return seen.lower()
    folded = seen.casefold().translate(_LOOKALIKE)
    return "".join(
        c for c in unicodedata.normalize("NFD", folded) if unicodedata.category(c) != "Mn"
    )


def _letters(text: str) -> str:
    out = text.translate(_AS_LETTER)
    for pair, one in _PAIRS:
        out = out.replace(pair, one)
    return re.sub(r"[^a-z0-9]", "", out)


@lru_cache(maxsize=200_000)
def skeleton(text: str | None) -> str:
    """The name as a quick reader sees it: look-alikes folded, separators dropped."""
    return _letters(_SEPARATORS.sub("", _base(text)))


def _strip_tokens(tokens: list[str]) -> list[str]:
    changed = True
    while changed and tokens:
        changed = False
        for end in (0, -1):
            if len(tokens) > 1 and (tokens[end] in AFFIXES or _VERSION.fullmatch(tokens[end])):
                tokens.pop(end)
                changed = True
    return tokens


def _strip_glued(word: str) -> str:
    for affix in _GLUED:
        if word.endswith(affix) and len(word) - len(affix) >= 3:
            word = word[: -len(affix)]
        if word.startswith(affix) and len(word) - len(affix) >= 3:
            word = word[len(affix) :]
    digits = _TRAILING_DIGITS.search(word)
    if digits and digits.start() >= 3:
        word = word[: digits.start()]
    return word


@lru_cache(maxsize=200_000)
def core(text: str | None) -> str:
    """The skeleton without the affixes of a copy: ``real_cible_demo_2`` -> skeleton of cible
    demo."""
    tokens = [t for t in _SEPARATORS.split(_base(text)) if re.search(r"\w", t)]
    tokens = _strip_tokens(tokens)
    return _letters(_strip_glued("".join(tokens)))


@lru_cache(maxsize=200_000)
def plain(text: str | None) -> str:
    """Case, accents and look-alike letters folded, separators dropped, digits kept as digits:
    ``Pierre_944737`` -> ``pierre944737``."""
    return re.sub(r"[^\w]", "", _SEPARATORS.sub("", _base(text)))


@lru_cache(maxsize=200_000)
def stem(text: str | None) -> str:
    """The skeleton without trailing digits: ``vrai_loup2`` and ``vrai_loup`` share a stem."""
    base = _SEPARATORS.sub("", _base(text))
    return _letters(_TRAILING_DIGITS.sub("", base))


def typed_stem(text: str | None) -> str:
    """The handle as typed, in lower case, without trailing digits: ``Ve_rite7`` -> ``ve_rite``.

    Families of generated handles share it (``VeriteCitoyen13``, ``VeriteCitoyen45``); a
    variant typed by one person (``Ve_riteCitoyen1``) usually does not.
    """
    return _TRAILING_DIGITS.sub("", clean(text).lstrip("@").lower())


def trailing_digits(text: str | None) -> str:
    """The digits a handle ends with (``''`` when none)."""
    found = _TRAILING_DIGITS.search(_SEPARATORS.sub("", _base(text)))
    return found.group() if found else ""


def edit(a: str, b: str) -> str | None:
    """The single edit that turns ``a`` into ``b``: "changed", "swapped" (two neighbours),
    "added" or "dropped"; ``None`` when they are equal or further apart (linear time)."""
    if a == b or abs(len(a) - len(b)) > 1:
        return None
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    if len(a) == len(b):
        if a[start + 1 :] == b[start + 1 :]:
            return "changed"
        swapped = (
            a[start : start + 2] == b[start : start + 2][::-1] and a[start + 2 :] == b[start + 2 :]
        )
        return "swapped" if swapped else None
    if len(a) > len(b):
        return "dropped" if a[start + 1 :] == b[start:] else None
    return "added" if b[start + 1 :] == a[start:] else None


def one_edit(a: str, b: str) -> bool:
    """True when ``a`` and ``b`` differ by one letter added, dropped, changed, or two
    neighbours swapped."""
    return edit(a, b) is not None


def grams(text: str, n: int = 3) -> set[str]:
    """Character n-grams of a text (the whole text when shorter; none when empty)."""
    return {text[i : i + n] for i in range(max(1, len(text) - n + 1))} if text else set()


def _char_label(chars: str) -> str:
    """Characters quoted, with their Unicode names when not plain ASCII (the kinds only, such
    as "cyrillic small letter", past two characters)."""
    if chars.isascii():
        return f"'{chars}'"
    names = [unicodedata.name(c, f"U+{ord(c):04X}").lower() for c in chars if not c.isascii()]
    if len(chars) > 2:
        names = [n.rsplit(" ", 1)[0] for n in names]
    return f"'{chars}' ({', '.join(dict.fromkeys(names))})"


def _lower_each(text: str) -> str:
    return "".join(c.lower() if len(c.lower()) == 1 else c for c in text)


def read_as(name: str, original: str) -> str:
    """How ``name`` turns into ``original`` for a reader, in words (``''`` when they differ
    at most by letter case).

    Example: ``read_as("cib1e_demo", "cible_demo")`` gives ``"'1' is read as 'l'"``.
    """
    a, b = clean(name).lstrip("@"), clean(original).lstrip("@")
    notes: list[str] = []
    if a != unicodedata.normalize("NFKC", name or "").lstrip("@").strip() and invisible(name):
        notes.append(f"{len(invisible(name))} invisible character(s) hidden in it")
    if a != (name or "").lstrip("@").strip() and not invisible(name):
        notes.append("styled or full-width letters (Unicode compatibility forms)")
    matcher = SequenceMatcher(None, _lower_each(a), _lower_each(b), autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        seen, meant = a[i1:i2], b[j1:j2]
        if op == "equal":
            continue
        if op == "replace" and skeleton(seen) == skeleton(meant) and skeleton(seen):
            notes.append(f"{_char_label(seen)} is read as {_char_label(meant)}")
        elif op == "replace" and _base(seen) == _base(meant):
            notes.append(f"{_char_label(seen)} stands for {_char_label(meant)}")
        elif not _letters(_base(seen)) and not _letters(_base(meant)):
            notes.append("separators differ")
        elif op == "insert" or (op == "replace" and not skeleton(seen)):
            notes.append(f"{_char_label(meant)} left out")
        elif op == "delete" or not skeleton(meant):
            notes.append(f"{_char_label(seen)} added")
        else:
            notes.append(f"{_char_label(seen)} instead of {_char_label(meant)}")
    return "; ".join(dict.fromkeys(notes))
