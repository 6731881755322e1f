//! Connected-component labeling (6/18/26-connectivity) and value labeling.

mod common;
use common::inputs;

use criterion::{criterion_group, criterion_main, Criterion};
use lungprep::morph3d;

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("label");
    g.sample_size(10);
    for (name, mask, _) in inputs() {
        for conn in 1..=3 {
            g.bench_function(format!("{name}/conn{conn}"), |b| {
                b.iter(|| morph3d::label(&mask.view(), conn).map(|r| r.1))
            });
        }
        let vals = mask.mapv(|v| if v { 1u8 } else { 2 });
        g.bench_function(format!("{name}/values_conn3"), |b| {
            b.iter(|| morph3d::label_values(&vals.view(), None, 3).map(|r| r.1))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
