#!/usr/bin/env python3
"""Generates the golden .npy fixtures of crates/morph3d/tests/fixtures from scipy / skimage.

usage: LUNGPREP_VENV=... bash -c 'source scripts/pyenv.sh && $PY scripts/golden_morph3d.py'

Small synthetic inputs only (total well under 2 MB); `cargo test -p lungprep-morph3d` reads them without
Python. Library versions are written to fixtures/versions.json.
"""
import json
import os
import warnings

import numpy as np
import scipy
import scipy.ndimage as ndi
import skimage
from skimage.measure import label as sk_label, regionprops
from skimage.morphology import convex_hull_image

warnings.filterwarnings("ignore")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crates", "morph3d",
                   "tests", "fixtures")


def save(name, arr):
    np.save(os.path.join(OUT, name + ".npy"), arr)


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(2017)
    # Inputs: a random 3D volume, a blobby 3D volume, a random 2D image, a blobby 2D image.
    v3 = rng.random((9, 11, 13)) < 0.55
    b3 = ndi.gaussian_filter(rng.standard_normal((10, 24, 28)), 2.0) > 0.02
    v2 = rng.random((31, 29)) < 0.45
    b2 = ndi.gaussian_filter(rng.standard_normal((64, 56)), 3.0) > 0.01
    for name, a in (("v3", v3), ("b3", b3), ("v2", v2), ("b2", b2)):
        save(f"in_{name}", a)
        for c in range(1, a.ndim + 1):
            s = ndi.generate_binary_structure(a.ndim, c)
            save(f"label_{name}_c{c}", ndi.label(a, s)[0].astype(np.int32))
            for it in (1, 3, 0):
                save(f"dilate_{name}_c{c}_i{it}", ndi.binary_dilation(a, s, iterations=it))
                save(f"erode_{name}_c{c}_i{it}", ndi.binary_erosion(a, s, iterations=it))
            save(f"erode_{name}_c{c}_border1", ndi.binary_erosion(a, s, border_value=1))
            save(f"dilate_{name}_c{c}_border1", ndi.binary_dilation(a, s, border_value=1))
            save(f"fill_{name}_c{c}", ndi.binary_fill_holes(a, s))
        samp = [2.5, 0.7, 0.9][-a.ndim:]
        save(f"edt_{name}_unit", ndi.distance_transform_edt(a))
        save(f"edt_{name}_aniso", ndi.distance_transform_edt(a, sampling=samp))
    # Masked iterations and an asymmetric structure (dilation reflects it).
    mask3 = rng.random(b3.shape) < 0.8
    save("mask_b3", mask3)
    save("dilate_b3_mask_i4", ndi.binary_dilation(b3, iterations=4, mask=mask3))
    save("erode_b3_mask_i4", ndi.binary_erosion(b3, iterations=4, mask=mask3))
    asym = np.array([[0, 1, 0], [0, 1, 1], [0, 0, 0]], bool)
    save("asym", asym)
    save("dilate_b2_asym_i2", ndi.binary_dilation(b2, asym, iterations=2))
    save("erode_b2_asym_i2", ndi.binary_erosion(b2, asym, iterations=2))
    save("iter_c1_3", ndi.iterate_structure(ndi.generate_binary_structure(3, 1), 3))
    save("iter_c2_2", ndi.iterate_structure(ndi.generate_binary_structure(2, 2), 2))
    # skimage value labeling: 2D image with values 0..3, background 0; 3D 1/2 volume.
    vals2 = rng.integers(0, 4, (25, 27)).astype(np.int32)
    save("in_vals2", vals2)
    for c in (1, 2):
        save(f"labelv_vals2_c{c}", sk_label(vals2, connectivity=c).astype(np.int32))
    vals3 = (rng.random((8, 10, 12)) < 0.5).astype(np.int8) + 1
    save("in_vals3", vals3)
    save("labelv_vals3_c3", sk_label(vals3).astype(np.int32))
    # Convex hulls and regionprops of the 2D labelings.
    for name, a in (("v2", v2), ("b2", b2)):
        save(f"hull_{name}", convex_hull_image(a))
        lab = sk_label(a, connectivity=2)
        rows = []
        for p in regionprops(lab):
            rows.append([p.label, p.area, *p.bbox, *p.centroid, p.eccentricity,
                         *p.inertia_tensor_eigvals])
        save(f"props_{name}", np.array(rows, dtype=np.float64))
        # image_convex / image_filled of the largest region.
        big = max(regionprops(lab), key=lambda p: p.area)
        save(f"props_{name}_big_label", np.array([big.label], np.int32))
        save(f"props_{name}_big_convex", big.image_convex)
        save(f"props_{name}_big_filled", big.image_filled)
    with open(os.path.join(OUT, "versions.json"), "w") as f:
        json.dump({"numpy": np.__version__, "scipy": scipy.__version__,
                   "scikit-image": skimage.__version__,
                   "generator": "scripts/golden_morph3d.py"}, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
