//! A pre-scan of a DICOM file's element stream, before dicom-rs sees it: every declared
//! length is checked against the bytes left in the file (and in its enclosing sequence or
//! item), so that no declared length can make the parser allocate more than the file holds
//! (a 2.7 KB file declaring a 0xF0000000-byte private OB would otherwise cost 3.9 GB). It
//! reads element headers only and seeks over values; header scans stop at Pixel Data.

use crate::error::{Error, Result};
use dicom_core::dictionary::{DataDictionary, VirtualVr};
use dicom_core::{Tag, VR};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

/// Most bytes of attribute values (everything but Pixel Data) a slice may hold. Real CT
/// headers hold well under 1 MB (the largest, vendor private blobs, a few hundred KB); this
/// bounds what the parser allocates per file whatever the file size.
pub(crate) const MAX_ATTRIBUTES: u64 = 64 << 20;

/// Most elements (and items) a file may hold: real slices have hundreds to a few thousand;
/// a file of 2 GiB of zeros would otherwise be 179 million empty elements to walk.
pub(crate) const MAX_ELEMENTS: u64 = 1 << 20;

const UNDEFINED: u32 = 0xFFFF_FFFF;
const PIXEL_DATA: (u16, u16) = (0x7FE0, 0x0010);

/// The top-level Pixel Data element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PixelInfo {
    /// Encapsulated (compressed fragments) rather than native.
    pub encapsulated: bool,
    /// Value bytes: the declared length, or the sum of the fragments.
    pub bytes: u64,
}

/// What the scan learned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Scan {
    /// The transfer syntax UID of the file meta group.
    pub transfer_syntax: String,
    /// The top-level Pixel Data, if any (`None` also for deflated files, not scanned).
    pub pixel: Option<PixelInfo>,
    /// The file length.
    pub file_len: u64,
    /// Deflated transfer syntax: the data set was not scanned (dicom-rs inflates it).
    pub deflated: bool,
    /// Where the scan stopped (the file length, or just after Pixel Data for a header scan).
    pub stop: u64,
}

struct Reader<'a> {
    r: BufReader<&'a File>,
    path: &'a Path,
    pos: u64,
    len: u64,
    big: bool,
}

