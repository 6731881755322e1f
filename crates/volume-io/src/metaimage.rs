//! MetaImage (`.mhd` + `.raw`/`.zraw`, `.mha`): reader (recording grt123's flip rule), and writer.

use crate::any::AnyVolume;
use crate::atomic::write_bytes;
use crate::element::{to_le_bytes, Dtype, Element};
use crate::error::{check_spacing, Error, Result};
use crate::input::{open_regular, read_prefix, Payload, MAX_HEADER};
use crate::volume::{Format, Volume};
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

fn met_dtype(s: &str) -> Option<Dtype> {
    Some(match s {
        "MET_UCHAR" => Dtype::U8,
        "MET_CHAR" => Dtype::I8,
        "MET_USHORT" => Dtype::U16,
        "MET_SHORT" => Dtype::I16,
        "MET_UINT" | "MET_ULONG" => Dtype::U32,
        "MET_INT" | "MET_LONG" => Dtype::I32,
        "MET_ULONG_LONG" => Dtype::U64,
        "MET_LONG_LONG" => Dtype::I64,
        "MET_FLOAT" => Dtype::F32,
        "MET_DOUBLE" => Dtype::F64,
        _ => return None,
    })
}

/// Parsed header: keys (case-sensitive as MetaIO writes them) and where the header text ends.
struct Header {
    fields: HashMap<String, String>,
    /// Byte offset just after the `ElementDataFile` line (where `LOCAL` data starts).
    end: usize,
}

fn parse_header(path: &Path, bytes: &[u8]) -> Result<Header> {
    let mut fields = HashMap::new();
    let mut pos = 0;
    let mut end = None;
    while pos < bytes.len() {
        let nl = bytes[pos..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| pos + i);
        let line = String::from_utf8_lossy(&bytes[pos..nl]);
        pos = (nl + 1).min(bytes.len());
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            return Err(Error::header(path, format!("line without '=': {line:?}")));
        };
        let (k, v) = (k.trim().to_string(), v.trim().to_string());
        let last = k == "ElementDataFile";
        fields.insert(k, v);
        if last {
            end = Some(pos);
            break;
        }
    }
    let end = end.ok_or_else(|| Error::header(path, "no ElementDataFile"))?;
    Ok(Header { fields, end })
}

fn numbers(path: &Path, key: &str, v: &str, n: usize) -> Result<Vec<f64>> {
    let out: Vec<f64> = v
        .split_whitespace()
        .map(|s| s.parse::<f64>())
        .collect::<std::result::Result<_, _>>()
        .map_err(|_| Error::header(path, format!("{key} = {v:?} is not numeric")))?;
    if out.len() < n {
        return Err(Error::header(
            path,
            format!("{key} has {} values, need {n}", out.len()),
        ));
    }
    Ok(out)
}

fn truthy(v: Option<&String>) -> bool {
    v.is_some_and(|s| s.eq_ignore_ascii_case("true") || s == "1")
}

/// Resolves a data-file name against the header folder, refusing a name that leaves it
/// (absolute, or with `..`). The check is on the name: a symlink someone placed in the folder
/// is followed, as git-annex, DVC and hand-linked dataset folders need.
pub(crate) fn resolve_inside(header: &Path, name: &str) -> Result<PathBuf> {
    let rel = Path::new(name);
    let outside = || Error::OutsideFolder {
        path: header.to_path_buf(),
        target: name.to_string(),
    };
    if rel.is_absolute()
        || rel
            .components()
            .any(|c| !matches!(c, Component::Normal(_) | Component::CurDir))
    {
        return Err(outside());
    }
    Ok(header.parent().unwrap_or(Path::new(".")).join(rel))
}

/// Reads a MetaImage file: the array as stored, with the header's geometry. For `.mhd`,
/// [`crate::Metadata::flipped`] records grt123's `isflip` rule (the `TransformMatrix` rounded
/// to integers is not the identity); the flip itself is [`crate::to_canonical`]'s job, which
/// for the LUNA16 matrix −1 0 0 0 −1 0 0 0 1 is exactly grt123's y/x flip.
pub fn read_metaimage(path: &Path) -> Result<AnyVolume> {
    read_metaimage_max(path, None)
}

