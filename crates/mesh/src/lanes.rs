//! Four f32 lanes for the per-use gradient updates: one 128-bit value built in registers and
//! stored whole. Built lane by lane, the compiler stored 8 + 4 bytes and reloaded 16, a
//! store-forwarding stall on every use (a fifth of the march). SSE2 on x86_64, plain arrays
//! elsewhere; both round and add exactly as the scalar f32 code does.

#[cfg(target_arch = "x86_64")]
use std::arch::x86_64::*;

/// Lanes (x, y, z, 0).
#[derive(Clone, Copy)]
pub(crate) struct F4(
    #[cfg(target_arch = "x86_64")] __m128,
    #[cfg(not(target_arch = "x86_64"))] [f32; 4],
);

// SAFETY (every block below): SSE2 is part of the x86_64 baseline, and each load or store
// reads or writes exactly the array it is given. The intrinsics are safe to call from Rust
// 1.87; under the MSRV they are unsafe, hence `allow(unused_unsafe)`.
#[allow(unused_unsafe)]
impl F4 {
    pub(crate) const ZERO: F4 = F4::from_f32([0.0; 4]);

    const fn from_f32(a: [f32; 4]) -> F4 {
        #[cfg(target_arch = "x86_64")]
        {
            // SAFETY: __m128 is 16 bytes of four f32 lanes, as is [f32; 4].
            F4(unsafe { std::mem::transmute::<[f32; 4], __m128>(a) })
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            F4(a)
        }
    }

    /// `[(g[0] * s) as f32, (g[1] * s) as f32, (g[2] * s) as f32, 0.0]`.
    #[inline(always)]
    pub(crate) fn scaled(g: &[f64; 3], s: f64) -> F4 {
        #[cfg(target_arch = "x86_64")]
        unsafe {
            let sv = _mm_set1_pd(s);
            let xy = _mm_cvtpd_ps(_mm_mul_pd(_mm_loadu_pd(g.as_ptr()), sv));
            let z = _mm_cvtpd_ps(_mm_mul_sd(_mm_load_sd(&g[2]), sv));
            F4(_mm_movelh_ps(xy, z))
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            F4([(g[0] * s) as f32, (g[1] * s) as f32, (g[2] * s) as f32, 0.0])
        }
    }

    /// `[g[0] as f32, g[1] as f32, g[2] as f32, 0.0]`.
    #[inline(always)]
    pub(crate) fn rounded(g: [f64; 3]) -> F4 {
        F4::scaled(&g, 1.0)
    }

    /// `n[k] += self[k]` for the four lanes.
    #[inline(always)]
    pub(crate) fn add_to(self, n: &mut [f32; 4]) {
        #[cfg(target_arch = "x86_64")]
        unsafe {
            let p = n.as_mut_ptr();
            _mm_storeu_ps(p, _mm_add_ps(_mm_loadu_ps(p), self.0));
        }
        #[cfg(not(target_arch = "x86_64"))]
        for k in 0..4 {
            n[k] += self.0[k];
        }
    }

    /// Lanes x, y, z.
    pub(crate) fn xyz(self) -> [f32; 3] {
        let mut a = [0.0f32; 4];
        #[cfg(target_arch = "x86_64")]
        unsafe {
            _mm_storeu_ps(a.as_mut_ptr(), self.0);
        }
        #[cfg(not(target_arch = "x86_64"))]
        {
            a = self.0;
        }
        [a[0], a[1], a[2]]
    }
}

#[cfg(test)]
mod tests {
    use super::F4;

    fn same(a: [f32; 3], b: [f32; 3]) -> bool {
        a.iter()
            .zip(&b)
            .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
    }

    proptest::proptest! {
        /// The lanes round and add bit for bit as the scalar f32 code.
        #[test]
        fn lanes_are_the_scalar_code(
            g in proptest::array::uniform3(-1e30f64..1e30),
            s in -1e12f64..1e12,
            n in proptest::array::uniform3(-1e6f32..1e6),
        ) {
            let v = F4::scaled(&g, s);
            let scalar = [(g[0] * s) as f32, (g[1] * s) as f32, (g[2] * s) as f32];
            proptest::prop_assert!(same(v.xyz(), scalar));
            let mut acc = [n[0], n[1], n[2], 0.0];
            v.add_to(&mut acc);
            v.add_to(&mut acc);
            let want = [n[0] + scalar[0] + scalar[0], n[1] + scalar[1] + scalar[1], n[2] + scalar[2] + scalar[2]];
            proptest::prop_assert!(same([acc[0], acc[1], acc[2]], want));
            proptest::prop_assert_eq!(acc[3].to_bits(), 0.0f32.to_bits());
            proptest::prop_assert!(same(F4::rounded(g).xyz(), g.map(|c| c as f32)));
        }
    }

    #[test]
    fn special_values_round_as_scalar() {
        for g in [
            [f64::NAN, f64::INFINITY, -0.0],
            [1e300, -1e300, 3.4028235677973366e38],
        ] {
            for s in [0.0, -1.0, 1e-300, f64::NAN] {
                let scalar = [(g[0] * s) as f32, (g[1] * s) as f32, (g[2] * s) as f32];
                assert!(same(F4::scaled(&g, s).xyz(), scalar), "{g:?} {s}");
            }
        }
    }
}
