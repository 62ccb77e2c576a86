"""Training cases written for rempart: varied, natural messages of the categories the datasets
hardly hold (veiled threats, calls to action, accusations, sexual harassment) and of the texts
that look like abuse and are not (sports and figurative violence, news reports, counter-speech,
quoting to denounce, neutral mentions of groups, reclaimed words, political criticism).

They live in ``resources/written/*.jsonl`` (one JSON object a line: ``text``, ``lang``,
``parent_text``, ``kind``, ``labels`` with every output), written by rempart's developers from
the category definitions, with invented names and numbers, under the project's licence. They
were written without reading the blind suite (:mod:`.blind_suite`), and any text equal to a
blind or functional case is dropped before training.
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from typing import Any

from ..analysis.classify.categories import OUTPUTS, Example
from . import datasets

SOURCE = "written"
#: Each written case weighs as much as this many dataset texts: they are few (2,600 against
#: 100,000) and the closest to what a target receives.
WEIGHT = 3.0


def _files() -> list[Any]:
    folder = resources.files("rempart.training") / "resources" / "written"
    return sorted((p for p in folder.iterdir() if p.name.endswith(".jsonl")), key=lambda p: p.name)


def manifest() -> dict[str, str]:
    """The SHA-256 of each written file, for the model's record of its inputs."""
    return {
        f"rempart/training/resources/written/{p.name}": hashlib.sha256(p.read_bytes()).hexdigest()
        for p in _files()
    }


def load() -> list[Example]:
    """Every written case, each in the split its text hashes to."""
    out: list[Example] = []
    for path in _files():
        stem = path.name.removesuffix(".jsonl")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                obj = json.loads(line)
                labels = {k: int(v) for k, v in obj["labels"].items() if k in OUTPUTS}
                example = datasets._example(
                    obj["text"],
                    labels,
                    f"{SOURCE}:{stem}:{obj.get('kind', '')}",
                    obj.get("lang"),
                    parent_text=obj.get("parent_text"),
                    weight=WEIGHT,
                )
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path.name}:{n}: not a written case ({exc})") from None
            if example is not None:
                out.append(example)
    return out


__all__ = ["SOURCE", "WEIGHT", "load", "manifest"]
