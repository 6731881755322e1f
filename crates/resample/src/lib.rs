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
#![deny(missing_docs)]

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
