#!/usr/bin/env bash
# Makes the fuzz seed corpora (fuzz/seeds/<target>/, a few KB each) from small cuts of the real
# scans in ../shared/data (or $LUNGPREP_DATA): 16x16 crops of real slices keep the real headers.
# Needs the Python venv ($LUNGPREP_VENV, default /work/venv) with numpy, pydicom, nibabel.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
data="${LUNGPREP_DATA:-$here/../shared/data}"
py="${LUNGPREP_VENV:-/work/venv}/bin/python"
if [ ! -d "$data" ]; then echo "fuzz_seeds.sh: no data folder $data: nothing to do"; exit 0; fi
out="$here/fuzz/seeds"
rm -rf "$out"
mkdir -p "$out"/{mha,nrrd,nifti,npy,dicom}
"$py" - "$data" "$out" <<'PY'
import gzip, io, sys, zlib, pathlib
import numpy as np
import pydicom, nibabel as nib
from pydicom.uid import RLELossless, ExplicitVRLittleEndian, ImplicitVRLittleEndian

data, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
raw = np.fromfile(data / "mhd/lung1.raw", dtype="<i2").reshape(-1, 512, 512)
cut = np.ascontiguousarray(raw[20:22, 250:266, 200:216])  # (z, y, x) = 2 x 16 x 16

# MetaImage: the real header with the cut's size, data LOCAL (raw, zlib) and HeaderSize -1.
hdr = (data / "mhd/lung1.mhd").read_text().splitlines()
def mha(extra, payload):
    lines = [l for l in hdr if not l.startswith(("DimSize", "ElementDataFile", "CompressedData"))]
    text = "\n".join(lines + extra + ["DimSize = 16 16 2", "ElementDataFile = LOCAL"]) + "\n"
    return text.encode() + payload
(out / "mha/raw.mha").write_bytes(mha([], cut.tobytes()))
z = zlib.compress(cut.tobytes())
(out / "mha/zlib.mha").write_bytes(mha(["CompressedData = True", f"CompressedDataSize = {len(z)}"], z))
(out / "mha/skip.mha").write_bytes(mha(["HeaderSize = -1"], b"junk" + cut.tobytes()))
flip = (data / "mhd/lung1_flipped.mhd").read_text().splitlines()
tm = [l for l in flip if l.startswith("TransformMatrix")]
(out / "mha/flipped.mha").write_bytes(mha(tm, cut.astype("<f4").tobytes()).replace(b"MET_SHORT", b"MET_FLOAT"))

# NRRD: the real header (first lines of lung1.nrrd) with the cut's size, gzip and raw.
with open(data / "nrrd/lung1.nrrd", "rb") as f:
    head = f.read(4096).split(b"\n\n")[0].decode("latin1").splitlines()
def nrrd(enc, payload, extra=()):
    lines = [l for l in head if not l.startswith(("sizes", "encoding"))]
    return ("\n".join(lines + ["sizes: 16 16 2", f"encoding: {enc}", *extra]) + "\n\n").encode() + payload
(out / "nrrd/gzip.nrrd").write_bytes(nrrd("gzip", gzip.compress(cut.tobytes())))
(out / "nrrd/raw.nrrd").write_bytes(nrrd("raw", cut.tobytes()))
(out / "nrrd/skips.nrrd").write_bytes(nrrd("raw", b"line\n" + b"xx" + cut.tobytes(), ["line skip: 1", "byte skip: 2"]))

# NIfTI: the cut, plain and gzip (written by nibabel, as users' files are).
img = nib.Nifti1Image(cut.transpose(2, 1, 0), np.diag([0.57, 0.57, 5.0, 1.0]))
bio = io.BytesIO(); img.to_file_map({"image": nib.FileHolder(fileobj=bio), "header": nib.FileHolder(fileobj=bio)})
(out / "nifti/cut.nii").write_bytes(bio.getvalue())
(out / "nifti/cut.nii.gz").write_bytes(gzip.compress(bio.getvalue()))

# npy: C and Fortran order, several dtypes, a bool mask.
def npy(name, a, fortran=False):
    buf = io.BytesIO()
    np.save(buf, np.asfortranarray(a) if fortran else a)
    (out / "npy" / name).write_bytes(buf.getvalue())
npy("i2.npy", cut); npy("f4_fortran.npy", cut.astype("<f4"), True)
npy("bool_fortran.npy", cut > -500, True); npy("u1_4d.npy", (cut > 0).astype("u1")[None])
npy("f8_be.npy", cut.astype(">f8")[:1])

# DICOM: real slices cropped to 16 x 16, in several transfer syntaxes.
def crop(path, name, ts=None):
    ds = pydicom.dcmread(path)
    a = ds.pixel_array[100:116, 100:116].copy()
    ds.Rows, ds.Columns = a.shape
    ds.PixelData = a.tobytes()
    if ts == RLELossless:
        ds.compress(RLELossless, a, encoding_plugin="pydicom")
    elif ts is not None:
        ds.file_meta.TransferSyntaxUID = ts
        pydicom.dcmwrite(out / "dicom" / name, ds, implicit_vr=True, little_endian=True,
                         enforce_file_format=True)
        return
    ds.save_as(out / "dicom" / name, enforce_file_format=True)
slab = sorted((data / "dicom/lidc_slab_0001").rglob("*.dcm"))[0]
crop(slab, "lidc.dcm")
crop(slab, "lidc_implicit.dcm", ImplicitVRLittleEndian)
crop(slab, "lidc_rle.dcm", RLELossless)
crop(sorted((data / "dicom/dsb2017").rglob("*.dcm"))[0], "dsb.dcm")
j2k = data / "dicom/compressed_slices/JPEG2000/693_J2KI.dcm"
(out / "dicom/j2k.dcm").write_bytes(j2k.read_bytes())
PY
du -sh "$out"; ls -la "$out"/*
