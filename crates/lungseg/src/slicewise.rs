//! Seed 001's per-slice lung segmentation (the LUNA16 candidate tutorial):
//! `read_ct_scan`, `get_segmented_lungs` on every slice, and `plot_ct_scan`'s montage grid.
//!
//! Per slice, exactly as the tutorial (with the oracle's one fix: areas sorted before
//! `areas[-2]`): `im < threshold` → `clear_border` → label (8-connected) → keep the regions at
//! least as large as the second largest when there are more than two → `binary_erosion(disk(2))`
//! → `binary_closing(disk(10))` (scikit-image's border semantics) → `roberts` →
//! `binary_fill_holes` → the slice with everything outside the mask set to 0.

use crate::Result;
use lungprep_morph3d::skimage::{binary_closing, binary_erosion, Mode};
use lungprep_morph3d::{binary_fill_holes, clear_border, disk, label, roberts_binary};
use lungprep_volume_io::{AnyVolume, ReadOptions};
use ndarray::{Array2, Array3, ArrayView2, ArrayView3, Axis};
use rayon::prelude::*;
use std::path::Path;

/// The tutorial's default threshold on raw stored values (`im < 604`).
pub const DEFAULT_THRESHOLD: i64 = 604;

/// Element types of a stored DICOM stack (pydicom's `pixel_array` dtypes for 8/16-bit CT).
pub trait Stored: Copy + Default + PartialEq + Send + Sync + Into<i64> {}
impl Stored for u8 {}
impl Stored for i8 {}
impl Stored for u16 {}
impl Stored for i16 {}

/// `read_ct_scan(folder)`: the stored values in InstanceNumber order
/// ([`lungprep_volume_io::dicom::read_stored`]) with `-2000` set to 0. For unsigned samples
/// nothing equals −2000 (numpy compares exactly), so only int16 stacks change.
pub fn read_ct_scan(dir: &Path, opts: &ReadOptions) -> Result<AnyVolume> {
    let mut v = lungprep_volume_io::dicom::read_stored(dir, opts)?;
    if let AnyVolume::I16(v) = &mut v {
        v.data.mapv_inplace(|x| if x == -2000 { 0 } else { x });
    }
    Ok(v)
}

/// `get_segmented_lungs(im, threshold)`: `(segmented, mask)`; `segmented` keeps the slice's
/// values inside the mask and is 0 elsewhere.
pub fn get_segmented_lungs<T: Stored>(
    im: &ArrayView2<T>,
    threshold: i64,
) -> Result<(Array2<T>, Array2<bool>)> {
    let binary = im.mapv(|v| v.into() < threshold);
    let cleared = clear_border(&binary.view(), 0, false)?;
    let (labels, n) = label(&cleared.view(), 2)?;
    let mut areas = vec![0usize; n + 1];
    labels.iter().for_each(|&l| areas[l as usize] += 1);
    let mut sorted = areas[1..].to_vec();
    sorted.sort_unstable();
    let keep_from = if n > 2 { sorted[n - 2] } else { 0 };
    let binary = labels.mapv(|l| l > 0 && areas[l as usize] >= keep_from);
    let d2 = disk(2, true).into_dyn();
    let d10 = disk(10, true).into_dyn();
    let binary = binary_erosion(&binary.view(), &d2.view(), Mode::Ignore)?;
    let binary = binary_closing(&binary.view(), &d10.view(), Mode::Ignore)?;
    let edges = roberts_binary(&binary.view()).mapv(|e| e != 0.0);
    let mask = binary_fill_holes(&edges.view(), None)?;
    let mut seg = im.to_owned();
    seg.zip_mut_with(&mask, |v, &m| {
        if !m {
            *v = T::default();
        }
    });
    Ok((seg, mask))
}

/// `segment_lung_from_ct_scan`: [`get_segmented_lungs`] on every slice (in parallel).
pub fn slicewise<T: Stored>(
    scan: &ArrayView3<T>,
    threshold: i64,
) -> Result<(Array3<T>, Array3<bool>)> {
    let per: Vec<(Array2<T>, Array2<bool>)> = scan
        .axis_iter(Axis(0))
        .into_par_iter()
        .map(|s| get_segmented_lungs(&s, threshold))
        .collect::<Result<_>>()?;
    let (_, ny, nx) = scan.dim();
    let mut seg = Array3::from_elem(scan.dim(), T::default());
    let mut mask = Array3::from_elem(scan.dim(), false);
    for (k, (s, m)) in per.into_iter().enumerate() {
        debug_assert_eq!(s.dim(), (ny, nx));
        seg.index_axis_mut(Axis(0), k).assign(&s);
        mask.index_axis_mut(Axis(0), k).assign(&m);
    }
    Ok((seg, mask))
}

/// `plot_ct_scan`'s grid as the oracle returns it: every 5th slice `i` at row `i / 20`, column
/// `(i % 20) / 5`, of `(n / 20 + 1)` rows × 4 columns of slices; blank cells 0; float64.
pub fn montage<T: Stored>(scan: &ArrayView3<T>) -> Array2<f64> {
    let (n, ny, nx) = scan.dim();
    let rows = n / 20 + 1;
    let mut grid = Array2::zeros((rows * ny, 4 * nx));
    for i in (0..n).step_by(5) {
        let (r, c) = (i / 20, (i % 20) / 5);
        let s = scan.index_axis(Axis(0), i);
        grid.slice_mut(ndarray::s![r * ny..(r + 1) * ny, c * nx..(c + 1) * nx])
            .assign(&s.mapv(|v| v.into() as f64));
    }
    grid
}
