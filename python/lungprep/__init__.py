"""lungprep: fast, bit-exact chest CT preprocessing, from Python.

* :func:`read_volume` reads a DICOM folder, ``.mhd``/``.mha``, NRRD, NIfTI or ``.npy`` into
  an int16 HU array ``(z, y, x)`` with its geometry.
* :mod:`lungprep.grt123` runs the Kaggle DSB2017 winner's preprocessing (``step1``, ``prep``),
  :mod:`lungprep.zuidhof` the Kaggle tutorial's lung mask, :mod:`lungprep.hu` the HU
  transforms.
* :mod:`lungprep.ndimage`, :mod:`lungprep.measure` and :mod:`lungprep.morphology` are drop-in
  replacements for the ``scipy.ndimage`` / ``skimage.measure`` / ``skimage.morphology``
  functions of the same names: same signatures, dtypes and results (bit for bit), many times
  faster. An argument they do not support raises ``NotImplementedError`` naming it.

Every function releases the GIL while it computes, so threads (or a PyTorch ``DataLoader``)
run them in parallel.
"""
from ._lungprep import __version__
from ._volume import Volume, read_volume
from . import grt123, hu, measure, morphology, ndimage, zuidhof

__all__ = [
    "Volume",
    "read_volume",
    "grt123",
    "hu",
    "measure",
    "morphology",
    "ndimage",
    "zuidhof",
    "__version__",
]
