//! grt123's `resample` (scipy zoom, mode `nearest`, to a target spacing) on a `.npy`
//! file; prints the true spacing as a JSON array.
//!
//! ```text
//! cargo run --release --example resample -- IN.npy OUT.npy --spacing a,b,c --new-spacing a,b,c --order K
//! ```

mod common;

use std::error::Error;
use std::path::PathBuf;

use clap::Parser;
use lungprep::resample::{self, Sample};
use ndarray::ArrayD;
use ndarray_npy::{ReadableElement, WritableElement};

#[derive(Parser)]
#[command(about = "grt123's resample to a voxel spacing, bit-exact, on .npy files")]
struct Args {
    /// Input .npy.
    input: PathBuf,
    /// Output .npy (same dtype as the input).
    output: PathBuf,
    /// Current spacing per axis (comma separated).
    #[arg(long, value_delimiter = ',', required = true)]
    spacing: Vec<f64>,
    /// Target spacing per axis (comma separated).
    #[arg(long, value_delimiter = ',', required = true)]
    new_spacing: Vec<f64>,
    /// Spline order 0..=5.
    #[arg(long, default_value_t = 1)]
    order: usize,
}

fn run<T: Sample + ReadableElement + WritableElement>(
    args: &Args,
) -> Result<Vec<f64>, Box<dyn Error>> {
    let a: ArrayD<T> = ndarray_npy::read_npy(&args.input)?;
    let (out, true_spacing) =
        resample::resample_to_spacing(&a.view(), &args.spacing, &args.new_spacing, args.order)?;
    ndarray_npy::write_npy(&args.output, &out)?;
    Ok(true_spacing)
}

fn main() -> Result<(), Box<dyn Error>> {
    let args = Args::parse();
    let ts = match common::npy_dtype(&args.input)?.as_str() {
        "u1" => run::<u8>(&args)?,
        "i1" => run::<i8>(&args)?,
        "u2" => run::<u16>(&args)?,
        "i2" => run::<i16>(&args)?,
        "u4" => run::<u32>(&args)?,
        "i4" => run::<i32>(&args)?,
        "u8" => run::<u64>(&args)?,
        "i8" => run::<i64>(&args)?,
        "f4" => run::<f32>(&args)?,
        "f8" => run::<f64>(&args)?,
        other => return Err(format!("unsupported dtype {other}").into()),
    };
    println!("{}", serde_json::to_string(&ts)?);
    Ok(())
}
