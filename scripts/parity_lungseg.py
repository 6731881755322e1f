#!/usr/bin/env python3
"""Runs the grt123 oracle and `lungprep` side by side on every real scan and the phantom.

Compares step1 masks (m1, m2: identical), prep outputs for both presets (NAME_clean.npy
identical, crop box identical, NAME_label.npy within 1e-9) and Zuidhof's mask (identical),
and prints a per-scan table with voxels differing, Dice, seconds each and the speed ratio.
Exits 1 on any mismatch.

    parity_lungseg.py --bin target/release/lungprep [--data ../shared/data] [--full-phantom]
                      [--only b70f,dsb2017] [--oracle-cache DIR]

`--oracle-cache DIR` keeps the oracle's outputs in DIR and reuses them on the next run (the
oracle takes minutes and ~5 GB on lidc_idri_0002); without it everything runs afresh.
The oracle runs first, `--jobs N` scans at a time (default: one per core; it is
single-threaded), then lungprep alone, so lungprep's timings are of an otherwise idle machine.
"""
import argparse
import csv
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
    if path.lower().endswith('.dcm'):
        return True
    try:
        with open(path, 'rb') as f:
            return f.read(132)[128:] == b'DICM'
    except OSError:
        return False


def dicom_only_copy(src, tmp):
    """The oracle reads every file in the folder: give it the DICOM files alone."""
    # Keyed by the whole path: lidc_slab_0002 and lidc_idri_0002 share a series folder name.
    tag = hashlib.sha1(os.path.abspath(src).encode()).hexdigest()[:10]
    dst = os.path.join(tmp, f'dicom_{tag}_' + os.path.basename(src.rstrip('/')))
    if not os.path.isdir(dst):
        os.makedirs(dst)
        for n in sorted(os.listdir(src)):
            p = os.path.join(src, n)
            if os.path.isfile(p) and is_dicom(p):
                os.symlink(p, os.path.join(dst, n))
    return dst


def run(cmd, **kw):
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    return r, time.perf_counter() - t


def oracle(cmd, out, cache):
    """Runs the oracle writing into `out`, or reuses a cached earlier run's `out`.

    Returns (returncode, stdout, stderr). With a cache, `out` is a folder of the cache and
    a finished run leaves `done.json` there with the oracle's return code and output."""
    done = os.path.join(out, 'done.json')
    if cache and os.path.exists(done):
        d = json.load(open(done))
        return d['rc'], d['stdout'], d['stderr']
    r, _ = run(cmd)
    if cache:
        os.makedirs(out, exist_ok=True)
        json.dump({'rc': r.returncode, 'stdout': r.stdout, 'stderr': r.stderr}, open(done, 'w'))
    return r.returncode, r.stdout, r.stderr


def run_oracles(todo, py, args):
    """Runs every case's oracle work (step1 + both presets in one process, then Zuidhof), each
    leaving the done.json files `oracle` reads, `args.jobs` cases at a time. Returns
    {label: reason} for the cases whose driver failed."""
    from concurrent.futures import ThreadPoolExecutor

    def size(t):
        p = t[3]
        return sum(os.path.getsize(os.path.join(p, n)) for n in os.listdir(p)) if os.path.isdir(p) \
            else os.path.getsize(p)

    def one(t):
        name, _, anno, oin, label, _, ref = t
        if not all(os.path.exists(os.path.join(ref, f, 'done.json'))
                   for f in ('ref_step1', 'ref_dsb', 'ref_luna')):
            cmd = [py, os.path.join(ROOT, 'scripts', 'oracle_grt123.py'), oin, ref, name,
                   '--oracle', args.oracle] + (['--annotations', anno] if anno else [])
            r, _ = run(cmd)
            if r.returncode != 0:
                return label, r.stderr.strip()[-80:]
        oracle([py, args.oracle, 'zuidhof', oin, os.path.join(ref, 'ref_z')],
               os.path.join(ref, 'ref_z'), True)
        return label, None

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as ex:
        results = list(ex.map(one, sorted(todo, key=size, reverse=True)))
    return {label: why for label, why in results if why is not None}


