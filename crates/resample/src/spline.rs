//! B-spline weights and the recursive prefilter, transcribed from scipy's `ni_splines.c`.

use crate::mode::Ext;

/// Largest supported spline order.
pub const MAX_ORDER: usize = 5;

/// `get_spline_interpolation_weights`: the `order + 1` weights of the taps starting at
/// `floor(x)` (odd orders) or `floor(x + 0.5)` (even orders) minus `order / 2`.
#[inline]
pub(crate) fn weights(x: f64, order: usize, w: &mut [f64; MAX_ORDER + 1]) {
    let x = x - if order & 1 == 1 {
        x.floor()
    } else {
        (x + 0.5).floor()
    };
    let mut y = x;
    let mut z = 1.0 - x;
    match order {
        1 => {
            w[0] = 1.0 - x;
        }
        2 => {
            w[1] = 0.75 - x * x;
            y = 0.5 - x;
            w[0] = 0.5 * y * y;
        }
        3 => {
            w[1] = (y * y * (y - 2.0) * 3.0 + 4.0) / 6.0;
            w[2] = (z * z * (z - 2.0) * 3.0 + 4.0) / 6.0;
            w[0] = z * z * z / 6.0;
        }
        4 => {
            let t = x * x;
            w[2] = t * (t * 0.25 - 0.625) + 115.0 / 192.0;
            y = 1.0 + x;
            w[1] = y * (y * (y * (5.0 - y) / 6.0 - 1.25) + 5.0 / 24.0) + 55.0 / 96.0;
            w[3] = z * (z * (z * (5.0 - z) / 6.0 - 1.25) + 5.0 / 24.0) + 55.0 / 96.0;
            y = 0.5 - x;
            let t = y * y;
            w[0] = t * t / 24.0;
        }
        5 => {
            let t = y * y;
            w[2] = t * (t * (0.25 - y / 12.0) - 0.5) + 0.55;
            let t = z * z;
            w[3] = t * (t * (0.25 - z / 12.0) - 0.5) + 0.55;
            y += 1.0;
            w[1] = y * (y * (y * (y * (y / 24.0 - 0.375) + 1.25) - 1.75) + 0.625) + 0.425;
            z += 1.0;
            w[4] = z * (z * (z * (z * (z / 24.0 - 0.375) + 1.25) - 1.75) + 0.625) + 0.425;
            y = 1.0 - x;
            let t = y * y;
            w[0] = y * t * t / 120.0;
        }
        _ => {}
    }
    if order == 0 {
        w[0] = 1.0;
        return;
    }
    // All weights add to 1, scipy uses that for the last one.
    w[order] = 1.0;
    for i in 0..order {
        w[order] -= w[i];
    }
}

/// `get_filter_poles`.
#[allow(clippy::excessive_precision)]
pub(crate) fn poles(order: usize) -> &'static [f64] {
    // The literals of ni_splines.c, verbatim, so they parse to the same doubles.
    match order {
        2 => &[-0.171572875253809902396622551580603843],
        3 => &[-0.267949192431122706472553658494127633],
        4 => &[
            -0.361341225900220177092212841325675255,
            -0.013725429297339121360331226939128204,
        ],
        5 => &[
            -0.430575347099973791851434783493520110,
            -0.043096288203264653822712376822550182,
        ],
        _ => &[],
    }
}

/// The prefilter of `b` lines at once, stored interleaved: sample `i` of line `j` at
/// `c[i * b + j]`. Each line gets exactly the operations of `apply_filter` in scipy's
/// order; interleaving only lets consecutive lines share vector instructions (and makes
/// strided axes a plain row copy instead of a gather).
#[inline(always)]
pub(crate) fn filter_lines(c: &mut [f64], b: usize, order: usize, mode: Ext) {
    let n = c.len() / b.max(1);
    if n <= 1 || b == 0 {
        return;
    }
    let zs = poles(order);
    let mut gain = 1.0;
    for &z in zs {
        gain *= (1.0 - z) * (1.0 - 1.0 / z);
    }
    for v in c.iter_mut() {
        *v *= gain;
    }
    for &z in zs {
        match mode {
            Ext::GridConstant | Ext::Constant | Ext::Mirror | Ext::Wrap => {
                init_causal_mirror(c, n, b, z)
            }
            Ext::GridWrap => init_causal_wrap(c, n, b, z),
            Ext::Nearest | Ext::Reflect => init_causal_reflect(c, n, b, z),
        }
        for i in 1..n {
            let (prev, cur) = c[(i - 1) * b..(i + 1) * b].split_at_mut(b);
            for (x, &p) in cur.iter_mut().zip(prev.iter()) {
                *x += z * p;
            }
        }
        match mode {
            Ext::GridConstant | Ext::Constant | Ext::Mirror | Ext::Wrap => {
                init_anticausal_mirror(c, n, b, z)
            }
            Ext::GridWrap => init_anticausal_wrap(c, n, b, z),
            Ext::Nearest | Ext::Reflect => init_anticausal_reflect(c, n, b, z),
        }
        for i in (0..n - 1).rev() {
            let (cur, next) = c[i * b..(i + 2) * b].split_at_mut(b);
            for (x, &q) in cur.iter_mut().zip(next.iter()) {
                *x = z * (q - *x);
            }
        }
    }
}

