//! Step 1b: 3-D component analysis and the top-cut loop.

use ndarray::{s, Array3, ArrayView3};
use rayon::prelude::*;

use crate::numpy::{centered_axis, mean};
use crate::runs::Runs;
use crate::slices::{flat, isin, keep_table};
use crate::{AnalysisParams, Error, Result, Spacing};

/// grt123's `all_slice_analysis` for one `cut_num`: 6-connected components of `bw` (its last
/// `cut_num` slices cleared), minus those touching the 12 corner/edge probes, minus those whose
/// volume is outside `vol_limit`, keeping those whose slices larger than `area_th` mm² lie on
/// average within `dist_th` mm of the volume's axis. With `cut_num > 0` the kept components are
/// then grown back into the cut slices (within `cut_num` dilations).
///
/// Returns the mask and the number of components that passed (grt123's `flag`).
pub fn all_slice_analysis(
    bw: &ArrayView3<bool>,
    spacing: &Spacing,
    cut_num: usize,
    p: &AnalysisParams,
) -> Result<(Array3<bool>, usize)> {
    spacing.validate()?;
    let (nz, ny, nx) = bw.dim();
    if nz == 0 || ny == 0 || nx == 0 || cut_num >= nz {
        return Err(Error::Invalid(format!(
            "all_slice_analysis: shape {:?} with cut_num {cut_num}",
            bw.dim()
        )));
    }
    // Labelled as runs (no `u32` volume); the cut slices are simply left out.
    let runs = Runs::label(bw, nz - cut_num, 1);
    let count = runs.count;

    // The 12 probes: corners and x-midpoints of the first and last (uncut) slice.
    let zl = nz - 1 - cut_num;
    let mid = nx / 2;
    let mut drop = vec![false; count + 1];
    for z in [0, zl] {
        for y in [0, ny - 1] {
            for x in [0, nx - 1, mid] {
                drop[runs.at(z, y, x) as usize] = true;
            }
        }
    }
    // Volume window (grt123: `prop.area * spacing.prod()` against `vol_limit * 1e6`).
    let counts = runs.counts();
    let voxel = spacing.volume();
    let (lo, hi) = (p.vol_limit[0] * 1e6, p.vol_limit[1] * 1e6);
    for l in 1..=count {
        let vol = counts[l] as f64 * voxel;
        if counts[l] > 0 && (vol < lo || vol > hi) {
            drop[l] = true;
        }
    }
    let candidates: Vec<u32> = (1..=count as u32)
        .filter(|&l| !drop[l as usize] && counts[l as usize] > 0)
        .collect();
    let valid = distance_test(&runs, &candidates, spacing, p);
    let keep = keep_table(count, valid.iter().copied());
    let mut out = runs.mask(&keep);
    if cut_num > 0 {
        out = regrow_cut(&out, bw, cut_num)?;
    }
    Ok((out, valid.len()))
}

