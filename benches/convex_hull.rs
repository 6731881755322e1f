//! 2D convex hull image of every z-slice.
use criterion::{criterion_group, criterion_main, Criterion};
use lungprep::lungseg::phantom::{chest_phantom, PhantomOptions};
use lungprep::morph3d;
use ndarray::Array3;

use ndarray::Axis;
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
    let mut g = c.benchmark_group("convex_hull");
    g.sample_size(10);
    for (name, mask, _) in inputs() {
        g.bench_function(format!("{name}/per_slice"), |b| {
            b.iter(|| {
                mask.axis_iter(Axis(0))
                    .map(|s| {
                        morph3d::convex_hull_image(&s)
                            .iter()
                            .filter(|&&v| v)
                            .count()
                    })
                    .sum::<usize>()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
