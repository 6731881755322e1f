#!/usr/bin/env python3
"""Seed 001 (LUNA16 tutorials) parity: seeds_ref.py against lungprep on every real scan.

  slicewise     every real full DICOM chest (b70f, b40f, dsb2017, lidc_idri_0002):
                segmented.npy (dtype, shape, values) and masks.npy identical
  montage       the same scans: the float64 grid identical (`lungprep montage --npy`)
  nodule-masks  mhd/lung1.mhd and lung1_flipped.mhd with mhd/annotations.csv, and a LUNA-style
                .mhd converted at run time from dicom/lidc_idri_0002 with
                scripts/data/lidc_idri_0002_nodules.csv: images_0.npy, masks_0.npy identical

Prints a table (voxels differing, seconds each side) and "N passed, M failed"; exits 1 on any
failure. About 70 s of oracle time (lidc_idri_0002's slicewise is 35 s of it) plus ~5 s ours.

    parity_seeds_luna.py --bin target/release/lungprep [--data ../shared/data]
                         [--only b70f,lung1] [--oracle-cache DIR]
"""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def is_dicom(path):
    try:
        with open(path, 'rb') as f:
            return f.read(132)[128:] == b'DICM'
    except OSError:
        return False


def dicom_only_copy(src, tmp):
    """read_ct_scan reads every file in the folder: give the oracle the DICOM files alone."""
    tag = hashlib.sha1(os.path.abspath(src).encode()).hexdigest()[:10]
    dst = os.path.join(tmp, f'dicom_{tag}')
    if not os.path.isdir(dst):
        os.makedirs(dst)
        for n in sorted(os.listdir(src)):
            p = os.path.join(src, n)
            if os.path.isfile(p) and is_dicom(p):
                os.symlink(p, os.path.join(dst, n))
    return dst


def run(cmd):
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    return r, time.perf_counter() - t


def cached(cmd, out, cache):
    """Runs the oracle command (which writes `out`), or reuses a cached run's `out`."""
    done = out + '.done.json'
    if cache and os.path.exists(done):
        d = json.load(open(done))
        return d['rc'], d['stderr'], d['seconds']
    r, t = run(cmd)
    if cache:
        json.dump({'rc': r.returncode, 'stderr': r.stderr, 'seconds': t}, open(done, 'w'))
    return r.returncode, r.stderr, t


