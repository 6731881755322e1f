import numpy as np
from numpy.typing import ArrayLike, NDArray

def segment_lung_mask(image: ArrayLike, fill_lung_structures: bool = ...) -> NDArray[np.int8]: ...
