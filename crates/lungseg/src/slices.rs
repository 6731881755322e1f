//! Small shared helpers: per-slice parallel maps and label lookups.

use ndarray::{Array3, ArrayView2, ArrayView3, ArrayViewMut2, Axis, Dimension};
use rayon::prelude::*;

use crate::Result;

/// Runs `f` on every z-slice of `input` in parallel, writing each result into the matching
/// slice of a new volume.
pub(crate) fn map_slices<A, B, F>(input: &ArrayView3<A>, f: F) -> Result<Array3<B>>
where
    A: Sync,
    B: Clone + Default + Send + Sync,
    F: Fn(ArrayView2<A>, ArrayViewMut2<B>) -> Result<()> + Sync,
{
    let mut out = Array3::<B>::default(input.raw_dim());
    out.axis_iter_mut(Axis(0))
        .into_par_iter()
        .zip(input.axis_iter(Axis(0)).into_par_iter())
        .try_for_each(|(o, i)| f(i, o))?;
    Ok(out)
}

/// A `keep[label]` table for `np.isin(label, list(valid))`.
pub(crate) fn keep_table(count: usize, valid: impl IntoIterator<Item = u32>) -> Vec<bool> {
    let mut keep = vec![false; count + 1];
    for l in valid {
        if let Some(k) = keep.get_mut(l as usize) {
            *k = true;
        }
    }
    keep
}

/// `np.isin(labels, valid)` as a mask, given a `keep` table.
pub(crate) fn isin<D: Dimension>(
    labels: &ndarray::ArrayView<u32, D>,
    keep: &[bool],
) -> ndarray::Array<bool, D> {
    labels.mapv(|l| keep.get(l as usize).copied().unwrap_or(false))
}

/// Voxel counts per label (index 0 = background).
pub(crate) fn label_counts(labels: &[u32], count: usize) -> Vec<u64> {
    let chunk = 1 << 20;
    labels
        .par_chunks(chunk)
        .map(|c| {
            let mut h = vec![0u64; count + 1];
            for &l in c {
                if let Some(v) = h.get_mut(l as usize) {
                    *v += 1;
                }
            }
            h
        })
        .reduce(
            || vec![0u64; count + 1],
            |mut a, b| {
                a.iter_mut().zip(b).for_each(|(x, y)| *x += y);
                a
            },
        )
}

/// Labels ordered by area, largest first; equal areas keep label order (Python's stable
/// `sort(key=area, reverse=True)`). Label 0 is excluded, as are labels with no voxels.
pub(crate) fn by_area_desc(counts: &[u64]) -> Vec<u32> {
    let mut order: Vec<u32> = (1..counts.len() as u32)
        .filter(|&l| counts[l as usize] > 0)
        .collect();
    order.sort_by(|a, b| counts[*b as usize].cmp(&counts[*a as usize]));
    order
}

/// The contiguous data of a standard-layout array.
pub(crate) fn flat<A, D: Dimension>(a: &ndarray::Array<A, D>) -> Result<&[A]> {
    a.as_slice()
        .ok_or_else(|| crate::Error::Invalid("internal: array not contiguous".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stable_area_order() {
        // label:    0  1  2  3  4
        let c = [9, 5, 7, 5, 0];
        assert_eq!(by_area_desc(&c), vec![2, 1, 3]);
    }

    #[test]
    fn counts_and_isin() {
        let l = [0u32, 1, 2, 2, 3];
        assert_eq!(label_counts(&l, 3), vec![1, 1, 2, 1]);
        let keep = keep_table(3, [2]);
        let a = ndarray::arr1(&l);
        assert_eq!(
            isin(&a.view(), &keep).to_vec(),
            vec![false, false, true, true, false]
        );
    }
}
