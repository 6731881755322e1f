#!/usr/bin/env python3
"""World-geometry parity of `lungprep` outputs (issue 11), checked with SimpleITK.

Inputs: DICOM (b70f, dsb2017), MetaImage identity (.mhd/.raw and .zraw) and flipped
(LUNA16 TransformMatrix -1 0 0 0 -1 0 0 0 1), NRRD, NIfTI in LPS / RAS / LAS / sagittal /
coronal storage (made here with SimpleITK's DICOMOrient from lung1 and b70f, in a temporary
folder), and .npy + geometry sidecars (written by `lungprep convert`).

* convert to .nii.gz, .nii, .mhd, .mha, .nrrd, .npy: load the output with SimpleITK, resample
  it onto the source (nearest neighbour, world space): 100 % of voxels equal (int values
  compared modulo 2^16, because grt123's HU wraps int16 where SimpleITK widens).
* prep --masks --clean-nifti: NAME_lungs.nii.gz resampled onto the group's reference route
  (DICOM / identity MetaImage): Dice of each label (1 right, 2 left) and of the union >= 0.999;
  NAME_clean.npy identical to the group's canonical route (same scan, LPS storage);
  NAME_clean.nii.gz resampled onto the reference route's clean NIfTI: 100 % equal.
* prep on a .npy without sidecar fails with a message; with --spacing it runs.

    parity_geometry.py --bin target/release/lungprep --data ../shared/data
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import SimpleITK as sitk

sitk.ProcessObject_SetGlobalWarningDisplay(False)
FORMATS = (".nii.gz", ".nii", ".mhd", ".mha", ".nrrd", ".npy")
DICE_MIN = 0.999


def load_sitk(path):
    """Any input as SimpleITK sees it (.npy: array + our geometry sidecar)."""
    if os.path.isdir(path):
        r = sitk.ImageSeriesReader()
        r.SetFileNames(r.GetGDCMSeriesFileNames(path))
        return r.Execute()
    if path.endswith(".npy"):
        img = sitk.GetImageFromArray(np.load(path))
        with open(path + ".geometry.json") as f:
            g = json.load(f)
        img.SetSpacing([float(v) for v in reversed(g["spacing"])])
        img.SetOrigin([float(v) for v in reversed(g["origin"])])
        # Our direction rows are the axes; SimpleITK's matrix has them as columns.
        img.SetDirection([float(v) for v in np.array(g["direction"]).T.ravel()])
        return img
    return sitk.ReadImage(path)


def onto(moving, reference, default=0):
    return sitk.GetArrayFromImage(sitk.Resample(moving, reference, sitk.Transform(),
                                                sitk.sitkNearestNeighbor, default,
                                                moving.GetPixelID()))


def equal_fraction(a, b):
    a = np.asarray(a)
    b = np.asarray(b)
    if a.dtype.kind in "iu" and b.dtype.kind in "iu":
        a = a.astype(np.int64) % 65536
        b = b.astype(np.int64) % 65536
    return float(np.mean(a == b))


def dice(a, b):
    s = a.sum() + b.sum()
    return 1.0 if s == 0 else 2.0 * np.logical_and(a, b).sum() / s


def run(cmd):
    """Exit code and the first error line (else the last line) of stderr."""
    p = subprocess.run(cmd, capture_output=True, text=True)
    lines = p.stderr.strip().splitlines() or [""]
    errors = [x for x in lines if x.startswith("error")]
    return p.returncode, (errors or lines)[-1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", required=True)
    ap.add_argument("--data", required=True)
    args = ap.parse_args()
    d = args.data
    rows = []
    failed = False

    def record(case, check, ok, value):
        nonlocal failed
        failed |= not ok
        rows.append((case, check, "ok" if ok else "MISS", value))

    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        dsb = os.path.join(d, "dicom/dsb2017")
        dsb = os.path.join(dsb, sorted(os.listdir(dsb))[0]) if os.path.isdir(dsb) else dsb
        b70f = os.path.join(d, "dicom/lung_dx_a0002/b70f")
        lung1 = os.path.join(d, "mhd/lung1.mhd")
        # (name, path, group); the first of a group is its reference route.
        inputs = [("b70f_dicom", b70f, "b70f"), ("dsb2017_dicom", dsb, "dsb2017"),
                  ("lung1_mhd", lung1, "lung1"),
                  ("lung1_flipped_mhd", os.path.join(d, "mhd/lung1_flipped.mhd"), "lung1"),
                  ("lung1_nrrd", os.path.join(d, "nrrd/lung1.nrrd"), "lung1")]
        inputs = [i for i in inputs if os.path.exists(i[1])]
        made = os.path.join(tmp, "in")
        os.makedirs(made)
        if os.path.exists(lung1):
            z = os.path.join(made, "lung1_zraw.mhd")
            sitk.WriteImage(sitk.ReadImage(lung1), z, True)
            inputs.append(("lung1_zraw", z, "lung1"))
            npy = os.path.join(made, "lung1_npy.npy")
            code, err = run([args.bin, "convert", lung1, npy])
            record("lung1_npy", "convert → .npy + sidecars (input)", code == 0, err)
            inputs.append(("lung1_npy", npy, "lung1"))
        for scan, src in (("lung1", lung1), ("b70f", b70f)):
            if not os.path.exists(src):
                continue
            img = load_sitk(src)
            for orient, tag in (("LPS", "lps"), ("RAS", "ras"), ("LAS", "las"),
                                ("PSL", "sagittal"), ("LSP", "coronal")):
                p = os.path.join(made, "%s_%s.nii.gz" % (scan, tag))
                sitk.WriteImage(sitk.DICOMOrient(img, orient), p)
                inputs.append(("%s_%s" % (scan, tag), p, scan))

        # 1. convert to every format: 100 % of voxels equal on the source grid.
        for name, path, _ in inputs:
            src = load_sitk(path)
            src_arr = sitk.GetArrayFromImage(src)
            for ext in FORMATS:
                out = os.path.join(tmp, "conv", name + ext)
                os.makedirs(os.path.dirname(out), exist_ok=True)
                code, err = run([args.bin, "convert", path, out])
                if code != 0:
                    record(name, "convert " + ext, False, err)
                    continue
                frac = equal_fraction(onto(load_sitk(out), src, -1), src_arr)
                record(name, "convert " + ext, frac == 1.0, "%.4f %% equal" % (100 * frac))

        # 2. prep --masks --clean-nifti.
        results = {}
        for name, path, group in inputs:
            out = os.path.join(tmp, "prep", name)
            code, err = run([args.bin, "prep", path, "-o", out, "--masks", "--clean-nifti"])
            stem = os.path.basename(path)
            for e in (".nii.gz", ".mhd", ".nii", ".nrrd", ".npy"):
                if stem.endswith(e):
                    stem = stem[: -len(e)]
                    break
            if code != 0:
                record(name, "prep", False, err)
                continue
            results[name] = (group, lambda s, o=out, t=stem: os.path.join(o, "%s_%s" % (t, s)))
        refs = {}
        for name, _, group in inputs:
            if name in results and group not in refs:
                refs[group] = name
        for name, path, group in inputs:
            if name not in results or name == refs.get(group):
                continue
            _, p = results[name]
            _, rp = results[refs[group]]
            ref_lungs = sitk.ReadImage(rp("lungs.nii.gz"))
            ours = onto(sitk.ReadImage(p("lungs.nii.gz")), ref_lungs)
            want = sitk.GetArrayFromImage(ref_lungs)
            ds = [dice(ours == k, want == k) for k in (1, 2)] + [dice(ours > 0, want > 0)]
            record(name, "lungs.nii.gz Dice (R, L, both) vs " + refs[group],
                   min(ds) >= DICE_MIN, " ".join("%.4f" % v for v in ds))
            ref_clean = sitk.ReadImage(rp("clean.nii.gz"))
            frac = equal_fraction(onto(sitk.ReadImage(p("clean.nii.gz")), ref_clean, 255),
                                  sitk.GetArrayFromImage(ref_clean))
            record(name, "clean.nii.gz on " + refs[group], frac == 1.0,
                   "%.4f %% equal" % (100 * frac))
        # The clean volume of every orientation equals its canonical (LPS storage) route's.
        for name, path, group in inputs:
            canon = {"lung1": "lung1_mhd", "b70f": "b70f_lps"}.get(group)
            if name not in results or canon is None or name == canon or canon not in results:
                continue
            a = np.load(results[name][1]("clean.npy"))
            b = np.load(results[canon][1]("clean.npy"))
            same = a.shape == b.shape and np.array_equal(a, b)
            record(name, "clean.npy == " + canon, same, "%s vs %s" % (a.shape, b.shape))

        # 3. .npy without sidecar: a clear error, unless --spacing.
        if os.path.exists(lung1):
            bare = os.path.join(made, "bare.npy")
            np.save(bare, sitk.GetArrayFromImage(sitk.ReadImage(lung1)))
            code, err = run([args.bin, "prep", bare, "-o", os.path.join(tmp, "bare")])
            record("bare_npy", "prep without sidecar fails", code != 0 and "spacing" in err, err)
            code, err = run([args.bin, "prep", bare, "-o", os.path.join(tmp, "bare2"),
                             "--spacing", "5,0.5703125,0.5703125"])
            record("bare_npy", "prep --spacing runs", code == 0, err)

    w = max(len(r[0]) for r in rows)
    c = max(len(r[1]) for r in rows)
    for r in rows:
        print("%-*s  %-*s  %-4s  %s" % (w, r[0], c, r[1], r[2], r[3]))
    print("%d checks, %d missed, %.0f s" % (len(rows), sum(r[2] != "ok" for r in rows),
                                          time.perf_counter() - t0))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
