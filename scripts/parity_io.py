#!/usr/bin/env python3
"""Parity of `read_volume` (volume-io) with the oracle's loaders.

For every DICOM series and volume in the shared data folder, run the Rust example and the
oracle's `load_dicom_series` / `load_metaimage` / `load_nifti` (imported from
../shared/reference/grt123_ref.py) and compare: HU arrays identical, spacing and origin within
1e-6. Where the oracle cannot read an input (single slices, a bad header), compare with
pydicom's `pixel_array` + grt123's rescale directly; inputs neither reads are listed as
expected errors. Prints a table; exits 1 on any mismatch.

    parity_io.py PATH/TO/read_volume --data ../shared/data
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

warnings.filterwarnings("ignore")

ATOL = 1e-6
# Transfer syntaxes this build does not decode on purpose (typed error expected).
UNSUPPORTED_TS = {"1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.81"}


def is_dicom(path):
    try:
        with open(path, "rb") as f:
            head = f.read(132)
        return len(head) == 132 and head[128:] == b"DICM"
    except OSError:
        return False


def dicom_files(folder):
    out = []
    for root, _, files in os.walk(folder):
        out += [os.path.join(root, f) for f in files if is_dicom(os.path.join(root, f))]
    return sorted(out)


def linked_dir(tmp, name, files):
    """A folder holding only `files` (symlinks), for the oracle's os.listdir."""
    d = os.path.join(tmp, name.replace("/", "_"))
    os.makedirs(d, exist_ok=True)
    for i, f in enumerate(files):
        os.symlink(os.path.abspath(f), os.path.join(d, "%04d_%s" % (i, os.path.basename(f))))
    return d


def run_rust(exe, inp, tmp, extra=()):
    out = os.path.join(tmp, "rust_%d.npy" % abs(hash(inp)))
    t = time.perf_counter()
    p = subprocess.run([exe, inp, out, *extra], capture_output=True, text=True)
    dt = time.perf_counter() - t
    if p.returncode != 0:
        return None, p.stderr.strip().splitlines()[-1] if p.stderr.strip() else "failed", dt
    meta = json.loads(p.stdout.strip().splitlines()[-1])
    arr = np.load(out)
    os.remove(out)
    return (arr, np.array(meta["spacing"]), np.array(meta["origin"])), None, dt


def pydicom_slice(path):
    """pydicom pixel_array + get_pixels_hu's arithmetic for one slice."""
    import pydicom
    s = pydicom.dcmread(path)
    image = s.pixel_array[None].astype(np.int16)
    intercept, slope = s.RescaleIntercept, s.RescaleSlope
    if slope != 1:
        image[0] = slope * image[0].astype(np.float64)
        image[0] = image[0].astype(np.int16)
    image[0] += np.int16(intercept)
    origin = np.array([float(v) for v in s.ImagePositionPatient][::-1])
    return image, origin, np.array([float(v) for v in s.PixelSpacing])


def choose_series(files):
    """The rule volume-io documents: most files, ties lowest SeriesNumber, then UID."""
    import pydicom
    groups = {}
    for f in files:
        d = pydicom.dcmread(f, stop_before_pixels=True)
        groups.setdefault(str(d.SeriesInstanceUID), []).append((f, d.get("SeriesNumber")))
    def rank(item):
        uid, fs = item
        sn = fs[0][1]
        return (-len(fs), int(sn) if sn is not None else 2**62, uid)
    uid, fs = sorted(groups.items(), key=rank)[0]
    return uid, sorted(f for f, _ in fs), len(groups)


