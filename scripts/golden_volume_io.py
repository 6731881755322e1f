#!/usr/bin/env python3
"""Golden fixtures for crates/volume-io: small synthetic DICOM series written with pydicom in
several transfer syntaxes and rescales, small MetaImage / NRRD files, and the arrays the
oracle's loaders give for them (`expected.npy` + `expected.json` in each case folder).

    LUNGPREP_VENV=/work/venv/ref bash -c 'source scripts/pyenv.sh && $PY scripts/golden_volume_io.py'
"""
import json
import os
import shutil
import sys

import numpy as np
import pydicom
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import (ExplicitVRLittleEndian, ImplicitVRLittleEndian, DeflatedExplicitVRLittleEndian,
                         RLELossless, JPEG2000Lossless, generate_uid, CTImageStorage)

ROOT = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(ROOT, "..", "crates", "volume-io", "tests", "fixtures")
sys.path.insert(0, os.path.join(ROOT, "..", "..", "shared", "reference"))
import grt123_ref as oracle  # noqa: E402

RNG = np.random.default_rng(123)


def slice_ds(arr, z, instance, series_uid, *, signed=True, bits_stored=16, slope=1.0,
             intercept=-1024.0, series_number=1, spacing=(0.7, 0.8), tsyntax=ExplicitVRLittleEndian):
    meta = FileMetaDataset()
    meta.MediaStorageSOPClassUID = CTImageStorage
    meta.MediaStorageSOPInstanceUID = generate_uid()
    meta.TransferSyntaxUID = tsyntax
    ds = Dataset()
    ds.file_meta = meta
    ds.SOPClassUID = CTImageStorage
    ds.SOPInstanceUID = meta.MediaStorageSOPInstanceUID
    ds.Modality = "CT"
    ds.PatientID = "SYNTH"
    ds.SeriesInstanceUID = series_uid
    ds.SeriesNumber = series_number
    ds.InstanceNumber = instance
    ds.ImagePositionPatient = [-10.5, 20.25, z]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.PixelSpacing = list(spacing)
    ds.SliceLocation = z
    ds.RescaleSlope = slope
    ds.RescaleIntercept = intercept
    ds.Rows, ds.Columns = arr.shape
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.BitsAllocated = 16
    ds.BitsStored = bits_stored
    ds.HighBit = bits_stored - 1
    ds.PixelRepresentation = 1 if signed else 0
    ds.PixelData = arr.astype(np.int16 if signed else np.uint16).tobytes()
    return ds


def write_series(folder, vols, zs, **kw):
    os.makedirs(folder, exist_ok=True)
    uid = kw.pop("series_uid", generate_uid())
    tsyntax = kw.get("tsyntax", ExplicitVRLittleEndian)
    instances = kw.pop("instances", list(range(1, len(zs) + 1)))
    names = kw.pop("names", None)
    for i, (arr, z) in enumerate(zip(vols, zs)):
        ds = slice_ds(arr, z, instances[i], uid, **{**kw, "tsyntax": ExplicitVRLittleEndian})
        if tsyntax in (RLELossless, JPEG2000Lossless):
            ds.compress(tsyntax, arr.astype(np.int16 if ds.PixelRepresentation else np.uint16))
        else:
            ds.file_meta.TransferSyntaxUID = tsyntax
        name = names[i] if names else "slice_%02d.dcm" % (len(zs) - i)  # file order != z order
        ds.save_as(os.path.join(folder, name), enforce_file_format=True)
    return uid


def expect_dicom(folder, files=None):
    src = folder
    if files is not None:
        src = folder + "_oracle_tmp"
        os.makedirs(src, exist_ok=True)
        for f in files:
            shutil.copy(f, src)
    img, spacing, origin, _ = oracle.load_dicom_series(src)
    if files is not None:
        shutil.rmtree(src)
    np.save(os.path.join(folder, "..", os.path.basename(folder) + ".expected.npy"), img)
    with open(os.path.join(folder, "..", os.path.basename(folder) + ".expected.json"), "w") as f:
        json.dump({"spacing": [float(s) for s in spacing], "origin": [float(o) for o in origin]}, f)


