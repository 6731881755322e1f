//! Connected-component labeling on row runs (scipy / scikit-image numbering).
//!
//! Each row is cut into maximal runs of equal, non-background value; runs touching runs of the
//! previous row / slice are merged with a union-find whose root is always the smallest run index.
//! Runs are created in raster order, so the roots in run order are exactly the components in
//! order of first appearance — the numbering of `scipy.ndimage.label` and `skimage.measure.label`.

use crate::grid::shape3;
use crate::{Error, Result};
use ndarray::{Array, ArrayView, Dimension};
use rayon::prelude::*;

/// Labels the connected components of the true voxels, like `scipy.ndimage.label` with
/// `generate_binary_structure(ndim, connectivity)`.
///
/// Returns `(labels, count)`: background 0, components `1..=count` in raster order of first
/// appearance. Rank 1..=3. `connectivity` must be in `1..=ndim` (4/8 in 2D, 6/18/26 in 3D).
/// Fails with [`Error::TooManyLabels`] if the input holds `u32::MAX` runs or more (impossible
/// below ~8.6 G voxels), since labels are `u32`.
pub fn label<D: Dimension>(
    input: &ArrayView<bool, D>,
    connectivity: usize,
) -> Result<(Array<u32, D>, usize)> {
    label_values(input, Some(false), connectivity)
}

/// `skimage.measure.label` on a value image: connected regions of *equal* value, voxels equal to
/// `background` get 0 (`None`: no background, every voxel is labeled — pass `Some(0)` for
/// scikit-image's default). scikit-image's default connectivity is `ndim`.
pub fn label_values<T: Copy + PartialEq + Sync, D: Dimension>(
    input: &ArrayView<T, D>,
    background: Option<T>,
    connectivity: usize,
) -> Result<(Array<u32, D>, usize)> {
    let ndim = input.ndim();
    let shape = shape3(input.shape())?;
    if connectivity < 1 || connectivity > ndim {
        return Err(Error::InvalidConnectivity {
            connectivity,
            rank: ndim,
        });
    }
    let data = input.as_standard_layout();
    let slice = data.as_slice().ok_or(Error::UnsupportedRank(ndim))?;
    let (flat, count) = label_flat(slice, shape, background, connectivity);
    let labels = Array::from_shape_vec(input.raw_dim(), flat?)?;
    Ok((labels, count))
}

/// Runs of one volume: `[start, end)` per run, rows' run ranges in `row_ptr`.
struct Runs {
    runs: Vec<[u32; 2]>,
    row_ptr: Vec<usize>,
}

fn find_runs<T: Copy + PartialEq + Sync>(data: &[T], nx: usize, bg: Option<T>) -> Runs {
    let rows = data.len().checked_div(nx).unwrap_or(0);
    // Per-slab run extraction in parallel, concatenated in order.
    let chunk_rows = (rows / (rayon::current_num_threads() * 4)).max(64);
    let parts: Vec<(Vec<[u32; 2]>, Vec<usize>)> = data
        .par_chunks((chunk_rows * nx).max(1))
        .map(|chunk| {
            let mut runs = Vec::new();
            let mut counts = Vec::with_capacity(chunk.len() / nx.max(1));
            for row in chunk.chunks_exact(nx) {
                let before = runs.len();
                let mut x = 0;
                while x < nx {
                    let v = row[x];
                    if Some(v) == bg {
                        x += 1;
                        while x + 16 <= nx && row[x..x + 16].iter().fold(true, |a, &e| a & (e == v))
                        {
                            x += 16;
                        }
                        continue;
                    }
                    let s = x;
                    x += 1;
                    // Long runs: skip 16 equal elements at a time (branch-free compare).
                    while x + 16 <= nx && row[x..x + 16].iter().fold(true, |a, &e| a & (e == v)) {
                        x += 16;
                    }
                    while x < nx && row[x] == v {
                        x += 1;
                    }
                    runs.push([s as u32, x as u32]);
                }
                counts.push(runs.len() - before);
            }
            (runs, counts)
        })
        .collect();
    let total: usize = parts.iter().map(|p| p.0.len()).sum();
    let mut runs = Vec::with_capacity(total);
    let mut row_ptr = Vec::with_capacity(rows + 1);
    row_ptr.push(0);
    for (r, counts) in parts {
        runs.extend_from_slice(&r);
        for c in counts {
            let last = *row_ptr.last().unwrap_or(&0);
            row_ptr.push(last + c);
        }
    }
    Runs { runs, row_ptr }
}

