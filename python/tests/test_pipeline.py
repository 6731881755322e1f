"""read_volume, grt123.step1 / prep and zuidhof on the real scans, against the oracle."""
import threading
import time

import numpy as np
import pytest

import lungprep
from lungprep import grt123, zuidhof

from conftest import scan

SCANS = ["dicom/lung_dx_a0002/b70f", "mhd/lung1.mhd", "mhd/lung1_flipped.mhd",
         "nrrd/lung1.nrrd"]


@pytest.fixture(scope="module")
def loaded(oracle):
    cache = {}

    def get(rel):
        if rel not in cache:
            p = str(scan(rel))
            cache[rel] = (lungprep.read_volume(p), oracle.load_any(p))
        return cache[rel]
    return get


@pytest.mark.parametrize("rel", SCANS)
def test_read_volume(rel, loaded):
    vol, (image, spacing, origin, isflip) = loaded(rel)
    assert vol.hu.dtype == np.int16
    np.testing.assert_array_equal(vol.hu, image)
    assert vol.grt123_spacing.dtype == spacing.dtype
    np.testing.assert_array_equal(vol.grt123_spacing, spacing)
    np.testing.assert_array_equal(vol.grt123_origin, origin)
    assert vol.isflip == isflip
    assert len(vol.spacing) == 3 and vol.direction.shape == (3, 3)
    assert vol.info["format"] in ("Dicom", "MetaImage", "Nrrd")


def test_read_volume_errors(tmp_path):
    with pytest.raises(FileNotFoundError):
        lungprep.read_volume(tmp_path / "missing.mhd")
    bad = tmp_path / "bad.mhd"
    bad.write_text("NDims = 3\nDimSize = 2 2\n")
    with pytest.raises(ValueError, match="bad.mhd"):
        lungprep.read_volume(bad)
    with pytest.raises(OSError):
        lungprep.read_volume(tmp_path)  # a folder without DICOM files


def test_read_volume_series(oracle):
    parent = scan("dicom/lung_dx_a0002")
    uid = lungprep.read_volume(parent / "b40f").info["series_uid"]
    vol = lungprep.read_volume(parent, series=uid)
    np.testing.assert_array_equal(vol.hu, oracle.load_any(str(parent / "b40f"))[0])
    with pytest.raises(ValueError, match="not found"):
        lungprep.read_volume(parent, series="1.2.3")


@pytest.fixture(scope="module")
def oracle_masks(loaded, oracle):
    cache = {}

    def get(rel):
        if rel not in cache:
            _, (image, spacing, *_rest) = loaded(rel)
            cache[rel] = oracle.step1(image, spacing, {})
        return cache[rel]
    return get


PREP_CASES = [(SCANS[0], "dsb"), (SCANS[2], "luna")]


@pytest.mark.parametrize("rel", [c[0] for c in PREP_CASES])
def test_step1(rel, loaded, oracle_masks):
    vol, _ = loaded(rel)
    m1, m2 = grt123.step1(vol.hu, vol.grt123_spacing)
    w1, w2 = oracle_masks(rel)
    assert m1.dtype == w1.dtype == np.bool_
    np.testing.assert_array_equal(m1, w1)
    np.testing.assert_array_equal(m2, w2)


@pytest.mark.parametrize("rel,preset", PREP_CASES)
def test_prep(rel, preset, loaded, oracle, oracle_masks):
    vol, (image, spacing, origin, isflip) = loaded(rel)
    annos = [[-40.0, 30.0, -150.0, 8.0], [60.5, 10.25, -120.0, 12.0]]
    clean, label, box = grt123.prep(vol.hu, vol.grt123_spacing, origin=vol.grt123_origin,
                                    isflip=vol.isflip, annotations=annos, preset=preset)
    w1, w2 = oracle_masks(rel)
    ratio = 2.0 if preset == "dsb" else 1.5
    wc, wl, wb = oracle.prep(image, w1, w2, spacing, origin, isflip, annos, ratio, {})
    assert clean.dtype == wc.dtype and clean.shape == wc.shape
    np.testing.assert_array_equal(clean, wc)
    np.testing.assert_array_equal(box, wb)
    assert box.dtype == wb.dtype
    # Float label rows: the Rust parity's tolerance (1e-9).
    np.testing.assert_allclose(label[:, :3], wl[:, :3], rtol=0, atol=1e-9)
    if spacing.dtype == np.float32:
        # Known lungseg difference (reported): with grt123's float32 DICOM spacing the oracle
        # computes `diameter / spacing[1]` in float32 (NumPy 2 promotion); lungseg in float64.
        np.testing.assert_allclose(label[:, 3], wl[:, 3], rtol=2e-8, atol=0)
    else:
        np.testing.assert_allclose(label[:, 3], wl[:, 3], rtol=0, atol=1e-9)
    c2, l2, _ = grt123.prep(vol.hu, vol.grt123_spacing, preset=preset)
    np.testing.assert_array_equal(c2, wc)
    np.testing.assert_array_equal(l2, np.array([[0, 0, 0, 0]]))


def test_zuidhof_real(loaded, oracle):
    vol, (image, *_rest) = loaded(SCANS[0])
    np.testing.assert_array_equal(zuidhof.segment_lung_mask(vol.hu),
                                  oracle.segment_lung_mask(image))


def test_step1_errors():
    with pytest.raises(ValueError, match="spacing"):
        grt123.step1(np.zeros((4, 8, 8), np.int16), [0.0, 1.0, 1.0])
    with pytest.raises(ValueError):
        grt123.step1(np.full((4, 8, 8), 1000, np.int16), [1.0, 1.0, 1.0])  # no lung


def test_gil_released():
    """While a kernel runs in a worker thread, the main thread keeps executing Python."""
    from lungprep import ndimage
    m = np.random.default_rng(0).random((96, 256, 256)) < 0.5
    ndimage.distance_transform_edt(m)  # warm up
    t0 = time.perf_counter()
    ndimage.distance_transform_edt(m)
    single = time.perf_counter() - t0
    ticks = 0
    th = threading.Thread(target=lambda: [ndimage.distance_transform_edt(m) for _ in range(3)])
    th.start()
    while th.is_alive():
        ticks += 1
        time.sleep(0)
    th.join()
    # With the GIL held for the whole call the loop would run ~once per call.
    assert ticks > 100, (ticks, single)
