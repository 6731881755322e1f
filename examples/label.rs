//! `label IN.npy OUT.npy [--connectivity C]`: scipy.ndimage.label of a mask, int32 labels out.

mod common;

use clap::Parser;
use lungprep::morph3d;

use std::path::PathBuf;

#[derive(Parser)]
struct Args {
    input: PathBuf,
    output: PathBuf,
    /// 1..=ndim, as generate_binary_structure(ndim, C).
    #[arg(long, default_value_t = 1)]
    connectivity: usize,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let mask = common::read_mask(&args.input)?;
    let (labels, count) = common::timed(|| morph3d::label(&mask.view(), args.connectivity))?;
    if count > i32::MAX as usize {
        return Err("more labels than fit in int32".into());
    }
    ndarray_npy::write_npy(&args.output, &labels.mapv(|v| v as i32))?;
    eprintln!("{count} components");
    Ok(())
}
