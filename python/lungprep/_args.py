"""Shared argument handling: dtype conversion and ``NotImplementedError`` for what is not
supported (never a silently different result)."""
from __future__ import annotations

import numpy as np


def unsupported(func: str, name: str, why: str = "") -> NotImplementedError:
    msg = f"lungprep.{func}: argument {name!r} is not supported"
    return NotImplementedError(msg + (f" ({why})" if why else ""))


def reject(func: str, **given) -> None:
    """Raises NotImplementedError for the first argument that is not its default (None)."""
    for name, value in given.items():
        if value is not None:
            raise unsupported(func, name)


def as_bool(func: str, a) -> np.ndarray:
    """scipy's ``input = np.asarray(input); input != 0`` for the binary functions: no copy for
    a bool array (C-contiguous or not: the kernels read strided views)."""
    a = np.asarray(a)
    if np.iscomplexobj(a):
        raise TypeError(f"lungprep.{func}: complex input not supported")
    if a.dtype != np.bool_:
        a = a != 0
    return a


def check_rank(func: str, a: np.ndarray, ranks=(1, 2, 3)) -> None:
    if a.ndim not in ranks:
        raise unsupported(func, "input", f"rank {a.ndim}; supported ranks: {list(ranks)}")


NUMERIC = tuple(np.dtype(t) for t in (
    np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32, np.int64, np.uint64,
    np.float32, np.float64,
))


def as_numeric(func: str, a) -> np.ndarray:
    """Native-endian numeric array (the dtypes the kernels take); others are refused."""
    a = np.asarray(a)
    if a.dtype == np.bool_:
        raise unsupported(func, "input", "dtype bool")
    if not a.dtype.isnative:
        a = a.astype(a.dtype.newbyteorder("="))
    if a.dtype not in NUMERIC:
        raise unsupported(func, "input", f"dtype {a.dtype}")
    return a


def per_axis(func: str, name: str, value, ndim: int) -> list:
    if np.ndim(value) == 0:
        return [float(value)] * ndim
    v = [float(x) for x in value]
    if len(v) != ndim:
        raise ValueError(f"lungprep.{func}: {name} has {len(v)} entries but the input has {ndim} axes")
    return v
