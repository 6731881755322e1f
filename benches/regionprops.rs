//! regionprops on per-slice 2D labelings (area, bbox, eccentricity, as grt123) and on 3D labels.
use criterion::{criterion_group, criterion_main, Criterion};
use lungprep::lungseg::phantom::{chest_phantom, PhantomOptions};
use lungprep::morph3d;
use ndarray::Array3;

use ndarray::Axis;
/// Bench inputs: the phantom's `HU < -600` mask (160 × 512 × 512) and, when
/// `MORPH3D_BENCH_NPY` names a boolean `.npy` (e.g. saved by scripts/bench_morph3d.py), that mask.
fn inputs() -> Vec<(String, Array3<bool>, [f64; 3])> {
    let opts = PhantomOptions::default();
    let ph = chest_phantom(&opts);
    let mut v = vec![(
        "phantom".to_string(),
        ph.data.mapv(|h| h < -600),
        opts.spacing,
    )];
    match std::env::var("MORPH3D_BENCH_NPY") {
        Ok(p) => match ndarray_npy::read_npy::<_, Array3<bool>>(&p) {
            Ok(a) => v.push(("npy".to_string(), a, [5.0, 0.5703125, 0.5703125])),
            Err(e) => eprintln!("MORPH3D_BENCH_NPY={p}: {e}; skipping that case"),
        },
        Err(_) => eprintln!("MORPH3D_BENCH_NPY unset: benching the phantom only"),
    }
    v
}

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
