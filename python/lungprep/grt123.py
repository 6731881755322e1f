"""The Kaggle DSB2017 winner's (grt123) lung segmentation and preprocessing, bit-exact with
its Python code (``../shared/reference/grt123_ref.py`` is the oracle the tests compare with).
"""
from __future__ import annotations

import numpy as np

from . import _lungprep
from ._hu16 import as_int16_volume

__all__ = ["step1", "prep"]


def _spacing(spacing):
    s = np.asarray(spacing)
    if s.shape != (3,):
        raise ValueError(f"spacing must have 3 entries (z, y, x), got shape {s.shape}")
    # grt123's DICOM loader holds spacing as float32 and numpy then computes some products in
    # float32: the precision of the given array is reproduced.
    return [float(v) for v in s], s.dtype == np.float32


def step1(hu, spacing):
    """grt123's ``step1_python``: the two lung masks ``(m1, m2)`` (bool, the shape of ``hu``).

    Args:
        hu: int16 HU volume ``(z, y, x)`` (e.g. ``read_volume(p).hu``).
        spacing: ``(z, y, x)`` in mm; a float32 array reproduces grt123's DICOM precision
            (``read_volume(p).grt123_spacing`` gives exactly what grt123 uses).

    Raises:
        ValueError: no lung found, or invalid spacing (the message says which).
    """
    a = as_int16_volume("grt123.step1", hu)
    s, f32 = _spacing(spacing)
    return _lungprep.step1(a, s, f32)


def prep(hu, spacing, origin=None, isflip=False, annotations=None, preset="dsb"):
    """``step1`` then grt123's ``savenpy``: ``(clean, label, extendbox)``.

    Args:
        hu, spacing: as :func:`step1`.
        origin: world ``(z, y, x)`` of voxel 0 in mm (only used for ``annotations``;
            default 0).
        isflip: grt123's ``isflip`` (the array was flipped in y and x).
        annotations: rows ``(x, y, z, diameter)`` in world mm (LUNA16's columns).
        preset: ``"dsb"`` (hull ratio 2) or ``"luna"`` (1.5).

    Returns:
        ``clean``: uint8 ``(1, z, y, x)``, the 1 mm cropped volume as ``NAME_clean.npy``;
        ``label``: ``(n, 4)`` float64 rows ``(z, y, x, diameter)`` in ``clean``'s grid, or
        ``[[0, 0, 0, 0]]`` (int64) without annotations, as ``NAME_label.npy``;
        ``extendbox``: int64 ``(3, 2)`` crop box in the 1 mm grid.
    """
    a = as_int16_volume("grt123.prep", hu)
    s, f32 = _spacing(spacing)
    o = [0.0, 0.0, 0.0] if origin is None else [float(v) for v in np.asarray(origin)]
    if len(o) != 3:
        raise ValueError("origin must have 3 entries (z, y, x)")
    rows = [] if annotations is None else [[float(v) for v in r] for r in annotations]
    if any(len(r) != 4 for r in rows):
        raise ValueError("annotations rows must be (x, y, z, diameter_mm)")
    clean, label, box = _lungprep.prep(a, s, f32, o, bool(isflip), rows, str(preset))
    if not rows:
        label = np.array([[0, 0, 0, 0]])
    return clean[np.newaxis], label, np.array(box, dtype=np.int64)
