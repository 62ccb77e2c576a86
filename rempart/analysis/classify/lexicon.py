"""Word lists matched on normalised text: insults, slurs, threats, support, context cues.

Three sources, all in ``resources/`` (origins and licenses in ``resources/LICENSES.md``):

- ContentShield's French lexicon (MIT): insults, vulgar and sexual words and identity slurs, with
  a severity (1-4), leetspeak variants and verlan forms;
- LDNOOBW's French list (CC BY 4.0): a flat list, sorted here into the same lists;
- rempart's own curated French and English lists (``rempart_lists.txt``): threat and death words,
  defamatory accusations, sexual words, calls to action, support and condemnation, identity-group
  words and slurs by characteristic, negation markers, reporting verbs, pronouns.

Words that are benign in everyday French are left out of the third-party lists (:data:`EXCLUDED`:
``bosser``, ``drague``, ``meuf``, ``veuve``, ``teuf``, ``cailler``; verlan "forms" such as
``femme`` or ``juif``; variants such as ``chat`` or ``putin``). Entries are normalised with
:func:`.normalize.normalize` and matched token by token, longest phrase first.

Example::

    lex = load_lexicon()
    norm = normalize("T'es qu'un c0nnard")
    [(h.term, h.span) for h in lex.match(norm)["insult"]]   # [('connard', (11, 18))]
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from .categories import IDENTITY
from .normalize import normalize, tokens, use_default_vocabulary

__all__ = [
    "EXCLUDED",
    "LISTS",
    "Entry",
    "Lexicon",
    "LexiconHit",
    "TokenHit",
    "load_lexicon",
    "mask_slurs",
]

RESOURCES = Path(__file__).parent / "resources"

#: Every list a hit can belong to, in a fixed order.
LISTS: tuple[str, ...] = (
    "insult",
    "vulgar",
    "sexual",
    *(f"slur.{c}" for c in IDENTITY),
    *(f"group.{c}" for c in IDENTITY),
    "defamation",
    "threat",
    "death",
    "dehumanizing",
    "call_to_action",
    "support",
    "condemnation",
    "harassment_topic",
    "negation",
    "reporting",
    "second_person",
    "third_person",
    "agreement",
    "intensifier",
    "spam",
    "common",
)

#: Normalised words and phrases of the third-party lists that are benign in everyday French
#: (or in English), or too ambiguous to count: left out when loading.
EXCLUDED: frozenset[str] = frozenset(
    {
        # LDNOOBW, named in its PROVENANCE as benign
        "bosser",
        "drague",
        "meuf",
        "veuve",
        "teuf",
        "cailler",
        # LDNOOBW, everyday or childish words
        "bourre",
        "bourree",
        "menage a trois",
        "jouir",
        "ramoner",
        "pipi",
        "caca",
        "deconne",
        "deconner",
        "gerbe",
        "gerber",
        "peter",
        "malpt",
        # ContentShield words that are ordinary French words
        "chelou",
        "sale",
        "bete",
        "rond",
        "ronde",
        "cave",
        "cloche",
        "mac",
        "drache",
        "carabistouille",
        "bougre",
        "maudit",
        "malsain",
        "morpion",
        "rate",
        "ratee",
        "keuf",
        "tache",
        "queue",
        "sauvage",
        "bapteme",
        "calvaire",
        "sacre",
        "sakre",
        "saint-sacrement",
        "saint sacrement",
        "ta mere",
        "ta mer",
        # ContentShield variants and verlan "forms" that are ordinary words or names
        "chat",
        "chris",
        "bitte",
        "byte",
        "bof",
        "putin",
        "hostie",
        "calice",
        "flic",
        "femme",
        "beur",
        "arabe",
        "juif",
        "louche",
        "pine",
        "teube",
    }
)

#: ContentShield words whose list or severity rempart sets itself: word -> (list, severity).
_CS_OVERRIDES: dict[str, tuple[str, int]] = {
    "rebeu": ("group.origin", 0),
    "folle": ("insult", 1),
    "nul": ("insult", 1),
    "pédale": ("slur.sexual_orientation", 2),
    "trisomique": ("slur.disability", 2),
    "fesse": ("sexual", 1),
}

#: LDNOOBW entries that ContentShield does not already cover: word -> (list, severity).
#: Anything not named here (and not excluded) is "vulgar" with severity 1.
_LDNOOBW_LISTS: dict[str, tuple[str, int]] = {
    **dict.fromkeys(
        [
            "la putain de ta mère",
            "mange mes couilles salope",
            "nique ta mère la grosse pute",
            "nique ta mère la pute",
            "nique ta mère la salope",
            "nique ta mère tout court",
            "nique ton père",
            "nique ton voisin",
            "je te chie sur la gueule",
            "mon caca dans ta face",
            "sac à merde",
            "avale mon chibre",
        ],
        ("insult", 3),
    ),
    **dict.fromkeys(
        [
            "grogniasse",
            "aspire-crotte",
            "pousse-crotte",
            "merdeuse",
            "connasse",
            "pouffiasse",
            "branleuse",
            "enfoirée",
            "emmerdeuse",
        ],
        ("insult", 2),
    ),
    "grande folle": ("slur.sexual_orientation", 3),
    "j'espère que tu vas crever": ("death", 4),
    **dict.fromkeys(
        [
            "avalbit",
            "bigornette",
            "bloblos",
            "brackmard",
            "brouter le cresson",
            "enorme teub",
            "palucher",
            "teub",
            "teubasse",
            "teubette",
            "tringler",
            "trique",
            "turlute",
            "zigounette",
            "noune",
            "clito",
            "clitoris",
            "bite",
            "chatte",
            "couilles",
            "branler",
            "branlette",
            "branlage",
            "baiser",
            "bander",
            "suce",
            "cul",
            "zizi",
            "enculeurs",
            "enculée",
        ],
        ("sexual", 2),
    ),
}

_INFLECT_F = (
    ("eur", "euse"),
    ("eux", "euse"),
    ("if", "ive"),
    ("ien", "ienne"),
    ("on", "onne"),
    ("el", "elle"),
    ("ot", "ote"),
    ("ard", "arde"),
    ("in", "ine"),
    ("ant", "ante"),
    ("é", "ée"),
    ("ais", "aise"),
    ("ain", "aine"),
    ("an", "ane"),
    ("ier", "ière"),
    ("ul", "ulle"),
    ("ud", "ude"),
    ("ois", "oise"),
    ("ir", "ire"),
    ("aid", "aide"),
    ("ourd", "ourde"),
    ("ut", "ute"),
)


@dataclass(frozen=True, slots=True)
class Entry:
    """One normalised word or phrase of one list."""

    term: str
    list: str
    severity: int
    source: str  # "contentshield", "ldnoobw" or "rempart"

    @property
    def identity(self) -> str | None:
        """The characteristic of a ``slur.*`` or ``group.*`` entry."""
        head, _, tail = self.list.partition(".")
        return tail if head in ("slur", "group") else None


#: An entry found at tokens ``[start, end)`` of a token list: ``(entry, start, end)``.
TokenHit = tuple[Entry, int, int]


@dataclass(frozen=True, slots=True)
class LexiconHit:
    """An entry found in a normalised text: ``span`` indexes that text."""

    list: str
    term: str
    span: tuple[int, int]
    severity: int
    source: str
    identity: str | None


class Lexicon:
    """Every list, indexed by first token for fast longest-phrase matching."""

    def __init__(self, entries: Iterable[Entry]) -> None:
        self.entries: tuple[Entry, ...] = tuple(sorted(set(entries), key=_entry_key))
        grouped: dict[tuple[str, ...], list[Entry]] = {}
        for e in self.entries:
            grouped.setdefault(tuple(tokens(e.term)), []).append(e)
        single: dict[str, tuple[Entry, ...]] = {}
        multi: dict[str, list[tuple[list[str], int, tuple[Entry, ...]]]] = {}
        counts: dict[str, int] = {}
        for toks, es in sorted(grouped.items(), key=lambda kv: (-len(kv[0]), kv[0])):
            for t in toks:
                if t.isalpha():
                    counts[t] = counts.get(t, 0) + len(es)
            # One entry per list for the same words: the most severe (rempart's on a tie).
            best: dict[str, Entry] = {}
            for e in es:
                kept = best.get(e.list)
                if kept is None or (e.severity, e.source == "rempart") > (
                    kept.severity,
                    kept.source == "rempart",
                ):
                    best[e.list] = e
            found = tuple(e for name, e in sorted(best.items()) if name != "common")
            if not toks or not found:
                continue
            if len(toks) == 1:
                single[toks[0]] = found
            else:
                multi.setdefault(toks[0], []).append((list(toks), len(toks), found))
        self._single = single
        self._multi = {k: tuple(v) for k, v in multi.items()}
        #: Every word of every entry, with the number of entries it appears in.
        self.vocabulary: dict[str, int] = dict(sorted(counts.items()))

    def words(self, name: str) -> frozenset[str]:
        """The normalised terms of one list."""
        return frozenset(e.term for e in self.entries if e.list == name)

    def find(self, toks: list[str]) -> list[TokenHit]:
        """Hits ``(entry, start, end)`` in a token list (:func:`.normalize.tokens`), in order.

        At each position the longest phrase of each list wins, and a hit inside a longer hit of
        the same list is dropped ("fils de pute" is one insult, not two).
        """
        single, multi = self._single, self._multi
        out: list[TokenHit] = []
        covered: dict[str, int] | None = None
        for i, tok in enumerate(toks):
            phrases = multi.get(tok)
            if phrases is not None:
                for phrase, k, entries in phrases:
                    if toks[i : i + k] == phrase:
                        if covered is None:
                            covered = {}
                        for e in entries:
                            if covered.get(e.list, 0) <= i:
                                covered[e.list] = i + k
                                out.append((e, i, i + k))
            es = single.get(tok)
            if es is not None:
                for e in es:
                    if covered is None or covered.get(e.list, 0) <= i:
                        out.append((e, i, i + 1))
        return out

    def match(self, norm: str) -> dict[str, list[LexiconHit]]:
        """Hits per list in a normalised text, with character spans into ``norm``."""
        toks = tokens(norm)
        found = self.find(toks)
        out: dict[str, list[LexiconHit]] = {}
        if not found:
            return out
        spans = token_spans(norm, toks)
        for e, start, end in found:
            span = (spans[start][0], spans[end - 1][1])
            out.setdefault(e.list, []).append(
                LexiconHit(e.list, e.term, span, e.severity, e.source, e.identity)
            )
        return out


def token_spans(norm: str, toks: Sequence[str] | None = None) -> list[tuple[int, int]]:
    """Character spans in ``norm`` of its :func:`.normalize.tokens` (or of ``toks``), in order."""
    spans: list[tuple[int, int]] = []
    pos = 0
    for tok in tokens(norm) if toks is None else toks:
        start = norm.find(tok, pos)
        if start < 0:  # cannot happen for tokens of norm; keep going rather than fail
            start = pos
        pos = start + len(tok)
        spans.append((start, pos))
    return spans


# Variants such as "@rdure" normalise to a mention placeholder: they would match every mention.
_PLACEHOLDER = re.compile(r"@user|\burl\b|email_addr")


@lru_cache(maxsize=4)
def load_lexicon(resources: Path = RESOURCES) -> Lexicon:
    """The lexicon built from the three sources in ``resources`` (loaded once per folder)."""
    raw = [*_contentshield(resources), *_ldnoobw(resources), *_rempart(resources)]
    base = frozenset(t for term, _, _, _ in raw for t in tokens(normalize(term, frozenset())))
    entries: list[Entry] = []
    from_contentshield: set[str] = set()
    for term, name, severity, source in raw:
        norm = normalize(term, base)
        if not norm or (source != "rempart" and norm in EXCLUDED) or _PLACEHOLDER.search(norm):
            continue
        if source == "contentshield":
            from_contentshield.add(norm)
        elif source == "ldnoobw" and norm in from_contentshield:
            continue  # ContentShield already sorts this word, with a severity
        entries.append(Entry(norm, name, severity, source))
    return Lexicon(entries)


# ------------------------------------------------------------------------------- sources
_Raw = tuple[str, str, int, str]


def _contentshield(resources: Path) -> list[_Raw]:
    data = json.loads((resources / "contentshield_fr.json").read_text(encoding="utf-8"))
    out: list[_Raw] = []
    for w in data["words"]:
        name, severity = _CS_OVERRIDES.get(w["word"]) or _contentshield_list(w)
        forms = [w["word"], *w.get("variations", []), *(w.get("verlan_forms") or [])]
        inflect = name == "insult" or name.startswith("slur.")
        for form in forms:
            if normalize(form, frozenset()) in EXCLUDED:
                continue  # and none of its inflections either
            for f in _inflections(form) if inflect else [form]:
                out.append((f, name, severity, "contentshield"))
    return out


def _contentshield_list(w: dict[str, Any]) -> tuple[str, int]:
    cats = set(w.get("categories") or ())
    severity = int(w.get("severity") or 1)
    if "hate_speech" in cats or ({"ethnic", "racial"} & cats and "slurs" in cats):
        char = (
            "sexual_orientation"
            if "lgbtq" in cats
            else "disability"
            if "ableist" in cats
            else "religion"
            if "religious" in cats
            else "origin"
        )
        return f"slur.{char}", severity
    if "slurs" in cats or w.get("target_type") == "individual":
        return "insult", severity
    if "general" in cats or "sexual" not in cats:
        return "vulgar", severity
    return "sexual", severity


def _ldnoobw(resources: Path) -> list[_Raw]:
    out: list[_Raw] = []
    for name in ("ldnoobw_fr.txt", "ldnoobw_fr-CA-u-sd-caqc.txt"):
        for line in (resources / name).read_text(encoding="utf-8").splitlines():
            word = line.strip()
            if word:
                lst, severity = _LDNOOBW_LISTS.get(word, ("vulgar", 1))
                out.append((word, lst, severity, "ldnoobw"))
    return out


_HEADER = re.compile(r"\[(?P<name>[\w.]+)(?P<opts>[^\]]*)\]")


def _rempart(resources: Path) -> list[_Raw]:
    out: list[_Raw] = []
    name, severity, inflect = "", 0, False
    path = resources / "rempart_lists.txt"
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        m = _HEADER.fullmatch(line)
        if m:
            name = m["name"]
            if name not in LISTS:
                raise ValueError(f"{path}:{n}: unknown list {name!r}")
            opts = m["opts"].split()
            severity = next((int(o.split("=")[1]) for o in opts if o.startswith("severity=")), 0)
            inflect = "inflect" in opts
            continue
        if not name:
            raise ValueError(f"{path}:{n}: entry before any [list] header")
        for form in _inflections(line) if inflect else [line]:
            out.append((form, name, severity, "rempart"))
    return out


def _inflections(word: str) -> list[str]:
    """A single word with its likely feminine and plural forms (phrases are kept as they are)."""
    if not word.isalpha():
        return [word]
    forms = [word]
    for masc, fem in _INFLECT_F:
        if word.endswith(masc) and len(word) > len(masc) + 1:
            forms.append(word[: -len(masc)] + fem)
            break
    out: list[str] = []
    for f in forms:
        out.append(f)
        if f.endswith(("s", "x", "z")):
            continue
        if f.endswith(("eau", "eu")):
            out.append(f + "x")
        elif f.endswith("al"):
            out += [f[:-2] + "aux", f + "s"]
        elif f.endswith(("ch", "sh")):
            out += [f + "es", f + "s"]
        else:
            out.append(f + "s")
    return out


def _entry_key(e: Entry) -> tuple[str, str, int, str]:
    return (e.list, e.term, e.severity, e.source)


use_default_vocabulary(lambda: load_lexicon().vocabulary)


#: The lists whose words :func:`mask_slurs` masks.
MASKED_LISTS = ("insult", "vulgar", "sexual", "dehumanizing")
_WORD = re.compile(r"[\w@$€£*!|0-9]+(?:['’][\w]+)?", re.UNICODE)


@lru_cache(maxsize=1)
def _masked_words() -> frozenset[str]:
    lex = load_lexicon()
    return frozenset(
        e.term
        for e in lex.entries
        if (e.list in MASKED_LISTS or e.list.startswith("slur.")) and " " not in e.term
    )


def mask_slurs(text: str) -> str:
    """``text`` with every insult, slur or vulgar word (of the lexicon, de-obfuscated as the
    classifier reads it: ``c0nnard`` too) masked but its first letter (``c******``), for a
    summary the target can read without being hit again; the rest is left as it is."""
    words = _masked_words()

    def masked(match: re.Match[str]) -> str:
        word = match.group(0)
        if normalize(word).replace(" ", "") in words:
            return word[0] + "*" * (len(word) - 1)
        return word

    return _WORD.sub(masked, text)
