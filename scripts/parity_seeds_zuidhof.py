#!/usr/bin/env python3
"""Zuidhof's tutorial (seeds 003/004): seeds_ref.py against `lungprep` on every real full DICOM
scan in ../shared/data.

  zuidhof-prep  vs  lungprep zuidhof INPUT OUT --tutorial [--f64]
      resampled.npy, lungs.npy, lungs_fill.npy: identical; new_spacing and shapes: identical;
      normalized.npy, zero_centered.npy: --f64 identical to the bit; float32 identical to the
      oracle's float64 rounded once to float32 (so within 2^-25 ~ 3e-8 of it).
  histogram     vs  lungprep histogram INPUT OUT.png --csv OUT.csv
      counts identical, edges identical as float64.

Prints a table (voxels differing, seconds each side, ratio) and "N passed, M failed"; exits 1
on any failure.

    parity_seeds_zuidhof.py --bin target/release/lungprep [--data ../shared/data]
                            [--only dsb2017,b70f] [--oracle-cache DIR] [--keep DIR]

The oracle takes about a minute on lidc_idri_0002; `--oracle-cache DIR` reuses its outputs.
"""
import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from parity_lungseg import dicom_only_copy, run  # noqa: E402

# float32 outputs: the oracle's float64 rounded once; never further than half a float32 ulp
# of 1 from the float64 value.
F32_TOL = 2.0 ** -25


def timed_oracle(cmd, out, cache):
    """Runs the oracle (output in folder `out`) and times it, whole process, wall clock; with
    a cache, reuses an earlier finished run and its seconds. Returns (rc, stderr, seconds)."""
    done = os.path.join(out, 'done.json')
    if cache and os.path.exists(done):
        d = json.load(open(done))
        return d['rc'], d['stderr'], d['seconds']
    os.makedirs(out, exist_ok=True)
    r, s = run(cmd)
    if cache:
        json.dump({'rc': r.returncode, 'stderr': r.stderr, 'seconds': s}, open(done, 'w'))
    return r.returncode, r.stderr, s


def full_scans(d):
    """Every real full DICOM chest CT here (one series per folder)."""
    cases = []
    for name in ['b70f', 'b40f']:
        cases.append((name, os.path.join(d, 'dicom', 'lung_dx_a0002', name)))
    for sub in ['dsb2017', 'lidc_idri_0002']:
        p = os.path.join(d, 'dicom', sub)
        inner = sorted(os.path.join(p, n) for n in os.listdir(p)
                       if os.path.isdir(os.path.join(p, n))) if os.path.isdir(p) else []
        cases.append((sub, inner[0] if inner else p))
    return cases


def differing(a, b):
    if a.shape != b.shape:
        return f'shape {a.shape} vs {b.shape}'
    return int(np.count_nonzero(a != b))


def load_csv(path):
    counts, edges = [], []
    with open(path) as f:
        for i, r in enumerate(csv.DictReader(f)):
            counts.append(int(r['count']))
            if i == 0:
                edges.append(float(r['left']))
            edges.append(float(r['right']))
    return np.array(counts), np.array(edges)


def prep_case(args, name, ours_in, oracle_in, tmp, rows):
    py = sys.executable
    cache = args.oracle_cache
    odir = os.path.join(cache or tmp, 'oracle_zuidhof_' + name)
    rc, err, o_s = timed_oracle([py, args.oracle, 'zuidhof-prep', oracle_in, odir], odir, cache)
    if rc != 0:
        rows.append([name, 'zuidhof-prep', 'oracle failed: ' + err.strip()[-200:], '', '', '', 'FAIL'])
        return
    ometa = json.load(open(os.path.join(odir, 'meta.json')))
    for f64 in (False, True):
        udir = os.path.join(tmp, f'ours_zuidhof_{name}_{"f64" if f64 else "f32"}')
        r, u_s = run([args.bin, 'zuidhof', ours_in, udir, '--tutorial'] + (['--f64'] if f64 else []))
        label = 'zuidhof --tutorial' + (' --f64' if f64 else '')
        if r.returncode != 0:
            rows.append([name, label, 'lungprep failed: ' + r.stderr.strip()[-200:], '', '', '', 'FAIL'])
            continue
        umeta = json.load(open(os.path.join(udir, 'meta.json')))
        diffs, ok = [], True
        if umeta['new_spacing'] != ometa['new_spacing'] or \
                umeta['resampled_shape'] != ometa['resampled_shape']:
            diffs.append(f"geometry {umeta['new_spacing']} {umeta['resampled_shape']} vs "
                         f"{ometa['new_spacing']} {ometa['resampled_shape']}")
            ok = False
        for n in ['resampled', 'lungs', 'lungs_fill', 'normalized', 'zero_centered']:
            a = np.load(os.path.join(udir, n + '.npy'))
            b = np.load(os.path.join(odir, n + '.npy'))
            if n in ('normalized', 'zero_centered'):
                want = b if f64 else b.astype(np.float32)
                if a.dtype != want.dtype:
                    diffs.append(f'{n} dtype {a.dtype}')
                    ok = False
                    continue
                d = differing(a, want)
                if not f64 and a.shape == b.shape:
                    dev = float(np.abs(a.astype(np.float64) - b).max()) if a.size else 0.0
                    ok &= dev <= F32_TOL
                    diffs.append(f'{n} {d} (max |d| {dev:.1e})')
                else:
                    diffs.append(f'{n} {d}')
            else:
                d = differing(a, b)
                if a.dtype != b.dtype:
                    diffs.append(f'{n} dtype {a.dtype} vs {b.dtype}')
                    ok = False
                else:
                    diffs.append(f'{n} {d}')
            ok &= d == 0
        rows.append([name, label, ', '.join(diffs), f'{o_s:.2f}', f'{u_s:.2f}',
                     f'{o_s / u_s:.1f}x', 'ok' if ok else 'FAIL'])
        shutil.rmtree(udir, ignore_errors=True)
    if not cache:
        shutil.rmtree(odir, ignore_errors=True)


