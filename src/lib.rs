//! lungprep: fast, oracle-exact chest CT preprocessing for machine learning.
//!
//! This facade re-exports the workspace crates:
//!
//! * [`volume_io`]: DICOM / MetaImage / NRRD / NIfTI / `.npy` → [`volume_io::Volume`]
//! * [`hu`]: Hounsfield rescale, windowing, normalization
//! * [`morph3d`]: labeling, region properties, EDT, binary morphology, convex hull
//! * [`resample`]: scipy-exact zoom and Gaussian filter
//! * [`lungseg`]: the grt123 pipeline
//! * [`mesh`]: marching cubes identical to scikit-image, PLY / STL / OBJ export
//!
//! [`ndarray`] is re-exported too, so a caller's arrays are the version these crates use.
//!
//! The whole grt123 preparation of one scan file, as `lungprep prep` does it:
//!
//! ```
//! use lungprep::lungseg::{self, phantom, Geometry, Params, Spacing};
//! use lungprep::volume_io::{self, AnyVolume, ReadOptions};
//!
//! // Any scan on disk: here the small synthetic phantom, written as NIfTI.
//! let dir = std::env::temp_dir().join(format!("lungprep-doc-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let path = dir.join("chest.nii.gz");
//! let scan = phantom::chest_phantom(&phantom::PhantomOptions::small());
//! volume_io::write_volume(&AnyVolume::I16(scan), &path)?;
//!
//! // Read it as int16 HU in the canonical (z, y, x) layout, then run both grt123 steps.
//! let hu = volume_io::read_hu(&path, &ReadOptions::default())?;
//! let spacing = Spacing::f64(hu.spacing);
//! let params = Params::default();
//! let masks = lungseg::step1(&hu.data.view(), &spacing, &params)?;
//! let out = lungseg::prep(&hu.data.view(), &masks.m1.view(), &masks.m2.view(),
//!                         &Geometry::new(spacing, hu.origin), &[], &params)?;
//!
//! // NAME_clean.npy is this volume with a leading axis of 1.
//! volume_io::write_npy(&out.clean.view().insert_axis(lungprep::ndarray::Axis(0)), &dir.join("chest_clean.npy"))?;
//! assert_eq!(out.labels.shape(), &[1, 4]); // no annotations: grt123's [[0, 0, 0, 0]]
//! std::fs::remove_dir_all(&dir).unwrap();
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

pub use ndarray;

pub use lungprep_hu as hu;
pub use lungprep_lungseg as lungseg;
pub use lungprep_mesh as mesh;
pub use lungprep_morph3d as morph3d;
pub use lungprep_resample as resample;
pub use lungprep_volume_io as volume_io;
