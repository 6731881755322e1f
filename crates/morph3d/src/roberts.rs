//! `skimage.filters.roberts`: Roberts' cross edge magnitude, bit-identical.
//!
//! scikit-image convolves with `[[1, 0], [0, -1]]` and `[[0, 1], [-1, 0]]` through
//! `scipy.ndimage.convolve` (mode `reflect`, so the last row and column are repeated), which
//! for these kernels is `pd[i, j] = -a[i, j] + a[i+1, j+1]` and `nd[i, j] = -a[i, j+1] +
//! a[i+1, j]` summed in that order in float64, then `sqrt(pd² + nd²) / sqrt(2)`. Every step is
//! one IEEE operation, so the result equals scikit-image's exactly (float64 input; booleans are
//! 0.0 / 1.0 as `img_as_float` makes them).

use ndarray::{Array2, ArrayView2};

/// `skimage.filters.roberts(image)` for a float64 image.
pub fn roberts(image: &ArrayView2<f64>) -> Array2<f64> {
    roberts_of(image, |v| v)
}

/// `skimage.filters.roberts(image)` for a boolean image (`img_as_float`: 0.0 / 1.0).
pub fn roberts_binary(image: &ArrayView2<bool>) -> Array2<f64> {
    roberts_of(image, f64::from)
}

fn roberts_of<T: Copy>(image: &ArrayView2<T>, f: impl Fn(T) -> f64) -> Array2<f64> {
    let (ny, nx) = image.dim();
    let at = |i: usize, j: usize| f(image[[i.min(ny - 1), j.min(nx - 1)]]);
    let s2 = 2f64.sqrt();
    Array2::from_shape_fn((ny, nx), |(i, j)| {
        let pd = -at(i, j) + at(i + 1, j + 1);
        let nd = -at(i, j + 1) + at(i + 1, j);
        (pd * pd + nd * nd).sqrt() / s2
    })
}
