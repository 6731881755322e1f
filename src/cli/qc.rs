//! Quality-control picture: axial, coronal and sagittal views through the lungs with the lung
//! outlines (m1 red, m2 green) and the crop box (yellow).

use lungprep::hu::lum_trans_value;
use lungprep::lungseg::CropBox;
use ndarray::ArrayView3;

use super::{msg, CliResult};

/// An RGB raster.
struct Panel {
    w: usize,
    h: usize,
    px: Vec<[u8; 3]>,
}

impl Panel {
    fn set(&mut self, x: usize, y: usize, c: [u8; 3]) {
        if x < self.w && y < self.h {
            self.px[y * self.w + x] = c;
        }
    }
}

/// A view: `f(row, col) -> (hu, in m1, in m2)` on a `rows × cols` grid of voxels with the given
/// physical pixel size, shown at `pixel` mm per screen pixel.
struct View<'a> {
    rows: usize,
    cols: usize,
    row_mm: f64,
    col_mm: f64,
    at: Box<dyn Fn(usize, usize) -> (i16, bool, bool) + 'a>,
    /// Crop box as (row range, col range) in voxels.
    boxed: [[f64; 2]; 2],
}

fn render_view(v: &View, pixel: f64) -> Panel {
    let h = ((v.rows as f64 * v.row_mm / pixel).round() as usize).max(1);
    let w = ((v.cols as f64 * v.col_mm / pixel).round() as usize).max(1);
    let src = |y: usize, x: usize| {
        let r = ((y as f64 + 0.5) * pixel / v.row_mm) as usize;
        let c = ((x as f64 + 0.5) * pixel / v.col_mm) as usize;
        (r.min(v.rows - 1), c.min(v.cols - 1))
    };
    let mut masks = vec![(false, false); w * h];
    let mut p = Panel {
        w,
        h,
        px: vec![[0; 3]; w * h],
    };
    for y in 0..h {
        for x in 0..w {
            let (r, c) = src(y, x);
            let (hu, a, b) = (v.at)(r, c);
            let g = lum_trans_value(hu);
            p.px[y * w + x] = [g, g, g];
            masks[y * w + x] = (a, b);
        }
    }
    // Outlines: a mask pixel with a 4-neighbour outside the mask.
    for y in 0..h {
        for x in 0..w {
            let (a, b) = masks[y * w + x];
            let edge = |sel: fn(&(bool, bool)) -> bool| {
                let nb = [
                    (x.wrapping_sub(1), y),
                    (x + 1, y),
                    (x, y.wrapping_sub(1)),
                    (x, y + 1),
                ];
                nb.iter()
                    .any(|&(i, j)| i >= w || j >= h || !sel(&masks[j * w + i]))
            };
            if a && edge(|m| m.0) {
                p.set(x, y, [255, 40, 40]);
            } else if b && edge(|m| m.1) {
                p.set(x, y, [40, 255, 40]);
            }
        }
    }
    // Crop box.
    let to_y = |r: f64| (r * v.row_mm / pixel).round() as isize;
    let to_x = |c: f64| (c * v.col_mm / pixel).round() as isize;
    let (y0, y1) = (to_y(v.boxed[0][0]), to_y(v.boxed[0][1]) - 1);
    let (x0, x1) = (to_x(v.boxed[1][0]), to_x(v.boxed[1][1]) - 1);
    let yellow = [255, 220, 0];
    for x in x0.max(0)..=x1.max(0) {
        for y in [y0, y1] {
            if y >= 0 {
                p.set(x as usize, y as usize, yellow);
            }
        }
    }
    for y in y0.max(0)..=y1.max(0) {
        for x in [x0, x1] {
            if x >= 0 {
                p.set(x as usize, y as usize, yellow);
            }
        }
    }
    p
}

/// Renders the three views side by side as a PNG. The crop box is in the 1 mm output grid.
pub fn render(
    hu: &ArrayView3<i16>,
    m1: &ArrayView3<bool>,
    m2: &ArrayView3<bool>,
    spacing: &[f64; 3],
    crop: &CropBox,
) -> CliResult<Vec<u8>> {
    let (nz, ny, nx) = hu.dim();
    if nz == 0 || ny == 0 || nx == 0 {
        return Err("qc: empty volume".into());
    }
    let [sz, sy, sx] = *spacing;
    // Crop box in input voxels, and the views through its centre.
    let vox = |a: usize, s: f64| [crop[a][0] as f64 / s, crop[a][1] as f64 / s];
    let (bz, by, bx) = (vox(0, sz), vox(1, sy), vox(2, sx));
    // Each view goes through the plane holding the most lung voxels.
    let mut counts = [vec![0usize; nz], vec![0usize; ny], vec![0usize; nx]];
    for (((z, y, x), &a), &b) in m1.indexed_iter().zip(m2.iter()) {
        if a || b {
            counts[0][z] += 1;
            counts[1][y] += 1;
            counts[2][x] += 1;
        }
    }
    let densest = |c: &[usize]| {
        c.iter()
            .enumerate()
            .max_by_key(|&(i, &n)| (n, std::cmp::Reverse(i)))
            .map_or(c.len() / 2, |(i, _)| i)
    };
    let (cz, cy, cx) = (
        densest(&counts[0]),
        densest(&counts[1]),
        densest(&counts[2]),
    );
    let at = |z: usize, y: usize, x: usize| (hu[[z, y, x]], m1[[z, y, x]], m2[[z, y, x]]);
    // Coronal and sagittal are shown head up: row 0 is the last (superior) slice.
    let flip = |b: [f64; 2]| [nz as f64 - b[1], nz as f64 - b[0]];
    let views = [
        View {
            rows: ny,
            cols: nx,
            row_mm: sy,
            col_mm: sx,
            at: Box::new(move |r, c| at(cz, r, c)),
            boxed: [by, bx],
        },
        View {
            rows: nz,
            cols: nx,
            row_mm: sz,
            col_mm: sx,
            at: Box::new(move |r, c| at(nz - 1 - r, cy, c)),
            boxed: [flip(bz), bx],
        },
        View {
            rows: nz,
            cols: ny,
            row_mm: sz,
            col_mm: sy,
            at: Box::new(move |r, c| at(nz - 1 - r, c, cx)),
            boxed: [flip(bz), by],
        },
    ];
    let pixel = sy.min(sx).max(0.3);
    let panels: Vec<Panel> = views.iter().map(|v| render_view(v, pixel)).collect();
    let gap = 4;
    let w: usize = panels.iter().map(|p| p.w).sum::<usize>() + gap * (panels.len() - 1);
    let h = panels.iter().map(|p| p.h).max().unwrap_or(1);
    let mut rgb = vec![0u8; w * h * 3];
    let mut x0 = 0;
    for p in &panels {
        for y in 0..p.h {
            for x in 0..p.w {
                let o = (y * w + x0 + x) * 3;
                rgb[o..o + 3].copy_from_slice(&p.px[y * p.w + x]);
            }
        }
        x0 += p.w + gap;
    }
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w as u32, h as u32);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().map_err(msg)?;
        writer.write_image_data(&rgb).map_err(msg)?;
    }
    Ok(out)
}
