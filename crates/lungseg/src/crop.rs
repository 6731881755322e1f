//! The crop box and annotation coordinates of savenpy.

use std::path::Path;

use ndarray::{Array2, ArrayView3};

use crate::slices::bounding_box;
use crate::world::Grid;
use crate::{Error, MaskParams, Result, Spacing};

/// grt123's `extendbox`: per axis `[start, end)` in the resampled grid.
pub type CropBox = [[usize; 2]; 3];

/// grt123's crop box: the mask's bounding box (inclusive max) scaled to the output grid and
/// floored, extended by `margin` below and `2 · margin` above, clamped to `[0, new_shape]`
/// where `new_shape = round(shape · spacing / resolution)`.
pub fn crop_box(mask: &ArrayView3<bool>, spacing: &Spacing, p: &MaskParams) -> Result<CropBox> {
    let bb = bounding_box(mask).ok_or(Error::EmptyMask("crop_box: the lung mask is empty"))?;
    let shape = mask.shape();
    let sp = spacing.get();
    let mut out = [[0usize; 2]; 3];
    for a in 0..3 {
        let new_size = (shape[a] as f64 * sp[a] / p.resolution[a]).round_ties_even();
        let lo = (bb[a].0 as f64 * sp[a] / p.resolution[a]).floor() as i64;
        let hi = ((bb[a].1 - 1) as f64 * sp[a] / p.resolution[a]).floor() as i64;
        let start = (lo - p.margin as i64).max(0);
        let end = ((hi + 2 * p.margin as i64) as f64).min(new_size);
        out[a] = [start as usize, end.max(0.0) as usize];
    }
    Ok(out)
}

/// A LUNA16 annotation: world position in mm `(x, y, z)` and diameter in mm.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Annotation {
    /// World x, y, z in mm (LUNA16 `coordX`, `coordY`, `coordZ`).
    pub world_xyz: [f64; 3],
    /// Diameter in mm.
    pub diameter_mm: f64,
}

/// The columns a LUNA16 `annotations.csv` must have.
pub const ANNOTATION_COLUMNS: [&str; 5] =
    ["seriesuid", "coordX", "coordY", "coordZ", "diameter_mm"];

/// The rows of a LUNA16 `annotations.csv` whose `seriesuid` is `name` (grt123 reads only
/// those: a bad value in another series' row does not matter here).
pub fn read_annotations(path: &Path, name: &str) -> Result<Vec<Annotation>> {
    Ok(annotation_rows(path, Some(name))?
        .into_iter()
        .map(|(_, a)| a)
        .collect())
}

/// Every row of a LUNA16 `annotations.csv` as `(seriesuid, annotation)`, each value checked:
/// what a batch reads once, before any case runs, so a bad file fails at once.
pub fn read_annotation_table(path: &Path) -> Result<Vec<(String, Annotation)>> {
    annotation_rows(path, None)
}

fn annotation_rows(path: &Path, only: Option<&str>) -> Result<Vec<(String, Annotation)>> {
    let err = |e: &dyn std::fmt::Display| Error::Annotations(format!("{}: {e}", path.display()));
    let mut reader = csv::Reader::from_path(path).map_err(|e| err(&e))?;
    let headers = reader.headers().map_err(|e| err(&e))?.clone();
    let col = |n: &str| headers.iter().position(|h| h.trim() == n);
    let cols: Vec<Option<usize>> = ANNOTATION_COLUMNS.iter().map(|n| col(n)).collect();
    let missing: Vec<&str> = ANNOTATION_COLUMNS
        .iter()
        .zip(&cols)
        .filter(|(_, c)| c.is_none())
        .map(|(n, _)| *n)
        .collect();
    if !missing.is_empty() {
        return Err(err(&format!(
            "missing column(s) {} (a LUNA16 annotations.csv has {})",
            missing.join(", "),
            ANNOTATION_COLUMNS.join(", ")
        )));
    }
    let c: Vec<usize> = cols.into_iter().flatten().collect();
    let mut out = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let row = row.map_err(|e| err(&e))?;
        let uid = row.get(c[0]).unwrap_or("").trim();
        if only.is_some_and(|n| n != uid) {
            continue;
        }
        let num = |c: usize| -> Result<f64> {
            let s = row.get(c).unwrap_or("").trim();
            let v = s
                .parse::<f64>()
                .map_err(|_| err(&format!("row {}: {s:?} is not a number", i + 2)))?;
            if v.is_finite() {
                Ok(v)
            } else {
                Err(Error::NonFiniteAnnotation {
                    path: path.to_path_buf(),
                    row: i + 2,
                    column: headers.get(c).unwrap_or("").trim().to_string(),
                    value: s.to_string(),
                })
            }
        };
        let a = Annotation {
            world_xyz: [num(c[1])?, num(c[2])?, num(c[3])?],
            diameter_mm: num(c[4])?,
        };
        out.push((uid.to_string(), a));
    }
    Ok(out)
}

