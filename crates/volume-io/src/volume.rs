//! The volume type every reader returns.

use ndarray::Array3;

/// Which reader produced a volume.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Format {
    /// A DICOM series folder.
    Dicom,
    /// MetaImage `.mhd` + data file, or `.mha`.
    MetaImage,
    /// NRRD `.nrrd` / `.nhdr`.
    Nrrd,
    /// NIfTI-1 `.nii` / `.nii.gz`.
    Nifti,
    /// numpy `.npy` (no geometry in the file).
    #[default]
    Npy,
}

/// What a user needs to know about where a volume came from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Metadata {
    /// The reader that produced the volume.
    pub format: Format,
    /// SeriesInstanceUID (DICOM only).
    pub series_uid: Option<String>,
    /// SeriesNumber (DICOM only).
    pub series_number: Option<i64>,
    /// PatientID (DICOM only).
    pub patient_id: Option<String>,
    /// Modality, e.g. `CT` (DICOM only).
    pub modality: Option<String>,
    /// Number of files the volume was read from.
    pub num_files: usize,
    /// grt123's `isflip`: the MetaImage TransformMatrix was not the identity after rounding,
    /// so y and x were flipped on load.
    pub flipped: bool,
    /// Things a careful reader should know: non-uniform slice spacing, tilted or oblique
    /// orientation, dropped duplicate slices, which series was chosen.
    pub warnings: Vec<String>,
}

/// A 3-D image in `(z, y, x)` order with its geometry in mm, in the same order.
#[derive(Debug, Clone, PartialEq)]
pub struct Volume<T> {
    /// Voxels, `(z, y, x)`, C order.
    pub data: Array3<T>,
    /// Voxel size in mm, `(z, y, x)`.
    pub spacing: [f64; 3],
    /// Position of the first voxel in patient/world mm, `(z, y, x)`.
    pub origin: [f64; 3],
    /// Direction cosines, rows are the `(x, y, z)` image axes in world `(x, y, z)`, as ITK
    /// stores them (identity for an axial scan).
    pub direction: [[f64; 3]; 3],
    /// Where the volume came from.
    pub meta: Metadata,
}

/// The identity direction matrix.
pub const IDENTITY: [[f64; 3]; 3] = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]];

impl<T> Volume<T> {
    /// A volume with unit spacing, zero origin and identity direction.
    pub fn new(data: Array3<T>) -> Self {
        Volume {
            data,
            spacing: [1.0; 3],
            origin: [0.0; 3],
            direction: IDENTITY,
            meta: Metadata::default(),
        }
    }

    /// `(z, y, x)` shape.
    pub fn shape(&self) -> [usize; 3] {
        let s = self.data.shape();
        [s[0], s[1], s[2]]
    }
}
