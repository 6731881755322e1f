//! Zuidhof's tutorial `resample` (Kaggle DSB2017, seeds 003/004).

use ndarray::{Array3, ArrayView3};

use crate::mode::Mode;
use crate::zoom::{zoom, ZoomOptions};
use crate::{Error, Result, Sample};

/// The tutorial's shape arithmetic, in numpy's order and types. `spacing` is float32 (the
/// tutorial builds it with `np.array(..., dtype=np.float32)`); everything after is float64:
///
/// ```text
/// resize_factor = spacing / new_spacing
/// new_shape = round(shape * resize_factor)          # half to even
/// real_resize_factor = new_shape / shape
/// new_spacing = spacing / real_resize_factor        # float64 (float32 / float64 in numpy)
/// ```
///
/// Returns `(new_shape, real_resize_factor, new_spacing)`. This differs from grt123's
/// [`crate::resample_geometry`], which computes `shape * spacing / new_spacing` and
/// `spacing * shape / new_shape`: the same values in exact arithmetic, not always in
/// float64.
pub fn zuidhof_geometry(
    shape: [usize; 3],
    spacing: [f32; 3],
    new_spacing: [f64; 3],
) -> Result<([usize; 3], [f64; 3], [f64; 3])> {
    let mut new_shape = [0usize; 3];
    let mut factors = [0f64; 3];
    let mut out_spacing = [0f64; 3];
    for k in 0..3 {
        let s = f64::from(spacing[k]);
        let n = shape[k] as f64;
        let real = n * (s / new_spacing[k]);
        let new_n = real.round_ties_even();
        if !(new_n.is_finite() && new_n >= 1.0 && new_n <= u32::MAX as f64) {
            return Err(Error::InvalidParameter(format!(
                "resampling an axis of {n} voxels from spacing {s} to {} gives {new_n} voxels",
                new_spacing[k]
            )));
        }
        new_shape[k] = new_n as usize;
        factors[k] = new_n / n;
        out_spacing[k] = s / factors[k];
    }
    Ok((new_shape, factors, out_spacing))
}

/// Zuidhof's `resample(image, spacing, new_spacing)`: `scipy.ndimage.zoom(image,
/// real_resize_factor, mode='nearest')` (order 3, prefiltered) with the factors of
/// [`zuidhof_geometry`]. Returns the resampled array, identical to scipy's for every element
/// type (int16 HU in the tutorial: scipy rounds half away from zero and saturates), and the
/// float64 new spacing the tutorial returns.
///
/// ```
/// use ndarray::Array3;
/// let hu = Array3::<i16>::from_elem((4, 6, 6), -1000);
/// let (res, sp) = lungprep_resample::zuidhof_resample(&hu.view(), [2.5, 0.5, 0.5], [1.0; 3]).unwrap();
/// assert_eq!(res.shape(), &[10, 3, 3]);
/// assert_eq!(sp, [1.0, 1.0, 1.0]);
/// assert!(res.iter().all(|&v| v == -1000));
/// ```
pub fn zuidhof_resample<T: Sample>(
    image: &ArrayView3<T>,
    spacing: [f32; 3],
    new_spacing: [f64; 3],
) -> Result<(Array3<T>, [f64; 3])> {
    let sh = image.shape();
    if sh.contains(&0) {
        return Err(Error::InvalidParameter(format!(
            "cannot resample an empty volume of shape {sh:?}"
        )));
    }
    let (_, factors, out_spacing) = zuidhof_geometry([sh[0], sh[1], sh[2]], spacing, new_spacing)?;
    let opts = ZoomOptions {
        order: 3,
        mode: Mode::Nearest,
        ..ZoomOptions::default()
    };
    Ok((zoom(image, &factors, &opts)?, out_spacing))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn geometry_in_numpys_order() {
        // numpy: [110, 512, 512] * (float32([2.5, 0.703125, 0.703125]) / 1) -> 275, 360, 360.
        let (shape, f, sp) =
            zuidhof_geometry([110, 512, 512], [2.5, 0.703125, 0.703125], [1.0; 3]).unwrap();
        assert_eq!(shape, [275, 360, 360]);
        assert_eq!(f, [2.5, 360.0 / 512.0, 360.0 / 512.0]);
        assert_eq!(
            sp,
            [1.0, 0.703125 / (360.0 / 512.0), 0.703125 / (360.0 / 512.0)]
        );
        // float32 spacing: 0.7 is 0.699999988079071 before the float64 arithmetic.
        let (_, _, sp) = zuidhof_geometry([3, 10, 10], [1.0, 0.7, 0.7], [1.0; 3]).unwrap();
        assert_eq!(sp[1], f64::from(0.7f32) / 0.7);
    }

    #[test]
    fn rejects_empty_and_vanishing_axes() {
        let a = Array3::<i16>::zeros((0, 4, 4));
        assert!(zuidhof_resample(&a.view(), [1.0; 3], [1.0; 3]).is_err());
        let a = Array3::<i16>::zeros((2, 4, 4));
        assert!(zuidhof_resample(&a.view(), [0.1, 1.0, 1.0], [1.0; 3]).is_err());
        assert!(zuidhof_resample(&a.view(), [f32::NAN, 1.0, 1.0], [1.0; 3]).is_err());
    }
}
