"""``rempart train``: find the data, train, report, and prove the build is bit for bit."""

from __future__ import annotations

import filecmp
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from ...errors import RempartError
from .classifier import DEFAULT_MODEL
from .model import CONFIG, WEIGHTS
from .train import TrainConfig, train


def default_data_dir() -> Path:
    """``$REMPART_DATA``, else ``../shared/data`` beside the repository or the working folder."""
    env = os.environ.get("REMPART_DATA")
    if env:
        return Path(env)
    candidates = [Path(__file__).resolve().parents[3].parent / "shared" / "data",
                  Path.cwd().parent / "shared" / "data", Path.cwd() / "shared" / "data"]
    for c in candidates:
        if c.is_dir():
            return c
    raise RempartError("no training data found: pass --data DIR (the folder holding the "
                       "datasets, e.g. ../shared/data) or set $REMPART_DATA")


def run_training(data_dir: Path | None, extra: list[Path], out: Path | None, check: bool,
                 echo: Callable[[str], None] = print) -> bool:
    """Train into ``out`` (default: the shipped model); with ``check``, compare with it."""
    data = data_dir or default_data_dir()
    if check:
        with tempfile.TemporaryDirectory(prefix="rempart-train-") as tmp:
            _, report = train(TrainConfig(data, Path(tmp), extra), log=echo)
            same = all(filecmp.cmp(Path(tmp) / f, DEFAULT_MODEL / f, shallow=False)
                       for f in (WEIGHTS, CONFIG))
        echo(f"rebuilt weights {report['weights_sha256']}: "
             + ("identical to the shipped model, bit for bit" if same
                else "DIFFERENT from the shipped model"))
        return same
    target = out or DEFAULT_MODEL
    _, report = train(TrainConfig(data, target, extra), log=echo)
    echo(f"model written to {target} (weights {report['weights_sha256']})")
    for name, m in report["dev_metrics"].items():
        echo(f"  dev {name:18} n={m['n']:6}  ROC-AUC {m['roc_auc']:.3f}  PR-AUC {m['pr_auc']:.3f}")
    return True
