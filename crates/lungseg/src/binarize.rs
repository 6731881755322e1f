//! Step 1a: per-slice smoothing, thresholding and 2-D component filtering.

use lungprep_resample::Mode;
use ndarray::{Array2, ArrayView2, ArrayView3, ArrayViewMut2};

use crate::numpy::centered_axis;
use crate::slices::map_slices;
use crate::{BinarizeParams, Result, Spacing};

/// grt123's `binarize_per_slice`: for each slice, a Gaussian (σ pixels, truncated), the
/// threshold `< intensity_th`, and the 8-connected components with area > `area_th` mm² and
/// eccentricity < `eccen_th`.
///
/// When the slice's top-left `bg_patch_size²` patch is uniform (padding outside a round field
/// of view), pixels outside the inscribed circle are set to NaN before smoothing. As in grt123,
/// that branch filters in float64 (float32 slice × float64 NaN mask) and the other in float32.
///
/// grt123 assumes square slices (its circle is built from `shape[1]` alone and crashes
/// otherwise); here a non-square slice gets the circle inscribed in it, of diameter
/// `min(rows, cols)`.
pub fn binarize_per_slice(
    image: &ArrayView3<i16>,
    spacing: &Spacing,
    p: &BinarizeParams,
) -> Result<ndarray::Array3<bool>> {
    spacing.validate()?;
    let (_, ny, nx) = image.dim();
    let fov = fov_mask(ny, nx);
    let [_, sy, sx] = spacing.get();
    map_slices(image, |slice, out| {
        binarize_slice(slice, out, &fov, sy, sx, p)
    })
}

/// `d < image_size / 2` on grt123's centred grid.
fn fov_mask(ny: usize, nx: usize) -> Array2<bool> {
    let ay = centered_axis(ny);
    let ax = centered_axis(nx);
    let r = ny.min(nx) as f64 / 2.0;
    Array2::from_shape_fn((ny, nx), |(y, x)| {
        (ax[x] * ax[x] + ay[y] * ay[y]).sqrt() < r
    })
}

fn uniform_patch(slice: &ArrayView2<i16>, size: usize) -> bool {
    let (ny, nx) = slice.dim();
    let patch = slice.slice(ndarray::s![..size.min(ny), ..size.min(nx)]);
    let first = patch.iter().next().copied();
    patch.iter().all(|&v| Some(v) == first)
}

fn binarize_slice(
    slice: ArrayView2<i16>,
    mut out: ArrayViewMut2<bool>,
    fov: &Array2<bool>,
    sy: f64,
    sx: f64,
    p: &BinarizeParams,
) -> Result<()> {
    let sigma = [p.sigma, p.sigma];
    let below = if uniform_patch(&slice, p.bg_patch_size) {
        let masked = ndarray::Zip::from(&slice)
            .and(fov)
            .map_collect(
                |&v, &inside| {
                    if inside {
                        v as f32 as f64
                    } else {
                        f64::NAN
                    }
                },
            );
        let smooth = lungprep_resample::gaussian_filter(
            &masked.view(),
            &sigma,
            p.truncate,
            Mode::Reflect,
            0.0,
        )?;
        smooth.mapv(|v| v < p.intensity_th)
    } else {
        let f = slice.mapv(|v| v as f32);
        let smooth =
            lungprep_resample::gaussian_filter(&f.view(), &sigma, p.truncate, Mode::Reflect, 0.0)?;
        let th = p.intensity_th as f32;
        smooth.mapv(|v| v < th)
    };
    let (labels, count) = lungprep_morph3d::label(&below.view(), 2)?;
    if count == 0 {
        return Ok(());
    }
    let mut keep = vec![false; count + 1];
    for r in lungprep_morph3d::regionprops(&labels.view()) {
        let area = r.area as f64 * sy * sx;
        let ecc = r.eccentricity().unwrap_or(0.0);
        if area > p.area_th && ecc < p.eccen_th {
            keep[r.label as usize] = true;
        }
    }
    ndarray::Zip::from(&mut out)
        .and(&labels)
        .for_each(|o, &l| *o = keep[l as usize]);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fov_is_inscribed_circle() {
        let m = fov_mask(4, 4);
        // corners are outside (d = sqrt(4.5) > 2), the centre 2×2 inside
        assert!(!m[[0, 0]]);
        assert!(m[[1, 1]] && m[[2, 2]]);
        assert!(m[[0, 1]]); // d = sqrt(0.25 + 2.25) < 2
    }

    #[test]
    fn uniform_patch_detects_padding() {
        let mut a = Array2::<i16>::from_elem((12, 12), -2000);
        assert!(uniform_patch(&a.view(), 10));
        a[[9, 9]] = 0;
        assert!(!uniform_patch(&a.view(), 10));
        a[[9, 9]] = -2000;
        a[[10, 10]] = 0;
        assert!(uniform_patch(&a.view(), 10));
    }
}
