//! NRRD reader (`.nrrd` with attached data, `.nhdr` with a detached data file; raw and gzip
//! encodings), geometry as SimpleITK reports it.

use crate::any::AnyVolume;
use crate::atomic::write_bytes;
use crate::element::{to_le_bytes, Dtype, Element};
use crate::error::{check_spacing, Error, Result};
use crate::input::{open_regular, read_prefix, Payload, MAX_HEADER};
use crate::metaimage::resolve_inside;
use crate::volume::{Format, Volume};
use std::collections::HashMap;
use std::io::{BufRead, Seek, SeekFrom};
use std::path::Path;

/// The offset just after `n` newlines counted from `start`; running out of file is an error.
fn skip_lines(path: &Path, file: &std::fs::File, start: u64, end: u64, n: u64) -> Result<u64> {
    if n == 0 {
        return Ok(start);
    }
    let mut f = file;
    f.seek(SeekFrom::Start(start))
        .map_err(|e| Error::io(path, e))?;
    let mut r = std::io::BufReader::new(std::io::Read::take(f, end - start));
    let mut pos = start;
    let mut sink = Vec::new();
    for _ in 0..n {
        sink.clear();
        // One line at a time, each at most MAX_HEADER bytes.
        let k = std::io::Read::take(&mut r, MAX_HEADER)
            .read_until(b'\n', &mut sink)
            .map_err(|e| Error::io(path, e))?;
        if k == 0 || sink.last() != Some(&b'\n') {
            return Err(Error::header(
                path,
                format!("line skip {n} runs past the data"),
            ));
        }
        pos += k as u64;
    }
    Ok(pos)
}

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
    read_nrrd_max(path, None)
}

/// [`read_nrrd`] refusing a declared volume above `max` bytes before allocating it.
pub(crate) fn read_nrrd_max(path: &Path, max: Option<u64>) -> Result<AnyVolume> {
    let (file, len) = open_regular(path)?;
    // Only the header text is read here; the data is read in place below.
    let bytes = read_prefix(&file, path, MAX_HEADER)?;
    let magic_ok = bytes.len() >= 8
        && bytes.starts_with(b"NRRD000")
        && (b'1'..=b'5').contains(&bytes[7])
        && matches!(bytes.get(8), None | Some(b'\n' | b'\r'));
    if !magic_ok {
        return Err(Error::header(
            path,
            "not a NRRD file (magic must be NRRD0001 to NRRD0005)",
        ));
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
    if sizes.contains(&0) {
        return Err(bad("a size is zero".into()));
    }
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
    // Data.
    let detached = get("data file").or_else(|| get("datafile"));
    let detached_file;
    let (data_path, data_file, start, end, num_files) = match detached {
        Some(name) if name != "LOCAL" => {
            if name.contains('%') || name.starts_with("LIST") {
                return Err(Error::Unsupported {
                    path: path.to_path_buf(),
                    what: format!("data file {name:?} (file lists)"),
                });
            }
            let p = resolve_inside(path, name)?;
            detached_file = open_regular(&p)?;
            (p, &detached_file.0, 0, detached_file.1, 2)
        }
        _ => {
            let start = data_start.ok_or_else(|| {
                bad(if len > MAX_HEADER {
                    format!("no blank line after the header in the first {MAX_HEADER} bytes")
                } else {
                    "no blank line before the data".into()
                })
            })?;
            (path.to_path_buf(), &file, start as u64, len, 1)
        }
    };
    let int = |k: &str| -> Result<i64> {
        get(k).map_or(Ok(0), |s| {
            s.parse()
                .map_err(|_| bad(format!("{k} {s:?} is not an integer")))
        })
    };
    let line_skip = int("line skip")?;
    let byte_skip = int("byte skip")?;
    if line_skip < 0 {
        return Err(bad(format!("line skip {line_skip}")));
    }
    // `line skip` counts lines of the data file before the (possibly compressed) data;
    // `byte skip` then counts raw bytes, or decompressed bytes for gzip (as teem does).
    let start = skip_lines(&data_path, data_file, start, end, line_skip as u64)?;
    let mut v = Payload {
        path: &data_path,
        file: data_file,
        start,
        end,
        compressed: gz,
        skip: byte_skip,
    }
    .read(dtype, big, shape, max)?;
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
