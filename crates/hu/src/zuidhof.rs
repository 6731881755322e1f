//! Zuidhof's `get_pixels_hu` (Kaggle DSB2017 tutorial, seeds 003/004).

use ndarray::{ArrayViewMut3, Zip};

use crate::{to_hu, Rescale, Result, PAR_MIN};

/// The stored value the tutorial treats as "outside the scanner's field of view" and sets to
/// 0 before the rescale (so those voxels become the intercept, usually −1024 HU: air).
pub const ZUIDHOF_PADDING: i16 = -2000;

/// Zuidhof's `get_pixels_hu` on a stack of stored values already cast to int16, in place:
///
/// ```text
/// image[image == -2000] = 0
/// then, per slice, exactly grt123's get_pixels_hu (see `to_hu`)
/// ```
///
/// grt123's loader lacks the first step; everything after it is the same arithmetic.
/// `rescale` holds one entry per z-slice.
pub fn zuidhof_hu(image: &mut ArrayViewMut3<i16>, rescale: &[Rescale]) -> Result<()> {
    // Check the slice count before touching the voxels.
    if rescale.len() != image.shape()[0] {
        return to_hu(image, rescale);
    }
    let clear = |v: &mut i16| {
        if *v == ZUIDHOF_PADDING {
            *v = 0;
        }
    };
    if image.len() >= PAR_MIN {
        Zip::from(image.view_mut()).par_for_each(clear);
    } else {
        image.map_inplace(clear);
    }
    to_hu(image, rescale)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;
    use ndarray::Array3;

    #[test]
    fn padding_becomes_the_intercept() {
        let mut v =
            Array3::from_shape_vec((2, 1, 3), vec![-2000i16, 0, 24, -2000, 10, -1999]).unwrap();
        let r = [
            Rescale {
                slope: 1.0,
                intercept: -1024.0,
            },
            Rescale {
                slope: 2.0,
                intercept: -1000.0,
            },
        ];
        zuidhof_hu(&mut v.view_mut(), &r).unwrap();
        assert_eq!(
            v.as_slice().unwrap(),
            &[-1024, -1024, -1000, -1000, -980, -4998]
        );
    }

    #[test]
    fn wrong_count_leaves_the_input() {
        let mut v = Array3::from_elem((2, 1, 1), -2000i16);
        assert_eq!(
            zuidhof_hu(&mut v.view_mut(), &[Rescale::default()]),
            Err(Error::SliceCount {
                slices: 2,
                params: 1
            })
        );
        assert!(v.iter().all(|&x| x == -2000));
    }
}
