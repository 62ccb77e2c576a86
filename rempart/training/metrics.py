"""Quality figures for the classifier: ROC-AUC, PR-AUC, F1 at thresholds, plain-text tables.

Every figure is computed per output (``abusive`` and each category) over the examples that carry
a label for it (the keys of :attr:`Example.labels`): a dataset that says nothing about threats
does not count as a dataset of non-threats. A figure that a set cannot define (an AUC on a set
with a single class, a recall with no positive) is ``None``, printed ``n/a``.

>>> m = category_metrics([0, 0, 1, 1], [0.1, 0.6, 0.4, 0.9], threshold=0.5)
>>> m.roc_auc, m.precision, m.recall
(0.75, 0.5, 0.5)
>>> print(format_table([{"set": "dev", "auc": 0.75}], ["set", "auc"]))
set    auc
dev  0.750
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from rempart.analysis.classify.categories import OUTPUTS, Example

#: Value of a table cell: a count, a figure, a name, or nothing (printed ``n/a``).
Cell = float | int | str | None

#: Default columns of the cross-dataset table.
CROSS_COLUMNS: tuple[str, ...] = (
    "n",
    "positives",
    "roc_auc",
    "pr_auc",
    "threshold",
    "precision",
    "recall",
    "f1",
)


@dataclass(frozen=True, slots=True)
class CategoryMetrics:
    """Figures for one output on one evaluation set.

    ``n`` counts the examples labelled for this output, ``positives`` those labelled 1.
    ``roc_auc`` and ``pr_auc`` (average precision) are ``None`` when the set has a single class;
    ``precision``, ``recall`` and ``f1`` are those of ``score >= threshold``, ``None`` when
    undefined (no predicted positive, no positive, or neither).
    """

    n: int
    positives: int
    roc_auc: float | None
    pr_auc: float | None
    threshold: float
    precision: float | None
    recall: float | None
    f1: float | None

    def to_dict(self) -> dict[str, Cell]:
        return dict(asdict(self))


def _arrays(y_true: ArrayLike, y_score: ArrayLike) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    truth = np.asarray(y_true, dtype=np.int64).ravel()
    score = np.asarray(y_score, dtype=np.float64).ravel()
    if truth.shape != score.shape:
        raise ValueError(f"{truth.size} labels but {score.size} scores")
    if np.any((truth != 0) & (truth != 1)):
        raise ValueError("labels must be 0 or 1")
    return truth, score


def _single_class(truth: NDArray[np.int64]) -> bool:
    return truth.size == 0 or bool(truth.min() == truth.max())


def roc_auc(y_true: ArrayLike, y_score: ArrayLike) -> float | None:
    """Area under the ROC curve, or ``None`` when the labels hold a single class."""
    truth, score = _arrays(y_true, y_score)
    if _single_class(truth):
        return None
    from sklearn.metrics import roc_auc_score  # imported late: scoring needs no scikit-learn

    return float(roc_auc_score(truth, score))


def pr_auc(y_true: ArrayLike, y_score: ArrayLike) -> float | None:
    """Average precision (area under the precision-recall curve), ``None`` for a single class."""
    truth, score = _arrays(y_true, y_score)
    if _single_class(truth):
        return None
    from sklearn.metrics import average_precision_score

    return float(average_precision_score(truth, score))


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def precision_recall_f1(
    y_true: ArrayLike, y_score: ArrayLike, threshold: float = 0.5
) -> tuple[float | None, float | None, float | None]:
    """Precision, recall and F1 of ``score >= threshold``; ``None`` where a ratio is 0/0."""
    truth, score = _arrays(y_true, y_score)
    pred = score >= threshold
    pos = truth == 1
    tp = int(np.sum(pred & pos))
    fp = int(np.sum(pred & ~pos))
    fn = int(np.sum(~pred & pos))
    return _ratio(tp, tp + fp), _ratio(tp, tp + fn), _ratio(2 * tp, 2 * tp + fp + fn)


def recall_at(y_true: ArrayLike, y_score: ArrayLike, threshold: float = 0.5) -> float | None:
    """Share of positives scored ``>= threshold`` (``None`` without positives).

    The figure for "explicit death threats recall >= 0.9".
    """
    return precision_recall_f1(y_true, y_score, threshold)[1]


def flag_rate(y_score: ArrayLike, threshold: float = 0.5) -> float | None:
    """Share of scores ``>= threshold`` (``None`` for no score).

    Run on supportive messages only, it is the figure for "<= 5% of support flagged abusive".
    """
    score = np.asarray(y_score, dtype=np.float64).ravel()
    return float(np.mean(score >= threshold)) if score.size else None


def choose_thresholds(
    y_true: ArrayLike, y_score: ArrayLike, default: float = 0.5, beta: float = 1.0
) -> float:
    """The threshold that maximises F1 (F-beta with ``beta``: recall weighs ``beta`` times
    as much as precision) of ``score >= threshold`` on dev data.

    Ties go to the highest threshold (fewer flags for the same F1). Returns ``default`` when the
    labels hold a single class, since no threshold is better than another there.
    """
    truth, score = _arrays(y_true, y_score)
    if _single_class(truth):
        return default
    from sklearn.metrics import precision_recall_curve

    precision, recall, thresholds = precision_recall_curve(truth, score)
    # The last (precision, recall) pair has no threshold: it is the "predict nothing" point.
    p, r = precision[:-1], recall[:-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        b2 = beta * beta
        f1 = np.where(p + r > 0, (1 + b2) * p * r / (b2 * p + r), 0.0)
    best = np.flatnonzero(f1 >= f1.max() - 1e-12)
    return float(thresholds[best].max())


def category_metrics(
    y_true: ArrayLike, y_score: ArrayLike, threshold: float = 0.5
) -> CategoryMetrics:
    """Every figure for one output on one set (see :class:`CategoryMetrics`)."""
    truth, score = _arrays(y_true, y_score)
    precision, recall, f1 = precision_recall_f1(truth, score, threshold)
    return CategoryMetrics(
        n=int(truth.size),
        positives=int(truth.sum()),
        roc_auc=roc_auc(truth, score),
        pr_auc=pr_auc(truth, score),
        threshold=float(threshold),
        precision=precision,
        recall=recall,
        f1=f1,
    )


def _score_dict(score: object) -> Mapping[str, float]:
    if isinstance(score, Mapping):
        return score
    scores = getattr(score, "scores", None)
    if not isinstance(scores, Mapping):
        raise TypeError(f"expected a mapping or an object with .scores, got {type(score).__name__}")
    return scores


def labelled(
    examples: Sequence[Example], scores: Sequence[object], output: str
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Labels and scores for ``output`` over the examples that carry a label for it.

    ``scores`` holds, in the order of ``examples``, either dicts of scores or objects with a
    ``.scores`` dict (:class:`Score`). A missing score counts as 0.
    """
    if len(examples) != len(scores):
        raise ValueError(f"{len(examples)} examples but {len(scores)} scores")
    truth: list[int] = []
    values: list[float] = []
    for example, score in zip(examples, scores):
        if output in example.labels:
            truth.append(int(example.labels[output]))
            values.append(float(_score_dict(score).get(output, 0.0)))
    return np.asarray(truth, dtype=np.int64), np.asarray(values, dtype=np.float64)


