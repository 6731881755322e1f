"""lungprep.measure / lungprep.morphology against scikit-image 0.26."""
import numpy as np
import pytest
from skimage import measure as skm
from skimage.morphology import convex_hull_image as sk_hull

from lungprep import measure, morphology

from conftest import SHAPES, rng, views


@pytest.mark.parametrize("dtype", [np.bool_, np.uint8, np.int16, np.int32, np.int64,
                                   np.float32])
def test_label(dtype):
    r = rng(30)
    for shape in SHAPES:
        a = (r.integers(0, 3, shape) * (r.random(shape) < 0.6)).astype(dtype)
        for name, v in views(a):
            for c in [None] + list(range(1, a.ndim + 1)):
                for bg in (None, 0, 1, 2):
                    if dtype == np.bool_ and bg == 2:
                        continue
                    got, n = measure.label(v, background=bg, connectivity=c, return_num=True)
                    want, wn = skm.label(v, background=bg, connectivity=c, return_num=True)
                    assert n == wn and got.dtype == want.dtype, (shape, name, c, bg)
                    np.testing.assert_array_equal(got, want)
    assert measure.label(np.ones((3, 3), np.uint8), background=-1).max() == 1


def regions_equal(got, want):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert g.label == w.label
        assert g.area == w.area and type(g.area) is type(w.area)
        assert g.bbox == w.bbox
        assert g.centroid == w.centroid
        np.testing.assert_array_equal(g.image, w.image)
        np.testing.assert_array_equal(g.image_filled, w.image_filled)
        if g.image.ndim == 2:
            # The Rust parity criterion for eccentricity: within 1e-9.
            assert abs(g.eccentricity - w.eccentricity) <= 1e-9
            np.testing.assert_array_equal(g.image_convex, w.image_convex)
            np.testing.assert_array_equal(g["convex_image"], w.image_convex)


def test_regionprops():
    r = rng(31)
    for shape in [s for s in SHAPES if len(s) > 1] + [(40, 50), (20, 30, 25)]:
        m = r.random(shape) < 0.45
        lab = skm.label(m)
        for name, v in views(lab)[:2]:
            regions_equal(measure.regionprops(v), skm.regionprops(v))
        lab32 = lab.astype(np.int32)
        regions_equal(measure.regionprops(lab32), skm.regionprops(lab32))


def test_regionprops_unsupported():
    lab = np.zeros((4, 4), np.int64)
    lab[1, 1] = 1
    reg = measure.regionprops(lab)[0]
    with pytest.raises(NotImplementedError, match="perimeter"):
        reg.perimeter
    with pytest.raises(NotImplementedError, match="intensity_image"):
        measure.regionprops(lab, intensity_image=lab)
    with pytest.raises(NotImplementedError, match="eccentricity"):
        measure.regionprops(lab[None])[0].eccentricity
    with pytest.raises(TypeError):
        measure.regionprops(lab.astype(np.float32))


def test_convex_hull_image():
    r = rng(32)
    for shape in [(1, 1), (1, 9), (7, 1), (13, 11), (64, 80)]:
        for d in (0.0, 0.01, 0.1, 0.5):
            img = r.random(shape) < d
            for name, v in views(img):
                np.testing.assert_array_equal(morphology.convex_hull_image(v), sk_hull(v))
    with pytest.raises(NotImplementedError, match="image"):
        morphology.convex_hull_image(np.ones((2, 2, 2), bool))
    with pytest.raises(NotImplementedError, match="include_borders"):
        morphology.convex_hull_image(np.ones((2, 2), bool), include_borders=False)
