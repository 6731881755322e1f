//! `lungprep step1`, `zuidhof` and `phantom`.

use std::fs;
use std::path::Path;
use std::time::Instant;

use lungprep::lungseg::{self, phantom, zuidhof, Params};
use lungprep::volume_io;
use serde_json::json;

use super::input::{load, write_atomic, Source};
use super::{msg, CliResult};

fn mkdir(dir: &Path) -> CliResult<()> {
    fs::create_dir_all(dir).map_err(|e| format!("{}: {}", dir.display(), msg(e)))
}

/// grt123 step 1: `m1.npy`, `m2.npy` (bool, z-y-x) and `meta.json`.
pub fn step1(input: &Path, outdir: &Path, series: Option<String>) -> CliResult<()> {
    let t0 = Instant::now();
    let loaded = load(&Source::Path(input.to_path_buf()), series)?;
    let load_s = t0.elapsed().as_secs_f64();
    let s = lungseg::step1(
        &loaded.volume.data.view(),
        &loaded.spacing,
        &Params::default(),
    )
    .map_err(msg)?;
    mkdir(outdir)?;
    volume_io::write_npy(&s.m1.view(), &outdir.join("m1.npy")).map_err(msg)?;
    volume_io::write_npy(&s.m2.view(), &outdir.join("m2.npy")).map_err(msg)?;
    let mut seconds = serde_json::Map::new();
    seconds.insert("load".into(), json!(load_s));
    for (k, v) in &s.timings.0 {
        seconds.insert((*k).into(), json!(v));
    }
    seconds.insert("total".into(), json!(t0.elapsed().as_secs_f64()));
    let meta = json!({
        "input": input.display().to_string(),
        "shape": loaded.volume.shape(),
        "spacing": loaded.spacing.get(),
        "cut_num": s.cut_num,
        "two_lungs_found": s.two_lungs_found,
        "erosion_iterations": s.erosion_iterations,
        "warnings": s.warnings,
        "seconds": seconds,
    });
    for w in &s.warnings {
        tracing::warn!("{w}");
    }
    write_atomic(
        &outdir.join("meta.json"),
        serde_json::to_string_pretty(&meta).map_err(msg)?.as_bytes(),
    )?;
    super::out(&serde_json::to_string(&meta["seconds"]).map_err(msg)?);
    Ok(())
}

/// Zuidhof's method: `lungs.npy` (int8).
pub fn zuidhof(input: &Path, outdir: &Path, fill: bool) -> CliResult<()> {
    let t0 = Instant::now();
    let loaded = load(&Source::Path(input.to_path_buf()), None)?;
    let load_s = t0.elapsed().as_secs_f64();
    let t = Instant::now();
    let lungs = zuidhof::segment_lung_mask(&loaded.volume.data.view(), fill).map_err(msg)?;
    let seg_s = t.elapsed().as_secs_f64();
    mkdir(outdir)?;
    volume_io::write_npy(&lungs.view(), &outdir.join("lungs.npy")).map_err(msg)?;
    super::out(&json!({"load": load_s, "segment_lung_mask": seg_s}).to_string());
    Ok(())
}

/// Writes the phantom as `.npy` plus the oracle's `.spacing.json` sidecar.
pub fn phantom(output: &Path, small: bool, thin: bool) -> CliResult<()> {
    let opts = if small {
        phantom::PhantomOptions::small()
    } else if thin {
        phantom::PhantomOptions::thin_slice()
    } else {
        phantom::PhantomOptions::default()
    };
    let v = phantom::chest_phantom(&opts);
    volume_io::write_npy(&v.data.view(), output).map_err(msg)?;
    let side = format!("{}.spacing.json", output.display());
    write_atomic(Path::new(&side), json!(v.spacing).to_string().as_bytes())?;
    super::out(&json!({"shape": v.shape(), "spacing": v.spacing}).to_string());
    Ok(())
}
