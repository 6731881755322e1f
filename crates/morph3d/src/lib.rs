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
//!
//! Filling holes, the 2-D convex hull, and splitting a mask between two seeds by distance (the
//! last step of grt123's two-lung separation):
//!
//! ```
//! use lungprep_morph3d::{binary_fill_holes, convex_hull_image, split_by_distance};
//! use lungprep_morph3d::ndarray::{s, Array2, Array3};
//!
//! let mut ring = Array2::<bool>::from_elem((7, 7), false);
//! ring.slice_mut(s![1..6, 1..6]).fill(true);
//! ring.slice_mut(s![2..5, 2..5]).fill(false);
//! let filled = binary_fill_holes(&ring.view(), None)?;
//! assert!(filled[[3, 3]]);
//!
//! let mut corner = Array2::<bool>::from_elem((5, 5), false);
//! corner[[0, 0]] = true;
//! corner[[0, 4]] = true;
//! corner[[4, 0]] = true;
//! let hull = convex_hull_image(&corner.view());
//! assert!(hull[[1, 1]] && !hull[[4, 4]]);
//!
//! // Seeds labelled 1 and 2 at the two ends of a 9-voxel mask.
//! let mask = Array3::<bool>::from_elem((1, 1, 9), true);
//! let mut seeds = Array3::<u8>::zeros((1, 1, 9));
//! seeds[[0, 0, 0]] = 1;
//! seeds[[0, 0, 8]] = 2;
//! let (near_a, near_b) = split_by_distance(&mask.view(), &seeds.view(), 1, 2, &[1.0, 1.0, 1.0])?;
//! assert!(near_a[[0, 0, 3]] && near_b[[0, 0, 5]]);
//! assert!(!near_a[[0, 0, 4]] && !near_b[[0, 0, 4]]); // a tie goes to neither, as in grt123
//! # Ok::<(), lungprep_morph3d::Error>(())
//! ```
#![deny(missing_docs)]

pub use ndarray;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod border;
mod convex_hull;
mod depth;
mod edt;
mod error;
mod fill_holes;
mod footprint;
mod grid;
mod label;
mod morphology;
mod regionprops;
mod roberts;
mod rows;
pub mod skimage;
mod split;
mod structure;

pub use border::clear_border;
pub use convex_hull::convex_hull_image;
pub use depth::erosion_depth;
pub use edt::{distance_transform_edt, distance_transform_edt_indices};
pub use error::{Error, Result};
pub use fill_holes::binary_fill_holes;
pub use footprint::{ball, disk, pad_footprint};
pub use label::{label, label_values};
pub use morphology::{binary_dilation, binary_erosion, MorphOptions};
pub use regionprops::{regionprops, Region};
pub use roberts::{roberts, roberts_binary};
pub use rows::{mask_runs, row_runs};
pub use split::split_by_distance;
pub use structure::{generate_binary_structure, iterate_structure};
