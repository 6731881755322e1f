#!/usr/bin/env python3
"""End-to-end `prep` speed and memory: the grt123 oracle vs `lungprep`, same scans, same run.

For each scan runs both N times (best of N), prints per-stage seconds side by side, the
end-to-end ratio (read included, process start excluded on both sides: the oracle's own
`total`, lungprep's report `total_s`) and peak RSS per input voxel.

    bench_pipeline.py [--bin target/release/lungprep] [--repeat 3] [--data ../shared/data]
"""
import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
STAGES = ['load', 'binarize_per_slice', 'all_slice_analysis', 'fill_hole', 'two_lung_only',
          'process_mask', 'apply_mask', 'resample']


def peak_rss_kb(cmd):
    """Runs cmd under /usr/bin/time and returns (returncode, max RSS in kB)."""
    r = subprocess.run(['/usr/bin/time', '-f', '%M'] + cmd, capture_output=True, text=True)
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
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix='bench_pipeline_')
    phantom = os.path.join(tmp, 'phantom.npy')
    subprocess.run([args.bin, 'phantom', phantom], check=True, capture_output=True)
    d = args.data
    scans = [('b70f', os.path.join(d, 'dicom/lung_dx_a0002/b70f')),
             ('lung1', os.path.join(d, 'nrrd/lung1.nrrd')),
             ('lung1', os.path.join(d, 'mhd/lung1.mhd')),
             ('phantom', phantom)]
    py = sys.executable
    print(f'{"scan":<16} {"stage":<20} {"oracle s":>9} {"lungprep s":>11} {"ratio":>7}')
    for name, inp in scans:
        if not os.path.exists(inp):
            print(f'skip {inp}: absent')
            continue
        best_o, best_r = None, None
        for _ in range(args.repeat):
            out = os.path.join(tmp, 'o')
            r = subprocess.run([py, args.oracle, 'prep', inp, out, name], capture_output=True, text=True)
            if r.returncode:
                print(name, 'oracle failed', r.stderr[-200:])
                break
            m = json.load(open(os.path.join(out, 'meta.json')))['seconds']
            if best_o is None or m['total'] < best_o['total']:
                best_o = m
            out = os.path.join(tmp, 'r')
            rc, rss = peak_rss_kb([args.bin, 'prep', inp, '-o', out])
            row = next(csv.DictReader(open(os.path.join(out, 'report.csv'))))
            t = {k[:-2]: float(v) for k, v in row.items() if k.endswith('_s') and v}
            t['rss_kb'] = rss
            t['voxels'] = eval(row['shape'].replace(' ', '*'))
            if best_r is None or t['total'] < best_r['total']:
                best_r = t
        if best_o is None:
            continue
        label = f'{name} ({os.path.basename(inp)})'[:16]
        for s in STAGES + ['total']:
            o, r = best_o.get(s, 0.0), best_r.get(s, 0.0)
            print(f'{label:<16} {s:<20} {o:>9.3f} {r:>11.4f} {o / r if r else float("inf"):>6.1f}x')
        print(f'{label:<16} {"peak RSS B/voxel":<20} {"":>9} {best_r["rss_kb"] * 1024 / best_r["voxels"]:>11.1f}')
    return 0


if __name__ == '__main__':
    sys.exit(main())
