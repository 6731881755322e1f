//! A deterministic synthetic chest CT, so examples, tests, benches and the CLI run without data.
//!
//! Anatomy is defined in millimetres, so any shape/spacing pair with the same field of view gives
//! the same body: a round field of view padded with −2000 HU, a body with a fat rim, a patient table
//! with an air core, spine and ribs (bone for the bone-removal step), two lungs with vessels and a
//! nodule, and a trachea that reaches the top slice and branches into both lungs. Noise is a hash of
//! the voxel index, so the volume is identical however many threads build it.

use lungprep_volume_io::Volume;
use ndarray::{Array3, Axis};
use rayon::prelude::*;

/// Size and seed of a phantom.
#[derive(Debug, Clone, PartialEq)]
pub struct PhantomOptions {
    /// `(z, y, x)` voxels.
    pub shape: [usize; 3],
    /// `(z, y, x)` voxel size in mm.
    pub spacing: [f64; 3],
    /// Noise seed.
    pub seed: u64,
    /// Peak-to-peak-half amplitude of the uniform noise, in HU.
    pub noise_hu: i16,
    /// Lungs that overlap in a thin sheet behind the sternum, as in most real chest CTs, so
    /// `two_lung_only` has to erode before the lungs separate and split the mask by distance.
    pub touching_lungs: bool,
}

impl Default for PhantomOptions {
    /// 160 × 512 × 512 at 2 × 0.7 × 0.7 mm, the size of a typical DSB2017 scan.
    fn default() -> Self {
        PhantomOptions {
            shape: [160, 512, 512],
            spacing: [2.0, 0.7, 0.7],
            seed: 2017,
            noise_hu: 20,
            touching_lungs: false,
        }
    }
}

impl PhantomOptions {
    /// The same body at a quarter of the in-plane and a third of the axial resolution
    /// (53 × 128 × 128): fast enough for debug-mode tests.
    pub fn small() -> Self {
        PhantomOptions {
            shape: [53, 128, 128],
            spacing: [6.0, 2.8, 2.8],
            ..Default::default()
        }
    }

    /// A thin-slice chest: 700 × 512 × 512 at 0.625 × 0.7 × 0.7 mm (183 M voxels), with
    /// touching lungs. The memory benchmark: grt123 would need ≈ 14 GB for it.
    pub fn thin_slice() -> Self {
        PhantomOptions {
            shape: [700, 512, 512],
            spacing: [0.625, 0.7, 0.7],
            touching_lungs: true,
            ..Default::default()
        }
    }
}

const AIR: i16 = -1000;
const PAD: i16 = -2000;
const LUNG: i16 = -850;
const FAT: i16 = -90;
const SOFT: i16 = 40;
const BONE: i16 = 700;
const TABLE: i16 = 150;

/// A segment between two points with a radius, all in mm `(x, y, z)`.
struct Tube {
    a: [f64; 3],
    b: [f64; 3],
    r: f64,
}

impl Tube {
    fn contains(&self, p: [f64; 3]) -> bool {
        let ab = sub(self.b, self.a);
        let ap = sub(p, self.a);
        let t = (dot(ap, ab) / dot(ab, ab)).clamp(0.0, 1.0);
        let q = [ap[0] - t * ab[0], ap[1] - t * ab[1], ap[2] - t * ab[2]];
        dot(q, q) <= self.r * self.r
    }
}

