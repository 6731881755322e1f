#!/usr/bin/env python3
"""Side-by-side timing of scipy.ndimage and the resample crate on the same inputs.

Runs scipy in-process and the crate through `crates/resample/examples/bench_driver`
(in-process timings, no `.npy` I/O), prints seconds and speed-up ratios.
Usage: LUNGPREP_VENV=... bash -c 'source scripts/pyenv.sh; cargo build --release -p lungprep-resample \
       --example bench_driver; $PY scripts/bench_resample.py [target/release/examples]'
"""
import os
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
from scipy import ndimage as ndi

warnings.simplefilter("ignore")
EX = sys.argv[1] if len(sys.argv) > 1 else "target/release/examples"
DRIVER = os.path.join(EX, "bench_driver")
TMP = tempfile.mkdtemp(prefix="bench_resample_")


def best(f, reps):
    f()
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t)
    return float(np.median(ts))


def rust(*args):
    out = subprocess.run([DRIVER] + [str(a) for a in args], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main():
    rng = np.random.default_rng(0)
    # A CT-like uint8 volume: smooth structure plus noise.
    z, y, x = np.mgrid[0:61, 0:512, 0:512]
    vol = (128 + 60 * np.sin(x / 23.0) * np.cos(y / 31.0) + 20 * np.sin(z / 5.0)
           + rng.normal(0, 10, (61, 512, 512)))
    u8 = np.clip(vol, 0, 255).astype(np.uint8)
    p_u8 = os.path.join(TMP, "u8.npy")
    np.save(p_u8, u8)
    spacing = np.array([2.5, 0.7, 0.7])
    new_shape = np.round(u8.shape * spacing / np.array([1.0, 1.0, 1.0]))
    f = new_shape / u8.shape
    fs = ",".join(repr(float(v)) for v in f)

    rows = []
    t_s = best(lambda: ndi.zoom(u8, f, mode="nearest", order=1), 3)
    t_r = rust("zoom", p_u8, 1, "nearest", fs, 5)
    rows.append(("grt123 zoom u8 order 1 61x512x512 -> 1 mm", t_s, t_r, 10))

    f32 = u8[:, :256, :256].astype(np.float32)
    p_f32 = os.path.join(TMP, "f32.npy")
    np.save(p_f32, f32)
    t_s = best(lambda: ndi.zoom(f32, f, mode="nearest", order=3), 3)
    t_r = rust("zoom", p_f32, 3, "nearest", fs, 5)
    rows.append(("zoom f32 order 3 61x256x256 -> 1 mm", t_s, t_r, 5))

    f64 = f32.astype(np.float64)
    p_f64 = os.path.join(TMP, "f64.npy")
    np.save(p_f64, f64)
    t_s = best(lambda: ndi.zoom(f64, (1.3, 0.8, 0.8), mode="reflect", order=3), 3)
    t_r = rust("zoom", p_f64, 3, "reflect", "1.3,0.8,0.8", 5)
    rows.append(("zoom f64 order 3 reflect 61x256x256 x(1.3,.8,.8)", t_s, t_r, 5))

    slices = (vol[:100 if vol.shape[0] >= 100 else None] * 8 - 1000).astype(np.float32)
    slices = np.concatenate([slices, slices])[:100]
    p_sl = os.path.join(TMP, "slices.npy")
    np.save(p_sl, slices)

    def scipy_slices():
        for s in slices:
            ndi.gaussian_filter(s, 1, truncate=2.0)
    t_s = best(scipy_slices, 3)
    t_r = rust("gaussian-slices", p_sl, 1.0, 2.0, 5)
    rows.append((f"gaussian per slice f32 512x512 x{len(slices)} s=1 t=2", t_s, t_r, 5))

    print(f"{'case':<52}{'scipy s':>9}{'rust s':>9}{'ratio':>8}{'target':>8}")
    for name, a, b, tgt in rows:
        print(f"{name:<52}{a:>9.4f}{b:>9.4f}{a / b:>7.1f}x{tgt:>7}x")


if __name__ == "__main__":
    main()
