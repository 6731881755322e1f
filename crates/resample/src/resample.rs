//! grt123's `resample`: zoom to a target voxel spacing with its exact arithmetic.

use ndarray::{Array, ArrayD, ArrayView, Axis, Dimension, IxDyn};

use crate::mode::Mode;
use crate::zoom::{zoom, ZoomOptions};
use crate::{Error, Result, Sample};

/// grt123's shape arithmetic: `new_shape = round(shape · spacing / new_spacing)`
/// (half-even), `true_spacing = spacing · shape / new_shape`, and the zoom factors
/// `new_shape / shape`.
pub fn resample_geometry(
    shape: &[usize],
    spacing: &[f64],
    new_spacing: &[f64],
) -> Result<(Vec<f64>, Vec<f64>)> {
    if spacing.len() != shape.len() || new_spacing.len() != shape.len() {
        return Err(Error::LengthMismatch {
            what: "spacing",
            expected: shape.len(),
            got: if spacing.len() != shape.len() {
                spacing.len()
            } else {
                new_spacing.len()
            },
        });
    }
    let mut factors = Vec::with_capacity(shape.len());
    let mut true_spacing = Vec::with_capacity(shape.len());
    for ((&n, &s), &ns) in shape.iter().zip(spacing).zip(new_spacing) {
        let n = n as f64;
        let new_n = (n * s / ns).round_ties_even();
        if !(new_n.is_finite() && new_n > 0.0) {
            return Err(Error::InvalidParameter(format!(
                "resampling an axis of {n} voxels from spacing {s} to {ns} gives {new_n} voxels"
            )));
        }
        true_spacing.push(s * n / new_n);
        factors.push(new_n / n);
    }
    Ok((factors, true_spacing))
}

/// grt123's `resample(imgs, spacing, new_spacing, order)`: scipy zoom with mode
/// `nearest` by `new_shape / shape`; returns the array and the true spacing.
///
/// A 4-D input with 3 spacings is treated like grt123's channel-last branch: every
/// channel is resampled on its own. (grt123 itself calls the 3-D branch there with its
/// default `order=2`; pass `order = 2` to reproduce that.)
pub fn resample_to_spacing<T: Sample, D: Dimension>(
    input: &ArrayView<T, D>,
    spacing: &[f64],
    new_spacing: &[f64],
    order: usize,
) -> Result<(Array<T, D>, Vec<f64>)> {
    let opts = ZoomOptions {
        order,
        mode: Mode::Nearest,
        ..ZoomOptions::default()
    };
    if input.ndim() == spacing.len() + 1 && input.ndim() >= 2 {
        let last = Axis(input.ndim() - 1);
        let nch = input.len_of(last);
        let spatial: Vec<usize> = input.shape()[..input.ndim() - 1].to_vec();
        let (factors, true_spacing) = resample_geometry(&spatial, spacing, new_spacing)?;
        let mut channels = Vec::with_capacity(nch);
        for c in 0..nch {
            let ch = input.view().into_dyn().index_axis_move(last, c);
            channels.push(zoom(&ch, &factors, &opts)?);
        }
        let out_sp: Vec<usize> = match channels.first() {
            Some(a) => a.shape().to_vec(),
            None => crate::zoom::zoom_output_shape(&spatial, &factors)?,
        };
        let mut full = out_sp.clone();
        full.push(nch);
        let mut out = ArrayD::from_elem(IxDyn(&full), T::from_f64(0.0));
        for (c, ch) in channels.iter().enumerate() {
            out.index_axis_mut(last, c).assign(ch);
        }
        return Ok((out.into_dimensionality::<D>()?, true_spacing));
    }
    let (factors, true_spacing) = resample_geometry(input.shape(), spacing, new_spacing)?;
    Ok((zoom(input, &factors, &opts)?, true_spacing))
}
