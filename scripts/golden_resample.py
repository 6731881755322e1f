#!/usr/bin/env python3
"""Golden fixtures for crates/resample/tests/golden.rs (scipy.ndimage on small synthetic
inputs). Writes crates/resample/tests/fixtures/{*.npy, manifest.txt, versions.json}.

manifest.txt, one case per line:
  zoom NAME IN OUT order mode cval prefilter grid f1,f2,..
  gauss NAME IN OUT truncate mode cval s1,s2,..
Run: LUNGPREP_VENV=... bash -c 'source scripts/pyenv.sh && $PY scripts/golden_resample.py'
"""
import json
import os
import warnings

import numpy as np
import scipy
from scipy import ndimage as ndi

warnings.simplefilter("ignore")
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "crates", "resample", "tests", "fixtures")
MODES = ["nearest", "reflect", "mirror", "constant", "wrap",
         "grid-constant", "grid-mirror", "grid-wrap"]


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(123)
    inputs = {
        "u8_3d": rng.integers(0, 256, (5, 6, 7)).astype(np.uint8),
        "i16_3d": rng.integers(-1200, 1200, (4, 7, 5)).astype(np.int16),
        "f32_2d": (rng.normal(size=(9, 8)) * 100).astype(np.float32),
        "f64_3d": rng.normal(size=(5, 4, 6)),
        "f64_1d": rng.normal(size=(9,)),
    }
    for k, v in inputs.items():
        np.save(os.path.join(OUT, f"in_{k}.npy"), v)
    lines = []
    n = 0
    for key, x in inputs.items():
        for order in range(6):
            for mode in MODES:
                f = [1.6, 0.7, 1.3][: x.ndim] if n % 2 == 0 else [0.6, 2.1, 0.9][: x.ndim]
                pre = not (order > 1 and n % 5 == 0)
                grid = n % 7 == 3
                name = f"zoom_{n:03d}"
                r = ndi.zoom(x, f, order=order, mode=mode, cval=1.5, prefilter=pre, grid_mode=grid)
                np.save(os.path.join(OUT, name + ".npy"), r)
                lines.append(f"zoom {name} in_{key}.npy {name}.npy {order} {mode} 1.5 "
                             f"{int(pre)} {int(grid)} {','.join(map(str, f))}")
                n += 1
    for key in ["f32_2d", "f64_3d", "u8_3d"]:
        x = inputs[key]
        for mode in MODES:
            for sigma, trunc in [(1.0, 2.0), (0.8, 4.0)]:
                name = f"gauss_{n:03d}"
                r = ndi.gaussian_filter(x, sigma, truncate=trunc, mode=mode, cval=2.0)
                np.save(os.path.join(OUT, name + ".npy"), r)
                lines.append(f"gauss {name} in_{key}.npy {name}.npy {trunc} {mode} 2.0 "
                             f"{','.join([str(sigma)] * x.ndim)}")
                n += 1
    with open(os.path.join(OUT, "manifest.txt"), "w") as fh:
        fh.write("\n".join(lines) + "\n")
    with open(os.path.join(OUT, "versions.json"), "w") as fh:
        json.dump({"scipy": scipy.__version__, "numpy": np.__version__,
                   "script": "scripts/golden_resample.py", "seed": 123}, fh, indent=1)
    print(f"{len(lines)} cases written to {OUT}")


if __name__ == "__main__":
    main()
