//! Series geometry: grt123's order and thickness, plus the checks grt123 does not make
//! (spacing along the slice normal, tilted or oblique orientation), reported as warnings.

use super::header::SliceHeader;
use super::order::{grt123_order, SliceKey};
use crate::error::{Error, Result};

/// Order and geometry of a series.
pub(crate) struct Geometry {
    /// Indices into the series' headers, in slice order.
    pub order: Vec<usize>,
    /// `[slice spacing, PixelSpacing[0], PixelSpacing[1]]`; the slice spacing is ITK's:
    /// distance from the first to the last slice position / (n − 1).
    pub spacing: [f64; 3],
    /// grt123's `thickness`: `|z0 − z1|` of the first two slices.
    pub thickness: f64,
    /// `ImagePositionPatient[::-1]` of the first slice.
    pub origin: [f64; 3],
    /// Rows: row cosine, column cosine, slice normal (signed along the slice order).
    pub direction: [[f64; 3]; 3],
}

fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// Slice positions along the normal and the largest deviation of their gaps from the first.
pub(crate) fn normal_gaps(positions: &[[f64; 3]], normal: [f64; 3]) -> Vec<f64> {
    let p: Vec<f64> = positions.iter().map(|x| dot(*x, normal)).collect();
    p.windows(2).map(|w| w[1] - w[0]).collect()
}

pub(crate) fn series_geometry(
    series: &[SliceHeader],
    warnings: &mut Vec<String>,
) -> Result<Geometry> {
    let n = series.len();
    let all_ipp = series.iter().all(|h| h.position.is_some());
    let all_loc = series.iter().all(|h| h.slice_location.is_some());
    let z_of = |h: &SliceHeader| -> f64 {
        if all_ipp {
            h.position.map_or(0.0, |p| p[2])
        } else {
            h.slice_location.unwrap_or(0.0)
        }
    };
    if !all_ipp && n > 1 {
        if all_loc {
            warnings.push("ImagePositionPatient missing: ordered by SliceLocation".into());
        } else {
            let h = series
                .iter()
                .find(|h| h.position.is_none())
                .unwrap_or(&series[0]);
            return Err(Error::MissingTag {
                path: h.path.clone(),
                tag: "ImagePositionPatient",
            });
        }
    }
    let keys: Vec<SliceKey> = series
        .iter()
        .map(|h| SliceKey {
            z: z_of(h),
            instance: h.instance_number.unwrap_or(0.0),
        })
        .collect();
    let ordered = grt123_order(&keys);
    if ordered.dropped > 0 {
        warnings.push(format!(
            "duplicate slice positions: kept the first {} slices by InstanceNumber, dropped {}",
            ordered.order.len(),
            ordered.dropped
        ));
    }
    let order = ordered.order;
    let first = &series[order[0]];
    let thickness = if order.len() >= 2 {
        (keys[order[0]].z - keys[order[1]].z).abs()
    } else {
        let t = first.slice_thickness.filter(|t| *t > 0.0).unwrap_or(1.0);
        warnings.push(format!(
            "single slice: z spacing {t} from SliceThickness (grt123 needs two slices)"
        ));
        t
    };
    let ps = first.pixel_spacing.unwrap_or_else(|| {
        warnings.push("PixelSpacing missing: used 1 mm".into());
        [1.0, 1.0]
    });
    let origin = match first.position {
        Some(p) => [p[2], p[1], p[0]],
        None => {
            warnings.push("ImagePositionPatient missing: origin set to 0".into());
            [0.0; 3]
        }
    };
    let mut direction = crate::IDENTITY;
    if let Some(o) = first.orientation {
        let r = [o[0], o[1], o[2]];
        let c = [o[3], o[4], o[5]];
        let mut nrm = cross(r, c);
        // The array's z axis runs in slice order (ascending z, grt123's); the normal points
        // along it.
        if let (Some(a), Some(b)) = (first.position, series[order[order.len() - 1]].position) {
            if dot([b[0] - a[0], b[1] - a[1], b[2] - a[2]], nrm) < 0.0 {
                nrm = [-nrm[0], -nrm[1], -nrm[2]];
            }
        }
        direction = [r, c, nrm];
        if nrm[2].abs() < 1.0 - 1e-6 {
            warnings.push(format!(
                "tilted or oblique orientation: slice normal ({:.4}, {:.4}, {:.4}); grt123 stacks by z regardless",
                nrm[0], nrm[1], nrm[2]
            ));
        }
        if all_ipp && order.len() >= 3 {
            let pos: Vec<[f64; 3]> = order.iter().filter_map(|&i| series[i].position).collect();
            let gaps = normal_gaps(&pos, nrm);
            let (lo, hi) = gaps
                .iter()
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &g| {
                    (a.min(g.abs()), b.max(g.abs()))
                });
            if hi - lo > 1e-3 + 1e-4 * hi {
                warnings.push(format!(
                    "non-uniform slice spacing along the normal: gaps from {lo:.4} to {hi:.4} mm; grt123 uses the first gap ({thickness:.4} mm in z)"
                ));
            }
        }
    }
    // ITK's ImageSeriesReader: the first-to-last distance over n − 1 slices.
    let span = match (first.position, series[order[order.len() - 1]].position) {
        (Some(a), Some(b)) if all_ipp && order.len() >= 2 => {
            let d = [b[0] - a[0], b[1] - a[1], b[2] - a[2]];
            dot(d, d).sqrt() / (order.len() - 1) as f64
        }
        _ => 0.0,
    };
    let slice_spacing = if span > 0.0 { span } else { thickness };
    if (slice_spacing - thickness).abs() > 1e-3 {
        warnings.push(format!(
            "slice spacing {slice_spacing:.4} mm (first to last slice, as SimpleITK) differs \
             from grt123's {thickness:.4} mm (first two slices), which the pipeline uses"
        ));
    }
    Ok(Geometry {
        order,
        spacing: [slice_spacing, ps[0], ps[1]],
        thickness,
        origin,
        direction,
    })
}
