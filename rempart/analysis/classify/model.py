"""The trained classifier's parameters, and how they are stored: arrays and JSON, never pickle.

A model folder holds ``model.json`` (outputs, thresholds, calibration, settings, the training
manifest) and ``weights.bin.gz`` (every array, raw little-endian, concatenated, gzip with a
zero timestamp). The JSON lists each array's dtype, shape, offset and the SHA-256 of the
uncompressed bytes, so the same training run writes the same bytes, and loading checks them.

Stage 1 is a linear model over hashed n-grams (quantised to int8 per output) plus dense rule
features; stage 2 a linear model over the multilingual sentence embedding and the stage-1 logits,
used only for messages stage 1 is unsure about. Each output's logit is calibrated with Platt
scaling: ``p = sigmoid(a * logit + c)``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ...errors import RempartError

WEIGHTS = "weights.bin.gz"
CONFIG = "model.json"
FORMAT = 1


class ModelError(RempartError):
    """A model folder is missing, incomplete or does not match its checksums."""


@dataclass
class Model:
    """Every parameter of a trained classifier (see the module docstring)."""

    outputs: tuple[str, ...]
    n_bits: int
    rule_features: tuple[str, ...]
    hashed_t: np.ndarray  # (K, 2**n_bits) float32 (stored as int8 + per-output scale)
    dense: np.ndarray  # (F, K) weights of the rule features
    bias: np.ndarray  # (K,)
    calib: np.ndarray  # (2, K): a, c of stage 1
    stage2: np.ndarray | None = None  # (512 + K, K)
    bias2: np.ndarray | None = None  # (K,)
    calib2: np.ndarray | None = None  # (2, K)
    band: tuple[float, float] = (0.2, 0.8)
    thresholds: dict[str, float] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def k(self) -> int:
        return len(self.outputs)

    def save(self, folder: Path) -> str:
        """Write the model; return the SHA-256 of its weights (uncompressed)."""
        folder.mkdir(parents=True, exist_ok=True)
        scale = np.maximum(np.abs(self.hashed_t).max(axis=1), 1e-12) / 127.0
        quant = np.clip(np.rint(self.hashed_t / scale[:, None]), -127, 127).astype(np.int8)
        arrays: dict[str, np.ndarray] = {
            "hashed_q": quant,
            "hashed_scale": scale.astype(np.float32),
            "dense": self.dense.astype(np.float32),
            "bias": self.bias.astype(np.float32),
            "calib": self.calib.astype(np.float32),
        }
        if self.stage2 is not None and self.bias2 is not None and self.calib2 is not None:
            arrays.update(
                stage2=self.stage2.astype(np.float32),
                bias2=self.bias2.astype(np.float32),
                calib2=self.calib2.astype(np.float32),
            )
        index, blob = [], bytearray()
        for name, arr in arrays.items():
            data = np.ascontiguousarray(arr).astype(arr.dtype.newbyteorder("<")).tobytes()
            index.append(
                {
                    "name": name,
                    "dtype": arr.dtype.str.replace(">", "<"),
                    "shape": list(arr.shape),
                    "offset": len(blob),
                    "size": len(data),
                }
            )
            blob += data
        digest = hashlib.sha256(blob).hexdigest()
        with open(folder / WEIGHTS, "wb") as raw:
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=9) as gz:
                gz.write(bytes(blob))
        config = {
            "format": FORMAT,
            "outputs": list(self.outputs),
            "n_bits": self.n_bits,
            "rule_features": list(self.rule_features),
            "band": list(self.band),
            "thresholds": self.thresholds,
            "arrays": index,
            "weights_sha256": digest,
            "meta": self.meta,
        }
        text = json.dumps(config, indent=1, sort_keys=True, ensure_ascii=False)
        (folder / CONFIG).write_text(text + "\n", encoding="utf-8")
        return digest

    @classmethod
    def load(cls, folder: Path) -> Model:
        """Read a model folder, checking the weights' checksum."""
        try:
            config = json.loads((folder / CONFIG).read_text(encoding="utf-8"))
            with gzip.open(folder / WEIGHTS, "rb") as gz:
                blob = gz.read()
        except (OSError, ValueError) as exc:
            raise ModelError(
                f"{folder}: cannot read the classifier model ({exc}); "
                "rebuild it with `rempart train`"
            ) from exc
        if hashlib.sha256(blob).hexdigest() != config.get("weights_sha256"):
            raise ModelError(f"{folder}: model weights do not match their checksum")
        arrays = {}
        for spec in config["arrays"]:
            buf = blob[spec["offset"] : spec["offset"] + spec["size"]]
            arrays[spec["name"]] = np.frombuffer(buf, dtype=spec["dtype"]).reshape(spec["shape"])
        hashed = arrays["hashed_q"].astype(np.float32) * arrays["hashed_scale"][:, None]
        return cls(
            outputs=tuple(config["outputs"]),
            n_bits=int(config["n_bits"]),
            rule_features=tuple(config["rule_features"]),
            hashed_t=np.ascontiguousarray(hashed),
            dense=arrays["dense"],
            bias=arrays["bias"],
            calib=arrays["calib"],
            stage2=arrays.get("stage2"),
            bias2=arrays.get("bias2"),
            calib2=arrays.get("calib2"),
            band=tuple(config.get("band", (0.2, 0.8))),
            thresholds={k: float(v) for k, v in config.get("thresholds", {}).items()},
            meta={**config.get("meta", {}), "weights_sha256": config["weights_sha256"]},
        )


def sigmoid(x: np.ndarray) -> np.ndarray:
    out: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))
    return out
