//! Read and write CT volumes as one [`Volume`] type.
//!
//! DICOM series (ordered and converted to HU exactly as pydicom + grt123's `load_scan` /
//! `get_pixels_hu`), MetaImage (`.mhd`/`.raw`/`.zraw`, `.mha`, with grt123's flip rule),
//! NRRD, NIfTI and `.npy`. Arrays are always `(z, y, x)`, like SimpleITK's
//! `GetArrayFromImage`; spacing and origin are in mm in the same order.
#![deny(missing_docs)]

mod volume;

pub use volume::{Format, Metadata, Volume, IDENTITY};
