//! `skimage_morphology erosion|dilation|opening|closing|clear_border|roberts IN.npy OUT.npy
//! [--disk R | --ball R] [--mode ignore|max|min] [--buffer N]`: scikit-image 0.26's
//! binary morphology (its border semantics), clear_border and roberts (2-D, float64 out).

mod common;

use clap::{Parser, ValueEnum};
use lungprep::morph3d::{self, skimage};

use std::path::PathBuf;

#[derive(Clone, Copy, ValueEnum)]
enum Op {
    Erosion,
    Dilation,
    Opening,
    Closing,
    #[value(name = "clear_border", alias = "clear-border")]
    ClearBorder,
    Roberts,
}

#[derive(Clone, Copy, ValueEnum)]
enum ModeArg {
    Ignore,
    Max,
    Min,
}

#[derive(Parser)]
struct Args {
    op: Op,
    input: PathBuf,
    output: PathBuf,
    /// Disk footprint radius (2-D input).
    #[arg(long)]
    disk: Option<usize>,
    /// Ball footprint radius (3-D input).
    #[arg(long)]
    ball: Option<usize>,
    #[arg(long, value_enum, default_value = "ignore")]
    mode: ModeArg,
    /// clear_border's buffer_size.
    #[arg(long, default_value_t = 0)]
    buffer: usize,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let mask = common::read_mask(&args.input)?;
    let fp = match (args.disk, args.ball) {
        (_, Some(r)) => morph3d::ball(r, true).into_dyn(),
        (Some(r), _) => morph3d::disk(r, true).into_dyn(),
        _ => morph3d::generate_binary_structure(mask.ndim(), 1)?,
    };
    let mode = match args.mode {
        ModeArg::Ignore => skimage::Mode::Ignore,
        ModeArg::Max => skimage::Mode::Max,
        ModeArg::Min => skimage::Mode::Min,
    };
    let (m, f) = (mask.view(), fp.view());
    match args.op {
        Op::Roberts => {
            let m2 = mask.into_dimensionality::<ndarray::Ix2>()?;
            let out =
                common::timed(|| Ok::<_, morph3d::Error>(morph3d::roberts_binary(&m2.view())))?;
            ndarray_npy::write_npy(&args.output, &out)?;
            return Ok(());
        }
        op => {
            let out = common::timed(|| match op {
                Op::Erosion => skimage::binary_erosion(&m, &f, mode),
                Op::Dilation => skimage::binary_dilation(&m, &f, mode),
                Op::Opening => skimage::binary_opening(&m, &f, mode),
                Op::Closing => skimage::binary_closing(&m, &f, mode),
                _ => morph3d::clear_border(&m, args.buffer, false),
            })?;
            ndarray_npy::write_npy(&args.output, &out)?;
        }
    }
    Ok(())
}
