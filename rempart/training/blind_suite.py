"""The blind suite: hand-written French and English cases that nothing in rempart was built on.

``resources/blind_suite/`` holds 898 cases written from the category definitions alone by a
writer who never read the classifier, its rules, templates, lexicons or training data (its
README says how). ``dev.jsonl`` may guide development; ``test.jsonl`` is **locked**: it is only
ever scored to report, never to tune (no threshold, rule, template or weight is chosen on it).

:func:`summary` gives the figures the classifier is judged on (issue 13): per category,
precision and recall of the labels; the recall of threats as ``threat`` on the threat cases,
of calls to action as ``incitement``, of accusations as ``defamation``; and how often support,
counter-speech and harmless texts are flagged ``abusive``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

from ..analysis.classify.categories import OUTPUTS, Example

SPLITS = ("dev", "test")
#: The kinds of case behind each headline figure.
THREAT_KINDS = ("explicit_threat", "veiled_threat")
SUPPORT_KINDS = ("support", "counter_speech", "quote_to_denounce")
BENIGN_KINDS = (
    "benign",
    "neutral_identity",
    "sports_figurative_violence",
    "political_criticism",
    "reclaimed_words",
)


@dataclass(frozen=True)
class BlindCase:
    """One case: its example (text, parent, labels) and the kind it was written for."""

    id: str
    kind: str
    example: Example


def load(split: str) -> list[BlindCase]:
    """The cases of ``split`` (``dev`` or ``test``), in file order."""
    if split not in SPLITS:
        raise ValueError(f"no blind split {split!r} (choose from {', '.join(SPLITS)})")
    folder = resources.files("rempart.training") / "resources" / "blind_suite"
    text = (folder / f"{split}.jsonl").read_text(encoding="utf-8")
    out = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        obj = json.loads(line)
        labels = {k: int(v) for k, v in obj["labels"].items() if k in OUTPUTS}
        example = Example(
            obj["text"], labels, f"blind:{split}", obj.get("lang"), split, obj.get("parent_text")
        )
        out.append(BlindCase(str(obj.get("id", f"{split}-{n}")), str(obj["kind"]), example))
    return out


Scorer = Callable[[list[str], list[str | None]], Sequence[Any]]


def summary(cases: Sequence[BlindCase], scorer: Scorer) -> dict[str, Any]:
    """Figures of ``scorer`` (texts and parents to scores with ``labels``) on ``cases``: per
    language (``all``, ``fr``, ``en``), per category precision and recall of the labels, and
    the headline rates."""
    scores = scorer([c.example.text for c in cases], [c.example.parent_text for c in cases])
    labels = [set(s.labels) for s in scores]
    out: dict[str, Any] = {}
    for lang in ("all", "fr", "en"):
        idx = [i for i, c in enumerate(cases) if lang == "all" or c.example.lang == lang]
        if idx:
            out[lang] = _figures([cases[i] for i in idx], [labels[i] for i in idx])
    return out


def _figures(cases: Sequence[BlindCase], got: Sequence[set[str]]) -> dict[str, Any]:
    per: dict[str, dict[str, Any]] = {}
    for name in OUTPUTS:
        tp = fp = fn = 0
        for c, g in zip(cases, got):
            truth, said = c.example.labels.get(name) == 1, name in g
            tp += truth and said
            fp += said and not truth
            fn += truth and not said
        per[name] = {
            "positives": tp + fn,
            "precision": _ratio(tp, tp + fp),
            "recall": _ratio(tp, tp + fn),
        }

    def recall(kinds: Sequence[str] | None, name: str) -> float | None:
        hits = [
            name in g
            for c, g in zip(cases, got)
            if (kinds is None or c.kind in kinds) and c.example.labels.get(name) == 1
        ]
        return _ratio(sum(hits), len(hits))

    def flagged(kinds: Sequence[str]) -> float | None:
        hits = [
            "abusive" in g
            for c, g in zip(cases, got)
            if c.kind in kinds and c.example.labels.get("abusive") == 0
        ]
        return _ratio(sum(hits), len(hits))

    return {
        "n": len(cases),
        "categories": per,
        "threats_recalled_as_threat": recall(THREAT_KINDS, "threat"),
        "incitement_recalled": recall(None, "incitement"),
        "defamation_recalled": recall(None, "defamation"),
        "support_flagged_abusive": flagged(SUPPORT_KINDS),
        "benign_flagged_abusive": flagged(BENIGN_KINDS),
    }


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def render(name: str, figures: dict[str, Any]) -> list[str]:
    """Plain-text lines for one split's :func:`summary`."""
    from .metrics import format_table

    lines = []
    for lang, f in figures.items():
        lines.append(
            f"{name}, {lang} ({f['n']} cases): threats recalled as threat "
            f"{_pct(f['threats_recalled_as_threat'])}, incitement recalled "
            f"{_pct(f['incitement_recalled'])}, defamation recalled "
            f"{_pct(f['defamation_recalled'])}; flagged abusive: support and counter-speech "
            f"{_pct(f['support_flagged_abusive'])}, harmless texts "
            f"{_pct(f['benign_flagged_abusive'])}"
        )
        rows = [{"output": k, **v} for k, v in f["categories"].items()]
        lines.append(format_table(rows, ("output", "positives", "precision", "recall")))
    return lines


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


__all__ = ["BlindCase", "load", "render", "summary"]
