//! Binary dilation and erosion with scipy's semantics.
//!
//! * erosion: `out[p] = AND_{o ∈ S} in[p + o]`, dilation: `out[p] = OR_{o ∈ S} in[p − o]`
//!   (scipy reflects the structure for dilation); out-of-bounds input reads `border_value`; where
//!   `mask` is false the input is kept; the operation is repeated `iterations` times (0: until
//!   nothing changes).
//! * General path: whole rows combined with shifted rows, one shift per structure element.
//! * Fast path for the cross structure without a mask: `k` iterations equal "city-block
//!   distance to the seeds ≤ k" (seeds: the set, plus the outside when the border is a seed),
//!   found with six saturating sweeps whatever `k` is (faster than the general path even for
//!   `k = 1`).

use crate::grid::shape3;
use crate::{generate_binary_structure, Error, Result};
use ndarray::{Array, ArrayView, ArrayViewD, Dimension};
use rayon::prelude::*;

/// Options shared by [`binary_dilation`] and [`binary_erosion`] (scipy's keyword arguments).
#[derive(Debug, Clone)]
pub struct MorphOptions<'a> {
    /// Structuring element (odd extent per axis, rank = input rank); `None` = the cross
    /// `generate_binary_structure(ndim, 1)`.
    pub structure: Option<ArrayViewD<'a, bool>>,
    /// Number of repetitions; 0 repeats until the result no longer changes.
    pub iterations: usize,
    /// Value read for voxels outside the array.
    pub border_value: bool,
    /// Only voxels where the mask is true may change.
    pub mask: Option<ArrayViewD<'a, bool>>,
}

impl Default for MorphOptions<'_> {
    fn default() -> Self {
        MorphOptions {
            structure: None,
            iterations: 1,
            border_value: false,
            mask: None,
        }
    }
}

/// `scipy.ndimage.binary_dilation`. Rank 1..=3.
pub fn binary_dilation<D: Dimension>(
    input: &ArrayView<bool, D>,
    opts: &MorphOptions,
) -> Result<Array<bool, D>> {
    morph(input, opts, true)
}

/// `scipy.ndimage.binary_erosion`. Rank 1..=3; with the default `border_value = false` the
/// volume border is eroded.
pub fn binary_erosion<D: Dimension>(
    input: &ArrayView<bool, D>,
    opts: &MorphOptions,
) -> Result<Array<bool, D>> {
    morph(input, opts, false)
}

/// Structure offsets `(dz, dy, dx)` of the true elements relative to the centre, padded to 3D.
pub(crate) fn offsets(structure: &ArrayViewD<bool>, ndim: usize) -> Result<Vec<[isize; 3]>> {
    if structure.ndim() != ndim {
        return Err(Error::InvalidStructure(format!(
            "rank {} differs from input rank {ndim}",
            structure.ndim()
        )));
    }
    if structure.shape().iter().any(|&s| s % 2 == 0) {
        return Err(Error::InvalidStructure(format!(
            "extent {:?} must be odd along every axis",
            structure.shape()
        )));
    }
    let mut offs = Vec::new();
    for (idx, &v) in structure.indexed_iter() {
        if v {
            let mut o = [0isize; 3];
            for a in 0..ndim {
                o[3 - ndim + a] = idx[a] as isize - (structure.shape()[a] / 2) as isize;
            }
            offs.push(o);
        }
    }
    Ok(offs)
}

fn is_cross(offs: &[[isize; 3]], ndim: usize) -> bool {
    offs.len() == 2 * ndim + 1
        && offs
            .iter()
            .all(|o| o.iter().map(|v| v.unsigned_abs()).sum::<usize>() <= 1)
        && offs.iter().all(|o| o[..3 - ndim].iter().all(|&v| v == 0))
}

