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
    /// grt123's `isflip`: a `.mhd` whose TransformMatrix is not the identity after rounding.
    /// grt123 then flips y and x; here the flip (or the correct reorientation) is done by
    /// [`crate::to_canonical`], recorded in [`Metadata::reorientation`].
    pub flipped: bool,
    /// What [`crate::to_canonical`] did to reach the canonical layout (`None`: not applied, the
    /// array is as stored in the file).
    pub reorientation: Option<Reorientation>,
    /// DICOM: grt123's slice spacing, `|z0 − z1|` of the first two slices (what `load_scan`
    /// calls thickness). `spacing[0]` is the true spacing SimpleITK reports (distance from the
    /// first to the last slice / (n − 1)); the two differ for uneven gaps and gantry tilt.
    pub grt123_thickness: Option<f64>,
    /// The file carried no geometry (`.npy` without a sidecar): spacing 1 mm, origin 0 assumed.
    pub geometry_missing: bool,
    /// Things a careful reader should know: non-uniform slice spacing, tilted or oblique
    /// orientation, dropped duplicate slices, which series was chosen.
    pub warnings: Vec<String>,
}

/// How [`crate::to_canonical`] rearranged a stored array: canonical axis `k` (`z, y, x`) is
/// stored axis `permutation[k]`, reversed when `flips[k]`. `source_*` is the geometry of the
/// array as stored in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct Reorientation {
    /// For each canonical array axis (`z, y, x`), the stored array axis it comes from.
    pub permutation: [usize; 3],
    /// Whether canonical array axis `k` runs opposite to the stored one.
    pub flips: [bool; 3],
    /// Largest angle in degrees between a stored axis and the world axis it was mapped to
    /// (0 for a signed permutation; above 0.06° (1e-3) the volume is oblique and the
    /// canonical direction keeps the residual rotation).
    pub oblique_degrees: f64,
    /// `(z, y, x)` shape as stored.
    pub source_shape: [usize; 3],
    /// Spacing as stored, `(z, y, x)`.
    pub source_spacing: [f64; 3],
    /// Origin as stored (world position of stored voxel `[0, 0, 0]`), `(z, y, x)`.
    pub source_origin: [f64; 3],
    /// Direction as stored (rows are the stored x, y, z axes in world LPS).
    pub source_direction: [[f64; 3]; 3],
}

impl Reorientation {
    /// Whether the array was left exactly as stored.
    pub fn is_identity(&self) -> bool {
        self.permutation == [0, 1, 2] && self.flips == [false; 3]
    }
}

/// A 3-D image in `(z, y, x)` order with its geometry in mm, in the same order.
#[derive(Debug, Clone, PartialEq)]
pub struct Volume<T> {
    /// Voxels, `(z, y, x)`, C order.
    pub data: Array3<T>,
    /// Voxel size in mm, `(z, y, x)`.
    pub spacing: [f64; 3],
    /// World position (LPS mm) of voxel `[0, 0, 0]`, reversed to `(z, y, x)`.
    pub origin: [f64; 3],
    /// Direction cosines: rows are the array's x, y, z axes (columns, rows, slices) as unit
    /// vectors in world LPS `(x, y, z)`, the order of MetaImage's `TransformMatrix`; the
    /// transpose of SimpleITK's `GetDirection()` read row-major (identity for an axial scan).
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

    /// The 4×4 affine from array index `(z, y, x, 1)` to world LPS `(x, y, z, 1)` in mm.
    pub fn affine(&self) -> [[f64; 4]; 4] {
        affine(self.spacing, self.origin, self.direction)
    }

    /// The `(spacing, origin)` grt123's loaders report for this file, `(z, y, x)`: DICOM's
    /// spacing[0] is its thickness (first two slices), and the origin is the file's, before
    /// any flip or reorientation (grt123 flips the array without moving the origin).
    pub fn grt123_geometry(&self) -> ([f64; 3], [f64; 3]) {
        let mut spacing = self.spacing;
        let mut origin = self.origin;
        if let Some(r) = &self.meta.reorientation {
            spacing = r.source_spacing;
            origin = r.source_origin;
        }
        if let Some(t) = self.meta.grt123_thickness {
            spacing[0] = t;
        }
        (spacing, origin)
    }
}

/// The 4×4 affine from array index `(z, y, x, 1)` to world LPS `(x, y, z, 1)` mm for
/// [`Volume`]'s conventions: world = origin + Σ_axis index[axis] · spacing[axis] · direction.
pub fn affine(spacing: [f64; 3], origin: [f64; 3], direction: [[f64; 3]; 3]) -> [[f64; 4]; 4] {
    let mut m = [[0.0; 4]; 4];
    for w in 0..3 {
        for k in 0..3 {
            // Array axis k (z, y, x) is image axis 2 − k (x, y, z).
            m[w][k] = direction[2 - k][w] * spacing[k];
        }
        m[w][3] = origin[2 - w];
    }
    m[3][3] = 1.0;
    m
}
