//! Reads any supported input and writes its HU volume (int16, z-y-x) as `.npy`.
//!
//! ```text
//! cargo run --release --example read_volume -- INPUT OUT.npy [--series-uid UID]
//! ```
//!
//! Writes the oracle loaders' view (stored layout, grt123's y/x flip of a flipped `.mhd`) and prints
//! `{"shape":[z,y,x],"spacing":[..],"origin":[..]}` (grt123's view, see
//! `Volume::grt123_geometry`) as one JSON line on stdout;
//! warnings go to stderr.

use clap::Parser;
use lungprep::volume_io::{self, ReadOptions};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    about = "Read a CT volume (DICOM folder, .mhd/.mha, .nrrd, .nii[.gz], .npy) and write its HU int16 array as .npy"
)]
struct Args {
    /// DICOM folder or volume file.
    input: PathBuf,
    /// Output `.npy` (int16, z-y-x).
    output: PathBuf,
    /// SeriesInstanceUID to read when the folder holds several series.
    #[arg(long)]
    series_uid: Option<String>,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let opts = ReadOptions {
        series_uid: args.series_uid,
        ..Default::default()
    };
    // The oracle's loaders' view: the array as stored, with grt123's y/x flip of a `.mhd`
    // whose TransformMatrix is not the identity (`read_hu` would give the canonical layout).
    let mut vol = match volume_io::read(&args.input, &opts).and_then(|v| v.into_i16()) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    };
    if vol.meta.flipped {
        vol.data.invert_axis(ndarray::Axis(1));
        vol.data.invert_axis(ndarray::Axis(2));
        vol.data = vol.data.as_standard_layout().into_owned();
    }
    for w in &vol.meta.warnings {
        eprintln!("warning: {w}");
    }
    if let Err(e) = volume_io::write_npy(&vol.data.view(), &args.output) {
        eprintln!("error: {e}");
        return ExitCode::FAILURE;
    }
    // grt123's view (what the oracle's loaders return): DICOM thickness, the file's origin.
    let (spacing, origin) = vol.grt123_geometry();
    let line = serde_json::json!({
        "shape": vol.shape(),
        "spacing": spacing,
        "origin": origin,
    });
    println!("{line}");
    ExitCode::SUCCESS
}
