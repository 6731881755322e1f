//! `morphology dilate|erode|fill_holes IN.npy OUT.npy [--iterations N] [--connectivity C]`:
//! scipy.ndimage binary_dilation / binary_erosion / binary_fill_holes with
//! generate_binary_structure(ndim, C); bool out.

use clap::{Parser, ValueEnum};
use lungprep::morph3d::{self, MorphOptions};
use ndarray::ArrayD;
use std::path::PathBuf;

#[derive(Clone, Copy, ValueEnum)]
enum Op {
    Dilate,
    Erode,
    #[value(name = "fill_holes", alias = "fill-holes")]
    FillHoles,
}

#[derive(Parser)]
struct Args {
    op: Op,
    input: PathBuf,
    output: PathBuf,
    /// Repetitions (0 = until no change), dilate / erode only.
    #[arg(long, default_value_t = 1)]
    iterations: usize,
    #[arg(long, default_value_t = 1)]
    connectivity: usize,
}

/// Reads a `.npy` of bool or any common integer / float dtype as a mask (nonzero = true).
fn read_mask(path: &std::path::Path) -> Result<ArrayD<bool>, Box<dyn std::error::Error>> {
    macro_rules! try_as {
        ($($t:ty),*) => {$(
            if let Ok(a) = ndarray_npy::read_npy::<_, ArrayD<$t>>(path) {
                #[allow(clippy::float_cmp)]
                return Ok(a.mapv(|v| v != <$t>::default()));
            }
        )*};
    }
    try_as!(bool, u8, i8, u16, i16, u32, i32, u64, i64, f32, f64);
    Err(format!("{}: unsupported .npy dtype", path.display()).into())
}

/// With `MORPH3D_TIMING=N` in the environment, runs `f` N times and prints the best wall time
/// to stderr as `kernel_seconds: S` (used by scripts/bench_morph3d.py); otherwise runs it once.
fn timed<T, E>(mut f: impl FnMut() -> Result<T, E>) -> Result<T, E> {
    let reps: usize = std::env::var("MORPH3D_TIMING")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if reps == 0 {
        return f();
    }
    let mut best = f64::INFINITY;
    let mut out = None;
    for _ in 0..reps {
        let t = std::time::Instant::now();
        let r = f()?;
        best = best.min(t.elapsed().as_secs_f64());
        out = Some(r);
    }
    eprintln!("kernel_seconds: {best}");
    match out {
        Some(r) => Ok(r),
        None => f(),
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let mask = read_mask(&args.input)?;
    let structure = morph3d::generate_binary_structure(mask.ndim(), args.connectivity)?;
    let opts = MorphOptions {
        structure: Some(structure.view()),
        iterations: args.iterations,
        ..Default::default()
    };
    let out = timed(|| match args.op {
        Op::Dilate => morph3d::binary_dilation(&mask.view(), &opts),
        Op::Erode => morph3d::binary_erosion(&mask.view(), &opts),
        Op::FillHoles => morph3d::binary_fill_holes(&mask.view(), Some(&structure.view())),
    })?;
    ndarray_npy::write_npy(&args.output, &out)?;
    Ok(())
}
