//! The scipy.ndimage / scikit-image kernels of `lungprep-morph3d` and `lungprep-resample`.

use lungprep_morph3d as morph3d;
use lungprep_resample::{self as resample, Mode, Sample, ZoomOptions};
use ndarray::{ArrayD, IxDyn};
use numpy::{IntoPyArray, PyReadonlyArray2, PyReadonlyArrayDyn};
use pyo3::prelude::*;

use crate::pipeline::each_numeric;
use crate::{dtype_err, value_err};

type Arr<'py> = Bound<'py, PyAny>;

/// `scipy.ndimage.label` with `generate_binary_structure(ndim, connectivity)`: `(u32, n)`.
#[pyfunction]
fn label<'py>(
    py: Python<'py>,
    input: PyReadonlyArrayDyn<'py, bool>,
    connectivity: usize,
) -> PyResult<(Arr<'py>, usize)> {
    let v = input.as_array();
    let (l, n) = py
        .detach(|| morph3d::label(&v, connectivity))
        .map_err(value_err)?;
    Ok((l.into_pyarray(py).into_any(), n))
}

/// `skimage.measure.label` on a value image (`background=None`: no background).
#[pyfunction]
#[pyo3(signature = (input, background, connectivity))]
fn label_values<'py>(
    py: Python<'py>,
    input: &Bound<'py, PyAny>,
    background: Option<&Bound<'py, PyAny>>,
    connectivity: usize,
) -> PyResult<(Arr<'py>, usize)> {
    if let Ok(a) = input.extract::<PyReadonlyArrayDyn<'_, bool>>() {
        let bg = background.map(|b| b.extract::<bool>()).transpose()?;
        let v = a.as_array();
        let (l, n) = py
            .detach(|| morph3d::label_values(&v, bg, connectivity))
            .map_err(value_err)?;
        return Ok((l.into_pyarray(py).into_any(), n));
    }
    each_numeric!(input, "label", a => {
        let bg = background.map(|b| b.extract()).transpose()?;
        let v = a.as_array();
        let (l, n) = py
            .detach(|| morph3d::label_values(&v, bg, connectivity))
            .map_err(value_err)?;
        Ok((l.into_pyarray(py).into_any(), n))
    })
}

/// `scipy.ndimage.distance_transform_edt`: distances, and the feature indices when asked.
#[pyfunction]
#[pyo3(signature = (input, sampling, return_indices))]
fn distance_transform_edt<'py>(
    py: Python<'py>,
    input: PyReadonlyArrayDyn<'py, bool>,
    sampling: Option<Vec<f64>>,
    return_indices: bool,
) -> PyResult<(Arr<'py>, Option<Arr<'py>>)> {
    let v = input.as_array();
    let s = sampling.as_deref();
    if return_indices {
        let (d, i) = py
            .detach(|| morph3d::distance_transform_edt_indices(&v, s))
            .map_err(value_err)?;
        Ok((
            d.into_pyarray(py).into_any(),
            Some(i.into_pyarray(py).into_any()),
        ))
    } else {
        let d = py
            .detach(|| morph3d::distance_transform_edt(&v, s))
            .map_err(value_err)?;
        Ok((d.into_pyarray(py).into_any(), None))
    }
}

/// `scipy.ndimage.binary_dilation` (`erode = false`) / `binary_erosion` (`erode = true`).
#[pyfunction]
#[pyo3(signature = (input, structure, iterations, border_value, mask, erode))]
fn binary_morphology<'py>(
    py: Python<'py>,
    input: PyReadonlyArrayDyn<'py, bool>,
    structure: Option<PyReadonlyArrayDyn<'py, bool>>,
    iterations: usize,
    border_value: bool,
    mask: Option<PyReadonlyArrayDyn<'py, bool>>,
    erode: bool,
) -> PyResult<Arr<'py>> {
    let v = input.as_array();
    let opts = morph3d::MorphOptions {
        structure: structure.as_ref().map(|s| s.as_array()),
        iterations,
        border_value,
        mask: mask.as_ref().map(|m| m.as_array()),
    };
    let out = py
        .detach(|| {
            if erode {
                morph3d::binary_erosion(&v, &opts)
            } else {
                morph3d::binary_dilation(&v, &opts)
            }
        })
        .map_err(value_err)?;
    Ok(out.into_pyarray(py).into_any())
}

/// `scipy.ndimage.binary_fill_holes`.
#[pyfunction]
#[pyo3(signature = (input, structure))]
fn binary_fill_holes<'py>(
    py: Python<'py>,
    input: PyReadonlyArrayDyn<'py, bool>,
    structure: Option<PyReadonlyArrayDyn<'py, bool>>,
) -> PyResult<Arr<'py>> {
    let v = input.as_array();
    let st = structure.as_ref().map(|s| s.as_array());
    let out = py
        .detach(|| morph3d::binary_fill_holes(&v, st.as_ref()))
        .map_err(value_err)?;
    Ok(out.into_pyarray(py).into_any())
}

/// `skimage.morphology.convex_hull_image` (2D).
#[pyfunction]
fn convex_hull_image<'py>(
    py: Python<'py>,
    image: PyReadonlyArray2<'py, bool>,
) -> PyResult<Arr<'py>> {
    let v = image.as_array();
    let out = py.detach(|| morph3d::convex_hull_image(&v));
    Ok(out.into_pyarray(py).into_any())
}

