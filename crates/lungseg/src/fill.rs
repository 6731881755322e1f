//! Hole filling: grt123's 3-D `fill_hole` and per-slice `_fill_2d_hole`.

use ndarray::{Array3, ArrayView2, ArrayView3, ArrayViewMut2, Zip};

use crate::slices::{map_slices, not, on_bbox};
use crate::Result;

/// grt123's `fill_hole`: labels the background (`~bw`, 26-connected) and keeps as background
/// only the components holding one of the 8 corners; everything else becomes foreground.
///
/// grt123's quirk is kept: if a corner voxel is itself foreground, label 0 is among the
/// "background" labels and the whole input foreground is cleared.
pub fn fill_hole(bw: &ArrayView3<bool>) -> Result<Array3<bool>> {
    let (nz, ny, nx) = bw.dim();
    if nz == 0 || ny == 0 || nx == 0 {
        return Ok(bw.to_owned());
    }
    let inv = not(bw);
    let (label, count) = morph3d::label(&inv.view(), 3)?;
    let mut bg = vec![false; count + 1];
    for z in [0, nz - 1] {
        for y in [0, ny - 1] {
            for x in [0, nx - 1] {
                bg[label[[z, y, x]] as usize] = true;
            }
        }
    }
    Ok(Zip::from(&label).par_map_collect(|&l| !bg[l as usize]))
}

/// grt123's `_fill_2d_hole`: in every slice, each 8-connected component is OR-ed with its
/// `filled_image` (holes filled with a full 3×3 structure, within its bounding box).
pub fn fill_2d_hole(bw: &ArrayView3<bool>) -> Result<Array3<bool>> {
    on_bbox(bw, 0, |bw| map_slices(&bw, fill_slice))
}

fn fill_slice(slice: ArrayView2<bool>, mut out: ArrayViewMut2<bool>) -> Result<()> {
    out.assign(&slice);
    let (labels, count) = morph3d::label(&slice, 2)?;
    if count == 0 {
        return Ok(());
    }
    for r in morph3d::regionprops(&labels.view()) {
        let filled = r.filled_image(&labels.view());
        let (y0, y1) = r.bbox[0];
        let (x0, x1) = r.bbox[1];
        Zip::from(out.slice_mut(ndarray::s![y0..y1, x0..x1]))
            .and(&filled)
            .for_each(|o, &f| *o |= f);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_enclosed_cavity_only() {
        let mut bw = Array3::from_elem((5, 5, 5), false);
        bw.slice_mut(ndarray::s![1..4, 1..4, 1..4]).fill(true);
        bw[[2, 2, 2]] = false;
        let f = fill_hole(&bw.view()).unwrap();
        assert!(f[[2, 2, 2]]);
        assert_eq!(f.iter().filter(|&&v| v).count(), 27);
    }

    #[test]
    fn corner_foreground_quirk() {
        let mut bw = Array3::from_elem((3, 3, 3), false);
        bw[[0, 0, 0]] = true;
        bw[[1, 1, 1]] = true;
        let f = fill_hole(&bw.view()).unwrap();
        assert!(f.iter().all(|&v| !v));
    }

    #[test]
    fn fills_2d_ring() {
        let mut bw = Array3::from_elem((1, 5, 5), false);
        bw.slice_mut(ndarray::s![0, 1..4, 1..4]).fill(true);
        bw[[0, 2, 2]] = false;
        let f = fill_2d_hole(&bw.view()).unwrap();
        assert!(f[[0, 2, 2]]);
    }
}
