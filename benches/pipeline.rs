//! The full grt123 pipeline (step 1 + savenpy) on the default 160 × 512 × 512 phantom, and
//! each stage on its own.
use criterion::{criterion_group, criterion_main, Criterion};
use lungprep::lungseg::phantom::{chest_phantom, PhantomOptions};
use lungprep::lungseg::{
    binarize_per_slice, fill_hole, prep, select_lungs, step1, two_lung_only, Geometry, Params,
    Spacing,
};

fn bench(c: &mut Criterion) {
    let v = chest_phantom(&PhantomOptions::default());
    let image = v.data.view();
    let spacing = Spacing::f64(v.spacing);
    let params = Params::default();
    let geometry = Geometry::new(spacing, v.origin);
    let mut g = c.benchmark_group("pipeline_phantom_160x512x512");
    g.sample_size(10);
    g.bench_function("step1_and_prep", |b| {
        b.iter(|| {
            let s = step1(&image, &spacing, &params).ok()?;
            prep(&image, &s.m1.view(), &s.m2.view(), &geometry, &[], &params).ok()
        })
    });
    let bw = binarize_per_slice(&image, &spacing, &params.binarize).unwrap();
    g.bench_function("binarize_per_slice", |b| {
        b.iter(|| binarize_per_slice(&image, &spacing, &params.binarize).ok())
    });
    let sel = select_lungs(&bw.view(), &spacing, &params.analysis).unwrap();
    g.bench_function("all_slice_analysis_loop", |b| {
        b.iter(|| select_lungs(&bw.view(), &spacing, &params.analysis).ok())
    });
    let filled = fill_hole(&sel.mask.view()).unwrap();
    g.bench_function("fill_hole", |b| b.iter(|| fill_hole(&sel.mask.view()).ok()));
    g.bench_function("two_lung_only", |b| {
        b.iter(|| two_lung_only(&filled.view(), &spacing, &params.two_lung).ok())
    });
    let s = step1(&image, &spacing, &params).unwrap();
    g.bench_function("prep", |b| {
        b.iter(|| prep(&image, &s.m1.view(), &s.m2.view(), &geometry, &[], &params).ok())
    });
    g.finish();
}

/// `two_lung_only` on a real-like mask: the `fill_hole` output of the phantom with touching
/// lungs, which takes erosions and the distance split, as every real full chest CT tried.
fn bench_two_lung(c: &mut Criterion) {
    let o = PhantomOptions {
        touching_lungs: true,
        ..PhantomOptions::default()
    };
    let v = chest_phantom(&o);
    let spacing = Spacing::f64(v.spacing);
    let params = Params::default();
    let bw = binarize_per_slice(&v.data.view(), &spacing, &params.binarize).unwrap();
    let sel = select_lungs(&bw.view(), &spacing, &params.analysis).unwrap();
    let filled = fill_hole(&sel.mask.view()).unwrap();
    let mut g = c.benchmark_group("two_lung_only_touching_160x512x512");
    g.sample_size(10);
    g.bench_function("two_lung_only", |b| {
        b.iter(|| two_lung_only(&filled.view(), &spacing, &params.two_lung).ok())
    });
    g.finish();
}

criterion_group!(benches, bench, bench_two_lung);
criterion_main!(benches);
