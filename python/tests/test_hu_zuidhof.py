"""lungprep.hu and lungprep.zuidhof against the oracles."""
import importlib.util

import numpy as np
import pytest

from lungprep import hu, zuidhof

from conftest import SHARED, rng, views


def seeds_ref():
    p = SHARED / "reference" / "seeds_ref.py"
    if not p.exists():
        pytest.skip(f"oracle {p} absent")
    spec = importlib.util.spec_from_file_location("seeds_ref", p)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("dtype", [np.int16, np.int32, np.float32, np.float64, np.uint16])
def test_lum_trans(dtype, oracle):
    r = rng(40)
    a = r.integers(-3000, 3000, (5, 6, 7))
    if dtype == np.uint16:
        a = np.abs(a)
    a = a.astype(dtype)
    for name, v in views(a):
        got = hu.lum_trans(v)
        want = oracle.lum_trans(v.copy())
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)


def test_normalize_zero_center():
    ref = seeds_ref()
    a = rng(41).integers(-3000, 3000, (4, 5, 6)).astype(np.int16)
    for name, v in views(a):
        got = hu.normalize(v)
        want = ref.normalize(v.copy())
        assert got.dtype == np.float32
        np.testing.assert_array_equal(got, want.astype(np.float32))
        zc = hu.zero_center(got)
        np.testing.assert_array_equal(zc, ref.zero_center(got.copy()))
        assert zc.dtype == np.float32


def test_segment_lung_mask_synthetic(oracle):
    # A body (soft tissue) in air with two dark lungs and a vessel inside one.
    z, y, x = np.indices((12, 40, 48))
    img = np.full((12, 40, 48), -1000, np.int16)
    img[((y - 20) ** 2 / 17 ** 2 + (x - 24) ** 2 / 21 ** 2) < 1] = 40
    img[((y - 20) ** 2 / 10 ** 2 + (x - 14) ** 2 / 6 ** 2) < 1] = -850
    img[((y - 20) ** 2 / 10 ** 2 + (x - 34) ** 2 / 6 ** 2) < 1] = -850
    img[:, 19:21, 13:15] = 60
    for fill in (True, False):
        for name, v in views(img)[:1] + [("rev", img[::-1])]:
            got = zuidhof.segment_lung_mask(v, fill)
            want = oracle.segment_lung_mask(v.copy(), fill)
            assert got.dtype == want.dtype == np.int8
            np.testing.assert_array_equal(got, want)


def test_non_int16_rejected():
    with pytest.raises(ValueError, match="int16"):
        zuidhof.segment_lung_mask(np.full((2, 2, 2), 1e6))
    with pytest.raises(TypeError, match="float32"):
        hu.zero_center(np.zeros(3))
