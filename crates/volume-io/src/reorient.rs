//! The canonical layout: any volume whose direction is a signed permutation of the world axes
//! is brought to LPS with identity direction (x columns patient right → left, y rows anterior →
//! posterior, z slices inferior → superior), the layout grt123's thresholds and corner probes
//! assume, by exact index permutation and flips: no voxel is resampled.

use crate::volume::{Reorientation, Volume};

/// How far (largest absolute entry) a direction may be from a signed permutation and still
/// count as one.
pub const PERMUTATION_TOLERANCE: f64 = 1e-3;

/// Which world axis each stored array axis is nearest to: for stored array axis `a` (`z, y, x`),
/// `(world axis 0..3 in x, y, z, sign)`; the assignment maximizing the summed |cosines|.
fn nearest_axes(direction: &[[f64; 3]; 3]) -> [(usize, f64); 3] {
    const PERMS: [[usize; 3]; 6] = [
        [0, 1, 2],
        [0, 2, 1],
        [1, 0, 2],
        [1, 2, 0],
        [2, 0, 1],
        [2, 1, 0],
    ];
    // Array axis a is image axis 2 − a, whose world direction is row 2 − a.
    let score = |p: &[usize; 3]| (0..3).map(|a| direction[2 - a][p[a]].abs()).sum::<f64>();
    let mut best = PERMS[0];
    for p in PERMS {
        if score(&p) > score(&best) + 1e-12 {
            best = p;
        }
    }
    let mut out = [(0, 1.0); 3];
    for a in 0..3 {
        let c = direction[2 - a][best[a]];
        out[a] = (best[a], if c < 0.0 { -1.0 } else { 1.0 });
    }
    out
}

