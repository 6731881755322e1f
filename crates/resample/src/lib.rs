//! `scipy.ndimage`-exact spline zoom, resampling to a target spacing, and Gaussian filtering.
#![deny(missing_docs)]
