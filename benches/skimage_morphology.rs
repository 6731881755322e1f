//! scikit-image-style morphology (disk(2) erosion, disk(10) closing on a 512² slice; ball(2)
//! closing on the phantom), clear_border, roberts, and seed 001's slicewise on 20 phantom slices.

mod common;
use common::inputs;

use criterion::{criterion_group, criterion_main, Criterion};
use lungprep::lungseg::phantom::{chest_phantom, PhantomOptions};
use lungprep::lungseg::slicewise;
use lungprep::morph3d::{self, skimage, skimage::Mode};
use ndarray::{s, Axis};

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("skimage_morphology");
    g.sample_size(10);
    let (_, mask, _) = inputs().swap_remove(0);
    let slice = mask.index_axis(Axis(0), mask.dim().0 / 2).to_owned();
    let d2 = morph3d::disk(2, true).into_dyn();
    let d10 = morph3d::disk(10, true).into_dyn();
    let b2 = morph3d::ball(2, true).into_dyn();
    g.bench_function("slice512/erosion_disk2", |b| {
        b.iter(|| skimage::binary_erosion(&slice.view(), &d2.view(), Mode::Ignore))
    });
    g.bench_function("slice512/closing_disk10", |b| {
        b.iter(|| skimage::binary_closing(&slice.view(), &d10.view(), Mode::Ignore))
    });
    g.bench_function("slice512/clear_border", |b| {
        b.iter(|| morph3d::clear_border(&slice.view(), 0, false))
    });
    g.bench_function("slice512/roberts", |b| {
        b.iter(|| morph3d::roberts_binary(&slice.view()))
    });
    g.bench_function("phantom/closing_ball2", |b| {
        b.iter(|| skimage::binary_closing(&mask.view(), &b2.view(), Mode::Ignore))
    });
    let ph = chest_phantom(&PhantomOptions::default());
    let stack = ph.data.slice(s![60..80, .., ..]).to_owned();
    g.bench_function("phantom20/slicewise", |b| {
        b.iter(|| slicewise::slicewise(&stack.view(), slicewise::DEFAULT_THRESHOLD))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