def hist_case(args, name, ours_in, oracle_in, tmp, rows):
    py = sys.executable
    cache = args.oracle_cache
    odir = os.path.join(cache or tmp, 'oracle_hist_' + name)
    npz = os.path.join(odir, 'hist.npz')
    rc, err, o_s = timed_oracle([py, args.oracle, 'histogram', oracle_in, npz], odir, cache)
    if rc != 0:
        rows.append([name, 'histogram', 'oracle failed: ' + err.strip()[-200:], '', '', '', 'FAIL'])
        return
    png, csvp = os.path.join(tmp, f'hist_{name}.png'), os.path.join(tmp, f'hist_{name}.csv')
    r, u_s = run([args.bin, 'histogram', ours_in, png, '--csv', csvp])
    if r.returncode != 0:
        rows.append([name, 'histogram', 'lungprep failed: ' + r.stderr.strip()[-200:], '', '', '', 'FAIL'])
        return
    o = np.load(npz)
    counts, edges = load_csv(csvp)
    dc = differing(counts, o['counts'])
    de = differing(edges, o['edges'])
    ok = dc == 0 and de == 0 and os.path.getsize(png) > 0
    rows.append([name, 'histogram', f'counts {dc}, edges {de}', f'{o_s:.2f}', f'{u_s:.2f}',
                 f'{o_s / u_s:.1f}x', 'ok' if ok else 'FAIL'])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--bin', default=os.path.join(ROOT, 'target', 'release', 'lungprep'))
    ap.add_argument('--data', default=os.path.join(ROOT, '..', 'shared', 'data'))
    ap.add_argument('--oracle', default=os.path.join(ROOT, '..', 'shared', 'reference', 'seeds_ref.py'))
    ap.add_argument('--only', default=None, help='comma-separated case names')
    ap.add_argument('--keep', default=None, help='keep our outputs (pictures) in this folder')
    ap.add_argument('--oracle-cache', default=None,
                    help='keep the oracle outputs here and reuse them when present')
    args = ap.parse_args()
    tmp = args.keep or tempfile.mkdtemp(prefix='parity_seeds_zuidhof_')
    os.makedirs(tmp, exist_ok=True)
    if args.oracle_cache:
        os.makedirs(args.oracle_cache, exist_ok=True)
    cases = full_scans(args.data)
    if args.only:
        keep = set(args.only.split(','))
        cases = [c for c in cases if c[0] in keep]
    rows = []
    for name, inp in cases:
        if not os.path.isdir(inp):
            print(f'skip {name}: {inp} absent')
            continue
        oin = dicom_only_copy(inp, tmp)
        prep_case(args, name, inp, oin, tmp, rows)
        hist_case(args, name, inp, oin, tmp, rows)
    head = ['scan', 'command', 'voxels differing', 'oracle s', 'lungprep s', 'ratio', 'result']
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    for r in [head] + rows:
        print(' | '.join(str(v).ljust(w) for v, w in zip(r, widths)))
    bad = sum(r[-1] != 'ok' for r in rows)
    print(f'{len(rows) - bad} passed, {bad} failed')
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if bad or not rows else 0


if __name__ == '__main__':
    sys.exit(main())
