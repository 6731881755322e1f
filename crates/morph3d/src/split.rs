//! Splitting a mask between two labelled seeds by distance, without distance maps.
//!
//! grt123 computes `d_a = distance_transform_edt(labels != a)` and `d_b` likewise (two float64
//! volumes) only to keep `mask & (d_a < d_b)` and `mask & (d_a > d_b)`. The EDT is separable
//! and only its first axis couples z-planes: that pass is the distance along z to the nearest
//! seed voxel of the same column, which a per-column "last seed before / next seed after"
//! gives for any plane. So each plane's squared distances are built from those two numbers and
//! finished by the in-plane passes of [`crate::edt`] (the same lower envelope on the same
//! values, hence the same bits), compared, and thrown away: memory is a few plane buffers per
//! thread instead of 16 bytes per voxel.

use ndarray::{Array3, ArrayView3};
use rayon::prelude::*;

use crate::edt::{distance_transform_edt, Scratch};
use crate::grid::check_sampling;
use crate::{Error, Result};

/// Sentinel for "no seed voxel in this column on that side".
const NONE: u32 = u32::MAX;
/// Sentinel for "next seed not looked up yet".
const UNKNOWN: u32 = u32::MAX - 1;

/// `(mask & (d_a < d_b), mask & (d_a > d_b))` where `d_l =
/// distance_transform_edt(labels != l, sampling)`: each voxel of `mask` goes to the nearer
/// seed, ties (equal rounded distances, as scipy's comparison sees them) to neither.
///
/// Identical to computing both distance maps with [`distance_transform_edt`] and comparing
/// them, but never holds a volume of distances. Seed voxels are decided without distances
/// (0 to their own seed, more to the other), and planes whose mask voxels all lie in a seed
/// skip the transform.
pub fn split_by_distance<L: Copy + PartialEq + Send + Sync>(
    mask: &ArrayView3<bool>,
    labels: &ArrayView3<L>,
    a: L,
    b: L,
    sampling: &[f64],
) -> Result<(Array3<bool>, Array3<bool>)> {
    check_sampling(sampling, 3)?;
    if mask.len() >= UNKNOWN as usize {
        return Err(Error::TooManyLabels);
    }
    if mask.dim() != labels.dim() {
        return Err(Error::MaskShape {
            mask: mask.shape().to_vec(),
            input: labels.shape().to_vec(),
        });
    }
    let s = [sampling[0], sampling[1], sampling[2]];
    let mask = mask.as_standard_layout();
    let labels = labels.as_standard_layout();
    let (Some(m), Some(l)) = (mask.as_slice(), labels.as_slice()) else {
        return Err(Error::UnsupportedRank(3));
    };
    let (nz, ny, nx) = mask.dim();
    let plane = ny * nx;
    let mut out1 = Array3::from_elem((nz, ny, nx), false);
    let mut out2 = Array3::from_elem((nz, ny, nx), false);
    if m.is_empty() {
        return Ok((out1, out2));
    }
    if a == b || !l.par_iter().any(|&v| v == a) || !l.par_iter().any(|&v| v == b) {
        // Degenerate seeds (empty, or the same): the plain definition handles scipy's
        // "no background" case.
        return split_by_maps(&mask.view(), &labels.view(), a, b, &s);
    }
    let (o1, o2) = (
        out1.as_slice_mut().ok_or(Error::UnsupportedRank(3))?,
        out2.as_slice_mut().ok_or(Error::UnsupportedRank(3))?,
    );
    // Chunks of consecutive planes, a few per thread; each needs, per column, the seed
    // positions just outside it, from a per-chunk summary of first / last seed z.
    let chunks = (4 * rayon::current_num_threads()).clamp(1, nz);
    let len = nz.div_ceil(chunks);
    let bounds: Vec<(usize, usize)> = (0..nz)
        .step_by(len)
        .map(|z0| (z0, (z0 + len).min(nz)))
        .collect();
    let summary: Vec<[Vec<u32>; 4]> = bounds
        .par_iter()
        .map(|&(z0, z1)| {
            let mut first = [vec![NONE; plane], vec![NONE; plane]];
            let mut last = [vec![NONE; plane], vec![NONE; plane]];
            for z in z0..z1 {
                let row = &l[z * plane..(z + 1) * plane];
                for (c, &v) in row.iter().enumerate() {
                    for (k, seed) in [a, b].into_iter().enumerate() {
                        if v == seed {
                            if first[k][c] == NONE {
                                first[k][c] = z as u32;
                            }
                            last[k][c] = z as u32;
                        }
                    }
                }
            }
            let [f0, f1] = first;
            let [l0, l1] = last;
            [f0, f1, l0, l1]
        })
        .collect();
    let geo = Geo {
        m,
        l,
        seeds: [a, b],
        dims: [nz, ny, nx],
        s,
    };
    o1.par_chunks_mut(len * plane)
        .zip(o2.par_chunks_mut(len * plane))
        .enumerate()
        .for_each(|(k, (c1, c2))| {
            let (z0, z1) = bounds[k];
            // Last seed before z0 and first seed at or after z1, per seed and column.
            let mut before = [vec![NONE; plane], vec![NONE; plane]];
            let mut after = [vec![NONE; plane], vec![NONE; plane]];
            for (j, sm) in summary.iter().enumerate() {
                for seed in 0..2 {
                    if j < k {
                        for (d, &v) in before[seed].iter_mut().zip(&sm[2 + seed]) {
                            if v != NONE {
                                *d = v;
                            }
                        }
                    } else if j > k {
                        for (d, &v) in after[seed].iter_mut().zip(&sm[seed]) {
                            if *d == NONE {
                                *d = v;
                            }
                        }
                    }
                }
            }
            geo.chunk(z0, z1, before, after, c1, c2);
        });
    Ok((out1, out2))
}

