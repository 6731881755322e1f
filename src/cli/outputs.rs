//! Per-case world-geometry outputs of `prep`: `NAME_meta.json` (always), the DeepLung-style
//! `NAME_spacing.npy` / `NAME_extendbox.npy` / `NAME_origin.npy` (`--luna-sidecars`),
//! `NAME_lungs.nii.gz` (`--masks`) and `NAME_clean.nii.gz` (`--clean-nifti`). See
//! docs/coordinates.md.

use std::path::Path;

use lungprep::lungseg::{Grid, LabelRule, Prepared, Step1};
use lungprep::volume_io::{self, Volume};
use ndarray::{Array1, Array2, Array3, ArrayView3};
use serde_json::{json, Value};

use super::input::{write_atomic, Loaded};
use super::{msg, CliResult};

/// The `prep` flags for world-geometry outputs and input geometry.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct OutputArgs {
    /// Also write DeepLung-style NAME_spacing.npy, NAME_extendbox.npy and NAME_origin.npy.
    #[arg(long)]
    pub luna_sidecars: bool,
    /// Also write NAME_clean.nii.gz: the clean volume with its 1 mm world geometry, so it
    /// overlays the scan in a viewer.
    #[arg(long)]
    pub clean_nifti: bool,
    /// Voxel spacing sz,sy,sx in mm, for .npy inputs without a .spacing.json sidecar
    /// (overrides any file's spacing).
    #[arg(long, value_parser = parse_spacing)]
    pub spacing: Option<SpacingArg>,
}

/// `--spacing sz,sy,sx`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SpacingArg(pub [f64; 3]);

fn parse_spacing(s: &str) -> Result<SpacingArg, String> {
    let v: Vec<f64> = s
        .split(',')
        .map(|t| t.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .map_err(|e| format!("{s:?}: {e}"))?;
    let a = <[f64; 3]>::try_from(v).map_err(|_| format!("{s:?}: need three numbers sz,sy,sx"))?;
    if a.iter().all(|x| x.is_finite() && *x > 0.0) {
        Ok(SpacingArg(a))
    } else {
        Err(format!("{s:?}: spacings must be positive"))
    }
}

fn grid_json(g: &Grid, shape: [usize; 3]) -> Value {
    json!({
        "shape": shape,
        "spacing": g.spacing,
        "origin": g.origin,
        "direction": g.direction,
        "affine": g.affine(),
    })
}

/// The JSON of `NAME_meta.json`.
fn meta_json(name: &str, loaded: &Loaded, s1: &Step1, p: &Prepared) -> Value {
    let v = &loaded.volume;
    let geometry = loaded.geometry();
    let canonical = grid_json(&geometry.world, v.shape());
    let source = match &v.meta.reorientation {
        Some(r) => json!({
            "shape": r.source_shape,
            "spacing": r.source_spacing,
            "origin": r.source_origin,
            "direction": r.source_direction,
        }),
        None => json!({
            "shape": v.shape(),
            "spacing": v.spacing,
            "origin": v.origin,
            "direction": v.direction,
        }),
    };
    let reorientation = v.meta.reorientation.as_ref().map(|r| {
        json!({
            "permutation": r.permutation,
            "flips": r.flips,
            "oblique_degrees": r.oblique_degrees,
        })
    });
    let c = p.crop;
    let clean_shape = [p.clean.shape()[0], p.clean.shape()[1], p.clean.shape()[2]];
    json!({
        "name": name,
        "conventions": "arrays (z, y, x); spacing and origin (z, y, x) mm; direction rows are the \
                        x, y, z array axes in world LPS; affine maps index (z, y, x, 1) to world \
                        LPS (x, y, z, 1) mm; see docs/coordinates.md",
        "input": format!("{:?}", v.meta.format),
        "series_uid": v.meta.series_uid,
        "source": source,
        "reorientation": reorientation,
        "grt123_isflip": v.meta.flipped,
        "labels": match geometry.labels {
            LabelRule::Grt123 { .. } => "grt123",
            LabelRule::World => "world",
        },
        "canonical": canonical,
        "pipeline_spacing": loaded.spacing.get(),
        "crop_box": [c[0][0], c[0][1], c[1][0], c[1][1], c[2][0], c[2][1]],
        "crop_box_order": "z0, z1, y0, y1, x0, x1: [start, end) in the resampled grid",
        "clean": grid_json(&p.grid, clean_shape),
        "cut_num": s1.cut_num,
        "two_lungs_found": s1.two_lungs_found,
        "warnings": v.meta.warnings,
    })
}

/// Centroid `(z, y, x)` index of a mask, `None` when empty.
fn centroid(m: &ArrayView3<bool>) -> Option<[f64; 3]> {
    let mut sum = [0.0; 3];
    let mut n = 0usize;
    for ((z, y, x), &b) in m.indexed_iter() {
        if b {
            sum[0] += z as f64;
            sum[1] += y as f64;
            sum[2] += x as f64;
            n += 1;
        }
    }
    (n > 0).then(|| sum.map(|s| s / n as f64))
}

/// One label map: 0 background, 1 = right lung, 2 = left lung (lungmask's convention),
/// decided by the world x of each mask's centroid (LPS: the patient's right is smaller x).
pub fn lungs_label_map(m1: &ArrayView3<bool>, m2: &ArrayView3<bool>, grid: &Grid) -> Array3<u8> {
    let x = |m: &ArrayView3<bool>| centroid(m).map(|c| grid.index_to_world(c)[0]);
    let (x1, x2) = (x(m1), x(m2));
    let (l1, l2) = match (x1, x2) {
        (Some(a), Some(b)) if a > b => (2u8, 1u8),
        _ => (1, 2),
    };
    let mut out = Array3::zeros(m1.raw_dim());
    ndarray::Zip::from(&mut out)
        .and(m1)
        .and(m2)
        .for_each(|o, &a, &b| {
            *o = if a {
                l1
            } else if b {
                l2
            } else {
                0
            }
        });
    out
}

fn with_grid<T>(data: Array3<T>, g: &Grid) -> Volume<T> {
    let mut v = Volume::new(data);
    v.spacing = g.spacing;
    v.origin = g.origin;
    v.direction = g.direction;
    v
}

/// The suffixes (after `NAME_`) of the files [`write_case`] writes under these options.
pub fn file_names(args: &OutputArgs, masks: bool) -> Vec<&'static str> {
    let mut v = vec!["meta.json"];
    if args.luna_sidecars {
        v.extend(["spacing.npy", "extendbox.npy", "origin.npy"]);
    }
    if masks {
        v.push("lungs.nii.gz");
    }
    if args.clean_nifti {
        v.push("clean.nii.gz");
    }
    v
}

