//! grt123 (`step1`, `prep`), Zuidhof's mask and the HU transforms.

use lungprep_lungseg::{self as lungseg, Annotation, Geometry, LabelRule, Params, Preset, Spacing};
use numpy::{IntoPyArray, PyReadonlyArray3, PyReadonlyArrayDyn};
use pyo3::prelude::*;

use crate::{dtype_err, value_err};

fn spacing(zyx: [f64; 3], f32: bool) -> Spacing {
    if f32 {
        Spacing::f32(zyx)
    } else {
        Spacing::f64(zyx)
    }
}

fn preset(name: &str) -> PyResult<Params> {
    let p: Preset = name
        .parse()
        .map_err(pyo3::exceptions::PyValueError::new_err)?;
    Ok(Params::preset(p))
}

type Masks<'py> = (Bound<'py, PyAny>, Bound<'py, PyAny>);

/// grt123's `step1_python`: `(m1, m2)` bool masks.
#[pyfunction]
fn step1<'py>(
    py: Python<'py>,
    hu: PyReadonlyArray3<'py, i16>,
    zyx: [f64; 3],
    f32: bool,
) -> PyResult<Masks<'py>> {
    let view = hu.as_array();
    let s = spacing(zyx, f32);
    let out = py
        .detach(|| lungseg::step1(&view, &s, &Params::default()))
        .map_err(value_err)?;
    Ok((
        out.m1.into_pyarray(py).into_any(),
        out.m2.into_pyarray(py).into_any(),
    ))
}

type Prepped<'py> = (Bound<'py, PyAny>, Bound<'py, PyAny>, Vec<[usize; 2]>);

/// `step1` then grt123's `savenpy`: `(clean (z, y, x) u8, label rows, extendbox)`.
#[pyfunction]
#[allow(clippy::too_many_arguments)]
fn prep<'py>(
    py: Python<'py>,
    hu: PyReadonlyArray3<'py, i16>,
    zyx: [f64; 3],
    f32: bool,
    origin: [f64; 3],
    isflip: bool,
    annotations: Vec<[f64; 4]>,
    preset_name: &str,
) -> PyResult<Prepped<'py>> {
    let params = preset(preset_name)?;
    let view = hu.as_array();
    let s = spacing(zyx, f32);
    let mut geometry = Geometry::new(s, origin);
    geometry.labels = LabelRule::Grt123 {
        origin,
        flipped: isflip,
    };
    let annos: Vec<Annotation> = annotations
        .iter()
        .map(|r| Annotation {
            world_xyz: [r[0], r[1], r[2]],
            diameter_mm: r[3],
        })
        .collect();
    let out = py
        .detach(|| -> lungseg::Result<lungseg::Prepared> {
            let s1 = lungseg::step1(&view, &s, &params)?;
            lungseg::prep(
                &view,
                &s1.m1.view(),
                &s1.m2.view(),
                &geometry,
                &annos,
                &params,
            )
        })
        .map_err(value_err)?;
    Ok((
        out.clean.into_pyarray(py).into_any(),
        out.labels.into_pyarray(py).into_any(),
        out.crop.to_vec(),
    ))
}

/// Zuidhof's `segment_lung_mask` (int8 mask).
#[pyfunction]
fn segment_lung_mask<'py>(
    py: Python<'py>,
    image: PyReadonlyArray3<'py, i16>,
    fill_lung_structures: bool,
) -> PyResult<Bound<'py, PyAny>> {
    let view = image.as_array();
    let out = py
        .detach(|| lungseg::zuidhof::segment_lung_mask(&view, fill_lung_structures))
        .map_err(value_err)?;
    Ok(out.into_pyarray(py).into_any())
}

macro_rules! each_numeric {
    ($obj:expr, $name:expr, $a:ident => $body:expr) => {{
        each_numeric!(@try $obj, $a, $body, i16, u8, i8, u16, i32, u32, i64, u64, f32, f64);
        Err(dtype_err($name, $obj))
    }};
    (@try $obj:expr, $a:ident, $body:expr, $($t:ty),*) => {
        $(
            if let Ok($a) = $obj.extract::<PyReadonlyArrayDyn<'_, $t>>() {
                return $body;
            }
        )*
    };
}
pub(crate) use each_numeric;

/// grt123's `lum_trans` (uint8).
#[pyfunction]
fn lum_trans<'py>(py: Python<'py>, image: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    each_numeric!(image, "lum_trans", a => {
        let v = a.as_array();
        let out = py.detach(|| lungprep_hu::lum_trans(&v));
        Ok(out.into_pyarray(py).into_any())
    })
}

/// The Kaggle tutorial's `normalize` (float32).
#[pyfunction]
fn normalize<'py>(py: Python<'py>, image: &Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    each_numeric!(image, "normalize", a => {
        let v = a.as_array();
        let out = py.detach(|| lungprep_hu::normalize(&v));
        Ok(out.into_pyarray(py).into_any())
    })
}

/// The Kaggle tutorial's `zero_center` (float32 in, float32 out).
#[pyfunction]
fn zero_center<'py>(
    py: Python<'py>,
    image: PyReadonlyArrayDyn<'py, f32>,
) -> PyResult<Bound<'py, PyAny>> {
    let v = image.as_array();
    let out = py.detach(|| lungprep_hu::zero_center(&v));
    Ok(out.into_pyarray(py).into_any())
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(step1, m)?)?;
    m.add_function(wrap_pyfunction!(prep, m)?)?;
    m.add_function(wrap_pyfunction!(segment_lung_mask, m)?)?;
    m.add_function(wrap_pyfunction!(lum_trans, m)?)?;
    m.add_function(wrap_pyfunction!(normalize, m)?)?;
    m.add_function(wrap_pyfunction!(zero_center, m)?)?;
    Ok(())
}
