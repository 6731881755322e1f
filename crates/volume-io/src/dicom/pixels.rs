//! Stored pixel values of one slice, exactly as pydicom 3's `pixel_array` followed by
//! grt123's `.astype(np.int16)`.

use super::header::uint;
use super::syntax::{classify, Kind};
use crate::error::{Error, Result};
use dicom_core::value::Value;
use dicom_dictionary_std::tags;
use dicom_object::DefaultDicomObject;
use dicom_pixeldata::PixelDecoder;
use std::path::Path;

/// Sample layout of the stored values.
#[derive(Debug, Clone, Copy)]
struct Layout {
    bits_allocated: u32,
    signed: bool,
}

/// JPEG 2000 codestream signedness and precision of the first component (from SIZ).
fn j2k_siz(stream: &[u8]) -> Option<(bool, u32)> {
    let limit = stream.len().min(1 << 16);
    let pos = stream[..limit]
        .windows(4)
        .position(|w| w == [0xFF, 0x4F, 0xFF, 0x51])?;
    let ssiz = *stream.get(pos + 2 + 40)?;
    Some((ssiz & 0x80 != 0, u32::from(ssiz & 0x7F) + 1))
}

/// JPEG 2000 image width and height (from SIZ: `Xsiz - XOsiz`, `Ysiz - YOsiz`).
fn j2k_dims(stream: &[u8]) -> Option<(u32, u32)> {
    let limit = stream.len().min(1 << 16);
    let pos = stream[..limit]
        .windows(4)
        .position(|w| w == [0xFF, 0x4F, 0xFF, 0x51])?;
    let word = |at: usize| {
        let b = stream.get(pos + at..pos + at + 4)?;
        Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    };
    Some((
        word(8)?.checked_sub(word(16)?)?,
        word(12)?.checked_sub(word(20)?)?,
    ))
}

/// pydicom's unused-bit correction: shift left then right within the sample type, which
/// sign-extends signed samples and clears the high bits of unsigned ones; then numpy's
/// `astype(int16)` (wrapping).
#[inline]
fn to_i16(raw: u32, bits: u32, shift: u32, signed: bool) -> i16 {
    match (bits, signed) {
        (8, false) => i16::from(((raw as u8) << shift) >> shift),
        (8, true) => i16::from(((raw as u8 as i8) << shift) >> shift),
        (16, false) => (((raw as u16) << shift) >> shift) as i16,
        (16, true) => ((raw as u16 as i16) << shift) >> shift,
        (_, false) => ((raw << shift) >> shift) as i16,
        (_, true) => (((raw as i32) << shift) >> shift) as i16,
    }
}

fn convert(bytes: &[u8], layout: Layout, shift: u32, big: bool, out: &mut [i16]) {
    let b = (layout.bits_allocated / 8) as usize;
    let s = layout.signed;
    let bits = layout.bits_allocated;
    match (b, big) {
        (1, _) => {
            for (o, &v) in out.iter_mut().zip(bytes) {
                *o = to_i16(u32::from(v), 8, shift, s);
            }
        }
        (2, false) => {
            for (o, c) in out.iter_mut().zip(bytes.chunks_exact(2)) {
                *o = to_i16(u32::from(u16::from_le_bytes([c[0], c[1]])), bits, shift, s);
            }
        }
        (2, true) => {
            for (o, c) in out.iter_mut().zip(bytes.chunks_exact(2)) {
                *o = to_i16(u32::from(u16::from_be_bytes([c[0], c[1]])), bits, shift, s);
            }
        }
        (_, false) => {
            for (o, c) in out.iter_mut().zip(bytes.chunks_exact(4)) {
                *o = to_i16(u32::from_le_bytes([c[0], c[1], c[2], c[3]]), bits, shift, s);
            }
        }
        (_, true) => {
            for (o, c) in out.iter_mut().zip(bytes.chunks_exact(4)) {
                *o = to_i16(u32::from_be_bytes([c[0], c[1], c[2], c[3]]), bits, shift, s);
            }
        }
    }
}

