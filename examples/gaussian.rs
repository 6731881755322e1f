//! `scipy.ndimage.gaussian_filter` on a `.npy` file.
//!
//! ```text
//! cargo run --release --example gaussian -- IN.npy OUT.npy --sigma s[,s,s] [--truncate t] [--mode M] [--cval V]
//! ```

mod common;

use std::error::Error;
use std::path::PathBuf;

use clap::Parser;
use lungprep::resample::{self, Mode, Sample};
use ndarray::ArrayD;
use ndarray_npy::{ReadableElement, WritableElement};

#[derive(Parser)]
#[command(about = "scipy.ndimage.gaussian_filter, bit-exact, on .npy files")]
struct Args {
    /// Input .npy.
    input: PathBuf,
    /// Output .npy (same dtype as the input).
    output: PathBuf,
    /// Standard deviation per axis (comma separated; one value applies to all axes).
    #[arg(long, value_delimiter = ',', required = true)]
    sigma: Vec<f64>,
    /// Kernel radius in standard deviations.
    #[arg(long, default_value_t = 4.0)]
    truncate: f64,
    /// Boundary mode (scipy spelling).
    #[arg(long, default_value = "reflect")]
    mode: String,
    /// Value beyond the edge for the constant modes.
    #[arg(long, default_value_t = 0.0, allow_hyphen_values = true)]
    cval: f64,
}

fn run<T: Sample + ReadableElement + WritableElement>(
    args: &Args,
    mode: Mode,
) -> Result<(), Box<dyn Error>> {
    let a: ArrayD<T> = ndarray_npy::read_npy(&args.input)?;
    let out = resample::gaussian_filter(&a.view(), &args.sigma, args.truncate, mode, args.cval)?;
    ndarray_npy::write_npy(&args.output, &out)?;
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let args = Args::parse();
    let mode: Mode = args.mode.parse()?;
    match common::npy_dtype(&args.input)?.as_str() {
        "u1" => run::<u8>(&args, mode),
        "i1" => run::<i8>(&args, mode),
        "u2" => run::<u16>(&args, mode),
        "i2" => run::<i16>(&args, mode),
        "u4" => run::<u32>(&args, mode),
        "i4" => run::<i32>(&args, mode),
        "u8" => run::<u64>(&args, mode),
        "i8" => run::<i64>(&args, mode),
        "f4" => run::<f32>(&args, mode),
        "f8" => run::<f64>(&args, mode),
        other => Err(format!("unsupported dtype {other}").into()),
    }
}
