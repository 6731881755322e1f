//! Binary morphology on 2-D and 3-D `ndarray` arrays, identical to `scipy.ndimage` and
//! scikit-image.
#![deny(missing_docs)]
