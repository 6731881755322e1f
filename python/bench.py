#!/usr/bin/env python3
"""Times each lungprep function against its scipy / scikit-image / cc3d / edt / oracle
counterpart in one run, and prints the ratios (peer time / lungprep time), plus the binding's
fixed per-call overhead on a 512x512 slice.

usage: python python/bench.py [--repeat N] [--quick] [--data DIR]

Best of N wall-clock times, same inputs for both sides, results checked equal before timing.
lungprep uses every core (rayon; set RAYON_NUM_THREADS=1 for one); the peers are
single-threaded. The real-scan rows need ../shared (skipped otherwise).
"""
import argparse
import importlib.util
import os
import pathlib
import sys
import time
import warnings

# The installed package, not the source folder beside this script (it lacks the compiled
# extension): Python puts the script's folder first on sys.path.
sys.path = [p for p in sys.path if pathlib.Path(p or ".").resolve() != pathlib.Path(__file__).resolve().parent]

import numpy as np  # noqa: E402
import scipy.ndimage as ndi  # noqa: E402
from skimage import measure as skm  # noqa: E402
from skimage.morphology import convex_hull_image as sk_hull  # noqa: E402

import lungprep  # noqa: E402
from lungprep import grt123, hu, measure, morphology, ndimage, zuidhof  # noqa: E402

warnings.filterwarnings("ignore")
ROOT = pathlib.Path(__file__).resolve().parents[1]


def best(f, n):
    t = []
    for _ in range(n):
        t0 = time.perf_counter()
        f()
        t.append(time.perf_counter() - t0)
    return min(t)


