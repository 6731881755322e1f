#!/usr/bin/env python3
"""Marching cubes alone: scikit-image against lungprep's kernel, in one run, on every real
full DICOM chest in ../shared/data (the stored HU grid at plot_3d's -300 HU).

Each scan is converted once (`lungprep convert` to .npy); then, best of --reps each side,
`skimage.measure.marching_cubes(volume, -300)` in this process and the `marching_cubes` example
(`MORPH3D_TIMING` reports the kernel's own best time) on the same array, in two layouts: as
stored (C order) and as plot_3d hands it over (`image.transpose(2, 1, 0)`, saved in Fortran
order so both sides see the same strides). Prints faces, seconds each side, the ratio and
lungprep's voxels per second; checks that the face counts agree.

    bench_mesh.py [--bin target/release/lungprep] [--examples target/release/examples]
                  [--data ../shared/data] [--reps 3] [--only lidc_idri_0002]
"""
import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from skimage import measure

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from parity_seeds_zuidhof import full_scans  # noqa: E402

LEVEL = -300.0


def skimage_best(volume, reps):
    best, faces = float('inf'), 0
    for _ in range(reps):
        t = time.perf_counter()
        _, f, _, _ = measure.marching_cubes(volume, LEVEL)
        best = min(best, time.perf_counter() - t)
        faces = len(f)
    return best, faces


def ours_best(example, npy, out, reps):
    env = dict(os.environ, MORPH3D_TIMING=str(reps))
    r = subprocess.run([example, npy, out, '--level', str(LEVEL)], env=env,
                       capture_output=True, text=True)
    if r.returncode:
        raise RuntimeError(r.stderr.strip()[-300:])
    secs = float(next(line.split()[-1] for line in r.stderr.splitlines()
                      if line.startswith('kernel_seconds:')))
    faces = len(np.load(os.path.join(out, 'faces.npy'), mmap_mode='r'))
    return secs, faces


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--bin', default=os.path.join(ROOT, 'target', 'release', 'lungprep'))
    ap.add_argument('--examples', default=os.path.join(ROOT, 'target', 'release', 'examples'))
    ap.add_argument('--data', default=os.path.join(ROOT, '..', 'shared', 'data'))
    ap.add_argument('--reps', type=int, default=3)
    ap.add_argument('--only', default=None)
    args = ap.parse_args()
    example = os.path.join(args.examples, 'marching_cubes')
    rows, bad = [], 0
    with tempfile.TemporaryDirectory(prefix='bench_mesh_') as tmp:
        for name, inp in full_scans(args.data):
            if args.only and name not in args.only.split(','):
                continue
            if not os.path.isdir(inp):
                print(f'skip {name}: {inp} absent')
                continue
            stored = os.path.join(tmp, f'{name}.npy')
            subprocess.run([args.bin, '-q', 'convert', inp, stored], check=True)
            vol = np.load(stored)
            transposed = os.path.join(tmp, f'{name}_t.npy')
            np.save(transposed, vol.transpose(2, 1, 0))  # Fortran order: the same strides
            for layout, path in (('stored', stored), ('plot_3d transposed', transposed)):
                v = np.load(path)
                sk, skf = skimage_best(v, args.reps)
                ours, of = ours_best(example, path, os.path.join(tmp, 'out'), args.reps)
                ok = skf == of
                bad += not ok
                rows.append([name, layout, f'{v.size / 1e6:.1f}', f'{of}', f'{sk:.3f}',
                             f'{ours:.3f}', f'{sk / ours:.1f}x', f'{v.size / ours / 1e6:.0f}',
                             'same faces' if ok else f'FAIL faces {of} != {skf}'])
                print(' | '.join(rows[-1]), flush=True)
    head = ['scan', 'layout', 'M voxels', 'faces', 'skimage s', 'lungprep s', 'ratio',
            'lungprep M voxels/s', 'check']
    print(f'\nthreads: {os.environ.get("RAYON_NUM_THREADS", os.cpu_count())}, best of {args.reps}')
    print('| ' + ' | '.join(head) + ' |\n|' + '---|' * len(head))
    for r in rows:
        print('| ' + ' | '.join(r) + ' |')
    return 1 if bad or not rows else 0


if __name__ == '__main__':
    sys.exit(main())
