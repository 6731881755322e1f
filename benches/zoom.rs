//! Zoom throughput: grt123's order-1 uint8 resample to 1 mm, and order-3 float32.
use criterion::{criterion_group, criterion_main, Criterion};
use lungprep::resample::{zoom, Mode, ZoomOptions};
use ndarray::Array3;

fn bench(c: &mut Criterion) {
    let u8v = Array3::from_shape_fn((61, 512, 512), |(z, y, x)| {
        ((x * 7 + y * 3 + z * 11) % 256) as u8
    });
    let f = [152.0 / 61.0, 358.0 / 512.0, 358.0 / 512.0];
    let o1 = ZoomOptions {
        order: 1,
        mode: Mode::Nearest,
        ..ZoomOptions::default()
    };
    let mut g = c.benchmark_group("zoom");
    g.sample_size(10);
    g.bench_function("u8_order1_nearest_61x512x512_to_1mm", |b| {
        b.iter(|| zoom(&u8v.view(), &f, &o1).ok())
    });
    let f32v = u8v.slice(ndarray::s![.., ..256, ..256]).mapv(f32::from);
    let o3 = ZoomOptions {
        order: 3,
        mode: Mode::Nearest,
        ..ZoomOptions::default()
    };
    g.bench_function("f32_order3_nearest_61x256x256_to_1mm", |b| {
        b.iter(|| zoom(&f32v.view(), &f, &o3).ok())
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
