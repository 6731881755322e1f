//! World coordinates: where the scan and `NAME_clean.npy` sit in patient millimetres (LPS), so
//! a detection in the clean volume maps back to the scan and a world position (a LUNA16
//! annotation) maps into it. Conventions are `lungprep_volume_io::Volume`'s: indices and spacing
//! `(z, y, x)`, world points `(x, y, z)` LPS mm, direction rows are the x, y, z axes.

use crate::{CropBox, Error, Result, Spacing};

/// A voxel grid in the world: index `(z, y, x)` → LPS `(x, y, z)` mm.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Grid {
    /// Distance between voxel centres along each array axis, `(z, y, x)` mm.
    pub spacing: [f64; 3],
    /// World position of voxel `[0, 0, 0]`, `(z, y, x)` (world x, y, z reversed).
    pub origin: [f64; 3],
    /// Rows: the array's x, y, z axes as unit vectors in world LPS.
    pub direction: [[f64; 3]; 3],
}

impl Grid {
    /// The 4×4 affine from index `(z, y, x, 1)` to world `(x, y, z, 1)`.
    pub fn affine(&self) -> [[f64; 4]; 4] {
        lungprep_volume_io::affine(self.spacing, self.origin, self.direction)
    }

    /// World `(x, y, z)` mm of a (fractional) index `(z, y, x)`.
    pub fn index_to_world(&self, index: [f64; 3]) -> [f64; 3] {
        let m = self.affine();
        let mut out = [0.0; 3];
        for (w, o) in out.iter_mut().enumerate() {
            *o = m[w][3] + (0..3).map(|k| m[w][k] * index[k]).sum::<f64>();
        }
        out
    }

    /// The (fractional) index `(z, y, x)` of world `(x, y, z)` mm; `None` when the grid is
    /// degenerate (zero spacing or collinear axes).
    pub fn world_to_index(&self, world: [f64; 3]) -> Option<[f64; 3]> {
        let m = self.affine();
        let a = [
            [m[0][0], m[0][1], m[0][2]],
            [m[1][0], m[1][1], m[1][2]],
            [m[2][0], m[2][1], m[2][2]],
        ];
        let inv = inverse3(a)?;
        let d = [world[0] - m[0][3], world[1] - m[1][3], world[2] - m[2][3]];
        let mut out = [0.0; 3];
        for (k, o) in out.iter_mut().enumerate() {
            *o = (0..3).map(|w| inv[k][w] * d[w]).sum();
        }
        Some(out)
    }
}

fn inverse3(a: [[f64; 3]; 3]) -> Option<[[f64; 3]; 3]> {
    let c = |r: usize, s: usize| {
        let (r1, r2) = ((r + 1) % 3, (r + 2) % 3);
        let (s1, s2) = ((s + 1) % 3, (s + 2) % 3);
        a[r1][s1] * a[r2][s2] - a[r1][s2] * a[r2][s1]
    };
    let det = (0..3).map(|s| a[0][s] * c(0, s)).sum::<f64>();
    if !det.is_normal() {
        return None;
    }
    let mut inv = [[0.0; 3]; 3];
    for (r, row) in inv.iter_mut().enumerate() {
        for (s, v) in row.iter_mut().enumerate() {
            *v = c(s, r) / det;
        }
    }
    Some(inv)
}

/// The grid of the clean volume `prep` cuts from `scan` (whose array has `shape` and was
/// resampled with the pipeline's `spacing` to `resolution`, then cropped to `crop`).
///
/// grt123 resamples with `scipy.ndimage.zoom` (`grid_mode=False`): output voxel `o` of an axis
/// resampled from `n` to `m = round(n · spacing / resolution)` voxels samples input index
/// `o · (n − 1) / (m − 1)`. So the clean grid's spacing is `scan.spacing · (n − 1) / (m − 1)`
/// (about `resolution`, not exactly), and its origin the world position of resampled voxel
/// `crop[k][0]`.
pub fn clean_grid(
    scan: &Grid,
    shape: [usize; 3],
    spacing: &Spacing,
    crop: &CropBox,
    resolution: [f64; 3],
) -> Result<Grid> {
    let sp = spacing.get();
    let mut step = [0.0; 3];
    for k in 0..3 {
        let m = (shape[k] as f64 * sp[k] / resolution[k]).round_ties_even();
        if !(m.is_finite() && m >= 1.0) {
            return Err(Error::Invalid(format!(
                "clean_grid: axis {k} of {} voxels resamples to {m}",
                shape[k]
            )));
        }
        // One output voxel: zoom samples input index 0 only; keep the nominal step.
        let ratio = if m > 1.0 {
            (shape[k] as f64 - 1.0) / (m - 1.0)
        } else {
            resolution[k] / sp[k]
        };
        step[k] = ratio;
    }
    let start = [
        crop[0][0] as f64 * step[0],
        crop[1][0] as f64 * step[1],
        crop[2][0] as f64 * step[2],
    ];
    let o = scan.index_to_world(start);
    Ok(Grid {
        spacing: [
            scan.spacing[0] * step[0],
            scan.spacing[1] * step[1],
            scan.spacing[2] * step[2],
        ],
        origin: [o[2], o[1], o[0]],
        direction: scan.direction,
    })
}

