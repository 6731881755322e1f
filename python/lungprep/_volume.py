"""``read_volume`` and the :class:`Volume` it returns."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Optional, Union

import numpy as np

from . import _lungprep


@dataclass
class Volume:
    """A CT volume in HU with its geometry, as the lungprep pipeline sees it.

    Attributes:
        hu: int16 HU voxels, ``(z, y, x)``, in the canonical layout (identity direction up to
            an oblique residual; see ``docs/coordinates.md``).
        spacing: voxel size in mm, ``(z, y, x)``.
        origin: world position (LPS, mm) of voxel ``[0, 0, 0]``, ``(z, y, x)``.
        direction: 3x3 direction cosines (rows: the array's x, y, z axes in world LPS).
        info: what ``lungprep info`` shows (format, series UID/number, patient ID, modality,
            number of files, warnings, the stored geometry, ...).
    """

    hu: np.ndarray
    spacing: tuple
    origin: tuple
    direction: np.ndarray
    info: dict = field(default_factory=dict)

    @property
    def grt123_spacing(self) -> np.ndarray:
        """The spacing grt123's loader reports: for DICOM the distance of the first two slices,
        as float32 (which ``grt123.step1``/``prep`` then reproduce); float64 otherwise."""
        dt = np.float32 if self.info["grt123_spacing_f32"] else np.float64
        return np.array(self.info["grt123_spacing"], dtype=dt)

    @property
    def grt123_origin(self) -> np.ndarray:
        """The origin grt123's loader reports (the file's, before any flip), ``(z, y, x)``."""
        return np.array(self.info["grt123_origin"], dtype=np.float64)

    @property
    def isflip(self) -> bool:
        """grt123's ``isflip``: a ``.mhd`` whose TransformMatrix is not the identity."""
        return bool(self.info["flipped"])


def read_volume(path: Union[str, os.PathLike], series: Optional[str] = None) -> Volume:
    """Reads a CT scan into a :class:`Volume`.

    Args:
        path: a DICOM series folder (searched recursively), a single DICOM file, ``.mhd`` /
            ``.mha``, ``.nrrd`` / ``.nhdr``, ``.nii`` / ``.nii.gz`` or ``.npy`` (geometry from
            an ``X.npy.spacing.json`` sidecar when present).
        series: for a folder holding several DICOM series, the SeriesInstanceUID to read
            (default: the series with the most slices).

    Returns:
        The HU volume: exactly what ``lungprep prep`` feeds the pipeline (DICOM converted to
        HU as pydicom + grt123's ``get_pixels_hu``; other inputs cast to int16 exactly).

    Raises:
        FileNotFoundError / OSError: the path cannot be read.
        ValueError: the file is not a valid volume (the message says why).
    """
    arr, info = _lungprep.read_volume(os.fspath(path), series)
    return Volume(
        hu=arr,
        spacing=tuple(info["spacing"]),
        origin=tuple(info["origin"]),
        direction=np.array(info["direction"], dtype=np.float64),
        info=info,
    )
