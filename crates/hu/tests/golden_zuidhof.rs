//! numpy's own outputs (fixtures from `scripts/golden_zuidhof.py`): Zuidhof's
//! `get_pixels_hu` and `np.histogram(a, bins=n)`, counts and edges to the bit.

use lungprep_hu::{histogram, zuidhof_hu, HistogramSample, Rescale};
use ndarray::{Array1, Array3};
use ndarray_npy::{read_npy, ReadableElement};

fn path(name: &str) -> String {
    format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn zuidhof_hu_equals_the_tutorial() {
    let mut stack: Array3<i16> = read_npy(path("zuidhof_stack_i16.npy")).unwrap();
    let expected: Array3<i16> = read_npy(path("zuidhof_stack_hu.npy")).unwrap();
    let r = |slope, intercept| Rescale { slope, intercept };
    let rescale = [
        r(1.0, -1024.0),
        r(0.5, -1024.7),
        r(1.25, 0.0),
        r(2.0, 100.9),
    ];
    zuidhof_hu(&mut stack.view_mut(), &rescale).unwrap();
    assert_eq!(stack, expected);
}

fn check<T: HistogramSample + ReadableElement>(key: &str, bins: usize) {
    let a: Array1<T> = read_npy(path(&format!("hist_in_{key}.npy"))).unwrap();
    let counts: Array1<i64> = read_npy(path(&format!("hist_{key}_{bins}_counts.npy"))).unwrap();
    let edges: Array1<f64> = read_npy(path(&format!("hist_{key}_{bins}_edges.npy"))).unwrap();
    let h = histogram(&a.view(), bins).unwrap();
    let want: Vec<u64> = counts.iter().map(|&c| c as u64).collect();
    assert_eq!(h.counts, want, "{key} bins={bins}");
    let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
    assert_eq!(
        bits(&h.edges),
        bits(edges.as_slice().unwrap()),
        "{key} bins={bins}"
    );
}

#[test]
fn histogram_equals_numpy() {
    let manifest = std::fs::read_to_string(path("hist_manifest.txt")).unwrap();
    let mut n = 0;
    for line in manifest.lines() {
        let (key, bins) = line.split_once(' ').unwrap();
        let bins: usize = bins.parse().unwrap();
        match key {
            "u8" => check::<u8>(key, bins),
            "f64" => check::<f64>(key, bins),
            _ => check::<i16>(key, bins),
        }
        n += 1;
    }
    assert_eq!(n, 20);
}
