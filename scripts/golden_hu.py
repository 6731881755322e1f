#!/usr/bin/env python3
"""Golden fixtures for the `hu` crate: numpy's own results for grt123's `lum_trans`, the
tutorial's `normalize` / `zero_center`, and `get_pixels_hu`'s slope/intercept arithmetic, on
synthetic int16 inputs. Writes crates/hu/tests/fixtures/*.npy (+ versions.json).

    LUNGPREP_VENV=... bash -c 'source scripts/pyenv.sh; $PY scripts/golden_hu.py'
"""
import json
import os

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, 'crates', 'hu', 'tests', 'fixtures')


def lum_trans(img):  # grt123 prep/savenpy
    lungwin = np.array([-1200., 600.])
    newimg = (img - lungwin[0]) / (lungwin[1] - lungwin[0])
    newimg[newimg < 0] = 0
    newimg[newimg > 1] = 1
    return (newimg * 255).astype('uint8')


def normalize(image):  # Zuidhof's tutorial
    image = (image - -1000.0) / (400.0 - -1000.0)
    image[image > 1] = 1.
    image[image < 0] = 0.
    return image


def get_pixels_hu(stack, slopes, intercepts):  # grt123, per slice
    image = stack.astype(np.int16)
    for n in range(image.shape[0]):
        if slopes[n] != 1:
            image[n] = slopes[n] * image[n].astype(np.float64)
            image[n] = image[n].astype(np.int16)
        image[n] += np.int16(intercepts[n])
    return image


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.default_rng(123)
    # Every value from -2100 to 3100 plus random extremes: covers both clip edges and the
    # truncation boundaries of (x + 1200) / 1800 * 255.
    x = np.concatenate([np.arange(-2100, 3101), rng.integers(-32768, 32767, 2000)]).astype(np.int16)
    np.save(os.path.join(OUT, 'input_i16.npy'), x)
    np.save(os.path.join(OUT, 'lum_trans.npy'), lum_trans(x))
    n = normalize(x).astype(np.float32)
    np.save(os.path.join(OUT, 'normalize.npy'), n)
    np.save(os.path.join(OUT, 'zero_center.npy'), n - np.float32(0.25))
    stack = rng.integers(-2000, 4096, (4, 8, 16)).astype(np.int16)
    slopes, intercepts = [1.0, 0.5, 1.25, 2.0], [-1024.0, -1024.7, 0.0, 100.9]
    np.save(os.path.join(OUT, 'stack_i16.npy'), stack)
    np.save(os.path.join(OUT, 'stack_hu.npy'), get_pixels_hu(stack, slopes, intercepts))
    with open(os.path.join(OUT, 'versions.json'), 'w') as f:
        json.dump({'numpy': np.__version__, 'slopes': slopes, 'intercepts': intercepts}, f)
    print('wrote', OUT)


if __name__ == '__main__':
    main()
