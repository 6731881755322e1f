#!/usr/bin/env python3
"""Generates the golden fixtures of crates/mesh/tests/fixtures from skimage.measure.marching_cubes.

usage: LUNGPREP_VENV=... bash -c 'source scripts/pyenv.sh && $PY scripts/golden_mesh.py'

Small synthetic volumes (about 1.5 MB in all) chosen to reach every Lewiner case, the
ambiguous sub-cases (random values straddling the level), exact ties (integers at an integer
level), several parallel slabs (40 layers), step sizes, both gradient directions, degenerate
face removal and spacing. `cargo test -p lungprep-mesh` reads them without Python.
"""
import json
import os

import numpy as np
import scipy
import scipy.ndimage as ndi
import skimage
from skimage import measure

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crates", "mesh", "tests",
                   "fixtures")


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(13)
    vols = {
        "rand": (rng.random((9, 10, 11)).astype(np.float32), 0.5),
        "ties": (rng.integers(0, 3, (8, 9, 70)).astype(np.int16), 1.0),
        "blob": (ndi.gaussian_filter(rng.standard_normal((40, 16, 18)), 2.0).astype(np.float32), 0.0),
        "u8": ((rng.random((12, 13, 14)) * 255).astype(np.uint8), 127.0),
    }
    for old in os.listdir(OUT):
        os.remove(os.path.join(OUT, old))
    runs = [
        ("rand", {}), ("ties", {}), ("blob", {}), ("u8", {}),
        ("blob", {"step_size": 2}), ("rand", {"step_size": 3}),
        ("blob", {"gradient_direction": "ascent"}),
        ("ties", {"allow_degenerate": False}),
        ("blob", {"spacing": (2.5, 0.7, 0.7)}),
        ("rand", {"level": None}),
    ]
    index = []
    for k, (name, kw) in enumerate(runs):
        vol, level = vols[name]
        kw = dict(kw)
        level = kw.pop("level", level)
        v, f, n, val = measure.marching_cubes(vol, level, **kw)
        case = f"case{k}"
        for key, a in (("verts", v.astype(np.float32)), ("faces", f.astype(np.int32)),
                       ("normals", n.astype(np.float32)), ("values", val.astype(np.float32))):
            np.save(os.path.join(OUT, f"{case}_{key}.npy"), a)
        index.append({"case": case, "input": name, "level": level, **kw})
    for name, (vol, _) in vols.items():
        np.save(os.path.join(OUT, f"in_{name}.npy"), vol)
    with open(os.path.join(OUT, "cases.json"), "w") as fh:
        json.dump(index, fh, indent=1)
    with open(os.path.join(OUT, "versions.json"), "w") as fh:
        json.dump({"numpy": np.__version__, "scipy": scipy.__version__,
                   "scikit-image": skimage.__version__}, fh)


if __name__ == "__main__":
    main()
