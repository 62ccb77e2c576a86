"""The classifier's functional suite is sound, its runner judges correctly, metrics are right."""

from __future__ import annotations

import dataclasses
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pytest

from rempart.analysis.classify.categories import (
    ABUSIVE_CATEGORIES,
    CATEGORIES,
    IDENTITY,
    OUTPUTS,
    Example,
    Score,
)
from rempart.training.functional_suite import (
    FUNCTIONAL_CASES,
    GROUPS,
    FunctionalCase,
    check_cases,
    load_cases,
    run,
)
from rempart.training.metrics import (
    CategoryMetrics,
    category_metrics,
    choose_thresholds,
    cross_dataset_table,
    evaluate_examples,
    fit_thresholds,
    flag_rate,
    format_table,
    pr_auc,
    precision_recall_f1,
    recall_at,
    roc_auc,
)

# --- the suite's integrity ------------------------------------------------------------------


def test_suite_is_large_unique_and_valid() -> None:
    assert len(FUNCTIONAL_CASES) >= 250
    ids = [c.id for c in FUNCTIONAL_CASES]
    assert len(ids) == len(set(ids))
    assert check_cases(FUNCTIONAL_CASES) == []
    for case in FUNCTIONAL_CASES:
        assert case.text.strip(), case.id
        assert set(case.expect_categories) <= set(CATEGORIES)
        assert set(case.forbid_categories) <= set(CATEGORIES)
        assert set(case.identity) <= set(IDENTITY)


#: SHA-256 of the suite's content (the repr of every case's fields, in order), pinned when the
#: cases moved from Python to ``rempart/training/resources/functional_cases.toml``. The shipped
#: model drops training texts equal to a case, so a change to the suite is deliberate: update
#: this (and retrain) on purpose, never because an editor stripped an invisible character.
SUITE_SHA256 = "3ba44fddaddf9e22cee5d45d2141d944adc25f56f5645a7d3892203d2fc3972a"


def test_suite_content_is_pinned() -> None:
    rows = [dataclasses.astuple(c) for c in FUNCTIONAL_CASES]
    assert len(rows) == 332
    assert hashlib.sha256(repr(rows).encode("utf-8")).hexdigest() == SUITE_SHA256


def test_suite_file_format(tmp_path: Path) -> None:
    path = tmp_path / "cases.toml"
    path.write_text(
        """
[[block]]
name = "a"
group = "insult"
abusive = true
expect = ["insult"]
lang = "en"
texts = ["one\\u0000", { text = "ab ", repeat = 3 }]

[[block]]
name = "ctx"
group = "context"
abusive = false
forbid_all_abusive = true
replies = [["parent", "reply"]]
""",
        encoding="utf-8",
    )
    assert load_cases(path) == (
        FunctionalCase(
            "a-01",
            "insult",
            "one\x00",
            expect_abusive=True,
            expect_categories=("insult",),
            lang="en",
        ),
        FunctionalCase(
            "a-02",
            "insult",
            "ab ab ab ",
            expect_abusive=True,
            expect_categories=("insult",),
            lang="en",
        ),
        FunctionalCase(
            "ctx-01",
            "context",
            "reply",
            parent_text="parent",
            expect_abusive=False,
            forbid_categories=ABUSIVE_CATEGORIES,
        ),
    )


def test_every_group_present_and_french_first() -> None:
    counts = Counter(c.group for c in FUNCTIONAL_CASES)
    assert set(counts) == set(GROUPS)
    assert min(counts.values()) >= 5
    langs = Counter(c.lang for c in FUNCTIONAL_CASES)
    assert langs["fr"] / len(FUNCTIONAL_CASES) >= 0.70
    assert langs["en"] >= 25


def test_every_identity_characteristic_is_attacked_and_mentioned_neutrally() -> None:
    for group in ("identity_attack", "identity_neutral"):
        covered = {i for c in FUNCTIONAL_CASES if c.group == group for i in c.identity}
        assert covered == set(IDENTITY), group
    attacks = [c for c in FUNCTIONAL_CASES if c.group == "identity_attack"]
    assert all(c.expect_abusive and "identity_attack" in c.expect_categories for c in attacks)
    neutral = [c for c in FUNCTIONAL_CASES if c.group == "identity_neutral"]
    assert all(not c.expect_abusive and "identity_attack" in c.forbid_categories for c in neutral)


