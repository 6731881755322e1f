import os
from typing import Optional, Union

from . import grt123 as grt123, hu as hu, measure as measure, morphology as morphology
from . import ndimage as ndimage, zuidhof as zuidhof
from ._volume import Volume as Volume

__version__: str

def read_volume(path: Union[str, os.PathLike], series: Optional[str] = ...) -> Volume: ...
