//! Element types and scipy's float64 → element conversions.

/// An array element scipy.ndimage can read and write.
///
/// All arithmetic happens in `f64`, as in scipy's C core; the two conversions back
/// reproduce the two ways scipy stores a result.
pub trait Sample: Copy + Send + Sync + 'static {
    /// Widen to `f64` (exact for every type except 64-bit integers above 2^53).
    fn to_f64(self) -> f64;
    /// Store an interpolated value the way `ni_interpolation.c` does: integers get
    /// `t ± 0.5` then truncation, clamped to the type's range (unsigned: negatives to 0,
    /// NaN to 0); floats are rounded to nearest.
    fn from_f64(v: f64) -> Self;
    /// Store a filtered value the way scipy's line buffers do: a plain C cast
    /// (truncation toward zero; out-of-range values follow x86-64's conversion rules).
    fn from_f64_trunc(v: f64) -> Self;
}

/// x86-64 `cvttsd2si` with a 32-bit destination: out of range / NaN → `i32::MIN`.
#[inline]
fn cvt_i32(v: f64) -> i32 {
    if v > -2147483649.0 && v < 2147483648.0 {
        v as i32
    } else {
        i32::MIN
    }
}

/// x86-64 `cvttsd2si` with a 64-bit destination: out of range / NaN → `i64::MIN`.
#[inline]
fn cvt_i64(v: f64) -> i64 {
    if v > -9223372036854777856.0 && v < 9223372036854775808.0 {
        v as i64
    } else {
        i64::MIN
    }
}

macro_rules! float_sample {
    ($t:ty) => {
        impl Sample for $t {
            #[inline(always)]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline(always)]
            fn from_f64(v: f64) -> Self {
                v as $t
            }
            #[inline(always)]
            fn from_f64_trunc(v: f64) -> Self {
                v as $t
            }
        }
    };
}
float_sample!(f32);
float_sample!(f64);

macro_rules! uint_sample {
    ($t:ty, $trunc:expr) => {
        impl Sample for $t {
            #[inline(always)]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline(always)]
            fn from_f64(t: f64) -> Self {
                // CASE_INTERP_OUT_UINT
                let mut t = if t > 0.0 { t + 0.5 } else { 0.0 };
                let max = <$t>::MAX as f64;
                if t > max {
                    t = max;
                }
                if t < 0.0 {
                    t = 0.0;
                }
                t as $t
            }
            #[inline(always)]
            fn from_f64_trunc(v: f64) -> Self {
                let f: fn(f64) -> $t = $trunc;
                f(v)
            }
        }
    };
}
uint_sample!(u8, |v| cvt_i32(v) as u8);
uint_sample!(u16, |v| cvt_i32(v) as u16);
uint_sample!(u32, |v| cvt_i64(v) as u32);
uint_sample!(u64, |v| {
    if (9223372036854775808.0..18446744073709551616.0).contains(&v) {
        ((v - 9223372036854775808.0) as u64) ^ (1u64 << 63)
    } else {
        cvt_i64(v) as u64
    }
});

macro_rules! int_sample {
    ($t:ty, $nan:expr, $trunc:expr) => {
        impl Sample for $t {
            #[inline(always)]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline(always)]
            fn from_f64(t: f64) -> Self {
                // CASE_INTERP_OUT_INT
                if t.is_nan() {
                    return $nan;
                }
                let mut t = if t > 0.0 { t + 0.5 } else { t - 0.5 };
                let (min, max) = (<$t>::MIN as f64, <$t>::MAX as f64);
                if t > max {
                    t = max;
                }
                if t < min {
                    t = min;
                }
                t as $t
            }
            #[inline(always)]
            fn from_f64_trunc(v: f64) -> Self {
                let f: fn(f64) -> $t = $trunc;
                f(v)
            }
        }
    };
}
int_sample!(i8, 0, |v| cvt_i32(v) as i8);
int_sample!(i16, 0, |v| cvt_i32(v) as i16);
int_sample!(i32, i32::MIN, cvt_i32);
int_sample!(i64, i64::MIN, cvt_i64);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interp_rounding_matches_scipy_macros() {
        assert_eq!(u8::from_f64(254.5), 255);
        assert_eq!(u8::from_f64(300.0), 255);
        assert_eq!(u8::from_f64(-3.0), 0);
        assert_eq!(u8::from_f64(f64::NAN), 0);
        assert_eq!(u8::from_f64(1.4999999), 1);
        assert_eq!(i16::from_f64(-1.5), -2);
        assert_eq!(i16::from_f64(-40000.0), i16::MIN);
        assert_eq!(i32::from_f64(f64::NAN), i32::MIN);
        assert_eq!(f32::from_f64(0.1), 0.1f32);
    }

    #[test]
    fn c_cast_truncates() {
        assert_eq!(u8::from_f64_trunc(254.9), 254);
        assert_eq!(i16::from_f64_trunc(-1.9), -1);
        assert_eq!(u8::from_f64_trunc(-1.0), 255);
        assert_eq!(u8::from_f64_trunc(f64::NAN), 0);
    }
}
