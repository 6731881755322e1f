import numpy as np
from numpy.typing import ArrayLike, NDArray

def convex_hull_image(image: ArrayLike, offset_coordinates: bool = ..., tolerance: float = ...,
                      include_borders: bool = ...) -> NDArray[np.bool_]: ...
