//! Gaussian per slice as grt123's binarize_per_slice calls it (512x512, sigma 1, truncate 2).
use criterion::{criterion_group, criterion_main, Criterion};
use lungprep::resample::{gaussian_filter, Mode};
use ndarray::Array2;

fn bench(c: &mut Criterion) {
    let s32 = Array2::from_shape_fn((512, 512), |(y, x)| {
        ((x * 13 + y * 7) % 2000) as f32 - 1000.0
    });
    let s64 = s32.mapv(|v| if v > 900.0 { f64::NAN } else { f64::from(v) });
    let mut g = c.benchmark_group("gaussian");
    g.bench_function("f32_512x512_s1_t2", |b| {
        b.iter(|| gaussian_filter(&s32.view(), &[1.0, 1.0], 2.0, Mode::Reflect, 0.0).ok())
    });
    g.bench_function("f64_nan_512x512_s1_t2", |b| {
        b.iter(|| gaussian_filter(&s64.view(), &[1.0, 1.0], 2.0, Mode::Reflect, 0.0).ok())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
