//! `scipy.ndimage.binary_fill_holes`: background not connected to the outside is filled.
//!
//! scipy dilates from the border (`border_value = 1`) through the background with the
//! structure, unbounded iterations, and returns the complement of what it reached. We compute
//! the same reach by a flood fill over the structure's offsets: a background voxel `p` is a
//! seed when `p − o` lies outside the array for some offset `o`, and reach spreads from `q`
//! to `q + o`.

use crate::grid::shape3;
use crate::label::label_flat;
use crate::morphology::offsets;
use crate::{generate_binary_structure, Error, Result};
use ndarray::{Array, ArrayView, ArrayViewD, Dimension};
use rayon::prelude::*;

/// Fills the holes of `input`; `structure` defaults to the cross (scipy's default).
/// Rank 1..=3, the structure must have the input's rank and odd extents.
pub fn binary_fill_holes<D: Dimension>(
    input: &ArrayView<bool, D>,
    structure: Option<&ArrayViewD<bool>>,
) -> Result<Array<bool, D>> {
    let ndim = input.ndim();
    let [nz, ny, nx] = shape3(input.shape())?;
    let offs = match structure {
        Some(s) => offsets(s, ndim)?,
        None => offsets(&generate_binary_structure(ndim, 1)?.view(), ndim)?,
    };
    let data = input.as_standard_layout();
    let src = data.as_slice().ok_or(Error::UnsupportedRank(ndim))?;
    if let Some(conn) = standard_connectivity(&offs, ndim) {
        let out = fill_by_labels(src, [nz, ny, nx], ndim, conn);
        return Ok(Array::from_shape_vec(input.raw_dim(), out)?);
    }
    let dims = [nz as isize, ny as isize, nx as isize];
    // reached[i]: background voxel connected to the outside. Output = !reached.
    let mut reached = vec![false; src.len()];
    let mut stack: Vec<usize> = Vec::new();
    let inside = |p: [isize; 3]| (0..3).all(|a| p[a] >= 0 && p[a] < dims[a]);
    let flat = |p: [isize; 3]| ((p[0] * dims[1] + p[1]) * dims[2] + p[2]) as usize;
    let seed_margin: [[isize; 2]; 3] = {
        // A voxel is a seed if within max|o| of the low side (for o > 0) or the high side.
        let mut m = [[0isize; 2]; 3];
        for o in &offs {
            for a in 0..3 {
                m[a][0] = m[a][0].max(o[a]);
                m[a][1] = m[a][1].max(-o[a]);
            }
        }
        m
    };
    let is_seed = |p: [isize; 3]| {
        // Cheap pre-check on the margins, exact check on the offsets.
        let near = (0..3).any(|a| p[a] < seed_margin[a][0] || p[a] >= dims[a] - seed_margin[a][1]);
        near && offs
            .iter()
            .any(|o| !inside([p[0] - o[0], p[1] - o[1], p[2] - o[2]]))
    };
    for z in 0..dims[0] {
        for y in 0..dims[1] {
            let rim_row = z < seed_margin[0][0]
                || z >= dims[0] - seed_margin[0][1]
                || y < seed_margin[1][0]
                || y >= dims[1] - seed_margin[1][1];
            for x in 0..dims[2] {
                if !rim_row && x >= seed_margin[2][0] && x < dims[2] - seed_margin[2][1] {
                    continue;
                }
                let p = [z, y, x];
                let i = flat(p);
                if !src[i] && !reached[i] && is_seed(p) {
                    reached[i] = true;
                    stack.push(i);
                }
            }
        }
    }
    while let Some(i) = stack.pop() {
        let i = i as isize;
        let p = [
            i / (dims[1] * dims[2]),
            (i / dims[2]) % dims[1],
            i % dims[2],
        ];
        for o in &offs {
            let q = [p[0] + o[0], p[1] + o[1], p[2] + o[2]];
            if inside(q) {
                let j = flat(q);
                if !src[j] && !reached[j] {
                    reached[j] = true;
                    stack.push(j);
                }
            }
        }
    }
    let out: Vec<bool> = reached.iter().map(|&r| !r).collect();
    Ok(Array::from_shape_vec(input.raw_dim(), out)?)
}

/// `Some(c)` when the offsets are exactly `generate_binary_structure(ndim, c)`.
fn standard_connectivity(offs: &[[isize; 3]], ndim: usize) -> Option<usize> {
    (1..=ndim).find(|&c| {
        let Ok(s) = generate_binary_structure(ndim, c) else {
            return false;
        };
        offsets(&s.view(), ndim).is_ok_and(|o| {
            let mut a = o.clone();
            let mut b = offs.to_vec();
            a.sort_unstable();
            b.sort_unstable();
            a == b
        })
    })
}

/// Fast path for the standard structures: label the background with the same connectivity;
/// components with a voxel on the array border are reached from outside, the others are holes.
fn fill_by_labels(src: &[bool], shape: [usize; 3], ndim: usize, conn: usize) -> Vec<bool> {
    let inv: Vec<bool> = src.par_iter().map(|&v| !v).collect();
    let (labels, count) = label_flat(&inv, shape, Some(false), conn);
    let Ok(labels) = labels else {
        // Only possible beyond u32::MAX runs; fall back to "no holes".
        return src.to_vec();
    };
    let mut border = vec![false; count + 1];
    let [nz, ny, nx] = shape;
    let first = 3 - ndim;
    for z in 0..nz {
        for y in 0..ny {
            let row = &labels[(z * ny + y) * nx..(z * ny + y + 1) * nx];
            let edge_row =
                (first == 0 && (z == 0 || z == nz - 1)) || (first <= 1 && (y == 0 || y == ny - 1));
            if edge_row {
                row.iter().for_each(|&l| border[l as usize] = true);
            } else if let (Some(&a), Some(&b)) = (row.first(), row.last()) {
                border[a as usize] = true;
                border[b as usize] = true;
            }
        }
    }
    border[0] = true; // label 0 = foreground stays foreground
    labels
        .par_iter()
        .zip(src.par_iter())
        .map(|(&l, &v)| v || !border[l as usize])
        .collect()
}
