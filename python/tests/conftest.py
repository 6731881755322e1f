"""Shared fixtures: random inputs, the real scans and the grt123 oracle.

The real scans and the oracle live in ``../shared`` beside the repository (override with
``LUNGPREP_SHARED``); tests that need them skip, saying why, when they are absent.
"""
import importlib.util
import os
import pathlib

import numpy as np
import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHARED = pathlib.Path(os.environ.get("LUNGPREP_SHARED", ROOT.parent / "shared"))
DATA = SHARED / "data"
ORACLE = SHARED / "reference" / "grt123_ref.py"

# Shapes of rank 1..3, including 1-voxel-thick ones and single voxels.
SHAPES = [(1,), (17,), (1, 1), (1, 9), (7, 1), (13, 11), (1, 8, 9), (6, 1, 5), (5, 7, 1),
          (1, 1, 1), (9, 10, 11)]


def views(a):
    """The array, and non-contiguous views of it with the same rank (strided, reversed,
    transposed) — the kernels must read them correctly."""
    out = [("c", a)]
    if a.ndim >= 1 and a.shape[-1] > 2:
        b = np.concatenate([a, a], axis=-1)[..., ::2]
        out.append(("strided", b))
    if a.ndim >= 2:
        out.append(("T", a.T))
        out.append(("rev", a[::-1]))
    return out


@pytest.fixture(scope="session")
def oracle():
    if not ORACLE.exists():
        pytest.skip(f"oracle {ORACLE} absent")
    spec = importlib.util.spec_from_file_location("grt123_ref", ORACLE)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def scan(rel):
    p = DATA / rel
    if not p.exists():
        pytest.skip(f"real scan {p} absent")
    return p


def rng(seed=0):
    return np.random.default_rng(seed)
