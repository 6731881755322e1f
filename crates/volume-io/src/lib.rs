//! Read and write CT volumes as one [`Volume`] type.
//!
//! DICOM series (ordered and converted to HU exactly as pydicom + grt123's `load_scan` /
//! `get_pixels_hu`), MetaImage (`.mhd`/`.raw`/`.zraw`, `.mha`), NRRD, NIfTI and `.npy`.
//! Arrays are always `(z, y, x)`, like SimpleITK's `GetArrayFromImage`; spacing and origin
//! are in mm in the same order. Readers return the array as stored, with its true geometry;
//! [`to_canonical`] (which [`read_hu`] applies) brings it to the one layout the pipeline
//! expects. See `docs/coordinates.md`.
//!
//! ```no_run
//! let vol = lungprep_volume_io::read_hu("scan_folder", &lungprep_volume_io::ReadOptions::default())?;
//! println!("{:?} voxels of {:?} mm", vol.shape(), vol.spacing);
//! # Ok::<(), lungprep_volume_io::Error>(())
//! ```
//!
//! Every writer keeps the geometry, so a volume survives a round trip through any format:
//!
//! ```
//! use lungprep_volume_io::{read, write_volume, AnyVolume, ReadOptions, Volume};
//! use lungprep_volume_io::ndarray::Array3;
//!
//! let mut vol = Volume::new(Array3::<i16>::from_shape_fn((3, 4, 5), |(z, y, x)| (z * 100 + y * 10 + x) as i16));
//! vol.spacing = [2.5, 0.75, 0.5]; // exact in the float32 headers of NIfTI
//! vol.origin = [-300.0, -180.5, -175.0];
//! let dir = std::env::temp_dir().join(format!("volume-io-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! for name in ["scan.nii.gz", "scan.mha", "scan.nrrd", "scan.npy"] {
//!     let path = dir.join(name);
//!     write_volume(&AnyVolume::I16(vol.clone()), &path)?;
//!     let back = read(&path, &ReadOptions::default())?.into_i16()?;
//!     assert_eq!(back.data, vol.data);
//!     assert_eq!(back.spacing, vol.spacing);
//!     assert_eq!(back.origin, vol.origin);
//! }
//! std::fs::remove_dir_all(&dir).unwrap();
//! # Ok::<(), lungprep_volume_io::Error>(())
//! ```
#![deny(missing_docs)]

pub use ndarray;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod any;
mod atomic;
pub mod dicom;
mod element;
mod error;
mod input;
mod metaimage;
mod nifti_io;
mod npy;
mod nrrd;
mod reorient;
mod volume;
pub mod walk;

pub use any::AnyVolume;
pub use atomic::temp_owner;
pub use element::Element;
pub use error::{Error, Result};
pub use metaimage::{read_metaimage, write_mhd_with};
pub use nifti_io::read_nifti;
pub use npy::{
    read_npy_array, read_npy_header, read_npy_volume, write_npy, write_npy_volume, NpyHeader,
};
pub use nrrd::{read_nrrd, write_nrrd};
pub use reorient::{to_canonical, PERMUTATION_TOLERANCE};
pub use volume::{affine, Format, Metadata, Reorientation, Volume, IDENTITY};

use std::path::Path;

/// Options for [`read`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// For a DICOM folder holding several series: the SeriesInstanceUID to read. `None` reads
    /// the series with the most slices (ties: lowest SeriesNumber).
    pub series_uid: Option<String>,
    /// The most voxel bytes (decoded, in the file's element type) a reader may allocate. A
    /// larger declared volume is [`Error::TooLarge`] before any allocation. `None`: no limit
    /// beyond the bytes actually on disk.
    pub max_bytes: Option<u64>,
    /// DICOM: a file of the series folder that fails to parse (or a truncated slice) is
    /// skipped with a warning in [`Metadata::warnings`] instead of failing the read.
    pub skip_bad_slices: bool,
    /// DICOM: convert to HU as Zuidhof's tutorial `get_pixels_hu` does (stored −2000 set to 0
    /// before the rescale, [`lungprep_hu::zuidhof_hu`]) instead of grt123's
    /// ([`lungprep_hu::to_hu`]). Other formats hold HU already and are unaffected.
    pub zuidhof_hu: bool,
}

