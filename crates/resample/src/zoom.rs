//! `scipy.ndimage.zoom`, bit for bit: same output shape, coordinate mapping, prefilter,
//! boundary handling, weight formulas and summation order as `NI_ZoomShift`.
//!
//! scipy sums, for each output sample, `coeff = v · w₀ · w₁ · … · w_last` over all taps
//! in row-major tap order. The product of the leading axes' weights with one input
//! sample does not depend on the output position along the last axis, so each output
//! row first computes those partial products for every input column once
//! ("partial rows"), then finishes each output sample with `order + 1` multiply-adds per
//! partial row: the same float64 operations in the same order, far fewer of them.

use std::ops::Range;

use ndarray::{Array, ArrayD, ArrayView, ArrayViewD, Dimension, IxDyn};
use rayon::prelude::*;

use crate::mode::{Ext, Mode};
use crate::simd::with_avx2;
use crate::spline::{self, MAX_ORDER};
use crate::{Error, Result, Sample};

/// Options of [`zoom`], with scipy's defaults.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ZoomOptions {
    /// Spline order, 0..=5.
    pub order: usize,
    /// Boundary mode.
    pub mode: Mode,
    /// Value beyond the edge for the constant modes.
    pub cval: f64,
    /// Apply the B-spline prefilter (only matters for order > 1).
    pub prefilter: bool,
    /// Zoom pixel extents instead of pixel centres.
    pub grid_mode: bool,
}

impl Default for ZoomOptions {
    fn default() -> Self {
        ZoomOptions {
            order: 3,
            mode: Mode::Constant,
            cval: 0.0,
            prefilter: true,
            grid_mode: false,
        }
    }
}

/// Marks a tap outside the input in `grid-constant` mode (value = cval).
const OUTSIDE: usize = usize::MAX;

/// Per-axis precomputed taps: for each output index, whether it is entirely `cval`
/// (`constant` mode beyond the edge), its `order + 1` input indices and weights.
struct AxisTable {
    zero: Vec<bool>,
    idx: Vec<usize>,
    w: Vec<f64>,
}

/// Output shape scipy computes: `round(n · factor)` with round-half-even.
pub fn zoom_output_shape(shape: &[usize], factors: &[f64]) -> Result<Vec<usize>> {
    if shape.len() != factors.len() {
        return Err(Error::LengthMismatch {
            what: "zoom factors",
            expected: shape.len(),
            got: factors.len(),
        });
    }
    shape
        .iter()
        .zip(factors)
        .map(|(&n, &f)| {
            let v = (n as f64 * f).round_ties_even();
            if !v.is_finite() || v < 0.0 {
                Err(Error::InvalidParameter(format!(
                    "zoom factor {f} on an axis of {n}"
                )))
            } else {
                Ok(v as usize)
            }
        })
        .collect()
}

/// `scipy.ndimage.zoom(input, factors, order, mode, cval, prefilter, grid_mode)`.
pub fn zoom<T: Sample, D: Dimension>(
    input: &ArrayView<T, D>,
    factors: &[f64],
    opts: &ZoomOptions,
) -> Result<Array<T, D>> {
    zoom_into::<T, T, D>(input, factors, opts)
}

/// [`zoom`] writing a different element type (scipy's `output=dtype`).
pub fn zoom_into<T: Sample, U: Sample, D: Dimension>(
    input: &ArrayView<T, D>,
    factors: &[f64],
    opts: &ZoomOptions,
) -> Result<Array<U, D>> {
    let shape = zoom_output_shape(input.shape(), factors)?;
    let identity = factors.iter().all(|&f| f == 1.0);
    let out = zoom_dyn::<T, U>(&input.view().into_dyn(), &shape, identity, opts)?;
    Ok(out.into_dimensionality::<D>()?)
}

/// Zoom to an explicit output shape: the same as scipy's `zoom` with factors
/// `shape / input.shape` (which scipy rounds back to exactly `shape`).
pub fn zoom_to_shape<T: Sample, D: Dimension>(
    input: &ArrayView<T, D>,
    shape: &[usize],
    opts: &ZoomOptions,
) -> Result<Array<T, D>> {
    zoom_to_shape_into::<T, T, D>(input, shape, opts)
}

