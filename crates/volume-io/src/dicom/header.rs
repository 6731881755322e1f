//! The per-file attributes the series logic needs, read before the Pixel Data.

use crate::error::{Error, Result};
use dicom_core::VR;
use dicom_dictionary_std::tags;
use dicom_object::{DefaultDicomObject, Tag};
use std::path::{Path, PathBuf};

/// Attributes of one DICOM file, from the header-only pass.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SliceHeader {
    pub path: PathBuf,
    pub series_uid: String,
    pub series_number: Option<i64>,
    pub description: Option<String>,
    pub modality: Option<String>,
    pub patient_id: Option<String>,
    pub transfer_syntax: String,
    pub instance_number: Option<f64>,
    pub position: Option<[f64; 3]>,
    pub orientation: Option<[f64; 6]>,
    pub slice_location: Option<f64>,
    pub slice_thickness: Option<f64>,
    pub pixel_spacing: Option<[f64; 2]>,
    pub rows: u32,
    pub cols: u32,
    pub frames: u32,
    pub slope: Option<f64>,
    pub intercept: Option<f64>,
    pub bits_allocated: Option<u32>,
    pub samples_per_pixel: Option<u32>,
    pub pixel_representation: Option<u32>,
}

/// The element, with values of VR UN (e.g. explicit VR files carrying implicit-VR data)
/// exposed as their raw bytes so they can be re-read with the dictionary VR, as pydicom does.
fn raw_un(obj: &DefaultDicomObject, tag: Tag) -> Option<Option<Vec<u8>>> {
    let e = obj.get(tag)?;
    if e.vr() == VR::UN {
        Some(e.to_bytes().ok().map(|b| b.into_owned()))
    } else {
        Some(None)
    }
}

fn clean(s: &str) -> Option<String> {
    let s = s.trim_matches(|c: char| c == '\0' || c.is_whitespace());
    (!s.is_empty()).then(|| s.to_string())
}

pub(crate) fn text(obj: &DefaultDicomObject, tag: Tag) -> Option<String> {
    if let Some(bytes) = raw_un(obj, tag)? {
        return clean(&String::from_utf8_lossy(&bytes));
    }
    clean(&obj.get(tag)?.to_str().ok()?)
}

pub(crate) fn float(obj: &DefaultDicomObject, tag: Tag) -> Option<f64> {
    if raw_un(obj, tag)?.is_some() {
        return floats(obj, tag)?.first().copied();
    }
    obj.get(tag)?.to_float64().ok()
}

pub(crate) fn floats(obj: &DefaultDicomObject, tag: Tag) -> Option<Vec<f64>> {
    if let Some(bytes) = raw_un(obj, tag)? {
        let s = String::from_utf8_lossy(&bytes);
        return s
            .split('\\')
            .map(|t| {
                t.trim_matches(|c: char| c == '\0' || c.is_whitespace())
                    .parse()
                    .ok()
            })
            .collect();
    }
    obj.get(tag)?.to_multi_float64().ok()
}

pub(crate) fn uint(obj: &DefaultDicomObject, tag: Tag) -> Option<u32> {
    if let Some(b) = raw_un(obj, tag)? {
        return match b.len() {
            2 => Some(u32::from(u16::from_le_bytes([b[0], b[1]]))),
            4 => Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]])),
            _ => None,
        };
    }
    obj.get(tag)?.to_int::<u32>().ok()
}

fn array<const N: usize>(v: Option<Vec<f64>>) -> Option<[f64; N]> {
    v.and_then(|v| <[f64; N]>::try_from(v.get(..N)?.to_vec()).ok())
}

impl SliceHeader {
    /// Extracts the attributes; Rows and Columns are required.
    pub(crate) fn from_object(path: &Path, obj: &DefaultDicomObject) -> Result<Self> {
        let missing = |tag| Error::MissingTag {
            path: path.to_path_buf(),
            tag,
        };
        let rows = uint(obj, tags::ROWS).ok_or_else(|| missing("Rows"))?;
        let cols = uint(obj, tags::COLUMNS).ok_or_else(|| missing("Columns"))?;
        Ok(SliceHeader {
            path: path.to_path_buf(),
            series_uid: text(obj, tags::SERIES_INSTANCE_UID).unwrap_or_default(),
            series_number: float(obj, tags::SERIES_NUMBER).map(|v| v as i64),
            description: text(obj, tags::SERIES_DESCRIPTION),
            modality: text(obj, tags::MODALITY),
            patient_id: text(obj, tags::PATIENT_ID),
            transfer_syntax: obj
                .meta()
                .transfer_syntax()
                .trim_end_matches('\0')
                .to_string(),
            instance_number: float(obj, tags::INSTANCE_NUMBER),
            position: array(floats(obj, tags::IMAGE_POSITION_PATIENT)),
            orientation: array(floats(obj, tags::IMAGE_ORIENTATION_PATIENT)),
            slice_location: float(obj, tags::SLICE_LOCATION),
            slice_thickness: float(obj, tags::SLICE_THICKNESS),
            pixel_spacing: array(floats(obj, tags::PIXEL_SPACING)),
            rows,
            cols,
            frames: float(obj, tags::NUMBER_OF_FRAMES).map_or(1, |v| v as u32),
            slope: float(obj, tags::RESCALE_SLOPE),
            intercept: float(obj, tags::RESCALE_INTERCEPT),
            bits_allocated: uint(obj, tags::BITS_ALLOCATED),
            samples_per_pixel: uint(obj, tags::SAMPLES_PER_PIXEL),
            pixel_representation: uint(obj, tags::PIXEL_REPRESENTATION),
        })
    }
}
