//! Per-case lung volumes and the `suspect` column of report.csv: cheap checks that find the
//! failed segmentations among a thousand cases without opening a thousand pictures.

use lungprep::lungseg::Grid;
use ndarray::{ArrayView3, Axis};
use rayon::prelude::*;

/// Lowest plausible total lung volume of an adult chest CT, mL.
pub const MIN_TOTAL_ML: f64 = 1500.0;
/// Highest plausible total lung volume, mL.
pub const MAX_TOTAL_ML: f64 = 10000.0;
/// Largest plausible ratio of the larger lung's volume to the smaller's.
pub const MAX_RATIO: f64 = 3.0;

/// Volumes and field-of-view contact of a case's two lung masks.
#[derive(Debug, Clone, PartialEq)]
pub struct Lungs {
    /// Right lung volume, mL.
    pub right_ml: f64,
    /// Left lung volume, mL.
    pub left_ml: f64,
    /// Whether the first mask (`m1`) is the right lung.
    pub m1_right: bool,
    /// The faces of the scan's array (`z0 z1 y0 y1 x0 x1`, canonical layout) a mask touches.
    pub edges: Vec<&'static str>,
}

/// Voxel count, index sums (integers: exact in f64 far beyond any scan) and touched faces
/// of one mask.
#[derive(Default)]
struct Stats {
    n: u64,
    sum: [u64; 3],
    faces: [bool; 6],
}

impl Stats {
    fn merge(mut self, o: Stats) -> Stats {
        self.n += o.n;
        for k in 0..3 {
            self.sum[k] += o.sum[k];
        }
        for k in 0..6 {
            self.faces[k] |= o.faces[k];
        }
        self
    }
}

/// [`Stats`] of a mask, planes in parallel, each row counted without a branch per voxel.
fn stats(m: &ArrayView3<bool>) -> Stats {
    let (nz, ny, nx) = m.dim();
    m.axis_iter(Axis(0))
        .into_par_iter()
        .enumerate()
        .map(|(z, plane)| {
            let mut s = Stats::default();
            for (y, row) in plane.outer_iter().enumerate() {
                let (c, xs) = row
                    .iter()
                    .enumerate()
                    .fold((0u64, 0u64), |(c, xs), (x, &b)| {
                        (c + u64::from(b), xs + x as u64 * u64::from(b))
                    });
                if c == 0 {
                    continue;
                }
                s.n += c;
                s.sum[0] += z as u64 * c;
                s.sum[1] += y as u64 * c;
                s.sum[2] += xs;
                s.faces[0] |= z == 0;
                s.faces[1] |= z + 1 == nz;
                s.faces[2] |= y == 0;
                s.faces[3] |= y + 1 == ny;
                s.faces[4] |= row[0];
                s.faces[5] |= row[nx - 1];
            }
            s
        })
        .reduce(Stats::default, Stats::merge)
}

/// Measures the two masks of step 1 on their scan's true world grid. Right and left are
/// decided as for `NAME_lungs.nii.gz`: by the world x of each mask's centroid (LPS: the
/// patient's right is the smaller x).
pub fn measure(m1: &ArrayView3<bool>, m2: &ArrayView3<bool>, grid: &Grid) -> Lungs {
    let ml = grid.spacing.iter().product::<f64>() / 1000.0;
    let (a, b) = (stats(m1), stats(m2));
    let x =
        |s: &Stats| (s.n > 0).then(|| grid.index_to_world(s.sum.map(|v| v as f64 / s.n as f64))[0]);
    let (ra, rb) = match (x(&a), x(&b)) {
        (Some(xa), Some(xb)) if xa > xb => (&b, &a),
        _ => (&a, &b),
    };
    const FACES: [&str; 6] = ["z0", "z1", "y0", "y1", "x0", "x1"];
    let edges = FACES
        .iter()
        .enumerate()
        .filter(|(i, _)| a.faces[*i] || b.faces[*i])
        .map(|(_, f)| *f)
        .collect();
    Lungs {
        right_ml: ra.n as f64 * ml,
        left_ml: rb.n as f64 * ml,
        m1_right: std::ptr::eq(ra, &a),
        edges,
    }
}

