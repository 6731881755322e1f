//! Voxel spacing with the precision grt123 computes it in.

/// `(z, y, x)` voxel spacing in mm, remembering whether grt123 would hold it as float32.
///
/// grt123's DICOM loader builds its spacing with `dtype=np.float32`; the MetaImage loader gives
/// float64. Under numpy's promotion rules that changes a few products (`spacing.prod()` is
/// computed in float32 for DICOM), and the thresholds are compared against those products, so
/// the pipeline reproduces the precision to stay bit-exact.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spacing {
    zyx: [f64; 3],
    f32: bool,
}

impl Spacing {
    /// float64 spacing (MetaImage, NRRD, NIfTI, `.npy`).
    pub fn f64(zyx: [f64; 3]) -> Self {
        Spacing { zyx, f32: false }
    }

    /// float32 spacing (grt123's DICOM loader): each value is rounded to f32.
    pub fn f32(zyx: [f64; 3]) -> Self {
        Spacing {
            zyx: zyx.map(|v| v as f32 as f64),
            f32: true,
        }
    }

    /// The values, widened to f64 exactly.
    pub fn get(&self) -> [f64; 3] {
        self.zyx
    }

    /// Whether the values are float32.
    pub fn is_f32(&self) -> bool {
        self.f32
    }

    /// `spacing.prod()` in the spacing's own precision.
    pub fn volume(&self) -> f64 {
        self.product(&self.zyx)
    }

    /// `np.prod(spacing[1:3])` in the spacing's own precision.
    pub fn pixel_area(&self) -> f64 {
        self.product(&self.zyx[1..])
    }

    fn product(&self, v: &[f64]) -> f64 {
        if self.f32 {
            v.iter().fold(1f32, |a, &b| a * b as f32) as f64
        } else {
            v.iter().product()
        }
    }

    /// An error unless every value is finite and positive.
    pub fn validate(&self) -> crate::Result<()> {
        if self.zyx.iter().all(|v| v.is_finite() && *v > 0.0) {
            Ok(())
        } else {
            Err(crate::Error::Invalid(format!(
                "spacing must be finite and positive, got {:?}",
                self.zyx
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn f32_products_round_like_numpy() {
        let s = Spacing::f32([2.5, 0.703125, 0.703125]);
        assert_eq!(s.volume(), (2.5f32 * 0.703125f32 * 0.703125f32) as f64);
        let s = Spacing::f32([1.0, 0.7, 0.7]);
        assert_eq!(s.get()[1], 0.7f32 as f64);
        assert_eq!(s.pixel_area(), (0.7f32 * 0.7f32) as f64);
        assert!(Spacing::f64([1.0, 0.0, 1.0]).validate().is_err());
    }
}
