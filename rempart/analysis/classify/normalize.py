"""Undo the obfuscation of abusive text before features are extracted.

:func:`normalize` maps a raw message to a canonical lower-case form:

- Unicode NFKC (fullwidth and "mathematical bold" letters become ASCII), lower case;
- zero-width, bidi-control, variation-selector and skin-tone characters removed, stray combining
  marks ("zalgo") removed, look-alike Cyrillic and Greek letters mapped to Latin;
- accents stripped (:func:`normalize_keep_accents` keeps them), ``œ`` -> ``oe``;
- typographic quotes -> ``"``, apostrophes -> ``'``, dashes -> ``-``;
- URLs -> ``url``, e-mail addresses -> ``email_addr``, @mentions -> ``@user``, ``#mot`` -> ``mot``;
- emoji -> words (``🔪`` -> ``emoji_arme``, ``🖕`` -> ``emoji_doigt``, ``❤️`` -> ``emoji_soutien``);
- letter spacing joined (``c o n n a r d``, ``c.o.n``, ``c-o-n``, ``p.d`` -> ``connard``, ``pd``);
- masked letters resolved against the lexicon (``p*te`` -> ``pute``);
- leetspeak (``4 @ 3 1 ! 0 5 $ 7 €``) undone inside words that contain letters; when the digits
  only sit at the edge of a word (``abrut1``, ``1er``, ``mp3``), only if the result is a known word;
- runs of three or more identical letters collapsed to one when that gives a known word
  (``connaaaard`` -> ``connard``), otherwise to two (``trooop`` -> ``troop``).

Known words come from the lexicon's vocabulary (:mod:`.lexicon`), loaded lazily the first time
a message needs it. Messages are attacker-controlled: everything here is string rewriting with
``str.translate`` and a few precompiled regular expressions; nothing is evaluated.

Example::

    >>> normalize("T'es qu'une S4L0PE 🔪 @marie https://t.co/x")
    "t'es qu'une salope emoji_arme @user url"
    >>> tokens("t'es qu'une salope")
    ["t'", 'es', "qu'", 'une', 'salope']
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Callable, Collection, Mapping
from functools import cache

__all__ = ["EMOJI", "normalize", "normalize_keep_accents", "tokens"]

#: Emoji (by code point) -> the word they become. Variation selectors, skin tones and ZWJ are
#: dropped first, so "❤️" (U+2764 U+FE0F) and "👍🏽" map like their bare forms.
EMOJI: dict[str, str] = {
    **dict.fromkeys("🔪🗡⚔🔫💣🪓🏹🧨", "emoji_arme"),
    **dict.fromkeys("💀☠⚰🪦", "emoji_mort"),
    **dict.fromkeys("🩸", "emoji_sang"),
    **dict.fromkeys("🪢", "emoji_corde"),
    **dict.fromkeys("🎯", "emoji_cible"),
    **dict.fromkeys("👀", "emoji_yeux"),
    **dict.fromkeys("🤫🤐", "emoji_silence"),
    **dict.fromkeys("🖕", "emoji_doigt"),
    **dict.fromkeys("🐒🐵🦍🦧", "emoji_singe"),
    **dict.fromkeys("🍌", "emoji_banane"),
    **dict.fromkeys("🐷🐖🐽🐗", "emoji_porc"),
    **dict.fromkeys("🐀🐁🪳🦠🐍", "emoji_vermine"),
    **dict.fromkeys("🤡", "emoji_clown"),
    **dict.fromkeys("🤮🤢", "emoji_vomi"),
    **dict.fromkeys("💩", "emoji_caca"),
    **dict.fromkeys("🍆🍑💦👅🥵", "emoji_sexe"),
    **dict.fromkeys("😂🤣😆😹😅", "emoji_rire"),
    **dict.fromkeys("😡🤬😠👿", "emoji_colere"),
    **dict.fromkeys("😢😭🥺😞😔", "emoji_triste"),
    **dict.fromkeys("❤♥💕💖💗💙💚💛💜🧡🤍💞💓💘🫶🥰😘🤗🫂🌹", "emoji_soutien"),
    **dict.fromkeys("💪🙏🤝✊👏", "emoji_soutien"),
    **dict.fromkeys("🌈⚧", "emoji_fierte"),
    **dict.fromkeys("☪✡🕎✝🕌⛪🕍🧕", "emoji_religion"),
    **dict.fromkeys("👍👌", "emoji_ok"),
}

_DROP = (
    [0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x3164, 0xFEFF, 0xFFA0]
    + list(range(0x200B, 0x2010))  # zero-width space/joiners, LRM/RLM
    + list(range(0x202A, 0x202F))  # bidi embeddings and overrides
    + list(range(0x2060, 0x2070))  # word joiner, invisible operators, bidi isolates
    + list(range(0xFE00, 0xFE10))  # variation selectors
    + list(range(0x1F3FB, 0x1F400))  # skin-tone modifiers
    + list(range(0xE0000, 0xE0080))  # tag characters
    + list(range(0x0300, 0x0370))  # combining diacritics (zalgo; NFKC composed the rest)
    + list(range(0x1AB0, 0x1B00))
    + list(range(0x1DC0, 0x1E00))
    + list(range(0x20D0, 0x2100))
)
_PUNCT = {
    **dict.fromkeys("«»“”„‟″〝〞＂", '"'),
    **dict.fromkeys("‘’‚‛´`′ʼ", "'"),
    **dict.fromkeys("‐‑‒–—―−", "-"),
    **dict.fromkeys("•·∙⋅", "."),
}
#: Look-alike letters used to dodge filters (lower case, after NFKC).
_HOMOGLYPHS = dict(zip("асеорхуіјѕԁɡοαεικνρτυχ", "aceopxyijsdgoaeikvptux"))
_LIGATURES = {"œ": "oe", "æ": "ae", "ß": "ss", "ø": "o", "đ": "d", "ł": "l", "ı": "i", "ħ": "h"}


def _strip_accents_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in range(0xC0, 0x250):
        ch = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        if base != ch and base.isascii():
            table[cp] = base.lower()
    for ch, rep in _LIGATURES.items():
        table[ord(ch)] = rep
    return table


def _build_table(strip_accents: bool) -> dict[int, str | None]:
    table: dict[int, str | None] = {cp: None for cp in _DROP}
    for ch, rep in {**_PUNCT, **_HOMOGLYPHS}.items():
        table[ord(ch)] = rep
    for ch, word in EMOJI.items():
        table[ord(ch)] = f" {word} "
    if strip_accents:
        table.update(_strip_accents_table())
    for cp in [*range(0x20), 0x7F, *range(0x80, 0xA0)]:
        table[cp] = None  # control characters
    for cp in range(0x3100):
        if chr(cp).isspace():
            table[cp] = " "
    return table


_TABLE_STRIP = _build_table(strip_accents=True)
_TABLE_KEEP = _build_table(strip_accents=False)
#: Latin-1 lower-case letters -> their unaccented letter, as a byte table (fast path).
_LATIN1 = bytes(
    ord(_TABLE_STRIP.get(b) or chr(b)) if len(_TABLE_STRIP.get(b) or chr(b)) == 1 else b
    for b in range(256)
)
#: Frequent typographic characters, replaced with ``str.replace`` before anything else.
_COMMON = (
    ("\u2019", "'"),
    ("\u00ab", '"'),
    ("\u00bb", '"'),
    ("\u201c", '"'),
    ("\u201d", '"'),
    ("\u00a0", " "),
    ("\u202f", " "),
    ("\u2013", "-"),
    ("\u2014", "-"),
)
#: Anything but ASCII and the Latin-1 letters that lose their accent as one letter.
_SPECIAL = re.compile(r"[^\x00-\x7f\u00e0-\u00e5\u00e7-\u00ef\u00f1-\u00f6\u00f9-\u00fd\u00ff]+")

_LATIN1_LETTERS = re.compile(r"[\u00e0-\u00ff]+")

_LEET = str.maketrans(
    {
        "4": "a",
        "@": "a",
        "3": "e",
        "1": "i",
        "!": "i",
        "0": "o",
        "5": "s",
        "$": "s",
        "7": "t",
        "€": "e",
    }
)
_LEET_CHARS = "4@31!05$7€"

_URL = re.compile(r"(?:https?://|www\.)\S+")
_DOMAIN = re.compile(
    r"\b[\w-]+(?:\.[\w-]+)*\.(?:com|fr|org|net|io|co|be|ch|ly|gl|me|info|tv|gg|eu|ca)/\S*"
)
_EMAIL_HINT = re.compile(r"@(?<=[\w.+-]@)[\w-]+\.\w")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_MENTION = re.compile(r"@(?<![\w.]@)\w+(?:[.@][\w-]*\w)*")
_SPACED_HINT = re.compile(
    r"[ .\-_*/][a-z0-9@$](?:[.\-_*/][a-z0-9@$]|[ .\-_*/][a-z0-9@$][ .\-_*/][a-z0-9@$])(?![\w@$])"
)
_SPACED = re.compile(r"(?<![\w@$'])(?:[a-z0-9@$][ .\-_*/])+[a-z0-9@$](?![\w@$]|[.\-_*/]\w)")
_MASKED = re.compile(r"(?<![\w*])(?:[a-z]+\*+[a-z*]*|\*+[a-z][a-z*]*)(?![\w*])")
_LEET_HINT = re.compile(r"[0-9$\u20ac!](?:(?<=[a-z].)|(?=[a-z]))")
_LEET_TOKEN = re.compile(r"[a-z0-9@$\u20ac!]*[0-9@$\u20ac!][a-z0-9@$\u20ac!]*")
_REPEAT_HINT = re.compile(r"(.)\1\1")
_REPEAT = re.compile(r"([a-z])\1\1")
_REPEAT_WORD = re.compile(r"[a-z]*([a-z])\1\1[a-z]*")
_RUN = re.compile(r"([a-z])\1{2,}")
#: ASCII punctuation (but ``' @ _``) -> space, as a byte table for :func:`tokens`.
_SPLIT = bytes(32 if chr(b) in '!"#$%&()*+,-./:;<=>?[\\]^`{|}~' else b for b in range(256))


def normalize(text: str, vocabulary: Collection[str] | None = None) -> str:
    """The canonical, de-obfuscated, accent-free lower-case form of ``text``.

    ``vocabulary`` is the set of known words used to settle ambiguous leetspeak, masks and
    repeated letters; by default, the lexicon's (:func:`.lexicon.load_lexicon`).
    """
    return _normalize(text, True, vocabulary)


def normalize_keep_accents(text: str, vocabulary: Collection[str] | None = None) -> str:
    """Like :func:`normalize`, but ``é`` stays ``é`` (for display and accent-aware n-grams)."""
    return _normalize(text, False, vocabulary)


def tokens(norm: str) -> list[str]:
    """The words of a normalised text; an elided article keeps its apostrophe (``t'``, ``qu'``),
    while single quotes around a word are dropped (``'whore'`` is ``whore``).

    Words are split at whitespace and ASCII punctuation other than ``' @ _``.

    >>> tokens("t'es un @user, emoji_arme!")
    ["t'", 'es', 'un', '@user', 'emoji_arme']
    """
    b = (b" " + norm.encode("utf-8", "surrogatepass")).translate(_SPLIT)
    if b"'" in b:  # a quote mark opens or closes a word; an elision is followed by a letter
        b = (b + b" ").replace(b" '", b" ").replace(b"' ", b" ").replace(b"'", b"' ")
    return b.decode("utf-8", "surrogatepass").split()


def _normalize(text: str, strip: bool, vocabulary: Collection[str] | None) -> str:
    if text.isascii():
        s = text.lower()
        if not s.isprintable() or "`" in s:  # tabs, newlines, control characters
            s = s.translate(_TABLE_STRIP)
    else:
        s = unicodedata.normalize("NFKC", text).lower()
        for a, b in _COMMON:
            if a in s:
                s = s.replace(a, b)
        table = _TABLE_STRIP if strip else _TABLE_KEEP
        if _SPECIAL.search(s):
            s = _SPECIAL.sub(lambda m: m.group().translate(table), s)
        if not s.isprintable():  # newlines, tabs, control characters
            s = s.translate(table)
        if strip and not s.isascii():
            try:
                s = s.encode("latin-1").translate(_LATIN1).decode("latin-1")
            except UnicodeEncodeError:  # other scripts or unmapped emoji: keep them
                s = _LATIN1_LETTERS.sub(lambda m: m.group().translate(table), s)
    # URLs, addresses and mentions are whitespace- or punctuation-delimited already: no padding.
    if "http" in s or "www." in s:
        s = _URL.sub("url", s)
    if "/" in s and "." in s:
        s = _DOMAIN.sub("url", s)
    if "@" in s:
        if _EMAIL_HINT.search(s):
            s = _EMAIL.sub("email_addr", s)
        s = _MENTION.sub("@user", s)
    if "#" in s:
        s = s.replace("#", "")
    vocab: Callable[[], Collection[str]] = _default_vocabulary
    if vocabulary is not None:
        known = vocabulary
        vocab = lambda: known  # noqa: E731
    if _SPACED_HINT.search(" " + s):
        s = _SPACED.sub(lambda m: _join_spaced(m.group(), vocab), s)
    if "*" in s:
        s = _MASKED.sub(lambda m: _unmask(m.group(), vocab()), s)
    if _LEET_HINT.search(s) or ("@" in s and s.count("@") != s.count("@user")):
        s = _LEET_TOKEN.sub(lambda m: _unleet(m.group(), vocab), s)
    if _REPEAT_HINT.search(s) and _REPEAT.search(s):
        s = _REPEAT_WORD.sub(lambda m: _collapse(m.group(), vocab()), s)
    if "  " in s or s[:1] == " " or s[-1:] == " ":
        s = " ".join(s.split())
    return s


def _join_spaced(run: str, vocab: Callable[[], Collection[str]]) -> str:
    joined = run[::2]
    if sum(c.isalpha() for c in joined) < 2:
        return run
    # "il y a à" must stay apart: three letters spaced by blanks, or two letters ("p.d"), only
    # join into a known word.
    if len(joined) == 2 and (run[1] == " " or joined not in vocab()):
        return run
    if len(joined) == 3 and run[1] == " " and run[3] == " " and joined not in vocab():
        return run
    return joined


def _unmask(token: str, vocab: Collection[str]) -> str:
    letters = sum(c != "*" for c in token)
    if letters < 2:
        return token
    pattern = re.compile(re.escape(token).replace(r"\*", "[a-z]"))
    matches = [w for w in _by_length(vocab).get(len(token), ()) if pattern.fullmatch(w)]
    if not matches:
        return token
    # The most frequent word of the lexicon wins ("m*rde" is "merde", not Quebec's "marde").
    rank = vocab if isinstance(vocab, Mapping) else {}
    return min(matches, key=lambda w: (-rank.get(w, 0), w))


def _unleet(token: str, vocab: Callable[[], Collection[str]]) -> str:
    core = token.strip("!")
    if core == "@user":
        return token
    if not any(c.isalpha() for c in core):
        return token
    lead = token[: len(token) - len(token.lstrip("!"))]
    trail = token[len(token.rstrip("!")) :]
    mapped = core.translate(_LEET)
    if mapped == core:
        return token
    inner = core.strip(_LEET_CHARS + "0123456789")
    if any(c in _LEET_CHARS for c in inner):
        return lead + mapped + trail
    # Leet characters only at the edges ("abrut1", "1er", "mp3", "10h30"): trust a known word.
    known = vocab()
    if mapped in known:
        return lead + mapped + trail
    collapsed = _collapse(mapped, known) if _REPEAT.search(mapped) else mapped
    if collapsed in known:
        return lead + collapsed + trail
    return token


def _collapse(word: str, vocab: Collection[str]) -> str:
    """Runs of 3+ letters -> 1 where that makes a known word, else 2."""
    runs = list(_RUN.finditer(word))
    if len(runs) > 4:
        return _RUN.sub(r"\1\1", word)
    for lengths in itertools.product((1, 2), repeat=len(runs)):
        parts: list[str] = []
        pos = 0
        for run, n in zip(runs, lengths):
            parts.append(word[pos : run.start()])
            parts.append(run.group(1) * n)
            pos = run.end()
        parts.append(word[pos:])
        candidate = "".join(parts)
        if candidate in vocab:
            return candidate
    return _RUN.sub(r"\1\1", word)


_BY_LENGTH: dict[int, tuple[Collection[str], dict[int, list[str]]]] = {}


def _by_length(vocab: Collection[str]) -> dict[int, list[str]]:
    """The words of ``vocab`` by length (memoised per vocabulary object)."""
    memo = _BY_LENGTH.get(id(vocab))
    if memo is not None and memo[0] is vocab:
        return memo[1]
    index: dict[int, list[str]] = {}
    for w in vocab:
        index.setdefault(len(w), []).append(w)
    if len(_BY_LENGTH) > 8:
        _BY_LENGTH.clear()
    _BY_LENGTH[id(vocab)] = (vocab, index)
    return index


#: Where the default vocabulary comes from: the lexicon registers itself here when imported
#: (:mod:`.lexicon` normalises its own terms with this module, so this module cannot import
#: it); the package's ``__init__`` imports the lexicon, so it is always registered.
_VOCABULARY_SOURCE: list[Callable[[], Mapping[str, int]]] = []


def use_default_vocabulary(source: Callable[[], Mapping[str, int]]) -> None:
    """Make ``source()`` the vocabulary used when none is given (loaded on first use)."""
    _VOCABULARY_SOURCE[:] = [source]
    _default_vocabulary.cache_clear()


@cache
def _default_vocabulary() -> Mapping[str, int]:
    if not _VOCABULARY_SOURCE:
        raise RuntimeError("no default vocabulary: import rempart.analysis.classify.lexicon")
    return _VOCABULARY_SOURCE[0]()
