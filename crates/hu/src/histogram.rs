//! `numpy.histogram(a, bins=n)` (numpy 2.x): the same edges to the bit and the same counts.
//!
//! numpy's recipe, reproduced step by step:
//! * range `[a.min(), a.max()]` (`[0, 1]` when empty; widened by ±0.5 when min == max);
//! * edges `np.linspace(min, max, n + 1)` in float64: `i · ((max − min) / n) + min`, the last
//!   edge set to `max` exactly;
//! * each value's bin `trunc((x − min) / (max − min) · n)`, the top value into the last bin,
//!   then corrected once down (`x < edges[i]`) and once up (`x >= edges[i + 1]`, not in the
//!   last bin) — so a value on an inner edge counts in the bin to its right.

use ndarray::{ArrayView, Dimension};
use rayon::prelude::*;

use crate::{Error, Result, PAR_MIN};

/// Counts and edges of a histogram: `counts.len() + 1 == edges.len()`.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    /// Values per bin (numpy's `intp` counts).
    pub counts: Vec<u64>,
    /// Bin edges, float64, increasing; bin `i` is `[edges[i], edges[i + 1])`, the last closed.
    pub edges: Vec<f64>,
}

/// Element types [`histogram`] accepts: those numpy bins with float64 edges and whose values
/// convert to float64 exactly (integers up to 32 bits, and float64).
pub trait HistogramSample: Copy + PartialOrd + Send + Sync {
    /// The value as float64 (exact for every implementing type).
    fn to_f64(self) -> f64;
    /// Slots of a per-value count table for types of at most 16 bits (0: no table; the
    /// values are binned one by one).
    const SLOTS: usize = 0;
    /// The value's slot in that table (only called when `SLOTS > 0`).
    fn slot(self) -> usize {
        0
    }
    /// The float64 value of a slot (only called when `SLOTS > 0`).
    fn slot_value(slot: usize) -> f64 {
        slot as f64
    }
}

macro_rules! small_int {
    ($t:ty, $u:ty) => {
        impl HistogramSample for $t {
            #[inline]
            fn to_f64(self) -> f64 {
                f64::from(self)
            }
            const SLOTS: usize = 1 << <$t>::BITS;
            #[inline]
            fn slot(self) -> usize {
                usize::from(self as $u)
            }
            #[inline]
            fn slot_value(slot: usize) -> f64 {
                f64::from(slot as $u as $t)
            }
        }
    };
}
small_int!(i8, u8);
small_int!(u8, u8);
small_int!(i16, u16);
small_int!(u16, u16);

macro_rules! wide {
    ($t:ty) => {
        impl HistogramSample for $t {
            #[inline]
            fn to_f64(self) -> f64 {
                f64::from(self)
            }
        }
    };
}
wide!(i32);
wide!(u32);
wide!(f64);

/// numpy's outer edges and the denominator `max − min` (exact for integers: numpy subtracts
/// them as unsigned integers of the same width, which float64 holds exactly).
fn outer_edges<T: HistogramSample>(values: &[T]) -> Result<(f64, f64)> {
    let Some(&first) = values.first() else {
        return Ok((0.0, 1.0));
    };
    let (mut lo, mut hi) = (first, first);
    let mut nan = false;
    for &v in values {
        if v < lo {
            lo = v;
        }
        if v > hi {
            hi = v;
        }
        nan |= v.partial_cmp(&v).is_none();
    }
    let (lo, hi) = (lo.to_f64(), hi.to_f64());
    if nan || !lo.is_finite() || !hi.is_finite() {
        return Err(Error::NonFiniteRange {
            min: if nan { f64::NAN } else { lo },
            max: if nan { f64::NAN } else { hi },
        });
    }
    Ok(if lo == hi {
        (lo - 0.5, hi + 0.5)
    } else {
        (lo, hi)
    })
}

