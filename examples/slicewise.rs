//! `slicewise IN.npy SEGMENTED.npy MASKS.npy [--threshold 604]`: seed 001's
//! get_segmented_lungs on every slice of an int16 / uint16 (z, y, x) stack; `montage IN.npy
//! GRID.npy` is `lungprep montage --npy` without the picture.

use clap::Parser;
use lungprep::lungseg::slicewise;
use ndarray::Array3;

use std::path::PathBuf;

#[derive(Parser)]
struct Args {
    input: PathBuf,
    segmented: PathBuf,
    masks: PathBuf,
    #[arg(long, default_value_t = slicewise::DEFAULT_THRESHOLD)]
    threshold: i64,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    if let Ok(a) = ndarray_npy::read_npy::<_, Array3<i16>>(&args.input) {
        let (s, m) = slicewise::slicewise(&a.view(), args.threshold)?;
        ndarray_npy::write_npy(&args.segmented, &s)?;
        ndarray_npy::write_npy(&args.masks, &m)?;
    } else {
        let a: Array3<u16> = ndarray_npy::read_npy(&args.input)?;
        let (s, m) = slicewise::slicewise(&a.view(), args.threshold)?;
        ndarray_npy::write_npy(&args.segmented, &s)?;
        ndarray_npy::write_npy(&args.masks, &m)?;
    }
    Ok(())
}
