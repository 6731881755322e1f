//! numpy `.npy` files via `ndarray-npy`, with the header checked against the file size before
//! anything is allocated, and atomic writes.

use crate::any;
use crate::any::AnyVolume;
use crate::atomic::write_atomic;
use crate::element::Dtype;
use crate::error::{check_spacing, Error, Result};
use crate::input::{check_limit, open_regular, MAX_HEADER};
use crate::volume::{Format, Volume};
use ndarray::{ArrayD, ArrayView, Dimension};
use ndarray_npy::npy::header::Header;
use ndarray_npy::{ReadNpyExt, ReadableElement, WritableElement, WriteNpyExt};
use py_literal::Value as PyValue;
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
        // Split on a char boundary: a non-ASCII first character is just an unknown dtype.
        let mut chars = d.chars();
        let big = match chars.next()? {
            '<' | '|' | '=' => false,
            '>' => true,
            _ => return None,
        };
        let code = chars.as_str();
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
    let (file, file_len) = open_regular(path)?;
    let mut r = BufReader::new(file);
    let bad = |m: &str| Error::header(path, m);
    // A short file is a bad header; any other I/O error keeps its kind.
    let short = |e: std::io::Error| {
        if e.kind() == std::io::ErrorKind::UnexpectedEof {
            bad("file too short")
        } else {
            Error::io(path, e)
        }
    };
    let mut pre = [0u8; 8];
    r.read_exact(&mut pre).map_err(short)?;
    if &pre[..6] != b"\x93NUMPY" {
        return Err(bad("not an .npy file (bad magic)"));
    }
    let mut len = [0u8; 4];
    let (hlen, prefix) = match pre[6] {
        1 => {
            r.read_exact(&mut len[..2]).map_err(short)?;
            (u16::from_le_bytes([len[0], len[1]]) as u64, 10u64)
        }
        2 | 3 => {
            r.read_exact(&mut len).map_err(short)?;
            (u32::from_le_bytes(len) as u64, 12u64)
        }
        v => return Err(bad(&format!("unsupported .npy version {v}"))),
    };
    if prefix + hlen > file_len {
        return Err(bad("header longer than the file"));
    }
    if hlen > MAX_HEADER {
        return Err(bad("header longer than 1 MiB"));
    }
    // The length is bounded above, so ndarray-npy's parser (a Python-literal parser: the
    // dictionary as numpy writes it) sees at most 1 MiB that is really in the file.
    let mut bytes = Vec::with_capacity((prefix + hlen) as usize);
    bytes.extend_from_slice(&pre);
    bytes.extend_from_slice(&len[..prefix as usize - 8]);
    bytes.resize((prefix + hlen) as usize, 0);
    r.read_exact(&mut bytes[prefix as usize..]).map_err(short)?;
    let parsed = Header::from_reader(&mut bytes.as_slice()).map_err(|e| {
        // The parser's message quotes the header (up to 1 MiB): its first line, shortened.
        let text = e.to_string();
        let first: String = text
            .lines()
            .next()
            .unwrap_or("")
            .chars()
            .take(120)
            .collect();
        bad(first.trim_end_matches(':').trim_end())
    })?;
    let descr = match parsed.type_descriptor {
        PyValue::String(s) => s,
        other => {
            return Err(bad(&format!(
                "unsupported dtype {other} (structured arrays)"
            )))
        }
    };
    let header = NpyHeader {
        descr,
        fortran_order: parsed.layout.is_fortran(),
        shape: parsed.shape,
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
    let (file, _) = open_regular(path)?;
    ArrayD::<T>::read_npy(BufReader::new(file)).map_err(|e| match e {
        ndarray_npy::ReadNpyError::Io(e) => Error::io(path, e),
        e => Error::header(path, e.to_string()),
    })
}

/// Reads an `.npy` volume: 3-D `(z, y, x)`, or `(1, z, y, x)` like grt123's `NAME_clean.npy`,
/// or a 2-D slice (read as one z-slice). Geometry from the sidecars `PATH.spacing.json`
/// (`[sz, sy, sx]`, as the oracle reads it) and `PATH.geometry.json` (origin, direction) when
/// present, else 1 mm, origin 0, identity, with [`crate::Metadata::geometry_missing`] set.
pub fn read_npy_volume(path: &Path) -> Result<AnyVolume> {
    read_npy_volume_max(path, None)
}

/// [`read_npy_volume`] refusing a declared volume above `max` bytes before allocating it.
/// The data is read in place (positional reads of exactly the declared bytes); a
/// Fortran-order array is read as the C-order array of the reversed shape, then transposed.
pub(crate) fn read_npy_volume_max(path: &Path, max: Option<u64>) -> Result<AnyVolume> {
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
    // read_npy_header checked that the file holds exactly these bytes.
    let nbytes = crate::element::checked_count(shape3, dt.size()).unwrap_or(usize::MAX);
    check_limit(path, nbytes as u64, max)?;
    let is_bool = h.descr.ends_with("b1");
    let (file, _) = open_regular(path)?;
    let stored = if h.fortran_order {
        [shape3[2], shape3[1], shape3[0]]
    } else {
        shape3
    };
    let mut v = crate::element::read_decode_at(&file, path, h.data_offset, dt, big, stored)?;
    if h.fortran_order {
        v = any::each!(v, x => {
            let t = x.data.reversed_axes().as_standard_layout().into_owned();
            crate::Element::wrap(Volume::new(t))
        });
    }
    if is_bool {
        // numpy bool is one byte, 0 or 1; any other byte is true.
        if let AnyVolume::U8(x) = &mut v {
            x.data.mapv_inplace(|b| u8::from(b != 0));
        }
    }
    let (spacing, origin, direction) = read_sidecars(path, v.meta_mut())?;
    v.set_geometry(spacing, origin, direction);
    let m = v.meta_mut();
    m.format = Format::Npy;
    m.num_files = 1;
    Ok(v)
}

