//! Zuidhof's whole tutorial preparation (Kaggle DSB2017, seeds 003/004): HU volume → 1 mm
//! resampling → lung masks with and without fill → normalize → zero-center.

use std::time::Instant;

use ndarray::{Array3, ArrayView3, Zip};

use crate::zuidhof::segment_lung_mask;
use crate::{Result, Timings};
use lungprep_hu::{NORMALIZE_BOUNDS, PIXEL_MEAN};

/// Float type of [`ZuidhofPrep::normalized`] and [`ZuidhofPrep::zero_centered`].
///
/// The tutorial computes both in float64; `f64` gives those values exactly and `f32` gives
/// them each rounded once to float32 (not float32 arithmetic).
pub trait TutorialFloat: Copy + Send + Sync + Default + 'static {
    /// A float64 result in this type (round to nearest).
    fn from_f64(v: f64) -> Self;
}

impl TutorialFloat for f32 {
    #[inline]
    fn from_f64(v: f64) -> Self {
        v as f32
    }
}

impl TutorialFloat for f64 {
    #[inline]
    fn from_f64(v: f64) -> Self {
        v
    }
}

/// Everything the tutorial prepares from one scan.
#[derive(Debug, Clone)]
pub struct ZuidhofPrep<F> {
    /// The HU volume resampled (scipy zoom order 3, mode `nearest`), int16.
    pub resampled: Array3<i16>,
    /// The spacing of [`ZuidhofPrep::resampled`] as the tutorial returns it (float64).
    pub new_spacing: [f64; 3],
    /// `segment_lung_mask(resampled, False)`: 1 on the lungs, int8.
    pub lungs: Array3<i8>,
    /// `segment_lung_mask(resampled, True)`.
    pub lungs_fill: Array3<i8>,
    /// `normalize(resampled)`: `(HU + 1000) / 1400` clipped to `[0, 1]`.
    pub normalized: Array3<F>,
    /// `zero_center(normalized)`: minus 0.25.
    pub zero_centered: Array3<F>,
    /// Seconds per stage: `resample`, `segment_lung_mask`, `normalize`.
    pub timings: Timings,
}

/// The tutorial's preparation of an HU volume (already through Zuidhof's `get_pixels_hu`,
/// [`lungprep_hu::zuidhof_hu`]) with its float32 spacing `[thickness, row, column]`:
///
/// ```text
/// pix_resampled, spacing = resample(hu, spacing, new_spacing)
/// lungs      = segment_lung_mask(pix_resampled, False)
/// lungs_fill = segment_lung_mask(pix_resampled, True)
/// normalized = normalize(pix_resampled); zero_centered = zero_center(normalized)
/// ```
///
/// Integer outputs are identical to the tutorial's; float outputs are its float64 values
/// (`F = f64`) or those rounded once to float32 (`F = f32`).
pub fn zuidhof_prep<F: TutorialFloat>(
    hu: &ArrayView3<i16>,
    spacing: [f32; 3],
    new_spacing: [f64; 3],
) -> Result<ZuidhofPrep<F>> {
    let mut timings = Timings::default();
    let t = Instant::now();
    let (resampled, new_spacing) = lungprep_resample::zuidhof_resample(hu, spacing, new_spacing)?;
    timings.0.push(("resample", t.elapsed().as_secs_f64()));
    let t = Instant::now();
    let (lungs, lungs_fill) = rayon::join(
        || segment_lung_mask(&resampled.view(), false),
        || segment_lung_mask(&resampled.view(), true),
    );
    let (lungs, lungs_fill) = (lungs?, lungs_fill?);
    timings
        .0
        .push(("segment_lung_mask", t.elapsed().as_secs_f64()));
    let t = Instant::now();
    let (normalized, zero_centered) = normalize_and_center(&resampled.view());
    timings.0.push(("normalize", t.elapsed().as_secs_f64()));
    Ok(ZuidhofPrep {
        resampled,
        new_spacing,
        lungs,
        lungs_fill,
        normalized,
        zero_centered,
        timings,
    })
}

/// `normalize` and `zero_center` in float64, each result rounded once to `F`.
pub fn normalize_and_center<F: TutorialFloat>(hu: &ArrayView3<i16>) -> (Array3<F>, Array3<F>) {
    let [lo, hi] = NORMALIZE_BOUNDS;
    let mean = f64::from(PIXEL_MEAN);
    let mut n = Array3::<F>::default(hu.raw_dim());
    let mut z = Array3::<F>::default(hu.raw_dim());
    Zip::from(&mut n)
        .and(&mut z)
        .and(hu)
        .par_for_each(|n, z, &v| {
            // (image - MIN_BOUND) / (MAX_BOUND - MIN_BOUND); image[>1] = 1; image[<0] = 0.
            let x = ((f64::from(v) - lo) / (hi - lo)).clamp(0.0, 1.0);
            *n = F::from_f64(x);
            *z = F::from_f64(x - mean);
        });
    (n, z)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_rounds_once() {
        let hu = Array3::from_shape_vec((1, 1, 5), vec![-2000i16, -1000, -299, 400, 3000]).unwrap();
        let (n, z) = normalize_and_center::<f64>(&hu.view());
        assert_eq!(n.as_slice().unwrap(), &[0.0, 0.0, 701.0 / 1400.0, 1.0, 1.0]);
        assert_eq!(z[[0, 0, 2]], 701.0 / 1400.0 - 0.25);
        let (n32, z32) = normalize_and_center::<f32>(&hu.view());
        assert_eq!(n32[[0, 0, 2]], (701.0f64 / 1400.0) as f32);
        assert_eq!(z32[[0, 0, 2]], (701.0f64 / 1400.0 - 0.25) as f32);
    }

    #[test]
    fn prep_on_the_small_phantom() {
        let v = crate::phantom::chest_phantom(&crate::phantom::PhantomOptions::small());
        let sp = v.spacing.map(|s| s as f32);
        let p = zuidhof_prep::<f32>(&v.data.view(), sp, [1.0; 3]).unwrap();
        let want: Vec<usize> = (0..3)
            .map(|k| (v.data.shape()[k] as f64 * f64::from(sp[k])).round_ties_even() as usize)
            .collect();
        assert_eq!(p.resampled.shape(), &want[..]);
        assert_eq!(p.lungs.shape(), p.resampled.shape());
        assert!(p.lungs.iter().any(|&x| x == 1));
        assert!(p.lungs_fill.iter().any(|&x| x == 1));
        assert_eq!(p.normalized.shape(), p.resampled.shape());
        assert_eq!(p.timings.0.len(), 3);
    }
}
