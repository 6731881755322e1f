//! `lungprep slicewise`: seed 001's `get_segmented_lungs` on every slice of `read_ct_scan`'s
//! stack → `segmented.npy` (the stored dtype), `masks.npy` (bool), `meta.json`.

use std::path::Path;
use std::time::Instant;

use lungprep::lungseg::slicewise::{self, Stored};
use lungprep::volume_io::{self, AnyVolume, ReadOptions, Volume};
use serde_json::json;

use super::{msg, CliResult};

/// The stack `read_ct_scan` gives: a DICOM folder's stored values in InstanceNumber order
/// with −2000 → 0; any other input as its stored values (8/16-bit integers only), −2000 → 0.
pub fn read_stack(input: &Path) -> CliResult<AnyVolume> {
    super::input::check_input(input)?;
    let opts = ReadOptions::default();
    if input.is_dir() {
        return slicewise::read_ct_scan(input, &opts).map_err(msg);
    }
    let mut v = volume_io::read(input, &opts).map_err(msg)?;
    if let AnyVolume::I16(v) = &mut v {
        v.data.mapv_inplace(|x| if x == -2000 { 0 } else { x });
    }
    match v {
        AnyVolume::U8(_) | AnyVolume::I8(_) | AnyVolume::U16(_) | AnyVolume::I16(_) => Ok(v),
        other => Err(format!(
            "{}: {} voxels; the per-slice method reads 8- or 16-bit integer stacks",
            input.display(),
            other.dtype()
        )),
    }
}

fn run<T: Stored + volume_io::Element + ndarray_npy::WritableElement>(
    v: &Volume<T>,
    outdir: &Path,
    threshold: i64,
) -> CliResult<serde_json::Value> {
    let t = Instant::now();
    let (seg, masks) = slicewise::slicewise(&v.data.view(), threshold).map_err(msg)?;
    let secs = t.elapsed().as_secs_f64();
    let out = Volume {
        data: seg,
        spacing: v.spacing,
        origin: v.origin,
        direction: v.direction,
        meta: v.meta.clone(),
    };
    volume_io::write_npy_volume(&out, &outdir.join("segmented.npy")).map_err(msg)?;
    volume_io::write_npy(&masks.view(), &outdir.join("masks.npy")).map_err(msg)?;
    Ok(json!({
        "shape": v.shape(),
        "dtype": T::DTYPE,
        "threshold": threshold,
        "mask_voxels": masks.iter().filter(|&&m| m).count(),
        "seconds": {"slicewise": secs},
    }))
}

/// `lungprep slicewise INPUT OUTDIR [--threshold 604]`.
pub fn slicewise_cmd(input: &Path, outdir: &Path, threshold: i64) -> CliResult<()> {
    let t0 = Instant::now();
    let v = read_stack(input)?;
    std::fs::create_dir_all(outdir).map_err(|e| format!("{}: {}", outdir.display(), msg(e)))?;
    for w in &v.meta().warnings {
        tracing::warn!("{w}");
    }
    let mut meta = match &v {
        AnyVolume::U8(v) => run(v, outdir, threshold),
        AnyVolume::I8(v) => run(v, outdir, threshold),
        AnyVolume::U16(v) => run(v, outdir, threshold),
        AnyVolume::I16(v) => run(v, outdir, threshold),
        _ => Err("unsupported stack type".into()),
    }?;
    meta["input"] = json!(input.display().to_string());
    meta["series_uid"] = json!(v.meta().series_uid);
    meta["spacing"] = json!(v.spacing());
    meta["seconds"]["total"] = json!(t0.elapsed().as_secs_f64());
    super::input::write_atomic(
        &outdir.join("meta.json"),
        serde_json::to_string_pretty(&meta).map_err(msg)?.as_bytes(),
    )?;
    tracing::info!(
        "{} slices → {} ({:.2} s)",
        v.shape()[0],
        outdir.display(),
        t0.elapsed().as_secs_f64()
    );
    Ok(())
}
