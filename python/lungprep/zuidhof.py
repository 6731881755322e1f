"""The Kaggle tutorial's lung mask (Guido Zuidhof's ``segment_lung_mask``), bit-exact."""
from __future__ import annotations

from . import _lungprep
from ._hu16 import as_int16_volume

__all__ = ["segment_lung_mask"]


def segment_lung_mask(image, fill_lung_structures=True):
    """``segment_lung_mask(image, fill_lung_structures)`` of the tutorial on an int16 HU
    volume ``(z, y, x)``: int8 mask, 1 = lung."""
    a = as_int16_volume("zuidhof.segment_lung_mask", image)
    return _lungprep.segment_lung_mask(a, bool(fill_lung_structures))
