#!/usr/bin/env python3
"""End-to-end `prep` speed and memory: the grt123 oracle vs `lungprep`, same scans, same run.

For each scan runs both N times (best of N), prints per-stage seconds side by side, the
end-to-end ratio (read included, process start excluded on both sides: the oracle's own
`total`, lungprep's report `total_s`) and peak RSS per input voxel.

    bench_pipeline.py [--bin target/release/lungprep] [--repeat 3] [--data ../shared/data]
                      [--only dsb2017,lidc_idri_0002] [--oracle-repeat 1] [--threads 1,2]

`--threads 1,2` runs lungprep once per thread count (RAYON_NUM_THREADS) and prints a column
for each; `--oracle-repeat` lets the slow oracle run fewer times than lungprep.
`--oracle-cache FILE` (JSON) reuses the oracle's best seconds per scan from FILE when it has
them (same scan name and input) and saves new ones there, so the slow oracle runs once:
ratios then compare runs of different times, so say so when quoting them.

Prints the per-stage table, then one summary line per scan (voxels, oracle s, lungprep s and
ratio per thread count, peak RSS bytes per input voxel).
"""
import argparse
import csv
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from parity_lungseg import dicom_only_copy  # noqa: E402  (the oracle reads every file)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STAGES = ['load', 'binarize_per_slice', 'all_slice_analysis', 'fill_hole', 'two_lung_only',
          'process_mask', 'apply_mask', 'resample']


