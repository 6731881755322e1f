//! The pipeline on the small phantom against the oracle's outputs (fixtures written by
//! `scripts/golden_lungseg.py`; no Python needed here).

use lungprep_lungseg::phantom::{chest_phantom, PhantomOptions};
use lungprep_lungseg::{prep, step1, zuidhof, Geometry, Params, Preset, Spacing};
use ndarray::{Array, Dimension};
use serde_json::Value;

/// The fixture script's `wsum64`: `sum((b_i + 1) * (i * K + 1)) mod 2^64` over the C-order bytes.
fn wsum64(bytes: impl Iterator<Item = u8>) -> String {
    const K: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut h = 0u64;
    for (i, b) in bytes.enumerate() {
        let w = (i as u64).wrapping_mul(K).wrapping_add(1);
        h = h.wrapping_add((b as u64 + 1).wrapping_mul(w));
    }
    format!("{h:016x}")
}

fn check<A: Copy, D: Dimension>(
    what: &str,
    a: &Array<A, D>,
    expected: &Value,
    byte: impl Fn(A) -> u8,
) {
    let shape: Vec<usize> = a.shape().to_vec();
    let exp_shape: Vec<usize> = serde_json::from_value(expected["shape"].clone()).unwrap();
    assert_eq!(shape, exp_shape, "{what}: shape");
    let nz = a.iter().filter(|&&v| byte(v) != 0).count() as u64;
    assert_eq!(
        nz,
        expected["nonzero"].as_u64().unwrap(),
        "{what}: nonzero count"
    );
    let h = wsum64(a.as_standard_layout().iter().map(|&v| byte(v)));
    assert_eq!(
        h,
        expected["wsum64"].as_str().unwrap(),
        "{what}: content hash"
    );
}

fn fixture() -> Value {
    let text = include_str!("fixtures/phantom_small.json");
    serde_json::from_str(text).unwrap()
}

#[test]
fn phantom_input_matches_fixture() {
    let f = fixture();
    let v = chest_phantom(&PhantomOptions::small());
    // int16 little-endian bytes
    let bytes: Vec<u8> = v.data.iter().flat_map(|x| x.to_le_bytes()).collect();
    assert_eq!(
        wsum64(bytes.into_iter()),
        f["phantom"]["wsum64"].as_str().unwrap()
    );
}

#[test]
fn step1_prep_and_zuidhof_match_oracle() {
    let f = fixture();
    let v = chest_phantom(&PhantomOptions::small());
    let spacing = Spacing::f64(v.spacing);
    let s = step1(&v.data.view(), &spacing, &Params::default()).unwrap();
    check("m1", &s.m1, &f["step1"]["m1"], u8::from);
    check("m2", &s.m2, &f["step1"]["m2"], u8::from);
    assert_eq!(s.cut_num as u64, f["step1"]["cut_num"].as_u64().unwrap());
    assert_eq!(
        s.two_lungs_found,
        f["step1"]["two_lungs_found"].as_bool().unwrap()
    );
    for (preset, key) in [(Preset::Dsb, "dsb"), (Preset::Luna, "luna")] {
        let geometry = Geometry::new(spacing, v.origin);
        let p = prep(
            &v.data.view(),
            &s.m1.view(),
            &s.m2.view(),
            &geometry,
            &[],
            &Params::preset(preset),
        )
        .unwrap();
        let ext: Vec<[usize; 2]> = serde_json::from_value(f[key]["extendbox"].clone()).unwrap();
        assert_eq!(p.crop.to_vec(), ext, "{key}: crop box");
        check(&format!("{key} clean"), &p.clean, &f[key]["clean"], |x| x);
        assert_eq!(p.labels.shape(), &[1, 4]);
    }
    let z = zuidhof::segment_lung_mask(&v.data.view(), true).unwrap();
    check("zuidhof", &z, &f["zuidhof"], |x| x as u8);
}
