//! `lungprep info` and `lungprep convert`.

use std::path::Path;

use lungprep::lungseg::phantom;
use lungprep::volume_io::{self, dicom, AnyVolume, ReadOptions};
use serde_json::{json, Value};

use super::{msg, CliResult};

fn volume_json(input: &str, v: &AnyVolume) -> Value {
    let m = v.meta();
    json!({
        "input": input,
        "format": format!("{:?}", m.format),
        "dtype": v.dtype(),
        "shape": v.shape(),
        "spacing": v.spacing(),
        "origin": v.origin(),
        "direction": v.direction(),
        "series_uid": m.series_uid,
        "series_number": m.series_number,
        "patient_id": m.patient_id,
        "modality": m.modality,
        "num_files": m.num_files,
        "flipped": m.flipped,
        "warnings": m.warnings,
    })
}

/// Prints the geometry of a scan (the phantom when `input` is `None`) and, for DICOM
/// folders, every series found.
pub fn info(input: Option<&Path>, series: Option<String>) -> CliResult<()> {
    let out = match input {
        None => {
            let v = phantom::chest_phantom(&phantom::PhantomOptions::default());
            volume_json("<phantom>", &AnyVolume::I16(v))
        }
        Some(p) => {
            let v = volume_io::read(p, &ReadOptions { series_uid: series }).map_err(msg)?;
            let mut j = volume_json(&p.display().to_string(), &v);
            if p.is_dir() {
                let chosen = v.meta().series_uid.clone();
                let list: Vec<Value> = dicom::scan_series(p)
                    .map_err(msg)?
                    .iter()
                    .map(|s| {
                        json!({
                            "uid": s.uid,
                            "series_number": s.series_number,
                            "description": s.description,
                            "modality": s.modality,
                            "patient_id": s.patient_id,
                            "files": s.files.len(),
                            "rows": s.rows,
                            "cols": s.cols,
                            "transfer_syntax": s.transfer_syntax,
                            "chosen": Some(&s.uid) == chosen.as_ref(),
                        })
                    })
                    .collect();
                j["series"] = Value::Array(list);
            }
            j
        }
    };
    super::out(&serde_json::to_string_pretty(&out).map_err(msg)?);
    Ok(())
}

/// Writes a scan in the format named by `output`'s extension, keeping its element type.
pub fn convert(input: &Path, output: &Path, series: Option<String>) -> CliResult<()> {
    let v = volume_io::read(input, &ReadOptions { series_uid: series }).map_err(msg)?;
    write_any(&v, output)?;
    tracing::info!(
        "{} → {} ({} {:?})",
        input.display(),
        output.display(),
        v.dtype(),
        v.shape()
    );
    Ok(())
}

macro_rules! each {
    ($any:expr, $v:ident => $e:expr) => {
        match $any {
            AnyVolume::U8($v) => $e,
            AnyVolume::I8($v) => $e,
            AnyVolume::U16($v) => $e,
            AnyVolume::I16($v) => $e,
            AnyVolume::U32($v) => $e,
            AnyVolume::I32($v) => $e,
            AnyVolume::U64($v) => $e,
            AnyVolume::I64($v) => $e,
            AnyVolume::F32($v) => $e,
            AnyVolume::F64($v) => $e,
        }
    };
}

/// Writes any volume to `.npy`, `.nii`/`.nii.gz` or `.mhd`/`.mha` by extension.
pub fn write_any(v: &AnyVolume, output: &Path) -> CliResult<()> {
    let name = output.to_string_lossy().to_ascii_lowercase();
    let r = if name.ends_with(".npy") {
        each!(v, x => volume_io::write_npy(&x.data.view(), output))
    } else if name.ends_with(".nii") || name.ends_with(".nii.gz") {
        each!(v, x => volume_io::write_nifti(x, output))
    } else if name.ends_with(".mhd") || name.ends_with(".mha") {
        each!(v, x => volume_io::write_mhd(x, output))
    } else {
        return Err(format!(
            "{}: unknown output format (use .npy, .nii, .nii.gz, .mhd or .mha)",
            output.display()
        ));
    };
    r.map_err(msg)
}
