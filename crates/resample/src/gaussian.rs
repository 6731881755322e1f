//! `scipy.ndimage.gaussian_filter`: numpy-identical kernel, scipy's symmetric
//! correlation `x₀·w₀ + Σ (x₋ⱼ + x₊ⱼ)·wⱼ` in float64, axes in order, each pass stored in
//! the element type (so float32 rounds between passes exactly like scipy).

use ndarray::{Array, ArrayD, ArrayView, ArrayViewD, Dimension, IxDyn};
use rayon::prelude::*;

use crate::boundary::filter_index;
use crate::mode::{Ext, Mode};
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
    let mut cur: Option<ArrayD<T>> = None;
    for (axis, &s) in sigmas.iter().enumerate() {
        // scipy keeps axes with sigma > 1e-15 (NaN and negatives are skipped).
        if s.partial_cmp(&1e-15) != Some(std::cmp::Ordering::Greater) {
            continue;
        }
        let kernel = gaussian_kernel1d(s, truncate)?;
        let next = match &cur {
            None => correlate1d_sym(&input.view().into_dyn(), &kernel, axis, mode, cval)?,
            Some(a) => correlate1d_sym(&a.view(), &kernel, axis, mode, cval)?,
        };
        cur = Some(next);
    }
    let out = match cur {
        Some(a) => a,
        None => input.to_owned().into_dyn(),
    };
    Ok(out.into_dimensionality::<D>()?)
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
    let ext = Ext::from(mode);
    let shape = input.shape().to_vec();
    let std = input.as_standard_layout();
    let src = std.as_slice().unwrap_or(&[]);
    let len = shape[axis];
    let inner: usize = shape[axis + 1..].iter().product();
    let total: usize = shape.iter().product();
    let zero = T::from_f64(0.0);
    let mut out = vec![zero; total];
    if total == 0 {
        return Ok(ArrayD::from_shape_vec(IxDyn(&shape), out)?);
    }
    let size1 = kernel.len() / 2;
    // fw[jj] for jj = -size1..0 in scipy's loop order: outermost tap first.
    let w0 = kernel[size1];
    let wj: Vec<f64> = (1..=size1).rev().map(|j| kernel[size1 - j]).collect();
    let js: Vec<usize> = (1..=size1).rev().collect();

    if inner == 1 {
        // Contiguous lines: extend into a padded buffer, then the symmetric sum.
        out.par_chunks_mut(len)
            .zip(src.par_chunks(len))
            .with_min_len((16384 / len.max(1)).max(1))
            .for_each_init(
                || vec![0.0f64; len + 2 * size1],
                |buf, (o, line)| {
                    for (b, &v) in buf[size1..size1 + len].iter_mut().zip(line) {
                        *b = v.to_f64();
                    }
                    for p in (0..size1).chain(size1 + len..len + 2 * size1) {
                        buf[p] = match filter_index(p as isize - size1 as isize, len, ext) {
                            Some(k) => line[k].to_f64(),
                            None => cval,
                        };
                    }
                    // Taps outermost: independent chains per sample, scipy's order per sample.
                    let mut acc = [0.0f64; 64];
                    for (chunk, oc) in o.chunks_mut(64).enumerate() {
                        let l0 = chunk * 64;
                        let n = oc.len();
                        let a = &mut acc[..n];
                        for (i, v) in a.iter_mut().enumerate() {
                            *v = buf[l0 + i + size1] * w0;
                        }
                        for (&j, &w) in js.iter().zip(&wj) {
                            let lo = &buf[l0 + size1 - j..l0 + size1 - j + n];
                            let hi = &buf[l0 + size1 + j..l0 + size1 + j + n];
                            for ((v, &x), &y) in a.iter_mut().zip(lo).zip(hi) {
                                *v += (x + y) * w;
                            }
                        }
                        for (ov, &v) in oc.iter_mut().zip(a.iter()) {
                            *ov = T::from_f64_trunc(v);
                        }
                    }
                },
            );
    } else {
        // Strided lines: compute whole output rows (`inner` wide) at once, vectorised.
        out.par_chunks_mut(inner)
            .enumerate()
            .with_min_len((16384 / inner).max(1))
            .for_each_init(
                || vec![0.0f64; inner],
                |acc, (row, o)| {
                    let outer = row / len;
                    let l = (row % len) as isize;
                    let base = outer * len * inner;
                    let get = |i: isize| {
                        filter_index(i, len, ext)
                            .map(|k| &src[base + k * inner..base + (k + 1) * inner])
                    };
                    let centre = &src[base + l as usize * inner..base + (l as usize + 1) * inner];
                    for (a, &x) in acc.iter_mut().zip(centre) {
                        *a = x.to_f64() * w0;
                    }
                    for (&j, &w) in js.iter().zip(&wj) {
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
                },
            );
    }
    Ok(ArrayD::from_shape_vec(IxDyn(&shape), out)?)
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
