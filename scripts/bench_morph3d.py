#!/usr/bin/env python3
"""Times morph3d against scipy, scikit-image, connected-components-3d and edt on one mask.

usage: bench_morph3d.py EXAMPLES_DIR [--npy MASK.npy] [--data DIR] [--reps N] [--save-npy OUT]

Default input: the `HU < -600` mask of ../shared/data/nrrd/lung1.nrrd (48 x 512 x 512, spacing
from the header). The Rust side runs the example binaries with MORPH3D_TIMING=N so that only
the kernel is timed (best of N), with RAYON_NUM_THREADS=1 and 2. Prints seconds and ratios
(peer time / morph3d time; > 1 means morph3d is faster). Not run in CI.
"""
import argparse
import os
import re
import subprocess
import tempfile
import time
import warnings

import numpy as np
import scipy.ndimage as ndi

warnings.filterwarnings("ignore")


def best(fn, reps):
    t = float("inf")
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        t = min(t, time.perf_counter() - t0)
    return t


def ours(exe, args, threads, reps):
    env = dict(os.environ, MORPH3D_TIMING=str(reps), RAYON_NUM_THREADS=str(threads))
    r = subprocess.run([exe, *map(str, args)], env=env, capture_output=True, text=True,
                       check=True)
    m = re.search(r"kernel_seconds: ([0-9.eE+-]+)", r.stderr)
    if m is None:
        raise RuntimeError(f"no timing from {exe}: {r.stderr}")
    return float(m.group(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bindir")
    ap.add_argument("--npy", help="boolean mask .npy (default: lung1 HU < -600)")
    ap.add_argument("--spacing", default=None, help="z,y,x spacing for the EDT")
    ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..",
                                                   "shared", "data"))
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--save-npy", help="also save the input mask here (for MORPH3D_BENCH_NPY)")
    args = ap.parse_args()

    import cc3d
    import edt
    from skimage.measure import label as sk_label, regionprops
    from skimage.morphology import convex_hull_image

    if args.npy:
        mask = np.load(args.npy).astype(bool)
        spacing = [1.0] * mask.ndim
    else:
        import nrrd

        vol, hdr = nrrd.read(os.path.join(args.data, "nrrd", "lung1.nrrd"), index_order="C")
        spacing = [float(np.linalg.norm(v)) for v in hdr["space directions"]][::-1]
        mask = vol < -600
    if args.spacing:
        spacing = [float(s) for s in args.spacing.split(",")]
    if args.save_npy:
        np.save(args.save_npy, mask)
    print(f"input {mask.shape}, {mask.mean():.3f} true, spacing {spacing}, best of {args.reps}")
    b = lambda name: os.path.join(args.bindir, name)
    R = args.reps
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        inp, out = os.path.join(tmp, "in.npy"), os.path.join(tmp, "out.npy")
        np.save(inp, mask)
        # Labels for regionprops: 2D labeling of the slices stacked into one tall image.
        flat2d = mask.reshape(-1, mask.shape[-1])
        lab2d = sk_label(flat2d, connectivity=2).astype(np.int32)
        lab2d_path = os.path.join(tmp, "lab2d.npy")
        np.save(lab2d_path, lab2d)
        s = ",".join(map(repr, spacing))

        def add(kernel, peers, exe_args):
            r1 = ours(b(exe_args[0]), exe_args[1:], 1, R)
            r2 = ours(b(exe_args[0]), exe_args[1:], 2, R)
            for name, t in peers:
                rows.append((kernel, name, t, r1, r2))

        for c, cc in ((1, 6), (3, 26)):
            st = ndi.generate_binary_structure(3, c)
            add(f"label {cc}-conn", [
                ("scipy", best(lambda: ndi.label(mask, st), R)),
                ("skimage", best(lambda: sk_label(mask, connectivity=c), R)),
                ("cc3d", best(lambda: cc3d.connected_components(mask, connectivity=cc), R)),
            ], ["label", inp, out, "--connectivity", c])
        add("edt (anisotropic)", [
            ("scipy", best(lambda: ndi.distance_transform_edt(mask, sampling=spacing), 1)),
            ("edt 1 thr", best(lambda: edt.edt(mask, anisotropy=spacing, parallel=1), R)),
            ("edt 2 thr", best(lambda: edt.edt(mask, anisotropy=spacing, parallel=2), R)),
        ], ["edt", inp, out, "--sampling", s])
        for op, fn, it in (("dilate", ndi.binary_dilation, 10), ("erode", ndi.binary_erosion, 1),
                           ("erode", ndi.binary_erosion, 10)):
            add(f"{op} x{it} cross", [("scipy", best(lambda: fn(mask, iterations=it), 1))],
                ["morphology", op, inp, out, "--iterations", it])
        add("fill_holes cross", [("scipy", best(lambda: ndi.binary_fill_holes(mask), 1))],
            ["morphology", "fill_holes", inp, out])
        add("convex hull / slice", [
            ("skimage", best(lambda: [convex_hull_image(sl) for sl in mask if sl.any()], 1)),
        ], ["convex_hull", inp, out])

        def sk_props():
            for p in regionprops(lab2d):
                p.area, p.bbox, p.eccentricity

        add(f"regionprops 2D ({int(lab2d.max())} regions)", [("skimage", best(sk_props, 1))],
            ["regionprops", lab2d_path])

    print(f"{'kernel':<34}{'peer':<11}{'peer s':>9}{'ours 1t':>9}{'ours 2t':>9}"
          f"{'ratio 1t':>10}{'ratio 2t':>10}")
    for k, name, t, r1, r2 in rows:
        print(f"{k:<34}{name:<11}{t:9.4f}{r1:9.4f}{r2:9.4f}{t / r1:10.1f}{t / r2:10.1f}")


if __name__ == "__main__":
    main()
