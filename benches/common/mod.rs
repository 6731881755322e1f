//! Inputs shared by the morph3d benches (included with `mod common;`).
#![allow(dead_code)]

use lungprep::lungseg::phantom::{chest_phantom, PhantomOptions};
use ndarray::Array3;

/// Bench inputs: the phantom's `HU < -600` mask (160 × 512 × 512) and, when
/// `MORPH3D_BENCH_NPY` names a boolean `.npy` (e.g. saved by scripts/bench_morph3d.py), that mask.
pub fn inputs() -> Vec<(String, Array3<bool>, [f64; 3])> {
    let opts = PhantomOptions::default();
    let ph = chest_phantom(&opts);
    let mut v = vec![(
        "phantom".to_string(),
        ph.data.mapv(|h| h < -600),
        opts.spacing,
    )];
    match std::env::var("MORPH3D_BENCH_NPY") {
        Ok(p) => match ndarray_npy::read_npy::<_, Array3<bool>>(&p) {
            Ok(a) => v.push(("npy".to_string(), a, [5.0, 0.5703125, 0.5703125])),
            Err(e) => eprintln!("MORPH3D_BENCH_NPY={p}: {e}; skipping that case"),
        },
        Err(_) => eprintln!("MORPH3D_BENCH_NPY unset: benching the phantom only"),
    }
    v
}
