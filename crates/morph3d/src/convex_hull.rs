//! `skimage.morphology.convex_hull_image` (0.26) for 2D images, in exact integer arithmetic.
//!
//! skimage takes the hull of the pixels' edge midpoints `(r ± ½, c)`, `(r, c ± ½)` and keeps
//! the pixel centres that `grid_points_in_poly` classifies inside, on an edge or on a vertex.
//! All coordinates are half-integers, so its float tests are exact: the result is the set of
//! centres in the *closed* hull. We work in doubled coordinates (integers): monotone-chain hull
//! of the midpoints of each row's first and last pixel (interior pixels add nothing), then each
//! row's span is the exact `[ceil, floor]` of the hull's intersection with the row.

use ndarray::{Array2, ArrayView2};

/// Convex hull image of a 2D mask; an empty mask gives an all-false image.
pub fn convex_hull_image(image: &ArrayView2<bool>) -> Array2<bool> {
    let (h, w) = image.dim();
    let mut out = Array2::from_elem((h, w), false);
    let mut pts: Vec<(i64, i64)> = Vec::new();
    for (r, row) in image.outer_iter().enumerate() {
        let (first, last) = match row.as_slice() {
            Some(sl) => (sl.iter().position(|&v| v), sl.iter().rposition(|&v| v)),
            None => (row.iter().position(|&v| v), row.iter().rposition(|&v| v)),
        };
        let (Some(first), Some(last)) = (first, last) else {
            continue;
        };
        let y = 2 * r as i64;
        for c in [first, last] {
            let x = 2 * c as i64;
            pts.extend_from_slice(&[(y - 1, x), (y + 1, x), (y, x - 1), (y, x + 1)]);
        }
    }
    if pts.is_empty() {
        return out;
    }
    let hull = monotone_chain(pts);
    let (ymin, ymax) = hull
        .iter()
        .fold((i64::MAX, i64::MIN), |(a, b), p| (a.min(p.0), b.max(p.0)));
    let nv = hull.len();
    for r in 0..h {
        let y = 2 * r as i64;
        if y < ymin || y > ymax {
            continue;
        }
        let (mut lo, mut hi) = (i64::MAX, i64::MIN);
        for i in 0..nv {
            let (p, q) = (hull[i], hull[(i + 1) % nv]);
            if p.0 == y {
                lo = lo.min(ceil_div(p.1, 2));
                hi = hi.max(floor_div(p.1, 2));
            }
            if (p.0 < y && q.0 > y) || (p.0 > y && q.0 < y) {
                // x = p.x + (y - p.y)(q.x - p.x)/(q.y - p.y); column bound is x / 2.
                let num = p.1 * (q.0 - p.0) + (y - p.0) * (q.1 - p.1);
                let den = q.0 - p.0;
                let (num, den) = if den < 0 { (-num, -den) } else { (num, den) };
                lo = lo.min(ceil_div(num, 2 * den));
                hi = hi.max(floor_div(num, 2 * den));
            }
        }
        let lo = lo.max(0);
        let hi = hi.min(w as i64 - 1);
        if lo <= hi {
            let mut row = out.row_mut(r);
            match row.as_slice_mut() {
                Some(sl) => sl[lo as usize..=hi as usize].fill(true),
                None => row
                    .slice_mut(ndarray::s![lo as usize..=hi as usize])
                    .fill(true),
            }
        }
    }
    out
}

fn floor_div(a: i64, b: i64) -> i64 {
    a.div_euclid(b)
}

fn ceil_div(a: i64, b: i64) -> i64 {
    -((-a).div_euclid(b))
}

fn cross(o: (i64, i64), a: (i64, i64), b: (i64, i64)) -> i64 {
    (a.0 - o.0) * (b.1 - o.1) - (a.1 - o.1) * (b.0 - o.0)
}

/// Andrew's monotone chain; collinear points dropped; returns the vertices in order.
fn monotone_chain(mut pts: Vec<(i64, i64)>) -> Vec<(i64, i64)> {
    pts.sort_unstable();
    pts.dedup();
    if pts.len() < 3 {
        return pts;
    }
    let mut lower: Vec<(i64, i64)> = Vec::new();
    for &p in &pts {
        while lower.len() >= 2 && cross(lower[lower.len() - 2], lower[lower.len() - 1], p) <= 0 {
            lower.pop();
        }
        lower.push(p);
    }
    let mut upper: Vec<(i64, i64)> = Vec::new();
    for &p in pts.iter().rev() {
        while upper.len() >= 2 && cross(upper[upper.len() - 2], upper[upper.len() - 1], p) <= 0 {
            upper.pop();
        }
        upper.push(p);
    }
    lower.pop();
    upper.pop();
    lower.extend(upper);
    lower
}
