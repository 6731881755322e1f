//! Binary morphology on 2-D and 3-D `ndarray` arrays, identical to `scipy.ndimage` (1.17) and
//! scikit-image (0.26): connected-component labeling, region properties, the exact Euclidean
//! distance transform, dilation / erosion, hole filling and the 2D convex hull image; and
//! scikit-image's own footprints ([`disk`], [`ball`]), morphology with its border semantics
//! ([`skimage`]), [`clear_border`] and the Roberts edge filter ([`roberts`]).
//!
//! Every function takes `ndarray` views of rank 1..=3 (`Ix1`/`Ix2`/`Ix3` or `IxDyn`) and
//! returns owned arrays of the same dimension type; spacing is a plain `&[f64]`.
//!
//! ```
//! use lungprep_morph3d::{binary_dilation, distance_transform_edt, label, regionprops, MorphOptions};
//! let mut mask = ndarray::Array3::<bool>::from_elem((4, 5, 6), false);
//! mask[[1, 1, 1]] = true;
//! mask[[2, 3, 4]] = true;
//! let (labels, n) = label(&mask.view(), 1)?; // scipy.ndimage.label numbering
//! assert_eq!(n, 2);
//! let regions = regionprops(&labels.view()); // skimage order and values
//! assert_eq!(regions[1].bbox, vec![(2, 3), (3, 4), (4, 5)]);
//! let d = distance_transform_edt(&mask.view(), Some(&[2.5, 0.7, 0.7]))?;
//! assert_eq!(d[[1, 1, 1]], 0.7);
//! let opts = MorphOptions { iterations: 2, ..Default::default() };
//! let grown = binary_dilation(&mask.view(), &opts)?;
//! assert!(grown[[1, 1, 3]] && !grown[[0, 3, 1]]);
//! # Ok::<(), lungprep_morph3d::Error>(())
//! ```
#![deny(missing_docs)]

mod border;
mod convex_hull;
mod edt;
mod error;
mod fill_holes;
mod footprint;
mod grid;
mod label;
mod morphology;
mod regionprops;
mod roberts;
pub mod skimage;
mod split;
mod structure;

pub use border::clear_border;
pub use convex_hull::convex_hull_image;
pub use edt::{distance_transform_edt, distance_transform_edt_indices};
pub use error::{Error, Result};
pub use fill_holes::binary_fill_holes;
pub use footprint::{ball, disk, pad_footprint};
pub use label::{label, label_values};
pub use morphology::{binary_dilation, binary_erosion, MorphOptions};
pub use regionprops::{regionprops, Region};
pub use roberts::{roberts, roberts_binary};
pub use split::split_by_distance;
pub use structure::{generate_binary_structure, iterate_structure};
