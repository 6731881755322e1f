//! Region properties of a label image (`skimage.measure.regionprops`), scalar properties in
//! one pass, images on demand.

use crate::{binary_fill_holes, convex_hull_image};
use ndarray::{Array, Array2, ArrayView, ArrayView2, Dimension, IxDyn};

/// One labeled region. Scalar properties are filled by [`regionprops`]; images are cropped to
/// the half-open `bbox` and computed when asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct Region {
    /// The label value.
    pub label: u32,
    /// Number of voxels.
    pub area: usize,
    /// Half-open `(start, stop)` per axis, as `skimage`'s `bbox` / `slice`.
    pub bbox: Vec<(usize, usize)>,
    /// Mean voxel coordinate per axis (unit spacing), as `skimage`'s `centroid`.
    pub centroid: Vec<f64>,
    /// 2D only: exact integer raw moments `[Σr², Σc², Σrc]` and `[Σr, Σc]`, enough for the
    /// central moments without a second pass.
    m2: Option<([u128; 3], [u64; 2])>,
}

#[derive(Clone)]
struct Acc {
    area: usize,
    lo: [usize; 3],
    hi: [usize; 3],
    sum: [u64; 3],
    /// Σr², Σc², Σrc over (y, x).
    m2: [u128; 3],
}

/// Properties of every label present in `labels`, in label order (labels that do not occur are
/// omitted, like skimage). One pass for area, bbox and centroid; a second pass over each 2D
/// region's bbox for the moments (only in 2D). Rank 1..=3 (other ranks give an empty list).
pub fn regionprops<D: Dimension>(labels: &ArrayView<u32, D>) -> Vec<Region> {
    let ndim = labels.ndim();
    let Ok([nz, ny, nx]) = crate::grid::shape3(labels.shape()) else {
        return Vec::new();
    };
    let data = labels.as_standard_layout();
    let Some(s) = data.as_slice() else {
        return Vec::new();
    };
    let max = s.iter().copied().max().unwrap_or(0) as usize;
    let empty = Acc {
        area: 0,
        lo: [usize::MAX; 3],
        hi: [0; 3],
        sum: [0; 3],
        m2: [0; 3],
    };
    let mut acc = vec![empty; max + 1];
    let mut i = 0;
    for z in 0..nz {
        for y in 0..ny {
            let row = &s[i..i + nx];
            i += nx;
            let mut x = 0;
            while x < nx {
                let l = row[x];
                let start = x;
                while x < nx && row[x] == l {
                    x += 1;
                }
                if l == 0 {
                    continue;
                }
                let n = x - start;
                let a = &mut acc[l as usize];
                a.area += n;
                let p = [z, y];
                for (ax, &c) in p.iter().enumerate() {
                    a.lo[ax] = a.lo[ax].min(c);
                    a.hi[ax] = a.hi[ax].max(c + 1);
                    a.sum[ax] += (c * n) as u64;
                }
                a.lo[2] = a.lo[2].min(start);
                a.hi[2] = a.hi[2].max(x);
                // Σ_{c=start}^{x-1} c
                let sc = ((start + x - 1) * n / 2) as u64;
                a.sum[2] += sc;
                if ndim == 2 {
                    let (yy, n) = (y as u128, n as u128);
                    a.m2[0] += yy * yy * n;
                    a.m2[1] += sq_sum(x as u128) - sq_sum(start as u128);
                    a.m2[2] += yy * u128::from(sc);
                }
            }
        }
    }
    let skip = 3 - ndim;
    let mut out = Vec::new();
    for (l, a) in acc.iter().enumerate().skip(1) {
        if a.area == 0 {
            continue;
        }
        let bbox: Vec<(usize, usize)> = (skip..3).map(|ax| (a.lo[ax], a.hi[ax])).collect();
        let centroid = (skip..3)
            .map(|ax| a.sum[ax] as f64 / a.area as f64)
            .collect();
        let m2 = (ndim == 2).then_some((a.m2, [a.sum[1], a.sum[2]]));
        out.push(Region {
            label: l as u32,
            area: a.area,
            bbox,
            centroid,
            m2,
        });
    }
    out
}

/// Σ_{c=0}^{m-1} c²
#[inline]
fn sq_sum(m: u128) -> u128 {
    if m == 0 {
        0
    } else {
        (m - 1) * m * (2 * m - 1) / 6
    }
}