def compare(a_path, b_path):
    """Voxels differing, or a reason the arrays cannot be compared."""
    if not os.path.exists(a_path):
        return None, f'missing {os.path.basename(a_path)} (oracle)'
    if not os.path.exists(b_path):
        return None, f'missing {os.path.basename(b_path)} (ours)'
    a, b = np.load(a_path), np.load(b_path)
    if a.shape != b.shape:
        return None, f'shape {b.shape} != {a.shape}'
    if a.dtype != b.dtype:
        return None, f'dtype {b.dtype} != {a.dtype}'
    return int((a != b).sum()), ''


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--bin', required=True)
    ap.add_argument('--data', default=os.path.join(ROOT, '..', '..', 'shared', 'data')
                    if not os.path.isdir(os.path.join(ROOT, '..', 'shared')) else os.path.join(ROOT, '..', 'shared', 'data'))
    ap.add_argument('--oracle', default=os.path.join(ROOT, '..', 'shared', 'reference', 'seeds_ref.py'))
    ap.add_argument('--only', default='')
    ap.add_argument('--oracle-cache', default='')
    args = ap.parse_args()
    d = args.data
    if not os.path.isdir(d):
        print(f'skip: {d} is absent')
        return 0
    py = sys.executable
    tmp = tempfile.mkdtemp(prefix='parity_seeds_luna_')
    cache = args.oracle_cache
    if cache:
        os.makedirs(cache, exist_ok=True)
    only = set(filter(None, args.only.split(',')))
    rows, bad = [], 0

    def add(case, what, diff, why, t_o, t_r):
        nonlocal bad
        ok = diff == 0 and not why
        bad += not ok
        ratio = f' ({t_o / t_r:.0f}x)' if t_o and t_r else ''
        rows.append((case, what, 'identical' if ok else 'MISMATCH ' + why, '' if diff is None else diff,
                     f'{t_o:.2f}' if t_o else '', f'{t_r:.3f}{ratio}' if t_r else ''))

    dicoms = [('b70f', 'dicom/lung_dx_a0002/b70f'), ('b40f', 'dicom/lung_dx_a0002/b40f')]
    for sub in ('dsb2017', 'lidc_idri_0002'):
        p = os.path.join(d, 'dicom', sub)
        inner = sorted(n for n in os.listdir(p) if os.path.isdir(os.path.join(p, n))) if os.path.isdir(p) else []
        if inner:
            dicoms.append((sub, os.path.join('dicom', sub, inner[0])))
    for name, rel in dicoms:
        if only and name not in only:
            continue
        src = os.path.join(d, rel)
        if not os.path.isdir(src):
            print(f'skip {name}: {src} absent')
            continue
        oin = dicom_only_copy(src, tmp)
        ref = os.path.join(cache or tmp, name)
        os.makedirs(ref, exist_ok=True)
        ours = os.path.join(tmp, 'ours_' + name)
        # slicewise
        rc, err, t_o = cached([py, args.oracle, 'slicewise', oin, os.path.join(ref, 'slicewise')],
                              os.path.join(ref, 'slicewise'), cache)
        r, t_r = run([args.bin, 'slicewise', src, os.path.join(ours, 'slicewise')])
        if rc != 0 or r.returncode != 0:
            add(name, 'slicewise', None, f'oracle rc {rc} {err[-80:]}' if rc else 'ours: ' + r.stderr[-120:], t_o, t_r)
        else:
            for f in ('segmented.npy', 'masks.npy'):
                diff, why = compare(os.path.join(ref, 'slicewise', f), os.path.join(ours, 'slicewise', f))
                add(name, 'slicewise ' + f, diff, why, t_o if f == 'segmented.npy' else 0,
                    t_r if f == 'segmented.npy' else 0)
        # montage
        ref_m = os.path.join(ref, 'montage.npy')
        rc, err, t_o = cached([py, args.oracle, 'montage', oin, ref_m], ref_m, cache)
        our_m = os.path.join(ours, 'montage.npy')
        r, t_r = run([args.bin, 'montage', src, os.path.join(ours, 'montage.png'), '--npy', our_m])
        if rc != 0 or r.returncode != 0:
            add(name, 'montage', None, f'oracle rc {rc}' if rc else 'ours: ' + r.stderr[-120:], t_o, t_r)
        else:
            diff, why = compare(ref_m, our_m)
            add(name, 'montage grid', diff, why, t_o, t_r)
    # nodule-masks
    nod = [('lung1', os.path.join(d, 'mhd', 'lung1.mhd'), os.path.join(d, 'mhd', 'annotations.csv')),
           ('lung1_flipped', os.path.join(d, 'mhd', 'lung1_flipped.mhd'), os.path.join(d, 'mhd', 'annotations.csv'))]
    lidc = [p for n, p in dicoms if n == 'lidc_idri_0002']
    if lidc and (not only or 'lidc_idri_0002' in only):
        uid = os.path.basename(lidc[0])
        mhd = os.path.join(tmp, 'luna', uid + '.mhd')
        os.makedirs(os.path.dirname(mhd), exist_ok=True)
        r, _ = run([args.bin, 'convert', os.path.join(d, lidc[0]), mhd])
        if r.returncode != 0:
            add('lidc_idri_0002 (.mhd)', 'convert', None, r.stderr[-120:], 0, 0)
        else:
            nod.append(('lidc_idri_0002 (.mhd)', mhd, os.path.join(HERE, 'data', 'lidc_idri_0002_nodules.csv')))
    for name, mhd, ann in nod:
        if only and name.split(' ')[0] not in only:
            continue
        if not os.path.exists(mhd):
            print(f'skip {name}: {mhd} absent')
            continue
        key = name.split(' ')[0] + '_nodules'
        ref = os.path.join(cache or tmp, key) if 'lidc' not in name else os.path.join(tmp, key)
        os.makedirs(ref, exist_ok=True)
        rc, err, t_o = cached([py, args.oracle, 'nodule-masks', mhd, ann, ref, '--index', '0'],
                              os.path.join(ref, 'run'), cache and 'lidc' not in name)
        ours = os.path.join(tmp, 'ours_' + key)
        r, t_r = run([args.bin, 'nodule-masks', mhd, '--annotations', ann, '-o', ours])
        if rc != 0 or r.returncode != 0:
            add(name, 'nodule-masks', None, f'oracle rc {rc} {err[-80:]}' if rc else 'ours: ' + r.stderr[-120:], t_o, t_r)
            continue
        for f in ('images_0.npy', 'masks_0.npy'):
            diff, why = compare(os.path.join(ref, f), os.path.join(ours, f))
            # lung1_flipped's nodule is where the seed's make_mask (origin + spacing, no
            # direction) puts it: outside the stored flipped array, so both masks are empty by
            # design there; anywhere else an empty mask would test nothing.
            if (f == 'masks_0.npy' and not why and name != 'lung1_flipped'
                    and np.load(os.path.join(ref, f)).sum() == 0):
                why = 'empty mask (the case tests nothing)'
            add(name, 'nodule-masks ' + f, diff, why, t_o if f.startswith('images') else 0,
                t_r if f.startswith('images') else 0)
    w = [max(len(str(r[i])) for r in rows + [('case', 'output', 'result', 'voxels differing', 'oracle s', 'lungprep s')])
         for i in range(6)]
    head = ('case', 'output', 'result', 'voxels differing', 'oracle s', 'lungprep s')
    print('| ' + ' | '.join(h.ljust(w[i]) for i, h in enumerate(head)) + ' |')
    print('|' + '|'.join('-' * (x + 2) for x in w) + '|')
    for r in rows:
        print('| ' + ' | '.join(str(v).ljust(w[i]) for i, v in enumerate(r)) + ' |')
    print(f'{len(rows) - bad} passed, {bad} failed')
    shutil.rmtree(tmp, ignore_errors=True)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
