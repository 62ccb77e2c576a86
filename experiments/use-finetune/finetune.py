"""Fine-tune the USE multilingual v3 encoder end to end for abuse classification.

Trainable: every non-embedding encoder array (3.39 M values) + a linear head
512 -> 10 on the L2-normalised sentence embedding.  Frozen: the quantized
embedding table (65.5 M values).  Loss: binary cross-entropy over the 10 labels,
masked where a label is unknown; the ``abusive`` term is optionally weighted so
that each source contributes abusive positives and negatives in balance.
Optimiser: optax adamw, with a small warmup+cosine learning rate for the encoder
and a larger constant one for the head.  Model selection: best dev ROC-AUC of
``abusive`` among the periodic evaluations.

Everything is deterministic for a given --seed (shuffling uses a seeded numpy
generator, no dropout).  CPU only.

Example:
    python finetune.py --steps 1500 --out runs/ft
Output (in --out): best.npz (encoder arrays under their weights.npz names +
head_W, head_b), last.npz, log.json.
"""

import argparse
import json
import os
import time

import numpy as np

# One XLA CPU thread by default: the machine has 2 shared cores and the
# multi-threaded Eigen pool only adds contention there (no effect on results).
os.environ.setdefault(
    "XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
)

import data  # noqa: E402
import jax  # noqa: E402  (after XLA_FLAGS)
import jax.numpy as jnp
import optax  # noqa: E402
import use_jax  # noqa: E402


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--lr-enc", type=float, default=3e-5)
    ap.add_argument("--lr-head", type=float, default=2e-3)
    ap.add_argument(
        "--wd-enc",
        type=float,
        default=0.0,
        help="adamw decay pulls towards 0, not towards the pretrained weights",
    )
    ap.add_argument("--wd-head", type=float, default=1e-4)
    ap.add_argument("--warmup", type=int, default=100)
    ap.add_argument("--max-len", type=int, default=128, help="truncate training sentences (tokens)")
    ap.add_argument(
        "--subsample", type=int, default=0, help="use N random train examples (0 = all)"
    )
    ap.add_argument("--no-source-balance", action="store_true")
    ap.add_argument("--eval-every", type=int, default=250, help="dev evaluation period (0 = never)")
    ap.add_argument("--dev-max", type=int, default=4000, help="dev examples used for selection")
    ap.add_argument(
        "--time-budget",
        type=float,
        default=14 * 60,
        help="stop (and keep the best checkpoint) after this many seconds",
    )
    return ap.parse_args()


# ------------------------------------------------------------------ batches --
def batch_order(lengths, batch, rng, pool=50):
    """Yield index arrays of size ``batch`` forever, one epoch after another.

    Each epoch is shuffled, cut into pools of ``pool`` batches, each pool is
    sorted by length and split into batches (so a batch pads to similar
    lengths), and the batches of the epoch are shuffled again.  The incomplete
    tail of an epoch is dropped, keeping every batch the same size.
    """
    n = len(lengths)
    while True:
        perm = rng.permutation(n)
        batches = []
        for s in range(0, n - batch + 1, batch * pool):
            chunk = perm[s : s + batch * pool]
            chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
            batches += [chunk[i : i + batch] for i in range(0, len(chunk) - batch + 1, batch)]
        for b in rng.permutation(len(batches)):
            yield batches[b]


# -------------------------------------------------------------------- model --
def init_head(y, m, w):
    """Zero weights, bias = log-odds of the (weighted) label prior."""
    p = (y * m * w).sum(0) / np.maximum((m * w).sum(0), 1.0)
    p = np.clip(p, 1e-3, 1 - 1e-3)
    return {
        "W": np.zeros((use_jax.EMB_DIM, len(data.LABELS)), np.float32),
        "b": np.log(p / (1 - p)).astype(np.float32),
    }


def logits_fn(trainable, frozen, ids, lens, eps):
    emb = use_jax.forward(trainable["enc"], frozen, ids, lens, eps)
    return emb @ trainable["head"]["W"] + trainable["head"]["b"]


def loss_fn(trainable, frozen, ids, lens, y, mw, eps):
    """Masked, weighted BCE: mw = known-label mask * example weight."""
    bce = optax.sigmoid_binary_cross_entropy(logits_fn(trainable, frozen, ids, lens, eps), y)
    return jnp.sum(bce * mw) / jnp.maximum(jnp.sum(mw), 1.0)


def make_optimizer(args):
    enc_lr = optax.warmup_cosine_decay_schedule(
        0.0, args.lr_enc, args.warmup, max(args.steps, args.warmup + 1), end_value=0.1 * args.lr_enc
    )
    return optax.chain(
        optax.clip_by_global_norm(1.0),
        optax.multi_transform(
            {
                "enc": optax.adamw(enc_lr, weight_decay=args.wd_enc),
                "head": optax.adamw(args.lr_head, weight_decay=args.wd_head),
            },
            {"enc": "enc", "head": "head"},
        ),
    )


def dev_scores(trainable, frozen, id_lists, eps, predict):
    """Probabilities (N, 10) for pre-tokenized sentences (length-sorted batches)."""
    out = np.empty((len(id_lists), len(data.LABELS)), np.float32)
    order = np.argsort([len(x) for x in id_lists], kind="stable")
    for s in range(0, len(order), 256):
        sel = order[s : s + 256]
        ids, lens = use_jax.pad_batch([id_lists[i] for i in sel])
        out[sel] = np.asarray(predict(trainable, frozen, ids, lens))
    return out