/// [`zoom_to_shape`] writing a different element type.
pub fn zoom_to_shape_into<T: Sample, U: Sample, D: Dimension>(
    input: &ArrayView<T, D>,
    shape: &[usize],
    opts: &ZoomOptions,
) -> Result<Array<U, D>> {
    if shape.len() != input.ndim() {
        return Err(Error::LengthMismatch {
            what: "output shape",
            expected: input.ndim(),
            got: shape.len(),
        });
    }
    let identity = shape == input.shape();
    let out = zoom_dyn::<T, U>(&input.view().into_dyn(), shape, identity, opts)?;
    Ok(out.into_dimensionality::<D>()?)
}

/// The part `region` (a range per axis) of [`zoom_to_shape`]'s output, computed without the
/// rest: bit-identical to slicing the full result, with work and memory proportional to the
/// region. grt123 crops its 1 mm volume right after resampling; this resamples only the crop.
pub fn zoom_to_shape_region<T: Sample, D: Dimension>(
    input: &ArrayView<T, D>,
    shape: &[usize],
    region: &[Range<usize>],
    opts: &ZoomOptions,
) -> Result<Array<T, D>> {
    if shape.len() != input.ndim() || region.len() != input.ndim() {
        return Err(Error::LengthMismatch {
            what: "output shape and region",
            expected: input.ndim(),
            got: if shape.len() != input.ndim() {
                shape.len()
            } else {
                region.len()
            },
        });
    }
    if let Some(bad) = region
        .iter()
        .zip(shape)
        .find(|(r, &n)| r.start > r.end || r.end > n)
    {
        return Err(Error::InvalidParameter(format!(
            "region {:?} is not inside the output shape {shape:?}",
            bad.0
        )));
    }
    let identity = shape == input.shape();
    let out = zoom_dyn_region::<T, T>(&input.view().into_dyn(), shape, region, identity, opts)?;
    Ok(out.into_dimensionality::<D>()?)
}

fn zoom_dyn<T: Sample, U: Sample>(
    input: &ArrayViewD<T>,
    out_shape: &[usize],
    identity: bool,
    opts: &ZoomOptions,
) -> Result<ArrayD<U>> {
    let full: Vec<Range<usize>> = out_shape.iter().map(|&n| 0..n).collect();
    zoom_dyn_region(input, out_shape, &full, identity, opts)
}

fn zoom_dyn_region<T: Sample, U: Sample>(
    input: &ArrayViewD<T>,
    out_shape: &[usize],
    region: &[Range<usize>],
    identity: bool,
    opts: &ZoomOptions,
) -> Result<ArrayD<U>> {
    let order = opts.order;
    if order > MAX_ORDER {
        return Err(Error::InvalidOrder(order));
    }
    if input.ndim() == 0 {
        return Err(Error::ZeroRank);
    }
    let in_shape = input.shape().to_vec();
    let region_shape: Vec<usize> = region.iter().map(|r| r.len()).collect();
    if region_shape.contains(&0) {
        return Ok(ArrayD::from_elem(IxDyn(&region_shape), U::from_f64(0.0)));
    }
    if in_shape.contains(&0) {
        return Err(Error::InvalidParameter(
            "cannot zoom an empty input to a non-empty shape".into(),
        ));
    }
    // scipy's early exit (gh-20999): factor 1 everywhere with prefilter returns a copy.
    if identity && opts.prefilter {
        let sl: Vec<ndarray::SliceInfoElem> = region.iter().map(|r| r.clone().into()).collect();
        return Ok(input
            .slice(sl.as_slice())
            .mapv(|v| U::from_f64_trunc(v.to_f64())));
    }
    let ext = Ext::from(opts.mode);
    let ratios: Vec<f64> = in_shape
        .iter()
        .zip(out_shape)
        .map(|(&n_in, &n_out)| {
            let (num, div) = if opts.grid_mode {
                (n_in as f64, n_out as f64)
            } else {
                (n_in as f64 - 1.0, n_out as f64 - 1.0)
            };
            if div != 0.0 {
                num / div
            } else {
                1.0
            }
        })
        .collect();

    if opts.prefilter && order > 1 {
        let npad = if matches!(opts.mode, Mode::Nearest | Mode::GridConstant) {
            12
        } else {
            0
        };
        let coeffs = prefiltered(input, npad, order, ext, opts.cval);
        let cshape = coeffs.shape().to_vec();
        let tables = build_tables(
            &cshape,
            out_shape,
            &ratios,
            npad,
            order,
            ext,
            opts.grid_mode,
        );
        let src = coeffs.as_slice().unwrap_or(&[]);
        interpolate(src, &cshape, region, &tables, order, opts.cval)
    } else {
        let tables = build_tables(&in_shape, out_shape, &ratios, 0, order, ext, opts.grid_mode);
        let std = input.as_standard_layout();
        let src = std.as_slice().unwrap_or(&[]);
        interpolate(src, &in_shape, region, &tables, order, opts.cval)
    }
}