/// `PATH` + `suffix` (`x.npy` → `x.npy.spacing.json`).
fn sidecar(path: &Path, suffix: &str) -> std::path::PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    s.into()
}

/// Spacing, origin, direction in [`Volume`]'s conventions.
type Geometry3 = ([f64; 3], [f64; 3], [[f64; 3]; 3]);

/// The `.npy` geometry sidecars: `PATH.spacing.json` holds `[sz, sy, sx]` (what the oracle
/// reads, so it stays a bare list); `PATH.geometry.json` adds the origin and direction
/// (`{"spacing": [sz, sy, sx], "origin": [oz, oy, ox], "direction": [[x axis], [y axis],
/// [z axis]]}`, LPS mm, [`Volume`]'s conventions). The spacing file wins when both exist.
/// Neither: 1 mm, origin 0, identity, and `meta.geometry_missing`.
fn read_sidecars(path: &Path, meta: &mut crate::Metadata) -> Result<Geometry3> {
    let geo_path = sidecar(path, ".geometry.json");
    let sp_path = sidecar(path, ".spacing.json");
    let mut out: Geometry3 = ([1.0; 3], [0.0; 3], crate::IDENTITY);
    let have_geo = geo_path.exists();
    if have_geo {
        let text = read_small_text(&geo_path)?;
        out = parse_geometry_json(&text).ok_or_else(|| {
            Error::header(
                &geo_path,
                "expected {\"spacing\": [3 numbers], \"origin\": [3], \"direction\": [[3] x 3]}",
            )
        })?;
    }
    if sp_path.exists() {
        let text = read_small_text(&sp_path)?;
        out.0 = parse_spacing_json(&text).ok_or_else(|| {
            Error::header(
                &sp_path,
                "expected a JSON array of three numbers [sz, sy, sx]",
            )
        })?;
        check_spacing(&sp_path, out.0)?;
    } else if have_geo {
        check_spacing(&geo_path, out.0)?;
    } else {
        meta.geometry_missing = true;
        meta.warnings
            .push("no .spacing.json sidecar: spacing set to 1 mm".into());
    }
    Ok(out)
}

/// At most 64 KiB of a regular file, as text: sidecars are tiny, and a hostile one (a FIFO, a
/// giant) must neither block nor allocate.
fn read_small_text(path: &Path) -> Result<String> {
    let (f, _) = open_regular(path)?;
    let bytes = crate::input::read_prefix(&f, path, 64 * 1024)?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

fn parse_geometry_json(text: &str) -> Option<Geometry3> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    let vec3 = |x: &serde_json::Value| -> Option<[f64; 3]> {
        let a = x.as_array()?;
        let v: Vec<f64> = a.iter().map(|n| n.as_f64()).collect::<Option<_>>()?;
        <[f64; 3]>::try_from(v)
            .ok()
            .filter(|v| v.iter().all(|c| c.is_finite()))
    };
    let dir = v.get("direction")?.as_array()?;
    if dir.len() != 3 {
        return None;
    }
    Some((
        vec3(v.get("spacing")?)?,
        vec3(v.get("origin")?)?,
        [vec3(&dir[0])?, vec3(&dir[1])?, vec3(&dir[2])?],
    ))
}

/// Writes a volume as `.npy` (C order) with both geometry sidecars (`PATH.spacing.json`,
/// `PATH.geometry.json`, see the module's reader), each atomically.
pub fn write_npy_volume<T: crate::Element + WritableElement>(
    vol: &Volume<T>,
    path: &Path,
) -> Result<()> {
    write_npy(&vol.data.view(), path)?;
    let spacing = serde_json::json!(vol.spacing).to_string();
    crate::atomic::write_bytes(&sidecar(path, ".spacing.json"), spacing.as_bytes())?;
    let geo = serde_json::json!({
        "spacing": vol.spacing,
        "origin": vol.origin,
        "direction": vol.direction,
        "axes": "array (z, y, x); spacing and origin (z, y, x) mm; direction rows are the x, y, z axes in world LPS",
    });
    crate::atomic::write_bytes(&sidecar(path, ".geometry.json"), geo.to_string().as_bytes())
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
        // A full disk must read "No space left on device" with the path, not "bad header".
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

    #[test]
    fn geometry_json() {
        let g = parse_geometry_json(
            r#"{"spacing":[2,1,1],"origin":[1,2,3],"direction":[[-1,0,0],[0,-1,0],[0,0,1]]}"#,
        )
        .unwrap();
        assert_eq!(g.1, [1.0, 2.0, 3.0]);
        assert_eq!(g.2[0], [-1.0, 0.0, 0.0]);
        assert!(parse_geometry_json(r#"{"spacing":[2,1,1],"origin":[1,2]}"#).is_none());
    }
}
