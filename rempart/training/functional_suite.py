"""A hand-written functional test suite for the abuse classifier, French first.

In the spirit of HateCheck and Multilingual HateCheck (Röttger et al., 2021 and 2022), but every
sentence here was written for rempart: none is copied from a dataset. Each
:class:`FunctionalCase` states whether a text (with its parent, for replies) must be scored
abusive, which categories must fire and which must not. Groups probe one skill each: negation,
quoting to denounce, counter-speech, obfuscation, threats without slurs, reclaimed slurs,
neutral mentions of identity groups… (:data:`GROUPS`). Targets, names, addresses and phone
numbers are invented; phone numbers come from ranges reserved for fiction (ARCEP 06 39 98,
North American 555-01xx) and e-mails from ``example.org``.

>>> report = run(my_score_fn)                      # doctest: +SKIP
>>> print(report.text())                           # doctest: +SKIP
>>> report.flag_rate("death_threat")               # doctest: +SKIP

``score_fn(texts, parent_texts)`` returns, in order, objects with a ``.scores`` dict
(:class:`~rempart.analysis.classify.categories.Score`) or plain dicts of scores.

The cases live in ``resources/functional_cases.toml`` (:data:`CASES_FILE`), by block of cases
sharing their expectations. Ids are ``<block>-<nn>``, numbered within a block: add new sentences
at the end of a block so that ids stay stable between versions.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import KW_ONLY, dataclass, field
from pathlib import Path
from typing import Any

from rempart.analysis.classify.categories import ABUSIVE_CATEGORIES, CATEGORIES, IDENTITY
from rempart.training.metrics import format_table

#: What each group probes.
GROUPS: dict[str, str] = {
    "insult": "direct and vulgar insults, with and without @mentions",
    "obfuscation": "leet, repeated letters, spacing, emoji, missing accents, misspellings, SMS",
    "negation": "negated insults and threats are not abuse",
    "quoting": "quoting or reporting abuse to denounce it is not abuse",
    "counter_speech": "support and counter-speech, including calls to report the harassers",
    "threat_no_slur": "threats with no slur and no explicit violence",
    "death_threat": "explicit death threats",
    "identity_attack": "hate aimed at each protected characteristic",
    "identity_neutral": "neutral or positive mentions of identity groups",
    "reclaimed": "reclaimed slurs and in-group use (hard: the words alone look abusive)",
    "sexual_harassment": "sexual remarks, demands and objectification",
    "defamation": "accusing the target of crimes or infamy",
    "incitement": "calls to act against the target",
    "doxxing": "disclosure of (synthetic) personal data of the target",
    "spam": "spam and flood (not abuse in itself)",
    "profanity": "swearing aimed at nobody, violent idioms",
    "third_party": "abuse aimed at the target versus talk about a third party",
    "context": "replies judged with their parent: agreement with abuse is abuse",
    "disagreement": "everyday disagreement and criticism",
    "hostile_payload": "markup, injection strings and control characters, kept as plain text",
}


@dataclass(frozen=True, slots=True)
class FunctionalCase:
    """One functional test: a text, its parent if it is a reply, and what must come out.

    ``expect_abusive`` is compared with ``abusive >= threshold``; every name in
    ``expect_categories`` must reach its threshold and none in ``forbid_categories`` may.
    ``identity`` lists the characteristics an identity case is about (checked against
    ``Score.identity`` only when asked), ``expect_target`` the expected ``Score.target``
    (``target`` or ``third_party``; checked only when asked). ``note`` says why a case is hard.
    """

    id: str
    group: str
    text: str
    _: KW_ONLY
    parent_text: str | None = None
    expect_abusive: bool
    expect_categories: tuple[str, ...] = ()
    forbid_categories: tuple[str, ...] = ()
    lang: str = "fr"
    identity: tuple[str, ...] = ()
    expect_target: str | None = None
    note: str = ""


#: The suite's cases, by block (see the file's header for its format).
CASES_FILE = Path(__file__).with_name("resources") / "functional_cases.toml"


def _text(item: str | dict[str, Any]) -> str:
    """A text of a block: a string, or ``{text, repeat}`` for a text repeated ``repeat`` times."""
    return item if isinstance(item, str) else item["text"] * item["repeat"]


def _block_cases(block: dict[str, Any]) -> list[FunctionalCase]:
    """The cases of one ``[[block]]``, numbered ``name-01``, ``name-02``…"""
    forbid = (
        ABUSIVE_CATEGORIES if block.get("forbid_all_abusive") else tuple(block.get("forbid", ()))
    )
    shared: dict[str, Any] = {
        "expect_abusive": block["abusive"],
        "expect_categories": tuple(block.get("expect", ())),
        "forbid_categories": forbid,
        "lang": block.get("lang", "fr"),
        "identity": tuple(block.get("identity", ())),
        "expect_target": block.get("target"),
        "note": block.get("note", ""),
    }
    name, group = block["name"], block["group"]
    if "replies" in block:  # context cases: (parent, reply) pairs, judged on the reply
        return [
            FunctionalCase(f"{name}-{i:02d}", group, reply, parent_text=parent, **shared)
            for i, (parent, reply) in enumerate(block["replies"], 1)
        ]
    return [
        FunctionalCase(f"{name}-{i:02d}", group, _text(item), **shared)
        for i, item in enumerate(block["texts"], 1)
    ]


def load_cases(path: Path = CASES_FILE) -> tuple[FunctionalCase, ...]:
    """Every case of a suite file, in the file's order."""
    with open(path, "rb") as fh:
        blocks = tomllib.load(fh)["block"]
    return tuple(case for block in blocks for case in _block_cases(block))


