//! Seed 001 §4 (LUNA16 nodule masks): `make_mask`, `matrix2int16` and the 3-slice
//! images / masks pair around a scan's biggest nodule.
//!
//! Geometry is the file's own (SimpleITK's): the array as stored, `(z, y, x)`, with origin and
//! spacing; the tutorial works in `(x, y, z)` and so do [`make_mask`]'s arguments. The float
//! operations are the tutorial's, in its order; `np.linalg.norm` of the 3-vector is numpy's
//! `x.dot(x)`, which OpenBLAS computes as a fused multiply-add chain on FMA hardware, so the
//! distance is `sqrt(fma(z, z, fma(y, y, x·x)))` here too.

use crate::{Annotation, Error, Result};
use lungprep_volume_io::Volume;
use ndarray::{Array2, Array3, ArrayView2, Axis};

/// `make_mask(center, diam, z, width, height, spacing, origin)`: a `height × width` mask, 1
/// inside the nodule's sphere at the plane `z` (world mm). `center`, `spacing`, `origin` are
/// `(x, y, z)`.
pub fn make_mask(
    center: [f64; 3],
    diam: f64,
    z: f64,
    width: usize,
    height: usize,
    spacing: [f64; 3],
    origin: [f64; 3],
) -> Array2<u8> {
    let mut mask = Array2::zeros((height, width));
    let vc = [0, 1, 2].map(|k| (center[k] - origin[k]) / spacing[k]);
    let v_diam = (diam / spacing[0] + 5.0) as i64;
    let (w, h) = (width as i64, height as i64);
    let xmin = 0.max((vc[0] - v_diam as f64) as i64 - 5);
    let xmax = (w - 1).min((vc[0] + v_diam as f64) as i64 + 5);
    let ymin = 0.max((vc[1] - v_diam as f64) as i64 - 5);
    let ymax = (h - 1).min((vc[1] + v_diam as f64) as i64 + 5);
    for vx in xmin..=xmax {
        for vy in ymin..=ymax {
            let px = spacing[0] * vx as f64 + origin[0];
            let py = spacing[1] * vy as f64 + origin[1];
            let d = [center[0] - px, center[1] - py, center[2] - z];
            let sq = d[2].mul_add(d[2], d[1].mul_add(d[1], d[0] * d[0]));
            if sq.sqrt() <= diam {
                let iy = ((py - origin[1]) / spacing[1]) as i64;
                let ix = ((px - origin[0]) / spacing[0]) as i64;
                if (0..h).contains(&iy) && (0..w).contains(&ix) {
                    mask[[iy as usize, ix as usize]] = 1;
                }
            }
        }
    }
    mask
}

/// Sample types [`matrix2int16`] takes, with numpy's arithmetic for `matrix - min`: wrapping
/// in the array's own integer type, float in its own float type.
pub trait Sample: Copy + PartialOrd + Send + Sync {
    /// `rint((v - min) / float(max - min) * 65535)` cast to uint16 as numpy casts.
    fn scale(v: Self, min: Self, max: Self) -> u16;
}

macro_rules! int_sample {
    ($($t:ty),*) => {$(
        impl Sample for $t {
            fn scale(v: Self, min: Self, max: Self) -> u16 {
                let d = v.wrapping_sub(min) as f64 / max.wrapping_sub(min) as f64;
                to_u16((d * 65535.0).round_ties_even())
            }
        }
    )*};
}
int_sample!(u8, i8, u16, i16, u32, i32, u64, i64);

impl Sample for f64 {
    fn scale(v: Self, min: Self, max: Self) -> u16 {
        to_u16(((v - min) / (max - min) * 65535.0).round_ties_even())
    }
}

impl Sample for f32 {
    fn scale(v: Self, min: Self, max: Self) -> u16 {
        to_u16(((v - min) / (max - min) * 65535.0f32).round_ties_even() as f64)
    }
}

/// numpy's float → uint16 cast on x86-64 (through int32, keeping the low 16 bits; NaN → 0).
fn to_u16(v: f64) -> u16 {
    v as i32 as u16
}

/// `matrix2int16(matrix)` with the oracle's fix (the minimum subtracted once): the slice
/// stretched to 0..65535. A constant slice divides 0 by 0, which numpy turns into 0.
pub fn matrix2int16<T: Sample>(m: &ArrayView2<T>) -> Array2<u16> {
    let mut it = m.iter().copied();
    let Some(first) = it.next() else {
        return Array2::zeros(m.dim());
    };
    let (mut lo, mut hi) = (first, first);
    for v in it {
        if v < lo {
            lo = v;
        }
        if v > hi {
            hi = v;
        }
    }
    m.mapv(|v| T::scale(v, lo, hi))
}

