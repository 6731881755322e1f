//! Golden fixtures from scipy 1.17 / scikit-image 0.26 (scripts/golden_morph3d.py).

use lungprep_morph3d::*;
use ndarray::{ArrayD, Ix2};
use ndarray_npy::read_npy;

fn fx<T: ndarray_npy::ReadableElement>(name: &str) -> ArrayD<T> {
    let p = format!("{}/tests/fixtures/{name}.npy", env!("CARGO_MANIFEST_DIR"));
    read_npy(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

const INPUTS: [&str; 4] = ["v3", "b3", "v2", "b2"];

#[test]
fn label_matches_scipy() {
    for name in INPUTS {
        let a: ArrayD<bool> = fx(&format!("in_{name}"));
        for c in 1..=a.ndim() {
            let exp: ArrayD<i32> = fx(&format!("label_{name}_c{c}"));
            let (got, n) = label(&a.view(), c).unwrap();
            assert_eq!(got.mapv(|v| v as i32), exp, "{name} c={c}");
            assert_eq!(n as i32, exp.iter().copied().max().unwrap_or(0));
        }
    }
}

#[test]
fn label_values_matches_skimage() {
    let v2: ArrayD<i32> = fx("in_vals2");
    for c in 1..=2 {
        let exp: ArrayD<i32> = fx(&format!("labelv_vals2_c{c}"));
        let (got, _) = label_values(&v2.view(), Some(0), c).unwrap();
        assert_eq!(got.mapv(|v| v as i32), exp, "c={c}");
    }
    let v3: ArrayD<i8> = fx("in_vals3");
    let exp: ArrayD<i32> = fx("labelv_vals3_c3");
    let (got, _) = label_values(&v3.view(), None, 3).unwrap();
    assert_eq!(got.mapv(|v| v as i32), exp);
    let (got0, _) = label_values(&v3.view(), Some(0), 3).unwrap();
    assert_eq!(got0.mapv(|v| v as i32), exp);
}

#[test]
fn morphology_matches_scipy() {
    for name in INPUTS {
        let a: ArrayD<bool> = fx(&format!("in_{name}"));
        for c in 1..=a.ndim() {
            let s = generate_binary_structure(a.ndim(), c).unwrap();
            for it in [1usize, 3, 0] {
                let opts = MorphOptions {
                    structure: Some(s.view()),
                    iterations: it,
                    ..Default::default()
                };
                let d = binary_dilation(&a.view(), &opts).unwrap();
                assert_eq!(
                    d,
                    fx::<bool>(&format!("dilate_{name}_c{c}_i{it}")),
                    "{name} {c} {it}"
                );
                let e = binary_erosion(&a.view(), &opts).unwrap();
                assert_eq!(
                    e,
                    fx::<bool>(&format!("erode_{name}_c{c}_i{it}")),
                    "{name} {c} {it}"
                );
            }
            let opts = MorphOptions {
                structure: Some(s.view()),
                border_value: true,
                ..Default::default()
            };
            let e = binary_erosion(&a.view(), &opts).unwrap();
            assert_eq!(e, fx::<bool>(&format!("erode_{name}_c{c}_border1")));
            let d = binary_dilation(&a.view(), &opts).unwrap();
            assert_eq!(d, fx::<bool>(&format!("dilate_{name}_c{c}_border1")));
            let f = binary_fill_holes(&a.view(), Some(&s.view())).unwrap();
            assert_eq!(
                f,
                fx::<bool>(&format!("fill_{name}_c{c}")),
                "fill {name} {c}"
            );
        }
    }
}

#[test]
fn masked_and_asymmetric_morphology() {
    let b3: ArrayD<bool> = fx("in_b3");
    let mask: ArrayD<bool> = fx("mask_b3");
    let opts = MorphOptions {
        iterations: 4,
        mask: Some(mask.view()),
        ..Default::default()
    };
    assert_eq!(
        binary_dilation(&b3.view(), &opts).unwrap(),
        fx::<bool>("dilate_b3_mask_i4")
    );
    assert_eq!(
        binary_erosion(&b3.view(), &opts).unwrap(),
        fx::<bool>("erode_b3_mask_i4")
    );
    let b2: ArrayD<bool> = fx("in_b2");
    let asym: ArrayD<bool> = fx("asym");
    let opts = MorphOptions {
        structure: Some(asym.view()),
        iterations: 2,
        ..Default::default()
    };
    assert_eq!(
        binary_dilation(&b2.view(), &opts).unwrap(),
        fx::<bool>("dilate_b2_asym_i2")
    );
    assert_eq!(
        binary_erosion(&b2.view(), &opts).unwrap(),
        fx::<bool>("erode_b2_asym_i2")
    );
}

#[test]
fn iterate_structure_matches_scipy() {
    let c1 = generate_binary_structure(3, 1).unwrap();
    assert_eq!(iterate_structure(&c1.view(), 3), fx::<bool>("iter_c1_3"));
    let c2 = generate_binary_structure(2, 2).unwrap();
    assert_eq!(iterate_structure(&c2.view(), 2), fx::<bool>("iter_c2_2"));
}

#[test]
fn edt_matches_scipy_bitwise() {
    for name in INPUTS {
        let a: ArrayD<bool> = fx(&format!("in_{name}"));
        let samp = &[2.5, 0.7, 0.9][3 - a.ndim()..];
        let got = distance_transform_edt(&a.view(), None).unwrap();
        assert_eq!(got, fx::<f64>(&format!("edt_{name}_unit")), "{name}");
        let got = distance_transform_edt(&a.view(), Some(samp)).unwrap();
        let exp: ArrayD<f64> = fx(&format!("edt_{name}_aniso"));
        let err = (&got - &exp).mapv(f64::abs).fold(0.0f64, |m, &v| m.max(v));
        assert!(err <= 1e-12, "{name}: {err}");
    }
}

#[test]
fn hull_and_regionprops_match_skimage() {
    for name in ["v2", "b2"] {
        let a = fx::<bool>(&format!("in_{name}"))
            .into_dimensionality::<Ix2>()
            .unwrap();
        let hull = convex_hull_image(&a.view());
        assert_eq!(
            hull.into_dyn(),
            fx::<bool>(&format!("hull_{name}")),
            "{name}"
        );
        let (lab, _) = label(&a.view(), 2).unwrap();
        let props = regionprops(&lab.view());
        let exp: ArrayD<f64> = fx(&format!("props_{name}"));
        assert_eq!(props.len(), exp.shape()[0]);
        for (r, e) in props.iter().zip(exp.outer_iter()) {
            assert_eq!(r.label as f64, e[0]);
            assert_eq!(r.area as f64, e[1]);
            let bbox = [r.bbox[0].0, r.bbox[1].0, r.bbox[0].1, r.bbox[1].1];
            assert_eq!(
                bbox.map(|v| v as f64).to_vec(),
                e.as_slice().unwrap()[2..6].to_vec()
            );
            assert_eq!(r.centroid, vec![e[6], e[7]]);
            assert!((r.eccentricity().unwrap() - e[8]).abs() <= 1e-9);
            let ev = r.inertia_tensor_eigvals().unwrap();
            assert!((ev[0] - e[9]).abs() <= 1e-9 && (ev[1] - e[10]).abs() <= 1e-9);
        }
        let big = fx::<i32>(&format!("props_{name}_big_label"))[[0]] as u32;
        let r = props.iter().find(|r| r.label == big).unwrap();
        let lv = lab.view();
        assert_eq!(
            r.convex_image(&lv).into_dyn(),
            fx::<bool>(&format!("props_{name}_big_convex"))
        );
        assert_eq!(
            r.filled_image(&lv).into_dyn(),
            fx::<bool>(&format!("props_{name}_big_filled"))
        );
    }
}
