//! Structuring elements: `generate_binary_structure` and `iterate_structure` as in scipy.

use crate::{Error, Result};
use ndarray::{ArrayD, ArrayViewD, IxDyn};

/// `scipy.ndimage.generate_binary_structure(rank, connectivity)`: a `3^rank` boolean array whose
/// elements at squared distance `<= connectivity` from the centre are true.
pub fn generate_binary_structure(rank: usize, connectivity: usize) -> Result<ArrayD<bool>> {
    if rank == 0 {
        return Err(Error::UnsupportedRank(0));
    }
    if connectivity < 1 {
        return Err(Error::InvalidConnectivity { connectivity, rank });
    }
    // scipy clamps connectivity > rank to a full structure; so do we.
    Ok(ArrayD::from_shape_fn(IxDyn(&vec![3; rank]), |idx| {
        let d: usize = (0..rank)
            .map(|a| (idx[a] as isize - 1).unsigned_abs())
            .sum();
        d <= connectivity
    }))
}

/// `scipy.ndimage.iterate_structure(structure, iterations)` (origin ignored): the structure
/// dilated by itself `iterations - 1` times, grown to extent `(s - 1) * iterations + 1`.
pub fn iterate_structure(structure: &ArrayViewD<bool>, iterations: usize) -> ArrayD<bool> {
    if iterations < 2 || structure.ndim() == 0 {
        return structure.to_owned();
    }
    let ndim = structure.ndim();
    let ext: Vec<usize> = structure
        .shape()
        .iter()
        .map(|&s| (s.max(1) - 1) * iterations + 1)
        .collect();
    // Place the structure in the centre, then dilate iterations - 1 times with it.
    let mut cur = ArrayD::from_elem(IxDyn(&ext), false);
    let offs: Vec<Vec<isize>> = structure
        .indexed_iter()
        .filter(|(_, &v)| v)
        .map(|(i, _)| {
            (0..ndim)
                .map(|a| i[a] as isize - (structure.shape()[a] / 2) as isize)
                .collect()
        })
        .collect();
    let center: Vec<usize> = ext.iter().map(|&e| e / 2).collect();
    {
        let mut place = vec![0usize; ndim];
        for (i, &v) in structure.indexed_iter() {
            if v {
                for a in 0..ndim {
                    place[a] = center[a] + i[a] - structure.shape()[a] / 2;
                }
                cur[IxDyn(&place)] = true;
            }
        }
    }
    for _ in 0..iterations - 1 {
        let mut next = cur.clone();
        for (i, &v) in cur.indexed_iter() {
            if !v {
                continue;
            }
            'o: for o in &offs {
                let mut q = vec![0usize; ndim];
                for a in 0..ndim {
                    let p = i[a] as isize + o[a];
                    if p < 0 || p >= ext[a] as isize {
                        continue 'o;
                    }
                    q[a] = p as usize;
                }
                next[IxDyn(&q)] = true;
            }
        }
        cur = next;
    }
    cur
}