def test_expectations_follow_the_groups() -> None:
    by_group: dict[str, list[FunctionalCase]] = {}
    for case in FUNCTIONAL_CASES:
        by_group.setdefault(case.group, []).append(case)
    for group in (
        "negation",
        "quoting",
        "counter_speech",
        "identity_neutral",
        "reclaimed",
        "profanity",
        "disagreement",
        "spam",
    ):
        assert not any(c.expect_abusive for c in by_group[group]), group
    for group, category in (
        ("death_threat", "threat"),
        ("threat_no_slur", "threat"),
        ("defamation", "defamation"),
        ("incitement", "incitement"),
        ("doxxing", "doxxing"),
        ("sexual_harassment", "sexual_harassment"),
    ):
        assert all(c.expect_abusive and category in c.expect_categories for c in by_group[group]), (
            group
        )
    assert all("support" in c.expect_categories for c in by_group["counter_speech"])
    assert all("hard" in c.note for c in by_group["reclaimed"])
    # The context group holds minimal pairs: the same reply, abusive or not by its parent.
    context = by_group["context"]
    assert all(c.parent_text for c in context)
    replies: dict[str, set[bool]] = {}
    for case in context:
        replies.setdefault(case.text, set()).add(case.expect_abusive)
    assert any(v == {True, False} for v in replies.values())
    texts = [c.text for c in FUNCTIONAL_CASES]
    assert "Tout mon soutien face aux insultes que tu reçois." in texts
    assert "Je sais où tu habites." in texts
    assert "I will kill you." in texts


def test_hostile_payloads_are_plain_text() -> None:
    texts = [c.text for c in FUNCTIONAL_CASES if c.group == "hostile_payload"]
    assert any("<script>" in t for t in texts)
    assert any("DROP TABLE" in t for t in texts)
    assert any("\x00" in t for t in texts)
    assert not any("&lt;" in t for t in texts)
    assert any(len(t) > 5000 for t in texts)


def test_synthetic_personal_data_only() -> None:
    doxxing = " ".join(c.text for c in FUNCTIONAL_CASES if c.group == "doxxing")
    assert "@example.org" in doxxing
    assert "06 39 98" in doxxing and "555-01" in doxxing


# --- the runner -----------------------------------------------------------------------------

_KEYWORDS = {
    "insult": ("conne", "idiot"),
    "threat": ("tuer", "kill"),
    "support": ("soutien",),
}


def _keyword_scores(text: str) -> dict[str, float]:
    low = text.lower()
    scores = {name: 0.0 for name in OUTPUTS}
    for name, words in _KEYWORDS.items():
        if any(w in low for w in words):
            scores[name] = 0.9
    scores["abusive"] = max(scores["insult"], scores["threat"])
    return scores


def _keyword_fn(texts: list[str], parents: list[str | None]) -> list[Score]:
    return [
        Score(id=None, lang=None, scores=_keyword_scores(t), labels=[], severity="none")
        for t in texts
    ]


_MINI = (
    FunctionalCase(
        "a", "insult", "T'es une conne.", expect_abusive=True, expect_categories=("insult",)
    ),
    FunctionalCase(
        "b",
        "negation",
        "Tu n'es pas une conne.",
        expect_abusive=False,
        forbid_categories=("insult",),
    ),
    FunctionalCase(
        "c", "death_threat", "Je vais te tuer.", expect_abusive=True, expect_categories=("threat",)
    ),
    FunctionalCase(
        "d",
        "counter_speech",
        "Tout mon soutien.",
        expect_abusive=False,
        expect_categories=("support",),
    ),
    FunctionalCase(
        "e",
        "threat_no_slur",
        "Je sais où tu habites.",
        expect_abusive=True,
        expect_categories=("threat",),
    ),
)


def test_run_judges_each_case() -> None:
    report = run(_keyword_fn, _MINI)
    assert [r.passed for r in report.results] == [True, False, True, True, False]
    assert report.passed == 3 and report.total == 5
    assert report.pass_rate == pytest.approx(0.6)
    groups = report.by_group
    assert groups["negation"].rate == 0.0 and groups["insult"].rate == 1.0
    assert [g.name for g in report.groups] == [c.group for c in _MINI]
    assert report.rate == report.pass_rate
    negation = report.failures[0]
    assert negation.case.id == "b"
    assert any("abusive" in r for r in negation.reasons)
    assert any("insult" in r and "forbidden" in r for r in negation.reasons)
    missed = report.failures[1]
    assert any("threat" in r and "below" in r for r in missed.reasons)
    assert report.flag_rate("death_threat") == 1.0
    assert report.flag_rate("counter_speech") == 0.0
    assert report.flag_rate("no_such_group") is None
    text = report.text()
    assert "overall" in text and "e: 'Je sais où tu habites.'" in text
    assert report.to_dict()["failures"] == [
        {"id": "b", "reasons": list(negation.reasons)},
        {"id": "e", "reasons": list(missed.reasons)},
    ]


