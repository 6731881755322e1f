//! [`AnyVolume`]: a volume whose element type is known only at run time.

use crate::element::Element;
use crate::error::{Error, Result};
use crate::volume::{Metadata, Volume};
use num_traits::{NumCast, ToPrimitive};

/// A volume of any supported element type, as read from a file.
#[derive(Debug, Clone, PartialEq)]
#[allow(missing_docs)]
pub enum AnyVolume {
    U8(Volume<u8>),
    I8(Volume<i8>),
    U16(Volume<u16>),
    I16(Volume<i16>),
    U32(Volume<u32>),
    I32(Volume<i32>),
    U64(Volume<u64>),
    I64(Volume<i64>),
    F32(Volume<f32>),
    F64(Volume<f64>),
}

macro_rules! each {
    ($self:expr, $v:ident => $e:expr) => {
        match $self {
            AnyVolume::U8($v) => $e,
            AnyVolume::I8($v) => $e,
            AnyVolume::U16($v) => $e,
            AnyVolume::I16($v) => $e,
            AnyVolume::U32($v) => $e,
            AnyVolume::I32($v) => $e,
            AnyVolume::U64($v) => $e,
            AnyVolume::I64($v) => $e,
            AnyVolume::F32($v) => $e,
            AnyVolume::F64($v) => $e,
        }
    };
}
pub(crate) use each;

impl AnyVolume {
    /// The numpy dtype name of the elements (`int16`, `float32`, ...).
    pub fn dtype(&self) -> &'static str {
        fn d<T: Element>(_: &Volume<T>) -> &'static str {
            T::DTYPE
        }
        each!(self, v => d(v))
    }
    /// `(z, y, x)` shape.
    pub fn shape(&self) -> [usize; 3] {
        each!(self, v => v.shape())
    }
    /// Voxel size in mm, `(z, y, x)`.
    pub fn spacing(&self) -> [f64; 3] {
        each!(self, v => v.spacing)
    }
    /// Position of the first voxel in mm, `(z, y, x)`.
    pub fn origin(&self) -> [f64; 3] {
        each!(self, v => v.origin)
    }
    /// Direction cosines (rows are the x, y, z image axes).
    pub fn direction(&self) -> [[f64; 3]; 3] {
        each!(self, v => v.direction)
    }
    /// Where the volume came from.
    pub fn meta(&self) -> &Metadata {
        each!(self, v => &v.meta)
    }
    /// Mutable access to the metadata.
    pub fn meta_mut(&mut self) -> &mut Metadata {
        each!(self, v => &mut v.meta)
    }
    /// Sets spacing, origin and direction (used by readers after decoding the voxels).
    pub(crate) fn set_geometry(&mut self, spacing: [f64; 3], origin: [f64; 3], dir: [[f64; 3]; 3]) {
        each!(self, v => { v.spacing = spacing; v.origin = origin; v.direction = dir; })
    }
    /// [`crate::to_canonical`] for any element type.
    pub fn to_canonical(self) -> AnyVolume {
        each!(self, v => Element::wrap(crate::reorient::to_canonical(v)))
    }

    /// Converts to `int16` the way numpy's `astype(np.int16)` does for in-range values; a value
    /// out of range (or a float that is not an integer, or NaN) is an [`Error::Cast`] rather than
    /// numpy's silent wrap.
    pub fn into_i16(self) -> Result<Volume<i16>> {
        match self {
            AnyVolume::I16(v) => Ok(v),
            AnyVolume::U8(v) => Ok(map_volume(v, <i16 as From<_>>::from)),
            AnyVolume::I8(v) => Ok(map_volume(v, <i16 as From<_>>::from)),
            AnyVolume::U16(v) => cast_volume(v),
            AnyVolume::U32(v) => cast_volume(v),
            AnyVolume::I32(v) => cast_volume(v),
            AnyVolume::U64(v) => cast_volume(v),
            AnyVolume::I64(v) => cast_volume(v),
            AnyVolume::F32(v) => cast_float_volume(v),
            AnyVolume::F64(v) => cast_float_volume(v),
        }
    }
}

fn map_volume<A: Copy, B>(v: Volume<A>, f: impl Fn(A) -> B) -> Volume<B> {
    Volume {
        data: v.data.mapv(f),
        spacing: v.spacing,
        origin: v.origin,
        direction: v.direction,
        meta: v.meta,
    }
}

fn cast_err<T: Element + std::fmt::Display>(x: T) -> Error {
    Error::Cast {
        value: x.to_string(),
        dtype: T::DTYPE,
        target: "int16",
    }
}

fn cast_volume<T: Element + ToPrimitive + std::fmt::Display>(v: Volume<T>) -> Result<Volume<i16>> {
    if let Some(&bad) = v.data.iter().find(|x| x.to_i16().is_none()) {
        return Err(cast_err(bad));
    }
    Ok(map_volume(v, |x| x.to_i16().unwrap_or_default()))
}

fn cast_float_volume<T>(v: Volume<T>) -> Result<Volume<i16>>
where
    T: Element + ToPrimitive + NumCast + num_traits::Float + std::fmt::Display,
{
    let ok = |x: T| x.fract() == T::zero() && x.to_i16().is_some();
    if let Some(&bad) = v.data.iter().find(|x| !ok(**x)) {
        return Err(cast_err(bad));
    }
    Ok(map_volume(v, |x| x.to_i16().unwrap_or_default()))
}

impl From<Volume<i16>> for AnyVolume {
    fn from(v: Volume<i16>) -> Self {
        AnyVolume::I16(v)
    }
}
