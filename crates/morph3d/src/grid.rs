//! Rank-agnostic helpers: every kernel works on a flat standard-layout buffer seen as
//! `[nz, ny, nx]` (lower ranks are padded with leading unit axes).

use crate::{Error, Result};

/// Shape padded to 3 axes with leading 1s; rank must be 1..=3.
pub(crate) fn shape3(shape: &[usize]) -> Result<[usize; 3]> {
    match *shape {
        [x] => Ok([1, 1, x]),
        [y, x] => Ok([1, y, x]),
        [z, y, x] => Ok([z, y, x]),
        _ => Err(Error::UnsupportedRank(shape.len())),
    }
}

/// Validates a sampling vector: one finite, strictly positive value per axis.
pub(crate) fn check_sampling(sampling: &[f64], ndim: usize) -> Result<()> {
    if sampling.len() != ndim {
        return Err(Error::InvalidSampling(format!(
            "expected {ndim} values, got {}",
            sampling.len()
        )));
    }
    if let Some(s) = sampling.iter().find(|s| !(s.is_finite() && **s > 0.0)) {
        return Err(Error::InvalidSampling(format!("{s} is not finite and > 0")));
    }
    Ok(())
}

/// A raw pointer that may be shared between rayon tasks that write disjoint elements.
#[derive(Clone, Copy)]
pub(crate) struct SendPtr<T>(pub *mut T);
// SAFETY: users only write disjoint index sets from different tasks.
unsafe impl<T: Send> Send for SendPtr<T> {}
unsafe impl<T: Send> Sync for SendPtr<T> {}
