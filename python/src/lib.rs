//! `lungprep._lungprep`: the native half of the `lungprep` Python package.
//!
//! Thin wrappers: NumPy arrays come in as borrowed views (no copy; the kernels make a
//! C-ordered copy themselves only for non-contiguous input), the GIL is released while the
//! kernel runs, results go out as NumPy arrays owning the Rust buffer. Argument parsing with
//! scipy's / scikit-image's signatures, and `NotImplementedError` for what is not supported,
//! live in the Python modules (`lungprep/*.py`), which are the public API.

use pyo3::exceptions::{PyOSError, PyTypeError, PyValueError};
use pyo3::prelude::*;

mod io;
mod kernels;
mod pipeline;

/// A Rust error from a kernel or the pipeline as `ValueError` with its message.
pub(crate) fn value_err(e: impl std::fmt::Display) -> PyErr {
    PyValueError::new_err(e.to_string())
}

/// A volume-io error: `FileNotFoundError` / `OSError` for file system failures, `ValueError`
/// for a file that was read but is not a valid volume.
pub(crate) fn io_err(e: lungprep_volume_io::Error) -> PyErr {
    use lungprep_volume_io::Error as E;
    match &e {
        E::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
            pyo3::exceptions::PyFileNotFoundError::new_err(e.to_string())
        }
        E::Io { .. } | E::NotRegularFile { .. } | E::NoDicom { .. } => {
            PyOSError::new_err(e.to_string())
        }
        _ => PyValueError::new_err(e.to_string()),
    }
}

/// `TypeError` naming the dtype a function does not take.
pub(crate) fn dtype_err(func: &str, obj: &Bound<'_, PyAny>) -> PyErr {
    let dt = obj
        .getattr("dtype")
        .map(|d| d.to_string())
        .unwrap_or_else(|_| "?".into());
    PyTypeError::new_err(format!("{func}: unsupported array dtype {dt}"))
}

#[pymodule]
fn _lungprep(m: &Bound<'_, PyModule>) -> PyResult<()> {
    io::register(m)?;
    kernels::register(m)?;
    pipeline::register(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
