//! `lungprep step1`, `zuidhof` and `phantom`.

use std::fs;
use std::path::Path;
use std::time::Instant;

use lungprep::lungseg::{self, phantom, zuidhof, Params};
use lungprep::volume_io;
use serde_json::json;

use super::input::{load, load_with, write_atomic, Loaded, Source};
use super::{msg, CliResult};

/// File format of `step1` / `zuidhof` masks.
#[derive(clap::ValueEnum, Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MaskFormat {
    /// `.npy` arrays (z, y, x) in the canonical layout, as before.
    #[default]
    Npy,
    /// `.nii.gz` (uint8 / int8) with the scan's world geometry, to overlay in a viewer.
    #[value(name = "nii.gz")]
    NiiGz,
}

/// Writes a mask as `stem.npy` or `stem.nii.gz` (with `like`'s world geometry).
fn write_mask<T, U>(
    mask: &ndarray::Array3<T>,
    like: &volume_io::Volume<i16>,
    outdir: &Path,
    stem: &str,
    format: MaskFormat,
    cast: impl Fn(&T) -> U,
) -> CliResult<()>
where
    T: ndarray_npy::WritableElement,
    U: volume_io::Element,
{
    match format {
        MaskFormat::Npy => volume_io::write_npy(&mask.view(), &outdir.join(format!("{stem}.npy"))),
        MaskFormat::NiiGz => {
            let mut v = volume_io::Volume::new(mask.map(cast));
            v.spacing = like.spacing;
            v.origin = like.origin;
            v.direction = like.direction;
            volume_io::write_nifti(&v, &outdir.join(format!("{stem}.nii.gz")))
        }
    }
    .map_err(msg)
}

fn mkdir(dir: &Path) -> CliResult<()> {
    fs::create_dir_all(dir).map_err(|e| format!("{}: {}", dir.display(), msg(e)))
}

/// grt123 step 1: `m1`, `m2` (`.npy` bool z-y-x, or `.nii.gz` uint8) and `meta.json`.
pub fn step1(
    input: &Path,
    outdir: &Path,
    series: Option<String>,
    format: MaskFormat,
) -> CliResult<()> {
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
    let vol = &loaded.volume;
    write_mask(&s.m1, vol, outdir, "m1", format, |&b| u8::from(b))?;
    write_mask(&s.m2, vol, outdir, "m2", format, |&b| u8::from(b))?;
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

/// Zuidhof's method: `lungs.npy` or `lungs.nii.gz` (int8).
pub fn zuidhof(input: &Path, outdir: &Path, fill: bool, format: MaskFormat) -> CliResult<()> {
    let t0 = Instant::now();
    let loaded = load(&Source::Path(input.to_path_buf()), None)?;
    let load_s = t0.elapsed().as_secs_f64();
    let t = Instant::now();
    let lungs = zuidhof::segment_lung_mask(&loaded.volume.data.view(), fill).map_err(msg)?;
    let seg_s = t.elapsed().as_secs_f64();
    mkdir(outdir)?;
    write_mask(&lungs, &loaded.volume, outdir, "lungs", format, |&v| v)?;
    super::out(&json!({"load": load_s, "segment_lung_mask": seg_s}).to_string());
    Ok(())
}

/// Loads a scan as Zuidhof's tutorial does: a DICOM series through its `get_pixels_hu`
/// (stored −2000 → 0 before the rescale), other formats as stored HU; the spacing as the
/// tutorial's float32 array. A file without geometry is an error (resampling needs it).
pub fn load_zuidhof(input: &Path) -> CliResult<(Loaded, [f32; 3])> {
    let opts = volume_io::ReadOptions {
        zuidhof_hu: true,
        ..Default::default()
    };
    let loaded = load_with(&Source::Path(input.to_path_buf()), &opts, None)?;
    let spacing = loaded.spacing.get().map(|v| v as f32);
    Ok((loaded, spacing))
}

fn write_npy<T: ndarray_npy::WritableElement>(
    a: &ndarray::Array3<T>,
    outdir: &Path,
    stem: &str,
) -> CliResult<()> {
    volume_io::write_npy(&a.view(), &outdir.join(format!("{stem}.npy"))).map_err(msg)
}

fn tutorial_outputs<F>(p: &lungseg::ZuidhofPrep<F>, outdir: &Path) -> CliResult<()>
where
    F: lungseg::TutorialFloat + ndarray_npy::WritableElement,
{
    write_npy(&p.resampled, outdir, "resampled")?;
    write_npy(&p.lungs, outdir, "lungs")?;
    write_npy(&p.lungs_fill, outdir, "lungs_fill")?;
    write_npy(&p.normalized, outdir, "normalized")?;
    write_npy(&p.zero_centered, outdir, "zero_centered")
}

/// Zuidhof's whole tutorial preparation: `resampled.npy`, `lungs.npy`, `lungs_fill.npy`,
/// `normalized.npy`, `zero_centered.npy` and `meta.json` (with the new spacing).
pub fn zuidhof_tutorial(input: &Path, outdir: &Path, f64_out: bool) -> CliResult<()> {
    let t0 = Instant::now();
    let (loaded, spacing) = load_zuidhof(input)?;
    let load_s = t0.elapsed().as_secs_f64();
    for w in &loaded.volume.meta.warnings {
        tracing::warn!("{w}");
    }
    let hu = loaded.volume.data.view();
    mkdir(outdir)?;
    let (shape, new_spacing, timings, dtype) = if f64_out {
        let p = lungseg::zuidhof_prep::<f64>(&hu, spacing, [1.0; 3]).map_err(msg)?;
        tutorial_outputs(&p, outdir)?;
        (
            p.resampled.shape().to_vec(),
            p.new_spacing,
            p.timings,
            "float64",
        )
    } else {
        let p = lungseg::zuidhof_prep::<f32>(&hu, spacing, [1.0; 3]).map_err(msg)?;
        tutorial_outputs(&p, outdir)?;
        (
            p.resampled.shape().to_vec(),
            p.new_spacing,
            p.timings,
            "float32",
        )
    };
    let mut seconds = serde_json::Map::new();
    seconds.insert("load".into(), json!(load_s));
    for (k, v) in &timings.0 {
        seconds.insert((*k).into(), json!(v));
    }
    seconds.insert("total".into(), json!(t0.elapsed().as_secs_f64()));
    let meta = json!({
        "input": input.display().to_string(),
        "shape": loaded.volume.shape(),
        "resampled_shape": shape,
        "spacing": spacing.map(f64::from),
        "new_spacing": new_spacing,
        "float_dtype": dtype,
        "warnings": loaded.volume.meta.warnings,
        "seconds": seconds,
    });
    write_atomic(
        &outdir.join("meta.json"),
        serde_json::to_string_pretty(&meta).map_err(msg)?.as_bytes(),
    )?;
    super::out(&serde_json::to_string(&meta["seconds"]).map_err(msg)?);
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
    let summary = json!({"shape": v.shape(), "spacing": v.spacing, "origin": v.origin});
    // The format follows the extension, with the phantom's geometry (`.npy`: sidecars).
    volume_io::write_volume(&volume_io::AnyVolume::I16(v), output).map_err(msg)?;
    super::out(&summary.to_string());
    Ok(())
}