/// The tutorial's choice of nodule: `np.argsort(diameters)[-1]`, the last of the largest
/// (numpy's sort of a few values keeps ties in order). `None` when there are no rows.
pub fn biggest(rows: &[Annotation]) -> Option<usize> {
    // max_by returns the last of equal maxima.
    (0..rows.len()).max_by(|&a, &b| rows[a].diameter_mm.total_cmp(&rows[b].diameter_mm))
}

/// One images / masks pair: the 3 slices around a nodule.
#[derive(Debug, Clone, PartialEq)]
pub struct NodulePair {
    /// `matrix2int16` of slices `z - 1, z, z + 1`, `(3, height, width)`.
    pub images: Array3<u16>,
    /// [`make_mask`] on the same slices.
    pub masks: Array3<u8>,
    /// The slice indices used.
    pub slices: [usize; 3],
}

/// The seed's loop body for one nodule: `v_center = rint((center - origin) / spacing)`, the
/// slices `int(v_center[2]) - 1 ..= + 1`, each `make_mask`-ed at its world z and stretched by
/// `matrix2int16`. A slice outside the scan is [`Error::Invalid`] (the tutorial would index
/// out of bounds, or wrap around for −1).
pub fn nodule_pair<T: Sample>(vol: &Volume<T>, nodule: &Annotation) -> Result<NodulePair> {
    let (nz, height, width) = vol.data.dim();
    // Volume geometry is (z, y, x); the tutorial's is (x, y, z).
    let spacing = [vol.spacing[2], vol.spacing[1], vol.spacing[0]];
    let origin = [vol.origin[2], vol.origin[1], vol.origin[0]];
    let c = nodule.world_xyz;
    let vz = ((c[2] - origin[2]) / spacing[2]).round_ties_even();
    let z0 = vz as i64 - 1;
    if !vz.is_finite() || z0 < 0 || z0 + 2 >= nz as i64 {
        return Err(Error::Invalid(format!(
            "nodule at z = {} mm is slice {vz} of {nz}: its 3 slices are not all in the scan",
            c[2]
        )));
    }
    let mut images = Array3::zeros((3, height, width));
    let mut masks = Array3::zeros((3, height, width));
    let slices = [0, 1, 2].map(|i| (z0 + i) as usize);
    for (i, &iz) in slices.iter().enumerate() {
        let iz = iz as i64;
        let z = iz as f64 * spacing[2] + origin[2];
        masks.index_axis_mut(Axis(0), i).assign(&make_mask(
            c,
            nodule.diameter_mm,
            z,
            width,
            height,
            spacing,
            origin,
        ));
        images
            .index_axis_mut(Axis(0), i)
            .assign(&matrix2int16(&vol.data.index_axis(Axis(0), iz as usize)));
    }
    Ok(NodulePair {
        images,
        masks,
        slices,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stretch_and_choice() {
        let m = ndarray::arr2(&[[-1000i16, 0], [1000, 3071]]);
        let s = matrix2int16(&m.view());
        assert_eq!(s[[0, 0]], 0);
        assert_eq!(s[[1, 1]], 65535);
        assert_eq!(s[[0, 1]], (1000.0f64 / 4071.0 * 65535.0).round() as u16);
        assert_eq!(
            matrix2int16(&ndarray::arr2(&[[5u16, 5]]).view()),
            ndarray::arr2(&[[0u16, 0]])
        );
        let a = |d| Annotation {
            world_xyz: [0.0; 3],
            diameter_mm: d,
        };
        assert_eq!(biggest(&[a(3.0), a(5.0), a(5.0), a(1.0)]), Some(2));
        assert_eq!(biggest(&[]), None);
    }

    #[test]
    fn mask_is_a_disc() {
        let m = make_mask([10.0, 10.0, 0.0], 3.0, 0.0, 21, 21, [1.0; 3], [0.0; 3]);
        assert_eq!(m[[10, 10]], 1);
        assert_eq!(m[[10, 13]], 1);
        assert_eq!(m[[10, 14]], 0);
        assert_eq!(m.iter().filter(|&&v| v == 1).count(), 29);
    }
}
