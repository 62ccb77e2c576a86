"""``rempart train``: find the data, train, report, and prove the build is bit for bit."""

from __future__ import annotations

import filecmp
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..analysis.classify.classifier import DEFAULT_MODEL
from ..analysis.classify.model import CONFIG, WEIGHTS
from ..errors import RempartError
from .build import TrainConfig, train


def default_data_dir() -> Path:
    """``$REMPART_DATA``, else ``../shared/data`` beside the repository or the working folder."""
    env = os.environ.get("REMPART_DATA")
    if env:
        return Path(env)
    candidates = [
        Path(__file__).resolve().parents[2].parent / "shared" / "data",
        Path.cwd().parent / "shared" / "data",
        Path.cwd() / "shared" / "data",
    ]
    for c in candidates:
        if c.is_dir():
            return c
    raise RempartError(
        "no training data found: pass --data DIR (the folder holding the "
        "datasets, e.g. ../shared/data) or set $REMPART_DATA"
    )


def run_training(
    data_dir: Path | None,
    extra: list[Path],
    out: Path | None,
    check: bool,
    echo: Callable[[str], None] = print,
) -> bool:
    """Train into ``out`` (default: the shipped model); with ``check``, compare with it."""
    data = data_dir or default_data_dir()
    if check:
        with tempfile.TemporaryDirectory(prefix="rempart-train-") as tmp:
            _, report = train(TrainConfig(data, Path(tmp), extra), log=echo)
            same = all(
                filecmp.cmp(Path(tmp) / f, DEFAULT_MODEL / f, shallow=False)
                for f in (WEIGHTS, CONFIG)
            )
            close = None if same else rebuild_within_rounding(Path(tmp), DEFAULT_MODEL)
        if same:
            echo(
                f"rebuilt weights {report['weights_sha256']}: identical to the shipped model, "
                "bit for bit"
            )
        elif close:
            echo(f"rebuilt weights {report['weights_sha256']}: {close}")
        else:
            echo(f"rebuilt weights {report['weights_sha256']}: DIFFERENT from the shipped model")
        return same or bool(close)
    target = out or DEFAULT_MODEL
    _, report = train(TrainConfig(data, target, extra), log=echo)
    echo(f"model written to {target} (weights {report['weights_sha256']})")
    for name, m in report["dev_metrics"].items():
        echo(f"  dev {name:18} n={m['n']:6}  ROC-AUC {m['roc_auc']:.3f}  PR-AUC {m['pr_auc']:.3f}")
    return True


#: How far a rebuild under another BLAS kernel may round from the shipped model: float arrays
#: within 1% of their largest value; quantised n-gram weights one step apart in at most
#: 1 entry in 10,000.
FLOAT_TOLERANCE = 0.01
QUANTISED_SHARE = 1e-4


def rebuild_within_rounding(rebuilt: Path, shipped: Path) -> str | None:
    """Why a rebuild that is not bit for bit still is the shipped model, or None.

    Only where the BLAS kernel differs from the one that trained the shipped model (matrix
    products round differently there): every setting, threshold and metric must be identical,
    and the weights equal up to rounding (:data:`FLOAT_TOLERANCE`, :data:`QUANTISED_SHARE`).
    Under the same kernel only bit for bit counts.
    """
    import gzip
    import json

    import numpy as np

    new = json.loads((rebuilt / CONFIG).read_text(encoding="utf-8"))
    old = json.loads((shipped / CONFIG).read_text(encoding="utf-8"))
    kernel_new = new.get("meta", {}).get("trained_with", {}).get("blas", "unknown")
    kernel_old = old.get("meta", {}).get("trained_with", {}).get("blas", "unknown")
    if kernel_new == kernel_old and kernel_old != "unknown":
        return None

    def settings(config: dict[str, Any]) -> dict[str, Any]:
        out = {k: v for k, v in config.items() if k != "weights_sha256"}
        out["meta"] = {
            k: v
            for k, v in config.get("meta", {}).items()
            if k not in ("trained_with", "weights_sha256")
        }
        return out

    if settings(new) != settings(old) or new.get("arrays") != old.get("arrays"):
        return None
    wa = gzip.decompress((shipped / WEIGHTS).read_bytes())
    wb = gzip.decompress((rebuilt / WEIGHTS).read_bytes())
    if len(wa) != len(wb):
        return None
    worst = 0.0
    for spec in old["arrays"]:
        count = int(np.prod(spec["shape"]))
        a = np.frombuffer(wa, spec["dtype"], count, spec["offset"]).astype(np.float64)
        b = np.frombuffer(wb, spec["dtype"], count, spec["offset"]).astype(np.float64)
        diff = np.abs(a - b)
        if np.dtype(spec["dtype"]).kind == "i":
            if diff.max(initial=0) > 1 or (diff > 0).sum() > QUANTISED_SHARE * count:
                return None
        else:
            scale = max(float(np.abs(a).max(initial=0)), 1e-6)
            rel = float(diff.max(initial=0)) / scale
            if rel > FLOAT_TOLERANCE:
                return None
            worst = max(worst, rel)
    return (
        f"the shipped model up to rounding (BLAS kernel here: {kernel_new}; shipped model "
        f"trained under: {kernel_old}; thresholds, settings and dev metrics identical, "
        f"weights within {worst:.2%} of their scale)"
    )
