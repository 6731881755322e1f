//! How many erosions each voxel survives: the city-block distance to the background.
//!
//! grt123 erodes its lung mask with scipy's default cross, one erosion at a time, until the
//! lungs come apart (14 times on one LIDC scan), labelling after each. `binary_erosion` with
//! the cross `k` times keeps exactly the voxels whose city-block (L1) distance to the nearest
//! false voxel, or to outside the array (`border_value` 0), exceeds `k`. So one depth map,
//! computed by three separable passes, answers every erosion count by a threshold, and no
//! eroded volume is ever written.

use ndarray::{Array3, ArrayView3, Axis, Zip};
use rayon::prelude::*;

use crate::rows::mask_runs;
use crate::{Error, Result};

/// For each voxel of `mask`, the number of times `binary_erosion` with the cross structure and
/// `border_value` 0 keeps it, at most `cap`: `binary_erosion` iterated `k` times equals
/// `depth > k` for every `k < cap`.
///
/// This is the city-block distance to the nearest false voxel or to outside the array (0 on
/// false voxels), capped; 1 byte per voxel.
///
/// ```
/// use lungprep_morph3d::erosion_depth;
/// let mask = ndarray::Array3::from_elem((3, 5, 7), true);
/// let d = erosion_depth(&mask.view(), 255)?;
/// assert_eq!(d[[1, 2, 3]], 2); // one voxel from the z border, as 2 erosions remove it
/// assert_eq!(d[[0, 0, 0]], 1);
/// # Ok::<(), lungprep_morph3d::Error>(())
/// ```
pub fn erosion_depth(mask: &ArrayView3<bool>, cap: u8) -> Result<Array3<u8>> {
    let mask = mask.as_standard_layout();
    let (nz, ny, nx) = mask.dim();
    let m = mask.as_slice().ok_or(Error::UnsupportedRank(3))?;
    let plane = ny * nx;
    let mut d = vec![0u8; m.len()];
    if m.is_empty() || cap == 0 {
        return Ok(Array3::from_shape_vec((nz, ny, nx), d)?);
    }
    // x: inside each run [a, b) the distance to the nearer outside neighbour; then y, two
    // sweeps per plane (a row outside the plane counts as 0).
    d.par_chunks_mut(plane)
        .zip(m.par_chunks(plane))
        .for_each(|(dp, mp)| {
            let mut runs = Vec::new();
            for (dr, mr) in dp.chunks_exact_mut(nx).zip(mp.chunks_exact(nx)) {
                runs.clear();
                mask_runs(mr, &mut runs);
                for &(a, b) in &runs {
                    let (a, b) = (a as usize, b as usize);
                    for (i, o) in dr[a..b].iter_mut().enumerate() {
                        *o = (i + 1).min(b - a - i).min(usize::from(cap)) as u8;
                    }
                }
            }
            sweep(dp, nx);
        });
    // z: the same two sweeps along each column, columns split between threads by rows.
    let mut a = Array3::from_shape_vec((nz, ny, nx), d)?;
    let rows = ny.div_ceil(4 * rayon::current_num_threads()).max(1);
    a.axis_chunks_iter_mut(Axis(1), rows)
        .into_par_iter()
        .for_each(|mut c| {
            let step = |mut cur: ndarray::ArrayViewMut2<u8>, prev: ndarray::ArrayView2<u8>| {
                Zip::from(&mut cur)
                    .and(&prev)
                    .for_each(|c, &p| *c = (*c).min(p.saturating_add(1)));
            };
            c.index_axis_mut(Axis(0), 0).mapv_inplace(|v| v.min(1));
            c.index_axis_mut(Axis(0), nz - 1).mapv_inplace(|v| v.min(1));
            for z in 1..nz {
                let (head, tail) = c.view_mut().split_at(Axis(0), z);
                step(
                    tail.index_axis_move(Axis(0), 0),
                    head.index_axis(Axis(0), z - 1),
                );
            }
            for z in (0..nz - 1).rev() {
                let (head, tail) = c.view_mut().split_at(Axis(0), z + 1);
                step(
                    head.index_axis_move(Axis(0), z),
                    tail.index_axis(Axis(0), 0),
                );
            }
        });
    Ok(a)
}

/// The two city-block sweeps along the rows of one `nx`-wide plane, forward and back.
fn sweep(p: &mut [u8], nx: usize) {
    let ny = p.len() / nx;
    let step = |cur: &mut [u8], prev: &[u8]| {
        for (c, &q) in cur.iter_mut().zip(prev) {
            *c = (*c).min(q.saturating_add(1));
        }
    };
    for r in [0, ny - 1] {
        for v in &mut p[r * nx..(r + 1) * nx] {
            *v = (*v).min(1);
        }
    }
    for y in 1..ny {
        let (head, tail) = p.split_at_mut(y * nx);
        step(&mut tail[..nx], &head[(y - 1) * nx..]);
    }
    for y in (0..ny - 1).rev() {
        let (head, tail) = p.split_at_mut((y + 1) * nx);
        step(&mut head[y * nx..], &tail[..nx]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{binary_erosion, MorphOptions};
    use proptest::prelude::*;

    proptest! {
        /// `depth > k` is `binary_erosion` (cross, border 0) iterated k times, for k below the cap.
        #[test]
        fn thresholds_are_iterated_erosions(
            (dims, bits) in (1usize..7, 1usize..9, 1usize..40)
                .prop_flat_map(|d| (Just(d), proptest::collection::vec(0u8..10, d.0 * d.1 * d.2))),
            cap in 1u8..12,
        ) {
            let (nz, ny, nx) = dims;
            // Mostly true, so several erosions are needed.
            let mask = Array3::from_shape_vec((nz, ny, nx), bits.iter().map(|&b| b > 0).collect()).unwrap();
            let d = erosion_depth(&mask.view(), cap).unwrap();
            let mut eroded = mask.clone();
            for k in 0..usize::from(cap) {
                let t = d.mapv(|v| usize::from(v) > k);
                prop_assert_eq!(&t, &eroded, "k = {}", k);
                eroded = binary_erosion(&eroded.view(), &MorphOptions::default()).unwrap();
            }
            prop_assert!(d.iter().all(|&v| v <= cap));
        }
    }

    #[test]
    fn a_solid_block_and_a_transposed_view() {
        let mut m = Array3::from_elem((9, 11, 13), false);
        m.slice_mut(ndarray::s![1..8, 1..10, 1..12]).fill(true);
        let d = erosion_depth(&m.view(), 255).unwrap();
        assert_eq!(d[[4, 5, 6]], 4);
        assert_eq!(d[[1, 1, 1]], 1);
        assert_eq!(d[[0, 5, 6]], 0);
        let t = erosion_depth(&m.view().reversed_axes(), 255).unwrap();
        assert_eq!(t, d.view().reversed_axes());
        assert_eq!(erosion_depth(&m.view(), 3).unwrap()[[4, 5, 6]], 3);
    }
}
