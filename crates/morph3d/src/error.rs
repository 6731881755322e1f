//! Error type shared by every kernel of the crate.

/// Everything that can go wrong in `morph3d`; all are caused by the arguments.
#[derive(Debug, thiserror::Error, Clone)]
pub enum Error {
    /// Connectivity outside `1..=rank`.
    #[error("connectivity {connectivity} is invalid for rank {rank} (must be 1..={rank})")]
    InvalidConnectivity {
        /// Requested connectivity.
        connectivity: usize,
        /// Array rank.
        rank: usize,
    },
    /// Rank not supported by the kernel (0, or above 3 where only 1..=3 is supported).
    #[error("rank {0} is not supported (supported: 1..=3)")]
    UnsupportedRank(usize),
    /// A sampling / spacing vector of the wrong length or with a value that is not finite and > 0.
    #[error("invalid sampling: {0}")]
    InvalidSampling(String),
    /// A structuring element of the wrong rank or with an even extent.
    #[error("invalid structure: {0}")]
    InvalidStructure(String),
    /// A mask whose shape differs from the input.
    #[error("mask shape {mask:?} differs from input shape {input:?}")]
    MaskShape {
        /// Mask shape.
        mask: Vec<usize>,
        /// Input shape.
        input: Vec<usize>,
    },
    /// An array could not be built from the computed buffer (an internal shape mismatch).
    #[error("shape error: {0}")]
    Shape(#[from] ndarray::ShapeError),
    /// `clear_border`'s buffer is as wide as the array (scikit-image raises `ValueError`).
    #[error(
        "buffer size {buffer_size} may not be greater than or equal to the array extent {shape:?}"
    )]
    InvalidBuffer {
        /// Requested buffer width.
        buffer_size: usize,
        /// Array shape.
        shape: Vec<usize>,
    },
    /// More components than fit in a `u32` label.
    #[error("more than u32::MAX connected components")]
    TooManyLabels,
}

/// `std::result::Result` with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
