//! savenpy's mask processing and masking.

use ndarray::{Array3, ArrayView2, ArrayView3, ArrayViewMut2, ArrayViewMut3, Zip};

use crate::slices::{grown_box, map_slices, region};
use crate::{MaskParams, Result};

/// grt123's `process_mask`: each slice is replaced by its convex hull unless the hull is more
/// than `hull_ratio` times the slice's area, then the volume is dilated `dilation_iterations`
/// times with the 6-connected cross.
pub fn process_mask(mask: &ArrayView3<bool>, p: &MaskParams) -> Result<Array3<bool>> {
    let mut out = Array3::from_elem(mask.raw_dim(), false);
    process_mask_or(mask, p, &mut out.view_mut())?;
    Ok(out)
}

/// `out |= process_mask(mask, p)`: lets both lungs share one output volume.
///
/// Works on the mask's bounding box grown by the dilation count: nothing farther away can
/// become true, and the zero border of the box is what the volume holds there anyway.
pub fn process_mask_or(
    mask: &ArrayView3<bool>,
    p: &MaskParams,
    out: &mut ArrayViewMut3<bool>,
) -> Result<()> {
    if mask.dim() != out.dim() {
        return Err(crate::Error::Invalid(format!(
            "process_mask_or: mask {:?}, out {:?}",
            mask.dim(),
            out.dim()
        )));
    }
    // An empty mask stays empty (hulls of nothing, dilation with a zero border).
    let Some(r) = grown_box(mask, p.dilation_iterations) else {
        return Ok(());
    };
    let part = mask.slice(region(&r));
    let convex = map_slices(&part, |slice, out| hull_slice(slice, out, p.hull_ratio))?;
    let opts = lungprep_morph3d::MorphOptions {
        iterations: p.dilation_iterations,
        ..Default::default()
    };
    let dilated = lungprep_morph3d::binary_dilation(&convex.view(), &opts)?;
    drop(convex);
    Zip::from(out.slice_mut(region(&r)))
        .and(&dilated)
        .par_for_each(|o, &d| *o |= d);
    Ok(())
}

fn hull_slice(slice: ArrayView2<bool>, mut out: ArrayViewMut2<bool>, ratio: f64) -> Result<()> {
    let area = slice.iter().filter(|&&v| v).count();
    if area == 0 {
        return Ok(());
    }
    let hull = lungprep_morph3d::convex_hull_image(&slice);
    let hull_area = hull.iter().filter(|&&v| v).count();
    if hull_area as f64 > ratio * area as f64 {
        out.assign(&slice);
    } else {
        out.assign(&hull);
    }
    Ok(())
}

/// grt123's masking: `lum_trans` inside the dilated mask and `pad_value` outside; voxels of the
/// dilated rim (dilated but not in `mask`) brighter than `bone_thresh` become `pad_value`.
pub fn apply_mask(
    image: &ArrayView3<i16>,
    mask: &ArrayView3<bool>,
    dilated: &ArrayView3<bool>,
    p: &MaskParams,
) -> Result<Array3<u8>> {
    if image.dim() != mask.dim() || image.dim() != dilated.dim() {
        return Err(crate::Error::Invalid(format!(
            "apply_mask: image {:?}, mask {:?}, dilated {:?}",
            image.dim(),
            mask.dim(),
            dilated.dim()
        )));
    }
    Ok(Zip::from(image)
        .and(mask)
        .and(dilated)
        .par_map_collect(|&v, &m, &d| masked_value(v, m, d, p)))
}

/// One voxel of [`apply_mask`].
#[inline]
fn masked_value(v: i16, m: bool, d: bool, p: &MaskParams) -> u8 {
    if !d {
        return p.pad_value;
    }
    let l = lungprep_hu::lum_trans_value(v);
    // extramask = dilated ^ mask; with d set that is !m.
    if !m && l > p.bone_thresh {
        p.pad_value
    } else {
        l
    }
}

/// [`apply_mask`] with `mask = m1 | m2`, writing into `dilated`'s own memory (a `bool` and a
/// `u8` volume have the same size), so the pipeline holds neither the union nor a new output.
pub(crate) fn apply_mask_in_place(
    image: &ArrayView3<i16>,
    m1: &ArrayView3<bool>,
    m2: &ArrayView3<bool>,
    dilated: Array3<bool>,
    p: &MaskParams,
) -> Result<Array3<u8>> {
    let d = image.dim();
    if m1.dim() != d || m2.dim() != d || dilated.dim() != d || !dilated.is_standard_layout() {
        let mask = crate::slices::or(m1, m2);
        return apply_mask(image, &mask.view(), &dilated.view(), p);
    }
    let dim = dilated.raw_dim();
    let (bools, _) = dilated.into_raw_vec_and_offset();
    let mut bools = std::mem::ManuallyDrop::new(bools);
    let (ptr, len, cap) = (bools.as_mut_ptr(), bools.len(), bools.capacity());
    // SAFETY: `bool` and `u8` have the same size and alignment and every `bool` is a valid
    // `u8`; the allocation is handed over whole (same pointer, length and capacity).
    let bytes = unsafe { Vec::from_raw_parts(ptr.cast::<u8>(), len, cap) };
    let mut out = Array3::from_shape_vec(dim, bytes)
        .map_err(|e| crate::Error::Invalid(format!("apply_mask: {e}")))?;
    Zip::from(&mut out)
        .and(image)
        .and(m1)
        .and(m2)
        .par_for_each(|o, &v, &a, &b| *o = masked_value(v, a || b, *o != 0, p));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_place_equals_apply_mask() {
        let image = Array3::from_shape_fn((3, 4, 5), |(z, y, x)| {
            (z * 700 + y * 90 + x * 31) as i16 - 1200
        });
        let m1 = Array3::from_shape_fn((3, 4, 5), |(z, y, x)| (z + y + x) % 3 == 0 && x < 2);
        let m2 = Array3::from_shape_fn((3, 4, 5), |(z, y, x)| (z + y + x) % 3 == 0 && x > 1);
        let mask = &m1 | &m2;
        let dil = Array3::from_shape_fn((3, 4, 5), |(z, y, x)| (z + y + x) % 3 == 0 || x % 2 == 0);
        let p = MaskParams::default();
        let exp = apply_mask(&image.view(), &mask.view(), &dil.view(), &p).unwrap();
        let got = apply_mask_in_place(&image.view(), &m1.view(), &m2.view(), dil, &p).unwrap();
        assert_eq!(got, exp);
    }

    #[test]
    fn masking_pads_and_removes_bone() {
        let image = Array3::from_shape_vec((1, 1, 4), vec![-1000i16, 600, 600, 0]).unwrap();
        let mask = Array3::from_shape_vec((1, 1, 4), vec![true, true, false, false]).unwrap();
        let dil = Array3::from_shape_vec((1, 1, 4), vec![true, true, true, false]).unwrap();
        let out = apply_mask(
            &image.view(),
            &mask.view(),
            &dil.view(),
            &MaskParams::default(),
        )
        .unwrap();
        // lum(-1000) = 28; lum(600) = 255 kept inside the mask, padded in the rim; outside: pad
        assert_eq!(out.as_slice().unwrap(), &[28, 255, 170, 170]);
    }
}
