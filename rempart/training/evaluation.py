"""``rempart evaluate``: how good the shipped classifier is, measured on data it never saw.

Four parts:

1. **Held-out splits**: the ``test`` split of every shippable dataset (never used for fitting,
   calibration or thresholds), per dataset and per output: ROC-AUC, PR-AUC, F1 at the model's
   thresholds.
2. **Evaluation-only sets** (licenses forbid training on them): CyberAgressionAdo-v2 (French
   teen chats), TweetEval (English), and the false-positive rate on French tweets of neutral or
   positive sentiment (XLM-T / DEFT 2017).
3. **Cross-dataset table**: stage 1 retrained without one dataset, tested on that dataset, for
   the ``abusive`` output — how well the model carries over to a source it has never seen.
4. **Functional suite**: hand-written cases (negation, quoting, counter-speech, obfuscation,
   threats without slurs, reclaimed slurs, neutral mentions of identity groups, …). It guided
   the rules and templates, so it no longer measures generalisation;
5. **Blind suite** (:mod:`.blind_suite`): hand-written cases that nothing was built on, per
   category precision and recall, on its dev half and on its locked test half.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..analysis.classify.categories import OUTPUTS, Example
from ..analysis.classify.classifier import Classifier
from . import blind_suite, datasets
from .functional_suite import FUNCTIONAL_CASES
from .functional_suite import run as run_functional
from .metrics import cross_dataset_table, evaluate_examples, flag_rate, format_table
from .train_command import default_data_dir

Echo = Callable[[str], None]
CROSS_SETS = (
    "mlma-hate-speech",
    "jigsaw-toxic-fr-translated",
    "toxifrench-forum-dev",
    "davidson-hate-offensive",
    "edos-sexism",
)
METRIC_COLUMNS = ("n", "positives", "roc_auc", "pr_auc", "threshold", "precision", "recall", "f1")


def _score(clf: Classifier, examples: Sequence[Example]) -> list[Any]:
    out: list[Any] = []
    for i in range(0, len(examples), 2000):
        chunk = examples[i : i + 2000]
        out += clf.score([e.text for e in chunk], [e.parent_text for e in chunk], explain=False)
    return out


def _table(
    examples: Sequence[Example], scores: Sequence[Any], clf: Classifier
) -> dict[str, dict[str, Any]]:
    result = evaluate_examples(examples, scores, thresholds=clf.model.thresholds)
    return {name: m.to_dict() for name, m in result.items() if m.n}


def evaluate(
    data_dir: Path | None = None,
    cross: bool = True,
    echo: Echo = print,
    classifier: Classifier | None = None,
) -> dict[str, Any]:
    """Run every part; return a JSON-ready report."""
    data = data_dir or default_data_dir()
    clf = classifier or Classifier.load()
    report: dict[str, Any] = {"model": clf.version, "thresholds": clf.model.thresholds}
    echo("scoring the held-out test splits…")
    examples = datasets.load_training(data)
    held = [e for e in examples if e.split == "test"]
    scores = _score(clf, held)
    report["held_out"] = {"all": _table(held, scores, clf)}
    by_set: dict[str, list[int]] = {}
    for i, e in enumerate(held):
        by_set.setdefault(datasets.dataset_of(e.source), []).append(i)
    for name, idx in sorted(by_set.items()):
        report["held_out"][name] = _table([held[i] for i in idx], [scores[i] for i in idx], clf)
    echo("scoring the evaluation-only sets…")
    report["eval_only"] = {}
    for name, exs in sorted(datasets.load_eval(data).items()):
        s = _score(clf, exs)
        entry: dict[str, Any] = {"metrics": _table(exs, s, clf)}
        negatives = [x.scores["abusive"] for e, x in zip(exs, s) if e.labels.get("abusive") == 0]
        if negatives:
            entry["false_positive_rate"] = flag_rate(negatives, clf.model.thresholds["abusive"])
            entry["negatives"] = len(negatives)
        report["eval_only"][name] = entry
    echo("running the functional suite…")
    func = run_functional(
        lambda texts, parents: clf.score(texts, parents, explain=False),
        FUNCTIONAL_CASES,
        thresholds=clf.model.thresholds,
    )
    report["functional"] = _functional_dict(func)
    echo("scoring the blind suite…")
    report["blind"] = {
        split: blind_suite.summary(
            blind_suite.load(split),
            lambda texts, parents: clf.score(texts, parents, explain=False),
        )
        for split in blind_suite.SPLITS
    }
    if cross:
        echo("cross-dataset table (retraining stage 1 without each dataset)…")
        report["cross_dataset"] = cross_dataset(examples, clf, echo)
    return report


def _functional_dict(func: Any) -> dict[str, Any]:
    return {
        "death_threat_recall": func.flag_rate("death_threat"),
        "counter_speech_flagged": func.flag_rate("counter_speech"),
        "quoting_flagged": func.flag_rate("quoting"),
        "passed": func.passed,
        "total": func.total,
        "rate": round(func.rate, 4),
        "groups": {
            g.name: {"passed": g.passed, "total": g.total, "rate": round(g.rate, 4)}
            for g in func.groups
        },
        "failures": [
            {
                "id": f.case.id,
                "group": f.case.group,
                "text": f.case.text,
                "abusive": round(f.scores.get("abusive", 0.0), 3),
            }
            for f in func.failures[:40]
        ],
    }


def cross_dataset(examples: list[Example], clf: Classifier, echo: Echo) -> dict[str, Any]:
    """Train stage 1's ``abusive`` head without each dataset; test it on that dataset."""
    from sklearn.linear_model import LogisticRegression

    from ..analysis.classify.model import sigmoid
    from .build import featurize
    from .synthetic import generate

    pool = [e for e in examples if "abusive" in e.labels] + [
        e for e in generate(seed=0) if "abusive" in e.labels
    ]
    names = clf.model.rule_features
    X = featurize([e.text for e in pool], [e.parent_text for e in pool], clf.model.n_bits, names)
    y = np.array([e.labels["abusive"] for e in pool])
    sets = np.array([datasets.dataset_of(e.source) for e in pool])
    results: dict[str, Any] = {}
    for held in CROSS_SETS:
        test = sets == held
        if not test.any():
            continue
        fit = LogisticRegression(
            C=8.0, solver="liblinear", class_weight="balanced", random_state=0, max_iter=200
        )
        fit.fit(X[~test], y[~test])
        p = sigmoid(X[test] @ fit.coef_[0] + fit.intercept_[0])
        from .metrics import category_metrics

        results[held] = {"abusive": category_metrics(y[test], p, 0.5)}
        echo(f"  without {held}: ROC-AUC {results[held]['abusive'].roc_auc}")
    table = cross_dataset_table(results, "abusive")
    return table.to_dict()


