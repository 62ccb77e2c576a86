"""The detector contract: one small interface every raid detector implements.

A detector follows scikit-learn's estimator contract. ``__init__`` only stores its parameters
(under their own names, so ``inspect.signature`` lists them); ``fit(corpus, found)`` judges a
:class:`~.corpus.Corpus` and returns the detector itself; what it learned lives in attributes
ending in ``_``, which do not exist before ``fit``; ``detect()`` then gives its findings by
section of the ``rempart findings --json`` object: at least the section named ``name``
(``"episodes"``, ``"designating_posts"``, ``"campaign_accounts"``...), and sometimes more
(the campaign detector adds ``"coordination_edges"`` and ``"link_sharers"``).

``requires`` names the detectors whose findings must exist first; ``found`` is the read-only
:class:`Found` record of every section the detectors run so far produced. Detectors run in
dependency order, ties broken by registration order (:func:`in_order`).

Built-in detectors register through the ``rempart_detectors`` plugin hook exactly as a third
party's would (:mod:`.builtin`); :func:`detectors` gives one fresh instance of each. A plugin's
detector whose name is not a built-in section lands in ``Findings.extra``; one with a built-in
name replaces that detector. Example::

    class ShoutDetector:
        name = "shouting"
        requires = ("episodes",)

        def __init__(self, min_length: int = 20) -> None:
            self.min_length = min_length

        def fit(self, corpus: Corpus, found: Found) -> Self:
            episodes = found.of("episodes", Episode)
            self.shouts_ = [...]  # learned state ends in "_"
            return self

        def detect(self) -> Mapping[str, Sequence[Finding]]:
            return {self.name: self.shouts_}

    @hookimpl
    def rempart_detectors():
        return [ShoutDetector]

    found = Found()
    for det in detectors():
        found = found.extended(det.fit(corpus, found).detect())
    found.of("episodes", Episode)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import TYPE_CHECKING, Protocol, Self, TypeVar, runtime_checkable

from ...errors import RempartError
from ...plugins import plugin_manager
from .corpus import Corpus

if TYPE_CHECKING:
    import pluggy

__all__ = ["Detector", "Finding", "Found", "detectors", "in_order"]

F = TypeVar("F")


@runtime_checkable
class Finding(Protocol):
    """One finding (an episode, a campaign account...): it says itself in JSON."""

    def to_json(self) -> Mapping[str, object]:
        """The finding as a JSON object (plain strings, numbers, lists and dicts)."""
        ...


class Found(Mapping[str, tuple[Finding, ...]]):
    """What the detectors run so far produced: section name -> findings, read-only.

    A section no detector produced reads as empty through :meth:`of`, so a detector fitted on
    its own (``Found()``) sees no episodes rather than an error.
    """

    __slots__ = ("_sections",)

    def __init__(self, sections: Mapping[str, Sequence[Finding]] | None = None) -> None:
        self._sections: Mapping[str, tuple[Finding, ...]] = MappingProxyType(
            {name: tuple(items) for name, items in (sections or {}).items()}
        )

    def __getitem__(self, name: str) -> tuple[Finding, ...]:
        return self._sections[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._sections)

    def __len__(self) -> int:
        return len(self._sections)

    def __repr__(self) -> str:
        return "Found(" + ", ".join(f"{k}: {len(v)}" for k, v in self._sections.items()) + ")"

    def of(self, name: str, kind: type[F]) -> list[F]:
        """The findings of section ``name`` (empty when none was produced), each a ``kind``."""
        items = self._sections.get(name, ())
        out: list[F] = [x for x in items if isinstance(x, kind)]
        if len(out) != len(items):
            raise RempartError(
                f"the {name!r} findings are not all {kind.__name__} records: "
                "a plugin's detector registered under that name returns "
                "something else"
            )
        return out

    def extended(self, sections: Mapping[str, Sequence[Finding]]) -> Found:
        """These findings and ``sections`` (a section is produced once only)."""
        again = sorted(set(sections) & set(self._sections))
        if again:
            raise RempartError(
                f"two detectors produce the {', '.join(again)} findings: "
                "give one of them another name"
            )
        return Found({**self._sections, **sections})


@runtime_checkable
class Detector(Protocol):
    """A raid detector (see the module docstring for the contract and an example)."""

    @property
    def name(self) -> str:
        """The section of the findings it produces (its key in the findings JSON)."""
        ...

    @property
    def requires(self) -> tuple[str, ...]:
        """The names of the detectors whose findings it needs first."""
        ...

    def fit(self, corpus: Corpus, found: Found) -> Self:
        """Judge ``corpus`` given what the detectors named in ``requires`` found."""
        ...

    def detect(self) -> Mapping[str, Sequence[Finding]]:
        """What ``fit`` found, by section: at least ``name``."""
        ...


def detectors(pm: pluggy.PluginManager | None = None) -> list[Detector]:
    """One fresh, unfitted instance of every registered detector, in the order they run.

    The ``rempart_detectors`` hook of each plugin (built-ins first, then the others in
    registration order) returns detector classes or factories; a later plugin's detector
    replaces an earlier one of the same name.
    """
    if pm is None:
        pm = plugin_manager()
    by_name: dict[str, Detector] = {}
    for batch in reversed(pm.hook.rempart_detectors()):  # pluggy calls the last registered first
        for factory in batch:
            det = factory()
            if not isinstance(det, Detector):
                raise RempartError(
                    f"{factory!r}, registered through rempart_detectors, does "
                    "not make a detector (name, requires, fit, detect)"
                )
            by_name[det.name] = det
    return in_order(list(by_name.values()))


def in_order(dets: Sequence[Detector]) -> list[Detector]:
    """``dets`` sorted so that each comes after those it requires; ties keep the given order."""
    names = [d.name for d in dets]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise RempartError(f"several detectors are named {', '.join(twice)}")
    for d in dets:
        unknown = [r for r in d.requires if r not in names]
        if unknown:
            raise RempartError(
                f"the {d.name!r} detector requires {', '.join(unknown)}, which "
                "no registered detector produces"
            )
    done: set[str] = set()
    out: list[Detector] = []
    waiting = list(dets)
    while waiting:
        ready = next((d for d in waiting if done.issuperset(d.requires)), None)
        if ready is None:
            raise RempartError(
                "the detectors "
                + ", ".join(d.name for d in waiting)
                + " require one another in a cycle"
            )
        waiting.remove(ready)
        done.add(ready.name)
        out.append(ready)
    return out