/// `_prepad_for_spline_filter` + `spline_filter(…, output=float64)`.
fn prefiltered<T: Sample>(
    input: &ArrayViewD<T>,
    npad: usize,
    order: usize,
    ext: Ext,
    cval: f64,
) -> ArrayD<f64> {
    let shape: Vec<usize> = input.shape().iter().map(|&n| n + 2 * npad).collect();
    let mut c = if npad == 0 {
        input.mapv(|v| v.to_f64()).as_standard_layout().into_owned()
    } else {
        padded(
            input,
            npad,
            ext == Ext::Nearest,
            T::from_f64_trunc(cval).to_f64(),
        )
    };
    for axis in 0..shape.len() {
        filter_axis(&mut c, axis, order, ext);
    }
    c
}

/// `np.pad(input, npad, mode='edge')` (`edge`) or `mode='constant'` as float64; the
/// constant was stored in the input's dtype by numpy, hence `pad_value` is pre-cast.
fn padded<T: Sample>(
    input: &ArrayViewD<T>,
    npad: usize,
    edge: bool,
    pad_value: f64,
) -> ArrayD<f64> {
    let in_shape = input.shape().to_vec();
    let rank = in_shape.len();
    let shape: Vec<usize> = in_shape.iter().map(|&n| n + 2 * npad).collect();
    // Per axis: padded index -> source index (None = constant).
    let maps: Vec<Vec<Option<usize>>> = in_shape
        .iter()
        .map(|&n| {
            (0..n + 2 * npad)
                .map(|p| {
                    let i = p as isize - npad as isize;
                    if (0..n as isize).contains(&i) || edge {
                        Some(i.clamp(0, n as isize - 1) as usize)
                    } else {
                        None
                    }
                })
                .collect()
        })
        .collect();
    let std = input.as_standard_layout();
    let src = std.as_slice().unwrap_or(&[]);
    let nx = shape[rank - 1];
    let nx_in = in_shape[rank - 1];
    let total: usize = shape.iter().product();
    let mut out = vec![pad_value; total];
    out.par_chunks_mut(nx).enumerate().for_each(|(row, dst)| {
        let mut r = row;
        let mut off = 0usize;
        let mut stride = nx_in;
        for d in (0..rank - 1).rev() {
            let p = r % shape[d];
            r /= shape[d];
            match maps[d][p] {
                Some(i) => off += i * stride,
                None => return,
            }
            stride *= in_shape[d];
        }
        let line = &src[off..off + nx_in];
        for (o, m) in dst.iter_mut().zip(&maps[rank - 1]) {
            if let Some(i) = m {
                *o = line[*i].to_f64();
            }
        }
    });
    ArrayD::from_shape_vec(IxDyn(&shape), out).unwrap_or_else(|_| ArrayD::zeros(IxDyn(&[0])))
}

