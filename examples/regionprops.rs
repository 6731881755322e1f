//! `regionprops LABELS.npy`: one JSON object per region on stdout (label, area, bbox as
//! skimage's `(min..., max...)`, centroid, and eccentricity in 2D).

mod common;

use clap::Parser;
use lungprep::morph3d;
use ndarray::ArrayD;
use std::io::Write;
use std::path::PathBuf;

#[derive(Parser)]
struct Args {
    labels: PathBuf,
}

/// Reads an integer label image of any common dtype; negative labels are an error.
fn read_labels(path: &std::path::Path) -> Result<ArrayD<u32>, Box<dyn std::error::Error>> {
    macro_rules! try_as {
        ($($t:ty),*) => {$(
            if let Ok(a) = ndarray_npy::read_npy::<_, ArrayD<$t>>(path) {
                let mut bad = false;
                let out = a.mapv(|v| u32::try_from(v).unwrap_or_else(|_| { bad = true; 0 }));
                if bad {
                    return Err("labels must be in 0..=u32::MAX".into());
                }
                return Ok(out);
            }
        )*};
    }
    if let Ok(a) = ndarray_npy::read_npy::<_, ArrayD<bool>>(path) {
        return Ok(a.mapv(u32::from));
    }
    try_as!(u8, i8, u16, i16, u32, i32, u64, i64);
    Err(format!("{}: unsupported .npy dtype", path.display()).into())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let labels = read_labels(&args.labels)?;
    let regions =
        common::timed(|| Ok::<_, std::convert::Infallible>(morph3d::regionprops(&labels.view())))?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    for r in &regions {
        let bbox: Vec<usize> = r
            .bbox
            .iter()
            .map(|b| b.0)
            .chain(r.bbox.iter().map(|b| b.1))
            .collect();
        let mut obj = serde_json::json!({
            "label": r.label,
            "area": r.area,
            "bbox": bbox,
            "centroid": r.centroid,
        });
        if let Some(e) = r.eccentricity() {
            obj["eccentricity"] = serde_json::json!(e);
        }
        writeln!(out, "{obj}")?;
    }
    Ok(())
}
