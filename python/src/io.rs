//! `read_volume`: any supported file or DICOM folder → canonical HU int16 + geometry.

use lungprep_volume_io::{self as vio, Format, ReadOptions};
use numpy::IntoPyArray;
use pyo3::prelude::*;
use pyo3::types::PyDict;

/// Reads `path` as `lungprep prep` does (`read_hu`: int16 HU in the canonical layout) and
/// returns `(hu, info)`; `info` holds the geometry and what `lungprep info` shows.
#[pyfunction]
#[pyo3(signature = (path, series=None))]
fn read_volume<'py>(
    py: Python<'py>,
    path: std::path::PathBuf,
    series: Option<String>,
) -> PyResult<(Bound<'py, PyAny>, Bound<'py, PyDict>)> {
    let opts = ReadOptions {
        series_uid: series,
        ..Default::default()
    };
    let vol = py
        .detach(|| vio::read_hu(&path, &opts))
        .map_err(crate::io_err)?;
    let d = PyDict::new(py);
    let m = &vol.meta;
    d.set_item("format", format!("{:?}", m.format))?;
    d.set_item("spacing", vol.spacing.to_vec())?;
    d.set_item("origin", vol.origin.to_vec())?;
    d.set_item(
        "direction",
        vol.direction.iter().map(|r| r.to_vec()).collect::<Vec<_>>(),
    )?;
    d.set_item("series_uid", m.series_uid.clone())?;
    d.set_item("series_number", m.series_number)?;
    d.set_item("patient_id", m.patient_id.clone())?;
    d.set_item("modality", m.modality.clone())?;
    d.set_item("num_files", m.num_files)?;
    d.set_item("flipped", m.flipped)?;
    d.set_item("grt123_thickness", m.grt123_thickness)?;
    d.set_item("geometry_missing", m.geometry_missing)?;
    d.set_item("warnings", m.warnings.clone())?;
    if let Some(r) = &m.reorientation {
        d.set_item("permutation", r.permutation.to_vec())?;
        d.set_item("flips", r.flips.to_vec())?;
        d.set_item("oblique_degrees", r.oblique_degrees)?;
        d.set_item("source_shape", r.source_shape.to_vec())?;
        d.set_item("source_spacing", r.source_spacing.to_vec())?;
        d.set_item("source_origin", r.source_origin.to_vec())?;
    }
    // What grt123's loaders report, so `grt123.prep` reproduces them: DICOM spacing is the
    // thickness of the first two slices, in float32, on the axis the stored slices became.
    let (_, g_origin) = vol.grt123_geometry();
    let mut g_spacing = vol.spacing;
    if let Some(t) = m.grt123_thickness {
        let k = m
            .reorientation
            .as_ref()
            .and_then(|r| r.permutation.iter().position(|&a| a == 0))
            .unwrap_or(0);
        g_spacing[k] = t;
    }
    d.set_item("grt123_spacing", g_spacing.to_vec())?;
    d.set_item("grt123_spacing_f32", m.format == Format::Dicom)?;
    d.set_item("grt123_origin", g_origin.to_vec())?;
    Ok((vol.data.into_pyarray(py).into_any(), d))
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(read_volume, m)?)
}
