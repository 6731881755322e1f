//! numpy's own outputs (fixtures from `scripts/golden_hu.py`) against this crate.

use lungprep_hu::{lum_trans, normalize, to_hu, zero_center, Rescale};
use ndarray::{Array1, Array3};
use ndarray_npy::read_npy;

fn fixture<T: ndarray_npy::ReadableElement, D: ndarray::Dimension>(
    name: &str,
) -> ndarray::Array<T, D>
where
    ndarray::Array<T, D>: ndarray_npy::ReadNpyExt,
{
    read_npy(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

#[test]
fn lum_trans_normalize_zero_center_equal_numpy() {
    let x: Array1<i16> = fixture("input_i16.npy");
    let l: Array1<u8> = fixture("lum_trans.npy");
    assert_eq!(lum_trans(&x.view()), l);
    let n: Array1<f32> = fixture("normalize.npy");
    let ours = normalize(&x.view());
    assert!(ours.iter().zip(&n).all(|(a, b)| a.to_bits() == b.to_bits()));
    let z: Array1<f32> = fixture("zero_center.npy");
    let ours = zero_center(&ours.view());
    assert!(ours.iter().zip(&z).all(|(a, b)| a.to_bits() == b.to_bits()));
}

#[test]
fn to_hu_equals_get_pixels_hu() {
    let mut stack: Array3<i16> = fixture("stack_i16.npy");
    let expected: Array3<i16> = fixture("stack_hu.npy");
    let r = |slope, intercept| Rescale { slope, intercept };
    let rescale = [
        r(1.0, -1024.0),
        r(0.5, -1024.7),
        r(1.25, 0.0),
        r(2.0, 100.9),
    ];
    to_hu(&mut stack.view_mut(), &rescale).unwrap();
    assert_eq!(stack, expected);
}
