//! Runs of a row: the half-open ranges where a predicate holds.

/// Appends to `out` the half-open ranges `[start, end)` of consecutive bytes of `row` greater
/// than `above`, in order (a depth map's voxels deeper than `above`).
///
/// A CT mask row is a few long runs: the row is read 64 bytes at a time into a bit mask, and
/// the run ends inside it are found by counting trailing zeros, not byte by byte.
pub fn row_runs(row: &[u8], above: u8, out: &mut Vec<(u32, u32)>) {
    if above == u8::MAX {
        return;
    }
    let mut start: Option<usize> = None;
    for (c, chunk) in row.chunks(64).enumerate() {
        let base = c * 64;
        let bits = match <&[u8; 64]>::try_from(chunk) {
            Ok(full) => greater64(full, above),
            Err(_) => chunk
                .iter()
                .enumerate()
                .fold(0, |b, (j, &v)| b | u64::from(v > above) << j),
        };
        let len = chunk.len() as u32;
        // Past a short chunk's end `!bits` is set: masked out, an end there is the next chunk's.
        let off = !bits & if len == 64 { u64::MAX } else { (1 << len) - 1 };
        let mut j = 0u32;
        while j < len {
            let rest = if start.is_none() { bits } else { off } >> j;
            if rest == 0 {
                break;
            }
            j += rest.trailing_zeros();
            match start.take() {
                None => start = Some(base + j as usize),
                Some(a) => out.push((a as u32, (base + j as usize) as u32)),
            }
        }
    }
    if let Some(a) = start {
        out.push((a as u32, row.len() as u32));
    }
}

/// [`row_runs`] of a boolean row: its runs of `true`.
pub fn mask_runs(row: &[bool], out: &mut Vec<(u32, u32)>) {
    row_runs(bytemuck::cast_slice(row), 0, out);
}

/// Bit `j` set where `chunk[j] > above` (`above` < 255).
#[inline(always)]
fn greater64(chunk: &[u8; 64], above: u8) -> u64 {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: SSE2 is part of the x86_64 baseline, and the four loads read exactly the 64
    // bytes of `chunk`. The intrinsics are safe to call from Rust 1.87; under the MSRV they
    // are unsafe, hence `allow(unused_unsafe)`.
    #[allow(unused_unsafe)]
    unsafe {
        use std::arch::x86_64::*;
        // v > above ⟺ max(v, above + 1) == v, unsigned.
        let t = _mm_set1_epi8((above + 1) as i8);
        let mut bits = 0u64;
        for k in 0..4 {
            let v = _mm_loadu_si128(chunk.as_ptr().add(16 * k).cast());
            let ge = _mm_cmpeq_epi8(_mm_max_epu8(v, t), v);
            bits |= u64::from(_mm_movemask_epi8(ge) as u16) << (16 * k);
        }
        bits
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        chunk
            .iter()
            .enumerate()
            .fold(0, |b, (j, &v)| b | u64::from(v > above) << j)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The element-by-element definition.
    fn plain(row: &[bool]) -> Vec<(u32, u32)> {
        let mut out = Vec::new();
        let mut i = 0;
        while i < row.len() {
            if row[i] {
                let a = i;
                while i < row.len() && row[i] {
                    i += 1;
                }
                out.push((a as u32, i as u32));
            } else {
                i += 1;
            }
        }
        out
    }

    proptest::proptest! {
        /// Long and short runs, rows of any length (chunk ends inside and between runs).
        #[test]
        fn runs_are_the_plain_scan(lens in proptest::collection::vec(0usize..90, 0..12), first in proptest::bool::ANY) {
            let mut row = Vec::new();
            let mut v = first;
            for l in lens {
                row.extend(std::iter::repeat_n(v, l));
                v = !v;
            }
            let mut out = vec![(7, 7)];
            mask_runs(&row, &mut out);
            proptest::prop_assert_eq!(&out[..1], &[(7, 7)]);
            proptest::prop_assert_eq!(out[1..].to_vec(), plain(&row));
        }

        /// Bytes above a threshold: the runs of the thresholded row, for every threshold.
        #[test]
        fn byte_runs_are_the_thresholded_rows(row in proptest::collection::vec(0u8..6, 0..300), above in 0u8..7) {
            let mut out = Vec::new();
            row_runs(&row, above, &mut out);
            let t: Vec<bool> = row.iter().map(|&v| v > above).collect();
            proptest::prop_assert_eq!(out, plain(&t));
            let mut none = Vec::new();
            row_runs(&row, u8::MAX, &mut none);
            proptest::prop_assert!(none.is_empty());
        }
    }
}
