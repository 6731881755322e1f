#!/usr/bin/env python3
"""Parity of the resample examples (zoom, gaussian, resample) with scipy.ndimage.

Random inputs (every order 0-5, every mode, shrinking and enlarging, singleton axes,
integer and float types, grid_mode, no prefilter, --shape, --output-dtype) and real CT
(../shared/data/nrrd/lung1.nrrd, lum_trans'd to uint8 like grt123, resampled to 1 mm;
Gaussian per slice in float32 and in float64 with a NaN field of view).

Criteria: integer outputs identical (a mismatch is tolerated only when scipy's float64
value sits on a rounding tie, within 1e-9 of k + 0.5; those are counted and reported);
float64 outputs <= 1e-9 relative; float32 Gaussian identical.
Usage: parity_resample.py EXAMPLES_DIR   (prints a table, exits 1 on mismatch)
"""
import os
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
import scipy
from scipy import ndimage as ndi

warnings.simplefilter("ignore")
EX = sys.argv[1] if len(sys.argv) > 1 else "target/release/examples"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "..", "shared", "data")
MODES = ["nearest", "reflect", "mirror", "constant", "wrap",
         "grid-constant", "grid-mirror", "grid-wrap"]
TMP = tempfile.mkdtemp(prefix="parity_resample_")
IN, OUT = os.path.join(TMP, "in.npy"), os.path.join(TMP, "out.npy")

rows = {}  # group -> [cases, exact, ties, failures, max_rel]
failures = []


def record(group, name, got, want, want_f64=None, float_tol=0.0):
    r = rows.setdefault(group, [0, 0, 0, 0, 0.0])
    r[0] += 1
    if got.shape != want.shape or got.dtype != want.dtype:
        r[3] += 1
        failures.append(f"{name}: shape/dtype {got.shape} {got.dtype} vs {want.shape} {want.dtype}")
        return
    if want.dtype.kind == "f":
        same = (got == want) | (np.isnan(got) & np.isnan(want))
        if same.all():
            r[1] += 1
            return
        g, w = got.astype(np.float64), want.astype(np.float64)
        rel = np.abs(g - w) / np.maximum(np.abs(w), 1e-300)
        rel = np.where(same, 0.0, rel)
        mx = float(np.nanmax(rel))
        r[4] = max(r[4], mx)
        if mx <= float_tol:
            return
        r[3] += 1
        failures.append(f"{name}: {int((~same).sum())} float values differ, max rel {mx:.3g}")
        return
    bad = got != want
    if not bad.any():
        r[1] += 1
        return
    if want_f64 is not None:
        frac = np.abs(np.abs(want_f64[bad]) % 1.0 - 0.5)
        if (frac < 1e-9).all():
            r[2] += int(bad.sum())
            return
    r[3] += 1
    failures.append(f"{name}: {int(bad.sum())} of {bad.size} integer values differ")


def run(exe, *args):
    cmd = [os.path.join(EX, exe), IN, OUT] + [str(a) for a in args]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {res.stderr}")
    return res.stdout


def zoom_case(group, x, factors, order, mode, cval=0.0, prefilter=True, grid=False,
              shape=None, out_dtype=None):
    np.save(IN, x)
    args = ["--order", order, "--mode", mode, f"--cval={cval}"]
    if shape is not None:
        args += ["--shape", ",".join(map(str, shape))]
        factors = np.array(shape, dtype=np.float64) / np.array(x.shape)
    else:
        args += ["--zoom", ",".join(repr(float(f)) for f in factors)]
    if not prefilter:
        args.append("--no-prefilter")
    if grid:
        args.append("--grid-mode")
    odt = np.dtype(out_dtype) if out_dtype else x.dtype
    if out_dtype:
        args += ["--output-dtype", odt.name]
    run("zoom", *args)
    kw = dict(order=order, mode=mode, cval=cval, prefilter=prefilter, grid_mode=grid)
    want = ndi.zoom(x, factors, output=odt, **kw)
    want64 = ndi.zoom(x, factors, output=np.float64, **kw) if odt.kind in "iu" else None
    name = f"zoom {x.dtype}{x.shape}->{odt} f={np.round(factors, 3).tolist()} o{order} {mode} pre={prefilter} grid={grid}"
    record(group, name, np.load(OUT), want, want64, float_tol=1e-9)


