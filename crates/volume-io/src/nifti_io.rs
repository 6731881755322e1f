//! NIfTI-1 (`.nii`, `.nii.gz`): the header through the `nifti` crate, the voxels read here with
//! the size checked first; arrays in `(z, y, x)` order and LPS geometry, as SimpleITK reports.

use crate::any::{each, AnyVolume};
use crate::atomic::write_bytes;
use crate::element::{checked_count, decode_any, read_decode_at, to_le_bytes, Dtype, Element};
use crate::error::{check_spacing, Error, Result};
use crate::input::{check_limit, inflate_err, open_regular, read_inflated, MAX_INFLATE_RATIO};
use crate::volume::{Format, Volume};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

fn nifti_dtype(code: i16) -> Option<Dtype> {
    Some(match code {
        2 => Dtype::U8,
        4 => Dtype::I16,
        8 => Dtype::I32,
        16 => Dtype::F32,
        64 => Dtype::F64,
        256 => Dtype::I8,
        512 => Dtype::U16,
        768 => Dtype::U32,
        1024 => Dtype::I64,
        1280 => Dtype::U64,
        _ => return None,
    })
}

/// nifti1_io's `quatern_to_mat44` rotation part (columns are the i, j, k axes in RAS).
fn quatern_to_rot(b: f64, c: f64, d: f64, qfac: f64) -> [[f64; 3]; 3] {
    let (mut b, mut c, mut d) = (b, c, d);
    let mut a = 1.0 - (b * b + c * c + d * d);
    if a < 1e-7 {
        let n = 1.0 / (b * b + c * c + d * d).sqrt();
        b *= n;
        c *= n;
        d *= n;
        a = 0.0;
    } else {
        a = a.sqrt();
    }
    let qfac = if qfac < 0.0 { -1.0 } else { 1.0 };
    [
        [
            a * a + b * b - c * c - d * d,
            2.0 * (b * c - a * d),
            2.0 * (b * d + a * c) * qfac,
        ],
        [
            2.0 * (b * c + a * d),
            a * a + c * c - b * b - d * d,
            2.0 * (c * d - a * b) * qfac,
        ],
        [
            2.0 * (b * d - a * c),
            2.0 * (c * d + a * b),
            (a * a + d * d - c * c - b * b) * qfac,
        ],
    ]
}

/// nifti1_io's `mat44_to_quatern` for an orthonormal rotation `r` (columns = axes, RAS):
/// returns `(b, c, d, qfac)`.
fn rot_to_quatern(r: [[f64; 3]; 3]) -> (f64, f64, f64, f64) {
    let mut r = r;
    let det = r[0][0] * (r[1][1] * r[2][2] - r[1][2] * r[2][1])
        - r[0][1] * (r[1][0] * r[2][2] - r[1][2] * r[2][0])
        + r[0][2] * (r[1][0] * r[2][1] - r[1][1] * r[2][0]);
    let qfac = if det < 0.0 {
        for row in r.iter_mut() {
            row[2] = -row[2];
        }
        -1.0
    } else {
        1.0
    };
    let (r11, r12, r13) = (r[0][0], r[0][1], r[0][2]);
    let (r21, r22, r23) = (r[1][0], r[1][1], r[1][2]);
    let (r31, r32, r33) = (r[2][0], r[2][1], r[2][2]);
    let trace = r11 + r22 + r33 + 1.0;
    let (a, mut b, mut c, mut d): (f64, f64, f64, f64);
    if trace > 0.5 {
        a = 0.5 * trace.sqrt();
        b = 0.25 * (r32 - r23) / a;
        c = 0.25 * (r13 - r31) / a;
        d = 0.25 * (r21 - r12) / a;
    } else {
        let xd = 1.0 + r11 - (r22 + r33);
        let yd = 1.0 + r22 - (r11 + r33);
        let zd = 1.0 + r33 - (r11 + r22);
        if xd > 1.0 {
            b = 0.5 * xd.sqrt();
            c = 0.25 * (r12 + r21) / b;
            d = 0.25 * (r13 + r31) / b;
            a = 0.25 * (r32 - r23) / b;
        } else if yd > 1.0 {
            c = 0.5 * yd.sqrt();
            b = 0.25 * (r12 + r21) / c;
            d = 0.25 * (r23 + r32) / c;
            a = 0.25 * (r13 - r31) / c;
        } else {
            d = 0.5 * zd.sqrt();
            b = 0.25 * (r13 + r31) / d;
            c = 0.25 * (r23 + r32) / d;
            a = 0.25 * (r21 - r12) / d;
        }
        if a < 0.0 {
            b = -b;
            c = -c;
            d = -d;
        }
    }
    (b, c, d, qfac)
}