/// Applies the 1-D spline prefilter along `axis` to every line, in parallel, [`LINES`]
/// lines at a time interleaved (see [`spline::filter_lines`]).
fn filter_axis(c: &mut ArrayD<f64>, axis: usize, order: usize, ext: Ext) {
    let shape = c.shape().to_vec();
    let len = shape[axis];
    if len <= 1 {
        return;
    }
    let inner: usize = shape[axis + 1..].iter().product();
    let data = match c.as_slice_mut() {
        Some(d) => d,
        None => return,
    };
    let filter = |blk: &mut [f64], nb: usize| {
        with_avx2(
            #[inline(always)]
            || spline::filter_lines(blk, nb, order, ext),
        )
    };
    if inner == 1 {
        // Contiguous lines: transpose a group into an interleaved block and back.
        data.par_chunks_mut(len * LINES).for_each_init(
            || vec![0.0f64; len * LINES],
            |buf, lines| {
                let nb = lines.len() / len;
                let blk = &mut buf[..len * nb];
                for (j, line) in lines.chunks_exact(len).enumerate() {
                    for (i, &v) in line.iter().enumerate() {
                        blk[i * nb + j] = v;
                    }
                }
                filter(blk, nb);
                for (j, line) in lines.chunks_exact_mut(len).enumerate() {
                    for (i, v) in line.iter_mut().enumerate() {
                        *v = blk[i * nb + j];
                    }
                }
            },
        );
        return;
    }
    // Strided lines: a group of adjacent columns is already interleaved, one row apart;
    // collect each group's row pieces, then copy them into a block and back.
    let groups_per_slab = inner.div_ceil(LINES);
    let mut groups: Vec<Vec<&mut [f64]>> = Vec::new();
    for slab in data.chunks_mut(len * inner) {
        let first = groups.len();
        groups.extend((0..groups_per_slab).map(|_| Vec::with_capacity(len)));
        for r in slab.chunks_mut(inner) {
            for (g, piece) in r.chunks_mut(LINES).enumerate() {
                groups[first + g].push(piece);
            }
        }
    }
    groups.into_par_iter().for_each_init(
        || vec![0.0f64; len * LINES],
        |buf, mut pieces| {
            let nb = pieces[0].len();
            let blk = &mut buf[..len * nb];
            for (row, p) in blk.chunks_exact_mut(nb).zip(pieces.iter()) {
                row.copy_from_slice(p);
            }
            filter(blk, nb);
            for (row, p) in blk.chunks_exact(nb).zip(pieces.iter_mut()) {
                p.copy_from_slice(row);
            }
        },
    );
}

/// Lines prefiltered together.
const LINES: usize = 32;

/// The per-axis part of `NI_ZoomShift`: coordinate, boundary mapping, taps, weights.
fn build_tables(
    in_shape: &[usize],
    out_shape: &[usize],
    ratios: &[f64],
    npad: usize,
    order: usize,
    ext: Ext,
    grid_mode: bool,
) -> Vec<AxisTable> {
    // Modes without an analytic prefilter or explicit prepadding use mirror taps.
    let spline_mode = match ext {
        Ext::Constant | Ext::Wrap => Ext::Mirror,
        m => m,
    };
    let k = order + 1;
    (0..in_shape.len())
        .map(|ax| {
            let len = in_shape[ax] as i64;
            let n_out = out_shape[ax];
            let zoom = ratios[ax];
            let mut t = AxisTable {
                zero: vec![false; n_out],
                idx: vec![0; n_out * k],
                w: vec![0.0; n_out * k],
            };
            let mut wbuf = [0.0f64; MAX_ORDER + 1];
            for kk in 0..n_out {
                let mut cc = kk as f64;
                if grid_mode {
                    cc += 0.5;
                    cc *= zoom;
                    cc -= 0.5;
                } else {
                    cc *= zoom;
                }
                cc += npad as f64;
                if ext != Ext::GridConstant && ext != Ext::Nearest {
                    cc = map_coordinate_checked(cc, len, ext);
                }
                if cc > -1.0 || ext == Ext::GridConstant || ext == Ext::Nearest {
                    let start = if order & 1 == 1 {
                        cc.floor() as i64 - (order / 2) as i64
                    } else {
                        (cc + 0.5).floor() as i64 - (order / 2) as i64
                    };
                    let at_edge = start < 0 || start + order as i64 >= len;
                    for h in 0..k {
                        let mut idx = start + h as i64;
                        if at_edge {
                            if ext == Ext::GridConstant {
                                if idx < 0 || idx >= len {
                                    t.idx[kk * k + h] = OUTSIDE;
                                    continue;
                                }
                            } else {
                                idx = crate::boundary::map_coordinate(idx as f64, len, spline_mode)
                                    as i64;
                            }
                        }
                        t.idx[kk * k + h] = idx.clamp(0, len - 1) as usize;
                    }
                    spline::weights(cc, order, &mut wbuf);
                    t.w[kk * k..kk * k + k].copy_from_slice(&wbuf[..k]);
                } else {
                    t.zero[kk] = true;
                }
            }
            t
        })
        .collect()
}

#[inline]
fn map_coordinate_checked(cc: f64, len: i64, ext: Ext) -> f64 {
    crate::boundary::map_coordinate(cc, len, ext)
}

