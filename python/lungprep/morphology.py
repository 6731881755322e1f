"""Drop-in replacement for ``skimage.morphology.convex_hull_image`` (0.26), 2D."""
from __future__ import annotations

import numpy as np

from . import _lungprep
from ._args import as_bool, unsupported

__all__ = ["convex_hull_image"]


def convex_hull_image(image, offset_coordinates=True, tolerance=1e-10, include_borders=True):
    """``skimage.morphology.convex_hull_image`` on a 2D image (bool result, identical to
    scikit-image's with its default arguments)."""
    func = "morphology.convex_hull_image"
    if offset_coordinates is not True:
        raise unsupported(func, "offset_coordinates", "only True")
    if tolerance != 1e-10:
        raise unsupported(func, "tolerance", "only 1e-10")
    if include_borders is not True:
        raise unsupported(func, "include_borders", "only True")
    a = as_bool(func, image)
    if a.ndim != 2:
        raise unsupported(func, "image", f"{a.ndim}D; 2D only")
    return _lungprep.convex_hull_image(a)
