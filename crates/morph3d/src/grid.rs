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
impl<T> SendPtr<T> {
    /// The pointer (a method, so closures capture the whole `Send` wrapper).
    #[inline(always)]
    pub(crate) fn get(self) -> *mut T {
        self.0
    }
}

// SAFETY: users only write disjoint index sets from different tasks.
unsafe impl<T: Send> Send for SendPtr<T> {}
unsafe impl<T: Send> Sync for SendPtr<T> {}

/// A `vec![T::default(); n]` whose pages are backed by transparent huge pages where the OS
/// allows (Linux `madvise(MADV_HUGEPAGE)`, what numpy does for large arrays): first-touch page
/// faults otherwise dominate single-pass kernels on 10–100 MB outputs.
pub(crate) fn zeroed_vec<T: Copy + Default>(n: usize) -> Vec<T> {
    const HUGE: usize = 2 << 20;
    let bytes = n.saturating_mul(std::mem::size_of::<T>());
    if bytes < 2 * HUGE {
        return vec![T::default(); n];
    }
    let mut v: Vec<T> = Vec::with_capacity(n);
    #[cfg(target_os = "linux")]
    {
        let start = v.as_mut_ptr() as usize;
        let aligned = start.next_multiple_of(HUGE);
        let end = (start + bytes) / HUGE * HUGE;
        if end > aligned {
            // SAFETY: advisory call on a range inside our own allocation; failure is harmless.
            unsafe {
                libc::madvise(
                    aligned as *mut libc::c_void,
                    end - aligned,
                    libc::MADV_HUGEPAGE,
                );
            }
        }
    }
    v.resize(n, T::default());
    v
}
