//! DICOM series: a header-only pass that groups files by SeriesInstanceUID, grt123's slice
//! ordering and thickness, and a parallel decode to grt123's HU int16.

mod geometry;
mod header;
mod open;
mod order;
mod pixels;
mod scan;
mod stored;
mod syntax;

use crate::error::{check_spacing, Error, Result};
use crate::volume::{Format, Metadata, Volume};
use crate::ReadOptions;
use dicom_dictionary_std::tags;
use header::SliceHeader;
use ndarray::Array3;
use rayon::prelude::*;
use std::io::Read;
use std::path::{Path, PathBuf};
pub use stored::read_stored;

/// One series found in a folder.
#[derive(Debug, Clone, PartialEq)]
pub struct SeriesInfo {
    /// SeriesInstanceUID (empty when the files lack it).
    pub uid: String,
    /// SeriesNumber.
    pub series_number: Option<i64>,
    /// SeriesDescription.
    pub description: Option<String>,
    /// Modality.
    pub modality: Option<String>,
    /// PatientID.
    pub patient_id: Option<String>,
    /// The series' files, sorted by path.
    pub files: Vec<PathBuf>,
    /// Transfer syntax UID of the first file.
    pub transfer_syntax: String,
    /// Rows of the first file.
    pub rows: u32,
    /// Columns of the first file.
    pub cols: u32,
}

/// Whether a file starts with the DICOM preamble magic (`DICM` at byte 128).
pub(crate) fn has_dicm_magic(path: &Path) -> bool {
    let mut buf = [0u8; 132];
    crate::input::open_regular(path)
        .ok()
        .and_then(|(mut f, _)| f.read_exact(&mut buf).ok())
        .is_some_and(|_| &buf[128..] == b"DICM")
}

/// Extensions that name a DICOM file: such a file without the magic (empty, truncated) is a
/// broken slice, not a stray file to ignore.
const DICOM_EXTENSIONS: [&str; 3] = ["dcm", "dicom", "ima"];

/// Image storage SOP classes (CT, MR, CR, DX, SC, NM, PET, US, XA): such a file without
/// Rows, Columns and Pixel Data is a truncated slice, not a non-image object.
fn image_class(uid: &str) -> bool {
    let uid = uid.trim_end_matches(['\0', ' ']);
    uid.strip_prefix("1.2.840.10008.5.1.4.1.1.")
        .is_some_and(|rest| {
            let major = rest.split('.').next().unwrap_or("");
            matches!(
                major,
                "1" | "2" | "4" | "6" | "7" | "12" | "20" | "128" | "130"
            )
        })
}

/// Every regular file under `dir`, through the loop-safe walk (links out of `dir`, FIFOs and
/// devices skipped, never opened).
fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))?;
    out.extend(crate::walk::files(dir, false).files);
    Ok(())
}

/// Header-only read of one file (stops before Pixel Data). `Ok(None)` for files that are not
/// DICOM images (no `DICM` magic, or no Rows/Columns such as a DICOMDIR); an error for a
/// broken one (a `.dcm` without the magic, a truncated image, a size its data cannot hold).
fn read_header(path: &Path) -> Result<Option<SliceHeader>> {
    if !has_dicm_magic(path) {
        let ext = path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        if ext.is_some_and(|e| DICOM_EXTENSIONS.contains(&e.as_str())) {
            return Err(Error::Dicom {
                path: path.to_path_buf(),
                message: "no DICM magic at byte 128 (empty, truncated or not DICOM)".into(),
            });
        }
        return Ok(None);
    }
    let (obj, scan) = open::open(path, true)?;
    if obj.get(tags::ROWS).is_none() && obj.get(tags::COLUMNS).is_none() {
        if scan.pixel.is_none() && image_class(obj.meta().media_storage_sop_class_uid()) {
            return Err(Error::MissingTag {
                path: path.to_path_buf(),
                tag: "PixelData",
            });
        }
        return Ok(None);
    }
    let h = SliceHeader::from_object(path, &obj)?;
    check_pixel_size(&h, &scan)?;
    Ok(Some(h))
}