def save(path, trainable):
    arrays = {k: np.asarray(v) for k, v in trainable["enc"].items()}
    arrays["head_W"] = np.asarray(trainable["head"]["W"])
    arrays["head_b"] = np.asarray(trainable["head"]["b"])
    np.savez(path, **arrays)


# --------------------------------------------------------------------- main --
def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)
    t_start = time.time()
    rng = np.random.default_rng(args.seed)

    train = data.load_train("train")
    if args.subsample and args.subsample < len(train):
        keep = np.sort(rng.choice(len(train), args.subsample, replace=False))
        train = [train[i] for i in keep]
    dev = data.load_train("dev")
    dev = [r for r in dev if "abusive" in r["labels"]]
    if len(dev) > args.dev_max:  # fixed subset, independent of --seed
        keep = np.sort(np.random.default_rng(12345).choice(len(dev), args.dev_max, replace=False))
        dev = [dev[i] for i in keep]

    y, m = data.label_matrix(train)
    w = np.ones_like(m)
    if not args.no_source_balance:
        w[:, data.ABUSIVE] = data.source_balance_weights(train)
    mw = m * w
    ids_train = data.cached("ids", [r["text"] for r in train], use_jax.tokenize)
    ids_train = [use_jax.truncate(x, args.max_len) for x in ids_train]
    ids_dev = data.cached("ids", [r["text"] for r in dev], use_jax.tokenize)
    y_dev = np.array([r["labels"]["abusive"] for r in dev])
    lengths = np.array([len(x) for x in ids_train])
    print(f"train {len(train)} examples ({lengths.sum()} tokens), dev {len(dev)}", flush=True)

    params, frozen, eps = use_jax.load_weights()
    frozen = jax.device_put(frozen)
    trainable = jax.device_put({"enc": params, "head": init_head(y, m, w)})
    n_enc = use_jax.count_params(trainable["enc"])
    n_head = use_jax.count_params(trainable["head"])
    n_frozen = use_jax.count_params(frozen)
    print(f"params: trainable encoder {n_enc:,} + head {n_head:,}; frozen {n_frozen:,}", flush=True)

    opt = make_optimizer(args)
    opt_state = opt.init(trainable)

    @jax.jit
    def train_step(trainable, opt_state, ids, lens, yb, mwb):
        loss, grads = jax.value_and_grad(loss_fn)(trainable, frozen, ids, lens, yb, mwb, eps)
        updates, opt_state = opt.update(grads, opt_state, trainable)
        return optax.apply_updates(trainable, updates), opt_state, loss

    @jax.jit
    def predict(trainable, frozen, ids, lens):
        return jax.nn.sigmoid(logits_fn(trainable, frozen, ids, lens, eps))

    log = {
        "args": vars(args),
        "evals": [],
        "n_train": len(train),
        "n_dev": len(dev),
        "params": {"encoder": n_enc, "head": n_head, "frozen": n_frozen},
    }

    def evaluate(step):
        t = time.time()
        p = dev_scores(trainable, frozen, ids_dev, eps, predict)
        auc = data.roc_auc(y_dev, p[:, data.ABUSIVE])
        log["evals"].append({"step": step, "dev_auc_abusive": auc, "eval_s": time.time() - t})
        print(f"  step {step}: dev AUC(abusive) {auc:.4f}  ({time.time() - t:.0f}s)", flush=True)
        return auc

    best_auc = evaluate(0) if args.eval_every else -1.0
    best_step = 0
    save(os.path.join(args.out, "best.npz"), trainable)

    batches = batch_order(lengths, args.batch, rng)
    n_seen = n_tok = 0
    t_train = 0.0
    losses = []
    step = 0
    compiled = set()  # padded lengths already traced (first step of each is excluded from timing)
    for step in range(1, args.steps + 1):
        idx = next(batches)
        ids, lens = use_jax.pad_batch([ids_train[i] for i in idx])
        t = time.time()
        trainable, opt_state, loss = train_step(trainable, opt_state, ids, lens, y[idx], mw[idx])
        loss = float(loss)  # blocks until the step is done
        if ids.shape in compiled:  # skip the steps that include jit compilation
            t_train += time.time() - t
            n_seen += len(idx)
            n_tok += int(lens.sum())
        compiled.add(ids.shape)
        losses.append(loss)
        if step % 50 == 0:
            print(
                f"step {step} loss {np.mean(losses[-50:]):.4f}  "
                f"{n_seen / max(t_train, 1e-9):.0f} ex/s  {time.time() - t_start:.0f}s",
                flush=True,
            )
        out_of_time = time.time() - t_start > args.time_budget
        if args.eval_every and (step % args.eval_every == 0 or step == args.steps or out_of_time):
            auc = evaluate(step)
            if auc > best_auc:
                best_auc, best_step = auc, step
                save(os.path.join(args.out, "best.npz"), trainable)
        if out_of_time:
            print(f"time budget reached at step {step}", flush=True)
            break

    save(os.path.join(args.out, "last.npz"), trainable)
    log.update(
        steps_done=step,
        best_step=best_step,
        best_dev_auc=best_auc,
        losses=losses,
        train_examples_per_s=n_seen / max(t_train, 1e-9),
        train_tokens_per_s=n_tok / max(t_train, 1e-9),
        wall_s=time.time() - t_start,
    )
    with open(os.path.join(args.out, "log.json"), "w") as f:
        json.dump(log, f, indent=1)
    print(
        f"done: {step} steps, best dev AUC {best_auc:.4f} at step {best_step}, "
        f"{log['train_examples_per_s']:.0f} ex/s, {log['wall_s']:.0f}s",
        flush=True,
    )


if __name__ == "__main__":
    main()
