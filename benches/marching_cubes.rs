//! Marching cubes (scikit-image's Lewiner, identical output) on the 160 × 512² phantom at
//! plot_3d's −300 HU, as stored and as plot_3d calls it (the transposed view), and the PLY
//! writer. scikit-image's time on the same volume: `scripts/parity_seeds_mesh.py`.

use criterion::{criterion_group, criterion_main, Criterion};
use lungprep::lungseg::phantom::{chest_phantom, PhantomOptions};
use lungprep::mesh::{marching_cubes, write_ply, McOptions};

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("marching_cubes");
    g.sample_size(10);
    let ph = chest_phantom(&PhantomOptions::default());
    let opts = McOptions::default();
    g.bench_function("phantom/stored", |b| {
        b.iter(|| marching_cubes(&ph.data.view(), Some(-300.0), &opts))
    });
    let t = ph.data.view().reversed_axes();
    g.bench_function("phantom/plot_3d_transposed", |b| {
        b.iter(|| marching_cubes(&t, Some(-300.0), &opts))
    });
    let mesh = marching_cubes(&t, Some(-300.0), &opts).expect("the phantom has a surface");
    g.bench_function("phantom/write_ply", |b| {
        b.iter(|| {
            let mut out = Vec::with_capacity(64 << 20);
            write_ply(&mesh, &mut out)
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