/// Row `i` (sample `i` of every line) of an interleaved block.
#[inline(always)]
fn row(c: &[f64], b: usize, i: usize) -> &[f64] {
    &c[i * b..(i + 1) * b]
}

#[inline(always)]
fn init_causal_mirror(c: &mut [f64], n: usize, b: usize, z: f64) {
    let z_n_1 = libm_pow(z, (n - 1) as f64);
    let (first, rest) = c.split_at_mut(b);
    for (c0, &l) in first.iter_mut().zip(row(rest, b, n - 2)) {
        *c0 += z_n_1 * l;
    }
    let mut z_i = z;
    for i in 1..n - 1 {
        let (a, m) = (row(rest, b, i - 1), row(rest, b, n - 2 - i));
        for ((c0, &x), &y) in first.iter_mut().zip(a).zip(m) {
            *c0 += z_i * (x + z_n_1 * y);
        }
        z_i *= z;
    }
    let d = 1.0 - z_n_1 * z_n_1;
    for c0 in first.iter_mut() {
        *c0 /= d;
    }
}

#[inline(always)]
fn init_anticausal_mirror(c: &mut [f64], n: usize, b: usize, z: f64) {
    let (head, last) = c.split_at_mut((n - 1) * b);
    let d = z * z - 1.0;
    for (l, &p) in last.iter_mut().zip(row(head, b, n - 2)) {
        *l = (z * p + *l) * z / d;
    }
}

#[inline(always)]
fn init_causal_wrap(c: &mut [f64], n: usize, b: usize, z: f64) {
    let (first, rest) = c.split_at_mut(b);
    let mut z_i = z;
    for i in 1..n {
        for (c0, &x) in first.iter_mut().zip(row(rest, b, n - i - 1)) {
            *c0 += z_i * x;
        }
        z_i *= z;
    }
    let d = 1.0 - z_i;
    for c0 in first.iter_mut() {
        *c0 /= d;
    }
}

#[inline(always)]
fn init_anticausal_wrap(c: &mut [f64], n: usize, b: usize, z: f64) {
    let (head, last) = c.split_at_mut((n - 1) * b);
    let mut z_i = z;
    for i in 0..n - 1 {
        for (l, &x) in last.iter_mut().zip(row(head, b, i)) {
            *l += z_i * x;
        }
        z_i *= z;
    }
    let f = z / (z_i - 1.0);
    for l in last.iter_mut() {
        *l *= f;
    }
}

#[inline(always)]
fn init_causal_reflect(c: &mut [f64], n: usize, b: usize, z: f64) {
    let z_n = libm_pow(z, n as f64);
    let (first, rest) = c.split_at_mut(b);
    let c0: Vec<f64> = first.to_vec();
    for (f, &l) in first.iter_mut().zip(row(rest, b, n - 2)) {
        *f += z_n * l;
    }
    let mut z_i = z;
    for i in 1..n - 1 {
        let (a, m) = (row(rest, b, i - 1), row(rest, b, n - 2 - i));
        for ((f, &x), &y) in first.iter_mut().zip(a).zip(m) {
            *f += z_i * (x + z_n * y);
        }
        z_i *= z;
    }
    // i = n - 1 reads c[0] itself, the running sum (as scipy's loop does).
    for (f, &x) in first.iter_mut().zip(row(rest, b, n - 2)) {
        *f += z_i * (x + z_n * *f);
    }
    let g = z / (1.0 - z_n * z_n);
    for (f, &o) in first.iter_mut().zip(&c0) {
        *f *= g;
        *f += o;
    }
}

#[inline(always)]
fn init_anticausal_reflect(c: &mut [f64], n: usize, b: usize, z: f64) {
    let g = z / (z - 1.0);
    for l in c[(n - 1) * b..n * b].iter_mut() {
        *l *= g;
    }
}

/// C's `pow` (Rust's `powf` lowers to the same libm call).
#[inline]
fn libm_pow(x: f64, y: f64) -> f64 {
    x.powf(y)
}

#[cfg(test)]
mod tests {
    use super::*;

