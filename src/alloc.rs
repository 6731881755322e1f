//! Memory policy of the CLI process: freed memory stays in the process, and large blocks
//! get transparent huge pages (numpy's policy for arrays of 4 MiB and more).
//!
//! The pipeline allocates a fresh volume of tens to hundreds of MiB per stage. Faulting those
//! in 4 KiB pages costs more than the kernels that fill them: ≈1.5 µs a page on the 2-core
//! virtual machines we measure on, a third of a whole `prep` run. Reusing freed memory avoids
//! most faults, and 2 MiB pages cut the rest 512-fold. Measured on the 160×512² phantom
//! (with the bounding-box stages of `lungseg`): 288 k minor faults → ≈ 6 k, and a peak RSS of
//! ≈ 9.4 bytes per input voxel.

use std::alloc::{GlobalAlloc, Layout, System};

/// System allocator with `madvise(MADV_HUGEPAGE)` on blocks of [`HugePages::MIN`] or more.
pub struct HugePages;

impl HugePages {
    /// Smallest block advised (numpy's `madvise_hugepage` threshold).
    pub const MIN: usize = 4 << 20;

    #[cfg(target_os = "linux")]
    fn advise(ptr: *mut u8, size: usize) {
        const HUGE: usize = 2 << 20;
        let start = (ptr as usize).next_multiple_of(HUGE);
        let end = (ptr as usize + size) / HUGE * HUGE;
        if !ptr.is_null() && end > start {
            // SAFETY: advisory call on whole pages inside a block we own; failure is harmless.
            unsafe {
                libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
            }
        }
    }

    #[cfg(not(target_os = "linux"))]
    fn advise(_ptr: *mut u8, _size: usize) {}
}

// SAFETY: every call is forwarded to `System`; `advise` never changes memory contents.
unsafe impl GlobalAlloc for HugePages {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if layout.size() >= Self::MIN {
            Self::advise(p, layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        if layout.size() >= Self::MIN {
            Self::advise(p, layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if new_size >= Self::MIN {
            Self::advise(p, new_size);
        }
        p
    }
}

/// Keeps freed memory in the process for reuse instead of unmapping it (glibc: one arena,
/// no `mmap` for large blocks, no trimming), so each stage refills pages an earlier one
/// already faulted in. (Per-thread arenas would shrink their heaps and fault them in again.)
/// Call first thing in `main`, before any thread starts.
pub fn retain_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: `mallopt` only changes allocator tuning parameters; called before threads start.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
        libc::mallopt(libc::M_MMAP_MAX, 0);
        libc::mallopt(libc::M_TRIM_THRESHOLD, i32::MAX);
    }
}
