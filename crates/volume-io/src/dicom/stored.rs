//! The LUNA16 tutorial's `read_ct_scan` (seed 001): the stored pixel values of every slice,
//! in InstanceNumber order, as pydicom's `pixel_array` gives them.
//!
//! No rescale: the values are the raw stored samples (after pydicom's unused-bit correction)
//! in pydicom's dtype: `uint16` / `int16` for 16-bit samples by PixelRepresentation, `uint8` /
//! `int8` for 8-bit ones. The tutorial's `-2000 → 0` step is the caller's (lungseg's
//! `read_ct_scan`), since it is not a property of the file.

use super::{geometry, group, headers_of, list_files, open, pixels};
use crate::any::AnyVolume;
use crate::error::{Error, Result};
use crate::volume::{Format, Metadata, Volume};
use crate::ReadOptions;
use ndarray::Array3;
use rayon::prelude::*;
use std::path::Path;

/// Reads one series of a folder (chosen as [`super::read_series`] chooses) as stored values,
/// slices sorted by InstanceNumber (stable; files in path order break ties, where the tutorial
/// would use the directory listing order).
///
/// The geometry is the series' own when InstanceNumber runs along (or against) the slice
/// positions; otherwise a warning says the stack is not in spatial order. Errors: a slice
/// without InstanceNumber (the tutorial's `int(None)` fails), slices of differing size or
/// PixelRepresentation (numpy would silently promote), 32-bit samples ([`Error::Unsupported`]).
pub fn read_stored(dir: &Path, opts: &ReadOptions) -> Result<AnyVolume> {
    let (headers, mut warnings) = headers_of(&list_files(dir)?, opts.skip_bad_slices)?;
    if headers.is_empty() {
        return Err(Error::NoDicom {
            path: dir.to_path_buf(),
        });
    }
    let mut groups = group(headers, opts.series_uid.as_deref());
    if let Some(want) = &opts.series_uid {
        if groups[0][0].series_uid != *want {
            return Err(Error::SeriesNotFound {
                path: dir.to_path_buf(),
                uid: want.clone(),
                available: groups.iter().map(|g| g[0].series_uid.clone()).collect(),
            });
        }
    }
    if groups.len() > 1 {
        warnings.push(format!(
            "{} series in {}: read {} ({} files)",
            groups.len(),
            dir.display(),
            groups[0][0].series_uid,
            groups[0].len()
        ));
    }
    let series = groups.swap_remove(0);
    let first = &series[0];
    let (rows, cols) = (first.rows, first.cols);
    let bits = first.bits_allocated.unwrap_or(16);
    let signed = first.pixel_representation.unwrap_or(0) == 1;
    let mut instance = Vec::with_capacity(series.len());
    for h in &series {
        if h.frames != 1 {
            return Err(Error::Unsupported {
                path: h.path.clone(),
                what: format!("multi-frame image ({} frames)", h.frames),
            });
        }
        if (h.rows, h.cols) != (rows, cols) {
            return Err(Error::SliceSize {
                path: h.path.clone(),
                expected: (rows, cols),
                found: (h.rows, h.cols),
            });
        }
        if h.bits_allocated.unwrap_or(16) != bits
            || (h.pixel_representation.unwrap_or(0) == 1) != signed
        {
            return Err(Error::Unsupported {
                path: h.path.clone(),
                what: "slices with differing BitsAllocated or PixelRepresentation".into(),
            });
        }
        let n = h.instance_number.ok_or_else(|| Error::MissingTag {
            path: h.path.clone(),
            tag: "InstanceNumber",
        })?;
        instance.push(n.trunc());
    }
    if !matches!(bits, 8 | 16) {
        return Err(Error::Unsupported {
            path: first.path.clone(),
            what: format!("BitsAllocated {bits} for stored values (8 or 16 only)"),
        });
    }
    let mut order: Vec<usize> = (0..series.len()).collect();
    order.sort_by(|&a, &b| instance[a].total_cmp(&instance[b]));
    let geo = geometry::series_geometry(&series, &mut warnings)?;
    let (mut origin, mut direction) = (geo.origin, geo.direction);
    let reversed: Vec<usize> = geo.order.iter().rev().copied().collect();
    if order == reversed && order.len() > 1 {
        let p = series[order[0]].position.unwrap_or([0.0; 3]);
        origin = [p[2], p[1], p[0]];
        direction[2] = direction[2].map(|v| -v);
    } else if order != geo.order {
        warnings.push(
            "InstanceNumber order is not the slices' spatial order: the geometry is that of \
             the spatially sorted series"
                .into(),
        );
    }
    let plane = rows as usize * cols as usize;
    if plane == 0 {
        return Err(Error::BadTag {
            path: first.path.clone(),
            tag: "Rows",
            value: format!("{rows} x {cols}"),
        });
    }
    let total = (plane as u64)
        .saturating_mul(order.len() as u64)
        .saturating_mul(2);
    crate::input::check_limit(dir, total, opts.max_bytes)?;
    let mut data = vec![0i16; plane * order.len()];
    data.par_chunks_mut(plane)
        .zip(order.par_iter())
        .try_for_each(|(out, &i)| -> Result<()> {
            let h = &series[i];
            let (obj, _) = open::open(&h.path, false)?;
            pixels::decode_into(&h.path, &obj, out)
        })?;
    let shape = (order.len(), rows as usize, cols as usize);
    let meta = Metadata {
        format: Format::Dicom,
        series_uid: Some(first.series_uid.clone()).filter(|s| !s.is_empty()),
        series_number: first.series_number,
        patient_id: first.patient_id.clone(),
        modality: first.modality.clone(),
        num_files: order.len(),
        grt123_thickness: Some(geo.thickness),
        warnings,
        ..Metadata::default()
    };
    fn vol<T>(
        data: Vec<T>,
        shape: (usize, usize, usize),
        g: ([f64; 3], [f64; 3], [[f64; 3]; 3]),
        meta: Metadata,
        dir: &Path,
    ) -> Result<Volume<T>> {
        let data =
            Array3::from_shape_vec(shape, data).map_err(|e| Error::header(dir, e.to_string()))?;
        Ok(Volume {
            data,
            spacing: g.0,
            origin: g.1,
            direction: g.2,
            meta,
        })
    }
    let g = (geo.spacing, origin, direction);
    // decode_into gives the samples as int16 (numpy's wrapping astype): exact for int16, and
    // the same bits for uint16; 8-bit samples fit either way.
    Ok(match (bits, signed) {
        (16, true) => AnyVolume::I16(vol(data, shape, g, meta, dir)?),
        (16, false) => AnyVolume::U16(vol(
            data.into_iter().map(|v| v as u16).collect(),
            shape,
            g,
            meta,
            dir,
        )?),
        (_, true) => AnyVolume::I8(vol(
            data.into_iter().map(|v| v as i8).collect(),
            shape,
            g,
            meta,
            dir,
        )?),
        (_, false) => AnyVolume::U8(vol(
            data.into_iter().map(|v| v as u8).collect(),
            shape,
            g,
            meta,
            dir,
        )?),
    })
}
