"""Step 6: are two checkpoints bit-identical?  python compare_runs.py A.npz B.npz"""

import sys

import numpy as np

with np.load(sys.argv[1]) as a, np.load(sys.argv[2]) as b:
    assert a.files == b.files
    diff = [k for k in a.files if a[k].tobytes() != b[k].tobytes()]
    print(
        f"{len(a.files)} arrays, {len(diff)} differ"
        + (f": {diff}" if diff else " -> bit-identical")
    )
    for k in diff:
        print(f"  {k}: max |a-b| = {np.abs(a[k] - b[k]).max():.3e}")
