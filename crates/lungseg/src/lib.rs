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
//! [`zuidhof::segment_lung_mask`] is the simpler Kaggle-tutorial method grt123 grew from, and
//! [`slicewise`] is seed 001's per-slice method (`get_segmented_lungs`, the slice montage) and
//! [`nodules`] its LUNA16 nodule masks (`make_mask`, `matrix2int16`).
//!
//! [`phantom`] builds a synthetic chest so everything runs without data.
//!
//! Where grt123 crashes, this crate returns a typed [`Error`] instead (no lung found, empty
//! mask); where it would silently compute wrong geometry (non-square slices), it computes the
//! correct one. See `docs/lungseg.md`.
#![deny(missing_docs)]

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
mod two_lung;
mod world;
pub mod zuidhof;

pub use analysis::{all_slice_analysis, select_lungs, Selection};
pub use binarize::binarize_per_slice;
pub use crop::{
    annotation_labels, annotation_labels_world, crop_box, read_annotations, Annotation, CropBox,
};
pub use error::{Error, Result};
pub use fill::{fill_2d_hole, fill_hole};
pub use mask::{apply_mask, process_mask, process_mask_or};
pub use params::{AnalysisParams, BinarizeParams, MaskParams, Params, Preset, TwoLungParams};
pub use pipeline::{prep, step1, Geometry, LabelRule, Prepared, Step1, Timings};
pub use spacing::Spacing;
pub use two_lung::{extract_main, two_lung_only, TwoLungs};
pub use world::{clean_grid, clean_to_world, world_to_clean, Grid};
