//! `scipy.ndimage.zoom` on a `.npy` file.
//!
//! ```text
//! cargo run --release --example zoom -- IN.npy OUT.npy (--zoom a,b,c | --shape a,b,c) --order K \
//!     [--mode M] [--cval V] [--no-prefilter] [--grid-mode] [--output-dtype D]
//! ```
//! The output dtype is the input's unless `--output-dtype` (numpy name: uint8, int16,
//! float32, ... or `u1`, `<f4`, ...) is given.

mod common;

use std::error::Error;
use std::path::PathBuf;

use clap::Parser;
use lungprep::resample::{self, Mode, Sample, ZoomOptions};
use ndarray::ArrayD;
use ndarray_npy::{ReadableElement, WritableElement};

#[derive(Parser)]
#[command(about = "scipy.ndimage.zoom, bit-exact, on .npy files")]
struct Args {
    /// Input .npy.
    input: PathBuf,
    /// Output .npy.
    output: PathBuf,
    /// Zoom factor per axis (comma separated; one value applies to all axes).
    #[arg(
        long,
        value_delimiter = ',',
        conflicts_with = "shape",
        required_unless_present = "shape"
    )]
    zoom: Option<Vec<f64>>,
    /// Output shape (comma separated).
    #[arg(long, value_delimiter = ',')]
    shape: Option<Vec<usize>>,
    /// Spline order 0..=5.
    #[arg(long, default_value_t = 3)]
    order: usize,
    /// Boundary mode (scipy spelling).
    #[arg(long, default_value = "constant")]
    mode: String,
    /// Value beyond the edge for the constant modes.
    #[arg(long, default_value_t = 0.0, allow_hyphen_values = true)]
    cval: f64,
    /// Skip the B-spline prefilter.
    #[arg(long)]
    no_prefilter: bool,
    /// Zoom pixel extents rather than centres.
    #[arg(long)]
    grid_mode: bool,
    /// Output dtype (numpy name).
    #[arg(long)]
    output_dtype: Option<String>,
}

/// Zooms into float64: the kernels compute every output sample in double precision and only
/// then store it (`Sample::from_f64`), so storing the float64 result afterwards is the same
/// computation. It keeps this example at one kernel instantiation per input type instead of
/// one per (input, output) pair, which took minutes to compile.
fn zoom_f64<T>(args: &Args, opts: &ZoomOptions) -> Result<ArrayD<f64>, Box<dyn Error>>
where
    T: Sample + ReadableElement,
{
    let a: ArrayD<T> = ndarray_npy::read_npy(&args.input)?;
    Ok(match (&args.zoom, &args.shape) {
        (Some(z), _) => {
            let f = if z.len() == 1 {
                vec![z[0]; a.ndim()]
            } else {
                z.clone()
            };
            resample::zoom_into::<T, f64, _>(&a.view(), &f, opts)?
        }
        (None, Some(s)) => resample::zoom_to_shape_into::<T, f64, _>(&a.view(), s, opts)?,
        (None, None) => return Err("one of --zoom or --shape is required".into()),
    })
}

fn store<U: Sample + WritableElement>(args: &Args, z: &ArrayD<f64>) -> Result<(), Box<dyn Error>> {
    ndarray_npy::write_npy(&args.output, &z.mapv(U::from_f64))?;
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let args = Args::parse();
    let opts = ZoomOptions {
        order: args.order,
        mode: args.mode.parse::<Mode>()?,
        cval: args.cval,
        prefilter: !args.no_prefilter,
        grid_mode: args.grid_mode,
    };
    let inp = common::npy_dtype(&args.input)?;
    let out = args
        .output_dtype
        .as_deref()
        .map(common::normalise_dtype)
        .unwrap_or_else(|| inp.clone());
    let z = match inp.as_str() {
        "u1" => zoom_f64::<u8>(&args, &opts)?,
        "i1" => zoom_f64::<i8>(&args, &opts)?,
        "u2" => zoom_f64::<u16>(&args, &opts)?,
        "i2" => zoom_f64::<i16>(&args, &opts)?,
        "u4" => zoom_f64::<u32>(&args, &opts)?,
        "i4" => zoom_f64::<i32>(&args, &opts)?,
        "u8" => zoom_f64::<u64>(&args, &opts)?,
        "i8" => zoom_f64::<i64>(&args, &opts)?,
        "f4" => zoom_f64::<f32>(&args, &opts)?,
        "f8" => zoom_f64::<f64>(&args, &opts)?,
        other => return Err(format!("unsupported input dtype {other}").into()),
    };
    match out.as_str() {
        "u1" => store::<u8>(&args, &z),
        "i1" => store::<i8>(&args, &z),
        "u2" => store::<u16>(&args, &z),
        "i2" => store::<i16>(&args, &z),
        "u4" => store::<u32>(&args, &z),
        "i4" => store::<i32>(&args, &z),
        "u8" => store::<u64>(&args, &z),
        "i8" => store::<i64>(&args, &z),
        "f4" => store::<f32>(&args, &z),
        "f8" => store::<f64>(&args, &z),
        other => Err(format!("unsupported output dtype {other}").into()),
    }
}
