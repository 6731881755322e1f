//! Typed errors for every fallible entry point of the crate.

/// Everything that can go wrong in `resample`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Spline order outside scipy's supported range `0..=5`.
    #[error("spline order {0} not supported (must be 0..=5)")]
    InvalidOrder(usize),
    /// A per-axis parameter slice does not have one entry per axis.
    #[error("{what} has {got} entries but the input has {expected} axes")]
    LengthMismatch {
        /// Name of the offending parameter.
        what: &'static str,
        /// Number of entries required.
        expected: usize,
        /// Number of entries given.
        got: usize,
    },
    /// A numeric parameter is out of its valid domain (NaN, negative, ...).
    #[error("invalid parameter: {0}")]
    InvalidParameter(String),
    /// A boundary-mode name scipy does not know.
    #[error("unknown boundary mode {0:?}")]
    UnknownMode(String),
    /// An output array whose shape is not the one required.
    #[error("output has shape {got:?} but must have shape {expected:?}")]
    ShapeMismatch {
        /// The required shape.
        expected: Vec<usize>,
        /// The output's shape.
        got: Vec<usize>,
    },
    /// Zero-dimensional input (scipy rejects rank 0 too).
    #[error("input must have at least one axis")]
    ZeroRank,
    /// Internal shape conversion failed (should not happen).
    #[error(transparent)]
    Shape(#[from] ndarray::ShapeError),
}

/// Result alias for this crate.
pub type Result<T> = std::result::Result<T, Error>;