/// Brings `vol` to the canonical layout (see the module doc) by permuting and reversing array
/// axes, moving `origin`, `spacing` and `direction` with the array, and records what was done
/// (and the stored geometry) in `meta.reorientation`. A direction that is not a signed
/// permutation within [`PERMUTATION_TOLERANCE`] (oblique, gantry tilt) goes to the nearest
/// axes, keeps its true residual direction and gets a warning naming the angle.
pub fn to_canonical<T: Clone>(vol: Volume<T>) -> Volume<T> {
    let near = nearest_axes(&vol.direction);
    let mut permutation = [0usize; 3];
    let mut flips = [false; 3];
    for (a, &(w, sign)) in near.iter().enumerate() {
        // Canonical array axis k holds world axis 2 − k.
        let k = 2 - w;
        permutation[k] = a;
        flips[k] = sign < 0.0;
    }
    let mut worst = 0.0f64;
    let mut off = 0.0f64;
    for (a, &(w, sign)) in near.iter().enumerate() {
        let row = vol.direction[2 - a];
        let norm = row
            .iter()
            .map(|c| c * c)
            .sum::<f64>()
            .sqrt()
            .max(f64::MIN_POSITIVE);
        let cos = (row[w].abs() / norm).min(1.0);
        worst = worst.max(cos.acos().to_degrees());
        for (j, c) in row.iter().enumerate() {
            let want = if j == w { sign } else { 0.0 };
            off = off.max((c - want).abs());
        }
    }
    let shape = vol.shape();
    // World position of the new voxel [0, 0, 0]: the stored index with the reversed axes at
    // their last voxel.
    let mut origin_xyz = [vol.origin[2], vol.origin[1], vol.origin[0]];
    for k in 0..3 {
        if flips[k] {
            let a = permutation[k];
            let steps = shape[a].saturating_sub(1) as f64 * vol.spacing[a];
            for (w, o) in origin_xyz.iter_mut().enumerate() {
                *o += steps * vol.direction[2 - a][w];
            }
        }
    }
    let mut spacing = [0.0; 3];
    let mut direction = [[0.0; 3]; 3];
    for k in 0..3 {
        let a = permutation[k];
        spacing[k] = vol.spacing[a];
        let s = if flips[k] { -1.0 } else { 1.0 };
        direction[2 - k] = vol.direction[2 - a].map(|c| s * c + 0.0); // + 0.0: no -0 in outputs
    }
    let record = Reorientation {
        permutation,
        flips,
        oblique_degrees: if off > PERMUTATION_TOLERANCE {
            worst
        } else {
            0.0
        },
        source_shape: shape,
        source_spacing: vol.spacing,
        source_origin: vol.origin,
        source_direction: vol.direction,
    };
    let mut meta = vol.meta;
    if off > PERMUTATION_TOLERANCE {
        meta.warnings.push(format!(
            "oblique orientation: image axes up to {worst:.2}° from the world axes; processed on \
             the nearest axes without resampling (the direction keeps the true rotation)"
        ));
    }
    let data = if record.is_identity() {
        vol.data
    } else {
        let mut d = vol.data.permuted_axes(permutation);
        for (k, &f) in flips.iter().enumerate() {
            if f {
                d.invert_axis(ndarray::Axis(k));
            }
        }
        d.as_standard_layout().into_owned()
    };
    meta.reorientation = Some(record);
    Volume {
        data,
        spacing,
        origin: [origin_xyz[2], origin_xyz[1], origin_xyz[0]],
        direction,
        meta,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array3;

    fn world(v: &Volume<u32>, idx: [usize; 3]) -> [f64; 3] {
        let m = v.affine();
        let mut out = [0.0; 3];
        for (w, o) in out.iter_mut().enumerate() {
            *o = m[w][3] + (0..3).map(|k| m[w][k] * idx[k] as f64).sum::<f64>();
        }
        out
    }

    /// Every voxel keeps its value at the same world position; identity direction results.
    fn check(direction: [[f64; 3]; 3]) {
        let data = Array3::from_shape_fn((3, 4, 5), |(z, y, x)| (z * 100 + y * 10 + x) as u32);
        let mut v = Volume::new(data);
        v.spacing = [2.0, 0.5, 0.7];
        v.origin = [10.0, -20.0, 30.0];
        v.direction = direction;
        let c = to_canonical(v.clone());
        for d in c.direction.iter().zip(crate::IDENTITY.iter()) {
            for (a, b) in d.0.iter().zip(d.1) {
                assert!((a - b).abs() < 1e-12, "{:?}", c.direction);
            }
        }
        let mut pos = std::collections::HashMap::new();
        for ((z, y, x), val) in v.data.indexed_iter() {
            pos.insert(*val, world(&v, [z, y, x]));
        }
        for ((z, y, x), val) in c.data.indexed_iter() {
            let w = world(&c, [z, y, x]);
            let p = pos[val];
            for i in 0..3 {
                assert!(
                    (w[i] - p[i]).abs() < 1e-9,
                    "{direction:?} {val}: {w:?} vs {p:?}"
                );
            }
        }
        let back = c.meta.reorientation.unwrap();
        assert_eq!(back.source_origin, v.origin);
        assert_eq!(back.oblique_degrees, 0.0);
        assert!(c.meta.warnings.is_empty());
    }

    #[test]
    fn every_signed_permutation_lands_on_identity() {
        let perms = [
            [0, 1, 2],
            [0, 2, 1],
            [1, 0, 2],
            [1, 2, 0],
            [2, 0, 1],
            [2, 1, 0],
        ];
        for p in perms {
            for signs in 0..8 {
                let mut d = [[0.0; 3]; 3];
                for r in 0..3 {
                    d[r][p[r]] = if signs >> r & 1 == 1 { -1.0 } else { 1.0 };
                }
                check(d);
            }
        }
    }

    #[test]
    fn luna_matrix_is_grt123_flip() {
        let data = Array3::from_shape_fn((2, 3, 4), |(z, y, x)| (z * 100 + y * 10 + x) as u32);
        let mut v = Volume::new(data.clone());
        v.direction = [[-1.0, 0.0, 0.0], [0.0, -1.0, 0.0], [0.0, 0.0, 1.0]];
        let c = to_canonical(v);
        let r = c.meta.reorientation.as_ref().unwrap();
        assert_eq!((r.permutation, r.flips), ([0, 1, 2], [false, true, true]));
        let mut want = data;
        want.invert_axis(ndarray::Axis(1));
        want.invert_axis(ndarray::Axis(2));
        assert_eq!(c.data, want);
        assert_eq!(c.origin, [0.0, -2.0, -3.0]);
    }

    #[test]
    fn oblique_keeps_residual_and_warns() {
        let t = 18.5f64.to_radians();
        let mut v = Volume::new(Array3::<u32>::zeros((2, 2, 2)));
        v.direction = [
            [1.0, 0.0, 0.0],
            [0.0, t.cos(), -t.sin()],
            [0.0, t.sin(), t.cos()],
        ];
        let c = to_canonical(v.clone());
        assert_eq!(c.direction, v.direction);
        let r = c.meta.reorientation.unwrap();
        assert!((r.oblique_degrees - 18.5).abs() < 1e-9);
        assert!(c.meta.warnings[0].contains("18.50°"));
    }
}
