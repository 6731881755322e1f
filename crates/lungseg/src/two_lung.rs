//! Step 1d: splitting the mask into the two lungs.

use ndarray::{s, Array2, Array3, ArrayView2, ArrayView3, ArrayViewMut2, Zip};

use crate::fill::fill_2d_hole;
use crate::runs::Runs;
use crate::slices::{by_area_desc, embed, grown_box, map_slices, on_bbox, region};
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
/// keeps the raster order of the true voxels, labels and their tie-breaks are unchanged (both
/// seeds lie in the box, so every distance inside it is too). The distance split is
/// [`lungprep_morph3d::split_by_distance`]: the same decisions as comparing the two EDTs, without them.
pub fn two_lung_only(
    bw: &ArrayView3<bool>,
    spacing: &Spacing,
    p: &TwoLungParams,
) -> Result<TwoLungs> {
    spacing.validate()?;
    let Some(r) = grown_box(bw, 0) else {
        return two_lung_dense(bw, spacing, p);
    };
    let TwoLungs {
        m1,
        m2,
        found,
        erosions,
    } = two_lung_dense(&bw.slice(region(&r)), spacing, p)?;
    // One lung at a time, each box freed as soon as it is pasted.
    let m1 = {
        let full = embed(bw.raw_dim(), &r, &m1);
        drop(m1);
        full
    };
    let m2 = embed(bw.raw_dim(), &r, &m2);
    Ok(TwoLungs {
        m1,
        m2,
        found,
        erosions,
    })
}

fn two_lung_dense(bw: &ArrayView3<bool>, spacing: &Spacing, p: &TwoLungParams) -> Result<TwoLungs> {
    // The eroded masks as thresholds of one depth map; `None` until the first erosion (none
    // is computed when no erosion is needed).
    let mut eroded: Option<Erosions> = None;
    let mut erosions = 0;
    let mut split = None;
    while erosions < p.max_iter {
        // Labelled as runs: only the areas are needed until the two lungs are found.
        let runs = match eroded.as_mut() {
            None => Runs::label(bw, bw.dim().0, 2),
            Some(e) => e.runs(erosions)?,
        };
        let counts = runs.counts();
        let order = by_area_desc(&counts);
        if order.len() > 1
            && (counts[order[0] as usize] as f64) / (counts[order[1] as usize] as f64) < p.max_ratio
        {
            // The two seeds as 1 and 2 in a byte volume.
            let mut paint = vec![0u8; runs.count + 1];
            paint[order[0] as usize] = 1;
            paint[order[1] as usize] = 2;
            let seeds = runs.paint(&paint);
            drop(runs);
            drop(eroded);
            // `bw & (d1 < d2)`, `bw & (d1 > d2)` with `d = distance_transform_edt(~seed,
            // spacing)`, decided plane by plane without the two float64 maps.
            split = Some(lungprep_morph3d::split_by_distance(
                bw,
                &seeds.view(),
                1,
                2,
                &spacing.get(),
            )?);
            break;
        }
        if eroded.is_none() {
            eroded = Some(Erosions::new(bw, DEPTH_CAP)?);
        }
        erosions += 1;
    }
    // Lung by lung, dropping each intermediate as soon as the next exists.
    let finish = |m: Array3<bool>, main: bool| -> Result<Array3<bool>> {
        let m = if main {
            let e = extract_main(&m.view(), p.cover)?;
            drop(m);
            e
        } else {
            m
        };
        fill_2d_hole(&m.view())
    };
    let (m1, m2, found) = match split {
        Some((m1, m2)) => {
            let m1 = finish(m1, true)?;
            (m1, finish(m2, true)?, true)
        }
        None => (
            finish(bw.to_owned(), false)?,
            finish(Array3::from_elem(bw.raw_dim(), false), false)?,
            false,
        ),
    };
    Ok(TwoLungs {
        m1,
        m2,
        found,
        erosions,
    })
}

/// The largest depth one map holds; deeper erosions rebase it (see [`Erosions::runs`]).
const DEPTH_CAP: u8 = u8::MAX;

