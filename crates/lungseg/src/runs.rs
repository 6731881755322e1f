//! Connected components on runs: a CT mask's rows are a few long runs, so labelling runs
//! instead of voxels needs no `u32` volume (4 bytes per voxel) and far fewer unions.

use ndarray::{Array3, ArrayView3, Axis};
use rayon::prelude::*;

/// One plane's row starts and runs, before concatenation.
type PlaneRuns = (Vec<usize>, Vec<(u32, u32)>);

/// The true runs of a 3-D mask, row by row, with a label per run numbered as
/// `scipy.ndimage.label` numbers the voxels (raster order of each component's first voxel).
pub(crate) struct Runs {
    /// `(nz, ny, nx)`.
    pub dims: (usize, usize, usize),
    /// Runs of row `r = z·ny + y` are `start[r]..start[r + 1]`.
    pub start: Vec<usize>,
    /// Half-open x range of each run.
    pub x: Vec<(u32, u32)>,
    /// Label of each run (1-based).
    pub label: Vec<u32>,
    /// Number of labels.
    pub count: usize,
}

impl Runs {
    /// Labels the true voxels of `bw`'s first `nz_used` planes (the rest count as false) with
    /// `connectivity` 1 (6-), 2 (18-) or 3 (26-connected).
    pub fn label(bw: &ArrayView3<bool>, nz_used: usize, connectivity: usize) -> Runs {
        Self::label_rows(bw, nz_used, connectivity, lungprep_morph3d::mask_runs)
    }

    /// [`Runs::label`] of the voxels of a depth map deeper than `above`.
    pub fn label_above(depth: &ArrayView3<u8>, above: u8, connectivity: usize) -> Runs {
        Self::label_rows(depth, depth.dim().0, connectivity, |r, out| {
            lungprep_morph3d::row_runs(r, above, out)
        })
    }

    /// Labels the runs that `runs` finds in each row of `vol`'s first `nz_used` planes.
    fn label_rows<T: Copy + Sync>(
        vol: &ArrayView3<T>,
        nz_used: usize,
        connectivity: usize,
        runs: impl Fn(&[T], &mut Vec<(u32, u32)>) + Sync,
    ) -> Runs {
        let (nz, ny, nx) = vol.dim();
        let planes: Vec<PlaneRuns> = vol
            .axis_iter(Axis(0))
            .into_par_iter()
            .take(nz_used.min(nz))
            .map(|plane| {
                let mut start = Vec::with_capacity(ny);
                let mut x = Vec::new();
                for row in plane.outer_iter() {
                    start.push(x.len());
                    let v: Vec<T>;
                    let r = match row.as_slice() {
                        Some(r) => r,
                        None => {
                            v = row.to_vec();
                            &v
                        }
                    };
                    runs(r, &mut x);
                }
                (start, x)
            })
            .collect();
        let mut start = Vec::with_capacity(nz * ny + 1);
        let mut x = Vec::new();
        for (s, r) in planes {
            let base = x.len();
            start.extend(s.into_iter().map(|v| v + base));
            x.extend(r);
        }
        start.resize(nz * ny, x.len());
        start.push(x.len());
        let n = x.len();
        // Rows that touch row (z, y): (dz, dy) and the x slack of an overlap.
        let slack = |dz: usize, dy: usize| -> Option<u32> {
            let nonzero = dz + dy;
            match (connectivity, nonzero) {
                (_, 1) => Some(u32::from(connectivity >= 2)),
                (c, 2) if c >= 2 => Some(u32::from(c >= 3)),
                _ => None,
            }
        };
        // Joins row (z, y) to its earlier neighbours, those of plane z - 1 only when `down`.
        // Indices in `parent` are relative to `base`.
        let join_row = |parent: &mut [u32], base: usize, z: usize, y: usize, down: bool| {
            let r = z * ny + y;
            for (dz, dy, yy) in [
                (0, 1, y.wrapping_sub(1)),
                (1, 0, y),
                (1, 1, y.wrapping_sub(1)),
                (1, 1, y + 1),
            ] {
                if (dz == 1 && !down) || yy >= ny {
                    continue;
                }
                let Some(s) = slack(dz, dy) else { continue };
                let q = (z - dz) * ny + yy;
                let (rows, below) = (start[r]..start[r + 1], start[q]..start[q + 1]);
                join_rows(parent, base, &x, rows, below, s);
            }
        };
        // Blocks of planes join their own runs in parallel (each owns its part of `parent`);
        // then each plane where two blocks meet is joined to the plane below it.
        let per = nz.div_ceil(2 * rayon::current_num_threads()).max(1);
        let mut parent: Vec<u32> = vec![0; n];
        let mut blocks = Vec::new();
        let mut rest = &mut parent[..];
        for z0 in (0..nz).step_by(per) {
            let z1 = (z0 + per).min(nz);
            let (lo, hi) = (start[z0 * ny], start[z1 * ny]);
            let (part, tail) = std::mem::take(&mut rest).split_at_mut(hi - lo);
            rest = tail;
            blocks.push((z0, z1, lo, part));
        }
        blocks.into_par_iter().for_each(|(z0, z1, base, part)| {
            for (i, p) in part.iter_mut().enumerate() {
                *p = i as u32;
            }
            for z in z0..z1 {
                for y in 0..ny {
                    join_row(part, base, z, y, z > z0);
                }
            }
            for p in part.iter_mut() {
                *p += base as u32;
            }
        });
        for z in (per..nz).step_by(per) {
            for y in 0..ny {
                join_row(&mut parent, 0, z, y, true);
            }
        }
        // Numbering in raster order of each component's first run.
        let mut id = vec![0u32; n];
        let mut count = 0u32;
        let label = (0..n as u32)
            .map(|i| {
                let root = find(&mut parent, i) as usize;
                if id[root] == 0 {
                    count += 1;
                    id[root] = count;
                }
                id[root]
            })
            .collect();
        Runs {
            dims: (nz, ny, nx),
            start,
            x,
            label,
            count: count as usize,
        }
    }

