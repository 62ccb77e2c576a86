"""A rebuilt model counts as the shipped one bit for bit, or up to another BLAS kernel's rounding."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import numpy as np

from rempart.analysis.classify.classifier import DEFAULT_MODEL
from rempart.analysis.classify.model import CONFIG, WEIGHTS
from rempart.training.train_command import rebuild_within_rounding


def _copy(tmp: Path, name: str, kernel: str | None = None) -> Path:
    out = tmp / name
    shutil.copytree(DEFAULT_MODEL, out)
    if kernel is not None:
        config = json.loads((out / CONFIG).read_text(encoding="utf-8"))
        config["meta"]["trained_with"]["blas"] = kernel
        (out / CONFIG).write_text(json.dumps(config, indent=1, sort_keys=True), encoding="utf-8")
    return out


def _nudge(folder: Path, name: str, delta: float, count: int = 1) -> None:
    """Change ``count`` values of array ``name`` by ``delta`` (in its own units)."""
    config = json.loads((folder / CONFIG).read_text(encoding="utf-8"))
    spec = next(a for a in config["arrays"] if a["name"] == name)
    raw = bytearray(gzip.decompress((folder / WEIGHTS).read_bytes()))
    n = int(np.prod(spec["shape"]))
    arr = np.frombuffer(raw, spec["dtype"], n, spec["offset"]).copy()
    arr[:count] = arr[:count] + np.asarray(delta).astype(arr.dtype)
    raw[spec["offset"] : spec["offset"] + arr.nbytes] = arr.tobytes()
    (folder / WEIGHTS).write_bytes(gzip.compress(bytes(raw)))


def test_rounding_of_another_kernel_is_accepted(tmp_path: Path) -> None:
    shipped = _copy(tmp_path, "shipped", "openblas 0.3 Haswell")
    rebuilt = _copy(tmp_path, "rebuilt", "openblas 0.3 SkylakeX")
    _nudge(rebuilt, "stage2", 0.01, count=50)
    _nudge(rebuilt, "hashed_q", 1, count=3)
    why = rebuild_within_rounding(rebuilt, shipped)
    assert why is not None and "SkylakeX" in why and "Haswell" in why


def test_the_same_kernel_must_rebuild_bit_for_bit(tmp_path: Path) -> None:
    shipped = _copy(tmp_path, "shipped", "openblas 0.3 SkylakeX")
    rebuilt = _copy(tmp_path, "rebuilt", "openblas 0.3 SkylakeX")
    _nudge(rebuilt, "stage2", 0.01)
    assert rebuild_within_rounding(rebuilt, shipped) is None


def test_more_than_rounding_is_a_different_model(tmp_path: Path) -> None:
    shipped = _copy(tmp_path, "shipped", "openblas 0.3 Haswell")
    for name, delta, count in (("stage2", 1.0, 1), ("hashed_q", 2, 1), ("hashed_q", 1, 5000)):
        rebuilt = _copy(tmp_path, f"rebuilt-{name}-{count}", "openblas 0.3 SkylakeX")
        _nudge(rebuilt, name, delta, count)
        assert rebuild_within_rounding(rebuilt, shipped) is None, (name, delta, count)


def test_a_changed_threshold_is_a_different_model(tmp_path: Path) -> None:
    shipped = _copy(tmp_path, "shipped", "openblas 0.3 Haswell")
    rebuilt = _copy(tmp_path, "rebuilt", "openblas 0.3 SkylakeX")
    config = json.loads((rebuilt / CONFIG).read_text(encoding="utf-8"))
    key = next(iter(config["thresholds"]))
    config["thresholds"][key] += 0.05
    (rebuilt / CONFIG).write_text(json.dumps(config), encoding="utf-8")
    assert rebuild_within_rounding(rebuilt, shipped) is None