#: The whole suite, in a fixed order.
FUNCTIONAL_CASES: tuple[FunctionalCase, ...] = load_cases()


def check_cases(cases: Sequence[FunctionalCase]) -> list[str]:
    """Problems in a suite (duplicate ids, unknown groups, categories or characteristics)."""
    problems: list[str] = []
    seen: set[str] = set()
    for case in cases:
        if case.id in seen:
            problems.append(f"{case.id}: duplicate id")
        seen.add(case.id)
        if case.group not in GROUPS:
            problems.append(f"{case.id}: unknown group {case.group!r}")
        for name in (*case.expect_categories, *case.forbid_categories):
            if name not in CATEGORIES:
                problems.append(f"{case.id}: unknown category {name!r}")
        if set(case.expect_categories) & set(case.forbid_categories):
            problems.append(f"{case.id}: a category both expected and forbidden")
        for characteristic in case.identity:
            if characteristic not in IDENTITY:
                problems.append(f"{case.id}: unknown characteristic {characteristic!r}")
        if case.expect_target not in (None, "target", "third_party"):
            problems.append(f"{case.id}: unknown target {case.expect_target!r}")
    return problems


#: ``score_fn(texts, parent_texts)``: one answer per text, with ``.scores`` or as a dict.
ScoreFn = Callable[[list[str], list[str | None]], Sequence[object]]


@dataclass(frozen=True, slots=True)
class CaseResult:
    """The outcome of one case: its scores and, when it failed, why."""

    case: FunctionalCase
    scores: dict[str, float]
    reasons: tuple[str, ...]

    @property
    def passed(self) -> bool:
        return not self.reasons


@dataclass(frozen=True, slots=True)
class GroupResult:
    """Pass counts for one group."""

    name: str
    passed: int
    total: int

    @property
    def rate(self) -> float:
        return self.passed / self.total if self.total else 0.0


@dataclass(frozen=True, slots=True)
class FunctionalReport:
    """Results of :func:`run`: per case, per group and overall.

    ``thresholds`` holds the threshold used for every output (``abusive`` included).
    """

    results: tuple[CaseResult, ...]
    thresholds: dict[str, float] = field(default_factory=dict)

    def threshold(self, name: str) -> float:
        return self.thresholds.get(name, 0.5)

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.results)

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def pass_rate(self) -> float:
        return self.passed / self.total if self.total else 0.0

    @property
    def rate(self) -> float:
        """Same as :attr:`pass_rate`."""
        return self.pass_rate

    @property
    def groups(self) -> list[GroupResult]:
        """Per-group results, in the order groups first appear in the cases."""
        counts: dict[str, list[int]] = {}
        for result in self.results:
            tally = counts.setdefault(result.case.group, [0, 0])
            tally[0] += result.passed
            tally[1] += 1
        return [GroupResult(group, p, t) for group, (p, t) in counts.items()]

    @property
    def by_group(self) -> dict[str, GroupResult]:
        return {g.name: g for g in self.groups}

    @property
    def failures(self) -> list[CaseResult]:
        return [r for r in self.results if not r.passed]

    def flag_rate(self, group: str, output: str = "abusive") -> float | None:
        """Share of a group's cases with ``output`` at or above its threshold.

        ``flag_rate("death_threat")`` is the recall of explicit death threats;
        ``flag_rate("counter_speech")`` the share of support flagged abusive.
        """
        scores = [r.scores.get(output, 0.0) for r in self.results if r.case.group == group]
        if not scores:
            return None
        return sum(s >= self.threshold(output) for s in scores) / len(scores)

    def text(self, max_failures: int = 40) -> str:
        """The per-group table, the overall line, then the first failures."""
        rows: list[dict[str, str | int | float | None]] = [
            {"group": g, "cases": r.total, "passed": r.passed, "pass_rate": r.rate}
            for g, r in self.by_group.items()
        ]
        rows.append(
            {
                "group": "overall",
                "cases": self.total,
                "passed": self.passed,
                "pass_rate": self.pass_rate,
            }
        )
        lines = [format_table(rows, ("group", "cases", "passed", "pass_rate"))]
        failures = self.failures
        if failures:
            lines.append(f"\n{len(failures)} failures:")
            for result in failures[:max_failures]:
                text = (
                    result.case.text
                    if len(result.case.text) <= 70
                    else (result.case.text[:67] + "...")
                )
                lines.append(f"  {result.case.id}: {text!r}: {'; '.join(result.reasons)}")
            if len(failures) > max_failures:
                lines.append(f"  ... and {len(failures) - max_failures} more")
        return "\n".join(lines)

    def to_dict(self) -> dict[str, object]:
        return {
            "passed": self.passed,
            "total": self.total,
            "pass_rate": self.pass_rate,
            "groups": {
                g: {"passed": r.passed, "total": r.total, "pass_rate": r.rate}
                for g, r in self.by_group.items()
            },
            "failures": [{"id": r.case.id, "reasons": list(r.reasons)} for r in self.failures],
        }


