//! NRRD reader (`.nrrd` with attached data, `.nhdr` with a detached data file; raw and gzip
//! encodings), geometry as SimpleITK reports it.

use crate::any::AnyVolume;
use crate::atomic::write_bytes;
use crate::element::{checked_count, decode_any, Dtype};
use crate::element::{to_le_bytes, Element};
use crate::error::{check_spacing, Error, Result};
use crate::metaimage::{payload, resolve_inside};
use crate::volume::{Format, Volume};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

fn nrrd_dtype(s: &str) -> Option<Dtype> {
    Some(match s {
        "signed char" | "int8" | "int8_t" => Dtype::I8,
        "uchar" | "unsigned char" | "uint8" | "uint8_t" => Dtype::U8,
        "short" | "short int" | "signed short" | "signed short int" | "int16" | "int16_t" => {
            Dtype::I16
        }
        "ushort" | "unsigned short" | "unsigned short int" | "uint16" | "uint16_t" => Dtype::U16,
        "int" | "signed int" | "int32" | "int32_t" => Dtype::I32,
        "uint" | "unsigned int" | "uint32" | "uint32_t" => Dtype::U32,
        "longlong"
        | "long long"
        | "long long int"
        | "signed long long"
        | "signed long long int"
        | "int64"
        | "int64_t" => Dtype::I64,
        "ulonglong" | "unsigned long long" | "unsigned long long int" | "uint64" | "uint64_t" => {
            Dtype::U64
        }
        "float" => Dtype::F32,
        "double" => Dtype::F64,
        _ => return None,
    })
}

/// Parses `(a,b,c)` vectors separated by spaces; `none` gives `None`.
fn vectors(s: &str) -> Option<Vec<Option<Vec<f64>>>> {
    let mut out = Vec::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix("none") {
            out.push(None);
            rest = r.trim_start();
            continue;
        }
        let r = rest.strip_prefix('(')?;
        let end = r.find(')')?;
        let v = r[..end]
            .split(',')
            .map(|t| t.trim().parse::<f64>().ok())
            .collect::<Option<Vec<_>>>()?;
        out.push(Some(v));
        rest = r[end + 1..].trim_start();
    }
    Some(out)
}

/// Reads a NRRD volume (3-D, or 2-D as one slice).
pub fn read_nrrd(path: &Path) -> Result<AnyVolume> {
    let bytes = std::fs::read(path).map_err(|e| Error::io(path, e))?;
    if !bytes.starts_with(b"NRRD000") {
        return Err(Error::header(path, "not a NRRD file (bad magic)"));
    }
    let mut fields: HashMap<String, String> = HashMap::new();
    let mut pos = 0;
    let mut first = true;
    let mut data_start = None;
    while pos < bytes.len() {
        let nl = bytes[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| pos + i);
        let line = String::from_utf8_lossy(&bytes[pos..nl])
            .trim_end_matches('\r')
            .to_string();
        pos = (nl + 1).min(bytes.len());
        if first {
            first = false;
            continue;
        }
        if line.is_empty() {
            data_start = Some(pos);
            break;
        }
        if line.starts_with('#') || line.contains(":=") {
            continue;
        }
        if let Some((k, v)) = line.split_once(':') {
            fields.insert(k.trim().to_ascii_lowercase(), v.trim().to_string());
        }
    }
    let get = |k: &str| fields.get(k).map(String::as_str);
    let bad = |m: String| Error::header(path, m);
    let dim: usize = get("dimension")
        .ok_or_else(|| bad("no dimension".into()))?
        .parse()
        .map_err(|_| bad("bad dimension".into()))?;
    if !(2..=3).contains(&dim) {
        return Err(Error::Unsupported {
            path: path.to_path_buf(),
            what: format!("dimension {dim}"),
        });
    }
    let sizes: Vec<usize> = get("sizes")
        .ok_or_else(|| bad("no sizes".into()))?
        .split_whitespace()
        .map(|s| s.parse::<usize>())
        .collect::<std::result::Result<_, _>>()
        .map_err(|_| bad("bad sizes".into()))?;
    if sizes.len() != dim {
        return Err(bad(format!("{} sizes for dimension {dim}", sizes.len())));
    }
    let mut xyz = [1usize; 3];
    xyz[..dim].copy_from_slice(&sizes);
    let shape = [xyz[2], xyz[1], xyz[0]];
    let type_s = get("type").ok_or_else(|| bad("no type".into()))?;
    let dtype = nrrd_dtype(type_s).ok_or_else(|| Error::Unsupported {
        path: path.to_path_buf(),
        what: format!("type {type_s}"),
    })?;
    let big = get("endian") == Some("big");
    let encoding = get("encoding").ok_or_else(|| bad("no encoding".into()))?;
    let gz = match encoding {
        "raw" => false,
        "gzip" | "gz" => true,
        e => {
            return Err(Error::Unsupported {
                path: path.to_path_buf(),
                what: format!("encoding {e}"),
            })
        }
    };
    // Geometry.
    let mut spacing_xyz = [1.0f64; 3];
    let mut direction = crate::IDENTITY;
    let mut origin_xyz = [0.0f64; 3];
    let ras = matches!(get("space"), Some("right-anterior-superior") | Some("RAS"));
    if let Some(sd) = get("space directions") {
        let v = vectors(sd).ok_or_else(|| bad(format!("bad space directions {sd:?}")))?;
        let v: Vec<Vec<f64>> = v.into_iter().flatten().collect();
        if v.len() != dim {
            return Err(bad(format!(
                "{} space directions for dimension {dim}",
                v.len()
            )));
        }
        for (i, d) in v.iter().enumerate() {
            let n = d.iter().map(|a| a * a).sum::<f64>().sqrt();
            spacing_xyz[i] = n;
            for (j, c) in d.iter().take(3).enumerate() {
                direction[i][j] = if n > 0.0 { c / n } else { 0.0 };
            }
        }
    } else if let Some(sp) = get("spacings") {
        for (i, s) in sp.split_whitespace().take(dim).enumerate() {
            spacing_xyz[i] = s.parse().map_err(|_| bad(format!("bad spacings {sp:?}")))?;
        }
    }
    if let Some(so) = get("space origin") {
        let v = vectors(so)
            .and_then(|v| v.into_iter().next().flatten())
            .ok_or_else(|| bad(format!("bad space origin {so:?}")))?;
        for (i, c) in v.iter().take(3).enumerate() {
            origin_xyz[i] = *c;
        }
    }
    if ras {
        // ITK works in LPS.
        origin_xyz[0] = -origin_xyz[0];
        origin_xyz[1] = -origin_xyz[1];
        for row in direction.iter_mut() {
            row[0] = -row[0];
            row[1] = -row[1];
        }
    }
    let spacing = [spacing_xyz[2], spacing_xyz[1], spacing_xyz[0]];
    check_spacing(path, spacing)?;
    let nbytes = checked_count(shape, dtype.size()).ok_or_else(|| bad("sizes overflow".into()))?;
    // Data.
    let detached = get("data file").or_else(|| get("datafile"));
    let detached_bytes;
    let (data_path, body, num_files): (PathBuf, &[u8], usize) = match detached {
        Some(name) if name != "LOCAL" => {
            let p = resolve_inside(path, name)?;
            detached_bytes = std::fs::read(&p).map_err(|e| Error::io(&p, e))?;
            (p, &detached_bytes, 2)
        }
        _ => {
            let start = data_start.ok_or_else(|| bad("no blank line before the data".into()))?;
            (path.to_path_buf(), &bytes[start..], 1)
        }
    };
    let skip: i64 = get("byte skip").and_then(|s| s.parse().ok()).unwrap_or(0);
    // gzip data is inflated whole (NRRD's byte skip counts raw bytes only here, as before).
    let voxels = payload(&data_path, body, gz, if gz { 0 } else { skip }, nbytes)?;
    let mut v = decode_any(dtype, &voxels, big, shape);
    v.set_geometry(
        spacing,
        [origin_xyz[2], origin_xyz[1], origin_xyz[0]],
        direction,
    );
    let m = v.meta_mut();
    m.format = Format::Nrrd;
    m.num_files = num_files;
    Ok(v)
}

