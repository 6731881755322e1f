//! Where grt123 crashes, lungseg returns typed errors.

use lungprep_lungseg::phantom::{chest_phantom, PhantomOptions};
use lungprep_lungseg::{
    prep, step1, two_lung_only, Error, Geometry, Params, Spacing, TwoLungParams,
};
use ndarray::Array3;

#[test]
fn air_only_volume_is_no_lung_found() {
    let air = Array3::<i16>::from_elem((6, 40, 40), -1000);
    match step1(
        &air.view(),
        &Spacing::f64([2.0, 1.0, 1.0]),
        &Params::default(),
    ) {
        Err(Error::NoLungFound { last_cut, slices }) => {
            assert_eq!(slices, 6);
            assert_eq!(last_cut, 4);
        }
        other => panic!("expected NoLungFound, got {other:?}"),
    }
}

#[test]
fn bad_spacing_is_an_error() {
    let v = Array3::<i16>::zeros((2, 8, 8));
    for s in [[0.0, 1.0, 1.0], [1.0, f64::NAN, 1.0], [1.0, 1.0, -2.0]] {
        let r = step1(&v.view(), &Spacing::f64(s), &Params::default());
        assert!(matches!(r, Err(Error::Invalid(_))), "{s:?}");
    }
}

#[test]
fn empty_masks_are_an_error_not_a_crash() {
    let v = Array3::<i16>::zeros((4, 8, 8));
    let m = Array3::from_elem((4, 8, 8), false);
    let g = Geometry::new(Spacing::f64([1.0; 3]), [0.0; 3]);
    let r = prep(&v.view(), &m.view(), &m.view(), &g, &[], &Params::default());
    assert!(matches!(r, Err(Error::EmptyMask(_))));
}

#[test]
fn one_lung_is_kept_whole_as_grt123() {
    let mut bw = Array3::from_elem((6, 20, 20), false);
    bw.slice_mut(ndarray::s![1..5, 4..16, 4..16]).fill(true);
    let r = two_lung_only(
        &bw.view(),
        &Spacing::f64([1.0; 3]),
        &TwoLungParams::default(),
    )
    .unwrap();
    assert!(!r.found);
    assert_eq!(r.m1, bw);
    assert!(r.m2.iter().all(|&v| !v));
}

#[test]
fn non_square_slices_run() {
    // grt123 crashes on non-square slices; here they get correct geometry.
    let o = PhantomOptions {
        shape: [53, 128, 150],
        spacing: [6.0, 2.8, 2.8],
        ..Default::default()
    };
    let v = chest_phantom(&o);
    let s = step1(&v.data.view(), &Spacing::f64(o.spacing), &Params::default()).unwrap();
    assert!(s.two_lungs_found);
    assert!(s.m1.iter().filter(|&&x| x).count() > 10_000);
}