fn morph<D: Dimension>(
    input: &ArrayView<bool, D>,
    opts: &MorphOptions,
    dilate: bool,
) -> Result<Array<bool, D>> {
    let ndim = input.ndim();
    let shape = shape3(input.shape())?;
    let offs = match &opts.structure {
        Some(s) => offsets(s, ndim)?,
        None => offsets(&generate_binary_structure(ndim, 1)?.view(), ndim)?,
    };
    let mask = match &opts.mask {
        Some(m) => {
            if m.shape() != input.shape() {
                return Err(Error::MaskShape {
                    mask: m.shape().to_vec(),
                    input: input.shape().to_vec(),
                });
            }
            Some(m.as_standard_layout())
        }
        None => None,
    };
    let data = input.as_standard_layout();
    let src = data.as_slice().ok_or(Error::UnsupportedRank(ndim))?;
    let mask_s = match &mask {
        Some(m) => Some(m.as_slice().ok_or(Error::UnsupportedRank(ndim))?),
        None => None,
    };
    let max_steps: usize = shape.iter().sum::<usize>() + 1;
    let out = if mask_s.is_none() && is_cross(&offs, ndim) && max_steps < u16::MAX as usize - 2 {
        let k = if opts.iterations == 0 {
            max_steps
        } else {
            opts.iterations.min(max_steps)
        };
        // Erosion is the dual dilation of the complement with the complementary border.
        cross_dilate(
            src,
            shape,
            ndim,
            k,
            !dilate,
            if dilate {
                opts.border_value
            } else {
                !opts.border_value
            },
        )
    } else {
        general(
            src,
            shape,
            &offs,
            dilate,
            opts.border_value,
            mask_s,
            opts.iterations,
        )
    };
    Ok(Array::from_shape_vec(input.raw_dim(), out)?)
}

/// Repeated row-shift morphology with an arbitrary structure.
fn general(
    src: &[bool],
    shape: [usize; 3],
    offs: &[[isize; 3]],
    dilate: bool,
    border: bool,
    mask: Option<&[bool]>,
    iterations: usize,
) -> Vec<bool> {
    let mut cur: Vec<bool> = crate::grid::zeroed_vec(src.len());
    cur.copy_from_slice(src);
    let mut next: Vec<bool> = crate::grid::zeroed_vec(src.len());
    let mut it = 0;
    loop {
        let changed = step(&cur, &mut next, shape, offs, dilate, border, mask);
        std::mem::swap(&mut cur, &mut next);
        it += 1;
        if !changed || (iterations != 0 && it >= iterations) {
            return cur;
        }
    }
}

/// One iteration; returns whether anything changed.
fn step(
    src: &[bool],
    dst: &mut [bool],
    [nz, ny, nx]: [usize; 3],
    offs: &[[isize; 3]],
    dilate: bool,
    border: bool,
    mask: Option<&[bool]>,
) -> bool {
    if nx == 0 || src.is_empty() {
        return false;
    }
    // Dilation reads p − o.
    let offs: Vec<[isize; 3]> = offs
        .iter()
        .map(|o| if dilate { [-o[0], -o[1], -o[2]] } else { *o })
        .collect();
    dst.par_chunks_mut(nx)
        .enumerate()
        .map(|(row, out)| {
            let (z, y) = (row / ny, row % ny);
            out.fill(!dilate);
            for o in &offs {
                let (zz, yy) = (z as isize + o[0], y as isize + o[1]);
                if zz < 0 || zz >= nz as isize || yy < 0 || yy >= ny as isize {
                    if dilate && border {
                        out.fill(true);
                    } else if !dilate && !border {
                        out.fill(false);
                    }
                    continue;
                }
                let base = (zz as usize * ny + yy as usize) * nx;
                let srow = &src[base..base + nx];
                let dx = o[2];
                // Output x reads srow[x + dx]; x outside 0..nx-dx reads the border.
                let (lo, hi) = (
                    (-dx).clamp(0, nx as isize) as usize,
                    (nx as isize - dx).clamp(0, nx as isize) as usize,
                );
                if lo < hi {
                    let s = &srow[(lo as isize + dx) as usize..(hi as isize + dx) as usize];
                    let d = &mut out[lo..hi];
                    if dilate {
                        d.iter_mut().zip(s).for_each(|(a, &b)| *a |= b);
                    } else {
                        d.iter_mut().zip(s).for_each(|(a, &b)| *a &= b);
                    }
                }
                if border == dilate {
                    // dilation with border true / erosion with border false forces the rim.
                    out[..lo.min(nx)].fill(border);
                    out[hi.max(lo).min(nx)..].fill(border);
                }
            }
            let inrow = &src[row * nx..(row + 1) * nx];
            if let Some(m) = mask {
                let mrow = &m[row * nx..(row + 1) * nx];
                for ((o, &i), &mk) in out.iter_mut().zip(inrow).zip(mrow) {
                    if !mk {
                        *o = i;
                    }
                }
            }
            out != inrow
        })
        .reduce(|| false, |a, b| a | b)
}

