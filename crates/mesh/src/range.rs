//! numpy's `min()` and `max()` of a float32 array, as the level check needs them.

/// Running min, max and NaN flag of some values read as f32.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Range {
    lo: f32,
    hi: f32,
    nan: bool,
}

impl Range {
    /// Nothing seen yet.
    pub(crate) const EMPTY: Range = Range {
        lo: f32::INFINITY,
        hi: f32::NEG_INFINITY,
        nan: false,
    };

    /// The range of `c`: eight independent lanes of compare-and-select, NaN tracked on the
    /// side, so that the loop vectorizes (a per-element NaN branch ran at a fifth of memory
    /// speed).
    pub(crate) fn of<T: Copy + Into<f32>>(c: &[T]) -> Range {
        let mut lo = [f32::INFINITY; 8];
        let mut hi = [f32::NEG_INFINITY; 8];
        let mut nan = [false; 8];
        let mut lanes = c.chunks_exact(8);
        for l in &mut lanes {
            for k in 0..8 {
                let v: f32 = l[k].into();
                lo[k] = if v < lo[k] { v } else { lo[k] };
                hi[k] = if v > hi[k] { v } else { hi[k] };
                nan[k] |= v.is_nan();
            }
        }
        for (k, &t) in lanes.remainder().iter().enumerate() {
            let v: f32 = t.into();
            lo[k] = if v < lo[k] { v } else { lo[k] };
            hi[k] = if v > hi[k] { v } else { hi[k] };
            nan[k] |= v.is_nan();
        }
        Range {
            lo: lo.iter().fold(f32::INFINITY, |a, &b| a.min(b)),
            hi: hi.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b)),
            nan: nan.contains(&true),
        }
    }

    /// Both ranges together.
    pub(crate) fn merge(self, o: Range) -> Range {
        Range {
            lo: self.lo.min(o.lo),
            hi: self.hi.max(o.hi),
            nan: self.nan | o.nan,
        }
    }

    /// (min, max) as numpy reports them: NaN for both if any value is NaN.
    pub(crate) fn numpy(self) -> (f32, f32) {
        if self.nan {
            (f32::NAN, f32::NAN)
        } else {
            (self.lo, self.hi)
        }
    }
}