def test_thresholds_per_category_and_plain_dicts() -> None:
    def fn(texts: list[str], parents: list[str | None]) -> list[dict[str, float]]:
        return [{**_keyword_scores(t), "support": 0.3 if "soutien" in t else 0.0} for t in texts]

    assert not run(fn, _MINI[3:4]).results[0].passed
    assert run(fn, _MINI[3:4], thresholds={"support": 0.25}).results[0].passed
    # A higher abusive threshold turns the insult case into a miss.
    assert not run(fn, _MINI[:1], thresholds={"abusive": 0.95}).results[0].passed
    assert run(fn, _MINI[:1], threshold=0.95).results[0].reasons == (
        "abusive=0.90 (expected >= 0.95)",
        "insult=0.90 below threshold",
    )


def test_parents_reach_the_score_function() -> None:
    seen: list[str | None] = []

    def fn(texts: list[str], parents: list[str | None]) -> list[dict[str, float]]:
        seen.extend(parents)
        return [{"abusive": 0.9 if p and "pute" in p else 0.1} for p in parents]

    context = [c for c in FUNCTIONAL_CASES if c.group == "context"]
    report = run(fn, context)
    assert seen == [c.parent_text for c in context]
    assert report.results[0].passed  # "Moi aussi." under an abusive parent


def test_identity_and_target_checks_are_opt_in() -> None:
    case = FunctionalCase(
        "i",
        "identity_attack",
        "Sale X.",
        expect_abusive=True,
        expect_categories=("identity_attack",),
        identity=("religion",),
        expect_target="target",
    )

    @dataclass
    class Answer:
        scores: dict[str, float]
        identity: list[str] = field(default_factory=list)
        target: str = "unknown"

    def fn(texts: list[str], parents: list[str | None]) -> list[Answer]:
        return [Answer({"abusive": 0.9, "identity_attack": 0.9}, ["origin"], "third_party")]

    assert run(fn, [case]).results[0].passed
    result = run(fn, [case], check_identity=True, check_target=True).results[0]
    assert len(result.reasons) == 2
    assert "religion" in result.reasons[0] and "third_party" in result.reasons[1]


def test_run_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="answers"):
        run(lambda t, p: [], _MINI)
    with pytest.raises(ValueError, match="unknown category"):
        run(
            _keyword_fn,
            [
                FunctionalCase(
                    "x", "insult", "t", expect_abusive=True, expect_categories=("rudeness",)
                )
            ],
        )
    with pytest.raises(ValueError, match="duplicate"):
        run(_keyword_fn, [_MINI[0], _MINI[0]])
    with pytest.raises(TypeError):
        run(lambda t, p: [object() for _ in t], _MINI)


def test_full_suite_runs_and_keywords_are_not_enough() -> None:
    report = run(_keyword_fn)
    assert report.total == len(FUNCTIONAL_CASES)
    assert set(report.by_group) == set(GROUPS)
    assert 0.0 < report.pass_rate < 0.8
    # Keyword spotting misses every threat that carries no violent word.
    assert report.by_group["threat_no_slur"].rate < 0.5


# --- metrics --------------------------------------------------------------------------------


def test_auc_by_hand() -> None:
    # Positives 0.4 and 0.9 against negatives 0.1 and 0.6: 3 of 4 pairs ordered.
    assert roc_auc([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.9]) == pytest.approx(0.75)
    # Ranked 0.9 (+), 0.6 (-), 0.4 (+): AP = (1/1 + 2/3) / 2.
    assert pr_auc([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.9]) == pytest.approx(5 / 6)
    assert roc_auc([1, 0], [0.5, 0.5]) == pytest.approx(0.5)


def test_single_class_gives_none() -> None:
    assert roc_auc([1, 1, 1], [0.2, 0.5, 0.9]) is None
    assert pr_auc([0, 0], [0.2, 0.5]) is None
    assert roc_auc([], []) is None
    m = category_metrics([0, 0, 0], [0.1, 0.7, 0.2], threshold=0.5)
    assert m.roc_auc is None and m.pr_auc is None
    assert m.recall is None and m.precision == 0.0 and m.f1 == 0.0
    assert choose_thresholds([1, 1], [0.3, 0.8]) == 0.5


