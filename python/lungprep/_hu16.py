"""int16 HU input for the pipeline functions."""
from __future__ import annotations

import numpy as np


def as_int16_volume(func: str, image) -> np.ndarray:
    """The image as a 3D int16 array: no copy for int16; other integer (or integral float)
    dtypes only when every value fits exactly, as the CLI reads a ``.npy``."""
    a = np.asarray(image)
    if a.ndim != 3:
        raise ValueError(f"lungprep.{func}: expected a 3D (z, y, x) volume, got shape {a.shape}")
    if a.dtype == np.int16:
        return a
    if a.dtype == np.bool_ or not (np.issubdtype(a.dtype, np.integer)
                                   or np.issubdtype(a.dtype, np.floating)):
        raise TypeError(f"lungprep.{func}: unsupported dtype {a.dtype} (expected int16 HU)")
    b = a.astype(np.int16)
    if not np.array_equal(b, a):
        raise ValueError(f"lungprep.{func}: values of dtype {a.dtype} are not exact int16 HU")
    return b
