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
        // Parallel in blocks of whole values: decoding is memory-bound and volumes are large.
        const BLOCK: usize = 1 << 16;
        let src = &bytes[..(n * T::SIZE).min(bytes.len())];
        v.par_chunks_mut(BLOCK)
            .zip(src.par_chunks(BLOCK * T::SIZE))
            .for_each(|(dst, src)| {
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
            });
        // The length was checked by the caller, so the shape always matches.
        let data = Array3::from_shape_vec((shape[0], shape[1], shape[2]), v)
            .unwrap_or_else(|_| Array3::default((0, 0, 0)));
        T::wrap(Volume::new(data))
    }
    match dtype {
        Dtype::U8 => go::<u8>(bytes, big_endian, shape),
        Dtype::I8 => go::<i8>(bytes, big_endian, shape),
        Dtype::U16 => go::<u16>(bytes, big_endian, shape),
        Dtype::I16 => go::<i16>(bytes, big_endian, shape),
        Dtype::U32 => go::<u32>(bytes, big_endian, shape),
        Dtype::I32 => go::<i32>(bytes, big_endian, shape),
        Dtype::U64 => go::<u64>(bytes, big_endian, shape),
        Dtype::I64 => go::<i64>(bytes, big_endian, shape),
        Dtype::F32 => go::<f32>(bytes, big_endian, shape),
        Dtype::F64 => go::<f64>(bytes, big_endian, shape),
    }
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
