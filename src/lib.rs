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
#![deny(missing_docs)]

pub use lungprep_hu as hu;
pub use lungprep_lungseg as lungseg;
pub use lungprep_mesh as mesh;
pub use lungprep_morph3d as morph3d;
pub use lungprep_resample as resample;
pub use lungprep_volume_io as volume_io;
