//! Hounsfield-unit arithmetic for CT arrays, numerically identical to the numpy code it
//! replaces.
//!
//! * [`to_hu`]: stored DICOM values → HU exactly as grt123's `get_pixels_hu` (int16 stack,
//!   slope through float64 truncated back to int16, then `+= int16(intercept)` wrapping).
//! * [`lum_trans`]: grt123's lung window `[-1200, 600]` → `u8`.
//! * [`normalize`], [`zero_center`]: the Kaggle tutorial's `[-1000, 400]` → `[0, 1]` and
//!   `- 0.25`.
//! * [`window`]: a general centre/width window to `[0, 1]`.
//! * [`zuidhof_hu`]: Zuidhof's tutorial `get_pixels_hu` (stored −2000 → 0, then as `to_hu`).
//! * [`histogram()`]: `numpy.histogram(a, bins=n)` with identical counts and float64 edges.
//!
//! Everything works on `ndarray` arrays of any dimension and runs in parallel (rayon) on
//! large inputs. [`ndarray`] is re-exported, so callers use the same version as this crate.
//!
//! ```
//! use lungprep_hu::{lum_trans, normalize, to_hu, zero_center, Rescale};
//! use lungprep_hu::ndarray::Array3;
//!
//! // Two slices of stored values with their own modality LUTs, as a DICOM series has.
//! let mut image = Array3::<i16>::from_elem((2, 2, 2), 1000);
//! let luts = [
//!     Rescale { slope: 1.0, intercept: -1024.0 },
//!     Rescale { slope: 2.0, intercept: -2048.0 },
//! ];
//! to_hu(&mut image.view_mut(), &luts)?;
//! assert_eq!(image[[0, 0, 0]], -24); // 1000 - 1024
//! assert_eq!(image[[1, 0, 0]], -48); // int16(2.0 * 1000) - 2048
//!
//! // grt123's lung window to u8, and the Kaggle tutorial's normalization.
//! assert_eq!(lum_trans(&image.view())[[0, 0, 0]], 166);
//! let n = normalize(&image.view());
//! assert!((n[[0, 0, 0]] - 976.0 / 1400.0).abs() < 1e-6);
//! assert!((zero_center(&n.view())[[0, 0, 0]] - (976.0 / 1400.0 - 0.25)).abs() < 1e-6);
//! # Ok::<(), lungprep_hu::Error>(())
//! ```
#![deny(missing_docs)]

pub use ndarray;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

use ndarray::{Array, ArrayView, ArrayViewMut3, Dimension, Zip};
use num_traits::ToPrimitive;

pub mod histogram;
mod zuidhof;

pub use histogram::{histogram, Histogram, HistogramSample};
pub use zuidhof::{zuidhof_hu, ZUIDHOF_PADDING};

/// Errors from the HU functions.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum Error {
    /// The number of per-slice rescale parameters does not match the number of slices.
    #[error("{params} rescale parameter pairs for {slices} slices")]
    SliceCount {
        /// Slices in the volume.
        slices: usize,
        /// Rescale pairs given.
        params: usize,
    },
    /// A window with a width that is not a positive finite number.
    #[error("window width must be positive and finite, got {0}")]
    BadWidth(f64),
    /// A histogram asked for zero bins.
    #[error("a histogram needs at least one bin")]
    ZeroBins,
    /// A histogram over data holding NaN or an infinity (numpy: "autodetected range … is not
    /// finite").
    #[error("autodetected range of [{min}, {max}] is not finite")]
    NonFiniteRange {
        /// Smallest value (NaN when the data holds NaN).
        min: f64,
        /// Largest value (NaN when the data holds NaN).
        max: f64,
    },
    /// The data range is too narrow for that many distinct float64 edges.
    #[error(
        "too many bins for data range: cannot create {bins} finite-sized bins in [{first}, {last}]"
    )]
    TooManyBins {
        /// Bins asked for.
        bins: usize,
        /// Lowest edge.
        first: f64,
        /// Highest edge.
        last: f64,
    },
}

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// grt123's lung window, in HU.
pub const LUNG_WINDOW: [f64; 2] = [-1200.0, 600.0];
/// The Kaggle tutorial's normalization bounds, in HU.
pub const NORMALIZE_BOUNDS: [f64; 2] = [-1000.0, 400.0];
/// The tutorial's dataset mean after [`normalize`] (LUNA16).
pub const PIXEL_MEAN: f32 = 0.25;

/// Below this many elements the parallel paths are not worth their overhead.
const PAR_MIN: usize = 1 << 16;

