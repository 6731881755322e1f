//! Step 1d: splitting the mask into the two lungs.

use ndarray::{s, Array2, Array3, ArrayView2, ArrayView3, ArrayViewMut2, Zip};
use rayon::prelude::*;

use crate::fill::fill_2d_hole;
use crate::slices::{
    by_area_desc, embed, flat, grown_box, label_counts, map_slices, on_bbox, region,
};
use crate::{Error, Result, Spacing, TwoLungParams};

/// The result of [`two_lung_only`].
#[derive(Debug, Clone)]
pub struct TwoLungs {
    /// The first (larger at separation) lung.
    pub m1: Array3<bool>,
    /// The second lung; empty when only one component was found.
    pub m2: Array3<bool>,
    /// Whether two comparable components were found (grt123's `found`).
    pub found: bool,
    /// Erosions it took.
    pub erosions: usize,
}

/// grt123's `two_lung_only`: erodes (cross, border 0) until the two largest 18-connected
/// components have an area ratio below `max_ratio` (at most `max_iter` times), splits the
/// original mask between them by Euclidean distance (with `spacing`), keeps the main part of
/// each ([`extract_main`]) and fills 2-D holes. When no split is found, `m1` is the whole mask
/// and `m2` is empty, as in grt123.
///
/// Everything runs on `bw`'s bounding box: every step is false outside it and, as cropping
/// keeps the raster order of the true voxels, labels and their tie-breaks are unchanged.
pub fn two_lung_only(
    bw: &ArrayView3<bool>,
    spacing: &Spacing,
    p: &TwoLungParams,
) -> Result<TwoLungs> {
    spacing.validate()?;
    let Some(r) = grown_box(bw, 0) else {
        return two_lung_dense(bw, spacing, p);
    };
    let part = two_lung_dense(&bw.slice(region(&r)), spacing, p)?;
    Ok(TwoLungs {
        m1: embed(bw.raw_dim(), &r, &part.m1),
        m2: embed(bw.raw_dim(), &r, &part.m2),
        ..part
    })
}

fn two_lung_dense(bw: &ArrayView3<bool>, spacing: &Spacing, p: &TwoLungParams) -> Result<TwoLungs> {
    // The eroded mask; `None` until the first erosion (no copy of `bw` when none is needed).
    let mut eroded: Option<Array3<bool>> = None;
    let mut erosions = 0;
    let mut pair = None;
    while erosions < p.max_iter {
        let cur = eroded.as_ref().map_or_else(|| bw.view(), |e| e.view());
        let (label, count) = morph3d::label(&cur, 2)?;
        let counts = label_counts(flat(&label)?, count);
        let order = by_area_desc(&counts);
        if order.len() > 1
            && (counts[order[0] as usize] as f64) / (counts[order[1] as usize] as f64) < p.max_ratio
        {
            let (a, b) = (order[0], order[1]);
            let mut s1 = Array3::from_elem(bw.raw_dim(), false);
            let mut s2 = Array3::from_elem(bw.raw_dim(), false);
            Zip::from(&mut s1)
                .and(&mut s2)
                .and(&label)
                .par_for_each(|x, y, &l| {
                    *x = l == a;
                    *y = l == b;
                });
            pair = Some((s1, s2));
            break;
        }
        eroded = Some(morph3d::binary_erosion(
            &cur,
            &morph3d::MorphOptions::default(),
        )?);
        erosions += 1;
    }
    drop(eroded);
    let (m1, m2, found) = match pair {
        Some((bw1, bw2)) => {
            let (m1, m2) = split_by_distance(bw, bw1, bw2, spacing)?;
            (
                extract_main(&m1.view(), p.cover)?,
                extract_main(&m2.view(), p.cover)?,
                true,
            )
        }
        None => (bw.to_owned(), Array3::from_elem(bw.raw_dim(), false), false),
    };
    Ok(TwoLungs {
        m1: fill_2d_hole(&m1.view())?,
        m2: fill_2d_hole(&m2.view())?,
        found,
        erosions,
    })
}

