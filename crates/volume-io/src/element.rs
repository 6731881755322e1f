//! Voxel element types: one trait tying a Rust primitive to its names in every format.

use crate::volume::Volume;
use ndarray::Array3;

/// A voxel element type that every reader and writer understands.
pub trait Element:
    Copy + Send + Sync + Default + PartialEq + std::fmt::Debug + 'static + sealed::Sealed
{
    /// numpy dtype name (`int16`, `float32`, ...).
    const DTYPE: &'static str;
    /// MetaImage `ElementType`.
    const MET: &'static str;
    /// NIfTI-1 datatype code.
    const NIFTI: i16;
    /// Size in bytes.
    const SIZE: usize;
    /// Decodes one little-endian value.
    fn from_le(b: &[u8]) -> Self;
    /// Appends the little-endian bytes of `self`.
    fn put_le(self, out: &mut Vec<u8>);
    /// Wraps a volume of this type into [`crate::AnyVolume`].
    fn wrap(v: Volume<Self>) -> crate::AnyVolume;
}

mod sealed {
    pub trait Sealed {}
}

macro_rules! element {
    ($t:ty, $dtype:literal, $met:literal, $nifti:literal, $variant:ident) => {
        impl sealed::Sealed for $t {}
        impl Element for $t {
            const DTYPE: &'static str = $dtype;
            const MET: &'static str = $met;
            const NIFTI: i16 = $nifti;
            const SIZE: usize = std::mem::size_of::<$t>();
            #[inline]
            fn from_le(b: &[u8]) -> Self {
                let mut a = [0u8; std::mem::size_of::<$t>()];
                a.copy_from_slice(&b[..std::mem::size_of::<$t>()]);
                <$t>::from_le_bytes(a)
            }
            #[inline]
            fn put_le(self, out: &mut Vec<u8>) {
                out.extend_from_slice(&self.to_le_bytes());
            }
            fn wrap(v: Volume<Self>) -> crate::AnyVolume {
                crate::AnyVolume::$variant(v)
            }
        }
    };
}

element!(u8, "uint8", "MET_UCHAR", 2, U8);
element!(i8, "int8", "MET_CHAR", 256, I8);
element!(u16, "uint16", "MET_USHORT", 512, U16);
element!(i16, "int16", "MET_SHORT", 4, I16);
element!(u32, "uint32", "MET_UINT", 768, U32);
element!(i32, "int32", "MET_INT", 8, I32);
element!(u64, "uint64", "MET_ULONG_LONG", 1280, U64);
element!(i64, "int64", "MET_LONG_LONG", 1024, I64);
element!(f32, "float32", "MET_FLOAT", 16, F32);
element!(f64, "float64", "MET_DOUBLE", 64, F64);

/// The element types, as a runtime tag (used while parsing headers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dtype {
    U8,
    I8,
    U16,
    I16,
    U32,
    I32,
    U64,
    I64,
    F32,
    F64,
}

impl Dtype {
    pub(crate) fn size(self) -> usize {
        match self {
            Dtype::U8 | Dtype::I8 => 1,
            Dtype::U16 | Dtype::I16 => 2,
            Dtype::U32 | Dtype::I32 | Dtype::F32 => 4,
            Dtype::U64 | Dtype::I64 | Dtype::F64 => 8,
        }
    }
}

/// Values decoded per parallel task: decoding is memory-bound and volumes are large.
const BLOCK: usize = 1 << 16;

/// Decodes whole values from `src` into `dst` (as many as both hold).
fn decode_block<T: Element>(src: &[u8], dst: &mut [T], big: bool) {
    if big && T::SIZE > 1 {
        let mut tmp = [0u8; 8];
        for (d, c) in dst.iter_mut().zip(src.chunks_exact(T::SIZE)) {
            for (i, b) in c.iter().rev().enumerate() {
                tmp[i] = *b;
            }
            *d = T::from_le(&tmp[..T::SIZE]);
        }
    } else {
        for (d, c) in dst.iter_mut().zip(src.chunks_exact(T::SIZE)) {
            *d = T::from_le(c);
        }
    }
}

/// Wraps `n = shape.product()` decoded values as a volume with unit geometry.
fn wrap<T: Element>(v: Vec<T>, shape: [usize; 3]) -> crate::AnyVolume {
    // The callers size `v` from the shape, so it always matches.
    let data = Array3::from_shape_vec((shape[0], shape[1], shape[2]), v)
        .unwrap_or_else(|_| Array3::default((0, 0, 0)));
    T::wrap(Volume::new(data))
}

