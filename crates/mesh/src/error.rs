//! Error type of the crate.

/// Everything that can go wrong in `lungprep-mesh`.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The volume is smaller than 2 in some dimension (no cube fits).
    #[error("input array must be at least 2x2x2, got {0:?}")]
    TooSmall([usize; 3]),
    /// The level lies outside `[min, max]` of the volume, as scikit-image refuses it.
    #[error("surface level {level} must be within volume data range [{min}, {max}]")]
    LevelOutOfRange {
        /// Requested level.
        level: f64,
        /// Volume minimum.
        min: f64,
        /// Volume maximum.
        max: f64,
    },
    /// `step_size` of 0.
    #[error("step_size must be at least one")]
    InvalidStep,
    /// A spacing value that is not finite.
    #[error("spacing must be finite, got {0:?}")]
    InvalidSpacing([f64; 3]),
    /// The level crosses no cube.
    #[error("no surface found at the given iso value")]
    NoSurface,
    /// More vertices than an `i32` face index can hold (scikit-image's limit too).
    #[error("mesh too large: more than 2^31 - 1 vertices or face indices")]
    TooLarge,
    /// Writing a mesh file failed.
    #[error("i/o error: {0}")]
    Io(#[from] std::io::Error),
}

/// `Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
