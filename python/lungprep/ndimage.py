"""Drop-in replacements for ``scipy.ndimage`` (1.17): same signatures, dtypes and results.

Supported: ``label``, ``distance_transform_edt``, ``binary_dilation``, ``binary_erosion``,
``binary_fill_holes``, ``zoom``, ``gaussian_filter``, on arrays of rank 1 to 3. Arguments the
kernels do not implement (``output=`` arrays, non-zero ``origin``, ``axes`` other than all,
derivative orders, ...) raise ``NotImplementedError`` naming the argument.
"""
from __future__ import annotations

import numpy as np

from . import _lungprep
from ._args import as_bool, as_numeric, check_rank, per_axis, reject, unsupported

__all__ = [
    "label",
    "distance_transform_edt",
    "binary_dilation",
    "binary_erosion",
    "binary_fill_holes",
    "zoom",
    "gaussian_filter",
]


def _connectivity(func: str, structure, ndim: int) -> int:
    """The connectivity whose ``generate_binary_structure(ndim, c)`` is ``structure``."""
    if structure is None:
        return 1
    s = np.asarray(structure) != 0
    if s.ndim != ndim:
        raise RuntimeError("structure and input must have equal rank")
    if s.shape == (3,) * ndim:
        dist = np.abs(np.indices(s.shape) - 1).sum(0)
        for c in range(1, ndim + 1):
            if np.array_equal(s, dist <= c):
                return c
    raise unsupported(func, "structure", "only generate_binary_structure(ndim, c) shapes")


def _check_origin(func: str, origin) -> None:
    if np.any(np.asarray(origin) != 0):
        raise unsupported(func, "origin", "only origin=0")


def _check_axes(func: str, axes, ndim: int) -> None:
    if axes is not None:
        ax = sorted(int(a) % ndim for a in np.atleast_1d(axes))
        if ax != list(range(ndim)):
            raise unsupported(func, "axes", "only all axes")


def label(input, structure=None, output=None):
    """``scipy.ndimage.label``: ``(labels, num_features)``, labels int32 numbered in raster
    order of first appearance. ``structure`` must be ``generate_binary_structure(ndim, c)``
    (the default is ``c = 1``)."""
    reject("ndimage.label", output=output)
    a = as_bool("ndimage.label", input)
    if a.ndim == 0:
        a = a.reshape(1)
    check_rank("ndimage.label", a)
    c = _connectivity("ndimage.label", structure, a.ndim)
    lab, n = _lungprep.label(a, c)
    return lab.view(np.int32), n


def distance_transform_edt(input, sampling=None, return_distances=True, return_indices=False,
                           distances=None, indices=None):
    """``scipy.ndimage.distance_transform_edt``: exact Euclidean distance of every non-zero
    voxel to the nearest zero voxel (float64), and with ``return_indices`` the int32 index of
    that voxel, shaped ``(ndim,) + input.shape``."""
    reject("ndimage.distance_transform_edt", distances=distances, indices=indices)
    if not return_distances and not return_indices:
        raise RuntimeError("at least one of return_distances/return_indices must be True")
    a = np.atleast_1d(as_bool("ndimage.distance_transform_edt", input))
    check_rank("ndimage.distance_transform_edt", a)
    s = None if sampling is None else per_axis("ndimage.distance_transform_edt", "sampling",
                                              sampling, a.ndim)
    d, i = _lungprep.distance_transform_edt(a, s, bool(return_indices))
    if i is not None:
        i = i.astype(np.int32)
    if return_distances and return_indices:
        return d, i
    return d if return_distances else i


def _morph(func, input, structure, iterations, mask, output, border_value, origin, axes, erode):
    reject(func, output=output)
    _check_origin(func, origin)
    a = as_bool(func, input)
    check_rank(func, a)
    _check_axes(func, axes, a.ndim)
    st = None if structure is None else as_bool(func, structure)
    m = None if mask is None else as_bool(func, mask)
    it = int(iterations)
    return _lungprep.binary_morphology(a, st, max(it, 0), bool(border_value), m, erode)