/// `binary_erosion` (cross, border 0) of a mask iterated `k` times, for k = 1, 2, …, as
/// thresholds of one [`lungprep_morph3d::erosion_depth`] map instead of a volume per erosion.
struct Erosions {
    /// Depth of the mask eroded `base` times, capped at `cap`.
    depth: Array3<u8>,
    base: usize,
    cap: u8,
}

impl Erosions {
    /// `cap` of at least 2, so that each rebase goes deeper.
    fn new(bw: &ArrayView3<bool>, cap: u8) -> Result<Self> {
        let cap = cap.max(2);
        Ok(Erosions {
            depth: lungprep_morph3d::erosion_depth(bw, cap)?,
            base: 0,
            cap,
        })
    }

    /// The runs of `bw` eroded `k` times (`k` never below the last call's).
    fn runs(&mut self, k: usize) -> Result<Runs> {
        let cap = usize::from(self.cap);
        // `depth > j` is only known for j < cap: past that, restart from the deepest known
        // mask, `depth ≥ cap` (eroded `base + cap - 1` times).
        while k - self.base >= cap {
            let deepest = self.depth.mapv(|d| usize::from(d) >= cap);
            self.depth = lungprep_morph3d::erosion_depth(&deepest.view(), self.cap)?;
            self.base += cap - 1;
        }
        let above = (k - self.base) as u8; // below `cap`
        Ok(Runs::label_above(&self.depth.view(), above, 2))
    }
}

/// grt123's `_extract_main`: in each slice keep the convex hulls of the largest 8-connected
/// components that together cover `cover` of the slice's area, then keep the largest
/// 26-connected component of the result.
pub fn extract_main(bw: &ArrayView3<bool>, cover: f64) -> Result<Array3<bool>> {
    on_bbox(bw, 0, |bw| extract_main_dense(&bw, cover))
}

fn extract_main_dense(bw: &ArrayView3<bool>, cover: f64) -> Result<Array3<bool>> {
    let filtered = map_slices(bw, |slice, out| main_hulls(slice, out, cover))?;
    let runs = Runs::label(&filtered.view(), filtered.dim().0, 3);
    drop(filtered);
    let counts = runs.counts();
    let largest = *by_area_desc(&counts).first().ok_or(Error::EmptyMask(
        "extract_main: no component left in a lung",
    ))?;
    let mut keep = vec![false; runs.count + 1];
    keep[largest as usize] = true;
    Ok(runs.mask(&keep))
}

fn main_hulls(slice: ArrayView2<bool>, mut out: ArrayViewMut2<bool>, cover: f64) -> Result<()> {
    let (labels, count) = lungprep_morph3d::label(&slice, 2)?;
    if count == 0 {
        return Ok(());
    }
    let mut props = lungprep_morph3d::regionprops(&labels.view());
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

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The runs of every erosion count are those of `binary_erosion` iterated, across
        /// rebases of a small depth cap.
        #[test]
        fn erosions_are_iterated_binary_erosion(
            bits in proptest::collection::vec(0u8..12, 5 * 9 * 11),
            cap in 0u8..5,
        ) {
            let bw = Array3::from_shape_vec((5, 9, 11), bits.iter().map(|&b| b > 0).collect()).unwrap();
            let mut e = Erosions::new(&bw.view(), cap).unwrap();
            let mut eroded = lungprep_morph3d::binary_erosion(
                &bw.view(), &lungprep_morph3d::MorphOptions::default()).unwrap();
            for k in 1..8 {
                let runs = e.runs(k).unwrap();
                let got = runs.mask(&vec![true; runs.count + 1]);
                prop_assert_eq!(&got, &eroded, "k = {}", k);
                prop_assert_eq!(runs.count, lungprep_morph3d::label(&eroded.view(), 2).unwrap().1);
                eroded = lungprep_morph3d::binary_erosion(
                    &eroded.view(), &lungprep_morph3d::MorphOptions::default()).unwrap();
            }
        }
    }
}
