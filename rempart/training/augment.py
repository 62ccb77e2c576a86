"""Counterfactual copies of training texts: the same sentence about another group.

A linear model over n-grams learns that the name of a group is a sign of abuse when the
abusive texts of its data name groups more often than the harmless ones do, and then flags
"les musulmans fêtent l'Aïd" or "mon collègue est gay". Each training text that names exactly
one group (and no other) gets a copy naming another group of the same grammatical form, with
the same labels: a neutral sentence stays neutral whoever it is about, a hateful one stays
hateful, so the group's name alone carries no weight. Copies are made only from the ``train``
split (dev and test stay natural texts) and weigh half an original.

>>> swap_identity("les musulmans fêtent l'Aïd", 1)
"les athées fêtent l'Aïd"
>>> swap_identity("Rien à voir", 0) is None
True
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from ..analysis.classify.categories import Example

#: Interchangeable names of groups, each list of one grammatical form (French masculine plural,
#: masculine singular, feminine plural; English plural and adjective). A text is swapped within
#: the list of the term it contains.
GROUPS: tuple[tuple[str, ...], ...] = (
    (
        "musulmans", "juifs", "chrétiens", "catholiques", "arabes", "noirs", "blancs",
        "asiatiques", "chinois", "africains", "maghrébins", "roms", "migrants", "homosexuels",
        "gays", "bisexuels", "handicapés", "autistes", "sourds", "immigrés", "réfugiés",
        "bouddhistes", "athées", "protestants", "turcs", "algériens", "marocains",
    ),
    (
        "musulman", "juif", "chrétien", "catholique", "arabe", "noir", "asiatique",
        "chinois", "africain", "maghrébin", "rom", "migrant", "homosexuel", "gay",
        "bisexuel", "handicapé", "autiste", "sourd", "immigré", "réfugié", "trans",
    ),
    (
        "femmes", "musulmanes", "juives", "lesbiennes", "noires", "arabes", "féministes",
        "handicapées", "migrantes", "asiatiques", "chrétiennes", "trans",
    ),
    (
        "muslims", "jews", "christians", "catholics", "arabs", "blacks", "whites", "asians",
        "africans", "immigrants", "migrants", "refugees", "gays", "lesbians", "women",
        "disabled people", "autistic people", "hindus", "mexicans", "latinos",
    ),
    (
        "muslim", "jewish", "christian", "catholic", "arab", "black", "white", "asian",
        "african", "gay", "lesbian", "trans", "disabled", "autistic", "mexican", "hindu",
    ),
)  # fmt: skip

_ALL = {term for group in GROUPS for term in group}
_TERM = re.compile(
    r"(?<![\w-])("
    + "|".join(sorted((re.escape(t) for t in _ALL), key=len, reverse=True))
    + r")(?![\w-])",
    re.IGNORECASE,
)
WEIGHT = 0.5


def swap_identity(text: str, salt: int = 0) -> str | None:
    """``text`` naming another group in place of the single group it names (same form, same
    capitals), chosen by a hash of the text and ``salt``; None when it names none or several."""
    found = {m.group(1).casefold() for m in _TERM.finditer(text)}
    if len(found) != 1:
        return None
    term = found.pop()
    group = next(g for g in GROUPS if term in g)
    others = [t for t in group if t != term]
    digest = hashlib.sha1(f"{salt}:{text}".encode()).digest()
    new = others[int.from_bytes(digest[:4], "big") % len(others)]

    def replace(m: re.Match[str]) -> str:
        old = m.group(1)
        if old.isupper() and len(old) > 1:
            return new.upper()
        return new[0].upper() + new[1:] if old[0].isupper() else new

    return _TERM.sub(replace, text)


def counterfactuals(examples: Sequence[Example]) -> list[Example]:
    """One counterfactual copy of each ``train`` example that names exactly one group."""
    out = []
    for e in examples:
        if e.split != "train":
            continue
        swapped = swap_identity(e.text)
        if swapped is None or swapped == e.text:
            continue
        out.append(
            Example(
                swapped,
                dict(e.labels),
                f"counterfactual:{e.source}",
                e.lang,
                "train",
                e.parent_text,
                (),
                e.weight * WEIGHT,
            )
        )
    return out


__all__ = ["GROUPS", "counterfactuals", "swap_identity"]
