//! Guido Zuidhof's Kaggle-tutorial lung segmentation, the method grt123 grew from.

use ndarray::{Array3, ArrayView3, Axis};
use rayon::prelude::*;

use crate::slices::{flat, label_counts};
use crate::Result;

/// The tutorial's threshold between air/lung and tissue, in HU.
pub const THRESHOLD_HU: i16 = -320;

/// `largest_label_volume(labels, bg=0)`: the most frequent non-zero label (ties: the smallest).
fn largest_label(labels: &[u32], count: usize) -> Option<u32> {
    let counts = label_counts(labels, count);
    let mut best: Option<(u32, u64)> = None;
    for (l, &c) in counts.iter().enumerate().skip(1) {
        if c > 0 && best.is_none_or(|(_, b)| c > b) {
            best = Some((l as u32, c));
        }
    }
    best.map(|(l, _)| l)
}

/// The tutorial's `segment_lung_mask(image, fill_lung_structures)`: `1` on the lungs, `0`
/// elsewhere, as int8 — exactly the oracle's `zuidhof` command.
///
/// Tissue (`> -320` HU) and the air component holding voxel `(0, 0, 0)` are background; with
/// `fill_lung_structures` every slice keeps only its largest background component as
/// background; the largest remaining 26-connected air component is the lungs.
pub fn segment_lung_mask(
    image: &ArrayView3<i16>,
    fill_lung_structures: bool,
) -> Result<Array3<i8>> {
    // binary_image = (image > -320) + 1: 1 = air, 2 = tissue.
    let mut binary = image.mapv(|v| if v > THRESHOLD_HU { 2i8 } else { 1 });
    if binary.is_empty() {
        return Ok(binary);
    }
    let (labels, _) = lungprep_morph3d::label_values(&binary.view(), Some(0i8), 3)?;
    let bg = labels[[0, 0, 0]];
    ndarray::Zip::from(&mut binary)
        .and(&labels)
        .par_for_each(|b, &l| {
            if l == bg {
                *b = 2;
            }
        });
    drop(labels);
    if fill_lung_structures {
        binary
            .axis_iter_mut(Axis(0))
            .into_par_iter()
            .try_for_each(|mut plane| -> Result<()> {
                // axial_slice - 1: 1 marks background; its largest 8-connected part stays.
                let bgmask = plane.mapv(|v| v == 2);
                let (lab, count) = lungprep_morph3d::label(&bgmask.view(), 2)?;
                let lab = lab.as_standard_layout().into_owned();
                if let Some(l_max) = largest_label(flat(&lab)?, count) {
                    ndarray::Zip::from(&mut plane).and(&lab).for_each(|b, &l| {
                        if l != l_max {
                            *b = 1;
                        }
                    });
                }
                Ok(())
            })?;
    }
    // binary -= 1; binary = 1 - binary  → lungs (value 1) become 1, background 0.
    let lungs = binary.mapv(|v| 1 - (v - 1));
    let fg = lungs.mapv(|v| v != 0);
    let (labels, count) = lungprep_morph3d::label(&fg.view(), 3)?;
    let mut out = lungs;
    if let Some(l_max) = largest_label(flat(&labels)?, count) {
        ndarray::Zip::from(&mut out)
            .and(&labels)
            .par_for_each(|o, &l| {
                if l != l_max {
                    *o = 0;
                }
            });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn largest_label_ties_pick_smallest() {
        assert_eq!(largest_label(&[0, 1, 2, 2, 1], 2), Some(1));
        assert_eq!(largest_label(&[0, 0], 0), None);
    }
}