def test_f1_at_threshold_by_hand() -> None:
    truth = [1, 1, 1, 0, 0, 0]
    score = [0.9, 0.6, 0.2, 0.7, 0.1, 0.0]
    # At 0.5: tp=2 (0.9, 0.6), fp=1 (0.7), fn=1 (0.2).
    p, r, f1 = precision_recall_f1(truth, score, 0.5)
    assert p == pytest.approx(2 / 3) and r == pytest.approx(2 / 3) and f1 == pytest.approx(2 / 3)
    assert recall_at(truth, score, 0.15) == 1.0
    assert precision_recall_f1(truth, score, 0.95) == (None, 0.0, 0.0)
    assert flag_rate([0.1, 0.6, 0.9, 0.2], 0.5) == 0.5
    assert flag_rate([], 0.5) is None


def test_choose_thresholds_maximises_f1() -> None:
    truth = [1, 1, 1, 0, 0, 0]
    score = [0.9, 0.6, 0.2, 0.7, 0.1, 0.0]
    # Cut at 0.6: P=2/3 R=2/3 F1=0.667; at 0.2: P=3/4 R=1 F1=0.857 (best); at 0.9: F1=0.5.
    best = choose_thresholds(truth, score)
    assert best == pytest.approx(0.2)
    f1 = precision_recall_f1(truth, score, best)[2]
    grid = [precision_recall_f1(truth, score, t)[2] or 0.0 for t in np.linspace(0, 1, 101)]
    assert f1 is not None and f1 >= max(grid) - 1e-9


def test_metrics_only_over_labelled_examples() -> None:
    examples = [
        Example("a", {"abusive": 1, "threat": 1}, "s1"),
        Example("b", {"abusive": 0, "threat": 0}, "s1"),
        Example("c", {"abusive": 1}, "s2"),  # says nothing about threats
        Example("d", {"abusive": 0}, "s2"),
    ]
    scores = [
        {"abusive": 0.8, "threat": 0.7},
        {"abusive": 0.3, "threat": 0.2},
        {"abusive": 0.4, "threat": 0.0},
        Score(
            id=None, lang=None, scores={"abusive": 0.6, "threat": 0.9}, labels=[], severity="none"
        ),
    ]
    result = evaluate_examples(examples, scores, {"abusive": 0.5})
    assert set(result) == {"abusive", "threat"}
    assert result["threat"].n == 2 and result["threat"].roc_auc == 1.0
    assert result["abusive"].n == 4 and result["abusive"].roc_auc == pytest.approx(0.75)
    assert result["abusive"].recall == 0.5
    thresholds = fit_thresholds(examples, scores, outputs=("abusive", "threat", "spam"))
    assert thresholds["threat"] == pytest.approx(0.7) and thresholds["spam"] == 0.5
    with pytest.raises(ValueError):
        evaluate_examples(examples, scores[:2])


def test_format_table_aligns_columns() -> None:
    text = format_table(
        [{"set": "dev", "auc": 0.75, "n": 12}, {"set": "held_out", "auc": None, "n": 3}],
        ["set", "auc", "n"],
    )
    lines = text.splitlines()
    assert lines == [
        "set         auc   n",
        "dev       0.750  12",
        "held_out    n/a   3",
    ]
    assert format_table([("x", 1.0)], ["name", "value"]).splitlines()[1] == "x     1.000"


def test_cross_dataset_table() -> None:
    good = CategoryMetrics(
        n=100,
        positives=40,
        roc_auc=0.9123,
        pr_auc=0.8,
        threshold=0.4,
        precision=0.7,
        recall=0.8,
        f1=0.7467,
    )
    table = cross_dataset_table(
        {"french_tweets": {"abusive": good}, "threats_only": {"threat": good}},
        columns=("n", "roc_auc", "f1"),
    )
    data = table.to_dict()
    assert data["text"] == str(table)
    assert data["rows"] == {
        "french_tweets": {"n": 100, "roc_auc": 0.9123, "f1": 0.7467},
        "threats_only": {"n": None, "roc_auc": None, "f1": None},
    }
    lines = str(table).splitlines()
    assert lines[0] == "abusive"
    assert lines[1].split() == ["held_out", "n", "roc_auc", "f1"]
    assert lines[2].split() == ["french_tweets", "100", "0.912", "0.747"]
    assert lines[3].split() == ["threats_only", "n/a", "n/a", "n/a"]
    end = lines[1].index("roc_auc") + len("roc_auc")
    assert lines[2][end - 5 : end] == "0.912" and lines[3][end - 3 : end] == "n/a"
