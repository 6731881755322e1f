//! `convex_hull IN.npy OUT.npy`: skimage convex_hull_image of a 2D mask, or of each z-slice of
//! a 3D one; bool out.

mod common;

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

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let mask = common::read_mask(&args.input)?;
    let out = common::timed(|| hulls(&mask))?;
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