/// World `(x, y, z)` LPS mm of a (fractional) index `(z, y, x)` in the clean volume (drop
/// the leading axis of `NAME_clean.npy` first).
pub fn clean_to_world(clean: &Grid, index: [f64; 3]) -> [f64; 3] {
    clean.index_to_world(index)
}

/// The (fractional) clean-volume index `(z, y, x)` of world `(x, y, z)` LPS mm.
pub fn world_to_clean(clean: &Grid, world: [f64; 3]) -> Result<[f64; 3]> {
    clean
        .world_to_index(world)
        .ok_or_else(|| Error::Invalid("world_to_clean: degenerate clean grid".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rot(a: f64, b: f64) -> [[f64; 3]; 3] {
        // Rotation about z by a, then about x by b; rows are the rotated axes.
        let (ca, sa, cb, sb) = (a.cos(), a.sin(), b.cos(), b.sin());
        let rz = [[ca, -sa, 0.0], [sa, ca, 0.0], [0.0, 0.0, 1.0]];
        let rx = [[1.0, 0.0, 0.0], [0.0, cb, -sb], [0.0, sb, cb]];
        let mut m = [[0.0; 3]; 3];
        for i in 0..3 {
            for j in 0..3 {
                m[i][j] = (0..3).map(|k| rx[i][k] * rz[k][j]).sum();
            }
        }
        m
    }

    proptest! {
        #[test]
        fn round_trip(
            sp in prop::array::uniform3(0.3f64..6.0),
            org in prop::array::uniform3(-400.0f64..400.0),
            a in -3.2f64..3.2, b in -3.2f64..3.2,
            flips in prop::array::uniform3(any::<bool>()),
            idx in prop::array::uniform3(-10.0f64..300.0),
            crop in prop::array::uniform3(0usize..20),
        ) {
            let mut direction = rot(a, b);
            for (r, f) in direction.iter_mut().zip(flips) {
                if f { *r = r.map(|c| -c); }
            }
            let scan = Grid { spacing: sp, origin: org, direction };
            let spacing = Spacing::f64(sp);
            let cb: CropBox = [[crop[0], crop[0] + 5], [crop[1], crop[1] + 5], [crop[2], crop[2] + 5]];
            let clean = clean_grid(&scan, [40, 60, 70], &spacing, &cb, [1.0; 3]).unwrap();
            let w = clean_to_world(&clean, idx);
            let back = world_to_clean(&clean, w).unwrap();
            for k in 0..3 {
                prop_assert!((back[k] - idx[k]).abs() < 1e-6, "{back:?} vs {idx:?}");
            }
            // The slow obvious version: crop offset, zoom's input index, the scan's affine.
            let mut input = [0.0; 3];
            for k in 0..3 {
                let n = [40.0, 60.0, 70.0][k];
                let m = (n * sp[k]).round_ties_even();
                input[k] = (idx[k] + cb[k][0] as f64) * (n - 1.0) / (m - 1.0);
            }
            let want = scan.index_to_world(input);
            for k in 0..3 {
                prop_assert!((want[k] - w[k]).abs() < 1e-6);
            }
        }
    }

    #[test]
    fn identity_grid_is_origin_plus_spacing() {
        let g = Grid {
            spacing: [2.0, 0.5, 0.25],
            origin: [-10.0, 20.0, 30.0],
            direction: lungprep_volume_io::IDENTITY,
        };
        assert_eq!(g.index_to_world([1.0, 2.0, 4.0]), [31.0, 21.0, -8.0]);
        assert!(Grid {
            spacing: [0.0; 3],
            ..g
        }
        .world_to_index([0.0; 3])
        .is_none());
    }
}