/// grt123's `NAME_label.npy`: one row `(z, y, x, diameter)` per annotation in the cropped
/// 1 mm grid, or `[[0, 0, 0, 0]]` when there are none. `flipped` is MetaImage's `isflip`
/// (y and x mirrored on load); `shape` is the input volume's.
pub fn annotation_labels(
    annotations: &[Annotation],
    origin: [f64; 3],
    spacing: &Spacing,
    shape: [usize; 3],
    flipped: bool,
    crop: &CropBox,
    p: &MaskParams,
) -> Array2<f64> {
    if annotations.is_empty() {
        return Array2::zeros((1, 4));
    }
    let sp = spacing.get();
    let res = p.resolution;
    let mut out = Array2::zeros((annotations.len(), 4));
    for (row, a) in out.rows_mut().into_iter().zip(annotations) {
        let world = [a.world_xyz[2], a.world_xyz[1], a.world_xyz[0]];
        let mut pos = [0.0; 3];
        for k in 0..3 {
            pos[k] = (world[k] - origin[k]).abs() / sp[k];
        }
        if flipped {
            pos[1] = shape[1] as f64 - pos[1];
            pos[2] = shape[2] as f64 - pos[2];
        }
        let diameter = a.diameter_mm / sp[1];
        let mut row = row;
        for k in 0..3 {
            row[k] = pos[k] * sp[k] / res[k] - crop[k][0] as f64;
        }
        row[3] = diameter * sp[1] / res[1];
    }
    out
}

/// [`annotation_labels`] through the exact world → voxel mapping of `world` (the image's
/// grid) instead of grt123's `|world − origin| / spacing`, then grt123's scaling to the
/// cropped 1 mm grid; for images reoriented otherwise than grt123's y/x flip.
pub fn annotation_labels_world(
    annotations: &[Annotation],
    world: &Grid,
    spacing: &Spacing,
    crop: &CropBox,
    p: &MaskParams,
) -> Result<Array2<f64>> {
    if annotations.is_empty() {
        return Ok(Array2::zeros((1, 4)));
    }
    let sp = spacing.get();
    let res = p.resolution;
    let mut out = Array2::zeros((annotations.len(), 4));
    for (mut row, a) in out.rows_mut().into_iter().zip(annotations) {
        let pos = world
            .world_to_index(a.world_xyz)
            .ok_or_else(|| Error::Invalid("annotation_labels_world: degenerate grid".into()))?;
        for k in 0..3 {
            row[k] = pos[k] * sp[k] / res[k] - crop[k][0] as f64;
        }
        row[3] = a.diameter_mm / res[1];
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::Array3;

    #[test]
    fn crop_box_margins_and_clamp() {
        let mut m = Array3::from_elem((10, 20, 20), false);
        m[[2, 3, 4]] = true;
        m[[7, 15, 16]] = true;
        let s = Spacing::f64([2.0, 0.5, 0.5]);
        let b = crop_box(&m.view(), &s, &MaskParams::default()).unwrap();
        // z: [4, 14] → [0, min(20, 24)]; y: [1.5→1, 7.5→7] → [0, min(10, 17)]
        assert_eq!(b, [[0, 20], [0, 10], [0, 10]]);
        assert!(crop_box(
            &Array3::from_elem((2, 2, 2), false).view(),
            &s,
            &MaskParams::default()
        )
        .is_err());
    }

    #[test]
    fn labels_default_and_transform() {
        let p = MaskParams::default();
        let s = Spacing::f64([2.0, 0.5, 0.5]);
        let e = annotation_labels(&[], [0.0; 3], &s, [10, 20, 20], false, &[[0, 1]; 3], &p);
        assert_eq!(e.shape(), &[1, 4]);
        let a = Annotation {
            world_xyz: [5.0, 6.0, 10.0],
            diameter_mm: 4.0,
        };
        let l = annotation_labels(
            &[a],
            [0.0; 3],
            &s,
            [10, 20, 20],
            false,
            &[[1, 9], [2, 9], [3, 9]],
            &p,
        );
        assert_eq!(l.row(0).to_vec(), vec![9.0, 4.0, 2.0, 4.0]);
        // The world rule agrees with grt123's on an axial grid.
        let g = Grid {
            spacing: s.get(),
            origin: [0.0; 3],
            direction: lungprep_volume_io::IDENTITY,
        };
        let w = annotation_labels_world(&[a], &g, &s, &[[1, 9], [2, 9], [3, 9]], &p).unwrap();
        assert_eq!(w, l);
    }

    #[test]
    fn non_finite_annotation_is_an_error() {
        let dir = std::env::temp_dir().join(format!("lungseg_annos_{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("a.csv");
        std::fs::write(
            &f,
            "seriesuid,coordX,coordY,coordZ,diameter_mm\ns,1,nan,3,4\nt,1,2,3,4\n",
        )
        .unwrap();
        let e = read_annotations(&f, "s").unwrap_err();
        assert!(
            matches!(e, Error::NonFiniteAnnotation { row: 2, .. }),
            "{e}"
        );
        assert_eq!(read_annotations(&f, "t").unwrap().len(), 1);
        // The whole-table read a batch makes up front sees the bad row whatever the case.
        let e = read_annotation_table(&f).unwrap_err();
        assert!(matches!(e, Error::NonFiniteAnnotation { row: 2, .. }));
        std::fs::write(&f, "seriesuid,coordX,coordZ\ns,1,3\n").unwrap();
        let e = read_annotation_table(&f).unwrap_err().to_string();
        assert!(e.contains("missing column(s) coordY, diameter_mm"), "{e}");
        std::fs::write(
            &f,
            "seriesuid,coordX,coordY,coordZ,diameter_mm\ns,1,2,3,4\nt,5,6,7,8\n",
        )
        .unwrap();
        let t = read_annotation_table(&f).unwrap();
        assert_eq!(t.len(), 2);
        assert_eq!(t[1].0, "t");
        assert_eq!(t[1].1.world_xyz, [5.0, 6.0, 7.0]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
