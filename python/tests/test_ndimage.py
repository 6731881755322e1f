"""lungprep.ndimage against scipy.ndimage 1.17 on random arrays."""
import warnings

import numpy as np
import pytest
import scipy.ndimage as ndi

import lungprep
from lungprep import ndimage as lp

from conftest import SHAPES, rng, views

warnings.filterwarnings("ignore")


def masks(seed, density=(0.2, 0.5, 0.8)):
    r = rng(seed)
    for shape in SHAPES:
        for d in density:
            yield shape, d, r.random(shape) < d


def same(got, want):
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    assert got.shape == want.shape
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("connectivity", [1, 2, 3])
def test_label(connectivity):
    for shape, d, m in masks(1):
        if connectivity > m.ndim:
            continue
        st = ndi.generate_binary_structure(m.ndim, connectivity)
        for name, v in views(m):
            got, n = lp.label(v, st if connectivity > 1 else None)
            want, wn = ndi.label(v, st)
            assert n == wn, (shape, d, name)
            same(got, want)


def test_label_non_bool_input():
    a = rng(2).integers(0, 3, (8, 9, 10)).astype(np.int16)
    got, n = lp.label(a)
    want, wn = ndi.label(a)
    assert n == wn
    same(got, want)


@pytest.mark.parametrize("sampling", [None, 0.7, "aniso"])
def test_distance_transform_edt(sampling):
    for shape, d, m in masks(3):
        s = [2.5, 0.7, 1.3][: m.ndim] if sampling == "aniso" else sampling
        for name, v in views(m):
            got = lp.distance_transform_edt(v, sampling=s)
            want = ndi.distance_transform_edt(v, sampling=s)
            assert got.dtype == want.dtype and got.shape == want.shape
            # The Rust parity criterion for the EDT: within 1e-9.
            np.testing.assert_allclose(got, want, rtol=0, atol=1e-9, err_msg=str((shape, name)))


def test_distance_transform_edt_indices():
    for shape, d, m in masks(4, (0.5, 0.9)):
        if m.all():
            continue  # scipy's indices are undefined without a background voxel
        gd, gi = lp.distance_transform_edt(m, return_indices=True)
        wd, wi = ndi.distance_transform_edt(m, return_indices=True)
        np.testing.assert_allclose(gd, wd, rtol=0, atol=1e-9)
        # Ties between equidistant background voxels may pick another one; the picked voxel
        # must be background at the same distance.
        assert gi.dtype == wi.dtype and gi.shape == wi.shape
        picked = m[tuple(gi)]
        assert not picked.any()
        dist = np.sqrt(sum((gi[k] - np.indices(m.shape)[k]) ** 2.0 for k in range(m.ndim)))
        np.testing.assert_allclose(dist, wd, rtol=0, atol=1e-9)
        only_i = lp.distance_transform_edt(m, return_distances=False, return_indices=True)
        same(only_i, gi)


@pytest.mark.parametrize("func", ["binary_dilation", "binary_erosion"])
@pytest.mark.parametrize("iterations", [1, 3, 0])
@pytest.mark.parametrize("border_value", [0, 1])
def test_binary_morphology(func, iterations, border_value):
    r = rng(5)
    for shape, d, m in masks(6, (0.3, 0.7)):
        for c in range(1, m.ndim + 1):
            st = ndi.generate_binary_structure(m.ndim, c)
            for name, v in views(m)[:2]:
                got = getattr(lp, func)(v, st, iterations=iterations, border_value=border_value)
                want = getattr(ndi, func)(v, st, iterations=iterations,
                                          border_value=border_value)
                same(got, want)
        # A random (odd-sized) structure and a mask.
        st = r.random((3,) * m.ndim) < 0.6
        st[(1,) * m.ndim] = True
        mask = r.random(m.shape) < 0.7
        got = getattr(lp, func)(m, st, iterations=iterations, mask=mask,
                                border_value=border_value)
        want = getattr(ndi, func)(m, st, iterations=iterations, mask=mask,
                                  border_value=border_value)
        same(got, want)


def test_binary_fill_holes():
    for shape, d, m in masks(7):
        for name, v in views(m):
            same(lp.binary_fill_holes(v), ndi.binary_fill_holes(v))
        full = np.ones((3,) * m.ndim, bool)
        same(lp.binary_fill_holes(m, full), ndi.binary_fill_holes(m, full))


DTYPES = [np.uint8, np.int16, np.uint16, np.int32, np.float32, np.float64]


