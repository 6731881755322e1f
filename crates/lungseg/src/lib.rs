//! The grt123 lung segmentation and preprocessing pipeline (Kaggle Data Science Bowl 2017
//! winner), bit-exact with the Python reference and much faster.
//!
//! The pipeline has two halves, each stage a public function named after its grt123
//! counterpart and taking grt123's values as defaults through [`Params`]:
//!
//! * **step 1** ([`step1`]): [`binarize_per_slice`] → [`select_lungs`] (the top-cut loop around
//!   [`all_slice_analysis`]) → [`fill_hole`] → [`two_lung_only`] → the two lung masks.
//! * **savenpy** ([`prep`]): [`process_mask`] (convex hull + dilation) → [`apply_mask`]
//!   ([`lungprep_hu::lum_trans`], padding, bone removal) → resampling to 1 mm → [`crop_box`] → the
//!   `NAME_clean.npy` volume and the [`annotation_labels`].
//!
//! [`zuidhof::segment_lung_mask`] is the simpler Kaggle-tutorial method grt123 grew from
//! ([`zuidhof_prep`]: the tutorial's whole preparation around it), [`slicewise`] is seed 001's
//! per-slice method (`get_segmented_lungs`, the slice montage) and [`nodules`] its LUNA16 nodule
//! masks (`make_mask`, `matrix2int16`); [`phantom`] builds a synthetic chest so everything runs
//! without data.
//!
//! Where grt123 crashes, this crate returns a typed [`Error`] instead (no lung found, empty
//! mask); where it would silently compute wrong geometry (non-square slices), it computes the
//! correct one. See `docs/lungseg.md`.
//!
//! ```
//! use lungprep_lungseg::phantom::{chest_phantom, PhantomOptions};
//! use lungprep_lungseg::{prep, step1, zuidhof, Annotation, Geometry, Params, Spacing};
//!
//! // A synthetic chest (int16 HU, z-y-x) stands in for a scan read with lungprep-volume-io.
//! let scan = chest_phantom(&PhantomOptions::small());
//! let spacing = Spacing::f64(scan.spacing);
//! let params = Params::default(); // grt123's values (the `dsb` preset)
//!
//! // Step 1: the two lung masks.
//! let masks = step1(&scan.data.view(), &spacing, &params)?;
//! assert!(masks.two_lungs_found);
//! assert_eq!(masks.m1.shape(), scan.data.shape());
//!
//! // savenpy: the masked, 1 mm, cropped u8 volume and the annotations in its grid.
//! let nodule = Annotation { world_xyz: [10.0, -20.0, 60.0], diameter_mm: 8.0 };
//! let geometry = Geometry::new(spacing, scan.origin);
//! let out = prep(&scan.data.view(), &masks.m1.view(), &masks.m2.view(), &geometry, &[nodule], &params)?;
//! assert_eq!(out.labels.shape(), &[1, 4]);
//! assert!(out.clean.iter().any(|&v| v == 170)); // grt123's pad value outside the lungs
//!
//! // The Kaggle tutorial's simpler mask, on the same scan.
//! let lungs = zuidhof::segment_lung_mask(&scan.data.view(), true)?;
//! assert!(lungs.iter().any(|&v| v == 1));
//! # Ok::<(), lungprep_lungseg::Error>(())
//! ```
#![deny(missing_docs)]

pub use ndarray;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod analysis;
mod binarize;
mod crop;
mod error;
mod fill;
mod mask;
pub mod nodules;
mod numpy;
mod params;
pub mod phantom;
mod pipeline;
mod runs;
mod slices;
pub mod slicewise;
mod spacing;
mod tutorial;
mod two_lung;
mod world;
pub mod zuidhof;

pub use analysis::{all_slice_analysis, select_lungs, Selection};
pub use binarize::binarize_per_slice;
pub use crop::{
    annotation_labels, annotation_labels_world, crop_box, read_annotation_table, read_annotations,
    Annotation, CropBox, ANNOTATION_COLUMNS,
};
pub use error::{Error, Result};
pub use fill::{fill_2d_hole, fill_hole};
pub use mask::{apply_mask, process_mask, process_mask_or};
pub use params::{AnalysisParams, BinarizeParams, MaskParams, Params, Preset, TwoLungParams};
pub use pipeline::{prep, step1, Geometry, LabelRule, Prepared, Step1, Timings};
pub use spacing::Spacing;
pub use tutorial::{normalize_and_center, zuidhof_prep, TutorialFloat, ZuidhofPrep};
pub use two_lung::{extract_main, two_lung_only, TwoLungs};
pub use world::{clean_grid, clean_to_world, world_to_clean, Grid};
