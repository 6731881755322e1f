//! `convex_hull IN.npy OUT.npy`: skimage convex_hull_image of a 2D mask, or of each z-slice of
//! a 3D one; bool out.

use clap::Parser;
use lungprep::morph3d;
use ndarray::{ArrayD, Axis, Ix2};
use rayon::prelude::*;
use std::path::PathBuf;

#[derive(Parser)]
struct Args {
    input: PathBuf,
    output: PathBuf,
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
    let out = timed(|| hulls(&mask))?;
    ndarray_npy::write_npy(&args.output, &out)?;
    Ok(())
}

/// The hull of a 2D mask, or of each z-slice of a 3D one (slices in parallel).
fn hulls(mask: &ArrayD<bool>) -> Result<ArrayD<bool>, Box<dyn std::error::Error>> {
    Ok(match mask.ndim() {
        2 => morph3d::convex_hull_image(&mask.view().into_dimensionality::<Ix2>()?).into_dyn(),
        3 => {
            let mut out = ArrayD::from_elem(mask.raw_dim(), false);
            out.axis_iter_mut(Axis(0))
                .into_par_iter()
                .zip(mask.axis_iter(Axis(0)).into_par_iter())
                .try_for_each(|(mut o, m)| -> Result<(), ndarray::ShapeError> {
                    let hull = morph3d::convex_hull_image(&m.into_dimensionality::<Ix2>()?);
                    o.assign(&hull);
                    Ok(())
                })?;
            out
        }
        n => return Err(format!("expected a 2D or 3D mask, got rank {n}").into()),
    })
}