/// Reads a NIfTI-1 volume. Spacing is `pixdim`, origin and direction come from the qform
/// (or the sform when only it is set), converted from RAS to LPS as ITK does. A non-trivial
/// `scl_slope`/`scl_inter` is applied and gives a float volume.
pub fn read_nifti(path: &Path) -> Result<AnyVolume> {
    read_nifti_max(path, None)
}

/// Maps the `nifti` crate's header errors, keeping I/O errors (a full disk, a permission)
/// as such.
fn header_err(path: &Path, e: nifti::NiftiError) -> Error {
    match e {
        nifti::NiftiError::Io(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            Error::header(path, "the file ends inside the 348-byte header")
        }
        nifti::NiftiError::Io(e) => Error::io(path, e),
        // (The crate's Display of its I/O variant is a Debug dump; the others read well.)
        e => Error::header(path, e.to_string()),
    }
}

/// [`read_nifti`] refusing a declared volume above `max` bytes before allocating it. Plain
/// files are read in place; `.gz` ones streamed, and to the end so the gzip CRC-32 and
/// length are checked (at most 1 MiB of data after the voxels is tolerated and discarded).
pub(crate) fn read_nifti_max(path: &Path, max: Option<u64>) -> Result<AnyVolume> {
    let (file, len) = open_regular(path)?;
    let mut r = BufReader::new(&file);
    let gz = r
        .fill_buf()
        .map_err(|e| Error::io(path, e))?
        .starts_with(&[0x1f, 0x8b]);
    let mut r: Box<dyn Read + '_> = if gz {
        Box::new(flate2::bufread::MultiGzDecoder::new(r))
    } else {
        Box::new(r)
    };
    let h = nifti::NiftiHeader::from_reader(&mut r).map_err(|e| header_err(path, e))?;
    if h.sizeof_hdr != 348 {
        return Err(Error::Unsupported {
            path: path.to_path_buf(),
            what: format!("sizeof_hdr {} (only NIfTI-1 is supported)", h.sizeof_hdr),
        });
    }
    let nd = h.dim[0] as usize;
    if !(2..=7).contains(&nd) || (4..=nd).any(|i| h.dim[i] > 1) {
        return Err(Error::Unsupported {
            path: path.to_path_buf(),
            what: format!("dim {:?} (only 2-D and 3-D volumes)", h.dim),
        });
    }
    if (1..=nd).any(|i| h.dim[i] < 1) {
        return Err(Error::header(
            path,
            format!("dim {:?} has a size below 1", h.dim),
        ));
    }
    let d = |i: usize| if i <= nd { h.dim[i] as usize } else { 1 };
    let shape = [d(3), d(2), d(1)];
    let dtype = nifti_dtype(h.datatype).ok_or_else(|| Error::Unsupported {
        path: path.to_path_buf(),
        what: format!("NIfTI datatype {}", h.datatype),
    })?;
    let nbytes = checked_count(shape, dtype.size())
        .ok_or_else(|| Error::header(path, "dimensions overflow"))? as u64;
    check_limit(path, nbytes, max)?;
    let vox = h.vox_offset;
    if !(vox.is_finite() && vox < len.saturating_mul(MAX_INFLATE_RATIO) as f32) {
        return Err(Error::header(path, format!("vox_offset {vox}")));
    }
    let offset = (vox.max(348.0)) as u64;
    let big = h.endianness == nifti::Endianness::Big;
    let mut v = if gz {
        let most = len.saturating_mul(MAX_INFLATE_RATIO);
        if offset.saturating_add(nbytes) > most {
            return Err(Error::Decode {
                path: path.to_path_buf(),
                message: format!("{len} compressed bytes cannot hold the {nbytes} declared"),
            });
        }
        let skipped = std::io::copy(&mut (&mut r).take(offset - 348), &mut std::io::sink())
            .map_err(|e| inflate_err(path, e))?;
        if skipped < offset - 348 {
            return Err(Error::DataSize {
                path: path.to_path_buf(),
                expected: nbytes,
                found: 0,
            });
        }
        let data = read_inflated(path, r, nbytes)?;
        decode_any(dtype, &data, big, shape)
    } else {
        if len < offset.saturating_add(nbytes) {
            return Err(Error::DataSize {
                path: path.to_path_buf(),
                expected: nbytes,
                found: len.saturating_sub(offset),
            });
        }
        read_decode_at(&file, path, offset, dtype, big, shape)?
    };
    // Geometry (ITK reads pixdim for spacing).
    let spacing = [h.pixdim[3] as f64, h.pixdim[2] as f64, h.pixdim[1] as f64];
    let spacing = [
        if nd < 3 { 1.0 } else { spacing[0].abs() },
        spacing[1].abs(),
        spacing[2].abs(),
    ];
    check_spacing(path, spacing)?;
    let (rot, off) = if h.qform_code > 0 || h.sform_code <= 0 {
        (
            quatern_to_rot(
                h.quatern_b as f64,
                h.quatern_c as f64,
                h.quatern_d as f64,
                h.pixdim[0] as f64,
            ),
            [h.quatern_x as f64, h.quatern_y as f64, h.quatern_z as f64],
        )
    } else {
        let rows = [h.srow_x, h.srow_y, h.srow_z];
        let mut rot = [[0.0; 3]; 3];
        for j in 0..3 {
            let n = (0..3)
                .map(|i| (rows[i][j] as f64).powi(2))
                .sum::<f64>()
                .sqrt();
            for i in 0..3 {
                rot[i][j] = if n > 0.0 { rows[i][j] as f64 / n } else { 0.0 };
            }
        }
        (
            rot,
            [rows[0][3] as f64, rows[1][3] as f64, rows[2][3] as f64],
        )
    };
    let (rot, off) = if h.qform_code <= 0 && h.sform_code <= 0 {
        (crate::IDENTITY, [0.0; 3])
    } else {
        (rot, off)
    };
    // RAS → LPS; rows of `direction` are the axes (columns of `rot`).
    let mut direction = [[0.0; 3]; 3];
    for (axis, row) in direction.iter_mut().enumerate() {
        *row = [-rot[0][axis], -rot[1][axis], rot[2][axis]];
    }
    if h.qform_code <= 0 && h.sform_code <= 0 {
        direction = crate::IDENTITY;
    }
    let origin = [off[2], -off[1], -off[0]];
    let slope = h.scl_slope as f64;
    let inter = h.scl_inter as f64;
    if slope != 0.0 && (slope != 1.0 || inter != 0.0) {
        v = match v {
            AnyVolume::F64(mut x) => {
                x.data.mapv_inplace(|a| a * slope + inter);
                AnyVolume::F64(x)
            }
            other => {
                let data = each!(other, x => x.data.mapv(|a| {
                    (num_traits::ToPrimitive::to_f64(&a).unwrap_or(f64::NAN) * slope + inter) as f32
                }));
                AnyVolume::F32(Volume::new(data))
            }
        };
    }
    v.set_geometry(spacing, origin, direction);
    let m = v.meta_mut();
    m.format = Format::Nifti;
    m.num_files = 1;
    Ok(v)
}

