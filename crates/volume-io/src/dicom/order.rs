//! grt123's slice ordering (`load_scan`), as a pure function of positions so it can be tested
//! on its own.

/// One slice's sort keys.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SliceKey {
    /// `ImagePositionPatient[2]` (or the SliceLocation fallback).
    pub z: f64,
    /// `InstanceNumber` as a float (missing sorts as 0, where pydicom would fail).
    pub instance: f64,
}

/// The result of ordering.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Ordered {
    /// Indices into the input, in final slice order.
    pub order: Vec<usize>,
    /// How many slices the duplicate-position rule dropped.
    pub dropped: usize,
}

fn sort_by_key(idx: &mut [usize], key: impl Fn(usize) -> f64) {
    // Python's list.sort is stable; so is slice::sort_by.
    idx.sort_by(|&a, &b| {
        key(a)
            .partial_cmp(&key(b))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
}

/// Orders slices exactly as grt123's `load_scan`: a stable sort by z; when the first two
/// slices share a position, count how many share it (`sec_num`), keep the first
/// `len / sec_num` slices by InstanceNumber, and sort those by z again.
///
/// The input order is the tie-break of the stable sorts (callers pass files sorted by path,
/// so the result does not depend on directory listing order).
pub(crate) fn grt123_order(keys: &[SliceKey]) -> Ordered {
    let n = keys.len();
    let mut idx: Vec<usize> = (0..n).collect();
    sort_by_key(&mut idx, |i| keys[i].z);
    let mut dropped = 0;
    if n >= 2 && keys[idx[0]].z == keys[idx[1]].z {
        let mut sec_num = 2;
        while sec_num < n && keys[idx[0]].z == keys[idx[sec_num]].z {
            sec_num += 1;
        }
        let slice_num = n / sec_num;
        sort_by_key(&mut idx, |i| keys[i].instance);
        idx.truncate(slice_num);
        sort_by_key(&mut idx, |i| keys[i].z);
        dropped = n - slice_num;
    }
    Ordered {
        order: idx,
        dropped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn k(z: f64, instance: f64) -> SliceKey {
        SliceKey { z, instance }
    }

    #[test]
    fn sorts_by_z() {
        let o = grt123_order(&[k(3.0, 1.0), k(1.0, 2.0), k(2.0, 3.0)]);
        assert_eq!(o.order, vec![1, 2, 0]);
        assert_eq!(o.dropped, 0);
    }

    #[test]
    fn duplicate_positions_keep_first_pass_by_instance() {
        // Two passes over z = 0, 1, 2: instances 1..3 then 4..6.
        let keys = [
            k(0.0, 4.0),
            k(1.0, 2.0),
            k(2.0, 6.0),
            k(0.0, 1.0),
            k(1.0, 5.0),
            k(2.0, 3.0),
        ];
        let o = grt123_order(&keys);
        assert_eq!(o.order, vec![3, 1, 5]);
        assert_eq!(o.dropped, 3);
    }

    #[test]
    fn all_same_position_keeps_one() {
        let o = grt123_order(&[k(0.0, 2.0), k(0.0, 1.0)]);
        assert_eq!(o.order, vec![1]);
    }
}