/// Checks RLE fragment headers (segment count 1..=15, offsets inside the fragment) before
/// dicom-pixeldata reads them: it would allocate a declared count of up to 2³² offsets and
/// index past the fragment (`rle_lossless.rs:235/237`, a panic or an allocation abort).
fn check_rle(path: &Path, fragments: &[Vec<u8>]) -> Result<()> {
    let bad = |m: String| Error::Decode {
        path: path.to_path_buf(),
        message: format!("RLE: {m}"),
    };
    if fragments.len() != 1 {
        return Err(bad(format!("{} fragments for one frame", fragments.len())));
    }
    for f in fragments {
        let word = |i: usize| {
            f.get(4 * i..4 * i + 4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        };
        let n = word(0).ok_or_else(|| bad("fragment shorter than its 64-byte header".into()))?;
        if !(1..=15).contains(&n) || f.len() < 64 {
            return Err(bad(format!("{n} segments in a {}-byte fragment", f.len())));
        }
        for i in 1..=n as usize {
            let off = word(i).unwrap_or(0) as usize;
            if off < 64 || off > f.len() {
                return Err(bad(format!(
                    "segment {i} offset {off} outside the fragment"
                )));
            }
        }
    }
    Ok(())
}

/// Decodes the slice's stored values into `out` (length rows × cols).
pub(crate) fn decode_into(path: &Path, obj: &DefaultDicomObject, out: &mut [i16]) -> Result<()> {
    let uid = obj
        .meta()
        .transfer_syntax()
        .trim_end_matches('\0')
        .to_string();
    let (kind, name) = classify(&uid);
    if kind == Kind::Unsupported {
        return Err(Error::UnsupportedTransferSyntax {
            path: path.to_path_buf(),
            uid,
            name: name.to_string(),
        });
    }
    let missing = |tag| Error::MissingTag {
        path: path.to_path_buf(),
        tag,
    };
    let bad = |tag, value: String| Error::BadTag {
        path: path.to_path_buf(),
        tag,
        value,
    };
    let bits_allocated = uint(obj, tags::BITS_ALLOCATED).ok_or_else(|| missing("BitsAllocated"))?;
    if !matches!(bits_allocated, 8 | 16 | 32) {
        return Err(bad("BitsAllocated", bits_allocated.to_string()));
    }
    let bits_stored = uint(obj, tags::BITS_STORED).unwrap_or(bits_allocated);
    if bits_stored == 0 || bits_stored > bits_allocated {
        return Err(bad("BitsStored", bits_stored.to_string()));
    }
    let signed = uint(obj, tags::PIXEL_REPRESENTATION).unwrap_or(0) == 1;
    let spp = uint(obj, tags::SAMPLES_PER_PIXEL).unwrap_or(1);
    if spp != 1 {
        return Err(Error::Unsupported {
            path: path.to_path_buf(),
            what: format!("SamplesPerPixel {spp} (only grayscale CT)"),
        });
    }
    let layout = Layout {
        bits_allocated,
        signed,
    };
    let need = out.len() * (bits_allocated as usize / 8);
    let unused = bits_allocated - bits_stored;
    let element = obj
        .element_opt(tags::PIXEL_DATA)
        .ok()
        .flatten()
        .ok_or_else(|| missing("PixelData"))?;
    match kind {
        Kind::Native | Kind::NativeBig => {
            let bytes = match element.value() {
                Value::Primitive(p) => p.to_bytes(),
                _ => return Err(bad("PixelData", "not a primitive value".into())),
            };
            if bytes.len() < need {
                return Err(Error::DataSize {
                    path: path.to_path_buf(),
                    expected: need as u64,
                    found: bytes.len() as u64,
                });
            }
            // dicom-rs holds OW values as native (little-endian) words already.
            let big = kind == Kind::NativeBig
                && matches!(
                    element.value(),
                    Value::Primitive(dicom_core::PrimitiveValue::U8(_))
                );
            convert(&bytes[..need], layout, unused, big, out);
        }
        Kind::Jpeg2000 | Kind::Encapsulated => {
            let first = element.value().fragments().and_then(|f| f.first());
            if kind == Kind::Jpeg2000 {
                // A codestream larger than Rows x Columns makes the adapter write past its
                // buffer (jpeg2k.rs:90); a huge one would be allocated first.
                let (rows, cols) = (
                    uint(obj, tags::ROWS).unwrap_or(0),
                    uint(obj, tags::COLUMNS).unwrap_or(0),
                );
                if let Some((w, h)) = first.and_then(|f| j2k_dims(f)) {
                    if (w, h) != (cols, rows) {
                        return Err(Error::Decode {
                            path: path.to_path_buf(),
                            message: format!(
                                "JPEG 2000 codestream is {w} x {h} but Columns x Rows is \
                                 {cols} x {rows}"
                            ),
                        });
                    }
                }
            }
            let shift = if kind == Kind::Jpeg2000 {
                match first.and_then(|f| j2k_siz(f)) {
                    Some((j2k_signed, precision))
                        if j2k_signed != signed && bits_allocated > precision =>
                    {
                        bits_allocated - precision
                    }
                    _ => 0,
                }
            } else {
                unused
            };
            if uid == "1.2.840.10008.1.2.5" {
                check_rle(path, element.value().fragments().unwrap_or_default())?;
            }
            // dicom-pixeldata's adapters panic on some malformed streams (see
            // docs/upstream-bugs.md): a panic is this file's error, not the process's end.
            let decode = || obj.decode_pixel_data();
            let decoded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(decode))
                .map_err(|p| Error::DecoderPanic {
                    path: path.to_path_buf(),
                    transfer_syntax: format!("{name} ({uid})"),
                    message: super::open::panic_message(&*p),
                })?
                .map_err(|e| Error::Decode {
                    path: path.to_path_buf(),
                    message: e.to_string(),
                })?;
            let bytes = decoded.data();
            if bytes.len() < need {
                return Err(Error::DataSize {
                    path: path.to_path_buf(),
                    expected: need as u64,
                    found: bytes.len() as u64,
                });
            }
            convert(&bytes[..need], layout, shift, false, out);
        }
        Kind::Unsupported => {}
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unused_bits_follow_pydicom() {
        // 12 bits stored, signed: 0x0FFF is -1 after sign extension.
        assert_eq!(to_i16(0x0FFF, 16, 4, true), -1);
        // Unsigned: high garbage bits are cleared.
        assert_eq!(to_i16(0xF123, 16, 4, false), 0x0123);
        // uint16 above 32767 wraps in astype(int16).
        assert_eq!(to_i16(40000, 16, 0, false), (40000u16) as i16);
        // int32 truncates to the low 16 bits.
        assert_eq!(to_i16(0x0001_0005, 32, 0, true), 5);
        assert_eq!(to_i16(200, 8, 0, false), 200);
        assert_eq!(to_i16(200, 8, 0, true), -56);
    }

    #[test]
    fn siz_marker() {
        let mut s = vec![0xFF, 0x4F, 0xFF, 0x51];
        s.extend_from_slice(&[0u8; 38]);
        s.push(0x8B); // signed, 12 bits
        assert_eq!(j2k_siz(&s), Some((true, 12)));
        assert_eq!(j2k_siz(&[1, 2, 3]), None);
    }
}
