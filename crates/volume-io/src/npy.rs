//! numpy `.npy` files via `ndarray-npy`, with the header checked against the file size before
//! anything is allocated, and atomic writes.

use crate::any::AnyVolume;
use crate::atomic::write_atomic;
use crate::element::Dtype;
use crate::error::{check_spacing, Error, Result};
use crate::volume::{Format, Volume};
use ndarray::{ArrayD, ArrayView, Dimension, IxDyn};
use ndarray_npy::{ReadNpyExt, ReadableElement, WritableElement, WriteNpyExt};
use std::io::{BufReader, Read};
use std::path::Path;

/// What an `.npy` header says.
#[derive(Debug, Clone, PartialEq)]
pub struct NpyHeader {
    /// The dtype descriptor, e.g. `<i2`.
    pub descr: String,
    /// Whether the data is in Fortran order.
    pub fortran_order: bool,
    /// The array shape.
    pub shape: Vec<usize>,
    /// Bytes before the data.
    pub data_offset: u64,
}

impl NpyHeader {
    /// numpy dtype name for the descriptor (`int16`, ...), if it is one this crate reads.
    fn dtype(&self) -> Option<(Dtype, bool)> {
        let d = self.descr.as_str();
        let (order, code) = d.split_at(d.len().min(1));
        let big = match order {
            "<" | "|" | "=" => false,
            ">" => true,
            _ => return None,
        };
        let t = match code {
            "u1" => Dtype::U8,
            "i1" => Dtype::I8,
            "b1" => Dtype::U8,
            "u2" => Dtype::U16,
            "i2" => Dtype::I16,
            "u4" => Dtype::U32,
            "i4" => Dtype::I32,
            "u8" => Dtype::U64,
            "i8" => Dtype::I64,
            "f4" => Dtype::F32,
            "f8" => Dtype::F64,
            _ => return None,
        };
        Some((t, big))
    }
}

/// Reads and checks the header of an `.npy` file (the data length must match the file size).
pub fn read_npy_header(path: &Path) -> Result<NpyHeader> {
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let file_len = file.metadata().map_err(|e| Error::io(path, e))?.len();
    let mut r = BufReader::new(file);
    let bad = |m: &str| Error::header(path, m);
    let mut pre = [0u8; 8];
    r.read_exact(&mut pre).map_err(|_| bad("file too short"))?;
    if &pre[..6] != b"\x93NUMPY" {
        return Err(bad("not an .npy file (bad magic)"));
    }
    let (hlen, prefix) = match pre[6] {
        1 => {
            let mut b = [0u8; 2];
            r.read_exact(&mut b).map_err(|_| bad("file too short"))?;
            (u16::from_le_bytes(b) as u64, 10u64)
        }
        2 | 3 => {
            let mut b = [0u8; 4];
            r.read_exact(&mut b).map_err(|_| bad("file too short"))?;
            (u32::from_le_bytes(b) as u64, 12u64)
        }
        v => return Err(bad(&format!("unsupported .npy version {v}"))),
    };
    if prefix + hlen > file_len {
        return Err(bad("header longer than the file"));
    }
    let mut text = vec![0u8; hlen as usize];
    r.read_exact(&mut text).map_err(|_| bad("file too short"))?;
    let text = String::from_utf8_lossy(&text);
    let field = |key: &str| -> Option<String> {
        let k = text.find(&format!("'{key}'"))?;
        let rest = text[k + key.len() + 2..].trim_start();
        let rest = rest.strip_prefix(':')?.trim_start();
        Some(rest.to_string())
    };
    let descr = field("descr")
        .and_then(|s| {
            let s = s.strip_prefix('\'')?;
            Some(s[..s.find('\'')?].to_string())
        })
        .ok_or_else(|| bad("no 'descr'"))?;
    let fortran_order = field("fortran_order")
        .map(|s| s.starts_with("True"))
        .ok_or_else(|| bad("no 'fortran_order'"))?;
    let shape_s = field("shape").ok_or_else(|| bad("no 'shape'"))?;
    let inner = shape_s
        .strip_prefix('(')
        .and_then(|s| s.find(')').map(|e| s[..e].to_string()))
        .ok_or_else(|| bad("bad 'shape'"))?;
    let shape = inner
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.trim_end_matches('L').parse::<usize>())
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|_| bad("bad 'shape'"))?;
    let header = NpyHeader {
        descr,
        fortran_order,
        shape,
        data_offset: prefix + hlen,
    };
    if let Some((dt, _)) = header.dtype() {
        let n = header
            .shape
            .iter()
            .try_fold(dt.size(), |a, &b| a.checked_mul(b))
            .ok_or_else(|| bad("shape overflows"))?;
        let have = file_len - header.data_offset;
        if n as u64 != have {
            return Err(Error::DataSize {
                path: path.to_path_buf(),
                expected: n as u64,
                found: have,
            });
        }
    }
    Ok(header)
}

/// Reads an `.npy` array of a known element type and any dimensionality.
pub fn read_npy_array<T: ReadableElement>(path: &Path) -> Result<ArrayD<T>> {
    read_npy_header(path)?;
    let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    ArrayD::<T>::read_npy(BufReader::new(file)).map_err(|e| Error::header(path, e.to_string()))
}

