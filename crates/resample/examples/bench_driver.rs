//! Timing driver for `scripts/bench_resample.py` (same input files as scipy, in-process
//! timings without process start or `.npy` I/O). Prints the median seconds per call.
//!
//! ```text
//! bench_driver zoom IN.npy ORDER MODE f1,f2,f3 REPS
//! bench_driver gaussian-slices IN.npy SIGMA TRUNCATE REPS   # per-slice 2-D filter over axis 0
//! ```

use std::error::Error;
use std::time::Instant;

use lungprep_resample::{Mode, ZoomOptions};
use ndarray::{ArrayD, Axis};

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn time<F: FnMut()>(reps: usize, mut f: F) -> f64 {
    f(); // warm-up
    median(
        (0..reps)
            .map(|_| {
                let t = Instant::now();
                f();
                t.elapsed().as_secs_f64()
            })
            .collect(),
    )
}

fn zoom_u8_or_f64(a: &[String]) -> Result<f64, Box<dyn Error>> {
    let opts = ZoomOptions {
        order: a[3].parse()?,
        mode: a[4].parse::<Mode>()?,
        ..ZoomOptions::default()
    };
    let f: Vec<f64> = a[5].split(',').map(str::parse).collect::<Result<_, _>>()?;
    let reps: usize = a[6].parse()?;
    if let Ok(x) = ndarray_npy::read_npy::<_, ArrayD<u8>>(&a[2]) {
        return Ok(time(reps, || {
            std::hint::black_box(lungprep_resample::zoom(&x.view(), &f, &opts).ok());
        }));
    }
    if let Ok(x) = ndarray_npy::read_npy::<_, ArrayD<f32>>(&a[2]) {
        return Ok(time(reps, || {
            std::hint::black_box(lungprep_resample::zoom(&x.view(), &f, &opts).ok());
        }));
    }
    let x: ArrayD<f64> = ndarray_npy::read_npy(&a[2])?;
    Ok(time(reps, || {
        std::hint::black_box(lungprep_resample::zoom(&x.view(), &f, &opts).ok());
    }))
}

fn main() -> Result<(), Box<dyn Error>> {
    let a: Vec<String> = std::env::args().collect();
    let secs = match a.get(1).map(String::as_str) {
        Some("zoom") => zoom_u8_or_f64(&a)?,
        Some("gaussian-slices") => {
            let x: ArrayD<f32> = ndarray_npy::read_npy(&a[2])?;
            let sigma: f64 = a[3].parse()?;
            let truncate: f64 = a[4].parse()?;
            let reps: usize = a[5].parse()?;
            time(reps, || {
                for s in x.axis_iter(Axis(0)) {
                    let r = lungprep_resample::gaussian_filter(
                        &s,
                        &[sigma, sigma],
                        truncate,
                        Mode::Reflect,
                        0.0,
                    );
                    std::hint::black_box(r.ok());
                }
            })
        }
        _ => return Err("usage: bench_driver zoom|gaussian-slices ...".into()),
    };
    println!("{secs}");
    Ok(())
}
