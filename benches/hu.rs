//! Hounsfield arithmetic on a 160 × 512 × 512 int16 volume.
use criterion::{criterion_group, criterion_main, Criterion};
use lungprep::hu::{lum_trans, normalize, to_hu, Rescale};
use ndarray::Array3;

fn bench(c: &mut Criterion) {
    let v = Array3::from_shape_fn((160, 512, 512), |(z, y, x)| {
        ((x * 7 + y * 13 + z * 3) % 3000) as i16 - 1500
    });
    let mut g = c.benchmark_group("hu_160x512x512");
    g.sample_size(10);
    g.bench_function("lum_trans", |b| b.iter(|| lum_trans(&v.view())));
    g.bench_function("normalize", |b| b.iter(|| normalize(&v.view())));
    let rescale = vec![
        Rescale {
            slope: 1.0,
            intercept: -1024.0
        };
        160
    ];
    g.bench_function("to_hu_slope_1", |b| {
        b.iter(|| {
            let mut x = v.clone();
            to_hu(&mut x.view_mut(), &rescale).ok()
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
