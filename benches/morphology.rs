//! Binary dilation / erosion with the cross (×1, ×10) and hole filling.

mod common;
use common::inputs;

use criterion::{criterion_group, criterion_main, Criterion};
use lungprep::morph3d;

use morph3d::MorphOptions;
fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("morphology");
    g.sample_size(10);
    for (name, mask, _) in inputs() {
        for it in [1usize, 10] {
            let o = MorphOptions {
                iterations: it,
                ..Default::default()
            };
            g.bench_function(format!("{name}/dilate_x{it}"), |b| {
                b.iter(|| morph3d::binary_dilation(&mask.view(), &o))
            });
            g.bench_function(format!("{name}/erode_x{it}"), |b| {
                b.iter(|| morph3d::binary_erosion(&mask.view(), &o))
            });
        }
        g.bench_function(format!("{name}/fill_holes"), |b| {
            b.iter(|| morph3d::binary_fill_holes(&mask.view(), None))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
