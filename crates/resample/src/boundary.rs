//! Coordinate and index mapping beyond the edges, transcribed from scipy's C core so
//! that the same float64 operations happen in the same order.

use crate::mode::Ext;

/// `map_coordinate` from `ni_interpolation.c`: folds an out-of-range input coordinate
/// back into `[0, len - 1]`; returns `-1` for `Constant` (meaning "use cval").
pub(crate) fn map_coordinate(mut inp: f64, len: i64, mode: Ext) -> f64 {
    let lenf = len as f64;
    if inp < 0.0 {
        match mode {
            Ext::Mirror => {
                if len <= 1 {
                    inp = 0.0;
                } else {
                    let sz2 = 2 * len - 2;
                    inp = (sz2 * ((-inp / sz2 as f64) as i64)) as f64 + inp;
                    inp = if inp <= (1 - len) as f64 {
                        inp + sz2 as f64
                    } else {
                        -inp
                    };
                }
            }
            Ext::Reflect => {
                if len <= 1 {
                    inp = 0.0;
                } else {
                    let sz2 = 2 * len;
                    if inp < -(sz2 as f64) {
                        inp = (sz2 * ((-inp / sz2 as f64) as i64)) as f64 + inp;
                    }
                    // scipy: -1e-15 check to avoid (-in - 1) == -1
                    inp = if inp < -lenf {
                        inp + sz2 as f64
                    } else {
                        (if inp > -1e-15 { 1e-15 } else { -inp }) - 1.0
                    };
                }
            }
            Ext::Wrap => {
                if len <= 1 {
                    inp = 0.0;
                } else {
                    let sz = len - 1;
                    inp += (sz * (((-inp / sz as f64) as i64) + 1)) as f64;
                }
            }
            Ext::GridWrap => {
                if len <= 1 {
                    inp = 0.0;
                } else {
                    inp += (len * (((-1.0 - inp) / lenf) as i64 + 1)) as f64;
                }
            }
            Ext::Nearest => inp = 0.0,
            Ext::Constant => inp = -1.0,
            Ext::GridConstant => {}
        }
    } else if inp > (len - 1) as f64 {
        match mode {
            Ext::Mirror => {
                if len <= 1 {
                    inp = 0.0;
                } else {
                    let sz2 = 2 * len - 2;
                    inp -= (sz2 * ((inp / sz2 as f64) as i64)) as f64;
                    if inp >= lenf {
                        inp = sz2 as f64 - inp;
                    }
                }
            }
            Ext::Reflect => {
                if len <= 1 {
                    inp = 0.0;
                } else {
                    let sz2 = 2 * len;
                    inp -= (sz2 * ((inp / sz2 as f64) as i64)) as f64;
                    if inp >= lenf {
                        inp = sz2 as f64 - inp - 1.0;
                    }
                }
            }
            Ext::Wrap => {
                if len <= 1 {
                    inp = 0.0;
                } else {
                    let sz = len - 1;
                    inp -= (sz * ((inp / sz as f64) as i64)) as f64;
                }
            }
            Ext::GridWrap => {
                if len <= 1 {
                    inp = 0.0;
                } else {
                    inp -= (len * ((inp / lenf) as i64)) as f64;
                }
            }
            Ext::Nearest => inp = (len - 1) as f64,
            Ext::Constant => inp = -1.0,
            Ext::GridConstant => {}
        }
    }
    inp
}

/// Index of sample `i` of a line of length `len` after `NI_ExtendLine`'s extension
/// (filters); `None` means the constant `cval`.
#[inline]
pub(crate) fn filter_index(i: isize, len: usize, mode: Ext) -> Option<usize> {
    let n = len as isize;
    if (0..n).contains(&i) {
        return Some(i as usize);
    }
    Some(match mode {
        Ext::Nearest => {
            if i < 0 {
                0
            } else {
                len - 1
            }
        }
        Ext::Wrap | Ext::GridWrap => i.rem_euclid(n) as usize,
        Ext::Reflect => {
            let m = i.rem_euclid(2 * n);
            (if m >= n { 2 * n - 1 - m } else { m }) as usize
        }
        Ext::Mirror => {
            if n == 1 {
                0
            } else {
                let p = 2 * n - 2;
                let m = i.rem_euclid(p);
                (if m >= n { p - m } else { m }) as usize
            }
        }
        Ext::Constant | Ext::GridConstant => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filter_extension_patterns() {
        let map = |mode, range: std::ops::Range<isize>| -> Vec<Option<usize>> {
            range.map(|i| filter_index(i, 4, mode)).collect()
        };
        let s = |v: &[usize]| v.iter().map(|&x| Some(x)).collect::<Vec<_>>();
        assert_eq!(
            map(Ext::Reflect, -4..8),
            s(&[3, 2, 1, 0, 0, 1, 2, 3, 3, 2, 1, 0])
        );
        assert_eq!(map(Ext::Mirror, -3..7), s(&[3, 2, 1, 0, 1, 2, 3, 2, 1, 0]));
        assert_eq!(
            map(Ext::Wrap, -4..8),
            s(&[0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3])
        );
        assert_eq!(map(Ext::Nearest, -2..6), s(&[0, 0, 0, 1, 2, 3, 3, 3]));
        assert_eq!(filter_index(-1, 4, Ext::Constant), None);
        assert_eq!(filter_index(5, 1, Ext::Mirror), Some(0));
    }

    #[test]
    fn map_coordinate_examples() {
        assert_eq!(map_coordinate(-0.5, 4, Ext::Reflect), -0.5);
        assert_eq!(map_coordinate(-1.5, 4, Ext::Reflect), 0.5);
        assert_eq!(map_coordinate(4.5, 4, Ext::Mirror), 1.5);
        assert_eq!(map_coordinate(-0.1, 4, Ext::Constant), -1.0);
        assert_eq!(map_coordinate(3.5, 4, Ext::GridWrap), 3.5);
        assert_eq!(map_coordinate(4.5, 4, Ext::GridWrap), 0.5);
    }
}