/// Rows × Columns × SamplesPerPixel × BitsAllocated × frames against the Pixel Data the
/// file holds: native data must hold it all (a truncated slice fails here, naming the
/// file); compressed data may not declare more than 4096 times its size (or 8 MiB), so a
/// lying header cannot make a decoder allocate gigabytes.
fn check_pixel_size(h: &SliceHeader, scan: &scan::Scan) -> Result<()> {
    if scan.deflated {
        return Ok(());
    }
    let path = &h.path;
    let px = scan.pixel.ok_or_else(|| Error::MissingTag {
        path: path.clone(),
        tag: "PixelData",
    })?;
    if h.rows == 0 || h.cols == 0 {
        return Err(Error::BadTag {
            path: path.clone(),
            tag: "Rows",
            value: format!("{} x {}", h.rows, h.cols),
        });
    }
    let sample = u64::from(h.bits_allocated.unwrap_or(16).div_ceil(8).max(1));
    let need = [
        u64::from(h.cols),
        u64::from(h.samples_per_pixel.unwrap_or(1).max(1)),
        sample,
        u64::from(h.frames.max(1)),
    ]
    .iter()
    .try_fold(u64::from(h.rows), |a, &b| a.checked_mul(b))
    .unwrap_or(u64::MAX);
    if !px.encapsulated && px.bytes < need {
        return Err(Error::DataSize {
            path: path.clone(),
            expected: need,
            found: px.bytes,
        });
    }
    // More than twice the frame (+1 MiB), native or compressed, is not a slice but a way to
    // make the parser read gigabytes per decoding thread.
    if px.bytes > need.saturating_mul(2).max(need.saturating_add(1 << 20)) {
        return Err(Error::Unsupported {
            path: path.clone(),
            what: format!(
                "Pixel Data of {} bytes for a {} x {} frame of {need} bytes",
                px.bytes, h.rows, h.cols
            ),
        });
    }
    if px.encapsulated && need > (px.bytes.saturating_mul(4096)).max(8 << 20) {
        return Err(Error::Decode {
            path: path.clone(),
            message: format!(
                "{} x {} declares {need} decoded bytes from {} compressed bytes",
                h.rows, h.cols, px.bytes
            ),
        });
    }
    Ok(())
}

/// Header pass over files: every DICOM image's header. A file that fails fails the pass,
/// or with `skip_bad` becomes a warning.
fn headers_of(files: &[PathBuf], skip_bad: bool) -> Result<(Vec<SliceHeader>, Vec<String>)> {
    let found: Vec<Result<Option<SliceHeader>>> =
        files.par_iter().map(|p| read_header(p)).collect();
    let mut headers = Vec::new();
    let mut warnings = Vec::new();
    for r in found {
        match r {
            Ok(Some(h)) => headers.push(h),
            Ok(None) => {}
            Err(e) if skip_bad => warnings.push(format!("skipped a bad file: {e}")),
            Err(e) => return Err(e),
        }
    }
    Ok((headers, warnings))
}

/// Groups headers into series, ranked: the requested UID first, else most files, ties by
/// lowest SeriesNumber, then UID.
fn group(headers: Vec<SliceHeader>, want: Option<&str>) -> Vec<Vec<SliceHeader>> {
    let mut groups: Vec<Vec<SliceHeader>> = Vec::new();
    for h in headers {
        match groups.iter_mut().find(|g| g[0].series_uid == h.series_uid) {
            Some(g) => g.push(h),
            None => groups.push(vec![h]),
        }
    }
    for g in &mut groups {
        g.sort_by(|a, b| a.path.cmp(&b.path));
    }
    groups.sort_by(|a, b| {
        let wa = want == Some(a[0].series_uid.as_str());
        let wb = want == Some(b[0].series_uid.as_str());
        wb.cmp(&wa)
            .then(b.len().cmp(&a.len()))
            .then(
                a[0].series_number
                    .unwrap_or(i64::MAX)
                    .cmp(&b[0].series_number.unwrap_or(i64::MAX)),
            )
            .then(a[0].series_uid.cmp(&b[0].series_uid))
    });
    groups
}

fn info(g: &[SliceHeader]) -> SeriesInfo {
    let h = &g[0];
    SeriesInfo {
        uid: h.series_uid.clone(),
        series_number: h.series_number,
        description: h.description.clone(),
        modality: h.modality.clone(),
        patient_id: h.patient_id.clone(),
        files: g.iter().map(|h| h.path.clone()).collect(),
        transfer_syntax: h.transfer_syntax.clone(),
        rows: h.rows,
        cols: h.cols,
    }
}

fn list_files(path: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    if path.is_dir() {
        walk(path, &mut files)?;
    } else {
        files.push(path.to_path_buf());
    }
    Ok(files)
}

/// Header-only pass over a folder (searched recursively): every series, the one
/// [`read_series`] would choose (with default options) first.
pub fn scan_series(dir: &Path) -> Result<Vec<SeriesInfo>> {
    let (headers, _) = headers_of(&list_files(dir)?, false)?;
    Ok(group(headers, None).iter().map(|g| info(g)).collect())
}

