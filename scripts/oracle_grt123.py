#!/usr/bin/env python3
"""The grt123 oracle's `step1`, `prep` and `prep --luna` of one scan in one process.

    oracle_grt123.py INPUT OUTDIR NAME [--annotations annotations.csv] [--oracle grt123_ref.py]

Writes OUTDIR/ref_step1 (m1.npy, m2.npy, meta.json), OUTDIR/ref_dsb and OUTDIR/ref_luna
(NAME_clean.npy, NAME_label.npy, meta.json): the files the three oracle commands write, from
the oracle's own functions called as its `main` calls them, but loading the scan and running
step 1 once instead of three times (the two presets differ only after step 1; `prep` does not
modify its inputs). Each folder gets `done.json` with the return code and output the oracle
command would have given, the format `parity_lungseg.py`'s oracle cache reads. Seconds in each
meta.json are what that command would have measured (load + step 1 [+ its own prep]).
"""
import json
import os
import sys
import time
import traceback

import numpy as np

_default = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'shared',
                        'reference', 'grt123_ref.py')
_oracle = sys.argv[sys.argv.index('--oracle') + 1] if '--oracle' in sys.argv else _default
sys.path.insert(0, os.path.dirname(os.path.abspath(_oracle)))
import grt123_ref as ref  # noqa: E402


def done(folder, rc, stdout='', stderr=''):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, 'done.json'), 'w') as f:
        json.dump({'rc': rc, 'stdout': stdout, 'stderr': stderr}, f)


def write_meta(folder, meta):
    with open(os.path.join(folder, 'meta.json'), 'w') as f:
        json.dump(meta, f, indent=1, default=float)
    return json.dumps(meta['seconds'], default=float) + '\n'


def main(argv):
    inp, out, name = argv[0], argv[1], argv[2]
    annotations = argv[argv.index('--annotations') + 1] if '--annotations' in argv else None
    folders = {k: os.path.join(out, 'ref_' + k) for k in ('step1', 'dsb', 'luna')}
    timings = {}
    try:
        t0 = time.perf_counter()
        image, spacing, origin, isflip = ref.load_any(inp)
        timings['load'] = time.perf_counter() - t0
        spacing = np.asarray(spacing, dtype=np.float64) if not os.path.isdir(inp) else spacing
        m1, m2 = ref.step1(image, spacing, timings)
        step1_total = time.perf_counter() - t0
    except Exception:  # noqa: BLE001 - the oracle command would have failed the same way
        err = traceback.format_exc()
        for f in folders.values():
            done(f, 1, '', err)
        return 0
    meta = {'input': inp, 'shape': list(image.shape), 'spacing': [float(s) for s in spacing],
            'isflip': isflip}
    f = folders['step1']
    os.makedirs(f, exist_ok=True)
    np.save(os.path.join(f, 'm1.npy'), m1)
    np.save(os.path.join(f, 'm2.npy'), m2)
    done(f, 0, write_meta(f, dict(meta, seconds=dict(timings, total=step1_total))))
    annos = ref.read_annotations(annotations, name) if annotations else []
    for preset, hull_ratio in (('dsb', 2.0), ('luna', 1.5)):
        f = folders[preset]
        os.makedirs(f, exist_ok=True)
        t = dict(timings)
        t1 = time.perf_counter()
        try:
            clean, label2, extendbox = ref.prep(image, m1, m2, spacing, origin, isflip, annos,
                                                hull_ratio, t)
        except Exception:  # noqa: BLE001
            done(f, 1, '', traceback.format_exc())
            continue
        np.save(os.path.join(f, name + '_clean.npy'), clean)
        np.save(os.path.join(f, name + '_label.npy'), label2)
        t['total'] = step1_total + time.perf_counter() - t1
        m = dict(meta, extendbox=extendbox.tolist(), clean_shape=list(clean.shape), seconds=t)
        done(f, 0, write_meta(f, m))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
