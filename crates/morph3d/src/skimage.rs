//! scikit-image 0.26's `binary_erosion`, `binary_dilation`, `binary_opening` and
//! `binary_closing`, with its border semantics.
//!
//! scikit-image pads an even-sized footprint at its end (`pad_footprint(pad_end=True)`) and
//! calls scipy with a border value chosen by `mode`: with the default [`Mode::Ignore`] the
//! outside is *true* for the erosion and *false* for the dilation, so neither shrinks nor grows
//! anything at the array edge (scipy's own default erodes the border). Dilation reflects the
//! footprint, as scipy does: `out[p] = OR_{o ∈ F} in[p − o]`, erosion `out[p] = AND_{o ∈ F}
//! in[p + o]` (offsets from the centre).
//!
//! The kernel cuts the footprint into runs along x (a disk of radius 10 is 21 runs, not 317
//! offsets) and answers "is there a true voxel in `[x + a, x + b]` of this row" with one lookup
//! in a next-true-index table, so the cost per voxel is the number of runs, whatever their
//! length.

use crate::grid::shape3;
use crate::morphology::offsets;
use crate::{Error, Result};
use ndarray::{Array, ArrayView, ArrayViewD, Dimension};
use rayon::prelude::*;

/// scikit-image's `mode` argument: what the outside of the array reads as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// `'ignore'` (the default): true for erosion, false for dilation.
    #[default]
    Ignore,
    /// `'max'`: true for both.
    Max,
    /// `'min'`: false for both.
    Min,
}

impl Mode {
    fn erosion_border(self) -> bool {
        self != Mode::Min
    }
    fn dilation_border(self) -> bool {
        self == Mode::Max
    }
}

/// `skimage.morphology.binary_erosion(image, footprint, mode=mode)`. Rank 1..=3; the footprint
/// (any boolean array of the image's rank, even extents allowed) is padded as scikit-image pads
/// it. An empty footprint gives all true, as scipy does.
pub fn binary_erosion<D: Dimension>(
    image: &ArrayView<bool, D>,
    footprint: &ArrayViewD<bool>,
    mode: Mode,
) -> Result<Array<bool, D>> {
    let runs = Runs::new(footprint, image.ndim(), false)?;
    apply(image, &runs, false, mode.erosion_border())
}

/// `skimage.morphology.binary_dilation(image, footprint, mode=mode)` (the footprint is
/// reflected, as scipy's `binary_dilation` does). An empty footprint gives all false.
pub fn binary_dilation<D: Dimension>(
    image: &ArrayView<bool, D>,
    footprint: &ArrayViewD<bool>,
    mode: Mode,
) -> Result<Array<bool, D>> {
    let runs = Runs::new(footprint, image.ndim(), true)?;
    apply(image, &runs, true, mode.dilation_border())
}

/// `skimage.morphology.binary_closing`: dilation, then erosion, each with its own border.
pub fn binary_closing<D: Dimension>(
    image: &ArrayView<bool, D>,
    footprint: &ArrayViewD<bool>,
    mode: Mode,
) -> Result<Array<bool, D>> {
    let d = binary_dilation(image, footprint, mode)?;
    binary_erosion(&d.view(), footprint, mode)
}

/// `skimage.morphology.binary_opening`: erosion, then dilation, each with its own border.
pub fn binary_opening<D: Dimension>(
    image: &ArrayView<bool, D>,
    footprint: &ArrayViewD<bool>,
    mode: Mode,
) -> Result<Array<bool, D>> {
    let e = binary_erosion(image, footprint, mode)?;
    binary_dilation(&e.view(), footprint, mode)
}

/// A footprint as runs `(dz, dy, a, b)`: offsets `(dz, dy, a..=b)` are all in it.
struct Runs(Vec<(isize, isize, isize, isize)>);

impl Runs {
    fn new(footprint: &ArrayViewD<bool>, ndim: usize, reflect: bool) -> Result<Runs> {
        if footprint.ndim() != ndim {
            return Err(Error::InvalidStructure(format!(
                "footprint rank {} differs from image rank {ndim}",
                footprint.ndim()
            )));
        }
        let padded = crate::footprint::pad_footprint(footprint);
        let mut offs = offsets(&padded.view(), ndim)?;
        if reflect {
            for o in &mut offs {
                *o = [-o[0], -o[1], -o[2]];
            }
        }
        offs.sort_unstable();
        let mut runs: Vec<(isize, isize, isize, isize)> = Vec::new();
        for [dz, dy, dx] in offs {
            match runs.last_mut() {
                Some(r) if r.0 == dz && r.1 == dy && r.3 + 1 == dx => r.3 = dx,
                _ => runs.push((dz, dy, dx, dx)),
            }
        }
        Ok(Runs(runs))
    }
}

/// `out[p] = OR over runs of (any true in row (z+dz, y+dy), x in [x+a, x+b])`, the outside
/// reading `border`; erosion is the complement of that on the complemented input.
fn apply<D: Dimension>(
    image: &ArrayView<bool, D>,
    runs: &Runs,
    dilate: bool,
    border: bool,
) -> Result<Array<bool, D>> {
    let ndim = image.ndim();
    let [nz, ny, nx] = shape3(image.shape())?;
    let data = image.as_standard_layout();
    let src = data.as_slice().ok_or(Error::UnsupportedRank(ndim))?;
    // Erosion = NOT dilation-like OR over the complement, with the complemented border.
    let (want, border) = if dilate {
        (true, border)
    } else {
        (false, !border)
    };
    let mut out = vec![false; src.len()];
    if nx == 0 || ny == 0 || nz == 0 {
        return Ok(Array::from_shape_vec(image.raw_dim(), out)?);
    }
    // next[i]: index within its row of the first voxel at or after i equal to `want` (nx: none).
    let mut next = vec![0u32; src.len()];
    next.par_chunks_mut(nx)
        .zip(src.par_chunks(nx))
        .for_each(|(nr, row)| {
            let mut n = nx as u32;
            for x in (0..nx).rev() {
                if row[x] == want {
                    n = x as u32;
                }
                nr[x] = n;
            }
        });
    let (nzi, nyi, nxi) = (nz as isize, ny as isize, nx as isize);
    out.par_chunks_mut(nx).enumerate().for_each(|(r, orow)| {
        let (z, y) = ((r / ny) as isize, (r % ny) as isize);
        for &(dz, dy, a, b) in &runs.0 {
            let (sz, sy) = (z + dz, y + dy);
            if sz < 0 || sz >= nzi || sy < 0 || sy >= nyi {
                if border {
                    orow.iter_mut().for_each(|v| *v = true);
                    break;
                }
                continue;
            }
            let nrow = &next[(sz * nyi + sy) as usize * nx..][..nx];
            for (x, o) in orow.iter_mut().enumerate() {
                if *o {
                    continue;
                }
                let (lo, hi) = (x as isize + a, x as isize + b);
                if lo >= nxi || hi < 0 {
                    *o = border;
                    continue;
                }
                if border && (lo < 0 || hi >= nxi) {
                    *o = true;
                    continue;
                }
                let (lo, hi) = (lo.max(0) as usize, hi.min(nxi - 1) as u32);
                *o = nrow[lo] <= hi;
            }
        }
    });
    if !dilate {
        out.iter_mut().for_each(|v| *v = !*v);
    }
    Ok(Array::from_shape_vec(image.raw_dim(), out)?)
}