def render(report: dict[str, Any]) -> str:
    """The report as plain-text tables."""
    lines = [f"model {report['model']}", "", "Held-out test splits (all datasets):"]
    rows = [{"output": k, **v} for k, v in report["held_out"]["all"].items()]
    lines.append(format_table(rows, ("output", *METRIC_COLUMNS)))
    lines += ["", "Held-out test splits, abusive, per dataset:"]
    rows = [
        {"dataset": k, **v["abusive"]}
        for k, v in report["held_out"].items()
        if k != "all" and "abusive" in v
    ]
    lines.append(format_table(rows, ("dataset", *METRIC_COLUMNS)))
    lines += ["", "Evaluation-only sets (never trained on):"]
    for name, entry in report["eval_only"].items():
        rows = [{"output": k, **v} for k, v in entry["metrics"].items()]
        if rows:
            lines += [f"{name}:", format_table(rows, ("output", *METRIC_COLUMNS))]
        if "false_positive_rate" in entry:
            lines.append(
                f"{name}: {entry['negatives']} non-abusive texts, flagged abusive: "
                f"{entry['false_positive_rate']:.1%}"
            )
    if "cross_dataset" in report:
        lines += [
            "",
            "Cross-dataset (abusive; trained without the dataset, tested on it):",
            str(report["cross_dataset"].get("text", report["cross_dataset"])),
        ]
    func = report["functional"]
    lines += [
        "",
        f"Functional suite: {func['passed']}/{func['total']} passed "
        f"({func['rate']:.1%}); explicit death threats flagged: "
        f"{func['death_threat_recall']:.1%}; counter-speech flagged abusive: "
        f"{func['counter_speech_flagged']:.1%}; quoting-to-denounce flagged abusive: "
        f"{func['quoting_flagged']:.1%}",
    ]
    rows = [{"group": g, **v} for g, v in func["groups"].items()]
    lines.append(format_table(rows, ("group", "passed", "total", "rate")))
    for split, figures in report.get("blind", {}).items():
        name = "Blind suite, locked test half" if split == "test" else "Blind suite, dev half"
        lines += ["", *blind_suite.render(name, figures)]
    return "\n".join(lines)


__all__ = ["OUTPUTS", "evaluate", "render"]
