//! Exact Euclidean distance transform with anisotropic sampling.

mod common;
use common::inputs;

use criterion::{criterion_group, criterion_main, Criterion};
use lungprep::morph3d;

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
