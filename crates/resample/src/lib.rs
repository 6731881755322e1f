//! `scipy.ndimage`-exact spline zoom, resampling to a target spacing, and Gaussian filtering.
//!
//! Every function reproduces scipy 1.17 number for number: the same float64 operations
//! in the same order as scipy's C core (`ni_interpolation.c`, `ni_splines.c`,
//! `ni_filters.c`), parallelised with rayon and restructured so that far fewer of
//! them are needed. Plain `ndarray` in and out; any element type implementing
//! [`Sample`].
//!
//! ```
//! use ndarray::array;
//! use lungprep_resample::{zoom, ZoomOptions, Mode};
//! let a = array![[0u8, 100], [200, 255]];
//! let opts = ZoomOptions { order: 1, mode: Mode::Nearest, ..ZoomOptions::default() };
//! let z = zoom(&a.view(), &[1.5, 1.5], &opts).unwrap();
//! assert_eq!(z.shape(), &[3, 3]);
//! assert_eq!(z[[1, 1]], 139);
//! ```
//!
//! Resampling a CT volume to 1 mm voxels (grt123's linear resample) and smoothing it:
//!
//! ```
//! use lungprep_resample::{gaussian_filter, resample_to_spacing, Mode};
//! use lungprep_resample::ndarray::Array3;
//!
//! let ct = Array3::<i16>::from_shape_fn((10, 20, 20), |(z, y, x)| (z * 7 + y * 3 + x) as i16);
//! let (iso, new_spacing) = resample_to_spacing(&ct.view(), &[2.5, 0.7, 0.7], &[1.0, 1.0, 1.0], 1)?;
//! assert_eq!(iso.shape(), &[25, 14, 14]); // round(shape * spacing / 1 mm)
//! assert!((new_spacing[0] - 1.0).abs() < 1e-12);
//! let smooth = gaussian_filter(&iso.mapv(f64::from).view(), &[1.0], 4.0, Mode::Reflect, 0.0)?;
//! assert_eq!(smooth.shape(), iso.shape());
//! # Ok::<(), lungprep_resample::Error>(())
//! ```
#![deny(missing_docs)]

pub use ndarray;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod boundary;
mod error;
mod gaussian;
mod mode;
mod resample;
mod sample;
mod simd;
mod spline;
mod zoom;
mod zuidhof;

pub use error::{Error, Result};
pub use gaussian::{correlate1d_sym, gaussian_filter, gaussian_filter_into, gaussian_kernel1d};
pub use mode::Mode;
pub use resample::{resample_geometry, resample_to_spacing};
pub use sample::Sample;
pub use zoom::{
    zoom, zoom_into, zoom_output_shape, zoom_to_shape, zoom_to_shape_into, zoom_to_shape_region,
    ZoomOptions,
};
pub use zuidhof::{zuidhof_geometry, zuidhof_resample};
