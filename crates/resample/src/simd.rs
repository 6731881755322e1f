//! Runtime selection of wider vector code for the hot loops.
//!
//! The kernels are written as plain scalar Rust that LLVM vectorises. Compiled for the
//! x86-64 baseline (SSE2) a float64 vector holds two lanes; with AVX2 it holds four. The
//! operations are the same either way (Rust never contracts a multiply and an add into a
//! fused multiply-add), so results stay bit-identical to scipy on every CPU.

/// Calls `f`, compiled with AVX2 enabled when the CPU has it.
///
/// `f` should be an `#[inline(always)]` closure whose body calls `#[inline(always)]`
/// kernels, so that all of it is generated inside the AVX2 function.
#[inline(always)]
pub(crate) fn with_avx2<R>(f: impl FnOnce() -> R) -> R {
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        #[target_feature(enable = "avx2")]
        unsafe fn call<R>(f: impl FnOnce() -> R) -> R {
            f()
        }
        // SAFETY: the CPU supports AVX2, checked just above.
        return unsafe { call(f) };
    }
    f()
}