/// The per-sample loop of `NI_ZoomShift`, organised by output rows (see module docs),
/// for the output samples in `region` (a range per axis of the full output).
fn interpolate<S: Sample, U: Sample>(
    src: &[S],
    in_shape: &[usize],
    region: &[Range<usize>],
    tables: &[AxisTable],
    order: usize,
    cval: f64,
) -> Result<ArrayD<U>> {
    let rank = in_shape.len();
    let k = order + 1;
    let nx_in = in_shape[rank - 1];
    let out_shape: Vec<usize> = region.iter().map(|r| r.len()).collect();
    let nx_out = out_shape[rank - 1];
    let xr = region[rank - 1].clone();
    let lead = rank - 1;
    let mut strides = vec![1usize; rank];
    for d in (0..rank - 1).rev() {
        strides[d] = strides[d + 1] * in_shape[d + 1];
    }
    let xt = &tables[rank - 1];
    // Last-axis taps as indices into a partial row whose extra last slot holds cval.
    let xidx: Vec<usize> = xt.idx[xr.start * k..xr.end * k]
        .iter()
        .map(|&i| if i == OUTSIDE { nx_in } else { i })
        .collect();
    // Only the input columns these taps read need partial products.
    let inside = || xidx.iter().copied().filter(|&i| i < nx_in);
    let xlo = inside().min().unwrap_or(0);
    let xhi = inside().max().map_or(0, |m| m + 1);
    let rows = Rows {
        src,
        region,
        out_shape: &out_shape,
        strides: &strides,
        tables,
        xidx: &xidx,
        xw: &xt.w[xr.start * k..xr.end * k],
        xzero: &xt.zero[xr.clone()],
        cols: xlo..xhi,
        nx_in,
        order,
        cval,
    };
    let ncombo = k.pow(lead as u32);
    let out_len: usize = out_shape.iter().product();
    let mut out: Vec<U> = vec![U::from_f64(cval); out_len];
    out.par_chunks_mut(nx_out).enumerate().for_each_init(
        || Scratch {
            partial: vec![0.0f64; ncombo * (nx_in + 1)],
            oix: vec![0usize; lead],
            acc: vec![0.0f64; nx_out],
        },
        |scratch, (row, out_row)| rows.run(scratch, row, out_row),
    );
    Ok(ArrayD::from_shape_vec(IxDyn(&out_shape), out)?)
}

/// Everything an output row needs, shared by all rows.
struct Rows<'a, S> {
    src: &'a [S],
    region: &'a [Range<usize>],
    out_shape: &'a [usize],
    strides: &'a [usize],
    tables: &'a [AxisTable],
    /// Last-axis taps (`nx_in` = the cval slot) and weights, `order + 1` per output column.
    xidx: &'a [usize],
    xw: &'a [f64],
    xzero: &'a [bool],
    /// Input columns some tap reads.
    cols: Range<usize>,
    nx_in: usize,
    order: usize,
    cval: f64,
}

/// Per-thread buffers of [`Rows::row`].
struct Scratch {
    partial: Vec<f64>,
    oix: Vec<usize>,
    acc: Vec<f64>,
}