/// [`read_metaimage`] refusing a declared volume above `max` bytes before allocating it.
pub(crate) fn read_metaimage_max(path: &Path, max: Option<u64>) -> Result<AnyVolume> {
    let (file, len) = open_regular(path)?;
    // Only the header text is read here; the data is read in place below.
    let bytes = read_prefix(&file, path, MAX_HEADER)?;
    let h = parse_header(path, &bytes).map_err(|e| {
        if len > MAX_HEADER {
            Error::header(
                path,
                format!("no ElementDataFile in the first {MAX_HEADER} bytes"),
            )
        } else {
            e
        }
    })?;
    let f = &h.fields;
    let get = |k: &str| f.get(k);
    let ndims: usize = get("NDims")
        .ok_or_else(|| Error::header(path, "no NDims"))?
        .parse()
        .map_err(|_| Error::header(path, "bad NDims"))?;
    if !(2..=3).contains(&ndims) {
        return Err(Error::Unsupported {
            path: path.to_path_buf(),
            what: format!("NDims = {ndims}"),
        });
    }
    if let Some(c) = get("ElementNumberOfChannels") {
        if c.trim() != "1" {
            return Err(Error::Unsupported {
                path: path.to_path_buf(),
                what: format!("ElementNumberOfChannels = {c}"),
            });
        }
    }
    let dims = numbers(
        path,
        "DimSize",
        get("DimSize").ok_or_else(|| Error::header(path, "no DimSize"))?,
        ndims,
    )?;
    let mut xyz = [1usize; 3];
    for (i, d) in dims.iter().take(ndims).enumerate() {
        if *d < 1.0 || d.fract() != 0.0 || *d > 1e12 {
            return Err(Error::header(path, format!("bad DimSize {d}")));
        }
        xyz[i] = *d as usize;
    }
    let shape = [xyz[2], xyz[1], xyz[0]];
    let mut sp = [1.0f64; 3];
    if let Some(v) = get("ElementSpacing").or_else(|| get("ElementSize")) {
        let s = numbers(path, "ElementSpacing", v, ndims)?;
        sp[..ndims].copy_from_slice(&s[..ndims]);
    }
    let spacing = [sp[2], sp[1], sp[0]];
    check_spacing(path, spacing)?;
    let mut org = [0.0f64; 3];
    if let Some(v) = get("Offset")
        .or_else(|| get("Origin"))
        .or_else(|| get("Position"))
    {
        let o = numbers(path, "Offset", v, ndims)?;
        org[..ndims].copy_from_slice(&o[..ndims]);
    }
    let origin = [org[2], org[1], org[0]];
    let mut direction = crate::IDENTITY;
    let matrix_key = ["TransformMatrix", "Rotation", "Orientation"]
        .into_iter()
        .find(|k| f.contains_key(*k));
    if let Some(k) = matrix_key {
        let m = numbers(path, k, &f[k], ndims * ndims)?;
        for r in 0..ndims {
            for c in 0..ndims {
                direction[r][c] = m[r * ndims + c];
            }
        }
    }
    let dtype_s = get("ElementType").ok_or_else(|| Error::header(path, "no ElementType"))?;
    let dtype = met_dtype(dtype_s).ok_or_else(|| Error::Unsupported {
        path: path.to_path_buf(),
        what: format!("ElementType {dtype_s}"),
    })?;
    let big = truthy(get("BinaryDataByteOrderMSB")) || truthy(get("ElementByteOrderMSB"));
    let compressed = truthy(get("CompressedData"));
    let data_name = get("ElementDataFile").map(String::as_str).unwrap_or("");
    let header_size: i64 = match get("HeaderSize") {
        Some(s) => s
            .parse()
            .map_err(|_| Error::header(path, format!("bad HeaderSize {s:?}")))?,
        None => 0,
    };
    if header_size < -1 {
        return Err(Error::header(path, format!("bad HeaderSize {header_size}")));
    }
    let detached;
    let (data_path, data_file, start, end) = if data_name == "LOCAL" {
        (path.to_path_buf(), &file, h.end as u64, len)
    } else if data_name.contains('%') || data_name.starts_with("LIST") {
        return Err(Error::Unsupported {
            path: path.to_path_buf(),
            what: format!("ElementDataFile {data_name:?} (file lists)"),
        });
    } else {
        let p = resolve_inside(path, data_name)?;
        detached = open_regular(&p)?;
        (p, &detached.0, 0, detached.1)
    };
    let mut start = start;
    let mut end = end;
    if compressed {
        // HeaderSize counts bytes before the compressed stream; CompressedDataSize bounds it.
        start = start.saturating_add(header_size.max(0) as u64).min(end);
        if let Some(cs) = get("CompressedDataSize").and_then(|s| s.parse::<u64>().ok()) {
            if cs > end - start {
                return Err(Error::DataSize {
                    path: data_path,
                    expected: cs,
                    found: end - start,
                });
            }
            end = start + cs;
        }
    }
    let mut v = Payload {
        path: &data_path,
        file: data_file,
        start,
        end,
        compressed,
        skip: if compressed { 0 } else { header_size },
    }
    .read(dtype, big, shape, max)?;
    v.set_geometry(spacing, origin, direction);
    let is_mhd = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("mhd"));
    let m = v.meta_mut();
    m.format = Format::MetaImage;
    m.num_files = if data_name == "LOCAL" { 1 } else { 2 };
    if is_mhd {
        if let Some(tm) = get("TransformMatrix") {
            // grt123: np.round(matrix) != identity → flip y and x.
            let vals: Vec<f64> = tm
                .split_whitespace()
                .filter_map(|s| s.parse().ok())
                .collect();
            let id = [1.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0, 0.0, 1.0];
            let flip =
                vals.len() != 9 || vals.iter().zip(id).any(|(a, b)| a.round_ties_even() != b);
            if flip {
                let m = v.meta_mut();
                m.flipped = true;
                m.warnings.push(format!(
                    "TransformMatrix {tm} is not the identity: grt123 flips y and x \
                     (isflip); the canonical layout reorients it"
                ));
            }
        }
    }
    Ok(v)
}