    /// The label at `(z, y, x)` (0 = background).
    pub fn at(&self, z: usize, y: usize, x: usize) -> u32 {
        let r = z * self.dims.1 + y;
        (self.start[r]..self.start[r + 1])
            .find(|&i| (self.x[i].0 as usize..self.x[i].1 as usize).contains(&x))
            .map_or(0, |i| self.label[i])
    }

    /// Voxels per label (index 0 unused).
    pub fn counts(&self) -> Vec<u64> {
        let mut c = vec![0u64; self.count + 1];
        for (&(a, b), &l) in self.x.iter().zip(&self.label) {
            c[l as usize] += u64::from(b - a);
        }
        c
    }

    /// The runs of plane `z` as `(y, x0, x1, label)`.
    pub fn plane(&self, z: usize) -> impl Iterator<Item = (usize, usize, usize, u32)> + '_ {
        let ny = self.dims.1;
        (0..ny).flat_map(move |y| {
            let r = z * ny + y;
            (self.start[r]..self.start[r + 1])
                .map(move |i| (y, self.x[i].0 as usize, self.x[i].1 as usize, self.label[i]))
        })
    }

    /// The mask of the labels with `keep[label]`.
    pub fn mask(&self, keep: &[bool]) -> Array3<bool> {
        let mut out = Array3::from_elem(self.dims, false);
        out.axis_iter_mut(Axis(0))
            .into_par_iter()
            .enumerate()
            .for_each(|(z, mut plane)| {
                for (y, a, b, l) in self.plane(z) {
                    if keep.get(l as usize).copied().unwrap_or(false) {
                        plane.row_mut(y).slice_mut(ndarray::s![a..b]).fill(true);
                    }
                }
            });
        out
    }

    /// The dense label volume (`scipy.ndimage.label`'s output).
    #[cfg(test)]
    pub fn dense(&self) -> Array3<u32> {
        self.paint(&(0..=self.count as u32).collect::<Vec<_>>())
    }

    /// A volume holding `value[label]` on each run (0 elsewhere).
    pub fn paint<T: Copy + Default + Send + Sync>(&self, value: &[T]) -> Array3<T> {
        let mut out = Array3::<T>::default(self.dims);
        out.axis_iter_mut(Axis(0))
            .into_par_iter()
            .enumerate()
            .for_each(|(z, mut plane)| {
                for (y, a, b, l) in self.plane(z) {
                    if let Some(&v) = value.get(l as usize) {
                        plane.row_mut(y).slice_mut(ndarray::s![a..b]).fill(v);
                    }
                }
            });
        out
    }
}

/// Unions every pair of runs of rows `a` and `b` that overlap once `b`'s runs are widened by
/// `slack` on each side (`parent` holds the runs from `base` on).
fn join_rows(
    parent: &mut [u32],
    base: usize,
    x: &[(u32, u32)],
    a: std::ops::Range<usize>,
    b: std::ops::Range<usize>,
    slack: u32,
) {
    let (mut i, mut j) = (a.start, b.start);
    while i < a.end && j < b.end {
        let (a0, a1) = x[i];
        let (b0, b1) = (x[j].0.saturating_sub(slack), x[j].1 + slack);
        if a0 < b1 && b0 < a1 {
            union(parent, (i - base) as u32, (j - base) as u32);
        }
        if a1 < b1 {
            i += 1;
        } else {
            j += 1;
        }
    }
}

fn find(parent: &mut [u32], mut i: u32) -> u32 {
    while parent[i as usize] != i {
        let p = parent[i as usize];
        parent[i as usize] = parent[p as usize];
        i = p;
    }
    i
}

fn union(parent: &mut [u32], a: u32, b: u32) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        // The smaller index as root keeps roots at the earliest run (not needed for the
        // numbering, which is done afterwards, but keeps trees shallow in raster order).
        let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
        parent[hi as usize] = lo;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

        /// Run labels, made dense, equal `lungprep_morph3d::label` (the voxel-by-voxel reference).
        #[test]
        fn runs_label_as_scipy(
            (z, y, x) in (1usize..6, 1usize..7, 1usize..9),
            bits in proptest::collection::vec(proptest::bool::weighted(0.55), 6 * 7 * 9),
            conn in 1usize..=3,
            cut in 0usize..3,
        ) {
            let mut a = Array3::from_shape_fn((z, y, x), |(i, j, k)| bits[(i * 7 + j) * 9 + k]);
            let used = z.saturating_sub(cut).max(1);
            let runs = Runs::label(&a.view(), used, conn);
            a.slice_mut(ndarray::s![used.., .., ..]).fill(false);
            let (exp, n) = lungprep_morph3d::label(&a.view(), conn).unwrap();
            prop_assert_eq!(runs.count, n);
            prop_assert_eq!(runs.dense(), exp.clone());
            let mut c = vec![0u64; n + 1];
            exp.iter().for_each(|&l| c[l as usize] += 1);
            c[0] = 0;
            let mut got = runs.counts();
            got[0] = 0;
            prop_assert_eq!(got, c);
            for ((i, j, k), &l) in exp.indexed_iter() {
                prop_assert_eq!(runs.at(i, j, k), l);
            }
        }
    }
}