def main():
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    os.makedirs(OUT)
    shape = (6, 7)
    n = 4
    zs = [-30.0, -27.5, -25.0, -22.5][::-1]
    signed = [RNG.integers(-1200, 3000, shape) for _ in range(n)]
    unsigned = [RNG.integers(0, 4095, shape) for _ in range(n)]
    d = lambda name: os.path.join(OUT, name)  # noqa: E731

    write_series(d("explicit"), signed, zs)
    expect_dicom(d("explicit"))
    write_series(d("implicit_u12"), unsigned, zs, signed=False, bits_stored=12,
                 tsyntax=ImplicitVRLittleEndian)
    expect_dicom(d("implicit_u12"))
    write_series(d("deflate"), signed, zs, tsyntax=DeflatedExplicitVRLittleEndian)
    expect_dicom(d("deflate"))
    write_series(d("rle"), signed, zs, tsyntax=RLELossless)
    expect_dicom(d("rle"))
    try:
        big = [RNG.integers(0, 4095, (32, 32)) for _ in range(n)]
        write_series(d("j2k"), big, zs, signed=False, bits_stored=12, tsyntax=JPEG2000Lossless)
        expect_dicom(d("j2k"))
    except Exception as e:  # noqa: BLE001
        print("no JPEG 2000 fixture:", e)
        shutil.rmtree(d("j2k"), ignore_errors=True)
    # Fractional slope and intercept: float64 truncation, int16(intercept) truncation.
    write_series(d("slope"), signed, zs, slope=2.5, intercept=-1000.7)
    expect_dicom(d("slope"))
    # Uneven gaps: thickness from the first two.
    write_series(d("uneven"), signed, [0.0, 1.25, 5.0, 6.0])
    expect_dicom(d("uneven"))
    # Two passes over the same positions: grt123 keeps the first pass by InstanceNumber.
    dup = signed + unsigned
    write_series(d("duplicates"), dup, zs + zs, instances=[5, 6, 7, 8, 1, 2, 3, 4],
                 names=["d%02d.dcm" % i for i in (3, 1, 7, 5, 0, 2, 4, 6)])
    expect_dicom(d("duplicates"))
    # Two series in subfolders: 4 slices (chosen) and 3 slices.
    uid_a = write_series(d("two_series/a"), signed, zs, series_number=7)
    write_series(d("two_series/b"), unsigned[:3], zs[:3], series_number=2)
    files_a = sorted(os.path.join(d("two_series/a"), f) for f in os.listdir(d("two_series/a")))
    img, spacing, origin, _ = oracle.load_dicom_series(d("two_series/a"))
    np.save(d("two_series.expected.npy"), img)
    with open(d("two_series.expected.json"), "w") as f:
        json.dump({"spacing": [float(s) for s in spacing], "origin": [float(o) for o in origin],
                   "uid": uid_a}, f)
    del files_a
    # Slices of different sizes (an error).
    write_series(d("bad_sizes"), [signed[0], signed[1][:5]], [0.0, 1.0])

    # MetaImage and NRRD.
    import SimpleITK as sitk
    vol = RNG.integers(-1024, 2000, (3, 5, 4)).astype(np.int16)
    img = sitk.GetImageFromArray(vol)
    img.SetSpacing((0.5, 0.75, 2.5))
    img.SetOrigin((-100.0, 50.5, -300.25))
    sitk.WriteImage(img, d("small.mhd"))
    sitk.WriteImage(img, d("small.mha"))
    sitk.WriteImage(img, d("small_z.mhd"), useCompression=True)
    fimg = sitk.GetImageFromArray(vol.astype(np.float32) * 0.5)
    fimg.CopyInformation(img)
    sitk.WriteImage(fimg, d("small_float.mhd"))
    img.SetDirection((-1, 0, 0, 0, -1, 0, 0, 0, 1))
    sitk.WriteImage(img, d("small_flip.mhd"))
    import nrrd
    nrrd.write(d("small.nrrd"), vol.transpose(2, 1, 0).copy(order="C"),
               {"space": "left-posterior-superior",
                "space directions": np.diag([0.5, 0.75, 2.5]),
                "space origin": np.array([-100.0, 50.5, -300.25]), "encoding": "gzip",
                "endian": "little"}, index_order="F")
    for name in ("small.mhd", "small.mha", "small_z.mhd", "small_float.mhd", "small_flip.mhd",
                 "small.nrrd"):
        arr, spacing, origin, flip = oracle.load_metaimage(d(name))
        base = d(name.replace(".", "_"))
        np.save(base + ".expected.npy", arr)
        with open(base + ".expected.json", "w") as f:
            json.dump({"spacing": [float(s) for s in spacing], "origin": [float(o) for o in origin],
                       "flipped": bool(flip)}, f)

    import importlib.metadata as md
    versions = {p: md.version(p) for p in ("numpy", "pydicom", "SimpleITK", "pynrrd", "pylibjpeg",
                                           "pylibjpeg-openjpeg")}
    with open(d("versions.json"), "w") as f:
        json.dump(versions, f, indent=1)
    total = sum(os.path.getsize(os.path.join(r, f)) for r, _, fs in os.walk(OUT) for f in fs)
    print("fixtures: %d bytes in %s" % (total, os.path.abspath(OUT)))


if __name__ == "__main__":
    main()