#[inline]
fn find(parent: &mut [u32], mut x: u32) -> u32 {
    let mut root = x;
    while parent[root as usize] != root {
        root = parent[root as usize];
    }
    while parent[x as usize] != root {
        let next = parent[x as usize];
        parent[x as usize] = root;
        x = next;
    }
    root
}

#[inline]
fn union(parent: &mut [u32], a: u32, b: u32) {
    let ra = find(parent, a);
    let rb = find(parent, b);
    if ra < rb {
        parent[rb as usize] = ra;
    } else if rb < ra {
        parent[ra as usize] = rb;
    }
}

/// Core labeler on a flat `[nz, ny, nx]` buffer.
pub(crate) fn label_flat<T: Copy + PartialEq + Sync>(
    data: &[T],
    [nz, ny, nx]: [usize; 3],
    bg: Option<T>,
    connectivity: usize,
) -> (Result<Vec<u32>>, usize) {
    let n = data.len();
    if n == 0 || nx == 0 {
        return (Ok(vec![0; n]), 0);
    }
    let Runs { runs, row_ptr } = find_runs(data, nx, bg);
    if runs.len() >= u32::MAX as usize {
        return (Err(Error::TooManyLabels), 0);
    }
    let mut parent: Vec<u32> = (0..runs.len() as u32).collect();
    // Backward neighbour rows: (dz, dy, k = number of non-zero row offsets).
    let mut nbrs: Vec<(usize, isize, usize)> = vec![(0, -1, 1), (1, 0, 1)];
    if connectivity >= 2 {
        nbrs.push((1, -1, 2));
        nbrs.push((1, 1, 2));
    }
    for z in 0..nz {
        for y in 0..ny {
            let row = z * ny + y;
            let (a0, a1) = (row_ptr[row], row_ptr[row + 1]);
            if a0 == a1 {
                continue;
            }
            for &(dz, dy, k) in &nbrs {
                if dz > z {
                    continue;
                }
                let yy = y as isize + dy;
                if yy < 0 || yy >= ny as isize {
                    continue;
                }
                let nrow = (z - dz) * ny + yy as usize;
                let (b0, b1) = (row_ptr[nrow], row_ptr[nrow + 1]);
                if b0 == b1 {
                    continue;
                }
                let d = u32::from(k < connectivity);
                let (roff, noff) = (row * nx, nrow * nx);
                let mut j0 = b0;
                for a in a0..a1 {
                    let [as_, ae] = runs[a];
                    while j0 < b1 && runs[j0][1] + d <= as_ {
                        j0 += 1;
                    }
                    let mut j = j0;
                    while j < b1 && runs[j][0] < ae + d {
                        if data[roff + as_ as usize] == data[noff + runs[j][0] as usize] {
                            union(&mut parent, a as u32, j as u32);
                        }
                        j += 1;
                    }
                }
            }
        }
    }
    // Relabel in run (= raster) order: roots are the smallest run of their component.
    let mut lab = vec![0u32; runs.len()];
    let mut count = 0u32;
    for r in 0..runs.len() {
        let root = find(&mut parent, r as u32) as usize;
        if root == r {
            count += 1;
            lab[r] = count;
        } else {
            lab[r] = lab[root];
        }
    }
    let mut out: Vec<u32> = crate::grid::zeroed_vec(n);
    out.par_chunks_mut(nx).enumerate().for_each(|(row, orow)| {
        for r in row_ptr[row]..row_ptr[row + 1] {
            let [s, e] = runs[r];
            orow[s as usize..e as usize].fill(lab[r]);
        }
    });
    (Ok(out), count as usize)
}