impl Lungs {
    /// Total volume, mL.
    pub fn total_ml(&self) -> f64 {
        self.right_ml + self.left_ml
    }

    /// Why the case looks wrong; empty when nothing does.
    pub fn reasons(&self, two_lungs_found: bool) -> Vec<String> {
        let mut why = Vec::new();
        let (small, large) = (
            self.right_ml.min(self.left_ml),
            self.right_ml.max(self.left_ml),
        );
        if !two_lungs_found || small == 0.0 {
            why.push("no second lung".to_string());
        }
        let total = self.total_ml();
        if !(MIN_TOTAL_ML..=MAX_TOTAL_ML).contains(&total) {
            why.push(format!(
                "total {:.2} L outside {}-{} L",
                total / 1000.0,
                MIN_TOTAL_ML / 1000.0,
                MAX_TOTAL_ML / 1000.0
            ));
        }
        if small > 0.0 && large / small > MAX_RATIO {
            why.push(format!(
                "left/right ratio {:.1} beyond {MAX_RATIO}",
                self.left_ml / self.right_ml
            ));
        }
        if !self.edges.is_empty() {
            why.push(format!(
                "mask touches the field-of-view edge ({})",
                self.edges.join(" ")
            ));
        }
        why
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lungprep::volume_io;
    use ndarray::{s, Array3};

    fn grid(spacing: [f64; 3], flip_x: bool) -> Grid {
        let mut direction = volume_io::IDENTITY;
        if flip_x {
            direction[0][0] = -1.0;
        }
        Grid {
            spacing,
            origin: [0.0; 3],
            direction,
        }
    }

    #[test]
    fn volumes_sides_and_edges() {
        let mut a = Array3::from_elem((10, 20, 20), false);
        let mut b = a.clone();
        a.slice_mut(s![2..6, 3..7, 2..5]).fill(true); // 48 voxels, small x: right in LPS
        b.slice_mut(s![1..9, 5..9, 12..19]).fill(true); // 224 voxels
        let g = grid([2.0, 0.5, 0.5], false);
        let l = measure(&a.view(), &b.view(), &g);
        assert!((l.right_ml - 0.024).abs() < 1e-12 && (l.left_ml - 0.112).abs() < 1e-12);
        assert!(l.edges.is_empty());
        // The same rule as NAME_lungs.nii.gz, whichever mask comes first and however x runs.
        for flip in [false, true] {
            let g = grid([2.0, 0.5, 0.5], flip);
            for (m1, m2) in [(&a, &b), (&b, &a)] {
                let l = measure(&m1.view(), &m2.view(), &g);
                let map = super::super::outputs::lungs_label_map(&m1.view(), &m2.view(), &g);
                let right = map.iter().filter(|&&v| v == 1).count() as f64 * 0.5 / 1000.0;
                assert!((l.right_ml - right).abs() < 1e-12, "flip {flip}");
                let m1_is_a = std::ptr::eq(m1, &a);
                assert_eq!(l.m1_right, m1_is_a != flip, "flip {flip}");
            }
        }
        b[[9, 0, 19]] = true;
        let l = measure(&a.view(), &b.view(), &g);
        assert_eq!(l.edges, ["z1", "y0", "x1"]);
    }

    #[test]
    fn reasons() {
        let l = |r: f64, left: f64| Lungs {
            right_ml: r,
            left_ml: left,
            m1_right: true,
            edges: vec![],
        };
        assert!(l(2500.0, 2000.0).reasons(true).is_empty());
        assert_eq!(
            l(1200.0, 0.0).reasons(false),
            ["no second lung", "total 1.20 L outside 1.5-10 L"]
        );
        assert_eq!(
            l(1000.0, 3500.0).reasons(true),
            ["left/right ratio 3.5 beyond 3"]
        );
        assert_eq!(
            l(6000.0, 5000.0).reasons(true),
            ["total 11.00 L outside 1.5-10 L"]
        );
        let mut e = l(2500.0, 2000.0);
        e.edges = vec!["z0", "x1"];
        assert_eq!(
            e.reasons(true),
            ["mask touches the field-of-view edge (z0 x1)"]
        );
    }
}