impl Region {
    /// Area in physical units: voxel count × product of `spacing`.
    pub fn area_physical(&self, spacing: &[f64]) -> f64 {
        self.area as f64 * spacing.iter().product::<f64>()
    }

    /// Central moments `(mu20, mu02, mu11)` (rows, columns, mixed), exact up to one rounding.
    fn central2(&self) -> Option<(f64, f64, f64)> {
        let ([srr, scc, src], [sr, sc]) = self.m2?;
        let n = self.area as i128;
        // n·mu = n·Σxy − Σx·Σy, exact in i128.
        let f = |sxy: u128, sx: u64, sy: u64| -> f64 {
            (n * sxy as i128 - sx as i128 * sy as i128) as f64 / n as f64
        };
        Some((f(srr, sr, sr), f(scc, sc, sc), f(src, sr, sc)))
    }

    /// 2D inertia tensor as skimage: `[[mu02, -mu11], [-mu11, mu20]] / area`.
    pub fn inertia_tensor(&self) -> Option<[[f64; 2]; 2]> {
        let (mu20, mu02, mu11) = self.central2()?;
        let n = self.area as f64;
        Some([[mu02 / n, -mu11 / n], [-mu11 / n, mu20 / n]])
    }

    /// Eigenvalues of the inertia tensor, largest first, negatives clipped to 0 (skimage).
    pub fn inertia_tensor_eigvals(&self) -> Option<[f64; 2]> {
        let [[a, b], [_, c]] = self.inertia_tensor()?;
        let mean = (a + c) / 2.0;
        let half = (a - c) / 2.0;
        let r = half.hypot(b);
        Some([(mean + r).max(0.0), (mean - r).max(0.0)])
    }

    /// `sqrt(1 - l2 / l1)` of the inertia eigenvalues, 0 when `l1 == 0`; `None` unless 2D.
    pub fn eccentricity(&self) -> Option<f64> {
        let [l1, l2] = self.inertia_tensor_eigvals()?;
        if l1 == 0.0 {
            return Some(0.0);
        }
        Some((1.0 - l2 / l1).sqrt())
    }

    /// The region's voxels in its bbox (`labels[bbox] == label`).
    pub fn image<D: Dimension>(&self, labels: &ArrayView<u32, D>) -> Array<bool, D> {
        let mut view = labels.view();
        for (ax, &(s, e)) in self.bbox.iter().enumerate().take(view.ndim()) {
            view.slice_axis_inplace(ndarray::Axis(ax), ndarray::Slice::from(s..e));
        }
        view.map(|&v| v == self.label)
    }

    /// `skimage`'s `image_convex`: [`convex_hull_image`] of [`Region::image`].
    pub fn convex_image(&self, labels: &ArrayView2<u32>) -> Array2<bool> {
        convex_hull_image(&self.image(labels).view())
    }

    /// `skimage`'s `image_filled`: `binary_fill_holes` of [`Region::image`] with a full 3×3
    /// structure.
    pub fn filled_image(&self, labels: &ArrayView2<u32>) -> Array2<bool> {
        let img = self.image(labels);
        let full = Array::from_elem(IxDyn(&[3, 3]), true);
        binary_fill_holes(&img.view(), Some(&full.view())).unwrap_or(img)
    }

    /// The coordinates of the region's voxels in raster order, as `D::Pattern`
    /// (e.g. `(usize, usize)` for `Ix2`).
    pub fn coords<'a, D: Dimension>(
        &'a self,
        labels: &'a ArrayView<'a, u32, D>,
    ) -> impl Iterator<Item = D::Pattern> + 'a {
        let mut view = labels.view();
        for (ax, &(s, e)) in self.bbox.iter().enumerate().take(view.ndim()) {
            view.slice_axis_inplace(ndarray::Axis(ax), ndarray::Slice::from(s..e));
        }
        let offset: Vec<usize> = self.bbox.iter().map(|b| b.0).collect();
        let template = labels.raw_dim();
        view.into_dyn()
            .into_indexed_iter()
            .filter(move |(_, &v)| v == self.label)
            .map(move |(idx, _)| {
                let mut d = template.clone();
                for (ax, o) in offset.iter().enumerate().take(d.ndim()) {
                    d[ax] = idx[ax] + o;
                }
                d.into_pattern()
            })
    }
}