/// Writes a NIfTI-1 single file (`.nii`, or gzip-compressed when the name ends in `.gz`),
/// atomically, with qform and sform both set (code 1, scanner anatomical) from the volume's
/// LPS geometry converted to RAS.
pub fn write_nifti<T: Element>(vol: &Volume<T>, path: &Path) -> Result<()> {
    let [z, y, x] = vol.shape();
    for n in [z, y, x] {
        if n > i16::MAX as usize {
            return Err(Error::Unsupported {
                path: path.to_path_buf(),
                what: format!("dimension {n} exceeds NIfTI-1's 32767"),
            });
        }
    }
    let [sz, sy, sx] = vol.spacing;
    let [oz, oy, ox] = vol.origin;
    let dir = vol.direction;
    // Columns of the RAS rotation are the axes with x and y negated.
    let mut rot = [[0.0; 3]; 3];
    for (axis, row) in dir.iter().enumerate() {
        rot[0][axis] = -row[0];
        rot[1][axis] = -row[1];
        rot[2][axis] = row[2];
    }
    let (qb, qc, qd, qfac) = rot_to_quatern(rot);
    let off = [-ox, -oy, oz];
    let sp = [sx, sy, sz];
    let mut h = Vec::with_capacity(352);
    let i16s = |h: &mut Vec<u8>, v: i16| h.extend_from_slice(&v.to_le_bytes());
    let f32s = |h: &mut Vec<u8>, v: f64| h.extend_from_slice(&(v as f32).to_le_bytes());
    h.extend_from_slice(&348i32.to_le_bytes());
    h.extend_from_slice(&[0u8; 10 + 18]);
    h.extend_from_slice(&0i32.to_le_bytes()); // extents
    i16s(&mut h, 0); // session_error
    h.push(b'r'); // regular
    h.push(0); // dim_info
    for v in [3, x as i16, y as i16, z as i16, 1, 1, 1, 1] {
        i16s(&mut h, v);
    }
    for _ in 0..3 {
        f32s(&mut h, 0.0); // intent_p1..3
    }
    i16s(&mut h, 0); // intent_code
    i16s(&mut h, T::NIFTI);
    i16s(&mut h, (T::SIZE * 8) as i16);
    i16s(&mut h, 0); // slice_start
    for v in [qfac, sx, sy, sz, 0.0, 0.0, 0.0, 0.0] {
        f32s(&mut h, v);
    }
    f32s(&mut h, 352.0); // vox_offset
    f32s(&mut h, 0.0); // scl_slope
    f32s(&mut h, 0.0); // scl_inter
    i16s(&mut h, 0); // slice_end
    h.push(0); // slice_code
    h.push(2); // xyzt_units: mm
    for _ in 0..4 {
        f32s(&mut h, 0.0); // cal_max, cal_min, slice_duration, toffset
    }
    h.extend_from_slice(&[0u8; 8]); // glmax, glmin
    let mut descrip = [0u8; 80];
    let text = b"lungprep volume-io";
    descrip[..text.len()].copy_from_slice(text);
    h.extend_from_slice(&descrip);
    h.extend_from_slice(&[0u8; 24]); // aux_file
    i16s(&mut h, 1); // qform_code
    i16s(&mut h, 1); // sform_code
    for v in [qb, qc, qd, off[0], off[1], off[2]] {
        f32s(&mut h, v);
    }
    for row in 0..3 {
        for (c, s) in sp.iter().enumerate() {
            f32s(&mut h, rot[row][c] * s);
        }
        f32s(&mut h, off[row]);
    }
    h.extend_from_slice(&[0u8; 16]); // intent_name
    h.extend_from_slice(b"n+1\0");
    h.extend_from_slice(&[0u8; 4]); // no extensions
    debug_assert_eq!(h.len(), 352);
    h.extend_from_slice(&to_le_bytes(&vol.data.as_standard_layout().to_owned()));
    let gz = path.to_string_lossy().to_ascii_lowercase().ends_with(".gz");
    if gz {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(&h).map_err(|e| Error::io(path, e))?;
        let bytes = e.finish().map_err(|e| Error::io(path, e))?;
        write_bytes(path, &bytes)
    } else {
        write_bytes(path, &h)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quaternion_round_trip() {
        // LPS identity in RAS is a rotation by pi about z.
        let rot = [[-1.0, 0.0, 0.0], [0.0, -1.0, 0.0], [0.0, 0.0, 1.0]];
        let (b, c, d, q) = rot_to_quatern(rot);
        let back = quatern_to_rot(b, c, d, q);
        for i in 0..3 {
            for j in 0..3 {
                assert!((back[i][j] - rot[i][j]).abs() < 1e-12);
            }
        }
        // An improper rotation needs qfac = -1.
        let rot = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, -1.0]];
        let (b, c, d, q) = rot_to_quatern(rot);
        assert_eq!(q, -1.0);
        let back = quatern_to_rot(b, c, d, q);
        for i in 0..3 {
            for j in 0..3 {
                assert!((back[i][j] - rot[i][j]).abs() < 1e-12);
            }
        }
    }
}