def compare(ours, ref, check_spacing=True, check_origin=True, spacing_slice=slice(None)):
    arr, sp, org = ours
    rarr, rsp, rorg = ref
    notes = []
    ok = True
    if arr.shape != rarr.shape:
        return False, "shape %s vs %s" % (arr.shape, rarr.shape)
    if arr.dtype != np.int16:
        return False, "dtype %s" % arr.dtype
    diff = int(np.count_nonzero(arr != rarr.astype(np.int16)))
    if diff or not np.array_equal(rarr.astype(np.int16), rarr):
        ok = False
        notes.append("%d voxels differ" % diff)
    if check_spacing:
        e = float(np.max(np.abs(sp[spacing_slice] - np.asarray(rsp, dtype=np.float64))))
        if e > ATOL:
            ok = False
            notes.append("spacing %s vs %s" % (sp, rsp))
    if check_origin:
        e = float(np.max(np.abs(org - np.asarray(rorg, dtype=np.float64))))
        if e > ATOL:
            ok = False
            notes.append("origin %s vs %s" % (org, rorg))
    return ok, "; ".join(notes)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("exe")
    ap.add_argument("--data", default=os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data"))
    args = ap.parse_args()
    data = os.path.abspath(args.data)
    ref_dir = os.path.join(os.path.dirname(data), "reference")
    sys.path.insert(0, ref_dir)
    import grt123_ref as oracle
    import pydicom

    rows = []  # (input, reference, result, seconds, note)
    failed = False

    def record(name, refname, ok, dt, note, expected=False):
        nonlocal failed
        status = "ok" if ok else ("expected error" if expected else "MISMATCH")
        if not ok and not expected:
            failed = True
        rows.append((name, refname, status, "%.2f" % dt, note))

    with tempfile.TemporaryDirectory() as tmp:
        dcm_root = os.path.join(data, "dicom")
        # Every folder holding DICOM files directly, plus multi-series parents.
        series_dirs = []
        for root, dirs, files in os.walk(dcm_root):
            dirs.sort()
            if any(is_dicom(os.path.join(root, f)) for f in files):
                series_dirs.append(root)
        parents = [os.path.join(dcm_root, "lung_dx_a0002")]
        for d in series_dirs + parents:
            name = os.path.relpath(d, data)
            files = dicom_files(d)
            if os.path.basename(os.path.dirname(files[0])) in ("JPEG2000", "JPEG2000Lossless", "JPEGLS",
                                                                 "JPEGLossless", "LittleEndianExplicit"):
                continue  # single slices: handled one by one below
            uid, chosen, nseries = choose_series(files)
            ours, err, dt = run_rust(args.exe, d, tmp)
            refname = "load_dicom_series" + (" (chosen of %d series)" % nseries if nseries > 1 else "")
            try:
                rarr, rsp, rorg, _ = oracle.load_dicom_series(linked_dir(tmp, name, chosen))
            except Exception as e:  # noqa: BLE001
                ref = None
                referr = "%s: %s" % (type(e).__name__, e)
            else:
                ref = (rarr, rsp, rorg)
            if ref is None:
                record(name, refname, ours is None, dt,
                       "oracle: %s; ours: %s" % (referr, err or "read"), expected=ours is None)
                continue
            if ours is None:
                record(name, refname, False, dt, err)
                continue
            ok, note = compare(ours, ref)
            record(name, refname, ok, dt, note)

        # Single compressed slices: pydicom pixel_array + rescale.
        for f in dicom_files(os.path.join(dcm_root, "compressed_slices")):
            name = os.path.relpath(f, data)
            ts = str(pydicom.dcmread(f, stop_before_pixels=True).file_meta.TransferSyntaxUID)
            ours, err, dt = run_rust(args.exe, f, tmp)
            try:
                rarr, rorg, rps = pydicom_slice(f)
            except Exception as e:  # noqa: BLE001
                record(name, "pydicom pixel_array", ours is None, dt,
                       "pydicom: %s; ours: %s" % (type(e).__name__, err or "read"), expected=ours is None)
                continue
            if ours is None:
                record(name, "pydicom pixel_array", False, dt, err, expected=ts in UNSUPPORTED_TS)
                continue
            ok, note = compare(ours, (rarr, rps, rorg), spacing_slice=slice(1, 3))
            record(name, "pydicom pixel_array", ok, dt, note)

        # MetaImage / NRRD through SimpleITK (grt123's load_itk_image).
        import SimpleITK as sitk
        lung1 = None
        for rel in ("mhd/lung1.mhd", "mhd/lung1_flipped.mhd", "nrrd/lung1.nrrd"):
            p = os.path.join(data, rel)
            if not os.path.exists(p):
                continue
            ours, err, dt = run_rust(args.exe, p, tmp)
            rarr, rsp, rorg, _ = oracle.load_metaimage(p)
            if ours is None:
                record(rel, "load_metaimage", False, dt, err)
                continue
            ok, note = compare(ours, (rarr, rsp, rorg))
            if rel == "mhd/lung1.mhd":
                lung1 = (p, ours[0])
            elif rel == "mhd/lung1_flipped.mhd" and lung1 is not None and not np.array_equal(ours[0], lung1[1]):
                ok, note = False, (note + "; not equal to lung1.mhd").strip("; ")
            record(rel, "load_metaimage", ok, dt, note)

        # Files written here from lung1: NIfTI (SimpleITK and nibabel), .mha, .npy + sidecar.
        if lung1 is not None:
            img = sitk.ReadImage(lung1[0])
            written = []
            for fname in ("lung1_sitk.nii.gz", "lung1_sitk.nii", "lung1_sitk.mha"):
                out = os.path.join(tmp, fname)
                sitk.WriteImage(img, out)
                written.append((fname, out, "load_nifti" if ".nii" in fname else "load_metaimage"))
            import nibabel as nib
            nimg = nib.load(os.path.join(tmp, "lung1_sitk.nii"))
            nib_path = os.path.join(tmp, "lung1_nibabel.nii.gz")
            nib.save(nib.Nifti1Image(np.asarray(nimg.dataobj), nimg.affine, nimg.header), nib_path)
            written.append(("lung1_nibabel.nii.gz", nib_path, "load_nifti"))
            npy_path = os.path.join(tmp, "lung1.npy")
            np.save(npy_path, sitk.GetArrayFromImage(img))
            with open(npy_path + ".spacing.json", "w") as fh:
                json.dump(list(reversed(img.GetSpacing())), fh)
            written.append(("lung1.npy", npy_path, "load_any (.npy)"))
            for fname, path, how in written:
                ours, err, dt = run_rust(args.exe, path, tmp)
                rarr, rsp, rorg, _ = oracle.load_any(path)
                if ours is None:
                    record("(written) " + fname, how, False, dt, err)
                    continue
                ok, note = compare(ours, (rarr, rsp, rorg))
                record("(written) " + fname, how, ok, dt, note)

    w = [max(len(str(r[i])) for r in rows + [("input", "reference", "result", "s", "note")]) for i in range(5)]
    fmt = "  ".join("%%-%ds" % x for x in w)
    print(fmt % ("input", "reference", "result", "s", "note"))
    print(fmt % tuple("-" * x for x in w))
    for r in rows:
        print(fmt % r)
    n_bad = sum(r[2] == "MISMATCH" for r in rows)
    print("\n%d inputs, %d ok, %d expected errors, %d mismatches"
          % (len(rows), sum(r[2] == "ok" for r in rows), sum(r[2] == "expected error" for r in rows), n_bad))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