def lum_trans(img):
    lungwin = np.array([-1200., 600.])
    newimg = (img - lungwin[0]) / (lungwin[1] - lungwin[0])
    newimg[newimg < 0] = 0
    newimg[newimg > 1] = 1
    return (newimg * 255).astype("uint8")


def main():
    t0 = time.time()
    rng = np.random.default_rng(20170)
    ints = {
        "uint8": lambda s: rng.integers(0, 256, s).astype(np.uint8),
        "int16": lambda s: rng.integers(-1500, 1500, s).astype(np.int16),
        "uint16": lambda s: rng.integers(0, 4096, s).astype(np.uint16),
        "int32": lambda s: rng.integers(-100000, 100000, s).astype(np.int32),
        "float32": lambda s: (rng.normal(size=s) * 300).astype(np.float32),
        "float64": lambda s: rng.normal(size=s) * 300,
    }
    # 1. every dtype x order x mode, shrinking and enlarging (3-D)
    for dt, gen in ints.items():
        x = gen((6, 9, 8))
        for order in range(6):
            for mode in MODES:
                for f in [(1.7, 0.55, 1.3), (0.5, 2.25, 0.8)]:
                    zoom_case(f"zoom 3d {dt}", x, f, order, mode, cval=-7.5)
    # 2. grid_mode, no prefilter, singleton axes, 1-D / 2-D / 4-D, --shape, --output-dtype
    x = ints["float64"]((7, 6, 5))
    for order in range(6):
        for mode in MODES:
            zoom_case("zoom grid_mode", x, (1.4, 0.6, 2.0), order, mode, cval=3.0, grid=True)
            if order > 1:
                zoom_case("zoom no prefilter", x, (1.4, 0.6, 2.0), order, mode, prefilter=False)
    for shape, f in [((1, 7, 9), (3.0, 0.5, 1.4)), ((6, 1, 9), (1.0, 4.0, 1.0)), ((1,), (5.0,)),
                     ((13,), (2.7,)), ((5, 8), (0.3, 1.9)), ((3, 4, 5, 2), (1.5, 0.7, 2.0, 1.0))]:
        xs = ints["uint8"](shape)
        xf = ints["float64"](shape)
        for order in range(6):
            for mode in ["nearest", "reflect", "constant", "grid-wrap", "mirror"]:
                zoom_case("zoom singleton/1d/2d/4d", xs, f, order, mode)
                zoom_case("zoom singleton/1d/2d/4d", xf, f, order, mode)
    x = ints["float64"]((6, 7, 8))
    for order in [0, 1, 3, 5]:
        zoom_case("zoom --shape", x, None, order, "mirror", shape=(13, 4, 9))
        zoom_case("zoom --shape", x, None, order, "nearest", shape=(6, 7, 8))
        for od in ["uint8", "int16", "float32"]:
            zoom_case("zoom --output-dtype", x, (1.5, 0.5, 1.2), order, "nearest", out_dtype=od)
    # 3. Gaussian on random inputs
    for dt in ["float32", "float64", "uint8", "int16"]:
        x = ints[dt]((9, 13, 7)) if dt == "float64" else ints[dt]((37, 41))
        for mode in MODES:
            for sigma, trunc in [(1.0, 2.0), (0.7, 4.0), (2.0, 4.0), (1.5, 3.0)]:
                np.save(IN, x)
                run("gaussian", "--sigma", sigma, "--truncate", trunc, "--mode", mode)
                want = ndi.gaussian_filter(x, sigma, truncate=trunc, mode=mode)
                record(f"gaussian {dt}", f"gaussian {dt} s={sigma} t={trunc} {mode}",
                       np.load(OUT), want, None, float_tol=1e-9 if dt == "float64" else 0.0)
    # 4. real CT
    path = os.path.join(DATA, "nrrd", "lung1.nrrd")
    if not os.path.exists(path):
        print(f"SKIP real data: {path} not found")
    else:
        import nrrd
        data, hdr = nrrd.read(path)
        hu = np.ascontiguousarray(data.transpose(2, 1, 0))  # (z, y, x)
        sp = np.abs(np.diag(np.asarray(hdr["space directions"], dtype=np.float64)))[::-1]
        u8 = lum_trans(hu.astype(np.float64))
        for order in [1, 0]:
            np.save(IN, u8)
            out = run("resample", "--spacing", ",".join(map(repr, sp.tolist())),
                      "--new-spacing", "1,1,1", "--order", order)
            new_shape = np.round(u8.shape * sp / np.array([1.0, 1.0, 1.0]))
            ts = sp * u8.shape / new_shape
            want = ndi.zoom(u8, new_shape / u8.shape, mode="nearest", order=order)
            want64 = ndi.zoom(u8, new_shape / u8.shape, output=np.float64, mode="nearest", order=order)
            record("real lung1 resample (grt123)", f"lung1 resample order {order}", np.load(OUT), want, want64)
            got_ts = np.array(eval(out.strip()))
            if not np.array_equal(got_ts, ts):
                failures.append(f"true spacing {got_ts} vs {ts}")
                rows["real lung1 resample (grt123)"][3] += 1
        crop = np.ascontiguousarray(u8[10:26, 150:278, 150:278])
        for order in [2, 3, 5]:
            for mode in ["nearest", "reflect", "constant"]:
                zoom_case("real lung1 crop, orders 2-5", crop, (2.3, 0.6, 0.77), order, mode)
        zoom_case("real lung1 crop, orders 2-5", crop.astype(np.float32), (2.3, 0.6, 0.77), 3, "nearest")
        zoom_case("real lung1 crop, orders 2-5", hu[10:26, 150:278, 150:278].copy(), (2.3, 0.6, 0.77), 3, "mirror")
        # Gaussian per slice exactly as grt123's binarize_per_slice
        n = hu.shape[1]
        grid = np.linspace(-n / 2 + 0.5, n / 2 - 0.5, n)
        xg, yg = np.meshgrid(grid, grid)
        nan_mask = (np.sqrt(xg ** 2 + yg ** 2) < n / 2).astype(float)
        nan_mask[nan_mask == 0] = np.nan
        for i in range(0, hu.shape[0], 6):
            s32 = hu[i].astype("float32")
            np.save(IN, s32)
            run("gaussian", "--sigma", "1,1", "--truncate", "2.0")
            record("real lung1 gaussian f32 slices", f"slice {i} f32", np.load(OUT),
                   ndi.gaussian_filter(s32, 1, truncate=2.0))
            s64 = np.multiply(s32, nan_mask)
            np.save(IN, s64)
            run("gaussian", "--sigma", "1,1", "--truncate", "2.0")
            record("real lung1 gaussian f64+NaN slices", f"slice {i} f64", np.load(OUT),
                   ndi.gaussian_filter(s64, 1, truncate=2.0), float_tol=1e-9)

    print(f"scipy {scipy.__version__}, numpy {np.__version__}; {time.time() - t0:.1f} s")
    print(f"{'group':<38}{'cases':>7}{'exact':>7}{'ties':>6}{'fail':>6}{'max rel (float)':>17}")
    for g, (n, ex, ties, fail, mx) in rows.items():
        print(f"{g:<38}{n:>7}{ex:>7}{ties:>6}{fail:>6}{mx:>17.3g}")
    for f in failures[:40]:
        print("FAIL", f)
    if failures:
        print(f"{len(failures)} failing cases")
        return 1
    print("all parity checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