/// Reads an `.npy` volume: 3-D `(z, y, x)`, or `(1, z, y, x)` like grt123's `NAME_clean.npy`,
/// or a 2-D slice (read as one z-slice). Spacing comes from a sidecar `PATH.spacing.json`
/// (`[sz, sy, sx]`, as the oracle reads it) when present, else 1 mm.
pub fn read_npy_volume(path: &Path) -> Result<AnyVolume> {
    let h = read_npy_header(path)?;
    let shape3 = match h.shape.as_slice() {
        [z, y, x] => [*z, *y, *x],
        [1, z, y, x] => [*z, *y, *x],
        [y, x] => [1, *y, *x],
        s => {
            return Err(Error::Shape {
                path: path.to_path_buf(),
                shape: s.to_vec(),
            })
        }
    };
    let (dt, big) = h.dtype().ok_or_else(|| Error::Unsupported {
        path: path.to_path_buf(),
        what: format!(".npy dtype {}", h.descr),
    })?;
    let is_bool = h.descr.ends_with("b1");
    // C order (what numpy writes by default): decode the bytes directly, in parallel. The
    // header check above guarantees the file holds exactly the data the shape asks for.
    let fast = !h.fortran_order && !is_bool;
    fn go<T: ReadableElement + crate::Element>(
        path: &Path,
        shape: [usize; 3],
        bool_u8: bool,
    ) -> Result<AnyVolume> {
        let a: ArrayD<T> = if bool_u8 {
            // numpy bool is one byte 0/1: read it as u8 through the raw path.
            return read_bool(path, shape);
        } else {
            read_npy_array(path)?
        };
        let a = a
            .as_standard_layout()
            .into_owned()
            .into_shape_with_order(IxDyn(&shape))
            .and_then(|a| a.into_dimensionality::<ndarray::Ix3>())
            .map_err(|e| Error::header(path, e.to_string()))?;
        Ok(T::wrap(Volume::new(a)))
    }
    let mut v = if fast {
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        crate::element::read_decode_at(&file, path, h.data_offset, dt, big, shape3)?
    } else {
        match dt {
            Dtype::U8 => go::<u8>(path, shape3, is_bool)?,
            Dtype::I8 => go::<i8>(path, shape3, false)?,
            Dtype::U16 => go::<u16>(path, shape3, false)?,
            Dtype::I16 => go::<i16>(path, shape3, false)?,
            Dtype::U32 => go::<u32>(path, shape3, false)?,
            Dtype::I32 => go::<i32>(path, shape3, false)?,
            Dtype::U64 => go::<u64>(path, shape3, false)?,
            Dtype::I64 => go::<i64>(path, shape3, false)?,
            Dtype::F32 => go::<f32>(path, shape3, false)?,
            Dtype::F64 => go::<f64>(path, shape3, false)?,
        }
    };
    let mut side = path.as_os_str().to_owned();
    side.push(".spacing.json");
    let side = std::path::PathBuf::from(side);
    let spacing = if side.exists() {
        let text = std::fs::read_to_string(&side).map_err(|e| Error::io(&side, e))?;
        let s = parse_spacing_json(&text).ok_or_else(|| {
            Error::header(&side, "expected a JSON array of three numbers [sz, sy, sx]")
        })?;
        check_spacing(&side, s)?;
        s
    } else {
        v.meta_mut()
            .warnings
            .push("no .spacing.json sidecar: spacing set to 1 mm".into());
        [1.0; 3]
    };
    v.set_geometry(spacing, [0.0; 3], crate::IDENTITY);
    let m = v.meta_mut();
    m.format = Format::Npy;
    m.num_files = 1;
    Ok(v)
}

fn read_bool(path: &Path, shape: [usize; 3]) -> Result<AnyVolume> {
    let h = read_npy_header(path)?;
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    let data = &bytes[h.data_offset as usize..];
    let a = ndarray::Array3::from_shape_vec(
        (shape[0], shape[1], shape[2]),
        data.iter().map(|&b| u8::from(b != 0)).collect(),
    )
    .map_err(|e| Error::header(path, e.to_string()))?;
    Ok(AnyVolume::U8(Volume::new(a)))
}

fn parse_spacing_json(text: &str) -> Option<[f64; 3]> {
    let inner = text.trim().strip_prefix('[')?.strip_suffix(']')?;
    let v: Vec<f64> = inner
        .split(',')
        .map(|s| s.trim().parse::<f64>())
        .collect::<std::result::Result<_, _>>()
        .ok()?;
    <[f64; 3]>::try_from(v).ok()
}

/// Writes an array as `.npy` (C order), atomically: a temporary file in the same folder is
/// renamed over `path` only once it is complete.
pub fn write_npy<A: WritableElement, D: Dimension>(
    array: &ArrayView<A, D>,
    path: &Path,
) -> Result<()> {
    write_atomic(path, |w| {
        array.write_npy(w).map_err(|e| match e {
            ndarray_npy::WriteNpyError::Io(e) => Error::io(path, e),
            e => Error::header(path, e.to_string()),
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spacing_json() {
        assert_eq!(
            parse_spacing_json("[2.5, 0.7, 0.7]\n"),
            Some([2.5, 0.7, 0.7])
        );
        assert_eq!(parse_spacing_json("[1, 2]"), None);
        assert_eq!(parse_spacing_json("{}"), None);
    }
}
