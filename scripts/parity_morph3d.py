#!/usr/bin/env python3
"""Parity of the morph3d examples with scipy.ndimage / scikit-image.

usage: parity_morph3d.py EXAMPLES_DIR [--data DIR] [--quick]

Random volumes (several densities; shapes including 1-thick, non-cubic, 2D and 1D; anisotropic
sampling) and, when present, the real `HU < -600` mask of ../shared/data/nrrd/lung1.nrrd.
Integers and booleans must be identical, EDT within 1e-9, eccentricity within 1e-9.
Prints a table; exits 1 on any mismatch.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np
import scipy.ndimage as ndi
from skimage.measure import label as sk_label, regionprops as sk_regionprops
from skimage.morphology import convex_hull_image

warnings.filterwarnings("ignore")

ROWS = []
FAILED = []


def run(exe, *args):
    subprocess.run([exe, *map(str, args)], check=True, capture_output=True, text=True)


def record(kernel, case, ok, detail=""):
    ROWS.append((kernel, case, "ok" if ok else "MISMATCH", detail))
    if not ok:
        FAILED.append((kernel, case, detail))


class Checker:
    def __init__(self, bindir, tmp):
        self.b = lambda name: os.path.join(bindir, name)
        self.tmp = tmp
        self.inp = os.path.join(tmp, "in.npy")
        self.out = os.path.join(tmp, "out.npy")

    def save(self, a):
        np.save(self.inp, a)

    def label(self, a, case, conns):
        for c in conns:
            run(self.b("label"), self.inp, self.out, "--connectivity", c)
            got = np.load(self.out)
            exp, _ = ndi.label(a, ndi.generate_binary_structure(a.ndim, c))
            ok = got.dtype == np.int32 and np.array_equal(got, exp)
            record("label", f"{case} c={c}", ok, f"{int(exp.max())} comps")

    def morph(self, a, case, conns, iters):
        for c in conns:
            s = ndi.generate_binary_structure(a.ndim, c)
            for it in iters:
                for op, ref in (("dilate", ndi.binary_dilation), ("erode", ndi.binary_erosion)):
                    run(self.b("morphology"), op, self.inp, self.out, "--iterations", it,
                        "--connectivity", c)
                    got = np.load(self.out)
                    exp = ref(a, s, iterations=it)
                    n = int((got != exp).sum())
                    record(op, f"{case} c={c} it={it}", n == 0, f"{n} differ" if n else "")
            run(self.b("morphology"), "fill_holes", self.inp, self.out, "--connectivity", c)
            got = np.load(self.out)
            exp = ndi.binary_fill_holes(a, s)
            n = int((got != exp).sum())
            record("fill_holes", f"{case} c={c}", n == 0, f"{n} differ" if n else "")

    def edt(self, a, case, sampling):
        args = [] if sampling is None else ["--sampling", ",".join(map(repr, sampling))]
        run(self.b("edt"), self.inp, self.out, *args)
        got = np.load(self.out)
        exp = ndi.distance_transform_edt(a, sampling=sampling)
        err = float(np.abs(got - exp).max()) if got.size else 0.0
        exact = int((got != exp).sum())
        record("edt", f"{case} s={sampling}", got.shape == exp.shape and err <= 1e-9,
               f"max|d|={err:.1e}, {exact} not bit-equal")

    def hull(self, a, case):
        run(self.b("convex_hull"), self.inp, self.out)
        got = np.load(self.out)
        if a.ndim == 2:
            exp = convex_hull_image(a)
        else:
            exp = np.stack([convex_hull_image(s) for s in a])
        n = int((got != exp).sum())
        record("convex_hull", case, n == 0, f"{n} differ" if n else "")

    def regionprops(self, labels, case):
        np.save(self.inp, labels.astype(np.int32))
        r = subprocess.run([self.b("regionprops"), self.inp], check=True, capture_output=True,
                           text=True)
        got = [json.loads(line) for line in r.stdout.splitlines()]
        exp = sk_regionprops(labels)
        ok = len(got) == len(exp)
        worst = 0.0
        for g, e in zip(got, exp):
            ok &= g["label"] == e.label and g["area"] == e.area and tuple(g["bbox"]) == e.bbox
            ok &= np.array_equal(np.array(g["centroid"]), np.array(e.centroid))
            if labels.ndim == 2:
                worst = max(worst, abs(g["eccentricity"] - e.eccentricity))
        ok &= worst <= 1e-9
        record("regionprops", case, bool(ok), f"{len(exp)} regions, max|decc|={worst:.1e}")


def random_cases(ck, rng, quick):
    shapes = [(1, 1, 1), (1, 24, 37), (17, 23, 29), (40, 3, 50), (9, 1, 30), (64, 48), (1, 60),
              (60, 1), (100,)]
    dens = [0.05, 0.5, 0.95] if quick else [0.02, 0.2, 0.5, 0.7, 0.95]
    for shape in shapes:
        for d in dens:
            a = rng.random(shape) < d
            case = f"{shape} p={d}"
            ck.save(a)
            conns = range(1, a.ndim + 1)
            ck.label(a, case, conns)
            ck.morph(a, case, conns, [1, 3, 0])
            ck.edt(a, case, None)
            ck.edt(a, case, [0.7, 1.3, 2.5][: a.ndim])
            if a.ndim >= 2:
                ck.hull(a, case)
            if a.ndim == 2:
                ck.regionprops(sk_label(a, connectivity=2), case + " conn2")
            if a.ndim == 3:
                ck.regionprops(sk_label(a, connectivity=1), case + " conn1")
    # Blobs: smooth random fields thresholded (long runs, holes, convex-ish shapes).
    for shape in [(12, 64, 80), (128, 96)]:
        for t in [0.0, 0.6]:
            a = ndi.gaussian_filter(rng.standard_normal(shape), 3) > t * 0.1
            case = f"blobs{shape} t={t}"
            ck.save(a)
            ck.label(a, case, range(1, a.ndim + 1))
            ck.morph(a, case, [1, a.ndim], [1, 10])
            ck.edt(a, case, [2.5, 0.7, 0.7][-a.ndim:])
            ck.hull(a, case)
            if a.ndim == 2:
                ck.regionprops(sk_label(a, connectivity=2), case)
    # All-false / all-true.
    for v in (False, True):
        a = np.full((4, 5, 6), v)
        ck.save(a)
        ck.label(a, f"const {v}", [1, 3])
        ck.morph(a, f"const {v}", [1], [1, 2, 0])
        ck.edt(a, f"const {v}", [1.5, 1.0, 0.5])
        ck.hull(a, f"const {v}")


def real_cases(ck, data_dir, quick):
    path = os.path.join(data_dir, "nrrd", "lung1.nrrd")
    if not os.path.exists(path):
        print(f"skipping real-data cases: {path} not found")
        return
    import nrrd

    vol, hdr = nrrd.read(path, index_order="C")
    spacing = [float(np.linalg.norm(v)) for v in hdr["space directions"]][::-1]
    m = vol < -600
    if quick:
        m = m[:12]
    case = f"lung1 HU<-600 {m.shape}"
    ck.save(m)
    ck.label(m, case, [1, 2, 3])
    ck.edt(m, case, spacing)
    ck.morph(m, case, [1], [1, 10])
    ck.hull(m, case)
    mid = m[m.shape[0] // 2]
    ck.regionprops(sk_label(mid, connectivity=2), case + " mid slice")
    ck.regionprops(sk_label(m, connectivity=1), case + " 3D conn1")
    ck.save(~m)
    ck.label(~m, case + " inverted", [3])
    ck.edt(~m, case + " inverted", spacing)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bindir")
    ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..",
                                                   "shared", "data"))
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    t0 = time.time()
    rng = np.random.default_rng(20170412)
    with tempfile.TemporaryDirectory() as tmp:
        ck = Checker(args.bindir, tmp)
        random_cases(ck, rng, args.quick)
        real_cases(ck, args.data, args.quick)
    w = [max(len(r[i]) for r in ROWS) for i in range(3)]
    for r in ROWS:
        print(f"{r[0]:<{w[0]}}  {r[1]:<{w[1]}}  {r[2]:<{w[2]}}  {r[3]}")
    print(f"{len(ROWS)} checks, {len(FAILED)} mismatches, {time.time() - t0:.0f} s")
    sys.exit(1 if FAILED else 0)


if __name__ == "__main__":
    main()