fn sub(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// splitmix64: a well-mixed hash of the voxel index for reproducible noise.
fn hash(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

struct Anatomy {
    lungs: [([f64; 3], [f64; 3]); 2],
    vessels: Vec<Tube>,
    airways: Vec<Tube>,
    nodule: ([f64; 3], f64),
    z_top: f64,
}

impl Anatomy {
    fn new(z_extent: f64, touching: bool) -> Self {
        // Lungs centred at 47 % of the axial extent; trachea from above them to the top slice.
        let zc = 0.47 * z_extent;
        let semi_z = 0.34 * z_extent;
        // Touching: 0.6 mm apart at x = 0, so at 0.7 mm voxels the two lungs meet in a patch
        // a few millimetres wide (as real lungs meet behind the sternum).
        let cx = if touching { 55.3 } else { 75.0 };
        let lungs = [
            ([-cx, -5.0, zc], [55.0, 70.0, semi_z]),
            ([cx, -5.0, zc], [55.0, 70.0, semi_z]),
        ];
        let mut vessels = Vec::new();
        for &sx in &[-1.0, 1.0] {
            for &(x, y, r) in &[(60.0, -20.0, 3.0), (90.0, 10.0, 2.5), (70.0, 35.0, 2.0)] {
                vessels.push(Tube {
                    a: [sx * x, y, zc - 0.8 * semi_z],
                    b: [sx * (x + 10.0), y - 10.0, zc + 0.8 * semi_z],
                    r,
                });
            }
        }
        let carina = [0.0, -30.0, zc + 0.55 * semi_z];
        let airways = vec![
            Tube {
                a: carina,
                b: [0.0, -30.0, z_extent + 10.0],
                r: 9.0,
            },
            Tube {
                a: carina,
                b: [-50.0, -15.0, zc + 0.3 * semi_z],
                r: 6.0,
            },
            Tube {
                a: carina,
                b: [50.0, -15.0, zc + 0.3 * semi_z],
                r: 6.0,
            },
        ];
        Anatomy {
            lungs,
            vessels,
            airways,
            nodule: ([-80.0, 0.0, zc + 0.1 * semi_z], 5.0),
            z_top: z_extent,
        }
    }

    /// HU at a point `(x, y, z)` mm inside the field of view, without noise.
    fn hu(&self, p: [f64; 3]) -> i16 {
        let [x, y, z] = p;
        let in_ellipse = |cx: f64, cy: f64, ax: f64, ay: f64| {
            let u = (x - cx) / ax;
            let v = (y - cy) / ay;
            u * u + v * v <= 1.0
        };
        // Table: a plate under the body with an air core.
        if (115.0..=130.0).contains(&y) && x.abs() <= 170.0 {
            return if (119.0..=126.0).contains(&y) && x.abs() <= 160.0 {
                AIR
            } else {
                TABLE
            };
        }
        if !in_ellipse(0.0, -10.0, 160.0, 110.0) {
            return AIR;
        }
        if self.airways.iter().any(|t| t.contains(p)) && z <= self.z_top + 5.0 {
            return AIR;
        }
        let (nc, nr) = self.nodule;
        if dot(sub(p, nc), sub(p, nc)) <= nr * nr {
            return SOFT;
        }
        for (c, s) in &self.lungs {
            let d = sub(p, *c);
            if (d[0] / s[0]).powi(2) + (d[1] / s[1]).powi(2) + (d[2] / s[2]).powi(2) <= 1.0 {
                if self.vessels.iter().any(|t| t.contains(p)) {
                    return SOFT;
                }
                return LUNG;
            }
        }
        // Spine and a rib every 25 mm along z, 10 mm thick.
        if in_ellipse(0.0, 70.0, 18.0, 18.0) {
            return BONE;
        }
        let rib_band = z.rem_euclid(25.0) < 10.0;
        if rib_band && in_ellipse(0.0, -8.0, 148.0, 98.0) && !in_ellipse(0.0, -8.0, 141.0, 91.0) {
            return BONE;
        }
        if !in_ellipse(0.0, -10.0, 148.0, 98.0) {
            return FAT;
        }
        SOFT
    }
}

/// Builds the phantom as an int16 HU volume with the given geometry (origin 0).
pub fn chest_phantom(opts: &PhantomOptions) -> Volume<i16> {
    let [nz, ny, nx] = opts.shape;
    let [sz, sy, sx] = opts.spacing;
    let anatomy = Anatomy::new(nz as f64 * sz, opts.touching_lungs);
    let mut data = Array3::<i16>::zeros((nz, ny, nx));
    let noise = opts.noise_hu.max(0) as u64;
    let fov = ny.min(nx) as f64 / 2.0;
    data.axis_iter_mut(Axis(0))
        .into_par_iter()
        .enumerate()
        .for_each(|(z, mut plane)| {
            let zmm = (z as f64 + 0.5) * sz;
            for ((y, x), v) in plane.indexed_iter_mut() {
                let py = y as f64 - ny as f64 / 2.0 + 0.5;
                let px = x as f64 - nx as f64 / 2.0 + 0.5;
                if (px * px + py * py).sqrt() >= fov {
                    *v = PAD;
                    continue;
                }
                let hu = anatomy.hu([px * sx, py * sy, zmm]);
                let n = if noise > 0 {
                    let h = hash(opts.seed ^ (((z * ny + y) * nx + x) as u64));
                    (h % (2 * noise + 1)) as i64 - noise as i64
                } else {
                    0
                };
                *v = (hu as i64 + n) as i16;
            }
        });
    let mut vol = Volume::new(data);
    vol.spacing = opts.spacing;
    vol.meta
        .warnings
        .push("synthetic chest phantom (lungprep_lungseg::phantom)".to_string());
    vol
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_shaped() {
        let o = PhantomOptions {
            shape: [8, 32, 32],
            spacing: [40.0, 11.2, 11.2],
            ..Default::default()
        };
        let a = chest_phantom(&o);
        let b = chest_phantom(&o);
        assert_eq!(a.data, b.data);
        assert_eq!(a.shape(), [8, 32, 32]);
        assert_eq!(a.data[[0, 0, 0]], PAD);
    }

    #[test]
    fn has_lungs_bone_and_trachea_at_top() {
        let o = PhantomOptions::small();
        let v = chest_phantom(&o);
        let [nz, ny, nx] = o.shape;
        let lung = v
            .data
            .iter()
            .filter(|&&h| (-900..=-800).contains(&h))
            .count() as f64;
        let litres = lung * o.spacing.iter().product::<f64>() / 1e6;
        assert!((2.0..6.0).contains(&litres), "lung volume {litres} L");
        assert!(v.data.iter().any(|&h| h > 600));
        // Trachea: air at the centre-front of the top slice, inside the body.
        let y = (ny as f64 / 2.0 - 30.0 / o.spacing[1]) as usize;
        assert!(v.data[[nz - 1, y, nx / 2]] < -900);
    }
}