def peak_rss_kb(cmd, env=None):
    """Runs cmd under /usr/bin/time and returns (returncode, max RSS in kB)."""
    r = subprocess.run(['/usr/bin/time', '-f', '%M'] + cmd, capture_output=True, text=True, env=env)
    try:
        return r.returncode, int(r.stderr.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return r.returncode, -1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--bin', default=os.path.join(ROOT, 'target', 'release', 'lungprep'))
    ap.add_argument('--data', default=os.path.join(ROOT, '..', 'shared', 'data'))
    ap.add_argument('--oracle', default=os.path.join(ROOT, '..', 'shared', 'reference', 'grt123_ref.py'))
    ap.add_argument('--repeat', type=int, default=3)
    ap.add_argument('--oracle-repeat', type=int, default=None, help='default: --repeat')
    ap.add_argument('--threads', default=None, help='e.g. 1,2: one lungprep column per count')
    ap.add_argument('--only', default=None, help='comma-separated scan names')
    ap.add_argument('--oracle-cache', default=None,
                    help='JSON file of the oracle\'s seconds per scan: read, and updated')
    args = ap.parse_args()
    cache = {}
    if args.oracle_cache and os.path.exists(args.oracle_cache):
        with open(args.oracle_cache) as f:
            cache = json.load(f)
    summary = []
    threads = [int(t) for t in args.threads.split(',')] if args.threads else [None]
    tmp = tempfile.mkdtemp(prefix='bench_pipeline_')
    phantom = os.path.join(tmp, 'phantom.npy')
    subprocess.run([args.bin, 'phantom', phantom], check=True, capture_output=True)
    d = args.data
    scans = [('b70f', os.path.join(d, 'dicom/lung_dx_a0002/b70f')),
             ('b40f', os.path.join(d, 'dicom/lung_dx_a0002/b40f')),
             ('lung1', os.path.join(d, 'nrrd/lung1.nrrd')),
             ('lung1', os.path.join(d, 'mhd/lung1.mhd')),
             ('phantom', phantom)]
    for sub in ['dsb2017', 'lidc_idri_0002']:
        p = os.path.join(d, 'dicom', sub)
        inner = sorted(os.path.join(p, n) for n in os.listdir(p)
                       if os.path.isdir(os.path.join(p, n))) if os.path.isdir(p) else []
        scans.append((sub, inner[0] if inner else p))
    if args.only:
        keep = set(args.only.split(','))
        scans = [s for s in scans if s[0] in keep]
    py = sys.executable
    cols = ''.join(f' {"lungprep s" + (f" {t}t" if t else ""):>13} {"ratio":>7}' for t in threads)
    print(f'{"scan":<16} {"stage":<20} {"oracle s":>9}{cols}')
    for name, inp in scans:
        if not os.path.exists(inp):
            print(f'skip {inp}: absent')
            continue
        key = f'{name}:{os.path.abspath(inp)}' if name != 'phantom' else 'phantom'
        best_o = cache.get(key)
        cached = best_o is not None
        oin = None if cached else (dicom_only_copy(inp, tmp) if os.path.isdir(inp) else inp)
        for _ in range(0 if cached else (args.oracle_repeat or args.repeat)):
            out = os.path.join(tmp, 'o')
            r = subprocess.run([py, args.oracle, 'prep', oin, out, name], capture_output=True, text=True)
            if r.returncode:
                print(name, 'oracle failed', r.stderr[-200:])
                break
            m = json.load(open(os.path.join(out, 'meta.json')))['seconds']
            if best_o is None or m['total'] < best_o['total']:
                best_o = m
        if best_o is None:
            continue
        if args.oracle_cache and not cached:
            cache[key] = best_o
            with open(args.oracle_cache, 'w') as f:
                json.dump(cache, f, indent=1, sort_keys=True)
        best = []
        for th in threads:
            env = dict(os.environ)
            if th:
                env['RAYON_NUM_THREADS'] = str(th)
            best_r = None
            for _ in range(args.repeat):
                # A fresh folder each run: prep resumes (skips) a case already in its report.
                out = os.path.join(tmp, 'r')
                shutil.rmtree(out, ignore_errors=True)
                rc, rss = peak_rss_kb([args.bin, 'prep', inp, '-o', out], env)
                rows = list(csv.DictReader(open(os.path.join(out, 'report.csv'))))
                if rc or len(rows) != 1 or rows[0]['status'] != 'ok':
                    print(name, 'lungprep failed:', rc, [(r['name'], r['status'], r['error']) for r in rows])
                    return 1
                row = rows[0]
                t = {k[:-2]: float(v) for k, v in row.items() if k.endswith('_s') and v}
                t['rss_kb'] = rss
                t['voxels'] = eval(row['shape'].replace(' ', '*'))
                if best_r is None or t['total'] < best_r['total']:
                    best_r = t
            best.append(best_r)
        label = f'{name} ({os.path.basename(inp)})'[:16]
        for s in STAGES + ['total']:
            o = best_o.get(s, 0.0)
            line = f'{label:<16} {s:<20} {o:>9.3f}'
            for b in best:
                r = b.get(s, 0.0)
                line += f' {r:>13.4f} {o / r if r else float("inf"):>6.1f}x'
            print(line)
        rss = ''.join(f' {b["rss_kb"] * 1024 / b["voxels"]:>13.1f} {"":>7}' for b in best)
        print(f'{label:<16} {"peak RSS B/voxel":<20} {"":>9}{rss}', flush=True)
        summary.append((label + ('*' if cached else ''), best[0]['voxels'], best_o['total'], best))
    if summary:
        heads = ''.join(f' | {"ours s" + (f" {t}t" if t else "")} | ratio | B/voxel' for t in threads)
        print(f'\n| scan | voxels | oracle s{heads} |')
        print('|---' * (3 + 3 * len(threads)) + '|')
        for label, vox, o, best in summary:
            cells = ''.join(f' | {b["total"]:.3f} | {o / b["total"]:.1f}x | '
                            f'{b["rss_kb"] * 1024 / vox:.2f}' for b in best)
            print(f'| {label} | {vox / 1e6:.1f} M | {o:.3f}{cells} |')
        if any(label.endswith('*') for label, *_ in summary):
            print('* oracle seconds from --oracle-cache (an earlier run)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