/// Writes a MetaImage. `.mha` puts the voxels after the header (`ElementDataFile = LOCAL`);
/// `.mhd` writes a data file beside it: `NAME.raw`, or zlib-compressed `NAME.zraw` when
/// `compress` is set. Every file is written atomically.
pub fn write_mhd_with<T: Element>(vol: &Volume<T>, path: &Path, compress: bool) -> Result<()> {
    let [z, y, x] = vol.shape();
    let [sz, sy, sx] = vol.spacing;
    let [oz, oy, ox] = vol.origin;
    let d = vol.direction;
    let mut raw = to_le_bytes(&vol.data.as_standard_layout().to_owned());
    if compress {
        use std::io::Write;
        let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(&raw).map_err(|e| Error::io(path, e))?;
        raw = e.finish().map_err(|e| Error::io(path, e))?;
    }
    let is_mha = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("mha"));
    let data_name = if is_mha {
        "LOCAL".to_string()
    } else {
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "volume".into());
        format!("{stem}.{}", if compress { "zraw" } else { "raw" })
    };
    let mut h = String::new();
    h.push_str(
        "ObjectType = Image\nNDims = 3\nBinaryData = True\nBinaryDataByteOrderMSB = False\n",
    );
    h.push_str(&format!(
        "CompressedData = {}\n",
        if compress { "True" } else { "False" }
    ));
    if compress {
        h.push_str(&format!("CompressedDataSize = {}\n", raw.len()));
    }
    h.push_str(&format!(
        "TransformMatrix = {} {} {} {} {} {} {} {} {}\n",
        d[0][0], d[0][1], d[0][2], d[1][0], d[1][1], d[1][2], d[2][0], d[2][1], d[2][2]
    ));
    h.push_str(&format!("Offset = {ox} {oy} {oz}\n"));
    h.push_str("CenterOfRotation = 0 0 0\n");
    h.push_str(&format!("ElementSpacing = {sx} {sy} {sz}\n"));
    h.push_str(&format!("DimSize = {x} {y} {z}\n"));
    h.push_str(&format!("ElementType = {}\n", T::MET));
    h.push_str(&format!("ElementDataFile = {data_name}\n"));
    if is_mha {
        let mut all = h.into_bytes();
        all.extend_from_slice(&raw);
        write_bytes(path, &all)
    } else {
        let data_path = path.with_file_name(&data_name);
        write_bytes(&data_path, &raw)?;
        write_bytes(path, h.as_bytes())
    }
}