impl Reader<'_> {
    fn bad(&self, message: String) -> Error {
        Error::Dicom {
            path: self.path.to_path_buf(),
            message,
        }
    }

    fn take<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut b = [0u8; N];
        if self.len - self.pos < N as u64 {
            return Err(self.bad(format!("truncated at byte {} of {}", self.pos, self.len)));
        }
        self.r
            .read_exact(&mut b)
            .map_err(|e| Error::io(self.path, e))?;
        self.pos += N as u64;
        Ok(b)
    }

    fn u16(&mut self) -> Result<u16> {
        let b = self.take::<2>()?;
        Ok(if self.big {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    }

    fn u32(&mut self) -> Result<u32> {
        let b = self.take::<4>()?;
        Ok(if self.big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    }

    /// Checks that `n` value bytes fit before `end` (the file's or the enclosing item's).
    /// An explicit-VR element's VR and value length; an unknown VR is read as UN (with a
    /// 4-byte length), as dicom-rs does.
    fn explicit_vr_length(&mut self) -> Result<([u8; 2], u32)> {
        let vr = self.take::<2>()?;
        let vr = if VR::from_binary(vr).is_some() {
            vr
        } else {
            *b"UN"
        };
        let n = if long_vr(vr) {
            self.take::<2>()?;
            self.u32()?
        } else {
            u32::from(self.u16()?)
        };
        Ok((vr, n))
    }

    fn fits(&self, tag: (u16, u16), n: u32, end: u64) -> Result<()> {
        let left = end.min(self.len).saturating_sub(self.pos);
        if u64::from(n) > left {
            return Err(self.bad(format!(
                "element ({:04X},{:04X}) declares {n} bytes but only {left} remain \
                 (truncated or corrupt)",
                tag.0, tag.1
            )));
        }
        Ok(())
    }

    fn skip(&mut self, n: u64) -> Result<()> {
        self.r
            .seek_relative(n as i64)
            .map_err(|e| Error::io(self.path, e))?;
        self.pos += n;
        Ok(())
    }
}

/// VRs whose explicit encoding has a 4-byte length.
fn long_vr(vr: [u8; 2]) -> bool {
    matches!(
        &vr,
        b"OB"
            | b"OD"
            | b"OF"
            | b"OL"
            | b"OV"
            | b"OW"
            | b"SQ"
            | b"SV"
            | b"UC"
            | b"UN"
            | b"UR"
            | b"UT"
            | b"UV"
    )
}

/// The standard dictionary's VR for a tag (implicit VR files), as dicom-rs reads it.
fn dict_vr(tag: (u16, u16)) -> [u8; 2] {
    match dicom_dictionary_std::StandardDataDictionary
        .by_tag(Tag(tag.0, tag.1))
        .map(|e| e.vr)
    {
        Some(VirtualVr::Exact(vr)) => vr.to_bytes(),
        Some(VirtualVr::Xs) => *b"US",
        _ => *b"UN",
    }
}

/// Bytes per value of binary VRs: dicom-rs reads `length / size` values and ignores the
/// rest, so a length that is not a multiple would desynchronise it from the stream.
fn value_size(vr: [u8; 2]) -> u32 {
    match &vr {
        b"SS" | b"US" | b"OW" => 2,
        b"FL" | b"SL" | b"UL" | b"AT" | b"OF" | b"OL" => 4,
        b"FD" | b"OD" | b"OV" | b"SV" | b"UV" => 8,
        _ => 1,
    }
}

/// Scans `file` (which starts with the 128-byte preamble and `DICM`). With `header_only`,
/// stops at the top-level Pixel Data after checking its length; otherwise scans to the end.
pub(crate) fn scan(path: &Path, file: &File, len: u64, header_only: bool) -> Result<Scan> {
    let mut r = Reader {
        r: BufReader::with_capacity(1 << 14, file),
        path,
        pos: 0,
        len,
        big: false,
    };
    r.take::<128>()?;
    if &r.take::<4>()? != b"DICM" {
        return Err(r.bad("no DICM magic".into()));
    }
    // File meta group: explicit VR little endian, group 0002.
    let mut ts = String::new();
    let mut first = None;
    while r.pos < len {
        let t = r.take::<4>()?;
        let tag = (
            u16::from_le_bytes([t[0], t[1]]),
            u16::from_le_bytes([t[2], t[3]]),
        );
        if tag.0 != 0x0002 {
            first = Some(t);
            break;
        }
        let (_, n) = r.explicit_vr_length()?;
        r.fits(tag, n, len)?;
        if tag == (0x0002, 0x0010) && n <= 256 {
            let mut v = vec![0u8; n as usize];
            r.r.read_exact(&mut v).map_err(|e| Error::io(path, e))?;
            r.pos += u64::from(n);
            ts = String::from_utf8_lossy(&v)
                .trim_end_matches(['\0', ' '])
                .to_string();
        } else {
            r.skip(u64::from(n))?;
        }
    }
    let mut out = Scan {
        transfer_syntax: ts.clone(),
        pixel: None,
        file_len: len,
        stop: len,
        deflated: false,
    };
    let explicit_base = match ts.as_str() {
        "1.2.840.10008.1.2" => false,
        "1.2.840.10008.1.2.2" => {
            r.big = true;
            true
        }
        // Deflated: the data set is compressed; dicom-rs inflates it (not scanned here).
        "1.2.840.10008.1.2.1.99" => {
            out.deflated = true;
            return Ok(out);
        }
        _ => true,
    };
    let Some(mut pending) = first.map(|t| {
        if r.big {
            (
                u16::from_be_bytes([t[0], t[1]]),
                u16::from_be_bytes([t[2], t[3]]),
            )
        } else {
            (
                u16::from_le_bytes([t[0], t[1]]),
                u16::from_le_bytes([t[2], t[3]]),
            )
        }
    }) else {
        return Ok(out);
    };
    let mut have_pending = true;
    // Ends of the open defined-length sequences and items.
    let mut ends: Vec<u64> = Vec::new();
    // Open undefined-length sequences and items: the VR encoding inside (explicit or not).
    let mut open: Vec<bool> = Vec::new();
    let mut attributes = 0u64;
    let mut count = 0u64;
    loop {
        count += 1;
        if count > MAX_ELEMENTS {
            return Err(Error::Unsupported {
                path: path.to_path_buf(),
                what: format!("more than {MAX_ELEMENTS} DICOM elements"),
            });
        }
        while let Some(&e) = ends.last() {
            if r.pos < e {
                break;
            }
            if r.pos > e {
                return Err(r.bad(format!("an element overruns its item ending at byte {e}")));
            }
            ends.pop();
        }
        if !have_pending {
            if r.pos == len {
                break;
            }
            pending = (r.u16()?, r.u16()?);
        }
        have_pending = false;
        let tag = pending;
        let end = ends.last().copied().unwrap_or(len);
        if tag.0 == 0xFFFE {
            let n = r.u32()?;
            match tag.1 {
                0xE000 if n == UNDEFINED => {
                    open.push(open.last().copied().unwrap_or(explicit_base))
                }
                0xE000 => {
                    r.fits(tag, n, end)?;
                    ends.push(r.pos + u64::from(n));
                }
                0xE00D | 0xE0DD => {
                    open.pop();
                }
                _ => return Err(r.bad(format!("bad item tag (FFFE,{:04X})", tag.1))),
            }
            continue;
        }
        let explicit = open.last().copied().unwrap_or(explicit_base);
        let (vr, n) = if explicit {
            let (vr, n) = r.explicit_vr_length()?;
            (Some(vr), n)
        } else {
            (None, r.u32()?)
        };
        if tag == PIXEL_DATA && ends.is_empty() && open.is_empty() {
            out.pixel = Some(if n == UNDEFINED {
                PixelInfo {
                    encapsulated: true,
                    bytes: fragments(&mut r)?,
                }
            } else {
                r.fits(tag, n, len)?;
                r.skip(u64::from(n))?;
                PixelInfo {
                    encapsulated: false,
                    bytes: u64::from(n),
                }
            });
            if header_only {
                out.stop = r.pos;
                break;
            }
            continue;
        }
        if n == UNDEFINED {
            // A sequence (or UN holding an implicit VR little endian sequence): items follow.
            open.push(explicit && vr != Some(*b"UN"));
            continue;
        }
        r.fits(tag, n, end)?;
        let vr = vr.unwrap_or_else(|| dict_vr(tag));
        if n % value_size(vr) != 0 {
            return Err(r.bad(format!(
                "element ({:04X},{:04X}) of VR {} has length {n}, not a multiple of {}",
                tag.0,
                tag.1,
                String::from_utf8_lossy(&vr),
                value_size(vr)
            )));
        }
        if &vr == b"SQ" {
            ends.push(r.pos + u64::from(n));
            continue;
        }
        attributes += u64::from(n);
        if attributes > MAX_ATTRIBUTES {
            return Err(Error::Unsupported {
                path: path.to_path_buf(),
                what: format!("more than {MAX_ATTRIBUTES} bytes of attributes besides Pixel Data"),
            });
        }
        r.skip(u64::from(n))?;
    }
    Ok(out)
}

/// Walks encapsulated Pixel Data items (offset table and fragments) up to the sequence
/// delimiter, checking each length; returns their total bytes.
fn fragments(r: &mut Reader<'_>) -> Result<u64> {
    let mut total = 0u64;
    for _ in 0..MAX_ELEMENTS {
        let tag = (r.u16()?, r.u16()?);
        let n = r.u32()?;
        match tag {
            (0xFFFE, 0xE000) => {
                r.fits(tag, n, r.len)?;
                r.skip(u64::from(n))?;
                total += u64::from(n);
            }
            (0xFFFE, 0xE0DD) => return Ok(total),
            _ => {
                return Err(r.bad(format!(
                    "bad tag ({:04X},{:04X}) in encapsulated Pixel Data",
                    tag.0, tag.1
                )))
            }
        }
    }
    Err(Error::Unsupported {
        path: r.path.to_path_buf(),
        what: format!("more than {MAX_ELEMENTS} Pixel Data fragments"),
    })
}
