"""The abuse classifier: French first, offline, on CPU, trained by rempart itself.

Example::

    from rempart.analysis.classify import score
    score(["je sais où tu habites"])[0]["scores"]["threat"]
"""

from __future__ import annotations

from collections.abc import Iterable

from ...models import JSONObject
from . import lexicon as _lexicon  # noqa: F401  (registers the default vocabulary)
from .categories import CATEGORIES, IDENTITY, OUTPUTS, Example, Score

__all__ = ["CATEGORIES", "IDENTITY", "OUTPUTS", "Example", "Score", "score"]


def score(
    texts: Iterable[str] | str, parents: Iterable[str | None] | None = None
) -> list[JSONObject]:
    """Score texts with the shipped model: one JSON-ready dict per text."""
    from .classifier import Classifier

    items = [texts] if isinstance(texts, str) else list(texts)
    clf = Classifier.load()
    return [s.to_json() for s in clf.score(items, list(parents) if parents else None)]
