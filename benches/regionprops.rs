//! regionprops on per-slice 2D labelings (area, bbox, eccentricity, as grt123) and on 3D labels.

mod common;
use common::inputs;

use criterion::{criterion_group, criterion_main, Criterion};
use lungprep::morph3d;

use ndarray::Axis;
fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("regionprops");
    g.sample_size(10);
    for (name, mask, _) in inputs() {
        let slices: Vec<_> = mask
            .axis_iter(Axis(0))
            .filter_map(|s| morph3d::label(&s, 2).ok().map(|l| l.0))
            .collect();
        g.bench_function(format!("{name}/2d_slices"), |b| {
            b.iter(|| {
                let mut acc = 0.0;
                for l in &slices {
                    for r in morph3d::regionprops(&l.view()) {
                        acc += r.area as f64 + r.bbox[0].0 as f64 + r.eccentricity().unwrap_or(0.0);
                    }
                }
                acc
            })
        });
        g.bench_function(format!("{name}/2d_slices_label_and_props"), |b| {
            b.iter(|| {
                let mut acc = 0usize;
                for s in mask.axis_iter(Axis(0)) {
                    if let Ok((l, _)) = morph3d::label(&s, 2) {
                        acc += morph3d::regionprops(&l.view()).len();
                    }
                }
                acc
            })
        });
        if let Ok((l3, _)) = morph3d::label(&mask.view(), 1) {
            g.bench_function(format!("{name}/3d_conn1"), |b| {
                b.iter(|| morph3d::regionprops(&l3.view()).len())
            });
        }
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
