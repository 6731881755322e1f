#!/usr/bin/env python3
"""Golden fixtures for lungseg: the oracle's outputs on the small synthetic phantom.

Runs `lungprep phantom --small`, then grt123_ref.py step1 / prep (dsb and luna) / zuidhof on it,
and writes crates/lungseg/tests/fixtures/phantom_small.json with, per output, a position-weighted 64-bit
sum of the C-order bytes, the shape and the voxel count (so the fixture is tiny but exact).

    golden_lungseg.py --bin target/release/lungprep
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def wsum64(a):
    """Position-weighted byte sum mod 2^64: sum((b_i + 1) * (i * K + 1)), K = 0x9E3779B97F4A7C15.
    Any single changed byte changes it; vectorised, unlike FNV."""
    b = np.ascontiguousarray(a).view(np.uint8).ravel().astype(np.uint64) + np.uint64(1)
    i = np.arange(b.size, dtype=np.uint64)
    with np.errstate(over='ignore'):
        w = i * np.uint64(0x9E3779B97F4A7C15) + np.uint64(1)
        return f'{int(np.sum(b * w, dtype=np.uint64)):016x}'


def summary(a):
    return {'wsum64': wsum64(a), 'shape': list(a.shape), 'dtype': str(a.dtype),
            'nonzero': int(np.count_nonzero(a))}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--bin', default=os.path.join(ROOT, 'target', 'release', 'lungprep'))
    ap.add_argument('--oracle', default=os.path.join(ROOT, '..', 'shared', 'reference', 'grt123_ref.py'))
    args = ap.parse_args()
    tmp = tempfile.mkdtemp()
    ph = os.path.join(tmp, 'phantom.npy')
    subprocess.run([args.bin, 'phantom', ph, '--small'], check=True, capture_output=True)
    py = sys.executable
    out = {'input': 'lungseg::phantom::PhantomOptions::small()', 'phantom': summary(np.load(ph))}
    subprocess.run([py, args.oracle, 'step1', ph, os.path.join(tmp, 's1')], check=True, capture_output=True)
    meta = json.load(open(os.path.join(tmp, 's1', 'meta.json')))
    out['step1'] = {'m1': summary(np.load(os.path.join(tmp, 's1', 'm1.npy'))),
                    'm2': summary(np.load(os.path.join(tmp, 's1', 'm2.npy'))),
                    'cut_num': meta['seconds']['cut_num'],
                    'two_lungs_found': meta['seconds']['two_lungs_found'],
                    'erosion_iterations': meta['seconds']['erosion_iterations']}
    for preset in ('dsb', 'luna'):
        d = os.path.join(tmp, preset)
        subprocess.run([py, args.oracle, 'prep', ph, d, 'phantom'] + (['--luna'] if preset == 'luna' else []),
                       check=True, capture_output=True)
        meta = json.load(open(os.path.join(d, 'meta.json')))
        clean = np.load(os.path.join(d, 'phantom_clean.npy'))
        out[preset] = {'clean': summary(clean[0]), 'extendbox': meta['extendbox']}
    subprocess.run([py, args.oracle, 'zuidhof', ph, os.path.join(tmp, 'z')], check=True, capture_output=True)
    out['zuidhof'] = summary(np.load(os.path.join(tmp, 'z', 'lungs.npy')))
    import scipy, skimage
    out['versions'] = {'numpy': np.__version__, 'scipy': scipy.__version__, 'scikit-image': skimage.__version__}
    dst = os.path.join(ROOT, 'crates', 'lungseg', 'tests', 'fixtures', 'phantom_small.json')
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    with open(dst, 'w') as f:
        json.dump(out, f, indent=1)
    print('wrote', dst)


if __name__ == '__main__':
    main()
