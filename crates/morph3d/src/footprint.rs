//! scikit-image 0.26's flat footprints: `disk`, `ball` (`decomposition=None`) and
//! `pad_footprint`, as boolean arrays.

use ndarray::{Array2, Array3, ArrayD, ArrayViewD, IxDyn};

/// `skimage.morphology.disk(radius, strict_radius=...)`: `(2r+1)²`, true where
/// `x² + y² ≤ r²` (`(r + 0.5)²` when `strict_radius` is false). Allocates `(2r+1)²` bytes.
pub fn disk(radius: usize, strict_radius: bool) -> Array2<bool> {
    let n = 2 * radius + 1;
    let r = radius as i64;
    let limit = limit(radius, strict_radius);
    Array2::from_shape_fn((n, n), |(i, j)| {
        let (y, x) = (i as i64 - r, j as i64 - r);
        ((x * x + y * y) as f64) <= limit
    })
}

/// `skimage.morphology.ball(radius, strict_radius=...)`: `(2r+1)³`, true where
/// `x² + y² + z² ≤ r²` (`(r + 0.5)²` when `strict_radius` is false). Integer radii only (the
/// grid is then exactly integral, as numpy's `mgrid` makes it). Allocates `(2r+1)³` bytes.
pub fn ball(radius: usize, strict_radius: bool) -> Array3<bool> {
    let n = 2 * radius + 1;
    let r = radius as i64;
    let limit = limit(radius, strict_radius);
    Array3::from_shape_fn((n, n, n), |(k, i, j)| {
        let (z, y, x) = (k as i64 - r, i as i64 - r, j as i64 - r);
        ((x * x + y * y + z * z) as f64) <= limit
    })
}

fn limit(radius: usize, strict_radius: bool) -> f64 {
    let r = radius as f64 + if strict_radius { 0.0 } else { 0.5 };
    r * r
}

/// `skimage.morphology.pad_footprint(fp, pad_end=True)`: every even extent gets one false
/// plane at its end, so the centre is `shape // 2` of the original array.
pub fn pad_footprint(footprint: &ArrayViewD<bool>) -> ArrayD<bool> {
    let shape: Vec<usize> = footprint.shape().iter().map(|&s| s + (1 - s % 2)).collect();
    let mut out = ArrayD::from_elem(IxDyn(&shape), false);
    for (idx, &v) in footprint.indexed_iter() {
        out[idx] = v;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_footprints() {
        let d = disk(1, true);
        assert_eq!(d.iter().filter(|&&v| v).count(), 5);
        assert_eq!(disk(1, false).iter().filter(|&&v| v).count(), 9);
        assert_eq!(disk(2, true).iter().filter(|&&v| v).count(), 13);
        assert_eq!(ball(1, true).iter().filter(|&&v| v).count(), 7);
        assert_eq!(disk(0, true).shape(), &[1, 1]);
        let p = pad_footprint(&ndarray::Array2::from_elem((2, 3), true).into_dyn().view());
        assert_eq!(p.shape(), &[3, 3]);
        assert!(p[[1, 2]] && !p[[2, 0]]);
    }
}