def dice(a, b):
    s = a.sum() + b.sum()
    return 1.0 if s == 0 else 2.0 * np.logical_and(a, b).sum() / s


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--bin', default=os.path.join(ROOT, 'target', 'release', 'lungprep'))
    ap.add_argument('--data', default=os.path.join(ROOT, '..', 'shared', 'data'))
    ap.add_argument('--oracle', default=os.path.join(ROOT, '..', 'shared', 'reference', 'grt123_ref.py'))
    ap.add_argument('--full-phantom', action='store_true', help='160x512x512 instead of the small phantom')
    ap.add_argument('--only', default=None, help='comma-separated case names')
    ap.add_argument('--keep', default=None, help='keep outputs in this folder')
    ap.add_argument('--oracle-cache', default=None,
                    help='keep the oracle outputs here and reuse them when present')
    ap.add_argument('--jobs', type=int, default=os.cpu_count() or 1,
                    help='oracle runs at a time (default: the number of cores)')
    args = ap.parse_args()
    tmp = args.keep or tempfile.mkdtemp(prefix='parity_lungseg_')
    os.makedirs(tmp, exist_ok=True)
    d = args.data
    annos = os.path.join(d, 'mhd', 'annotations.csv')
    phantom = os.path.join(tmp, 'phantom.npy')
    subprocess.run([args.bin, 'phantom', phantom] + ([] if args.full_phantom else ['--small']),
                   check=True, capture_output=True)
    # name, our input, oracle input, annotations
    cases = [
        ('b70f', os.path.join(d, 'dicom/lung_dx_a0002/b70f'), None, None),
        ('b40f', os.path.join(d, 'dicom/lung_dx_a0002/b40f'), None, None),
        ('lung1', os.path.join(d, 'nrrd/lung1.nrrd'), None, None),
        ('lung1', os.path.join(d, 'mhd/lung1.mhd'), None, annos),
        ('lung1_flipped', os.path.join(d, 'mhd/lung1_flipped.mhd'), None, annos),
        ('phantom', phantom, None, None),
    ]
    # Real full chest CTs in their own folders (one patient / one series each).
    for sub in ['dsb2017', 'lidc_idri_0002']:
        p = os.path.join(d, 'dicom', sub)
        inner = sorted(os.path.join(p, n) for n in os.listdir(p)
                       if os.path.isdir(os.path.join(p, n))) if os.path.isdir(p) else []
        cases.append((sub, inner[0] if inner else p, None, None))
    # Every other DICOM series: no lungs expected, but both sides must agree on that.
    for sub in ['lidc_slab_0001', 'lidc_slab_0002', 'lidc_slab_0003', 'jpeg2000_abdomen',
                'gantry_tilt_ge', 'oblique_philips']:
        p = os.path.join(d, 'dicom', sub)
        if not os.path.isdir(p):
            continue
        inner = [os.path.join(p, n) for n in os.listdir(p) if os.path.isdir(os.path.join(p, n))]
        src = inner[0] if len(inner) == 1 else p
        cases.append((sub, src, None, None))
    if args.only:
        keep = set(args.only.split(','))
        cases = [c for c in cases if c[0] in keep or os.path.basename(c[1]) in keep]
    py = sys.executable
    rows, bad = [], 0
    todo = []
    for name, inp, _, anno in cases:
        if not os.path.exists(inp):
            print(f'skip {inp}: absent')
            continue
        oin = dicom_only_copy(inp, tmp) if os.path.isdir(inp) else inp
        label = f'{name} ({os.path.basename(inp)})'
        key = label.replace(' ', '_').replace('(', '').replace(')', '')
        work = os.path.join(tmp, key)
        os.makedirs(work, exist_ok=True)
        ref = os.path.join(args.oracle_cache, key) if args.oracle_cache else work
        todo.append((name, inp, anno, oin, label, work, ref))
    # The oracle first, `--jobs` scans at a time (it is single-threaded; lungprep runs alone
    # afterwards so its timings are not disturbed). Biggest inputs first.
    failed = run_oracles(todo, py, args)
    for name, inp, anno, oin, label, work, ref in todo:
        if label in failed:
            rows.append((label, 'oracle', 'driver failed: ' + failed[label], '', '', '', ''))
            bad += 1
            continue
        # step1
        rc, _, err = oracle([py, args.oracle, 'step1', oin, os.path.join(ref, 'ref_step1')],
                            os.path.join(ref, 'ref_step1'), True)
        if rc != 0:
            rows.append((label, 'step1', 'oracle failed: ' + err.strip().splitlines()[-1][:60], '', '', '', ''))
            continue
        rm1 = np.load(os.path.join(ref, 'ref_step1', 'm1.npy'))
        rm2 = np.load(os.path.join(ref, 'ref_step1', 'm2.npy'))
        ometa = json.load(open(os.path.join(ref, 'ref_step1', 'meta.json')))
        r, tr = run([args.bin, 'step1', inp, os.path.join(work, 'our_step1')])
        oracle_empty = not rm1.any() and not rm2.any()
        if r.returncode != 0:
            ok = oracle_empty and 'no lung found' in r.stderr
            bad += not ok
            rows.append((label, 'step1', 'both: no lung' if ok else 'ours failed: ' + r.stderr.strip()[:80],
                         '', '', f'{ometa["seconds"]["total"]:.2f}', ''))
            continue
        om1 = np.load(os.path.join(work, 'our_step1', 'm1.npy'))
        om2 = np.load(os.path.join(work, 'our_step1', 'm2.npy'))
        mmeta = json.load(open(os.path.join(work, 'our_step1', 'meta.json')))
        diff = int((om1 != rm1).sum() + (om2 != rm2).sum())
        bad += diff != 0 or om1.dtype != np.bool_ or om1.shape != rm1.shape
        t_o, t_r = ometa['seconds']['total'], mmeta['seconds']['total']
        rows.append((label, 'step1 m1/m2', 'identical' if diff == 0 else 'MISMATCH', diff,
                     f'{dice(om1 | om2, rm1 | rm2):.6f}', f'{t_o:.2f}', f'{t_r:.3f} ({t_o / t_r:.0f}x)'))
        # prep, both presets
        for preset in ('dsb', 'luna'):
            oout = os.path.join(ref, 'ref_' + preset)
            cmd = [py, args.oracle, 'prep', oin, oout, name] + (['--luna'] if preset == 'luna' else [])
            if anno:
                cmd += ['--annotations', anno]
            rc, _, _ = oracle(cmd, oout, True)
            if rc != 0:
                rows.append((label, 'prep ' + preset, 'oracle failed', '', '', '', ''))
                bad += 1
                continue
            ometa = json.load(open(os.path.join(oout, 'meta.json')))
            rout = os.path.join(work, 'our_' + preset)
            cmd = [args.bin, 'prep', inp, '-o', rout, '--preset', preset]
            if anno:
                cmd += ['--annotations', anno]
            r, _ = run(cmd)
            if r.returncode != 0:
                rows.append((label, 'prep ' + preset, 'ours failed: ' + r.stderr.strip()[:80], '', '', '', ''))
                bad += 1
                continue
            rep = {row['name']: row for row in csv.DictReader(open(os.path.join(rout, 'report.csv')))}
            our_name = os.path.basename(inp)
            for ext in ('.nrrd', '.mhd', '.npy'):
                our_name = our_name[:-len(ext)] if our_name.endswith(ext) else our_name
            oc = np.load(os.path.join(oout, name + '_clean.npy'))
            mc = np.load(os.path.join(rout, our_name + '_clean.npy'))
            ol = np.load(os.path.join(oout, name + '_label.npy'))
            ml = np.load(os.path.join(rout, our_name + '_label.npy'))
            box = [int(v) for v in rep[our_name]['crop_box'].split()]
            obox = [v for pair in ometa['extendbox'] for v in pair]
            same_shape = oc.shape == mc.shape and oc.dtype == mc.dtype
            cdiff = int((oc != mc).sum()) if same_shape else -1
            ldiff = float(np.abs(ol.astype(float) - ml).max()) if ol.shape == ml.shape else float('inf')
            ok = same_shape and cdiff == 0 and box == obox and ldiff <= 1e-9
            bad += not ok
            t_o, t_r = ometa['seconds']['total'], float(rep[our_name]['total_s'])
            status = 'identical' if ok else f'MISMATCH (shape {oc.shape} vs {mc.shape}, box {obox} vs {box}, label {ldiff:.2e})'
            rows.append((label, f'prep {preset} clean/box/label', status, cdiff, '', f'{t_o:.2f}',
                         f'{t_r:.3f} ({t_o / t_r:.0f}x)'))
        # zuidhof
        rc, out, _ = oracle([py, args.oracle, 'zuidhof', oin, os.path.join(ref, 'ref_z')],
                            os.path.join(ref, 'ref_z'), True)
        zt_o = json.loads(out.strip().splitlines()[-1])['segment_lung_mask'] if rc == 0 else None
        r2, _ = run([args.bin, 'zuidhof', inp, os.path.join(work, 'our_z')])
        if rc == 0 and r2.returncode == 0:
            oz = np.load(os.path.join(ref, 'ref_z', 'lungs.npy'))
            mz = np.load(os.path.join(work, 'our_z', 'lungs.npy'))
            zt_r = json.loads(r2.stdout.strip().splitlines()[-1])['segment_lung_mask']
            diff = int((oz != mz).sum()) if oz.shape == mz.shape else -1
            ok = diff == 0 and oz.dtype == mz.dtype
            bad += not ok
            rows.append((label, 'zuidhof', 'identical' if ok else 'MISMATCH', diff,
                         f'{dice(oz > 0, mz > 0):.6f}', f'{zt_o:.2f}', f'{zt_r:.3f} ({zt_o / max(zt_r, 1e-9):.0f}x)'))
        else:
            bad += 1
            rows.append((label, 'zuidhof', 'failed', '', '', '', ''))
    head = ('case', 'stage', 'result', 'voxels differing', 'dice', 'oracle s', 'lungprep s (ratio)')
    widths = [max(len(str(r[i])) for r in rows + [head]) for i in range(len(head))]
    for r in [head] + rows:
        print(' | '.join(str(v).ljust(w) for v, w in zip(r, widths)))
    print(f'{len(rows) - bad} passed, {bad} failed')
    if not args.keep:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