/// A DICOM modality LUT: `HU = slope · stored + intercept`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rescale {
    /// RescaleSlope (0028,1053).
    pub slope: f64,
    /// RescaleIntercept (0028,1052).
    pub intercept: f64,
}

impl Default for Rescale {
    fn default() -> Self {
        Rescale {
            slope: 1.0,
            intercept: 0.0,
        }
    }
}

/// numpy's float64 → int16 cast for values that fit (truncation toward zero). Values outside
/// the int16 range are undefined behaviour in numpy; here they go through `i32` and wrap like
/// the x86 conversion numpy compiles to in practice.
#[inline]
fn f64_to_i16_numpy(v: f64) -> i16 {
    v as i32 as i16
}

/// numpy's `np.int16(x)` for a Python float: truncation toward zero, wrapping.
#[inline]
fn intercept_to_i16(v: f64) -> i16 {
    v as i64 as i16
}

/// Converts a stack of stored values (already cast to int16, as grt123's
/// `np.stack(...).astype(np.int16)` does) to HU in place, slice by slice, exactly as
/// `get_pixels_hu`:
///
/// ```text
/// if slope != 1: image[n] = int16(float64(slope) * float64(image[n]))   # truncation
/// image[n] += int16(intercept)                                         # int16 wrap-around
/// ```
///
/// `rescale` holds one entry per z-slice.
pub fn to_hu(image: &mut ArrayViewMut3<i16>, rescale: &[Rescale]) -> Result<()> {
    let slices = image.shape()[0];
    if rescale.len() != slices {
        return Err(Error::SliceCount {
            slices,
            params: rescale.len(),
        });
    }
    let apply = |mut plane: ndarray::ArrayViewMut2<i16>, r: &Rescale| {
        let intercept = intercept_to_i16(r.intercept);
        if r.slope != 1.0 {
            let slope = r.slope;
            plane.mapv_inplace(|v| f64_to_i16_numpy(slope * v as f64).wrapping_add(intercept));
        } else {
            plane.mapv_inplace(|v| v.wrapping_add(intercept));
        }
    };
    if image.len() >= PAR_MIN {
        Zip::from(image.outer_iter_mut())
            .and(rescale)
            .par_for_each(apply);
    } else {
        Zip::from(image.outer_iter_mut())
            .and(rescale)
            .for_each(apply);
    }
    Ok(())
}

fn map_par<A, B, D, F>(input: &ArrayView<A, D>, f: F) -> Array<B, D>
where
    A: Copy + Sync,
    B: Copy + Send + Default,
    D: Dimension,
    F: Fn(A) -> B + Sync + Send,
{
    if input.len() >= PAR_MIN {
        Zip::from(input).par_map_collect(|&v| f(v))
    } else {
        input.mapv(f)
    }
}

/// grt123's `lum_trans`: `(x - (-1200)) / 1800` in float64, clipped to `[0, 1]`, times 255,
/// truncated to `u8`. NaN maps to 0.
pub fn lum_trans<A, D>(image: &ArrayView<A, D>) -> Array<u8, D>
where
    A: ToPrimitive + Copy + Sync,
    D: Dimension,
{
    map_par(image, lum_trans_value)
}

/// [`lum_trans`] for a single value.
#[inline]
pub fn lum_trans_value<A: ToPrimitive>(v: A) -> u8 {
    let x = v.to_f64().unwrap_or(f64::NAN);
    let n = (x - LUNG_WINDOW[0]) / (LUNG_WINDOW[1] - LUNG_WINDOW[0]);
    let n = clip01(n);
    // `as u8` truncates toward zero like numpy's astype('uint8') for values in [0, 255].
    (n * 255.0) as u8
}

/// The tutorial's `normalize`: `(x + 1000) / 1400` clipped to `[0, 1]`, computed in float64 and
/// rounded once to `f32` (numpy's result on int16 HU input, cast to float32).
pub fn normalize<A, D>(image: &ArrayView<A, D>) -> Array<f32, D>
where
    A: ToPrimitive + Copy + Sync,
    D: Dimension,
{
    let [lo, hi] = NORMALIZE_BOUNDS;
    map_par(image, move |v| clip01((to_f64(v) - lo) / (hi - lo)) as f32)
}

/// The tutorial's `zero_center`: subtract [`PIXEL_MEAN`] (float32 arithmetic, like numpy on a
/// float32 array).
pub fn zero_center<D: Dimension>(image: &ArrayView<f32, D>) -> Array<f32, D> {
    map_par(image, |v| v - PIXEL_MEAN)
}