/// `np.linspace(first, last, bins + 1)` in float64.
pub fn linspace_edges(first: f64, last: f64, bins: usize) -> Vec<f64> {
    let step = (last - first) / bins as f64;
    let mut e: Vec<f64> = (0..=bins).map(|i| i as f64 * step + first).collect();
    e[bins] = last;
    e
}

/// The binning rule, shared by every path.
struct Binner<'a> {
    first: f64,
    denom: f64,
    edges: &'a [f64],
    bins: usize,
}

impl Binner<'_> {
    /// numpy's bin of a value inside `[first, last]`.
    #[inline]
    fn bin(&self, x: f64) -> usize {
        let f = (x - self.first) / self.denom * self.bins as f64;
        // `astype(intp)`: truncation; f is in [0, bins].
        let mut i = f as usize;
        if i == self.bins {
            i -= 1;
        }
        if x < self.edges[i] {
            i -= 1;
        }
        if x >= self.edges[i + 1] && i != self.bins - 1 {
            i += 1;
        }
        i
    }
}

fn count_direct<T: HistogramSample>(values: &[T], b: &Binner) -> Vec<u64> {
    let count = |chunk: &[T]| {
        let mut c = vec![0u64; b.bins];
        for &v in chunk {
            c[b.bin(v.to_f64())] += 1;
        }
        c
    };
    if values.len() < PAR_MIN {
        return count(values);
    }
    values
        .par_chunks(PAR_MIN)
        .map(count)
        .reduce(|| vec![0u64; b.bins], add)
}

fn count_table<T: HistogramSample>(values: &[T], b: &Binner) -> Vec<u64> {
    let tally = |chunk: &[T]| {
        let mut t = vec![0u64; T::SLOTS];
        for &v in chunk {
            t[v.slot()] += 1;
        }
        t
    };
    let table = if values.len() < PAR_MIN {
        tally(values)
    } else {
        values
            .par_chunks(1 << 20)
            .map(tally)
            .reduce(|| vec![0u64; T::SLOTS], add)
    };
    let mut counts = vec![0u64; b.bins];
    for (s, &n) in table.iter().enumerate() {
        if n > 0 {
            counts[b.bin(T::slot_value(s))] += n;
        }
    }
    counts
}

fn add(mut a: Vec<u64>, b: Vec<u64>) -> Vec<u64> {
    for (x, y) in a.iter_mut().zip(b) {
        *x += y;
    }
    a
}

fn prepare<T: HistogramSample>(values: &[T], bins: usize) -> Result<(f64, f64, Vec<f64>)> {
    if bins == 0 {
        return Err(Error::ZeroBins);
    }
    let (first, last) = outer_edges(values)?;
    let edges = linspace_edges(first, last, bins);
    if edges.windows(2).any(|w| w[0] >= w[1]) || !(last - first).is_finite() {
        return Err(Error::TooManyBins { bins, first, last });
    }
    Ok((first, last, edges))
}

/// `numpy.histogram(values, bins=bins)` over every element of the array (any layout):
/// identical counts and float64 edges. Errors as numpy's `ValueError`s: `bins == 0`, a NaN
/// or infinite value, or a range too narrow for `bins` distinct float64 edges.
///
/// ```
/// let hu = ndarray::array![-1000i16, -1000, -500, 0, 400];
/// let h = lungprep_hu::histogram(&hu.view(), 4).unwrap();
/// assert_eq!(h.counts, vec![2, 1, 1, 1]);
/// assert_eq!(h.edges, vec![-1000.0, -650.0, -300.0, 50.0, 400.0]);
/// ```
pub fn histogram<T: HistogramSample, D: Dimension>(
    data: &ArrayView<T, D>,
    bins: usize,
) -> Result<Histogram> {
    let owned;
    let values = match data.as_slice_memory_order() {
        Some(s) => s,
        None => {
            owned = data.iter().copied().collect::<Vec<T>>();
            &owned
        }
    };
    let (first, last, edges) = prepare(values, bins)?;
    let b = Binner {
        first,
        denom: last - first,
        edges: &edges,
        bins,
    };
    let counts = if T::SLOTS > 0 && values.len() > T::SLOTS / 4 {
        count_table(values, &b)
    } else {
        count_direct(values, &b)
    };
    Ok(Histogram { counts, edges })
}

