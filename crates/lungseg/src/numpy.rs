//! numpy's floating-point summation order, so averages match bit for bit.

/// `np.add.reduce` on a contiguous float64 array: pairwise summation with 8-way unrolled blocks
/// of at most 128 elements (numpy's `pairwise_sum`).
pub(crate) fn pairwise_sum(a: &[f64]) -> f64 {
    let n = a.len();
    if n < 8 {
        a.iter().fold(-0.0, |r, &x| r + x)
    } else if n <= 128 {
        let mut r = [0.0; 8];
        r.copy_from_slice(&a[..8]);
        let full = n - n % 8;
        let mut i = 8;
        while i < full {
            for j in 0..8 {
                r[j] += a[i + j];
            }
            i += 8;
        }
        let mut res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for &x in &a[full..] {
            res += x;
        }
        res
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        pairwise_sum(&a[..n2]) + pairwise_sum(&a[n2..])
    }
}

/// `np.average(a)` for a non-empty float64 list.
pub(crate) fn mean(a: &[f64]) -> f64 {
    pairwise_sum(a) / a.len() as f64
}

/// `np.linspace(-n/2 + 0.5, n/2 - 0.5, n)`: centred pixel coordinates (exact for every n).
pub(crate) fn centered_axis(n: usize) -> Vec<f64> {
    let start = -(n as f64) / 2.0 + 0.5;
    (0..n).map(|i| i as f64 + start).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairwise_matches_sequential_on_integers() {
        let v: Vec<f64> = (0..300).map(|i| i as f64).collect();
        assert_eq!(pairwise_sum(&v), 44850.0);
        assert_eq!(mean(&[1.0, 2.0]), 1.5);
        assert_eq!(centered_axis(4), vec![-1.5, -0.5, 0.5, 1.5]);
    }

    #[test]
    fn pairwise_order_differs_from_sequential() {
        // 1e16 followed by ones: numpy gives 1e16 + 14 (checked with numpy 2.4), a sequential
        // sum gives 1e16.
        let mut v = vec![1.0; 16];
        v[0] = 1e16;
        let seq: f64 = v.iter().sum();
        assert_eq!(seq, 1e16);
        assert_eq!(pairwise_sum(&v), 1e16 + 14.0);
    }
}
