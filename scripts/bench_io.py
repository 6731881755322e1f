#!/usr/bin/env python3
"""Read time of volume-io's `read_volume` vs the oracle's loaders, same inputs, same run.

    LUNGPREP_VENV=/work/venv/ref bash -c 'source scripts/pyenv.sh && cargo build --release --example read_volume && $PY scripts/bench_io.py target/release/examples/read_volume'

Times are the best of N runs, wall clock. The Rust side runs the whole example (process
start, read, HU, writing the .npy); the Python side only calls the loader in-process, so the
ratio understates the library's speed-up.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time


def best(fn, n):
    t = []
    for _ in range(n):
        s = time.perf_counter()
        fn()
        t.append(time.perf_counter() - s)
    return min(t)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("exe")
    ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data"))
    ap.add_argument("-n", type=int, default=5)
    args = ap.parse_args()
    data = os.path.abspath(args.data)
    sys.path.insert(0, os.path.join(os.path.dirname(data), "reference"))
    import grt123_ref as oracle

    cases = [
        ("A0002 b70f (30 x 512^2, explicit LE)", "dicom/lung_dx_a0002/b70f", oracle.load_dicom_series),
        ("jpeg2000_abdomen (20 x 512^2, J2K)", "dicom/jpeg2000_abdomen", oracle.load_dicom_series),
        ("lung1.mhd (48 x 512^2)", "mhd/lung1.mhd", oracle.load_metaimage),
        ("lung1_flipped.mhd (zraw)", "mhd/lung1_flipped.mhd", oracle.load_metaimage),
        ("lung1.nrrd (gzip)", "nrrd/lung1.nrrd", oracle.load_metaimage),
    ]
    print("%-40s %10s %10s %8s" % ("input", "python s", "rust s", "ratio"))
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "o.npy")
        for name, rel, loader in cases:
            p = os.path.join(data, rel)
            if os.path.isdir(p):
                # The oracle lists every file: give it the DICOM files only.
                q = os.path.join(tmp, os.path.basename(p))
                os.makedirs(q, exist_ok=True)
                for f in os.listdir(p):
                    if not f.startswith("LICENSE"):
                        dst = os.path.join(q, f)
                        if not os.path.exists(dst):
                            os.symlink(os.path.join(p, f), dst)
            else:
                q = p
            tp = best(lambda: loader(q), args.n)
            tr = best(lambda: subprocess.run([args.exe, p, out], check=True, capture_output=True), args.n)
            print("%-40s %10.3f %10.3f %7.1fx" % (name, tp, tr, tp / tr))


if __name__ == "__main__":
    main()