def optional(name):
    try:
        return __import__(name)
    except ImportError:
        return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="smaller volumes")
    ap.add_argument("--data", default=str(ROOT.parent / "shared"))
    a = ap.parse_args()
    n = a.repeat
    r = np.random.default_rng(0)
    z = 16 if a.quick else 64
    shape = (z, 512, 512)
    # A lung-like mask: smoothed noise thresholded, so components and holes are realistic.
    noise = ndi.gaussian_filter(r.random(shape, dtype=np.float32), 3)
    mask = noise > np.quantile(noise, 0.5)
    img16 = (noise * 4000 - 2000).astype(np.int16)
    u8 = hu.lum_trans(img16)
    f32 = noise
    st26 = ndi.generate_binary_structure(3, 3)
    slice2 = mask[z // 2]
    hull_in = np.zeros((512, 512), bool)
    hull_in[100:400, 120:380] = slice2[100:400, 120:380]
    lab2 = skm.label(slice2)
    cc3d, edt = optional("cc3d"), optional("edt")

    rows = []  # (function, case, lungprep s, [(peer, s)])

    def race(func, case, ours, peers, check=None):
        got = ours()
        for pname, pf in peers:
            if check is not None:
                check(got, pf())
        t = best(ours, n)
        rows.append((func, case, t, [(pname, best(pf, n)) for pname, pf in peers]))

    eq = np.testing.assert_array_equal

    def same(g, w):
        assert g == w, "lungprep and the peer differ"
    cs = f"{z}x512x512"
    race("ndimage.label", f"{cs} bool, 6-conn", lambda: ndimage.label(mask),
         [("scipy", lambda: ndi.label(mask))]
         + ([("cc3d", lambda: cc3d.connected_components(mask, connectivity=6))] if cc3d else []),
         lambda g, w: eq(g[0], w[0]) if isinstance(w, tuple) else None)
    race("ndimage.distance_transform_edt", f"{cs} sampling (2.5,.7,.7)",
         lambda: ndimage.distance_transform_edt(mask, sampling=(2.5, 0.7, 0.7)),
         [("scipy", lambda: ndi.distance_transform_edt(mask, sampling=(2.5, 0.7, 0.7)))]
         + ([("edt", lambda: edt.edt(mask, anisotropy=(2.5, 0.7, 0.7)))] if edt else []))
    race("ndimage.binary_dilation", f"{cs} 6-conn x10",
         lambda: ndimage.binary_dilation(mask, iterations=10),
         [("scipy", lambda: ndi.binary_dilation(mask, iterations=10))], eq)
    race("ndimage.binary_erosion", f"{cs} 26-conn x2",
         lambda: ndimage.binary_erosion(mask, st26, iterations=2),
         [("scipy", lambda: ndi.binary_erosion(mask, st26, iterations=2))], eq)
    race("ndimage.binary_fill_holes", cs, lambda: ndimage.binary_fill_holes(mask),
         [("scipy", lambda: ndi.binary_fill_holes(mask))], eq)
    spacing = np.array([2.5, 0.7, 0.7])
    fac = np.round(np.array(shape) * spacing) / shape
    race("ndimage.zoom", f"{cs} u8 order 1 nearest (grt123 1 mm)",
         lambda: ndimage.zoom(u8, fac, order=1, mode="nearest"),
         [("scipy", lambda: ndi.zoom(u8, fac, order=1, mode="nearest"))], eq)
    small = f32[: max(4, z // 4), :256, :256]
    race("ndimage.zoom", f"{small.shape} f32 order 3", lambda: ndimage.zoom(small, 1.5),
         [("scipy", lambda: ndi.zoom(small, 1.5))], eq)
    race("ndimage.gaussian_filter", f"{cs} f32 sigma 1 truncate 2",
         lambda: ndimage.gaussian_filter(f32, 1, truncate=2.0),
         [("scipy", lambda: ndi.gaussian_filter(f32, 1, truncate=2.0))], eq)
    race("measure.label", f"{cs} int16 values, 26-conn", lambda: measure.label(img16 // 500),
         [("skimage", lambda: skm.label(img16 // 500))]
         + ([("cc3d", lambda: cc3d.connected_components(img16 // 500, connectivity=26))]
            if cc3d else []),
         lambda g, w: eq(g, w) if w.dtype == g.dtype else None)
    race("measure.regionprops", f"512x512, {lab2.max()} regions, bbox+area+centroid",
         lambda: [(p.bbox, p.area, p.centroid) for p in measure.regionprops(lab2)],
         [("skimage", lambda: [(p.bbox, p.area, p.centroid) for p in skm.regionprops(lab2)])],
         same)
    race("morphology.convex_hull_image", "512x512", lambda: morphology.convex_hull_image(hull_in),
         [("skimage", lambda: sk_hull(hull_in))], eq)
    race("hu.lum_trans", f"{cs} int16", lambda: hu.lum_trans(img16), [], None)

    data = pathlib.Path(a.data)
    oracle_p = data / "reference" / "grt123_ref.py"
    scan = data / "data" / "dicom" / "lung_dx_a0002" / "b70f"
    if oracle_p.exists() and scan.exists():
        spec = importlib.util.spec_from_file_location("grt123_ref", oracle_p)
        ref = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(ref)
        vol = lungprep.read_volume(scan)
        im, sp, org, flip = ref.load_any(str(scan))
        nr = 1 if not a.quick else 1
        rows.append(("read_volume", "b70f DICOM 30x512x512",
                     best(lambda: lungprep.read_volume(scan), n),
                     [("oracle load", best(lambda: ref.load_any(str(scan)), nr))]))
        race("grt123.step1", "b70f", lambda: grt123.step1(vol.hu, vol.grt123_spacing),
             [("oracle", lambda: ref.step1(im, sp, {}))], lambda g, w: eq(g[0], w[0]))
        m1, m2 = ref.step1(im, sp, {})

        def oracle_prep():
            a1, a2 = ref.step1(im, sp, {})
            return ref.prep(im, a1, a2, sp, org, flip, [], 2.0, {})
        race("grt123.prep", "b70f (step1 + savenpy)",
             lambda: grt123.prep(vol.hu, vol.grt123_spacing, origin=vol.grt123_origin),
             [("oracle", oracle_prep)], lambda g, w: eq(g[0], w[0]))
        race("zuidhof.segment_lung_mask", "b70f", lambda: zuidhof.segment_lung_mask(vol.hu),
             [("oracle", lambda: ref.segment_lung_mask(im))], eq)
    else:
        print(f"(real-scan rows skipped: {oracle_p} or {scan} absent)")

    print(f"lungprep {lungprep.__version__}, numpy {np.__version__}, best of {n}, "
          f"{os.cpu_count()} cores\n")
    print("| function | case | lungprep s | peer | peer s | ratio |")
    print("|---|---|---|---|---|---|")
    for func, case, t, peers in rows:
        if not peers:
            print(f"| {func} | {case} | {t:.4f} | – | – | – |")
        for pname, pt in peers:
            print(f"| {func} | {case} | {t:.4f} | {pname} | {pt:.4f} | {pt / t:.1f}x |")

    # Binding overhead: the fixed cost of one call (argument checks, borrowing the array,
    # releasing and re-taking the GIL, wrapping the result), measured on a 1-voxel input, next
    # to the call's time on a 512x512 slice.
    print("\nBinding overhead on a 512x512 slice (fixed per-call cost = the call on a 1x1 "
          "input):\n")
    print("| function | 512x512 call us | 1x1 call us | overhead share |")
    print("|---|---|---|---|")
    one_b, one_f = np.zeros((1, 1), bool), np.zeros((1, 1), np.float32)
    s16 = img16[z // 2]
    sf = f32[z // 2]
    for name, big, tiny in [
        ("ndimage.label", lambda: ndimage.label(slice2), lambda: ndimage.label(one_b)),
        ("ndimage.binary_dilation", lambda: ndimage.binary_dilation(slice2),
         lambda: ndimage.binary_dilation(one_b)),
        ("ndimage.distance_transform_edt", lambda: ndimage.distance_transform_edt(slice2),
         lambda: ndimage.distance_transform_edt(one_b)),
        ("ndimage.gaussian_filter", lambda: ndimage.gaussian_filter(sf, 1.0),
         lambda: ndimage.gaussian_filter(one_f, 1.0)),
        ("ndimage.zoom", lambda: ndimage.zoom(sf, 0.5, order=1),
         lambda: ndimage.zoom(one_f, 1.0, order=1)),
        ("hu.lum_trans", lambda: hu.lum_trans(s16), lambda: hu.lum_trans(s16[:1, :1])),
    ]:
        tb, tt = best(big, 50), best(tiny, 200)
        print(f"| {name} | {tb * 1e6:.0f} | {tt * 1e6:.1f} | {100 * tt / tb:.1f} % |")


if __name__ == "__main__":
    sys.exit(main())