/// Per-component, per-slice area and minimum distance to the axis; keeps components whose
/// large slices are on average close to the axis.
fn distance_test(
    runs: &Runs,
    candidates: &[u32],
    spacing: &Spacing,
    p: &AnalysisParams,
) -> Vec<u32> {
    if candidates.is_empty() {
        return Vec::new();
    }
    let (nz, ny, nx) = runs.dims;
    let [_, sy, sx] = spacing.get();
    // grt123 builds this map with the axes swapped (it only works for square slices); this is
    // the same map for square slices with equal in-plane spacing and the right one otherwise.
    let ay: Vec<f64> = centered_axis(ny).iter().map(|v| v * sy).collect();
    let ax: Vec<f64> = centered_axis(nx).iter().map(|v| v * sx).collect();
    let d: Vec<f64> = (0..ny * nx)
        .map(|i| {
            let (y, x) = (i / nx, i % nx);
            (ax[x] * ax[x] + ay[y] * ay[y]).sqrt()
        })
        .collect();
    let mut index = vec![u32::MAX; candidates.iter().max().map_or(0, |&m| m as usize) + 1];
    for (i, &l) in candidates.iter().enumerate() {
        index[l as usize] = i as u32;
    }
    let k = candidates.len();
    // (count, min distance) per candidate per slice.
    let per_slice: Vec<Vec<(u64, f64)>> = (0..nz)
        .into_par_iter()
        .map(|z| {
            let mut acc = vec![(0u64, f64::INFINITY); k];
            for (y, x0, x1, l) in runs.plane(z) {
                if let Some(&i) = index.get(l as usize) {
                    if i != u32::MAX {
                        let a = &mut acc[i as usize];
                        a.0 += (x1 - x0) as u64;
                        for &dist in &d[y * nx + x0..y * nx + x1] {
                            if dist < a.1 {
                                a.1 = dist;
                            }
                        }
                    }
                }
            }
            acc
        })
        .collect();
    let pixel = spacing.pixel_area();
    let mut valid = Vec::new();
    for (i, &l) in candidates.iter().enumerate() {
        let big: Vec<f64> = (0..nz)
            .filter(|&z| per_slice[z][i].0 as f64 * pixel > p.area_th)
            .map(|z| per_slice[z][i].1)
            .collect();
        if !big.is_empty() && mean(&big) < p.dist_th {
            valid.push(l);
        }
    }
    valid
}

/// grt123's refill after a top cut: the kept mask plus the original top slices, limited to
/// `cut_num` cross dilations of the kept mask; the components of that which contain a kept
/// component survive.
fn regrow_cut(
    kept: &Array3<bool>,
    original: &ArrayView3<bool>,
    cut_num: usize,
) -> Result<Array3<bool>> {
    let nz = kept.dim().0;
    let mut bw1 = kept.clone();
    bw1.slice_mut(s![nz - cut_num.., .., ..])
        .assign(&original.slice(s![nz - cut_num.., .., ..]));
    let opts = lungprep_morph3d::MorphOptions {
        iterations: cut_num,
        ..Default::default()
    };
    let bw2 = lungprep_morph3d::binary_dilation(&kept.view(), &opts)?;
    let bw3 = crate::slices::and(&bw1.view(), &bw2.view());
    let (label3, count3) = lungprep_morph3d::label(&bw3.view(), 1)?;
    // Every kept voxel lies in bw3, so "the label3 of each kept component's first voxel" is
    // the set of label3 components that contain any kept voxel.
    let mut hit = vec![false; count3 + 1];
    for (&k, &l3) in flat(kept)?.iter().zip(flat(&label3)?) {
        if k {
            hit[l3 as usize] = true;
        }
    }
    hit[0] = false;
    Ok(isin(&label3.view(), &hit))
}

/// What the top-cut loop settled on.
#[derive(Debug, Clone)]
pub struct Selection {
    /// The candidate lung mask.
    pub mask: Array3<bool>,
    /// Top slices removed by the loop (grt123's final `cut_num`).
    pub cut_num: usize,
    /// Components that passed `all_slice_analysis`.
    pub components: usize,
}

/// grt123's step-1 loop: [`all_slice_analysis`] with `cut_num = 0, 2, 4, …` until some
/// component passes. Where grt123 would carry on with an empty mask (and crash later), this
/// returns [`Error::NoLungFound`].
pub fn select_lungs(
    bw: &ArrayView3<bool>,
    spacing: &Spacing,
    p: &AnalysisParams,
) -> Result<Selection> {
    let nz = bw.dim().0;
    let step = p.cut_step.max(1);
    let mut cut = 0;
    let mut last = 0;
    while cut < nz {
        let (mask, flag) = all_slice_analysis(bw, spacing, cut, p)?;
        if flag > 0 {
            return Ok(Selection {
                mask,
                cut_num: cut,
                components: flag,
            });
        }
        last = cut;
        cut += step;
    }
    Err(Error::NoLungFound {
        last_cut: last,
        slices: nz,
    })
}