/// Reads one series from a folder (searched recursively) or a single DICOM file, as grt123's
/// `load_scan` + `get_pixels_hu`: HU as int16, `(z, y, x)`, spacing
/// `[thickness, PixelSpacing[0], PixelSpacing[1]]`, origin `ImagePositionPatient[::-1]` of the
/// first slice.
///
/// With several series in the folder, `opts.series_uid` picks one; otherwise the one with the
/// most files (ties: lowest SeriesNumber), and the choice is recorded in the warnings.
pub fn read_series(dir: &Path, opts: &ReadOptions) -> Result<Volume<i16>> {
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
        let others: Vec<String> = groups[1..]
            .iter()
            .map(|g| format!("{} ({} files)", g[0].series_uid, g.len()))
            .collect();
        warnings.push(format!(
            "{} series in {}: read {} ({} files, {}); others: {}",
            groups.len(),
            dir.display(),
            groups[0][0].series_uid,
            groups[0].len(),
            if opts.series_uid.is_some() {
                "as requested"
            } else {
                "most slices"
            },
            others.join(", ")
        ));
    }
    let series = groups.swap_remove(0);
    read_headers(dir, series, warnings, opts)
}

fn read_headers(
    dir: &Path,
    series: Vec<SliceHeader>,
    mut warnings: Vec<String>,
    opts: &ReadOptions,
) -> Result<Volume<i16>> {
    let max = opts.max_bytes;
    for h in &series {
        if h.frames != 1 {
            return Err(Error::Unsupported {
                path: h.path.clone(),
                what: format!("multi-frame image ({} frames)", h.frames),
            });
        }
    }
    // grt123's order and thickness.
    let geo = geometry::series_geometry(&series, &mut warnings)?;
    let slices: Vec<&SliceHeader> = geo.order.iter().map(|&i| &series[i]).collect();
    let first = slices[0];
    let (rows, cols) = (first.rows, first.cols);
    for h in &slices {
        if (h.rows, h.cols) != (rows, cols) {
            return Err(Error::SliceSize {
                path: h.path.clone(),
                expected: (rows, cols),
                found: (h.rows, h.cols),
            });
        }
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
        .saturating_mul(slices.len() as u64)
        .saturating_mul(2);
    crate::input::check_limit(dir, total, max)?;
    if let Some(m) = first.modality.as_deref().filter(|m| *m != "CT") {
        warnings.push(format!(
            "Modality is {m}, not CT: values are not Hounsfield units and the lung \
             segmentation expects CT"
        ));
    }
    let mut data = vec![0i16; plane * slices.len()];
    data.par_chunks_mut(plane)
        .zip(slices.par_iter())
        .try_for_each(|(out, h)| -> Result<()> {
            let (obj, _) = open::open(&h.path, false)?;
            pixels::decode_into(&h.path, &obj, out)
        })?;
    let mut image = Array3::from_shape_vec((slices.len(), rows as usize, cols as usize), data)
        .map_err(|e| Error::header(dir, e.to_string()))?;
    let mut missing_rescale = false;
    let rescale: Vec<lungprep_hu::Rescale> = slices
        .iter()
        .map(|h| {
            missing_rescale |= h.slope.is_none() || h.intercept.is_none();
            lungprep_hu::Rescale {
                slope: h.slope.unwrap_or(1.0),
                intercept: h.intercept.unwrap_or(0.0),
            }
        })
        .collect();
    if missing_rescale {
        warnings.push("RescaleSlope/RescaleIntercept missing: used 1 and 0".into());
    }
    if opts.zuidhof_hu {
        lungprep_hu::zuidhof_hu(&mut image.view_mut(), &rescale)
    } else {
        lungprep_hu::to_hu(&mut image.view_mut(), &rescale)
    }
    .map_err(|e| Error::header(dir, e.to_string()))?;
    let spacing = geo.spacing;
    check_spacing(&first.path, spacing)?;
    Ok(Volume {
        data: image,
        spacing,
        origin: geo.origin,
        direction: geo.direction,
        meta: Metadata {
            format: Format::Dicom,
            series_uid: Some(first.series_uid.clone()).filter(|s| !s.is_empty()),
            series_number: first.series_number,
            patient_id: first.patient_id.clone(),
            modality: first.modality.clone(),
            num_files: slices.len(),
            grt123_thickness: Some(geo.thickness),
            warnings,
            ..Metadata::default()
        },
    })
}
