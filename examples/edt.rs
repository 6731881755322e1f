//! `edt IN.npy OUT.npy [--sampling a,b,c]`: scipy.ndimage.distance_transform_edt, float64 out.

mod common;

use clap::Parser;
use lungprep::morph3d;

use std::path::PathBuf;

#[derive(Parser)]
struct Args {
    input: PathBuf,
    output: PathBuf,
    /// Per-axis sampling, comma separated.
    #[arg(long, value_delimiter = ',')]
    sampling: Option<Vec<f64>>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let mask = common::read_mask(&args.input)?;
    let d =
        common::timed(|| morph3d::distance_transform_edt(&mask.view(), args.sampling.as_deref()))?;
    ndarray_npy::write_npy(&args.output, &d)?;
    Ok(())
}
