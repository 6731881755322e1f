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

fn run<T, U>(args: &Args, opts: &ZoomOptions) -> Result<(), Box<dyn Error>>
where
    T: Sample + ReadableElement,
    U: Sample + WritableElement,
{
    let a: ArrayD<T> = ndarray_npy::read_npy(&args.input)?;
    let out: ArrayD<U> = match (&args.zoom, &args.shape) {
        (Some(z), _) => {
            let f = if z.len() == 1 {
                vec![z[0]; a.ndim()]
            } else {
                z.clone()
            };
            resample::zoom_into::<T, U, _>(&a.view(), &f, opts)?
        }
        (None, Some(s)) => resample::zoom_to_shape_into::<T, U, _>(&a.view(), s, opts)?,
        (None, None) => return Err("one of --zoom or --shape is required".into()),
    };
    ndarray_npy::write_npy(&args.output, &out)?;
    Ok(())
}

macro_rules! dispatch_out {
    ($t:ty, $out:expr, $args:expr, $opts:expr) => {
        match $out {
            "u1" => run::<$t, u8>($args, $opts),
            "i1" => run::<$t, i8>($args, $opts),
            "u2" => run::<$t, u16>($args, $opts),
            "i2" => run::<$t, i16>($args, $opts),
            "u4" => run::<$t, u32>($args, $opts),
            "i4" => run::<$t, i32>($args, $opts),
            "u8" => run::<$t, u64>($args, $opts),
            "i8" => run::<$t, i64>($args, $opts),
            "f4" => run::<$t, f32>($args, $opts),
            "f8" => run::<$t, f64>($args, $opts),
            other => Err(format!("unsupported output dtype {other}").into()),
        }
    };
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
    match inp.as_str() {
        "u1" => dispatch_out!(u8, out.as_str(), &args, &opts),
        "i1" => dispatch_out!(i8, out.as_str(), &args, &opts),
        "u2" => dispatch_out!(u16, out.as_str(), &args, &opts),
        "i2" => dispatch_out!(i16, out.as_str(), &args, &opts),
        "u4" => dispatch_out!(u32, out.as_str(), &args, &opts),
        "i4" => dispatch_out!(i32, out.as_str(), &args, &opts),
        "u8" => dispatch_out!(u64, out.as_str(), &args, &opts),
        "i8" => dispatch_out!(i64, out.as_str(), &args, &opts),
        "f4" => dispatch_out!(f32, out.as_str(), &args, &opts),
        "f8" => dispatch_out!(f64, out.as_str(), &args, &opts),
        other => Err(format!("unsupported input dtype {other}").into()),
    }
}