/// `k` cross dilations (of `!src` when `invert`, then complemented back) via a saturating
/// city-block distance; `border_seed`: the outside is part of the set being dilated.
fn cross_dilate(
    src: &[bool],
    shape: [usize; 3],
    ndim: usize,
    k: usize,
    invert: bool,
    border_seed: bool,
) -> Vec<bool> {
    if k < 254 {
        cross_dilate_t::<u8>(src, shape, ndim, k, invert, border_seed)
    } else {
        cross_dilate_t::<u16>(src, shape, ndim, k, invert, border_seed)
    }
}

/// Saturating distance counter (u8 when `k < 254`: twice the SIMD lanes of u16).
trait Dist: Copy + Ord + Send + Sync + TryFrom<usize> + Default {
    fn inc(self) -> Self;
    /// A buffer of 0 / 1 values as a mask.
    fn into_mask(v: Vec<Self>, one: Self) -> Vec<bool> {
        v.par_iter().map(|&x| x == one).collect()
    }
}
impl Dist for u8 {
    #[inline(always)]
    fn inc(self) -> Self {
        self.saturating_add(1)
    }
    /// Reuses the allocation (halves the page faults of a fresh output).
    fn into_mask(v: Vec<Self>, _one: Self) -> Vec<bool> {
        debug_assert!(v.iter().all(|&x| x <= 1));
        let mut v = std::mem::ManuallyDrop::new(v);
        // SAFETY: u8 and bool have the same size and alignment, and every element is 0 or 1,
        // both valid bools (relax_out writes nothing else).
        unsafe { Vec::from_raw_parts(v.as_mut_ptr().cast::<bool>(), v.len(), v.capacity()) }
    }
}
impl Dist for u16 {
    #[inline(always)]
    fn inc(self) -> Self {
        self.saturating_add(1)
    }
}

fn cross_dilate_t<T: Dist>(
    src: &[bool],
    [nz, ny, nx]: [usize; 3],
    ndim: usize,
    k: usize,
    invert: bool,
    border_seed: bool,
) -> Vec<bool> {
    let n = src.len();
    if n == 0 || nx == 0 {
        return Vec::new();
    }
    let cap: T = T::try_from(k + 1).unwrap_or_default();
    let kk: T = T::try_from(k).unwrap_or_default();
    let edge = if border_seed { T::default() } else { cap };
    let mut d: Vec<T> = crate::grid::zeroed_vec(n);
    let slice_len = ny * nx;
    // Per slice: x distances from the input, then the y sweeps while the slice is in cache.
    d.par_chunks_mut(slice_len)
        .zip(src.par_chunks(slice_len))
        .for_each(move |(dsl, ssl)| {
            for (drow, srow) in dsl.chunks_exact_mut(nx).zip(ssl.chunks_exact(nx)) {
                row_distance(srow, drow, invert, border_seed, cap);
            }
            if ndim >= 2 {
                sweep_rows(dsl, ny, nx, edge, cap);
            }
        });
    if ndim < 3 || nz < 1 {
        return d.par_iter().map(|&v| (v <= kk) != invert).collect();
    }
    let one = T::default().inc();
    // Slices (z), whole planes at a time, parallel over plane blocks; the backward sweep
    // writes the result.
    let plane = slice_len;
    const BLOCK: usize = 8192;
    let ptr = crate::grid::SendPtr(d.as_mut_ptr());
    (0..plane.div_ceil(BLOCK))
        .into_par_iter()
        .for_each(move |b| {
            let c0 = b * BLOCK;
            let m = BLOCK.min(plane - c0);
            let mut prev = vec![edge; m];
            for z in 0..nz {
                // SAFETY: this task alone touches columns c0..c0+m of every plane.
                let row =
                    unsafe { std::slice::from_raw_parts_mut(ptr.get().add(z * plane + c0), m) };
                relax(row, &mut prev[..m], cap);
            }
            prev.fill(edge);
            for z in (0..nz).rev() {
                // SAFETY: as above, for both buffers.
                let row =
                    unsafe { std::slice::from_raw_parts_mut(ptr.get().add(z * plane + c0), m) };
                relax_out(row, &mut prev[..m], cap, kk, invert);
            }
        });
    T::into_mask(d, one)
}

