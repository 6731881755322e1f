//! Golden fixtures from scipy 1.17 (scripts/golden_resample.py): every zoom order and
//! mode, grid_mode, no prefilter, and the Gaussian in every mode must match exactly
//! (float64 Gaussians within 1e-12: numpy's SIMD `exp` may differ from libm by an ulp).

use std::path::PathBuf;

use lungprep_resample::{gaussian_filter, zoom, Mode, Sample, ZoomOptions};
use ndarray::ArrayD;
use ndarray_npy::{read_npy, ReadableElement};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

trait Check: Sample + ReadableElement + PartialEq + std::fmt::Debug {
    fn close(a: Self, b: Self, float_tol: f64) -> bool {
        a == b || {
            let (x, y) = (a.to_f64(), b.to_f64());
            (x.is_nan() && y.is_nan()) || (x - y).abs() <= float_tol * y.abs()
        }
    }
}
impl Check for u8 {}
impl Check for i16 {}
impl Check for f32 {}
impl Check for f64 {}

fn case<T: Check>(f: &[&str]) -> Result<(), String> {
    let input: ArrayD<T> = read_npy(dir().join(f[2])).map_err(|e| e.to_string())?;
    let want: ArrayD<T> = read_npy(dir().join(f[3])).map_err(|e| e.to_string())?;
    let mode: Mode = f[5]
        .parse()
        .map_err(|e: lungprep_resample::Error| e.to_string())?;
    let cval: f64 = f[6].parse().map_err(|_| "cval")?;
    let (got, tol) = if f[0] == "zoom" {
        let opts = ZoomOptions {
            order: f[4].parse().map_err(|_| "order")?,
            mode,
            cval,
            prefilter: f[7] == "1",
            grid_mode: f[8] == "1",
        };
        let z: Vec<f64> = f[9].split(',').map(|s| s.parse().unwrap()).collect();
        (
            zoom(&input.view(), &z, &opts).map_err(|e| e.to_string())?,
            0.0,
        )
    } else {
        let s: Vec<f64> = f[7].split(',').map(|s| s.parse().unwrap()).collect();
        let trunc: f64 = f[4].parse().map_err(|_| "truncate")?;
        let g = gaussian_filter(&input.view(), &s, trunc, mode, cval).map_err(|e| e.to_string())?;
        (g, 1e-12)
    };
    if got.shape() != want.shape() {
        return Err(format!("shape {:?} vs {:?}", got.shape(), want.shape()));
    }
    let bad = got
        .iter()
        .zip(want.iter())
        .filter(|(a, b)| !T::close(**a, **b, tol))
        .count();
    if bad > 0 {
        return Err(format!("{bad} of {} values differ", got.len()));
    }
    Ok(())
}

#[test]
fn golden_fixtures_match_scipy() {
    let manifest = match std::fs::read_to_string(dir().join("manifest.txt")) {
        Ok(m) => m,
        Err(e) => panic!("fixtures missing ({e}); run scripts/golden_resample.py"),
    };
    let mut failures = Vec::new();
    let mut n = 0;
    for line in manifest.lines().filter(|l| !l.trim().is_empty()) {
        let f: Vec<&str> = line.split_whitespace().collect();
        let r = match f[2] {
            s if s.contains("u8") => case::<u8>(&f),
            s if s.contains("i16") => case::<i16>(&f),
            s if s.contains("f32") => case::<f32>(&f),
            _ => case::<f64>(&f),
        };
        n += 1;
        if let Err(e) = r {
            failures.push(format!("{line}: {e}"));
        }
    }
    assert!(n > 200, "only {n} cases");
    assert!(
        failures.is_empty(),
        "{} failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