/// A general window: maps `[center - width/2, center + width/2]` linearly to `[0, 1]` and clips,
/// computed in float64 and rounded once to `f32`.
pub fn window<A, D>(image: &ArrayView<A, D>, center: f64, width: f64) -> Result<Array<f32, D>>
where
    A: ToPrimitive + Copy + Sync,
    D: Dimension,
{
    if !(width.is_finite() && width > 0.0) {
        return Err(Error::BadWidth(width));
    }
    let lo = center - width / 2.0;
    Ok(map_par(image, move |v| {
        clip01((to_f64(v) - lo) / width) as f32
    }))
}

#[inline]
fn to_f64<A: ToPrimitive>(v: A) -> f64 {
    v.to_f64().unwrap_or(f64::NAN)
}

/// numpy's `x[x > 1] = 1; x[x < 0] = 0` (NaN passes through).
#[inline]
fn clip01(x: f64) -> f64 {
    // f64::clamp keeps NaN, like numpy's masked assignments.
    x.clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{arr1, Array3};

    #[test]
    fn lum_trans_known_values() {
        let x = arr1(&[-2000i16, -1200, -1199, 0, 599, 600, 3000]);
        let y = lum_trans(&x.view());
        // (x + 1200) / 1800 * 255, truncated
        assert_eq!(y.to_vec(), vec![0, 0, 0, 170, 254, 255, 255]);
    }

    #[test]
    fn lum_trans_nan_is_zero() {
        assert_eq!(lum_trans_value(f64::NAN), 0);
    }

    #[test]
    fn to_hu_slope_and_wrap() {
        let mut v = Array3::from_shape_vec((2, 1, 3), vec![100i16, -3, 32767, 7, 8, 9]).unwrap();
        let r = [
            Rescale {
                slope: 1.0,
                intercept: 1.0,
            },
            Rescale {
                slope: 0.5,
                intercept: -1024.7,
            },
        ];
        to_hu(&mut v.view_mut(), &r).unwrap();
        // slice 0: +1 with int16 wrap; slice 1: trunc(0.5 v) + int16(-1024.7) = trunc + -1024
        assert_eq!(
            v.as_slice().unwrap(),
            &[101, -2, -32768, -1021, -1020, -1020]
        );
    }

    #[test]
    fn to_hu_rejects_wrong_count() {
        let mut v = Array3::<i16>::zeros((2, 1, 1));
        assert_eq!(
            to_hu(&mut v.view_mut(), &[Rescale::default()]),
            Err(Error::SliceCount {
                slices: 2,
                params: 1
            })
        );
    }

    #[test]
    fn normalize_and_center() {
        let x = arr1(&[-1500i16, -1000, -300, 400, 900]);
        let n = normalize(&x.view());
        assert_eq!(n.to_vec(), vec![0.0, 0.0, 0.5, 1.0, 1.0]);
        let z = zero_center(&n.view());
        assert_eq!(z.to_vec(), vec![-0.25, -0.25, 0.25, 0.75, 0.75]);
    }

    #[test]
    fn window_maps_and_rejects() {
        let x = arr1(&[-100.0f64, 0.0, 50.0, 100.0]);
        let w = window(&x.view(), 0.0, 100.0).unwrap();
        assert_eq!(w.to_vec(), vec![0.0, 0.5, 1.0, 1.0]);
        assert!(window(&x.view(), 0.0, 0.0).is_err());
        assert!(window(&x.view(), 0.0, f64::NAN).is_err());
    }

    #[test]
    fn parallel_path_matches_serial() {
        let x = Array3::from_shape_fn((4, 130, 130), |(z, y, x)| {
            (z as i16 * 700) - 1500 + (y as i16 * 3) - (x as i16)
        });
        let par = lum_trans(&x.view());
        let ser = x.mapv(lum_trans_value);
        assert_eq!(par, ser);
    }

    mod props {
        use super::super::*;
        use ndarray::Array1;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn lum_trans_monotone_and_clipped(mut v in proptest::collection::vec(any::<i16>(), 1..200)) {
                v.sort();
                let y = lum_trans(&Array1::from(v.clone()).view());
                for w in y.windows(2) {
                    prop_assert!(w[0] <= w[1]);
                }
                for (&x, &o) in v.iter().zip(y.iter()) {
                    if x <= -1200 { prop_assert_eq!(o, 0); }
                    if x >= 600 { prop_assert_eq!(o, 255); }
                }
            }

            #[test]
            fn normalize_in_unit_interval(v in proptest::collection::vec(any::<i16>(), 1..200)) {
                let y = normalize(&Array1::from(v).view());
                prop_assert!(y.iter().all(|&f| (0.0..=1.0).contains(&f)));
            }
        }
    }
}
