//! Zuidhof's `resample` against the tutorial run with scipy 1.17 (fixtures from
//! `scripts/golden_zuidhof.py`): int16 output identical, new spacing to the bit.

use lungprep_resample::zuidhof_resample;
use ndarray::{Array1, Array3};
use ndarray_npy::read_npy;

fn path(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn zuidhof_resample_equals_the_tutorial() {
    let cases: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path("zuidhof_cases.json")).unwrap())
            .unwrap();
    let cases = cases["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 5);
    for (k, c) in cases.iter().enumerate() {
        let sp: Vec<f32> = c["spacing"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_f64().unwrap() as f32)
            .collect();
        let input: Array3<i16> = read_npy(path(&format!("zuidhof_in_{k}.npy"))).unwrap();
        let want: Array3<i16> = read_npy(path(&format!("zuidhof_out_{k}.npy"))).unwrap();
        let want_sp: Array1<f64> = read_npy(path(&format!("zuidhof_spacing_{k}.npy"))).unwrap();
        let (got, got_sp) =
            zuidhof_resample(&input.view(), [sp[0], sp[1], sp[2]], [1.0; 3]).unwrap();
        assert_eq!(got, want, "case {k}");
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&got_sp), bits(want_sp.as_slice().unwrap()), "case {k}");
    }
}
