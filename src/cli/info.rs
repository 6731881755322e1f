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
        "grt123_thickness": m.grt123_thickness,
        "warnings": m.warnings,
    })
}

/// What the pipeline does to reach the canonical layout (`read_hu`'s), and the warnings then.
fn canonical_json(v: AnyVolume) -> (Value, Value) {
    let c = v.to_canonical();
    let m = c.meta();
    let r = m.reorientation.as_ref();
    let j = json!({
        "shape": c.shape(),
        "spacing": c.spacing(),
        "origin": c.origin(),
        "direction": c.direction(),
        "permutation": r.map(|r| r.permutation),
        "flips": r.map(|r| r.flips),
        "oblique_degrees": r.map(|r| r.oblique_degrees),
    });
    (j, json!(m.warnings))
}

/// Prints the geometry of a scan (the phantom when `input` is `None`) and, for DICOM
/// folders, every series found.
pub fn info(input: Option<&Path>, series: Option<String>) -> CliResult<()> {
    // A folder that is not one scan: the cases prep would make of it (one discovery pass).
    let listing = match input {
        Some(p) if series.is_none() && p.is_dir() => cases_json(p)?,
        _ => None,
    };
    let out = match (listing, input) {
        (Some(cases), _) => cases,
        (None, None) => {
            let v = phantom::chest_phantom(&phantom::PhantomOptions::default());
            let v = AnyVolume::I16(v);
            let mut j = volume_json("<phantom>", &v);
            j["canonical"] = canonical_json(v).0;
            j
        }
        (None, Some(p)) => {
            super::input::check_input(p)?;
            let v = volume_io::read(
                p,
                &ReadOptions {
                    series_uid: series,
                    ..Default::default()
                },
            )
            .map_err(msg)?;
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
            let (canonical, warnings) = canonical_json(v);
            // The reader's warnings plus the oblique one to_canonical may add.
            j["warnings"] = warnings;
            j["canonical"] = canonical;
            j
        }
    };
    super::out(&serde_json::to_string_pretty(&out).map_err(msg)?);
    Ok(())
}

/// The cases `prep` would make of folder `dir`, by the same discovery rule, when that is not
/// exactly one case (a batch, or a folder holding several series); `None` when `dir` is one
/// scan, which `info` then describes.
fn cases_json(dir: &Path) -> CliResult<Option<Value>> {
    let d = super::input::discover(&[dir.to_path_buf()], false)?;
    if d.cases.len() == 1 && d.cases[0].series.is_none() && d.rejected.is_empty() {
        return Ok(None);
    }
    let cases: Vec<Value> = d
        .cases
        .iter()
        .map(|c| json!({"name": c.name, "source": c.source.display(), "series_uid": c.series}))
        .collect();
    let rejected: Vec<Value> = d
        .rejected
        .iter()
        .map(|r| json!({"name": r.name, "input": r.input.display().to_string(), "why": r.why}))
        .collect();
    Ok(Some(json!({
        "input": dir.display().to_string(),
        "cases": cases,
        "rejected": rejected,
        "skipped": d.skipped,
        "hint": "each case is a scan: `lungprep info SOURCE [--series UID]` describes one",
    })))
}

/// Writes a scan in the format named by `output`'s extension, keeping its element type.
pub fn convert(input: &Path, output: &Path, series: Option<String>) -> CliResult<()> {
    super::input::check_input(input)?;
    let v = volume_io::read(
        input,
        &ReadOptions {
            series_uid: series,
            ..Default::default()
        },
    )
    .map_err(msg)?;
    for w in &v.meta().warnings {
        tracing::warn!("{}: {w}", input.display());
    }
    volume_io::write_volume(&v, output).map_err(msg)?;
    tracing::info!(
        "{} → {} ({} {:?})",
        input.display(),
        output.display(),
        v.dtype(),
        v.shape()
    );
    Ok(())
}
