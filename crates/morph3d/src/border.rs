//! `skimage.segmentation.clear_border`: objects touching the array border are removed.

use crate::grid::shape3;
use crate::{label_values, Error, Result};
use ndarray::{Array, ArrayView, Dimension};

/// `skimage.segmentation.clear_border(labels, buffer_size, bgval)` (without `mask`).
///
/// Objects are scikit-image's: connected regions of equal non-zero value (`T::default()` is
/// the background), full connectivity. Every object with a voxel within `buffer_size` voxels
/// of the border (`buffer_size = 0`: on it) is set to `bgval`. Rank 1..=3. Like scikit-image,
/// a `buffer_size` not smaller than every extent is an error ([`Error::InvalidBuffer`]).
pub fn clear_border<T, D>(
    labels: &ArrayView<T, D>,
    buffer_size: usize,
    bgval: T,
) -> Result<Array<T, D>>
where
    T: Copy + PartialEq + Default + Sync,
    D: Dimension,
{
    let ndim = labels.ndim();
    let [nz, ny, nx] = shape3(labels.shape())?;
    if labels.shape().iter().any(|&s| buffer_size >= s) {
        return Err(Error::InvalidBuffer {
            buffer_size,
            shape: labels.shape().to_vec(),
        });
    }
    let (lab, n) = label_values(labels, Some(T::default()), ndim)?;
    let lab = lab.as_standard_layout().into_owned();
    let flat = lab.as_slice().ok_or(Error::UnsupportedRank(ndim))?;
    let ext = buffer_size + 1;
    // Axes padded to 3-D have extent 1: they have no border of their own.
    let near = |i: usize, n: usize, real: bool| real && (i < ext || i + ext >= n);
    let real = [ndim >= 3, ndim >= 2, true];
    let mut touching = vec![false; n + 1];
    for z in 0..nz {
        let bz = near(z, nz, real[0]);
        for y in 0..ny {
            let row = &flat[(z * ny + y) * nx..][..nx];
            if bz || near(y, ny, real[1]) {
                row.iter().for_each(|&l| touching[l as usize] = true);
            } else {
                row[..ext.min(nx)]
                    .iter()
                    .for_each(|&l| touching[l as usize] = true);
                row[nx.saturating_sub(ext)..]
                    .iter()
                    .for_each(|&l| touching[l as usize] = true);
            }
        }
    }
    let src = labels.as_standard_layout();
    let out: Vec<T> = src
        .iter()
        .zip(flat)
        .map(|(&v, &l)| if touching[l as usize] { bgval } else { v })
        .collect();
    Ok(Array::from_shape_vec(labels.raw_dim(), out)?)
}