/// `bw & (d1 < d2)` and `bw & (d1 > d2)` with `d = distance_transform_edt(~seed, spacing)`.
///
/// A seed voxel has distance 0 to its own seed and a positive one to the other (the seeds are
/// disjoint), so it goes to its own side without any transform. Only when `bw` has voxels in
/// neither seed are the transforms computed ([`two_lung_only`] has already cropped `bw` to
/// its bounding box; both seeds lie inside it, so every distance in the box is unchanged).
fn split_by_distance(
    bw: &ArrayView3<bool>,
    seed1: Array3<bool>,
    seed2: Array3<bool>,
    spacing: &Spacing,
) -> Result<(Array3<bool>, Array3<bool>)> {
    let bw_std = bw.as_standard_layout();
    let (m, a, b) = (flat(&bw_std)?, flat(&seed1)?, flat(&seed2)?);
    const CHUNK: usize = 1 << 16;
    let rest = m
        .par_chunks(CHUNK)
        .zip(a.par_chunks(CHUNK).zip(b.par_chunks(CHUNK)))
        .any(|(m, (a, b))| m.iter().zip(a).zip(b).any(|((&m, &a), &b)| m && !a && !b));
    if !rest {
        return Ok((seed1, seed2));
    }
    let sampling = spacing.get();
    let d1 = morph3d::distance_transform_edt(&seed1.mapv(|v| !v).view(), Some(&sampling))?;
    let d2 = morph3d::distance_transform_edt(&seed2.mapv(|v| !v).view(), Some(&sampling))?;
    let mut m1 = Array3::from_elem(bw.raw_dim(), false);
    let mut m2 = Array3::from_elem(bw.raw_dim(), false);
    Zip::from(&mut m1)
        .and(&mut m2)
        .and(bw)
        .and(&d1)
        .and(&d2)
        .for_each(|a, b, &m, &x, &y| {
            *a = m && x < y;
            *b = m && x > y;
        });
    Ok((m1, m2))
}

/// grt123's `_extract_main`: in each slice keep the convex hulls of the largest 8-connected
/// components that together cover `cover` of the slice's area, then keep the largest
/// 26-connected component of the result.
pub fn extract_main(bw: &ArrayView3<bool>, cover: f64) -> Result<Array3<bool>> {
    on_bbox(bw, 0, |bw| extract_main_dense(&bw, cover))
}

fn extract_main_dense(bw: &ArrayView3<bool>, cover: f64) -> Result<Array3<bool>> {
    let filtered = map_slices(bw, |slice, out| main_hulls(slice, out, cover))?;
    let (label, count) = morph3d::label(&filtered.view(), 3)?;
    let counts = label_counts(flat(&label)?, count);
    let largest = *by_area_desc(&counts).first().ok_or(Error::EmptyMask(
        "extract_main: no component left in a lung",
    ))?;
    Ok(label.mapv(|l| l == largest))
}

fn main_hulls(slice: ArrayView2<bool>, mut out: ArrayViewMut2<bool>, cover: f64) -> Result<()> {
    let (labels, count) = morph3d::label(&slice, 2)?;
    if count == 0 {
        return Ok(());
    }
    let mut props = morph3d::regionprops(&labels.view());
    // Python's stable sort by area, descending.
    props.sort_by_key(|r| std::cmp::Reverse(r.area));
    let total: u64 = props.iter().map(|r| r.area as u64).sum();
    let goal = total as f64 * cover;
    let mut filt = Array2::from_elem(slice.raw_dim(), false);
    let mut acc = 0u64;
    for r in &props {
        if (acc as f64) >= goal {
            break;
        }
        acc += r.area as u64;
        let hull = r.convex_image(&labels.view());
        let (y0, y1) = r.bbox[0];
        let (x0, x1) = r.bbox[1];
        Zip::from(filt.slice_mut(s![y0..y1, x0..x1]))
            .and(&hull)
            .for_each(|f, &h| *f |= h);
    }
    Zip::from(&mut out)
        .and(&slice)
        .and(&filt)
        .for_each(|o, &m, &f| *o = m && f);
    Ok(())
}