fn lower_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Reads any supported input, dispatched on the path: a folder is a DICOM series (searched
/// recursively); `.mhd`/`.mha` MetaImage; `.nrrd`/`.nhdr` NRRD; `.nii`/`.nii.gz` NIfTI;
/// `.npy` numpy; any other file starting with the DICOM magic is read as a one-slice series.
pub fn read(path: impl AsRef<Path>, opts: &ReadOptions) -> Result<AnyVolume> {
    let path = path.as_ref();
    if path.is_dir() {
        return dicom::read_series(path, opts).map(AnyVolume::I16);
    }
    let name = lower_name(path);
    let max = opts.max_bytes;
    if name.ends_with(".mhd") || name.ends_with(".mha") {
        metaimage::read_metaimage_max(path, max)
    } else if name.ends_with(".nrrd") || name.ends_with(".nhdr") {
        nrrd::read_nrrd_max(path, max)
    } else if name.ends_with(".nii") || name.ends_with(".nii.gz") {
        nifti_io::read_nifti_max(path, max)
    } else if name.ends_with(".npy") {
        npy::read_npy_volume_max(path, max)
    } else if !path.exists() {
        Err(Error::io(
            path,
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or folder"),
        ))
    } else if name.ends_with(".dcm") || dicom_magic(path) {
        dicom::read_series(path, opts).map(AnyVolume::I16)
    } else {
        Err(Error::UnknownFormat {
            path: path.to_path_buf(),
        })
    }
}

fn dicom_magic(path: &Path) -> bool {
    dicom::has_dicm_magic(path)
}

/// [`read`], then [`AnyVolume::into_i16`] and [`to_canonical`]: the HU volume as int16 in
/// the canonical layout (for the LUNA16 MetaImage matrix −1 0 0 0 −1 0 0 0 1 that is
/// grt123's y/x flip).
pub fn read_hu(path: impl AsRef<Path>, opts: &ReadOptions) -> Result<Volume<i16>> {
    Ok(to_canonical(read(path, opts)?.into_i16()?))
}

/// Writes a MetaImage: `.mhd` + `.raw` beside it, or a single `.mha`, chosen by extension;
/// atomically. Use [`write_mhd_with`] for a zlib-compressed `.zraw`.
pub fn write_mhd<T: Element>(vol: &Volume<T>, path: &Path) -> Result<()> {
    write_mhd_with(vol, path, false)
}

/// Writes a NIfTI-1 file (`.nii`, or `.nii.gz` compressed), atomically.
pub fn write_nifti<T: Element>(vol: &Volume<T>, path: &Path) -> Result<()> {
    nifti_io::write_nifti(vol, path)
}

/// Writes `bytes` to `path` atomically: a temporary file in the same folder, synced, then
/// renamed, so readers never see a half-written file (for reports and sidecars beside volumes).
pub fn write_bytes_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    atomic::write_bytes(path, bytes)
}

/// Writes `path` atomically as [`write_bytes_atomic`] does, streaming: `fill` writes into a
/// buffered temporary file, so a large output (a mesh) is never held in memory whole.
pub fn write_atomic_with<F>(path: &Path, fill: F) -> Result<()>
where
    F: FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>,
{
    atomic::write_atomic(path, |w| fill(w).map_err(|e| Error::io(path, e)))
}

/// Writes any volume in the format its extension names, keeping its element type and its
/// geometry: `.npy` (+ `.spacing.json` and `.geometry.json` sidecars), `.nii` / `.nii.gz`,
/// `.mhd` (+ `.raw`), `.mha`, or `.nrrd` (gzip; `.raw.nrrd` uncompressed); atomically.
pub fn write_volume(vol: &AnyVolume, path: &Path) -> Result<()> {
    let name = path.to_string_lossy().to_ascii_lowercase();
    if name.ends_with(".npy") {
        any::each!(vol, v => write_npy_volume(v, path))
    } else if name.ends_with(".nii") || name.ends_with(".nii.gz") {
        any::each!(vol, v => write_nifti(v, path))
    } else if name.ends_with(".mhd") || name.ends_with(".mha") {
        any::each!(vol, v => write_mhd(v, path))
    } else if name.ends_with(".nrrd") {
        let gzip = !name.ends_with(".raw.nrrd");
        any::each!(vol, v => write_nrrd(v, path, gzip))
    } else {
        Err(Error::Unsupported {
            path: path.to_path_buf(),
            what: "output format (use .npy, .nii, .nii.gz, .mhd, .mha or .nrrd)".into(),
        })
    }
}

/// Reads an `.npy` volume (see [`read_npy_volume`]).
pub fn read_npy(path: &Path) -> Result<AnyVolume> {
    read_npy_volume(path)
}
