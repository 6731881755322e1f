#!/usr/bin/env python3
"""plot_3d's marching-cubes mesh (seeds 002-004): seeds_ref.py `mesh` against `lungprep mesh`.

  every real full DICOM chest (b70f, b40f, dsb2017, lidc_idri_0002), threshold -300, on the
  stored grid (`--no-resample`: the 1 mm resample itself is checked bit for bit by
  parity_seeds_zuidhof.py, and skipping it keeps the oracle under 10 s a scan); b70f also
  through the tutorial's 1 mm resample, and at plot_3d's threshold 400.

lungprep's PLY holds the oracle's (x, y, z) vertices, normals and values, with each face's
winding flipped (faces [a, c, b]) so that they point outwards; the comparison undoes that:
faces identical (same faces, same order), vertices, normals and values within 1e-5.

Prints a table (counts, worst differences, seconds each side, ratio) and "N passed, M failed";
exits 1 on any failure.

    parity_seeds_mesh.py --bin target/release/lungprep [--data ../shared/data] [--only b70f]
"""
import argparse
import os
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from parity_lungseg import dicom_only_copy, run  # noqa: E402
from parity_seeds_zuidhof import full_scans  # noqa: E402

TOL = 1e-5


def read_ply(path):
    """lungprep's binary PLY: (vertices, normals, values, faces)."""
    with open(path, 'rb') as f:
        data = f.read()
    end = data.index(b'end_header\n') + len(b'end_header\n')
    head = data[:end].decode().splitlines()
    nv = int(next(line for line in head if line.startswith('element vertex')).split()[-1])
    nf = int(next(line for line in head if line.startswith('element face')).split()[-1])
    v = np.frombuffer(data, dtype='<f4', count=nv * 7, offset=end).reshape(nv, 7)
    f = np.frombuffer(data, dtype=np.dtype([('n', 'u1'), ('i', '<i4', 3)]), count=nf,
                      offset=end + nv * 28)
    if nf and not (f['n'] == 3).all():
        raise ValueError('a face is not a triangle')
    return v[:, :3], v[:, 3:6], v[:, 6], f['i']


def case(args, name, inp, oin, tmp, extra):
    label = f'{name} {" ".join(extra) or "1 mm"}'
    npz = os.path.join(tmp, f'{name}_{len(extra)}.npz')
    ply = os.path.join(tmp, f'{name}_{len(extra)}.ply')
    thr = extra[extra.index('--threshold') + 1] if '--threshold' in extra else '-300'
    oflags = ['--threshold', thr] + (['--no-resample'] if '--no-resample' in extra else [])
    r, so = run([sys.executable, args.oracle, 'mesh', oin, npz] + oflags)
    if r.returncode:
        return [label, '', '', f'{so:.2f}', '', '', 'FAIL oracle: ' + r.stderr.strip()[-200:]]
    r, sr = run([args.bin, '-q', 'mesh', inp, ply] + oflags)
    if r.returncode:
        return [label, '', '', f'{so:.2f}', f'{sr:.2f}', '', 'FAIL lungprep: ' + r.stderr.strip()[-200:]]
    o = np.load(npz)
    verts, normals, values, faces = read_ply(ply)
    faces = faces[:, [0, 2, 1]]
    why = []
    if o['faces'].shape != faces.shape:
        why.append(f'faces {faces.shape} != {o["faces"].shape}')
    elif not (o['faces'] == faces).all():
        why.append(f'{int((o["faces"] != faces).any(axis=1).sum())} faces differ')
    worst = {}
    for key, ours in (('verts', verts), ('normals', normals), ('values', values)):
        ref = o[key]
        if ref.shape != ours.shape:
            why.append(f'{key} {ours.shape} != {ref.shape}')
            continue
        worst[key] = float(np.abs(ref.astype(np.float64) - ours).max()) if ref.size else 0.0
        if worst[key] > TOL:
            why.append(f'{key} differ by {worst[key]:.2e}')
    os.remove(npz)
    os.remove(ply)
    w = ', '.join(f'{k} {v:.1e}' for k, v in worst.items())
    return [label, f'{len(faces)}', w, f'{so:.2f}', f'{sr:.2f}', f'{so / sr:.1f}x',
            'FAIL ' + '; '.join(why) if why else 'identical']


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--bin', default=os.path.join(ROOT, 'target', 'release', 'lungprep'))
    ap.add_argument('--data', default=os.path.join(ROOT, '..', 'shared', 'data'))
    ap.add_argument('--oracle', default=os.path.join(ROOT, '..', 'shared', 'reference', 'seeds_ref.py'))
    ap.add_argument('--only', default=None)
    ap.add_argument('--oracle-cache', default=None, help='accepted for parity_seeds.sh; unused')
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix='parity_mesh_') as tmp:
        for name, inp in full_scans(args.data):
            if args.only and name not in args.only.split(','):
                continue
            if not os.path.isdir(inp):
                print(f'skip {name}: {inp} absent')
                continue
            oin = dicom_only_copy(inp, tmp)
            runs = [['--no-resample']]
            if name == 'b70f':
                runs += [[], ['--threshold', '400']]
            for extra in runs:
                rows.append(case(args, name, inp, oin, tmp, extra))
                print(' | '.join(rows[-1]), flush=True)
    head = ['scan', 'faces', 'worst difference', 'oracle s', 'lungprep s', 'ratio', 'result']
    print('\n| ' + ' | '.join(head) + ' |\n|' + '---|' * len(head))
    for r in rows:
        print('| ' + ' | '.join(r) + ' |')
    bad = sum(not r[-1].startswith('identical') for r in rows)
    print(f'{len(rows) - bad} passed, {bad} failed')
    return 1 if bad or not rows else 0


if __name__ == '__main__':
    sys.exit(main())