def binary_dilation(input, structure=None, iterations=1, mask=None, output=None,
                    border_value=0, origin=0, brute_force=False, *, axes=None):
    """``scipy.ndimage.binary_dilation`` (bool result). ``iterations < 1`` repeats until the
    result stops changing; ``brute_force`` does not change the result and is accepted."""
    return _morph("ndimage.binary_dilation", input, structure, iterations, mask, output,
                  border_value, origin, axes, False)


def binary_erosion(input, structure=None, iterations=1, mask=None, output=None,
                   border_value=0, origin=0, brute_force=False, *, axes=None):
    """``scipy.ndimage.binary_erosion`` (bool result). ``iterations < 1`` repeats until the
    result stops changing; ``brute_force`` does not change the result and is accepted."""
    return _morph("ndimage.binary_erosion", input, structure, iterations, mask, output,
                  border_value, origin, axes, True)


def binary_fill_holes(input, structure=None, output=None, origin=0, *, axes=None):
    """``scipy.ndimage.binary_fill_holes`` (bool result)."""
    func = "ndimage.binary_fill_holes"
    reject(func, output=output)
    _check_origin(func, origin)
    a = as_bool(func, input)
    check_rank(func, a)
    _check_axes(func, axes, a.ndim)
    st = None if structure is None else as_bool(func, structure)
    return _lungprep.binary_fill_holes(a, st)


def _output_dtype(func: str, output, input_dtype):
    if output is None:
        return None
    if isinstance(output, np.ndarray):
        raise unsupported(func, "output", "pass a dtype, not an array")
    dt = np.dtype(output)
    if dt == input_dtype:
        return None
    return dt.name


def zoom(input, zoom, output=None, order=3, mode="constant", cval=0.0, prefilter=True, *,
         grid_mode=False):
    """``scipy.ndimage.zoom`` with spline ``order`` 0..5, every boundary ``mode``,
    ``prefilter`` and ``grid_mode``; ``output`` may be a dtype (rounded as scipy rounds)."""
    func = "ndimage.zoom"
    a = as_numeric(func, input)
    check_rank(func, a)
    if a.dtype == np.bool_:
        raise unsupported(func, "input", "dtype bool")
    factors = per_axis(func, "zoom", zoom, a.ndim)
    out = _output_dtype(func, output, a.dtype)
    if not isinstance(mode, str):
        raise unsupported(func, "mode", "one mode for all axes")
    return _lungprep.zoom(a, factors, int(order), mode, float(cval), bool(prefilter),
                          bool(grid_mode), out)


def gaussian_filter(input, sigma, order=0, output=None, mode="reflect", cval=0.0,
                    truncate=4.0, *, radius=None, axes=None):
    """``scipy.ndimage.gaussian_filter`` (smoothing, ``order=0``), in the input's dtype."""
    func = "ndimage.gaussian_filter"
    reject(func, radius=radius)
    if np.any(np.asarray(order) != 0):
        raise unsupported(func, "order", "only order=0 (no derivatives)")
    a = as_numeric(func, input)
    check_rank(func, a)
    _check_axes(func, axes, a.ndim)
    if output is not None and _output_dtype(func, output, a.dtype) is not None:
        raise unsupported(func, "output", "only the input's dtype")
    if not isinstance(mode, str):
        modes = set(mode)
        if len(modes) != 1:
            raise unsupported(func, "mode", "one mode for all axes")
        mode = modes.pop()
    sig = per_axis(func, "sigma", sigma, a.ndim)
    kernels = [_gaussian_kernel1d(s, truncate) if s > 1e-15 else None for s in sig]
    return _lungprep.gaussian_filter(a, sig, float(truncate), mode, float(cval), kernels)


def _gaussian_kernel1d(sigma: float, truncate: float) -> list:
    """scipy's ``_gaussian_kernel1d(sigma, 0, int(truncate * sigma + 0.5))``, computed with
    NumPy exactly as scipy computes it (NumPy's ``exp`` may differ from libm's by an ulp)."""
    radius = int(truncate * sigma + 0.5)
    if radius < 0:
        raise ValueError("Radius must be a nonnegative integer.")
    x = np.arange(-radius, radius + 1)
    phi_x = np.exp(-0.5 / (sigma * sigma) * x ** 2)
    return (phi_x / phi_x.sum()).tolist()
