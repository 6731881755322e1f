//! 2D convex hull image of every z-slice.

mod common;
use common::inputs;

use criterion::{criterion_group, criterion_main, Criterion};
use lungprep::morph3d;

use ndarray::Axis;
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