def _scores_of(answer: object) -> dict[str, float]:
    if isinstance(answer, Mapping):
        return {str(k): float(v) for k, v in answer.items()}
    scores = getattr(answer, "scores", None)
    if not isinstance(scores, Mapping):
        raise TypeError(f"score_fn answered {type(answer).__name__}, without a .scores dict")
    return {str(k): float(v) for k, v in scores.items()}


def judge(
    case: FunctionalCase,
    answer: object,
    thresholds: Mapping[str, float],
    threshold: float = 0.5,
    *,
    check_identity: bool = False,
    check_target: bool = False,
) -> CaseResult:
    """Compare one answer with a case's expectations (a missing score counts as 0)."""
    scores = _scores_of(answer)
    reasons: list[str] = []
    abusive = scores.get("abusive", 0.0)
    cut = thresholds.get("abusive", threshold)
    if (abusive >= cut) != case.expect_abusive:
        reasons.append(
            f"abusive={abusive:.2f} ({'expected' if case.expect_abusive else 'not'} >= {cut:.2f})"
        )
    for name in case.expect_categories:
        if scores.get(name, 0.0) < thresholds.get(name, threshold):
            reasons.append(f"{name}={scores.get(name, 0.0):.2f} below threshold")
    for name in case.forbid_categories:
        if scores.get(name, 0.0) >= thresholds.get(name, threshold):
            reasons.append(f"{name}={scores[name]:.2f} forbidden")
    if check_identity and case.identity and case.expect_abusive:
        found = set(getattr(answer, "identity", None) or ())
        missing = [c for c in case.identity if c not in found]
        if missing:
            reasons.append(f"identity missing {', '.join(missing)}")
    if check_target and case.expect_target is not None:
        target = getattr(answer, "target", None)
        if target != case.expect_target:
            reasons.append(f"target={target} (expected {case.expect_target})")
    return CaseResult(case=case, scores=scores, reasons=tuple(reasons))


def run(
    score_fn: ScoreFn,
    cases: Sequence[FunctionalCase] = FUNCTIONAL_CASES,
    threshold: float = 0.5,
    thresholds: Mapping[str, float] | None = None,
    *,
    check_identity: bool = False,
    check_target: bool = False,
) -> FunctionalReport:
    """Score every case in one batch and judge it.

    ``threshold`` applies to every output that ``thresholds`` does not name (``abusive``
    included). With ``check_identity``, abusive identity cases must also list their
    characteristics in ``answer.identity``; with ``check_target``, cases with an
    ``expect_target`` must match ``answer.target``.
    """
    problems = check_cases(cases)
    if problems:
        raise ValueError("invalid functional cases: " + "; ".join(problems[:5]))
    answers = score_fn([c.text for c in cases], [c.parent_text for c in cases])
    if len(answers) != len(cases):
        raise ValueError(f"score_fn returned {len(answers)} answers for {len(cases)} texts")
    cuts = {name: threshold for name in ("abusive", *CATEGORIES)}
    cuts.update(thresholds or {})
    results = tuple(
        judge(
            case, answer, cuts, threshold, check_identity=check_identity, check_target=check_target
        )
        for case, answer in zip(cases, answers)
    )
    return FunctionalReport(results=results, thresholds=cuts)
