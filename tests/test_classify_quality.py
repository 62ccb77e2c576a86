"""Quality floors and reproducibility of the shipped model, on the real datasets when present.

These need the datasets folder (``../shared/data`` beside the repository, or $REMPART_DATA);
a user's fresh clone has none, so they skip there. They guard against regressions: a change to
features, rules or training that degrades the model, or a model that no longer matches the
code that should rebuild it, fails here.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from rempart.errors import RempartError

pytestmark = pytest.mark.slow


def _data_dir() -> Path:
    from rempart.training.train_command import default_data_dir

    try:
        return default_data_dir()
    except RempartError:
        pytest.skip("the datasets folder is not available")


@pytest.fixture(scope="module")
def report() -> dict:
    from rempart.training.evaluation import evaluate

    return evaluate(_data_dir(), cross=False, echo=lambda m: None)


def test_held_out_quality(report: dict) -> None:
    overall = report["held_out"]["all"]
    assert overall["abusive"]["roc_auc"] >= 0.95
    assert overall["threat"]["roc_auc"] >= 0.9
    assert report["held_out"]["jigsaw-toxic-fr-translated"]["abusive"]["roc_auc"] >= 0.9


def test_unseen_sets(report: dict) -> None:
    sets = report["eval_only"]
    assert sets["cyberagressionado-v2"]["metrics"]["abusive"]["roc_auc"] >= 0.7
    assert sets["cyberagressionado-v2"]["metrics"]["threat"]["roc_auc"] >= 0.8
    assert sets["xlmt-umsab-sentiment-fr"]["false_positive_rate"] <= 0.10


def test_functional_suite(report: dict) -> None:
    func = report["functional"]
    assert func["rate"] >= 0.6
    assert func["groups"]["disagreement"]["rate"] >= 0.9
    assert func["groups"]["obfuscation"]["rate"] >= 0.8


def test_shipped_model_rebuilds_bit_for_bit() -> None:
    from rempart.training.train_command import run_training

    lines: list[str] = []
    assert run_training(_data_dir(), [], None, check=True, echo=lines.append), lines[-1]
