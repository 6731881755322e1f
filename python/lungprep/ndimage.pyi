from typing import Literal, Optional, Sequence, Tuple, Union, overload

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

_Mode = Literal["reflect", "nearest", "mirror", "constant", "wrap", "grid-constant",
                "grid-mirror", "grid-wrap"]
_Floats = Union[float, Sequence[float]]

def label(input: ArrayLike, structure: Optional[ArrayLike] = ...,
          output: None = ...) -> Tuple[NDArray[np.int32], int]: ...
@overload
def distance_transform_edt(input: ArrayLike, sampling: Optional[_Floats] = ...,
                           return_distances: Literal[True] = ...,
                           return_indices: Literal[False] = ..., distances: None = ...,
                           indices: None = ...) -> NDArray[np.float64]: ...
@overload
def distance_transform_edt(input: ArrayLike, sampling: Optional[_Floats] = ...,
                           return_distances: bool = ..., return_indices: bool = ...,
                           distances: None = ..., indices: None = ...
                           ) -> Union[NDArray[np.float64], NDArray[np.int32],
                                      Tuple[NDArray[np.float64], NDArray[np.int32]]]: ...
def binary_dilation(input: ArrayLike, structure: Optional[ArrayLike] = ..., iterations: int = ...,
                    mask: Optional[ArrayLike] = ..., output: None = ..., border_value: int = ...,
                    origin: int = ..., brute_force: bool = ..., *,
                    axes: Optional[Sequence[int]] = ...) -> NDArray[np.bool_]: ...
def binary_erosion(input: ArrayLike, structure: Optional[ArrayLike] = ..., iterations: int = ...,
                   mask: Optional[ArrayLike] = ..., output: None = ..., border_value: int = ...,
                   origin: int = ..., brute_force: bool = ..., *,
                   axes: Optional[Sequence[int]] = ...) -> NDArray[np.bool_]: ...
def binary_fill_holes(input: ArrayLike, structure: Optional[ArrayLike] = ..., output: None = ...,
                      origin: int = ..., *, axes: Optional[Sequence[int]] = ...
                      ) -> NDArray[np.bool_]: ...
def zoom(input: ArrayLike, zoom: _Floats, output: Optional[DTypeLike] = ..., order: int = ...,
         mode: _Mode = ..., cval: float = ..., prefilter: bool = ..., *,
         grid_mode: bool = ...) -> np.ndarray: ...
def gaussian_filter(input: ArrayLike, sigma: _Floats, order: int = ...,
                    output: Optional[DTypeLike] = ..., mode: Union[_Mode, Sequence[_Mode]] = ...,
                    cval: float = ..., truncate: float = ..., *, radius: None = ...,
                    axes: Optional[Sequence[int]] = ...) -> np.ndarray: ...