/// One region of `regionprops`: label, area, bbox, centroid, eccentricity (2D, else None).
type RegionRow = (u32, usize, Vec<(usize, usize)>, Vec<f64>, Option<f64>);

/// `skimage.measure.regionprops`' scalar properties, computed in one pass.
#[pyfunction]
fn regionprops(py: Python<'_>, labels: PyReadonlyArrayDyn<'_, u32>) -> Vec<RegionRow> {
    let v = labels.as_array();
    py.detach(|| {
        morph3d::regionprops(&v)
            .into_iter()
            .map(|r| {
                let e = r.eccentricity();
                (r.label, r.area, r.bbox, r.centroid, e)
            })
            .collect()
    })
}

fn mode(name: &str) -> PyResult<Mode> {
    name.parse::<Mode>().map_err(value_err)
}

/// Stores a float64 zoom result into the requested dtype with scipy's output rounding.
fn store<'py>(py: Python<'py>, z: ArrayD<f64>, dtype: &str) -> PyResult<Arr<'py>> {
    macro_rules! to {
        ($t:ty) => {
            Ok(z.mapv(<$t as Sample>::from_f64).into_pyarray(py).into_any())
        };
    }
    match dtype {
        "uint8" => to!(u8),
        "int8" => to!(i8),
        "uint16" => to!(u16),
        "int16" => to!(i16),
        "uint32" => to!(u32),
        "int32" => to!(i32),
        "uint64" => to!(u64),
        "int64" => to!(i64),
        "float32" => to!(f32),
        "float64" => Ok(z.into_pyarray(py).into_any()),
        other => Err(value_err(format!("zoom: unsupported output dtype {other}"))),
    }
}

/// `scipy.ndimage.zoom`; `output` is a NumPy dtype name, `None` for the input's.
#[pyfunction]
#[pyo3(signature = (input, factors, order, mode_name, cval, prefilter, grid_mode, output))]
#[allow(clippy::too_many_arguments)]
fn zoom<'py>(
    py: Python<'py>,
    input: &Bound<'py, PyAny>,
    factors: Vec<f64>,
    order: usize,
    mode_name: &str,
    cval: f64,
    prefilter: bool,
    grid_mode: bool,
    output: Option<&str>,
) -> PyResult<Arr<'py>> {
    let opts = ZoomOptions {
        order,
        mode: mode(mode_name)?,
        cval,
        prefilter,
        grid_mode,
    };
    each_numeric!(input, "zoom", a => {
        let v = a.as_array();
        match output {
            None => {
                let z = py.detach(|| resample::zoom(&v, &factors, &opts)).map_err(value_err)?;
                Ok(z.into_pyarray(py).into_any())
            }
            Some(dt) => {
                let z = py
                    .detach(|| resample::zoom_into::<_, f64, IxDyn>(&v, &factors, &opts))
                    .map_err(value_err)?;
                store(py, z, dt)
            }
        }
    })
}

/// `scipy.ndimage.gaussian_filter` (order 0), the output in the input's dtype.
///
/// `kernels` holds NumPy's `_gaussian_kernel1d` per axis (`None`: axis skipped, as scipy
/// skips `sigma <= 1e-15`). NumPy's `exp` can differ from libm's by one ulp (SIMD dispatch),
/// so when a kernel differs from the crate's own the passes run with NumPy's taps
/// (`correlate1d_sym`, one pass per axis, each stored in the input dtype as scipy does);
/// otherwise the crate's fused `gaussian_filter` runs. Either way the result is scipy's.
#[pyfunction]
#[pyo3(signature = (input, sigma, truncate, mode_name, cval, kernels))]
fn gaussian_filter<'py>(
    py: Python<'py>,
    input: &Bound<'py, PyAny>,
    sigma: Vec<f64>,
    truncate: f64,
    mode_name: &str,
    cval: f64,
    kernels: Vec<Option<Vec<f64>>>,
) -> PyResult<Arr<'py>> {
    let m = mode(mode_name)?;
    let mut same = true;
    for (s, k) in sigma.iter().zip(&kernels) {
        if let Some(k) = k {
            same &= resample::gaussian_kernel1d(*s, truncate).map_err(value_err)? == *k;
        }
    }
    each_numeric!(input, "gaussian_filter", a => {
        let v = a.as_array();
        let out = py
            .detach(|| {
                if same {
                    return resample::gaussian_filter(&v, &sigma, truncate, m, cval);
                }
                let mut cur = v.to_owned();
                for (axis, k) in kernels.iter().enumerate() {
                    if let Some(k) = k {
                        cur = resample::correlate1d_sym(&cur.view(), k, axis, m, cval)?;
                    }
                }
                Ok(cur)
            })
            .map_err(value_err)?;
        Ok(out.into_pyarray(py).into_any())
    })
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(label, m)?)?;
    m.add_function(wrap_pyfunction!(label_values, m)?)?;
    m.add_function(wrap_pyfunction!(distance_transform_edt, m)?)?;
    m.add_function(wrap_pyfunction!(binary_morphology, m)?)?;
    m.add_function(wrap_pyfunction!(binary_fill_holes, m)?)?;
    m.add_function(wrap_pyfunction!(convex_hull_image, m)?)?;
    m.add_function(wrap_pyfunction!(regionprops, m)?)?;
    m.add_function(wrap_pyfunction!(zoom, m)?)?;
    m.add_function(wrap_pyfunction!(gaussian_filter, m)?)?;
    Ok(())
}