def evaluate_examples(
    examples: Sequence[Example],
    scores: Sequence[object],
    thresholds: Mapping[str, float] | None = None,
    outputs: Iterable[str] = OUTPUTS,
    default_threshold: float = 0.5,
) -> dict[str, CategoryMetrics]:
    """Figures per output, each over the examples labelled for it; outputs nobody labels are
    left out of the result."""
    thresholds = thresholds or {}
    result: dict[str, CategoryMetrics] = {}
    for output in outputs:
        truth, values = labelled(examples, scores, output)
        if truth.size:
            result[output] = category_metrics(
                truth, values, thresholds.get(output, default_threshold)
            )
    return result


def fit_thresholds(
    examples: Sequence[Example],
    scores: Sequence[object],
    outputs: Iterable[str] = OUTPUTS,
    default: float = 0.5,
) -> dict[str, float]:
    """:func:`choose_thresholds` for every output, over the examples labelled for it."""
    return {
        output: choose_thresholds(*labelled(examples, scores, output), default=default)
        for output in outputs
    }


def _cell(value: Cell) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def format_table(
    rows: Sequence[Mapping[str, Cell] | Sequence[Cell]], columns: Sequence[str]
) -> str:
    """Plain-text table with a header line and aligned columns.

    Rows are mappings keyed by column (a missing key prints ``n/a``) or sequences in column
    order. Numbers are right-aligned (floats with three decimals), text left-aligned.
    """
    grid: list[list[Cell]] = []
    for row in rows:
        if isinstance(row, Mapping):
            grid.append([row.get(c) for c in columns])
        else:
            grid.append(list(row) + [None] * (len(columns) - len(row)))
    text = [[_cell(v) for v in line] for line in grid]
    widths = [max([len(c)] + [len(line[i]) for line in text]) for i, c in enumerate(columns)]
    numeric = [
        all(isinstance(line[i], int | float) or line[i] is None for line in grid) and bool(grid)
        for i in range(len(columns))
    ]

    def render(cells: Sequence[str]) -> str:
        parts = [
            cell.rjust(w) if num else cell.ljust(w) for cell, w, num in zip(cells, widths, numeric)
        ]
        return "  ".join(parts).rstrip()

    return "\n".join([render(list(columns)), *(render(line) for line in text)])


@dataclass(frozen=True, slots=True)
class CrossDatasetTable:
    """Cross-dataset results for one output: one row per held-out dataset.

    ``rows`` maps the held-out dataset (trained on the others, tested on it) to its figures.
    ``str(table)`` is the plain-text table; :meth:`to_dict` the same as data.
    """

    output: str
    columns: tuple[str, ...]
    rows: dict[str, dict[str, Cell]]

    def text(self) -> str:
        lines = [{"held_out": name, **values} for name, values in self.rows.items()]
        return f"{self.output}\n" + format_table(lines, ("held_out", *self.columns))

    def to_dict(self) -> dict[str, object]:
        return {
            "output": self.output,
            "columns": list(self.columns),
            "rows": self.rows,
            "text": self.text(),
        }

    def __str__(self) -> str:
        return self.text()


def cross_dataset_table(
    results: Mapping[str, Mapping[str, CategoryMetrics]],
    output: str = "abusive",
    columns: Sequence[str] = CROSS_COLUMNS,
) -> CrossDatasetTable:
    """Table of ``output``'s figures with one row per held-out dataset.

    ``results`` maps each held-out dataset to :func:`evaluate_examples`'s answer for it; a
    dataset that has no label for ``output`` gets a row of ``n/a``.
    """
    rows: dict[str, dict[str, Cell]] = {}
    for name, per_output in results.items():
        metrics = per_output.get(output)
        values = metrics.to_dict() if metrics is not None else {}
        rows[name] = {column: values.get(column) for column in columns}
    return CrossDatasetTable(output=output, columns=tuple(columns), rows=rows)
