//! Errors of the pipeline.

/// What can go wrong in the pipeline. grt123 crashes (IndexError, `min` of an empty array) in
/// the cases that are typed errors here.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The top-cut loop tried every cut and no component passed the lung tests.
    #[error(
        "no lung found: all_slice_analysis kept no component for any top cut from 0 to {last_cut} \
         slices (of {slices}); is this a chest CT in HU?"
    )]
    NoLungFound {
        /// The last number of top slices removed.
        last_cut: usize,
        /// Slices in the volume.
        slices: usize,
    },
    /// A mask that must not be empty was empty.
    #[error("empty mask: {0}")]
    EmptyMask(&'static str),
    /// An input did not have the shape or values the stage needs.
    #[error("invalid input: {0}")]
    Invalid(String),
    /// Reading a LUNA16 annotations file failed.
    #[error("annotations: {0}")]
    Annotations(String),
    /// An annotation value is NaN or infinite (it would silently give a NaN label).
    #[error("annotations: {path}: row {row}: {column} = {value:?} is not a finite number")]
    NonFiniteAnnotation {
        /// The annotations file.
        path: std::path::PathBuf,
        /// 1-based line number (the header is line 1).
        row: usize,
        /// The column name.
        column: String,
        /// The text found.
        value: String,
    },
    /// Reading the scan failed.
    #[error(transparent)]
    Read(#[from] lungprep_volume_io::Error),
    /// A morphology kernel failed.
    #[error(transparent)]
    Morph(#[from] lungprep_morph3d::Error),
    /// A resampling kernel failed.
    #[error(transparent)]
    Resample(#[from] lungprep_resample::Error),
}

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, Error>;
