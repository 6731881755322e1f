#!/usr/bin/env python3
"""Golden fixtures for Zuidhof's tutorial kernels (seeds 003/004), from numpy/scipy themselves:

  crates/hu/tests/fixtures/zuidhof_*.npy   get_pixels_hu with its -2000 -> 0 step
  crates/hu/tests/fixtures/hist_*.npy      np.histogram(a, bins=n): counts (int64), edges
  crates/resample/tests/fixtures/zuidhof_* resample(image, float32 spacing, [1, 1, 1]):
                                           scipy zoom order 3 'nearest' on int16, new spacing

Run: LUNGPREP_VENV=... bash -c 'source scripts/pyenv.sh && $PY scripts/golden_zuidhof.py'
"""
import json
import os

import numpy as np
import scipy
import scipy.ndimage as ndi

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HU = os.path.join(ROOT, 'crates', 'hu', 'tests', 'fixtures')
RS = os.path.join(ROOT, 'crates', 'resample', 'tests', 'fixtures')

# (spacing as the tutorial's float32 array, shape): real scans' spacings and awkward ones.
RESAMPLE_CASES = [
    ([2.5, 0.703125, 0.703125], (5, 14, 13)),    # dsb2017
    ([1.25, 0.68359375, 0.68359375], (7, 12, 16)),  # lidc_idri_0002
    ([5.0, 0.5703125, 0.5703125], (3, 15, 11)),  # lung1
    ([0.7, 1.3, 0.9], (9, 8, 10)),
    ([8.0, 0.646, 0.646], (2, 17, 9)),           # lung_dx_a0002
]


def get_pixels_hu(stack, slopes, intercepts):  # Zuidhof, per slice
    image = stack.astype(np.int16)
    image[image == -2000] = 0
    for n in range(image.shape[0]):
        if slopes[n] != 1:
            image[n] = slopes[n] * image[n].astype(np.float64)
            image[n] = image[n].astype(np.int16)
        image[n] += np.int16(intercepts[n])
    return np.array(image, dtype=np.int16)


def resample(image, spacing, new_spacing=(1, 1, 1)):  # Zuidhof
    spacing = np.asarray(spacing, dtype=np.float32)
    resize_factor = spacing / np.asarray(new_spacing)
    new_shape = np.round(image.shape * resize_factor)
    real_resize_factor = new_shape / image.shape
    new_spacing = spacing / real_resize_factor
    return ndi.zoom(image, real_resize_factor, mode='nearest'), new_spacing


def main():
    rng = np.random.default_rng(13)
    stack = rng.integers(-2100, 4096, (4, 8, 16)).astype(np.int16)
    stack[:, :2, :] = -2000
    slopes, intercepts = [1.0, 0.5, 1.25, 2.0], [-1024.0, -1024.7, 0.0, 100.9]
    np.save(os.path.join(HU, 'zuidhof_stack_i16.npy'), stack)
    np.save(os.path.join(HU, 'zuidhof_stack_hu.npy'), get_pixels_hu(stack, slopes, intercepts))

    hists = {
        'hu_i16': np.concatenate([np.arange(-2100, 3101), rng.integers(-32768, 32767, 2000)]
                                 ).astype(np.int16),
        'air_i16': np.concatenate([np.full(500, -1024), rng.integers(-1024, 1500, 3000)]
                                  ).astype(np.int16),
        'const_i16': np.full(10, -3024, dtype=np.int16),
        'u8': rng.integers(0, 256, 999).astype(np.uint8),
        'f64': rng.normal(size=1234) * 300.0,
    }
    manifest = []
    for key, a in hists.items():
        np.save(os.path.join(HU, f'hist_in_{key}.npy'), a)
        for bins in (80, 1, 7, 255):
            counts, edges = np.histogram(a.flatten(), bins=bins)
            name = f'hist_{key}_{bins}'
            np.save(os.path.join(HU, name + '_counts.npy'), counts.astype(np.int64))
            np.save(os.path.join(HU, name + '_edges.npy'), edges)
            manifest.append(f'{key} {bins}')
    with open(os.path.join(HU, 'hist_manifest.txt'), 'w') as f:
        f.write('\n'.join(manifest) + '\n')

    meta = []
    for k, (sp, shape) in enumerate(RESAMPLE_CASES):
        img = rng.integers(-1100, 1500, shape).astype(np.int16)
        img.flat[::17] = 32767  # scipy saturates int16 output; the spline overshoots here
        img.flat[5::23] = -32768
        out, new_sp = resample(img, sp, [1, 1, 1])
        np.save(os.path.join(RS, f'zuidhof_in_{k}.npy'), img)
        np.save(os.path.join(RS, f'zuidhof_out_{k}.npy'), out)
        np.save(os.path.join(RS, f'zuidhof_spacing_{k}.npy'), new_sp)
        meta.append({'spacing': sp, 'shape': list(shape), 'new_shape': list(out.shape)})
    with open(os.path.join(RS, 'zuidhof_cases.json'), 'w') as f:
        json.dump({'numpy': np.__version__, 'scipy': scipy.__version__, 'cases': meta}, f,
                  indent=1)
    print('wrote', HU, RS)


if __name__ == '__main__':
    main()
