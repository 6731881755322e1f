"""HU transforms of grt123 and the Kaggle tutorial (any numeric dtype, any shape)."""
from __future__ import annotations

import numpy as np

from . import _lungprep
from ._args import as_numeric

__all__ = ["lum_trans", "normalize", "zero_center", "PIXEL_MEAN"]

PIXEL_MEAN = 0.25


def lum_trans(img):
    """grt123's ``lum_trans``: the lung window ``[-1200, 600]`` HU to uint8 (float64 math,
    clip, ``* 255``, truncate)."""
    return _lungprep.lum_trans(as_numeric("hu.lum_trans", img))


def normalize(image):
    """The tutorial's ``normalize``: ``(x + 1000) / 1400`` clipped to ``[0, 1]``, computed in
    float64 and returned as float32 (the tutorial's float64 result cast to float32)."""
    return _lungprep.normalize(as_numeric("hu.normalize", image))


def zero_center(image):
    """The tutorial's ``zero_center``: ``image - 0.25`` in float32 (float32 result)."""
    a = np.asarray(image)
    if a.dtype != np.float32:
        raise TypeError(f"lungprep.hu.zero_center: expected float32 (normalize's output), "
                        f"got {a.dtype}")
    return _lungprep.zero_center(a)