def rand(dtype, shape, seed):
    r = rng(seed)
    if np.issubdtype(dtype, np.floating):
        return (r.standard_normal(shape) * 300).astype(dtype)
    info = np.iinfo(dtype)
    lo, hi = max(info.min, -2000), min(info.max, 3000)
    return r.integers(lo, hi, shape, endpoint=True).astype(dtype)


def close(got, want):
    assert got.dtype == want.dtype and got.shape == want.shape
    if want.dtype == np.float64:
        # The Rust parity criterion for float64 splines: <= 1e-9 relative.
        np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-300)
    else:
        np.testing.assert_array_equal(got, want)


ZOOM_SHAPES = [(1, 6, 7), (5, 1, 4), (6, 7, 8), (9, 10), (1, 5), (12,)]


@pytest.mark.parametrize("order", [0, 1, 2, 3, 4, 5])
@pytest.mark.parametrize("dtype", DTYPES)
def test_zoom(order, dtype):
    modes = ["constant", "nearest", "reflect", "mirror", "wrap", "grid-constant",
             "grid-wrap", "grid-mirror"]
    for i, shape in enumerate(ZOOM_SHAPES):
        a = rand(dtype, shape, i)
        f = [1.7, 0.6, 2.3][: a.ndim]
        mode = modes[(i + order) % len(modes)]
        for name, v in views(a)[:2]:
            for grid in (False, True):
                kw = dict(order=order, mode=mode, cval=-3.5, grid_mode=grid)
                close(lp.zoom(v, f, **kw), ndi.zoom(v, f, **kw))
        kw = dict(order=order, prefilter=False, mode="nearest")
        close(lp.zoom(a, 0.5, **kw), ndi.zoom(a, 0.5, **kw))


@pytest.mark.parametrize("output", [np.uint8, np.int16, np.float32, np.float64])
def test_zoom_output_dtype(output):
    a = rand(np.float32, (5, 6, 7), 11)
    for order in (0, 1, 3):
        close(lp.zoom(a, 1.4, output=output, order=order, mode="nearest"),
              ndi.zoom(a, 1.4, output=output, order=order, mode="nearest"))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("mode", ["reflect", "nearest", "mirror", "constant", "wrap"])
def test_gaussian_filter(dtype, mode):
    for i, shape in enumerate(SHAPES):
        a = rand(dtype, shape, 20 + i)
        for name, v in views(a)[:2]:
            for sigma, truncate in ((1.0, 4.0), (0.8, 2.0), ([2.0, 0.0, 1.0][: a.ndim], 3.0)):
                close(lp.gaussian_filter(v, sigma, mode=mode, cval=7.0, truncate=truncate),
                      ndi.gaussian_filter(v, sigma, mode=mode, cval=7.0, truncate=truncate))


def test_unsupported_arguments_raise():
    m = np.zeros((4, 5), bool)
    with pytest.raises(NotImplementedError, match="origin"):
        lp.binary_dilation(m, origin=1)
    with pytest.raises(NotImplementedError, match="output"):
        lp.label(m, output=np.zeros((4, 5), np.int32))
    with pytest.raises(NotImplementedError, match="structure"):
        lp.label(m, np.ones((3, 5), bool))
    with pytest.raises(NotImplementedError, match="order"):
        lp.gaussian_filter(m.astype(np.float32), 1.0, order=1)
    with pytest.raises(NotImplementedError, match="axes"):
        lp.binary_erosion(m, axes=(0,))
    with pytest.raises(NotImplementedError, match="distances"):
        lp.distance_transform_edt(m, distances=np.zeros((4, 5)))
    with pytest.raises(NotImplementedError, match="input"):
        lp.zoom(m.astype(np.complex64), 2)
    with pytest.raises(NotImplementedError, match="input"):
        lp.label(np.zeros((2, 2, 2, 2), bool))


def test_errors_are_value_errors_with_the_rust_message():
    with pytest.raises(ValueError, match="spline order 7"):
        lp.zoom(np.zeros((4, 4), np.float32), 2, order=7)
    with pytest.raises(ValueError, match="zoom"):
        lp.zoom(np.zeros((4, 4), np.float32), [2, 2, 2])
    with pytest.raises(ValueError):
        lp.zoom(np.zeros((4, 4), np.float32), 2, mode="bogus")


def test_contiguous_bool_input_is_not_copied():
    """The binding borrows the caller's buffer: a bool C array reaches Rust as-is (the
    Python layer returns the same object)."""
    from lungprep._args import as_bool
    m = np.zeros((4, 5), bool)
    assert as_bool("t", m) is m
    v = m[:, ::2]
    assert as_bool("t", v) is v  # strided views are read in place too


def test_version():
    assert lungprep.__version__
