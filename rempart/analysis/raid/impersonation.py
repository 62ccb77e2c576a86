"""Impersonation: accounts whose handle or display name mimics a target's.

A copy reads like the original to a quick reader: the same letters with look-alikes swapped in
(``cib1e_demo``, a Cyrillic ``с``, ``rn`` for ``m``), an affix that claims legitimacy
(``cible_demo_officiel``, ``real_cible_demo``), hidden zero-width or right-to-left characters,
or the target's display name copied under another handle. Each name is folded to a skeleton
(:mod:`.names`) and compared with the target's handle and display name; every match is
explained in words, and the account's score combines the matches.

Accounts that only share a first name or a common word with the target do not match: the whole
of the target's name must be read in the copy, and a one-word display name needs more than
itself to count.

A similar handle alone is not impersonation: another person may simply bear a name close to
the target's (the raid's real victim ``@SarahL_`` beside a case target ``@SarahL``). When only
handles match (no copied display name or bio), the finding needs the target's own account in
the data, and, where both creation dates are known, an account created after hers (said in the
evidence) or one that took the look-alike handle later (an earlier handle of its own); an
older account that always had its handle is not reported.

Example::

    for imp in find_impersonators(corpus):
        print(imp.account_id, imp.score, imp.evidence)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Self

from . import names
from .corpus import AccountInfo, Corpus, handle_key
from .detector import Finding, Found
from .types import Impersonator

#: Shortest skeleton compared loosely (affixes, one edit); shorter names must be exact copies.
MIN_LOOSE = 4
#: Shortest skeleton for which one edit (a letter added, dropped, changed or swapped) counts.
MIN_EDIT = 6
#: Score below which an account is not reported.
MIN_SCORE = 0.5


@dataclass(frozen=True)
class _Name:
    """One name of a target: what it is (handle or display name) and its folded forms."""

    kind: str  # "handle" or "display name"
    raw: str
    clean: str
    skeleton: str
    core: str

    @classmethod
    def of(cls, kind: str, raw: str) -> _Name:
        return cls(kind, raw, names.clean(raw), names.skeleton(raw), names.core(raw))


@dataclass(frozen=True)
class _Match:
    strength: float
    sentence: str
    handle: bool = False  # the account's handle (or an earlier one) matched, nothing else


def find_impersonators(corpus: Corpus, min_score: float = MIN_SCORE) -> list[Impersonator]:
    """Accounts other than the targets' own whose handle or display name mimics a target.

    Returns one :class:`Impersonator` per (account, target), best first.
    """
    found: list[Impersonator] = []
    for target in corpus.targets:
        originals = _target_names(corpus, target)
        if not originals:
            continue
        bios = _target_bios(corpus, target)
        infos = _target_infos(corpus, target)
        for info in corpus.accounts:
            if info.index in corpus.target_accounts:
                continue
            matches = _account_matches(info, originals)
            if matches and (bio := _copied_bio(info.bio, bios)) is not None:
                matches.append(bio)
            if matches and all(m.handle for m in matches):
                support = _handle_support(info, infos, originals)
                if support is None:
                    continue  # a similar handle alone: a namesake as much as a copy
                if support:
                    matches.append(_Match(0.0, support))
            score = _combine(m.strength for m in matches)
            if score >= min_score:
                found.append(Impersonator(info.id, target, score, [m.sentence for m in matches]))
    found.sort(key=lambda x: (-x.score, x.target, x.account_id))
    return found


class ImpersonationDetector:
    """:func:`find_impersonators` as a detector: the ``impersonators`` findings."""

    name = "impersonators"
    requires: tuple[str, ...] = ()

    def __init__(self, min_score: float = MIN_SCORE) -> None:
        self.min_score = min_score

    def fit(self, corpus: Corpus, found: Found) -> Self:
        self.impersonators_ = find_impersonators(corpus, self.min_score)
        return self

    def detect(self) -> Mapping[str, Sequence[Finding]]:
        return {self.name: self.impersonators_}


def _target_names(corpus: Corpus, target: str) -> list[_Name]:
    """The handle (without a server part) and the known display names of one target."""
    out = [_Name.of("handle", _local(target))]
    for info in _target_infos(corpus, target):
        if info.display_name and names.skeleton(info.display_name):
            out.append(_Name.of("display name", info.display_name))
    return [n for n in out if n.skeleton]


def _target_infos(corpus: Corpus, target: str) -> list[AccountInfo]:
    return [
        corpus.accounts[i]
        for i in sorted(corpus.target_accounts)
        if handle_key(corpus.accounts[i].handle) == target
    ]


def _target_bios(corpus: Corpus, target: str) -> list[str]:
    return [
        names.clean(a.bio).casefold()
        for a in _target_infos(corpus, target)
        if len(names.clean(a.bio)) >= 15
    ]


def _local(handle: str) -> str:
    """A handle without ``@`` and without the server of a Mastodon or Bluesky address."""
    return handle.lstrip("@").split("@")[0]


def _copied_bio(bio: str | None, originals: list[str]) -> _Match | None:
    """Supporting evidence: the account's bio is (nearly) the target's."""
    mine = names.clean(bio).casefold()
    if len(mine) < 15:
        return None
    grams = names.grams(mine, 4)
    for original in originals:
        theirs = names.grams(original, 4)
        if len(grams & theirs) / len(grams | theirs) >= 0.6:
            return _Match(0.3, f"bio copies the target's bio ('{names.shown(bio, 60)}')")
    return None


def _handle_support(
    info: AccountInfo, targets: list[AccountInfo], originals: list[_Name]
) -> str | None:
    """What makes a handle-only match more than a similar name: "" when nothing is known
    either way, a sentence when the account came after the target's or took the handle later,
    None when it is not impersonation (the target's account is not in the data, or the account
    is older than hers and always had that handle)."""
    if not targets:
        return None
    created = [t.created_at for t in targets if t.created_at is not None]
    if info.created_at is None or not created:
        return ""
    first = min(created)
    if info.created_at > first:
        return f"account created {_days(info.created_at - first)} after the target's account"
    renamed = [
        h
        for h in info.handles
        if h
        and h != info.handle
        and not any(_compare("handle", "earlier handle", h, o) for o in originals)
    ]
    if renamed and _account_matches(replace(info, handles=()), originals):
        return (
            f"an older account than the target's that took its look-alike handle later "
            f"(earlier handle '{names.shown(renamed[0])}')"
        )
    return None


def _days(seconds: float) -> str:
    days = seconds / 86400
    return f"{days:.0f} days" if days >= 2 else f"{seconds / 3600:.0f} hours"


def _account_matches(info: AccountInfo, originals: list[_Name]) -> list[_Match]:
    """Every way the account's names mimic the target's: the strongest match per own name."""
    own = [("handle", "handle", info.handle)] if info.handle else []
    own += [("handle", "earlier handle", h) for h in info.handles if h and h != info.handle]
    if info.display_name:
        own.append(("display name", "display name", info.display_name))
    matches: list[_Match] = []
    for kind, label, raw in own:
        best = max(
            (m for o in originals if (m := _compare(kind, label, raw, o)) is not None),
            key=lambda m: m.strength,
            default=None,
        )
        if best is not None:
            matches.append(_Match(best.strength, best.sentence, kind == "handle"))
    return matches


def _compare(kind: str, label: str, full: str, original: _Name) -> _Match | None:
    """How ``full`` (the account's handle or display name) mimics one of the target's names.

    A handle is compared without its server part (``name@server.example``).
    """
    raw = _local(full) if kind == "handle" else full
    copy_skel = names.skeleton(raw)
    if not copy_skel:
        return None
    mine = f"{label} '{names.shown(full)}'"
    theirs = f"the target's {original.kind} '{names.shown(original.raw)}'"
    if names.clean(raw).lstrip("@").casefold() == original.clean.lstrip("@").casefold():
        return _exact(kind, raw, original, mine, theirs)
    if len(original.skeleton) < MIN_LOOSE:
        return None
    # A display name reading like the target's handle (or the reverse) is how a namesake
    # writes their own name too: on its own it is not enough.
    same_kind = kind == original.kind
    if copy_skel == original.skeleton:
        return _Match(
            0.9 if same_kind else 0.45,
            f"{mine} reads as {theirs} once "
            f"{names.read_as(raw, original.raw) or 'letter case is ignored'}",
        )
    if (
        len(original.core) >= MIN_LOOSE
        and original.core in copy_skel
        and (names.core(raw) == original.core)
    ):
        return _Match(
            0.8 if same_kind else 0.4,
            f"{mine} is {theirs} with an added affix ({names.read_as(raw, original.raw)})",
        )
    if len(original.skeleton) >= MIN_EDIT and names.one_edit(copy_skel, original.skeleton):
        return _Match(
            0.55 if same_kind else 0.45,
            f"{mine} differs from {theirs} by a single character "
            f"({names.read_as(raw, original.raw)})",
        )
    return None


def _exact(kind: str, raw: str, original: _Name, mine: str, theirs: str) -> _Match | None:
    """The same name as the target's, up to case and invisible characters."""
    hidden = names.invisible(raw)
    if hidden:
        codes = ", ".join(dict.fromkeys(f"U+{ord(c):04X}" for c in hidden))
        return _Match(
            0.95,
            f"{mine} is {theirs} with invisible characters hidden in it "
            f"({codes}), so it looks identical",
        )
    if names.clean(raw) != raw.strip():
        return _Match(
            0.85,
            f"{mine} is {theirs} written with styled or full-width letters "
            f"(Unicode compatibility forms), so it looks identical",
        )
    if kind == "handle" and original.kind == "handle":
        return None  # the same handle is the same account (or the target's own)
    if kind == "display name" and original.kind == "display name":
        tokens = original.clean.split()
        strength = 0.7 if len(tokens) >= 2 or len(original.skeleton) >= 8 else 0.4
        return _Match(
            strength, f"{kind} copied exactly '{names.shown(raw)}' (the target's display name)"
        )
    # A display name equal to the handle: deliberate when it keeps the handle's underscores
    # or digits, a namesake's plain name otherwise.
    handle_like = any(not (c.isalpha() or c.isspace()) for c in names.clean(raw))
    return _Match(
        0.7 if handle_like and len(original.skeleton) >= MIN_EDIT else 0.4,
        f"{mine} copies {theirs}",
    )


def _combine(strengths: Iterable[float]) -> float:
    """Independent signals: the chance that at least one is right."""
    miss = 1.0
    for s in strengths:
        miss *= 1.0 - s
    return 1.0 - miss
