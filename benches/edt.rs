//! Exact Euclidean distance transform with anisotropic sampling.
use criterion::{criterion_group, criterion_main, Criterion};
use lungprep::lungseg::phantom::{chest_phantom, PhantomOptions};
use lungprep::morph3d;
use ndarray::Array3;

/// Bench inputs: the phantom's `HU < -600` mask (160 × 512 × 512) and, when
/// `MORPH3D_BENCH_NPY` names a boolean `.npy` (e.g. saved by scripts/bench_morph3d.py), that mask.
fn inputs() -> Vec<(String, Array3<bool>, [f64; 3])> {
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

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("edt");
    g.sample_size(10);
    for (name, mask, spacing) in inputs() {
        g.bench_function(format!("{name}/anisotropic"), |b| {
            b.iter(|| morph3d::distance_transform_edt(&mask.view(), Some(&spacing)))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
