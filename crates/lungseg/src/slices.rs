//! Small shared helpers: per-slice parallel maps and label lookups.

use std::ops::Range;

use ndarray::{
    Array3, ArrayView2, ArrayView3, ArrayViewMut2, Axis, Dimension, Ix3, SliceInfo, SliceInfoElem,
};
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
    ndarray::Zip::from(labels).par_map_collect(|&l| keep.get(l as usize).copied().unwrap_or(false))
}

/// `a | b` elementwise, in parallel.
pub(crate) fn or(a: &ArrayView3<bool>, b: &ArrayView3<bool>) -> Array3<bool> {
    ndarray::Zip::from(a)
        .and(b)
        .par_map_collect(|&x, &y| x || y)
}

/// `a & b` elementwise, in parallel.
pub(crate) fn and(a: &ArrayView3<bool>, b: &ArrayView3<bool>) -> Array3<bool> {
    ndarray::Zip::from(a)
        .and(b)
        .par_map_collect(|&x, &y| x && y)
}

/// `!a` elementwise, in parallel.
pub(crate) fn not(a: &ArrayView3<bool>) -> Array3<bool> {
    ndarray::Zip::from(a).par_map_collect(|&x| !x)
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

/// Half-open `(start, end)` per axis of the true voxels, `None` when there are none.
/// Parallel over z-slices, scanning contiguous rows with `position` / `rposition`.
pub(crate) fn bounding_box(bw: &ArrayView3<bool>) -> Option<[(usize, usize); 3]> {
    type Bb = Option<[(usize, usize); 3]>;
    let merge = |a: Bb, b: Bb| match (a, b) {
        (Some(a), Some(b)) => Some(std::array::from_fn(|i| {
            (a[i].0.min(b[i].0), a[i].1.max(b[i].1))
        })),
        (a, None) => a,
        (None, b) => b,
    };
    bw.axis_iter(Axis(0))
        .into_par_iter()
        .enumerate()
        .map(|(z, plane)| {
            let mut bb: Bb = None;
            for (y, row) in plane.outer_iter().enumerate() {
                let hit = match row.as_slice() {
                    Some(r) => r
                        .iter()
                        .position(|&v| v)
                        .map(|a| (a, r.iter().rposition(|&v| v).unwrap_or(a))),
                    None => {
                        let a = row.iter().position(|&v| v);
                        a.map(|a| {
                            (
                                a,
                                row.len() - 1 - row.iter().rev().position(|&v| v).unwrap_or(0),
                            )
                        })
                    }
                };
                if let Some((x0, x1)) = hit {
                    bb = merge(bb, Some([(z, z + 1), (y, y + 1), (x0, x1 + 1)]));
                }
            }
            bb
        })
        .reduce(|| None, merge)
}

/// `mask`'s bounding box grown by `margin` voxels on every side (clamped to the volume), as
/// a range per axis; `None` when the mask has no true voxel.
pub(crate) fn grown_box(mask: &ArrayView3<bool>, margin: usize) -> Option<[Range<usize>; 3]> {
    let bb = bounding_box(mask)?;
    let dims = mask.shape();
    Some(std::array::from_fn(|a| {
        bb[a].0.saturating_sub(margin)..(bb[a].1 + margin).min(dims[a])
    }))
}

/// The `s![…]` slice of a box from [`grown_box`].
pub(crate) fn region(r: &[Range<usize>; 3]) -> SliceInfo<[SliceInfoElem; 3], Ix3, Ix3> {
    ndarray::s![r[0].clone(), r[1].clone(), r[2].clone()]
}

/// `part` pasted at box `r` of an all-false volume of shape `dim`.
pub(crate) fn embed(dim: Ix3, r: &[Range<usize>; 3], part: &Array3<bool>) -> Array3<bool> {
    let mut out = Array3::from_elem(dim, false);
    out.slice_mut(region(r)).assign(part);
    out
}

/// Runs `f` on the part of `mask` inside its bounding box grown by `margin` voxels (clamped
/// to the volume) and returns `f`'s result pasted into an all-false volume of the full size.
///
/// Valid for stages whose output is false wherever the input is false farther than `margin`
/// from any true voxel, and whose result inside the box does not depend on the empty rows,
/// columns and slices outside it: cropping keeps the raster order of the true voxels, so
/// labels, areas and their tie-breaks are unchanged.
pub(crate) fn on_bbox<F>(mask: &ArrayView3<bool>, margin: usize, f: F) -> Result<Array3<bool>>
where
    F: FnOnce(ArrayView3<bool>) -> Result<Array3<bool>>,
{
    let Some(r) = grown_box(mask, margin) else {
        return f(mask.view());
    };
    Ok(embed(mask.raw_dim(), &r, &f(mask.slice(region(&r)))?))
}

/// The contiguous data of a standard-layout array.
pub(crate) fn flat<A, S: ndarray::Data<Elem = A>, D: Dimension>(
    a: &ndarray::ArrayBase<S, D>,
) -> Result<&[A]> {
    a.as_slice()
        .ok_or_else(|| crate::Error::Invalid("internal: array not contiguous".into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bbox_and_on_bbox() {
        let mut a = Array3::from_elem((4, 5, 6), false);
        assert!(bounding_box(&a.view()).is_none());
        a[[1, 2, 3]] = true;
        a[[2, 4, 0]] = true;
        assert_eq!(bounding_box(&a.view()), Some([(1, 3), (2, 5), (0, 4)]));
        let t = a.t();
        assert_eq!(bounding_box(&t), Some([(0, 4), (2, 5), (1, 3)]));
        let out = on_bbox(&a.view(), 1, |v| {
            // z 0..4 (1..3 grown by 1), y 1..5 (2..5 grown, clamped), x 0..5 (0..4 grown)
            assert_eq!(v.dim(), (4, 4, 5));
            Ok(v.mapv(|x| !x))
        })
        .unwrap();
        // Inside the box the closure's result; outside it false.
        assert!(!out[[1, 2, 3]] && out[[0, 1, 0]]);
        assert!(!out[[0, 0, 0]] && !out[[0, 1, 5]]);
    }

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