/// `row = prev = min(row, prev + 1, cap)` (separate function: `&mut` arguments are `noalias`,
/// which lets the loop vectorise).
#[inline(never)]
fn relax<T: Dist>(row: &mut [T], prev: &mut [T], cap: T) {
    for (r, p) in row.iter_mut().zip(prev.iter_mut()) {
        let x = (*r).min(p.inc()).min(cap);
        *r = x;
        *p = x;
    }
}

/// The last sweep: `prev = min(row, prev + 1, cap)`, `row = (prev <= k) ^ invert` as 0 / 1.
#[inline(never)]
fn relax_out<T: Dist>(row: &mut [T], prev: &mut [T], cap: T, k: T, invert: bool) {
    let (zero, one) = (T::default(), T::default().inc());
    for (r, p) in row.iter_mut().zip(prev.iter_mut()) {
        let x = (*r).min(p.inc()).min(cap);
        *p = x;
        *r = if (x <= k) ^ invert { one } else { zero };
    }
}

/// 1D distance (capped) of each voxel of a row to the nearest seed (`v != invert`), the outside
/// counting as a seed when `border_seed`: ramps over each gap between seeds.
fn row_distance<T: Dist>(src: &[bool], d: &mut [T], invert: bool, border_seed: bool, cap: T) {
    let nx = src.len();
    let zero = T::default();
    let mut x = 0;
    while x < nx {
        let a = x;
        let seed = src[x] != invert;
        x = run_end(src, x, src[x]);
        if seed {
            d[a..x].fill(zero);
            continue;
        }
        let b = x;
        let gap = &mut d[a..b];
        gap.fill(cap);
        // Ramps of at most `cap` elements from each existing seed side.
        if a > 0 || border_seed {
            let mut v = zero;
            for e in gap.iter_mut() {
                v = v.inc();
                if v >= cap {
                    break;
                }
                *e = v;
            }
        }
        if b < nx || border_seed {
            let mut v = zero;
            for e in gap.iter_mut().rev() {
                v = v.inc();
                if v >= cap || v >= *e {
                    break;
                }
                *e = v;
            }
        }
    }
}

/// End of the run of `v` starting at `x` (16 elements at a time on long runs).
#[inline]
fn run_end(src: &[bool], mut x: usize, v: bool) -> usize {
    let n = src.len();
    while x + 16 <= n && src[x..x + 16].iter().fold(true, |a, &e| a & (e == v)) {
        x += 16;
    }
    while x < n && src[x] == v {
        x += 1;
    }
    x
}

/// Forward and backward min-plus sweeps over the rows of one slice.
fn sweep_rows<T: Dist>(sl: &mut [T], ny: usize, nx: usize, edge: T, cap: T) {
    let first = &mut sl[..nx];
    first
        .iter_mut()
        .for_each(|v| *v = (*v).min(edge.inc()).min(cap));
    for y in 1..ny {
        let (a, b) = sl.split_at_mut(y * nx);
        let prev = &a[(y - 1) * nx..];
        for (v, &p) in b[..nx].iter_mut().zip(prev) {
            *v = (*v).min(p.inc()).min(cap);
        }
    }
    let last = &mut sl[(ny - 1) * nx..];
    last.iter_mut()
        .for_each(|v| *v = (*v).min(edge.inc()).min(cap));
    for y in (0..ny - 1).rev() {
        let (a, b) = sl.split_at_mut((y + 1) * nx);
        let next = &b[..nx];
        for (v, &p) in a[y * nx..].iter_mut().zip(next) {
            *v = (*v).min(p.inc()).min(cap);
        }
    }
}