    // The scalar transcription of `ni_splines.c`, one line at a time: the reference the
    // interleaved `filter_lines` must match bit for bit.
    fn init_causal_mirror(c: &mut [f64], z: f64) {
        let n = c.len();
        let mut z_i = z;
        let z_n_1 = libm_pow(z, (n - 1) as f64);
        c[0] += z_n_1 * c[n - 1];
        for i in 1..n - 1 {
            c[0] += z_i * (c[i] + z_n_1 * c[n - 1 - i]);
            z_i *= z;
        }
        c[0] /= 1.0 - z_n_1 * z_n_1;
    }

    fn init_anticausal_mirror(c: &mut [f64], z: f64) {
        let n = c.len();
        c[n - 1] = (z * c[n - 2] + c[n - 1]) * z / (z * z - 1.0);
    }

    fn init_causal_wrap(c: &mut [f64], z: f64) {
        let n = c.len();
        let mut z_i = z;
        for i in 1..n {
            c[0] += z_i * c[n - i];
            z_i *= z;
        }
        c[0] /= 1.0 - z_i;
    }

    fn init_anticausal_wrap(c: &mut [f64], z: f64) {
        let n = c.len();
        let mut z_i = z;
        for i in 0..n - 1 {
            c[n - 1] += z_i * c[i];
            z_i *= z;
        }
        c[n - 1] *= z / (z_i - 1.0);
    }

    fn init_causal_reflect(c: &mut [f64], z: f64) {
        let n = c.len();
        let mut z_i = z;
        let z_n = libm_pow(z, n as f64);
        let c0 = c[0];
        c[0] += z_n * c[n - 1];
        for i in 1..n {
            c[0] += z_i * (c[i] + z_n * c[n - 1 - i]);
            z_i *= z;
        }
        c[0] *= z / (1.0 - z_n * z_n);
        c[0] += c0;
    }

    fn init_anticausal_reflect(c: &mut [f64], z: f64) {
        let n = c.len();
        c[n - 1] *= z / (z - 1.0);
    }

    /// `apply_filter`: in-place B-spline prefilter of one line (`len > 1`), with the
    /// boundary initialisation scipy picks for `mode`.
    fn filter_line(c: &mut [f64], order: usize, mode: Ext) {
        let n = c.len();
        if n <= 1 {
            return;
        }
        type Init = fn(&mut [f64], f64);
        let (causal, anticausal): (Init, Init) = match mode {
            Ext::GridConstant | Ext::Constant | Ext::Mirror | Ext::Wrap => {
                (init_causal_mirror, init_anticausal_mirror)
            }
            Ext::GridWrap => (init_causal_wrap, init_anticausal_wrap),
            Ext::Nearest | Ext::Reflect => (init_causal_reflect, init_anticausal_reflect),
        };
        let zs = poles(order);
        let mut gain = 1.0;
        for &z in zs {
            gain *= (1.0 - z) * (1.0 - 1.0 / z);
        }
        for v in c.iter_mut() {
            *v *= gain;
        }
        for &z in zs {
            causal(c, z);
            for i in 1..n {
                c[i] += z * c[i - 1];
            }
            anticausal(c, z);
            for i in (0..n - 1).rev() {
                c[i] = z * (c[i + 1] - c[i]);
            }
        }
    }

    #[test]
    fn interleaved_filter_equals_scalar_reference() {
        let mut state = 0x9e3779b97f4a7c15u64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state % 20001) as f64 / 7.0 - 1400.0
        };
        let modes = [
            Ext::Nearest,
            Ext::Reflect,
            Ext::Mirror,
            Ext::Constant,
            Ext::Wrap,
            Ext::GridConstant,
            Ext::GridWrap,
        ];
        for order in 2..=5 {
            for &mode in &modes {
                for n in [2usize, 3, 5, 17] {
                    for b in [1usize, 3, 8] {
                        let lines: Vec<Vec<f64>> =
                            (0..b).map(|_| (0..n).map(|_| next()).collect()).collect();
                        let mut blk = vec![0.0; n * b];
                        for (j, l) in lines.iter().enumerate() {
                            for (i, &v) in l.iter().enumerate() {
                                blk[i * b + j] = v;
                            }
                        }
                        filter_lines(&mut blk, b, order, mode);
                        for (j, l) in lines.iter().enumerate() {
                            let mut r = l.clone();
                            filter_line(&mut r, order, mode);
                            for i in 0..n {
                                assert_eq!(
                                    blk[i * b + j].to_bits(),
                                    r[i].to_bits(),
                                    "order {order} {mode:?} n {n} b {b}"
                                );
                            }
                        }
                    }
                }
            }
        }
    }

    #[test]
    fn weights_sum_to_one_and_interpolate_linear() {
        let mut w = [0.0; 6];
        weights(2.25, 1, &mut w);
        assert_eq!(&w[..2], &[0.75, 0.25]);
        for order in 0..=5 {
            weights(3.3, order, &mut w);
            let s: f64 = w[..=order].iter().sum();
            assert!((s - 1.0).abs() < 1e-12);
        }
    }
}
