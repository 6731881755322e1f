//! Read throughput of volume-io on the shared data (skips when `../shared/data` is absent):
//! the A0002 DICOM series (30 × 512², explicit VR LE), the JPEG 2000 series, MetaImage and NRRD.

use criterion::{criterion_group, criterion_main, Criterion};
use lungprep::volume_io::{read, ReadOptions};
use std::hint::black_box;
use std::path::PathBuf;

fn bench(c: &mut Criterion) {
    let data = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/data"));
    if !data.is_dir() {
        eprintln!("skipping read benches: {} is absent", data.display());
        return;
    }
    let opts = ReadOptions::default();
    let mut g = c.benchmark_group("read");
    g.sample_size(10);
    for (name, rel) in [
        ("dicom_a0002_b70f", "dicom/lung_dx_a0002/b70f"),
        ("dicom_a0002_parent", "dicom/lung_dx_a0002"),
        ("dicom_jpeg2000", "dicom/jpeg2000_abdomen"),
        ("mhd_lung1", "mhd/lung1.mhd"),
        ("mhd_lung1_zraw", "mhd/lung1_flipped.mhd"),
        ("nrrd_lung1_gz", "nrrd/lung1.nrrd"),
    ] {
        let p = data.join(rel);
        g.bench_function(name, |b| {
            b.iter(|| black_box(read(&p, &opts).map(|v| v.shape())))
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
