"""Long-text benchmark: time and peak memory to score one text of 10 KB, 100 KB and 1 MB.

Each measure runs in its own process, so that its peak RSS (``ru_maxrss``) is its own; the
peak of the Python allocations made while scoring (``tracemalloc``, which numpy reports to) is
printed beside it, and the RSS of the loaded classifier before scoring. Two texts per size:
``doubt`` repeats one letter, which the n-gram model is unsure of (so the sentence encoder is
asked: the worst case before windows, 9.4 GB for 1 MB); ``chatter`` is friendly chatter with a
threat at its very end (which must still be flagged).

    python bench/long_text.py [--sizes 10000,100000,1000000] [--no-encoder]
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
import tracemalloc

THREAT = " @cible je vais te tuer, je sais où tu habites"


def make_text(kind: str, n: int) -> str:
    if kind == "doubt":
        return "x" * n
    from rempart.simulate.simple_raid import NEUTRAL, TOPICS

    rng = random.Random(5)
    fmt = {"target": "cible", "tag": "Info", "tagsuffix": "", "url": "https://exemple.invalid/a"}
    parts: list[str] = []
    size = 0
    while size < n:
        parts.append(rng.choice(NEUTRAL).format(topic=rng.choice(TOPICS), **fmt))
        size += len(parts[-1]) + 1
    return " ".join(parts)[: n - len(THREAT)] + THREAT


def measure(kind: str, n: int, use_encoder: bool) -> dict[str, object]:
    """Score one text in this process; what it cost."""
    from rempart.analysis.classify import encoder
    from rempart.analysis.classify.classifier import Classifier

    clf = Classifier.load(use_encoder=use_encoder)
    clf.score(["échauffement"])
    if clf.use_encoder:
        encoder.encode(["échauffement"])
    loaded = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    text = make_text(kind, n)
    tracemalloc.start()
    t0 = time.perf_counter()
    [score] = clf.score([text])
    secs = time.perf_counter() - t0
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "kind": kind,
        "chars": len(text),
        "encoder": clf.use_encoder,
        "seconds": secs,
        "traced_peak_mb": peak / 2**20,
        "loaded_rss_mb": loaded,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "severity": score.severity,
        "threat": "threat" in score.labels,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--no-encoder", action="store_true")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child[0], int(args.child[1]), not args.no_encoder)))
        return
    print(
        f"{'text':8} {'chars':>9} {'seconds':>8} {'traced peak':>12} {'RSS loaded':>11} "
        f"{'RSS peak':>9}  result"
    )
    for n in (int(x) for x in args.sizes.split(",")):
        for kind in ("doubt", "chatter"):
            cmd = [sys.executable, __file__, "--child", kind, str(n)]
            if args.no_encoder:
                cmd.append("--no-encoder")
            out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
            r = json.loads(out.strip().splitlines()[-1])
            flag = f"{r['severity']}" + (", threat flagged" if r["threat"] else "")
            print(
                f"{r['kind']:8} {r['chars']:>9,} {r['seconds']:>8.2f} "
                f"{r['traced_peak_mb']:>9.1f} MB {r['loaded_rss_mb']:>8.0f} MB "
                f"{r['peak_rss_mb']:>6.0f} MB  {flag}"
            )
    print("(encoder " + ("off" if args.no_encoder else "on when installed") + ")")


if __name__ == "__main__":
    main()