/// Calls `go::<T>` for the element type `dtype` names.
macro_rules! by_dtype {
    ($dtype:expr, $go:ident, $($arg:expr),*) => {
        match $dtype {
            Dtype::U8 => $go::<u8>($($arg),*),
            Dtype::I8 => $go::<i8>($($arg),*),
            Dtype::U16 => $go::<u16>($($arg),*),
            Dtype::I16 => $go::<i16>($($arg),*),
            Dtype::U32 => $go::<u32>($($arg),*),
            Dtype::I32 => $go::<i32>($($arg),*),
            Dtype::U64 => $go::<u64>($($arg),*),
            Dtype::I64 => $go::<i64>($($arg),*),
            Dtype::F32 => $go::<f32>($($arg),*),
            Dtype::F64 => $go::<f64>($($arg),*),
        }
    };
}

/// Decodes `bytes` (exactly `shape` elements of `dtype`, byte order `big_endian`) into a volume
/// with unit geometry. The caller has already checked the length.
pub(crate) fn decode_any(
    dtype: Dtype,
    bytes: &[u8],
    big_endian: bool,
    shape: [usize; 3],
) -> crate::AnyVolume {
    fn go<T: Element>(bytes: &[u8], big: bool, shape: [usize; 3]) -> crate::AnyVolume {
        use rayon::prelude::*;
        let n = shape[0] * shape[1] * shape[2];
        let mut v = vec![T::default(); n];
        let src = &bytes[..(n * T::SIZE).min(bytes.len())];
        v.par_chunks_mut(BLOCK)
            .zip(src.par_chunks(BLOCK * T::SIZE))
            .for_each(|(dst, src)| decode_block(src, dst, big));
        wrap(v, shape)
    }
    by_dtype!(dtype, go, bytes, big_endian, shape)
}

/// Reads and decodes `shape` elements of `dtype` stored at byte `offset` of `file`, straight
/// into the volume: parallel positional reads of one block each, no whole-file buffer. The
/// caller has already checked that the file is long enough; a short read is still an error.
pub(crate) fn read_decode_at(
    file: &std::fs::File,
    path: &std::path::Path,
    offset: u64,
    dtype: Dtype,
    big_endian: bool,
    shape: [usize; 3],
) -> crate::Result<crate::AnyVolume> {
    fn go<T: Element>(
        file: &std::fs::File,
        path: &std::path::Path,
        offset: u64,
        big: bool,
        shape: [usize; 3],
    ) -> crate::Result<crate::AnyVolume> {
        use rayon::prelude::*;
        let n = shape[0] * shape[1] * shape[2];
        let mut v = vec![T::default(); n];
        v.par_chunks_mut(BLOCK).enumerate().try_for_each_init(
            || vec![0u8; BLOCK * T::SIZE],
            |buf, (i, dst)| {
                let bytes = &mut buf[..dst.len() * T::SIZE];
                let at = offset + (i * BLOCK * T::SIZE) as u64;
                read_exact_at(file, bytes, at).map_err(|e| crate::Error::io(path, e))?;
                decode_block(bytes, dst, big);
                Ok(())
            },
        )?;
        Ok(wrap(v, shape))
    }
    by_dtype!(dtype, go, file, path, offset, big_endian, shape)
}

#[cfg(unix)]
fn read_exact_at(file: &std::fs::File, buf: &mut [u8], at: u64) -> std::io::Result<()> {
    std::os::unix::fs::FileExt::read_exact_at(file, buf, at)
}

#[cfg(windows)]
fn read_exact_at(file: &std::fs::File, mut buf: &mut [u8], mut at: u64) -> std::io::Result<()> {
    use std::os::windows::fs::FileExt;
    while !buf.is_empty() {
        match file.seek_read(buf, at)? {
            0 => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            k => {
                buf = &mut buf[k..];
                at += k as u64;
            }
        }
    }
    Ok(())
}

#[cfg(not(any(unix, windows)))]
fn read_exact_at(_: &std::fs::File, _: &mut [u8], _: u64) -> std::io::Result<()> {
    Err(std::io::ErrorKind::Unsupported.into())
}

/// Little-endian bytes of a whole array, in C order.
pub(crate) fn to_le_bytes<T: Element>(data: &Array3<T>) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() * T::SIZE);
    for &v in data.iter() {
        v.put_le(&mut out);
    }
    out
}

/// `a * b * c` without overflow.
pub(crate) fn checked_count(shape: [usize; 3], elem: usize) -> Option<usize> {
    shape[0]
        .checked_mul(shape[1])?
        .checked_mul(shape[2])?
        .checked_mul(elem)
}