/// NRRD's name for an element type.
fn nrrd_type<T: Element>() -> &'static str {
    match T::DTYPE {
        "float32" => "float",
        "float64" => "double",
        d => d,
    }
}

/// Writes a NRRD file (attached data; gzip-compressed when `gzip`), atomically, with the
/// volume's geometry as `space: left-posterior-superior`, `space directions` (each image axis'
/// direction times its spacing) and `space origin`, the way ITK writes them.
pub fn write_nrrd<T: Element>(vol: &Volume<T>, path: &Path, gzip: bool) -> Result<()> {
    let [z, y, x] = vol.shape();
    let sp = [vol.spacing[2], vol.spacing[1], vol.spacing[0]];
    let o = [vol.origin[2], vol.origin[1], vol.origin[0]];
    let dirs: Vec<String> = (0..3)
        .map(|i| {
            let d = vol.direction[i];
            format!("({},{},{})", d[0] * sp[i], d[1] * sp[i], d[2] * sp[i])
        })
        .collect();
    let mut out = format!(
        "NRRD0004\ntype: {}\ndimension: 3\nspace: left-posterior-superior\nsizes: {x} {y} {z}\n\
         space directions: {}\nkinds: domain domain domain\nendian: little\nencoding: {}\n\
         space origin: ({},{},{})\n\n",
        nrrd_type::<T>(),
        dirs.join(" "),
        if gzip { "gzip" } else { "raw" },
        o[0],
        o[1],
        o[2]
    )
    .into_bytes();
    let raw = to_le_bytes(&vol.data.as_standard_layout().to_owned());
    if gzip {
        use std::io::Write;
        // The header stays plain text; only the data is gzipped.
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(&raw).map_err(|e| Error::io(path, e))?;
        out.extend_from_slice(&e.finish().map_err(|e| Error::io(path, e))?);
    } else {
        out.extend_from_slice(&raw);
    }
    write_bytes(path, &out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_vectors() {
        let v = vectors("(0.5,0,0) (0,0.5,0) none (0,0,5)").unwrap();
        assert_eq!(v.len(), 4);
        assert!(v[2].is_none());
        assert_eq!(v[3].as_deref(), Some(&[0.0, 0.0, 5.0][..]));
        assert!(vectors("(1,2").is_none());
    }
}