/// Writes a case's world-geometry outputs into `outdir`.
pub fn write_case(
    outdir: &Path,
    name: &str,
    loaded: &Loaded,
    s1: &Step1,
    prepared: &Prepared,
    masks: bool,
    args: &OutputArgs,
) -> CliResult<()> {
    let path = |suffix: &str| outdir.join(format!("{name}_{suffix}"));
    let meta = meta_json(name, loaded, s1, prepared);
    write_atomic(
        &path("meta.json"),
        serde_json::to_string_pretty(&meta).map_err(msg)?.as_bytes(),
    )?;
    let geometry = loaded.geometry();
    if args.luna_sidecars {
        // DeepLung's savenpy_luna: spacing float64 (3,), extendbox int64 (3, 2), origin
        // float64 (3,), all (z, y, x); the origin its label formula expects.
        let origin = match geometry.labels {
            LabelRule::Grt123 { origin, .. } => origin,
            LabelRule::World => geometry.world.origin,
        };
        let sp = Array1::from(loaded.spacing.get().to_vec());
        volume_io::write_npy(&sp.view(), &path("spacing.npy")).map_err(msg)?;
        let bx = Array2::from_shape_fn((3, 2), |(a, e)| prepared.crop[a][e] as i64);
        volume_io::write_npy(&bx.view(), &path("extendbox.npy")).map_err(msg)?;
        let o = Array1::from(origin.to_vec());
        volume_io::write_npy(&o.view(), &path("origin.npy")).map_err(msg)?;
    }
    if masks {
        let lungs = lungs_label_map(&s1.m1.view(), &s1.m2.view(), &geometry.world);
        volume_io::write_nifti(&with_grid(lungs, &geometry.world), &path("lungs.nii.gz"))
            .map_err(msg)?;
    }
    if args.clean_nifti {
        let v = with_grid(prepared.clean.clone(), &prepared.grid);
        volume_io::write_nifti(&v, &path("clean.nii.gz")).map_err(msg)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn right_lung_is_label_1_in_lps() {
        let mut a = Array3::from_elem((2, 4, 8), false);
        let mut b = a.clone();
        a[[0, 1, 1]] = true; // small x: the patient's right in LPS
        b[[1, 2, 6]] = true;
        let g = Grid {
            spacing: [1.0; 3],
            origin: [0.0; 3],
            direction: volume_io::IDENTITY,
        };
        let l = lungs_label_map(&a.view(), &b.view(), &g);
        assert_eq!((l[[0, 1, 1]], l[[1, 2, 6]], l[[0, 0, 0]]), (1, 2, 0));
        // Swapped masks: still right = 1.
        let l = lungs_label_map(&b.view(), &a.view(), &g);
        assert_eq!((l[[0, 1, 1]], l[[1, 2, 6]]), (1, 2));
        // A mirrored x axis flips the decision.
        let g = Grid {
            direction: [[-1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]],
            ..g
        };
        let l = lungs_label_map(&a.view(), &b.view(), &g);
        assert_eq!((l[[0, 1, 1]], l[[1, 2, 6]]), (2, 1));
    }

    #[test]
    fn spacing_flag() {
        assert_eq!(
            parse_spacing("2.5, 0.7,0.7"),
            Ok(SpacingArg([2.5, 0.7, 0.7]))
        );
        assert!(parse_spacing("1,2").is_err());
        assert!(parse_spacing("1,0,1").is_err());
    }
}