/// The obvious serial version of [`histogram`], value by value (the reference in tests).
#[doc(hidden)]
pub fn histogram_reference<T: HistogramSample>(values: &[T], bins: usize) -> Result<Histogram> {
    let (first, last, edges) = prepare(values, bins)?;
    let b = Binner {
        first,
        denom: last - first,
        edges: &edges,
        bins,
    };
    let mut counts = vec![0u64; bins];
    for &v in values {
        counts[b.bin(v.to_f64())] += 1;
    }
    Ok(Histogram { counts, edges })
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::{arr1, Array1, Array3};
    use proptest::prelude::*;

    #[test]
    fn constant_and_empty_inputs() {
        let h = histogram(&arr1(&[5i16, 5, 5]).view(), 2).unwrap();
        assert_eq!(h.edges, vec![4.5, 5.0, 5.5]);
        assert_eq!(h.counts, vec![0, 3]);
        let h = histogram(&Array1::<i16>::zeros(0).view(), 2).unwrap();
        assert_eq!(h.edges, vec![0.0, 0.5, 1.0]);
        assert_eq!(h.counts, vec![0, 0]);
    }

    #[test]
    fn errors_like_numpy() {
        assert_eq!(
            histogram(&arr1(&[1i16]).view(), 0).unwrap_err(),
            Error::ZeroBins
        );
        assert!(matches!(
            histogram(&arr1(&[1.0, f64::NAN]).view(), 3),
            Err(Error::NonFiniteRange { .. })
        ));
        assert!(matches!(
            histogram(&arr1(&[1.0, 1.0 + f64::EPSILON]).view(), 80),
            Err(Error::TooManyBins { .. })
        ));
    }

    #[test]
    fn table_path_equals_direct_on_a_volume() {
        let v = Array3::from_shape_fn((3, 200, 150), |(z, y, x)| {
            ((z * 7919 + y * 104729 + x * 31) % 5000) as i16 - 3024
        });
        let h = histogram(&v.view(), 80).unwrap();
        let r = histogram_reference(v.as_slice().unwrap(), 80).unwrap();
        assert_eq!(h, r);
        assert_eq!(h.counts.iter().sum::<u64>(), v.len() as u64);
    }

    proptest! {
        #[test]
        fn counts_sum_to_the_voxel_count(v in proptest::collection::vec(any::<i16>(), 0..3000),
                                         bins in 1usize..200) {
            let a = Array1::from(v.clone());
            let h = histogram(&a.view(), bins).unwrap();
            prop_assert_eq!(h.counts.iter().sum::<u64>(), v.len() as u64);
            prop_assert_eq!(h.edges.len(), bins + 1);
            prop_assert_eq!(&h, &histogram_reference(&v, bins).unwrap());
        }

        #[test]
        fn every_value_lies_in_its_bin(v in proptest::collection::vec(-1e6f64..1e6, 1..500),
                                       bins in 1usize..100) {
            let h = histogram(&Array1::from(v.clone()).view(), bins).unwrap();
            prop_assert_eq!(h.counts.iter().sum::<u64>(), v.len() as u64);
            let last = bins - 1;
            let b = Binner { first: h.edges[0], denom: h.edges[bins] - h.edges[0],
                             edges: &h.edges, bins };
            for &x in &v {
                let i = b.bin(x);
                prop_assert!(h.edges[i] <= x);
                prop_assert!(x < h.edges[i + 1] || (i == last && x <= h.edges[bins]));
            }
        }
    }
}
