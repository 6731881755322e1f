"""Drop-in replacements for ``skimage.measure`` (0.26): ``label`` and ``regionprops``.

``regionprops`` computes label, area, bbox, centroid and eccentricity (2D) in one pass in
Rust; ``image``, ``image_convex`` and ``image_filled`` are computed on access. Any other
property raises ``NotImplementedError`` naming it.
"""
from __future__ import annotations

import numpy as np

from . import _lungprep
from ._args import as_numeric, check_rank, reject, unsupported

__all__ = ["label", "regionprops", "RegionProperties"]


def label(label_image, background=None, return_num=False, connectivity=None):
    """``skimage.measure.label``: connected regions of equal value, numbered in raster order;
    voxels equal to ``background`` (default 0) get 0. ``connectivity`` 1..ndim (default ndim).
    int32 labels for a bool input, int64 otherwise (as scikit-image)."""
    func = "measure.label"
    a = np.asarray(label_image)
    if a.dtype != np.bool_:
        a = as_numeric(func, a)
    check_rank(func, a)
    c = a.ndim if connectivity is None else int(connectivity)
    if not 1 <= c <= a.ndim:
        raise ValueError(f"Connectivity for {a.ndim}D image should be in [1, ..., {a.ndim}]. "
                         f"Got {c}.")
    bg = 0 if background is None else background
    # A background value the dtype cannot hold matches no voxel: everything is labeled.
    try:
        bgv = np.array(bg).astype(a.dtype)
        bg = bgv.item() if bgv == bg else None
    except (OverflowError, ValueError):
        bg = None
    # scikit-image 0.26 numbers a non-bool (z, y, 1) volume with y as the outer axis (its C code's
    # axis swap for a trailing singleton): reproduced by labeling the (y, z, 1) transpose.
    swap = a.dtype != np.bool_ and a.ndim == 3 and a.shape[2] == 1
    lab, n = _lungprep.label_values(a.transpose(1, 0, 2) if swap else a, bg, c)
    if swap:
        lab = lab.transpose(1, 0, 2)
    lab = lab.view(np.int32) if a.dtype == np.bool_ else lab.astype(np.int64)
    lab = np.ascontiguousarray(lab)
    return (lab, n) if return_num else lab


_ALIASES = {"convex_image": "image_convex", "filled_image": "image_filled",
            "bbox": "bbox", "centroid": "centroid", "area": "area", "label": "label",
            "eccentricity": "eccentricity", "image": "image", "image_convex": "image_convex",
            "image_filled": "image_filled", "slice": "slice"}


class RegionProperties:
    """One region of :func:`regionprops` (scikit-image's names and values)."""

    def __init__(self, row, labels):
        self.label, self._area, bbox, centroid, self._ecc = row
        nd = len(bbox)
        self.bbox = tuple(int(b[0]) for b in bbox) + tuple(int(b[1]) for b in bbox)
        self.centroid = tuple(np.float64(c) for c in centroid)
        self.slice = tuple(slice(int(b[0]), int(b[1])) for b in bbox)
        self._labels = labels
        self._ndim = nd

    @property
    def area(self):
        """Number of voxels (float64, as scikit-image with unit spacing)."""
        return np.float64(self._area)

    @property
    def eccentricity(self) -> float:
        """Eccentricity of the ellipse with the same second moments (2D only)."""
        if self._ecc is None:
            raise NotImplementedError("Property eccentricity is not implemented for 3D images")
        return float(self._ecc)

    @property
    def image(self) -> np.ndarray:
        """The region's mask inside its bounding box."""
        return self._labels[self.slice] == self.label

    @property
    def image_convex(self) -> np.ndarray:
        """Convex hull of :attr:`image` (2D, ``skimage.morphology.convex_hull_image``)."""
        if self._ndim != 2:
            raise unsupported("measure.regionprops", "image_convex", "2D only")
        return _lungprep.convex_hull_image(self.image)

    @property
    def image_filled(self) -> np.ndarray:
        """:attr:`image` with holes filled (full connectivity structure, as scikit-image)."""
        st = np.ones((3,) * self._ndim, dtype=bool)
        return _lungprep.binary_fill_holes(self.image, st)

    def __getitem__(self, key):
        if key not in _ALIASES:
            raise unsupported("measure.regionprops", key, "property not computed by lungprep")
        return getattr(self, _ALIASES[key])

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        raise unsupported("measure.regionprops", name, "property not computed by lungprep")


def regionprops(label_image, intensity_image=None, cache=True, *, extra_properties=None,
                spacing=None, offset=None):
    """``skimage.measure.regionprops`` for an integer label image: a list of
    :class:`RegionProperties`, sorted by label."""
    func = "measure.regionprops"
    reject(func, intensity_image=intensity_image, extra_properties=extra_properties,
           offset=offset)
    if spacing is not None and np.any(np.asarray(spacing) != 1):
        raise unsupported(func, "spacing", "unit spacing only")
    a = np.asarray(label_image)
    if a.dtype == np.bool_:
        raise TypeError("Non-integer label_image types are ambiguous")
    if not np.issubdtype(a.dtype, np.integer):
        raise TypeError("Non-integer image types are ambiguous")
    if a.ndim not in (2, 3):
        raise TypeError("Only 2-D and 3-D images supported.")
    if a.dtype == np.uint32:
        lab = a
    else:
        if a.size and (a.min() < 0 or a.max() > np.iinfo(np.uint32).max):
            raise unsupported(func, "label_image", "labels must be in 0..2**32-1")
        lab = a.astype(np.uint32)
    rows = _lungprep.regionprops(lab)
    return [RegionProperties(r, a) for r in rows]