/// The whole volume, shared by the chunk tasks.
struct Geo<'a, L> {
    m: &'a [bool],
    l: &'a [L],
    seeds: [L; 2],
    dims: [usize; 3],
    s: [f64; 3],
}

impl<L: Copy + PartialEq> Geo<'_, L> {
    /// Planes `z0..z1`, writing their part of both outputs. `last[k][c]` is the last z before
    /// the current plane holding seed `k` in column `c`; `after` the first at or after `z1`.
    fn chunk(
        &self,
        z0: usize,
        z1: usize,
        mut last: [Vec<u32>; 2],
        after: [Vec<u32>; 2],
        o1: &mut [bool],
        o2: &mut [bool],
    ) {
        let [_, ny, nx] = self.dims;
        let plane = ny * nx;
        let mut next = [vec![UNKNOWN; plane], vec![UNKNOWN; plane]];
        let mut dist = [vec![0.0f64; plane], vec![0.0f64; plane]];
        let mut sy = Scratch::new(ny, self.s[1]);
        let mut sx = Scratch::new(nx, self.s[2]);
        let mut batch = vec![0.0f64; ny * BATCH];
        let mut rows = vec![false; ny];
        let mut cols = vec![false; nx];
        // The x of each voxel needing distances, row by row (row y: `at[from[y]..from[y + 1]]`).
        let (mut at, mut from) = (Vec::new(), vec![0usize; ny + 1]);
        for z in z0..z1 {
            let mrow = &self.m[z * plane..(z + 1) * plane];
            let lrow = &self.l[z * plane..(z + 1) * plane];
            let (r1, r2) = (
                &mut o1[(z - z0) * plane..(z - z0 + 1) * plane],
                &mut o2[(z - z0) * plane..(z - z0 + 1) * plane],
            );
            // Rows holding a voxel that needs distances: only they need the x pass.
            rows.fill(false);
            at.clear();
            for c in 0..plane {
                let v = lrow[c];
                let (in1, in2) = (v == self.seeds[0], v == self.seeds[1]);
                if in1 {
                    last[0][c] = z as u32;
                }
                if in2 {
                    last[1][c] = z as u32;
                }
                r1[c] = mrow[c] && in1;
                r2[c] = mrow[c] && in2;
                if c % nx == 0 {
                    from[c / nx] = at.len();
                }
                if mrow[c] && !in1 && !in2 {
                    rows[c / nx] = true;
                    at.push((c % nx) as u32);
                }
            }
            from[ny] = at.len();
            if !rows.contains(&true) {
                continue;
            }
            for k in 0..2 {
                self.first_axis(z, z1, k, &last[k], &mut next[k], &after[k], &mut dist[k]);
                // Columns (fixed x) with a finite value: the others stay `inf` in both passes.
                cols.fill(false);
                for row in dist[k].chunks_exact(nx) {
                    for (f, &v) in cols.iter_mut().zip(row) {
                        *f |= v != f64::INFINITY;
                    }
                }
                in_plane(
                    &mut dist[k],
                    &rows,
                    &cols,
                    (&at, &from),
                    &mut sy,
                    &mut sx,
                    &mut batch,
                );
            }
            for c in 0..plane {
                if mrow[c] && lrow[c] != self.seeds[0] && lrow[c] != self.seeds[1] {
                    let (x, y) = (dist[0][c].sqrt(), dist[1][c].sqrt());
                    r1[c] = x < y;
                    r2[c] = x > y;
                }
            }
        }
    }

    /// The first EDT pass at plane `z` for seed `k`: `(t·s₀)²` with `t` the z-distance to the
    /// nearest seed voxel of the column (`inf` when the column has none), as
    /// [`crate::edt`]'s sweeps compute it. `next` caches the next seed z at or after `z`.
    #[allow(clippy::too_many_arguments)]
    fn first_axis(
        &self,
        z: usize,
        z1: usize,
        k: usize,
        last: &[u32],
        next: &mut [u32],
        after: &[u32],
        out: &mut [f64],
    ) {
        let plane = self.dims[1] * self.dims[2];
        let seed = self.seeds[k];
        let w = self.s[0];
        for c in 0..plane {
            if next[c] == UNKNOWN || (next[c] != NONE && (next[c] as usize) < z) {
                // Look ahead inside the chunk, then fall back on the summary.
                next[c] = (z..z1)
                    .find(|&q| self.l[q * plane + c] == seed)
                    .map_or(after[c], |q| q as u32);
            }
            let back = if last[c] == NONE {
                f64::INFINITY
            } else {
                (z - last[c] as usize) as f64
            };
            let fwd = if next[c] == NONE {
                f64::INFINITY
            } else {
                (next[c] as usize - z) as f64
            };
            let d = back.min(fwd);
            let t = d * w;
            out[c] = if d.is_finite() { t * t } else { f64::INFINITY };
        }
    }
}

