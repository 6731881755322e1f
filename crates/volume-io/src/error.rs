//! The crate's typed errors: every variant names the file it is about.

use std::path::PathBuf;

/// Everything that can go wrong reading or writing a volume.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An operating-system I/O error on `path`.
    #[error("{path}: {source}")]
    Io {
        /// The file or folder.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// dicom-rs could not parse a DICOM file.
    #[error("{path}: cannot parse DICOM: {message}")]
    Dicom {
        /// The file.
        path: PathBuf,
        /// The parser's message.
        message: String,
    },
    /// A DICOM file is encoded in a transfer syntax this build cannot decode.
    #[error("{path}: unsupported transfer syntax {name} ({uid})")]
    UnsupportedTransferSyntax {
        /// The file.
        path: PathBuf,
        /// The transfer syntax UID.
        uid: String,
        /// Its human name.
        name: String,
    },
    /// Compressed pixel data failed to decode.
    #[error("{path}: cannot decode pixel data: {message}")]
    Decode {
        /// The file.
        path: PathBuf,
        /// The decoder's message.
        message: String,
    },
    /// A required DICOM attribute is absent.
    #[error("{path}: missing required DICOM attribute {tag}")]
    MissingTag {
        /// The file.
        path: PathBuf,
        /// The attribute's keyword.
        tag: &'static str,
    },
    /// A DICOM attribute has a value that cannot be used.
    #[error("{path}: bad value for {tag}: {value}")]
    BadTag {
        /// The file.
        path: PathBuf,
        /// The attribute's keyword.
        tag: &'static str,
        /// What was found.
        value: String,
    },
    /// Slices of one series have different sizes.
    #[error("{path}: slice is {found:?} (rows, cols) but the series is {expected:?}")]
    SliceSize {
        /// The odd slice.
        path: PathBuf,
        /// (rows, cols) of the first slice.
        expected: (u32, u32),
        /// (rows, cols) of this slice.
        found: (u32, u32),
    },
    /// The declared volume is larger than [`crate::ReadOptions::max_bytes`] allows.
    #[error("{path}: declared volume of {bytes} bytes exceeds the limit of {limit} bytes")]
    TooLarge {
        /// The file or folder.
        path: PathBuf,
        /// Bytes the header declares.
        bytes: u64,
        /// The limit in force.
        limit: u64,
    },
    /// The path is a FIFO, socket, device or folder where a file was expected: never opened
    /// (reading a FIFO would block forever).
    #[error("{path}: {kind}, not a regular file")]
    NotRegularFile {
        /// The path.
        path: PathBuf,
        /// What it is instead.
        kind: &'static str,
    },
    /// A third-party pixel decoder panicked on this file (a decoder bug on malformed data,
    /// caught so that it cannot take the process down).
    #[error("{path}: the {transfer_syntax} decoder panicked: {message}")]
    DecoderPanic {
        /// The file.
        path: PathBuf,
        /// The transfer syntax being decoded.
        transfer_syntax: String,
        /// The panic message.
        message: String,
    },
    /// A folder holds no readable DICOM image.
    #[error("{path}: no DICOM image files found")]
    NoDicom {
        /// The folder.
        path: PathBuf,
    },
    /// The requested SeriesInstanceUID is not in the folder.
    #[error("{path}: series {uid} not found; available: {}", available.join(", "))]
    SeriesNotFound {
        /// The folder.
        path: PathBuf,
        /// The UID asked for.
        uid: String,
        /// The UIDs present.
        available: Vec<String>,
    },
    /// A header (MetaImage, NRRD, NIfTI, npy) is malformed or inconsistent.
    #[error("{path}: bad header: {message}")]
    Header {
        /// The header file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The data file holds fewer (or, for compressed data, more) bytes than the header says.
    #[error("{path}: expected {expected} bytes of voxel data, found {found}")]
    DataSize {
        /// The data file.
        path: PathBuf,
        /// Bytes the header implies.
        expected: u64,
        /// Bytes available.
        found: u64,
    },
    /// A header's data file reference leaves the header's folder.
    #[error("{path}: data file {target} is outside the header's folder")]
    OutsideFolder {
        /// The header file.
        path: PathBuf,
        /// The referenced data file.
        target: String,
    },
    /// Voxel spacing that is zero, negative, NaN or infinite.
    #[error("{path}: invalid spacing {spacing:?}")]
    BadSpacing {
        /// The file.
        path: PathBuf,
        /// The spacing, `(z, y, x)`.
        spacing: [f64; 3],
    },
    /// A valid file using a feature this crate does not support.
    #[error("{path}: unsupported: {what}")]
    Unsupported {
        /// The file.
        path: PathBuf,
        /// The feature.
        what: String,
    },
    /// The path is not a folder and has no recognised extension.
    #[error("{path}: unknown input format (expected a DICOM folder, .mhd, .mha, .nrrd, .nhdr, .nii, .nii.gz or .npy)")]
    UnknownFormat {
        /// The path.
        path: PathBuf,
    },
    /// A voxel value does not fit the requested element type.
    #[error("voxel value {value} (dtype {dtype}) cannot be converted to {target} exactly")]
    Cast {
        /// The value, formatted.
        value: String,
        /// The source numpy dtype.
        dtype: &'static str,
        /// The target numpy dtype.
        target: &'static str,
    },
    /// An array of the wrong dimensionality or shape.
    #[error("{path}: unsupported array shape {shape:?}")]
    Shape {
        /// The file.
        path: PathBuf,
        /// The shape found.
        shape: Vec<usize>,
    },
}

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    pub(crate) fn header(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        Error::Header {
            path: path.into(),
            message: message.into(),
        }
    }
}

/// Checks that a spacing is usable: finite and strictly positive.
pub(crate) fn check_spacing(path: &std::path::Path, spacing: [f64; 3]) -> Result<()> {
    if spacing.iter().all(|s| s.is_finite() && *s > 0.0) {
        Ok(())
    } else {
        Err(Error::BadSpacing {
            path: path.to_path_buf(),
            spacing,
        })
    }
}
