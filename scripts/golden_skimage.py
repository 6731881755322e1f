#!/usr/bin/env python3
"""Golden .npy fixtures of crates/morph3d/tests/fixtures/skimage from scikit-image 0.26.

usage: LUNGPREP_VENV=... bash -c 'source scripts/pyenv.sh && $PY scripts/golden_skimage.py'

Footprints (disk, ball, strict and not), binary_erosion / dilation / opening / closing in the
three modes with odd, even and asymmetric footprints, clear_border (bool and int labels, buffer
0 and 2) and roberts (bool and float64), on small synthetic 2-D and 3-D inputs (~300 KB).
"""
import json
import os
import warnings

import numpy as np
import scipy.ndimage as ndi
import skimage
from skimage.filters import roberts
from skimage.morphology import (ball, binary_closing, binary_dilation, binary_erosion,
                                binary_opening, disk)
from skimage.segmentation import clear_border

warnings.filterwarnings("ignore")
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crates", "morph3d",
                   "tests", "fixtures", "skimage")
OPS = {"erosion": binary_erosion, "dilation": binary_dilation, "opening": binary_opening,
       "closing": binary_closing}


def save(name, arr):
    np.save(os.path.join(OUT, name + ".npy"), arr)


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(13)
    for r in (0, 1, 2, 3, 5, 10):
        for strict in (True, False):
            save(f"disk_r{r}_{int(strict)}", disk(r, strict_radius=strict).astype(bool))
    for r in (1, 2, 3):
        for strict in (True, False):
            save(f"ball_r{r}_{int(strict)}", ball(r, strict_radius=strict).astype(bool))
    b2 = ndi.gaussian_filter(rng.standard_normal((48, 40)), 2.0) > 0.0
    n2 = rng.random((23, 19)) < 0.5
    b3 = ndi.gaussian_filter(rng.standard_normal((9, 20, 18)), 1.5) > 0.0
    fps2 = {"disk2": disk(2), "disk10": disk(10), "even": np.array([[0, 1], [1, 1], [1, 0]]),
            "asym": np.array([[1, 1, 0], [0, 1, 0], [0, 0, 1]]), "empty": np.zeros((3, 3))}
    fps3 = {"ball2": ball(2), "even3": np.ones((2, 3, 2))}
    for fname, fp in {**fps2, **fps3}.items():
        save(f"fp_{fname}", fp.astype(bool))
    for iname, img, fps in (("b2", b2, fps2), ("n2", n2, fps2), ("b3", b3, fps3)):
        save(f"in_{iname}", img)
        for fname, fp in fps.items():
            for op, f in OPS.items():
                for mode in ("ignore", "max", "min"):
                    save(f"{op}_{iname}_{fname}_{mode}", f(img, fp.astype(bool), mode=mode))
    # clear_border: bool and integer labels.
    lab = rng.integers(0, 4, (21, 25)).astype(np.int32) * (rng.random((21, 25)) < 0.6)
    save("in_lab2", lab.astype(np.int32))
    for iname, img in (("b2", b2), ("n2", n2), ("b3", b3), ("lab2", lab.astype(np.int32))):
        for buf in (0, 2):
            save(f"clear_{iname}_buf{buf}", clear_border(img, buffer_size=buf))
    save("clear_lab2_bg7", clear_border(lab.astype(np.int32), bgval=7))
    f2 = rng.standard_normal((17, 14))
    save("in_f2", f2)
    save("roberts_f2", roberts(f2))
    save("roberts_b2", roberts(b2))
    with open(os.path.join(OUT, "versions.json"), "w") as f:
        json.dump({"numpy": np.__version__, "skimage": skimage.__version__}, f)


if __name__ == "__main__":
    main()
