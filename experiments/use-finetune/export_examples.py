"""Write rempart's training examples and its evaluation-only sets as JSON lines for the
fine-tuning experiment: ``$REMPART_FT_WORK/train_examples.jsonl`` and ``eval_examples.jsonl``.

    python experiments/use-finetune/export_examples.py [DATA_DIR]
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from rempart.training import datasets
from rempart.training.build import TrainConfig, collect


def main() -> None:
    data = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
    work = Path(os.environ.get("REMPART_FT_WORK", "/tmp/rempart-ft"))
    work.mkdir(parents=True, exist_ok=True)
    examples = collect(TrainConfig(data, work / "unused"), log=print)
    with open(work / "train_examples.jsonl", "w", encoding="utf-8") as out:
        for e in examples:
            row = {
                "text": e.text,
                "labels": e.labels,
                "source": e.source,
                "lang": e.lang,
                "split": e.split,
                "parent_text": e.parent_text,
            }
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    with open(work / "eval_examples.jsonl", "w", encoding="utf-8") as out:
        for name, rows in datasets.load_eval(data).items():
            for e in rows:
                row = {"set": name, "text": e.text, "labels": e.labels, "lang": e.lang}
                out.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