impl<S: Sample> Rows<'_, S> {
    /// Output row `row` (AVX2 code where the CPU has it: same operations, wider).
    fn run<U: Sample>(&self, sc: &mut Scratch, row: usize, out_row: &mut [U]) {
        with_avx2(
            #[inline(always)]
            || self.row(sc, row, out_row),
        )
    }

    #[inline(always)]
    fn row<U: Sample>(&self, sc: &mut Scratch, row: usize, out_row: &mut [U]) {
        let order = self.order;
        let k = order + 1;
        let lead = self.out_shape.len() - 1;
        let nx_in = self.nx_in;
        let plen = nx_in + 1;
        let tables = self.tables;
        let ncombo = k.pow(lead as u32);
        // Output multi-index of the leading axes.
        let oix = &mut sc.oix;
        let mut r = row;
        for d in (0..lead).rev() {
            oix[d] = self.region[d].start + r % self.out_shape[d];
            r /= self.out_shape[d];
        }
        if (0..lead).any(|d| tables[d].zero[oix[d]]) {
            return; // already cval
        }
        // Partial rows: v · w_0 · … · w_{lead-1} for every tap combination.
        let mut ws = [0.0f64; 8];
        let (xlo, xhi) = (self.cols.start, self.cols.end);
        for c in 0..ncombo {
            let mut rem = c;
            let mut offset = 0usize;
            let mut outside = false;
            for d in (0..lead).rev() {
                let f = rem % k;
                rem /= k;
                let o = oix[d];
                let i = tables[d].idx[o * k + f];
                if i == OUTSIDE {
                    outside = true;
                } else {
                    offset += i * self.strides[d];
                }
                ws[d] = tables[d].w[o * k + f];
            }
            let p = &mut sc.partial[c * plen..(c + 1) * plen];
            let chain = |mut v: f64| {
                if order > 0 {
                    for &w in &ws[..lead] {
                        v *= w;
                    }
                }
                v
            };
            let pc = chain(self.cval);
            p[nx_in] = pc;
            if outside {
                p[..nx_in].fill(pc);
                continue;
            }
            let line = &self.src[offset + xlo..offset + xhi];
            let dst = &mut p[xlo..xhi];
            if order == 0 || lead == 0 {
                for (d, &s) in dst.iter_mut().zip(line) {
                    *d = s.to_f64();
                }
            } else if lead == 1 {
                let w0 = ws[0];
                for (d, &s) in dst.iter_mut().zip(line) {
                    *d = s.to_f64() * w0;
                }
            } else if lead == 2 {
                let (w0, w1) = (ws[0], ws[1]);
                for (d, &s) in dst.iter_mut().zip(line) {
                    *d = s.to_f64() * w0 * w1;
                }
            } else {
                for (d, &s) in dst.iter_mut().zip(line) {
                    *d = chain(s.to_f64());
                }
            }
        }
        // Finish each output sample along the last axis, each sum in scipy's order (tap
        // combos row-major, last axis fastest), `LANES` samples at a time so that their
        // add chains overlap instead of waiting on each other.
        let partial = &sc.partial[..ncombo * plen];
        let acc = &mut sc.acc;
        match order {
            0 => finish::<1>(partial, plen, self.xidx, self.xw, acc, |p, i, _| p[i]),
            1 => finish::<2>(partial, plen, self.xidx, self.xw, acc, |p, i, w| p[i] * w),
            2 => finish::<3>(partial, plen, self.xidx, self.xw, acc, |p, i, w| p[i] * w),
            3 => finish::<4>(partial, plen, self.xidx, self.xw, acc, |p, i, w| p[i] * w),
            4 => finish::<5>(partial, plen, self.xidx, self.xw, acc, |p, i, w| p[i] * w),
            _ => finish::<6>(partial, plen, self.xidx, self.xw, acc, |p, i, w| p[i] * w),
        }
        for ((o, &a), &z) in out_row.iter_mut().zip(acc.iter()).zip(self.xzero) {
            if !z {
                *o = U::from_f64(a);
            }
        }
    }
}

/// Independent output samples summed together in [`Rows::row`].
const LANES: usize = 4;

/// `acc[i] = Σ_partial-rows Σ_f term(p, xidx[i·K + f], xw[i·K + f])`, summed in that order
/// for each sample, [`LANES`] samples interleaved.
#[inline(always)]
fn finish<const K: usize>(
    partial: &[f64],
    plen: usize,
    xidx: &[usize],
    xw: &[f64],
    acc: &mut [f64],
    term: impl Fn(&[f64], usize, f64) -> f64,
) {
    let done = acc.len() / LANES * LANES;
    let mut lanes = acc.chunks_exact_mut(LANES);
    let mut taps = xidx.chunks_exact(K * LANES).zip(xw.chunks_exact(K * LANES));
    for (a, (ix, wx)) in (&mut lanes).zip(&mut taps) {
        let mut s = [0.0f64; LANES];
        for p in partial.chunks_exact(plen) {
            for f in 0..K {
                for l in 0..LANES {
                    s[l] += term(p, ix[l * K + f], wx[l * K + f]);
                }
            }
        }
        a.copy_from_slice(&s);
    }
    for (i, a) in lanes.into_remainder().iter_mut().enumerate() {
        let (ix, wx) = (&xidx[(done + i) * K..][..K], &xw[(done + i) * K..][..K]);
        let mut s = 0.0;
        for p in partial.chunks_exact(plen) {
            for f in 0..K {
                s += term(p, ix[f], wx[f]);
            }
        }
        *a = s;
    }
}
