//! `scipy.ndimage.gaussian_filter`: numpy-identical kernel, scipy's symmetric
//! correlation `x₀·w₀ + Σ (x₋ⱼ + x₊ⱼ)·wⱼ` in float64, axes in order, each pass stored in
//! the element type (so float32 rounds between passes exactly like scipy).

use ndarray::{Array, ArrayD, ArrayView, ArrayViewD, ArrayViewMut, Dimension};
use rayon::prelude::*;

use crate::boundary::filter_index;
use crate::mode::{Ext, Mode};
use crate::simd::with_avx2;
use crate::{Error, Result, Sample};

/// numpy's pairwise summation (`pairwise_sum_DOUBLE`), as used by `ndarray.sum()`.
fn pairwise_sum(a: &[f64]) -> f64 {
    let n = a.len();
    if n < 8 {
        let mut res = 0.0;
        for &v in a {
            res += v;
        }
        res
    } else if n <= 128 {
        let mut r = [0.0f64; 8];
        r.copy_from_slice(&a[..8]);
        let mut i = 8;
        while i < n - (n % 8) {
            for j in 0..8 {
                r[j] += a[i + j];
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        while i < n {
            res += a[i];
            i += 1;
        }
        res
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        pairwise_sum(&a[..n2]) + pairwise_sum(&a[n2..])
    }
}

/// `_gaussian_kernel1d(sigma, 0, radius)` with `radius = int(truncate · sigma + 0.5)`:
/// `exp(-0.5 / σ² · x²)` normalised by numpy's pairwise sum.
///
/// The exponential is libm's. numpy's own `exp` is libm's too unless numpy dispatches to
/// a SIMD kernel (Intel SVML on AVX-512 machines), which differs from libm by one ulp on
/// ~5 % of arguments; then a tap can differ by one ulp (σ = 1, truncate = 2, grt123's
/// kernel, is identical either way). Pass numpy's kernel to [`correlate1d_sym`] when
/// bit-identity matters for other σ.
pub fn gaussian_kernel1d(sigma: f64, truncate: f64) -> Result<Vec<f64>> {
    let lw = truncate * sigma + 0.5;
    if !(0.0..=1e7).contains(&lw) {
        return Err(Error::InvalidParameter(format!(
            "Gaussian radius int({truncate} * {sigma} + 0.5) must be a non-negative integer"
        )));
    }
    let radius = lw.trunc() as i64;
    let sigma2 = sigma * sigma;
    let a = -0.5 / sigma2;
    let phi: Vec<f64> = (-radius..=radius)
        .map(|x| (a * (x * x) as f64).exp())
        .collect();
    let sum = pairwise_sum(&phi);
    Ok(phi.iter().map(|&p| p / sum).collect())
}

/// `scipy.ndimage.gaussian_filter(input, sigma, mode=mode, cval=cval, truncate=truncate)`.
///
/// `sigma` has one entry per axis (or one for all); axes with `sigma <= 1e-15` are
/// skipped, as in scipy.
pub fn gaussian_filter<T: Sample, D: Dimension>(
    input: &ArrayView<T, D>,
    sigma: &[f64],
    truncate: f64,
    mode: Mode,
    cval: f64,
) -> Result<Array<T, D>> {
    let mut out = Array::from_elem(input.raw_dim(), T::from_f64(0.0));
    gaussian_filter_into(input, &mut out.view_mut(), sigma, truncate, mode, cval)?;
    Ok(out)
}

/// [`gaussian_filter`] writing into `output` (scipy's `output=` argument), which must
/// have the input's shape. Reusing one output buffer across calls (e.g. per slice)
/// avoids a fresh allocation, and its page faults, each time.
pub fn gaussian_filter_into<T: Sample, D: Dimension>(
    input: &ArrayView<T, D>,
    output: &mut ArrayViewMut<T, D>,
    sigma: &[f64],
    truncate: f64,
    mode: Mode,
    cval: f64,
) -> Result<()> {
    let ndim = input.ndim();
    let sigmas: Vec<f64> = match sigma.len() {
        1 => vec![sigma[0]; ndim],
        n if n == ndim => sigma.to_vec(),
        n => {
            return Err(Error::LengthMismatch {
                what: "sigma",
                expected: ndim,
                got: n,
            })
        }
    };
    let mut passes = Vec::new();
    for (axis, &s) in sigmas.iter().enumerate() {
        // scipy keeps axes with sigma > 1e-15 (NaN and negatives are skipped).
        if s.partial_cmp(&1e-15) == Some(std::cmp::Ordering::Greater) {
            passes.push((axis, Taps::new(&gaussian_kernel1d(s, truncate)?)));
        }
    }
    run_passes(input, output, &passes, Ext::from(mode), cval)
}

/// `NI_Correlate1D` for an odd, symmetric kernel (scipy's `symmetric > 0` branch), the
/// result stored with a C cast into `T`.
pub fn correlate1d_sym<T: Sample>(
    input: &ArrayViewD<T>,
    kernel: &[f64],
    axis: usize,
    mode: Mode,
    cval: f64,
) -> Result<ArrayD<T>> {
    if axis >= input.ndim() {
        return Err(Error::InvalidParameter(format!("axis {axis} out of range")));
    }
    if kernel.len() % 2 == 0 {
        return Err(Error::InvalidParameter("kernel length must be odd".into()));
    }
    let mut out = ArrayD::from_elem(input.raw_dim(), T::from_f64(0.0));
    let passes = [(axis, Taps::new(kernel))];
    run_passes(input, &mut out.view_mut(), &passes, Ext::from(mode), cval)?;
    Ok(out)
}

/// An odd symmetric kernel split for scipy's loop order: centre tap, then the pairs
/// `(x₋ⱼ + x₊ⱼ)·wⱼ` outermost first.
struct Taps {
    w0: f64,
    /// `(j, wⱼ)` for `j = size1, …, 1`.
    pairs: Vec<(usize, f64)>,
}

impl Taps {
    fn new(kernel: &[f64]) -> Self {
        let size1 = kernel.len() / 2;
        Taps {
            w0: kernel[size1],
            pairs: (1..=size1).rev().map(|j| (j, kernel[size1 - j])).collect(),
        }
    }

    fn radius(&self) -> usize {
        self.pairs.len()
    }
}

/// Runs the separable passes from `input` into `output`. The last two passes (a strided
/// axis, then the contiguous last axis) are fused slab by slab so that their
/// intermediate never leaves the cache; earlier passes go through whole arrays.
fn run_passes<T: Sample, D: Dimension>(
    input: &ArrayView<T, D>,
    output: &mut ArrayViewMut<T, D>,
    passes: &[(usize, Taps)],
    ext: Ext,
    cval: f64,
) -> Result<()> {
    if input.shape() != output.shape() {
        return Err(Error::ShapeMismatch {
            expected: input.shape().to_vec(),
            got: output.shape().to_vec(),
        });
    }
    let shape = input.shape().to_vec();
    let std = input.as_standard_layout();
    let src = std.as_slice().unwrap_or(&[]);
    let mut scratch = None;
    let out: &mut [T] = match output.as_slice_mut() {
        Some(o) => o,
        None => scratch.insert(vec![T::from_f64(0.0); src.len()]),
    };
    if src.is_empty() {
        return Ok(());
    }
    let last = shape.len() - 1;
    let fuse = passes.len() >= 2 && passes[passes.len() - 1].0 == last;
    // Passes before the last one (or the fused last two) go through whole arrays.
    let head = passes.len().saturating_sub(if fuse { 2 } else { 1 });
    let mut cur: Option<Vec<T>> = None;
    for (axis, taps) in &passes[..head] {
        let mut next = vec![T::from_f64(0.0); src.len()];
        pass(
            cur.as_deref().unwrap_or(src),
            &mut next,
            &shape,
            *axis,
            taps,
            ext,
            cval,
        );
        cur = Some(next);
    }
    let src = cur.as_deref().unwrap_or(src);
    match &passes[head..] {
        [] => out.copy_from_slice(src),
        [(axis, taps)] => pass(src, out, &shape, *axis, taps, ext, cval),
        [(axis, taps), (_, line)] => fused(src, out, &shape, *axis, taps, line, ext, cval),
        _ => unreachable!("at most two passes remain"),
    }
    if let Some(s) = scratch {
        let dim = output.raw_dim();
        output.assign(&ArrayView::from_shape(dim, &s)?);
    }
    Ok(())
}

/// `prod(shape[axis+1..])`: the stride of `axis` in a standard-layout array.
fn inner_len(shape: &[usize], axis: usize) -> usize {
    shape[axis + 1..].iter().product()
}

/// Rayon grain: at least ~16 K samples per task.
fn grain(chunk: usize) -> usize {
    (16384 / chunk.max(1)).max(1)
}

/// One correlation pass along `axis` over a standard-layout array.
fn pass<T: Sample>(
    src: &[T],
    out: &mut [T],
    shape: &[usize],
    axis: usize,
    taps: &Taps,
    ext: Ext,
    cval: f64,
) {
    let len = shape[axis];
    let inner = inner_len(shape, axis);
    if inner == 1 {
        out.par_chunks_mut(len)
            .zip(src.par_chunks(len))
            .with_min_len(grain(len))
            .for_each_init(
                || vec![0.0f64; len + 2 * taps.radius()],
                |buf, (o, line)| {
                    with_avx2(
                        #[inline(always)]
                        || line_pass(line, o, taps, ext, cval, buf),
                    )
                },
            );
    } else {
        out.par_chunks_mut(inner)
            .enumerate()
            .with_min_len(grain(inner))
            .for_each_init(
                || vec![0.0f64; inner],
                |acc, (row, o)| {
                    with_avx2(
                        #[inline(always)]
                        || slab_pass(src, len, inner, row, taps, ext, cval, acc, o),
                    )
                },
            );
    }
}

/// A strided pass along `axis` immediately followed by the contiguous last-axis pass,
/// one output slab (`inner` samples) at a time.
#[allow(clippy::too_many_arguments)]
fn fused<T: Sample>(
    src: &[T],
    out: &mut [T],
    shape: &[usize],
    axis: usize,
    taps: &Taps,
    line: &Taps,
    ext: Ext,
    cval: f64,
) {
    let len = shape[axis];
    let inner = inner_len(shape, axis);
    let width = shape[shape.len() - 1];
    out.par_chunks_mut(inner)
        .enumerate()
        .with_min_len(grain(inner))
        .for_each_init(
            || {
                (
                    vec![0.0f64; inner],
                    vec![T::from_f64(0.0); inner],
                    vec![0.0f64; width + 2 * line.radius()],
                )
            },
            |(acc, tmp, buf), (row, o)| {
                with_avx2(
                    #[inline(always)]
                    || {
                        slab_pass(src, len, inner, row, taps, ext, cval, acc, tmp);
                        for (oc, tc) in o.chunks_mut(width).zip(tmp.chunks(width)) {
                            line_pass(tc, oc, line, ext, cval, buf);
                        }
                    },
                )
            },
        );
}

/// One contiguous line: extended into `buf`, then the symmetric sum, taps outermost over
/// blocks of 64 samples (independent chains per sample, scipy's order within each).
#[inline(always)]
fn line_pass<T: Sample>(
    line: &[T],
    o: &mut [T],
    taps: &Taps,
    ext: Ext,
    cval: f64,
    buf: &mut [f64],
) {
    let len = line.len();
    let r = taps.radius();
    for (b, &v) in buf[r..r + len].iter_mut().zip(line) {
        *b = v.to_f64();
    }
    for p in (0..r).chain(r + len..len + 2 * r) {
        buf[p] = match filter_index(p as isize - r as isize, len, ext) {
            Some(k) => line[k].to_f64(),
            None => cval,
        };
    }
    let mut acc = [0.0f64; 64];
    for (chunk, oc) in o.chunks_mut(64).enumerate() {
        let l0 = chunk * 64 + r;
        let n = oc.len();
        let a = &mut acc[..n];
        for (v, &x) in a.iter_mut().zip(&buf[l0..l0 + n]) {
            *v = x * taps.w0;
        }
        for &(j, w) in &taps.pairs {
            let lo = &buf[l0 - j..l0 - j + n];
            let hi = &buf[l0 + j..l0 + j + n];
            for ((v, &x), &y) in a.iter_mut().zip(lo).zip(hi) {
                *v += (x + y) * w;
            }
        }
        for (ov, &v) in oc.iter_mut().zip(a.iter()) {
            *ov = T::from_f64_trunc(v);
        }
    }
}

/// Output slab `row` (index along `axis` and the axes before it) of a strided pass: whole
/// `inner`-wide rows at once, vectorised across the row.
#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn slab_pass<T: Sample>(
    src: &[T],
    len: usize,
    inner: usize,
    row: usize,
    taps: &Taps,
    ext: Ext,
    cval: f64,
    acc: &mut [f64],
    o: &mut [T],
) {
    let l = (row % len) as isize;
    let base = (row / len) * len * inner;
    let get = |i: isize| filter_index(i, len, ext).map(|k| &src[base + k * inner..][..inner]);
    let centre = &src[base + l as usize * inner..][..inner];
    for (a, &x) in acc.iter_mut().zip(centre) {
        *a = x.to_f64() * taps.w0;
    }
    for &(j, w) in &taps.pairs {
        let j = j as isize;
        match (get(l - j), get(l + j)) {
            (Some(a), Some(b)) => {
                for ((s, &x), &y) in acc.iter_mut().zip(a).zip(b) {
                    *s += (x.to_f64() + y.to_f64()) * w;
                }
            }
            (Some(a), None) | (None, Some(a)) => {
                // Operand order only matters for NaN payloads; sums commute.
                for (s, &x) in acc.iter_mut().zip(a) {
                    *s += (x.to_f64() + cval) * w;
                }
            }
            (None, None) => {
                for s in acc.iter_mut() {
                    *s += (cval + cval) * w;
                }
            }
        }
    }
    for (ov, &a) in o.iter_mut().zip(acc.iter()) {
        *ov = T::from_f64_trunc(a);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kernel_sigma1_truncate2_has_five_taps() {
        let k = gaussian_kernel1d(1.0, 2.0).unwrap();
        assert_eq!(k.len(), 5);
        assert!((k.iter().sum::<f64>() - 1.0).abs() < 1e-15);
        assert_eq!(k[0], k[4]);
    }

    #[test]
    fn pairwise_matches_plain_for_small() {
        let v: Vec<f64> = (0..7).map(|i| i as f64 * 0.1).collect();
        assert_eq!(pairwise_sum(&v), v.iter().fold(0.0, |a, b| a + b));
    }
}
