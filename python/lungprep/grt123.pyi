from typing import Literal, Optional, Sequence, Tuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

def step1(hu: ArrayLike, spacing: ArrayLike) -> Tuple[NDArray[np.bool_], NDArray[np.bool_]]: ...
def prep(hu: ArrayLike, spacing: ArrayLike, origin: Optional[ArrayLike] = ...,
         isflip: bool = ..., annotations: Optional[Sequence[Sequence[float]]] = ...,
         preset: Literal["dsb", "luna"] = ...
         ) -> Tuple[NDArray[np.uint8], np.ndarray, NDArray[np.int64]]: ...
