//! Opening DICOM files, with a lenient retry for file meta groups dicom-rs rejects but
//! pydicom reads (e.g. an Implementation Version Name longer than its 16-character limit).

use super::scan::{self, Scan};
use crate::error::{Error, Result};
use crate::input::{open_regular, read_prefix};
use dicom_dictionary_std::tags;
use dicom_object::{DefaultDicomObject, OpenFileOptions};
use std::path::Path;

fn options(header_only: bool) -> OpenFileOptions {
    let o = OpenFileOptions::new();
    if header_only {
        o.read_until(tags::PIXEL_DATA)
    } else {
        o
    }
}

/// The panic message of a caught panic.
pub(crate) fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

/// Opens a file; `header_only` stops before the Pixel Data. The file must be a regular file
/// and pass [`scan::scan`] first, so dicom-rs never allocates more than the file holds; a
/// panic inside dicom-rs becomes an error naming the file.
pub(crate) fn open(path: &Path, header_only: bool) -> Result<(DefaultDicomObject, Scan)> {
    let (file, len) = open_regular(path)?;
    let info = scan::scan(path, &file, len, header_only)?;
    let parse = || match options(header_only).open_file(path) {
        Ok(o) => Ok(o),
        Err(first) => {
            // Only what the scan covered (the header, for a header-only open).
            let bytes = read_prefix(&file, path, info.stop)?;
            let fixed = repair_meta(&bytes).ok_or_else(|| Error::Dicom {
                path: path.to_path_buf(),
                message: first.to_string(),
            })?;
            options(header_only)
                .from_reader(std::io::Cursor::new(fixed))
                .map_err(|_| Error::Dicom {
                    path: path.to_path_buf(),
                    message: first.to_string(),
                })
        }
    };
    let obj = std::panic::catch_unwind(std::panic::AssertUnwindSafe(parse)).map_err(|p| {
        Error::Dicom {
            path: path.to_path_buf(),
            message: format!("the DICOM parser panicked: {}", panic_message(&*p)),
        }
    })??;
    Ok((obj, info))
}

/// Rewrites the file meta group (explicit VR little endian) dropping over-long optional
/// short-string elements and recomputing the group length. `None` if it cannot be parsed or
/// nothing needed fixing.
pub(crate) fn repair_meta(bytes: &[u8]) -> Option<Vec<u8>> {
    if bytes.len() < 132 || &bytes[128..132] != b"DICM" {
        return None;
    }
    let mut pos = 132;
    let mut kept: Vec<&[u8]> = Vec::new();
    let mut changed = false;
    while pos + 8 <= bytes.len() {
        let group = u16::from_le_bytes([bytes[pos], bytes[pos + 1]]);
        if group != 0x0002 {
            break;
        }
        let elem = u16::from_le_bytes([bytes[pos + 2], bytes[pos + 3]]);
        let vr = &bytes[pos + 4..pos + 6];
        let (hlen, len) = if matches!(vr, b"OB" | b"OW" | b"OF" | b"SQ" | b"UT" | b"UN") {
            let l = bytes.get(pos + 8..pos + 12)?;
            (12, u32::from_le_bytes([l[0], l[1], l[2], l[3]]) as usize)
        } else {
            (
                8,
                u16::from_le_bytes([bytes[pos + 6], bytes[pos + 7]]) as usize,
            )
        };
        let end = pos.checked_add(hlen)?.checked_add(len)?;
        if end > bytes.len() {
            return None;
        }
        let too_long = matches!(elem, 0x0013 | 0x0016 | 0x0017 | 0x0018) && len > 16;
        if elem == 0x0000 || too_long {
            changed |= too_long;
        } else {
            kept.push(&bytes[pos..end]);
        }
        pos = end;
    }
    if !changed {
        return None;
    }
    let group_len: usize = kept.iter().map(|e| e.len()).sum();
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..132]);
    out.extend_from_slice(&[0x02, 0x00, 0x00, 0x00, b'U', b'L', 0x04, 0x00]);
    out.extend_from_slice(&(group_len as u32).to_le_bytes());
    for e in kept {
        out.extend_from_slice(e);
    }
    out.extend_from_slice(&bytes[pos..]);
    Some(out)
}