/// Columns of a plane transformed together (gathered into contiguous lines).
const BATCH: usize = 16;

/// The y and x lower-envelope passes of [`crate::edt`] on one plane, serially, computing only
/// what the comparison reads: the rows flagged in `rows`, and in the x pass only the
/// positions `at[from[y]..from[y + 1]]` of row y. Lines without a finite value (no
/// seed in reach) are skipped, as the passes would leave them all `inf`: columns not flagged
/// in `cols` in the y pass, rows that are all `inf` in the x pass. Every line that is
/// transformed is transformed whole, with the same indices, so each value read has its bits.
#[allow(clippy::too_many_arguments)]
fn in_plane(
    d: &mut [f64],
    rows: &[bool],
    cols: &[bool],
    (at, from): (&[u32], &[usize]),
    sy: &mut Scratch,
    sx: &mut Scratch,
    buf: &mut [f64],
) {
    let (ny, nx) = (rows.len(), cols.len());
    if ny > 1 {
        for c0 in (0..nx).step_by(BATCH) {
            let m = BATCH.min(nx - c0);
            let live = &cols[c0..c0 + m];
            if !live.contains(&true) {
                continue;
            }
            for y in 0..ny {
                for j in 0..m {
                    buf[j * ny + y] = d[y * nx + c0 + j];
                }
            }
            for (j, _) in live.iter().enumerate().filter(|(_, &c)| c) {
                sy.transform(&mut buf[j * ny..(j + 1) * ny]);
            }
            for (y, _) in rows.iter().enumerate().filter(|(_, &r)| r) {
                for j in 0..m {
                    d[y * nx + c0 + j] = buf[j * ny + y];
                }
            }
        }
    }
    if nx > 1 {
        for (y, row) in d.chunks_mut(nx).enumerate().filter(|&(y, _)| rows[y]) {
            if row.iter().any(|&v| v != f64::INFINITY) {
                sx.transform_at(row, &at[from[y]..from[y + 1]]);
            }
        }
    }
}

/// The obvious definition: both distance maps, compared.
fn split_by_maps<L: Copy + PartialEq>(
    mask: &ArrayView3<bool>,
    labels: &ArrayView3<L>,
    a: L,
    b: L,
    s: &[f64; 3],
) -> Result<(Array3<bool>, Array3<bool>)> {
    let d1 = distance_transform_edt(&labels.mapv(|v| v != a).view(), Some(s))?;
    let d2 = distance_transform_edt(&labels.mapv(|v| v != b).view(), Some(s))?;
    let mut o1 = Array3::from_elem(mask.raw_dim(), false);
    let mut o2 = Array3::from_elem(mask.raw_dim(), false);
    ndarray::Zip::from(&mut o1)
        .and(&mut o2)
        .and(mask)
        .and(&d1)
        .and(&d2)
        .for_each(|p, q, &m, &x, &y| {
            *p = m && x < y;
            *q = m && x > y;
        });
    Ok((o1, o2))
}
