"""The case's targets as the data knows them: handles, account ids, names and aliases.

Whom a message is *aimed at* is the most consequential statement the raid analysis makes: a
wrong attribution in a court document is the worst failure rempart can have. So a target is
resolved strictly, from what the case says and what the data shows:

- a target given as a handle (``@Alice``, ``alice``: case and ``@`` are ignored) is the account
  bearing that handle now or earlier;
- a target given as an id (``id:1234``, or ``x:1234`` for one platform) is that account, and
  mentions carrying that id give its handles;
- its *names* are the display names of its accounts and the case's aliases for it (a
  designating post may name the target without mentioning her).

Example::

    spec = parse_target("id:1234", {"x"})
    spec.id, spec.handle        # ('1234', None)
    names_target("Regardez ce qu'Alice Martin ose écrire", ("alice martin",))   # 'alice martin'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

#: The prefix of a target given as an account id on any platform.
ID_PREFIX = "id:"
#: A name shorter than this (one word) is too common to establish whom a text names.
MIN_NAME = 6
_WORD_EDGE = r"(?<![\w@#]){}(?!\w)"


def handle_key(handle: str | None) -> str:
    """A handle as compared: trimmed, lower case, without the leading ``@``."""
    return (handle or "").strip().lstrip("@").lower()


@dataclass(frozen=True)
class TargetSpec:
    """One target as the case gives it: a handle key, or an account id (and its platform)."""

    given: str
    handle: str | None = None
    id: str | None = None
    platform: str | None = None

    def matches(self, platform: str, account_id: str, handles: Iterable[str | None]) -> bool:
        """Whether the account ``(platform, account_id)`` with these handles is this target."""
        if self.id is not None:
            return account_id == self.id and self.platform in (None, platform)
        return self.handle is not None and self.handle in {handle_key(h) for h in handles if h}


def parse_target(given: str, platforms: Iterable[str] = ()) -> TargetSpec:
    """``id:1234`` or ``<platform>:1234`` (a platform of the case) is an id; anything else is
    a handle (``@Alice``, ``alice``, ``@alice@example.social``, ``+33612345678``)."""
    text = given.strip()
    head, sep, rest = text.partition(":")
    if sep and rest.strip():
        if head.lower() + ":" == ID_PREFIX:
            return TargetSpec(given, id=rest.strip())
        if head.lower() in {p.lower() for p in platforms}:
            return TargetSpec(given, id=rest.strip(), platform=head.lower())
    return TargetSpec(given, handle=handle_key(text))


def fold(text: str | None) -> str:
    """Lower case, accents dropped, spacing collapsed: how names are compared in texts."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(bare.split())


def usable_names(names: Iterable[str | None]) -> tuple[str, ...]:
    """The folded names long enough to tell a person (two words, or ``MIN_NAME`` letters)."""
    out: dict[str, None] = {}
    for name in names:
        f = fold(name)
        if f and (" " in f or len(f) >= MIN_NAME) and any(c.isalpha() for c in f):
            out[f] = None
    return tuple(out)


def names_target(text: str, names: Sequence[str]) -> str | None:
    """The first of the folded ``names`` that ``text`` contains as whole words, or ``None``."""
    if not names or not text:
        return None
    folded = fold(text)
    for name in names:
        if name in folded and re.search(_WORD_EDGE.format(re.escape(name)), folded):
            return name
    return None
