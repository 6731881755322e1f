//! `morphology dilate|erode|fill_holes IN.npy OUT.npy [--iterations N] [--connectivity C]`:
//! scipy.ndimage binary_dilation / binary_erosion / binary_fill_holes with
//! generate_binary_structure(ndim, C); bool out.

mod common;

use clap::{Parser, ValueEnum};
use lungprep::morph3d::{self, MorphOptions};

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

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let mask = common::read_mask(&args.input)?;
    let structure = morph3d::generate_binary_structure(mask.ndim(), args.connectivity)?;
    let opts = MorphOptions {
        structure: Some(structure.view()),
        iterations: args.iterations,
        ..Default::default()
    };
    let out = common::timed(|| match args.op {
        Op::Dilate => morph3d::binary_dilation(&mask.view(), &opts),
        Op::Erode => morph3d::binary_erosion(&mask.view(), &opts),
        Op::FillHoles => morph3d::binary_fill_holes(&mask.view(), Some(&structure.view())),
    })?;
    ndarray_npy::write_npy(&args.output, &out)?;
    Ok(())
}
