//! `NAME_qc.png`: the picture a person checks a case by. Axial, coronal and sagittal views of
//! the scan with the right and left lung outlines and the crop box, and the clean 1 mm volume
//! grt123 writes, each view named, with its slice position and the patient's directions at its
//! edges (radiological display: the patient's right on the screen's left, head up), circles at
//! the annotated nodules (on the clean panel: where `NAME_label.npy` puts them), a legend and
//! the case's lung volumes and suspect reasons.

use lungprep::hu::lum_trans_value;
use lungprep::lungseg::{Annotation, CropBox, Grid};
use ndarray::{ArrayView2, ArrayView3};
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::picture::{encode_png, font};
use super::CliResult;

/// Outline colours of the right and left lung, the crop box and the nodule circles.
const RIGHT: [u8; 3] = [255, 60, 60];
const LEFT: [u8; 3] = [60, 230, 60];
const CROP: [u8; 3] = [255, 220, 0];
const NODULE: RGBColor = RGBColor(0, 220, 255);
/// Panels smaller than this (pixels) are enlarged: thin scans stay readable.
const MIN_SIDE: usize = 160;
/// Height of a panel's caption band, of the title band and of the legend band.
const CAPTION: usize = 38;
const TITLE: usize = 44;
const LEGEND: usize = 28;
const GAP: usize = 6;

/// Everything the picture shows of one case.
pub struct Qc<'a> {
    /// First title line (case name, preset, shape, spacing).
    pub title: String,
    /// Second title line (lung volumes, suspect reasons); shown in orange when `alarm`.
    pub subtitle: String,
    /// Whether the case is suspect.
    pub alarm: bool,
    /// The scan in HU and step 1's two lung masks, on the grid `grid`.
    pub hu: ArrayView3<'a, i16>,
    /// Step 1's first lung mask.
    pub m1: ArrayView3<'a, bool>,
    /// Step 1's second lung mask.
    pub m2: ArrayView3<'a, bool>,
    /// Whether `m1` is the patient's right lung (see `suspect::measure`).
    pub m1_right: bool,
    /// Where the scan sits in the world.
    pub grid: &'a Grid,
    /// The spacing the pipeline resampled by (the crop box is in its 1 mm grid).
    pub spacing: [f64; 3],
    /// The crop box in the 1 mm grid.
    pub crop: &'a CropBox,
    /// The clean 1 mm volume and where it sits in the world.
    pub clean: ArrayView3<'a, u8>,
    /// Where `clean` sits in the world.
    pub clean_grid: &'a Grid,
    /// `NAME_label.npy`'s rows `(z, y, x, diameter)` in `clean`'s grid.
    pub labels: ArrayView2<'a, f64>,
    /// The case's annotated nodules (world mm).
    pub nodules: &'a [Annotation],
}

/// A screen axis running along one array axis.
#[derive(Clone, Copy)]
struct Run {
    len: usize,
    /// Millimetres per voxel as drawn (the spacing, times the enlargement of thin scans).
    mm: f64,
    /// Drawn from the last voxel to the first.
    rev: bool,
}

impl Run {
    /// Screen millimetres of a continuous array coordinate (voxel `i` spans `[i, i + 1)`).
    fn screen_mm(&self, a: f64) -> f64 {
        let a = if self.rev { self.len as f64 - a } else { a };
        a * self.mm
    }
}

/// One view: a plane of voxels, what decorates it, and its words.
struct View<'a> {
    rows: Run,
    cols: Run,
    /// `(grey, lung)` of the voxel at (row, column) array index; lung 1 right, 2 left.
    at: Box<dyn Fn(usize, usize) -> (u8, u8) + 'a>,
    /// The crop box as fractional (row, column) array ranges.
    boxed: Option<[[f64; 2]; 2]>,
    /// Nodules crossing the plane: (row, column) array coordinates and radius in mm.
    circles: Vec<(f64, f64, f64)>,
    caption: [String; 2],
    /// Patient directions at the left, right, top and bottom edges.
    marks: [&'static str; 4],
}

/// A view drawn: pixels plus what plotters draws over them.
struct Panel {
    w: usize,
    h: usize,
    px: Vec<[u8; 3]>,
    /// Circles in panel pixels: centre and radius.
    circles: Vec<(i32, i32, i32)>,
    caption: [String; 2],
    marks: [&'static str; 4],
}

/// The LPS letter of the world direction `v` points along most.
fn letter(v: [f64; 3]) -> &'static str {
    const L: [[&str; 2]; 3] = [["R", "L"], ["A", "P"], ["I", "S"]];
    let i = (0..3)
        .max_by(|&a, &b| v[a].abs().total_cmp(&v[b].abs()))
        .unwrap_or(0);
    L[i][usize::from(v[i] > 0.0)]
}

/// The world unit vector of array axis `a` (`0 = z, 1 = y, 2 = x`).
fn axis(grid: &Grid, a: usize) -> [f64; 3] {
    grid.direction[2 - a]
}

/// A screen axis along array axis `a`, drawn so that it runs towards the world direction
/// `toward`, and the patient directions at its two ends.
fn run(grid: &Grid, a: usize, len: usize, mm: f64, toward: [f64; 3]) -> (Run, [&'static str; 2]) {
    let v = axis(grid, a);
    let rev = (0..3).map(|i| v[i] * toward[i]).sum::<f64>() < 0.0;
    let s = if rev { -1.0 } else { 1.0 };
    let u = v.map(|c| c * s);
    (Run { len, mm, rev }, [letter(u.map(|c| -c)), letter(u)])
}

fn render_view(v: &View, pixel: f64) -> Panel {
    let h = ((v.rows.len as f64 * v.rows.mm / pixel).round() as usize).max(1);
    let w = ((v.cols.len as f64 * v.cols.mm / pixel).round() as usize).max(1);
    let index = |r: &Run, s: usize| {
        let i = (((s as f64 + 0.5) * pixel / r.mm) as usize).min(r.len - 1);
        if r.rev {
            r.len - 1 - i
        } else {
            i
        }
    };
    let cols: Vec<usize> = (0..w).map(|x| index(&v.cols, x)).collect();
    let mut lung = vec![0u8; w * h];
    let mut px = vec![[0u8; 3]; w * h];
    for y in 0..h {
        let r = index(&v.rows, y);
        for (x, &c) in cols.iter().enumerate() {
            let (g, l) = (v.at)(r, c);
            px[y * w + x] = [g, g, g];
            lung[y * w + x] = l;
        }
    }
    // Outlines: a lung pixel with a 4-neighbour outside that lung.
    let mut p = Panel {
        w,
        h,
        px,
        circles: Vec::new(),
        caption: v.caption.clone(),
        marks: v.marks,
    };
    for y in 0..h {
        for x in 0..w {
            let l = lung[y * w + x];
            if l == 0 {
                continue;
            }
            let out = |i: usize, j: usize| i >= w || j >= h || lung[j * w + i] != l;
            if out(x.wrapping_sub(1), y)
                || out(x + 1, y)
                || out(x, y.wrapping_sub(1))
                || out(x, y + 1)
            {
                p.px[y * w + x] = if l == 1 { RIGHT } else { LEFT };
            }
        }
    }
    let to = |r: &Run, a: f64| (r.screen_mm(a) / pixel).round() as isize;
    if let Some([br, bc]) = v.boxed {
        let ys = sorted(to(&v.rows, br[0]), to(&v.rows, br[1]));
        let xs = sorted(to(&v.cols, bc[0]), to(&v.cols, bc[1]));
        let mut set = |x: isize, y: isize| {
            if (0..w as isize).contains(&x) && (0..h as isize).contains(&y) {
                p.px[y as usize * w + x as usize] = CROP;
            }
        };
        for x in xs.0..=xs.1 {
            set(x, ys.0);
            set(x, ys.1);
        }
        for y in ys.0..=ys.1 {
            set(xs.0, y);
            set(xs.1, y);
        }
    }
    for &(r, c, radius) in &v.circles {
        let y = (v.rows.screen_mm(r + 0.5) / pixel).round() as i32;
        let x = (v.cols.screen_mm(c + 0.5) / pixel).round() as i32;
        // A ring just outside the nodule, so the nodule itself stays visible.
        p.circles.push((x, y, (radius / pixel).round() as i32 + 5));
    }
    p
}

/// `(a, b - 1)` ordered: the first and last pixel of a drawn range.
fn sorted(a: isize, b: isize) -> (isize, isize) {
    (a.min(b), a.max(b) - 1)
}

/// Index of the largest count, the first on ties; the middle when all are zero.
fn densest(c: &[usize]) -> usize {
    match c
        .iter()
        .enumerate()
        .max_by_key(|&(i, &n)| (n, std::cmp::Reverse(i)))
    {
        Some((_, 0)) | None => c.len() / 2,
        Some((i, _)) => i,
    }
}

/// The nodules crossing plane `at` of array axis `a`: their other two coordinates and the
/// radius of their cross-section, mm. `centres` are (fractional) array indices.
fn crossing(
    centres: &[([f64; 3], f64)],
    a: usize,
    at: usize,
    mm: f64,
    others: [usize; 2],
) -> Vec<(f64, f64, f64)> {
    centres
        .iter()
        .filter_map(|&(c, d)| {
            let off = (c[a] - at as f64) * mm;
            let r2 = (d / 2.0).powi(2) - off * off;
            (r2 >= 0.0).then(|| (c[others[0]], c[others[1]], r2.sqrt()))
        })
        .collect()
}

impl Qc<'_> {
    /// Draws the picture as PNG bytes.
    pub fn render(&self) -> CliResult<Vec<u8>> {
        let (nz, ny, nx) = self.hu.dim();
        if nz == 0 || ny == 0 || nx == 0 {
            return Err("qc: empty volume".into());
        }
        let [sz, sy, sx] = self.grid.spacing;
        // Nodules as input-grid indices, the biggest first.
        let mut nodules: Vec<([f64; 3], f64)> = self
            .nodules
            .iter()
            .filter_map(|n| {
                let i = self.grid.world_to_index(n.world_xyz)?;
                i.iter()
                    .all(|v| v.is_finite())
                    .then_some((i, n.diameter_mm))
            })
            .collect();
        nodules.sort_by(|a, b| b.1.total_cmp(&a.1));
        // The coronal and sagittal views go through the planes holding the most lung, the
        // axial view through the biggest nodule inside the scan, else the most lung too.
        let mut counts = [vec![0usize; nz], vec![0usize; ny], vec![0usize; nx]];
        for (((z, y, x), &a), &b) in self.m1.indexed_iter().zip(self.m2.iter()) {
            if a || b {
                counts[0][z] += 1;
                counts[1][y] += 1;
                counts[2][x] += 1;
            }
        }
        let (cy, cx) = (densest(&counts[1]), densest(&counts[2]));
        let cz = nodules
            .iter()
            .map(|(c, _)| c[0].round())
            .find(|z| (0.0..nz as f64).contains(z))
            .map_or_else(|| densest(&counts[0]), |z| z as usize);
        let pixel = {
            let p = sy.min(sx).max(0.3);
            // A small field of view is enlarged to at least MIN_SIDE pixels.
            p.min((ny as f64 * sy).max(nx as f64 * sx) / MIN_SIDE as f64)
        };
        // Thin scans: the coronal and sagittal views stretch z to MIN_SIDE pixels.
        let stretch = ((MIN_SIDE as f64 * pixel / (nz as f64 * sz)).ceil()).max(1.0);
        let (right, left) = if self.m1_right { (1, 2) } else { (2, 1) };
        let at = |z: usize, y: usize, x: usize| {
            let lung = if self.m1[[z, y, x]] {
                right
            } else if self.m2[[z, y, x]] {
                left
            } else {
                0
            };
            (lum_trans_value(self.hu[[z, y, x]]), lung)
        };
        let g = self.grid;
        const LPS: [[f64; 3]; 3] = [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 0.0, -1.0]];
        // Screen right is the patient's left (+x), screen down posterior (+y) in the axial
        // view and inferior (-z) in the others; the sagittal view's right is posterior.
        let (xr, xm) = run(g, 2, nx, sx, LPS[0]);
        let (yr, ym) = run(g, 1, ny, sy, LPS[1]);
        let (zr, zm) = run(g, 0, nz, sz * stretch, LPS[2]);
        let vox = |a: usize| {
            let s = self.spacing[a];
            [self.crop[a][0] as f64 / s, self.crop[a][1] as f64 / s]
        };
        let (bz, by, bx) = (vox(0), vox(1), vox(2));
        let world = |i: [f64; 3], k: usize| g.index_to_world(i)[k];
        let mid = |n: usize| (n as f64 - 1.0) / 2.0;
        let z_mm = world([cz as f64, mid(ny), mid(nx)], 2);
        let y_mm = world([mid(nz), cy as f64, mid(nx)], 1);
        let x_mm = world([mid(nz), mid(ny), cx as f64], 0);
        let zoom = if stretch > 1.0 {
            format!(", z drawn ×{stretch}")
        } else {
            String::new()
        };
        let views = [
            View {
                rows: yr,
                cols: xr,
                at: Box::new(move |r, c| at(cz, r, c)),
                boxed: Some([by, bx]),
                circles: crossing(&nodules, 0, cz, sz, [1, 2]),
                caption: [
                    format!("axial, slice {} of {nz}", cz + 1),
                    format!("z = {z_mm:.1} mm"),
                ],
                marks: [xm[0], xm[1], ym[0], ym[1]],
            },
            View {
                rows: zr,
                cols: xr,
                at: Box::new(move |r, c| at(r, cy, c)),
                boxed: Some([bz, bx]),
                circles: crossing(&nodules, 1, cy, sy, [0, 2]),
                caption: [
                    format!("coronal, row {} of {ny}", cy + 1),
                    format!("y = {y_mm:.1} mm{zoom}"),
                ],
                marks: [xm[0], xm[1], zm[0], zm[1]],
            },
            View {
                rows: zr,
                cols: yr,
                at: Box::new(move |r, c| at(r, c, cx)),
                boxed: Some([bz, by]),
                circles: crossing(&nodules, 2, cx, sx, [0, 1]),
                caption: [
                    format!("sagittal, column {} of {nx}", cx + 1),
                    format!("x = {x_mm:.1} mm{zoom}"),
                ],
                marks: [ym[0], ym[1], zm[0], zm[1]],
            },
        ];
        let mut panels: Vec<Panel> = views.iter().map(|v| render_view(v, pixel)).collect();
        panels.push(self.clean_panel(cz, pixel));
        self.compose(panels)
    }

    /// The clean volume's axial slice: through the biggest label, else the axial view's plane.
    fn clean_panel(&self, cz: usize, pixel: f64) -> Panel {
        let (nz, ny, nx) = self.clean.dim();
        let cg = self.clean_grid;
        let labels: Vec<([f64; 3], f64)> = self
            .labels
            .outer_iter()
            .filter(|r| r.len() >= 4 && r[3] > 0.0)
            .map(|r| ([r[0], r[1], r[2]], r[3]))
            .collect();
        let biggest = labels
            .iter()
            .filter(|(c, _)| (-0.5..nz as f64 - 0.5).contains(&c[0]))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let z = match biggest {
            Some((c, _)) => c[0].round().max(0.0) as usize,
            None if nz == 0 => 0,
            // The axial view's plane in the 1 mm grid, clamped into the crop.
            None => ((cz as f64 * self.spacing[0]).round() as usize)
                .saturating_sub(self.crop[0][0])
                .min(nz - 1),
        };
        let c = &self.crop;
        let caption = [
            format!("clean 1 mm, slice {} of {nz}", z + 1),
            format!(
                "crop z {}-{}, y {}-{}, x {}-{}",
                c[0][0], c[0][1], c[1][0], c[1][1], c[2][0], c[2][1]
            ),
        ];
        if nz == 0 || ny == 0 || nx == 0 {
            let (w, h) = (MIN_SIDE, MIN_SIDE);
            return Panel {
                w,
                h,
                px: vec![[0; 3]; w * h],
                circles: Vec::new(),
                caption: [caption[0].clone(), "empty".into()],
                marks: [""; 4],
            };
        }
        let [_, sy, sx] = cg.spacing;
        let (xr, xm) = run(cg, 2, nx, sx, [1.0, 0.0, 0.0]);
        let (yr, ym) = run(cg, 1, ny, sy, [0.0, 1.0, 0.0]);
        let clean = self.clean;
        let v = View {
            rows: yr,
            cols: xr,
            at: Box::new(move |r, c| (clean[[z, r, c]], 0)),
            boxed: None,
            circles: crossing(&labels, 0, z, cg.spacing[0], [1, 2]),
            caption,
            marks: [xm[0], xm[1], ym[0], ym[1]],
        };
        render_view(&v, pixel)
    }

    /// Lays the four panels out two by two under the title, with the legend below.
    fn compose(&self, panels: Vec<Panel>) -> CliResult<Vec<u8>> {
        font()?;
        let col_w = [panels[0].w.max(panels[2].w), panels[1].w.max(panels[3].w)];
        let row_h = [
            panels[0].h.max(panels[1].h) + CAPTION,
            panels[2].h.max(panels[3].h) + CAPTION,
        ];
        let w = (col_w[0] + col_w[1] + 3 * GAP).max(640);
        let h = TITLE + row_h[0] + row_h[1] + GAP + LEGEND;
        let at = [
            (GAP, TITLE),
            (2 * GAP + col_w[0], TITLE),
            (GAP, TITLE + row_h[0] + GAP),
            (2 * GAP + col_w[0], TITLE + row_h[0] + GAP),
        ];
        let mut rgb = vec![0u8; w * h * 3];
        for (p, &(x0, y0)) in panels.iter().zip(&at) {
            for y in 0..p.h {
                let o = ((y0 + CAPTION + y) * w + x0) * 3;
                for (x, c) in p.px[y * p.w..(y + 1) * p.w].iter().enumerate() {
                    rgb[o + 3 * x..o + 3 * x + 3].copy_from_slice(c);
                }
            }
        }
        {
            let root =
                BitMapBackend::with_buffer(&mut rgb, (w as u32, h as u32)).into_drawing_area();
            let e = |e: DrawingAreaErrorKind<_>| format!("drawing the QC picture: {e}");
            let text = |s: u32, c: RGBColor| ("sans-serif", s).into_font().color(&c);
            let white = text(17, WHITE);
            root.draw(&Text::new(
                self.title.clone(),
                (GAP as i32, 4),
                white.clone(),
            ))
            .map_err(e)?;
            let sub = if self.alarm {
                text(15, RGBColor(255, 150, 0))
            } else {
                text(15, RGBColor(200, 200, 200))
            };
            root.draw(&Text::new(self.subtitle.clone(), (GAP as i32, 24), sub))
                .map_err(e)?;
            for (p, &(x0, y0)) in panels.iter().zip(&at) {
                let (x0, y0) = (x0 as i32, y0 as i32);
                root.draw(&Text::new(
                    p.caption[0].clone(),
                    (x0, y0 + 2),
                    text(15, WHITE),
                ))
                .map_err(e)?;
                root.draw(&Text::new(
                    p.caption[1].clone(),
                    (x0, y0 + 19),
                    text(13, RGBColor(190, 190, 190)),
                ))
                .map_err(e)?;
                let top = y0 + CAPTION as i32;
                let (pw, ph) = (p.w as i32, p.h as i32);
                for &(cx, cy, r) in &p.circles {
                    root.draw(&Circle::new((x0 + cx, top + cy), r, NODULE.stroke_width(2)))
                        .map_err(e)?;
                }
                let spots = [
                    (x0 + 9, top + ph / 2, HPos::Center),
                    (x0 + pw - 9, top + ph / 2, HPos::Center),
                    (x0 + pw / 2, top + 11, HPos::Center),
                    (x0 + pw / 2, top + ph - 11, HPos::Center),
                ];
                for (m, (x, y, hp)) in p.marks.iter().zip(spots) {
                    let pos = Pos::new(hp, VPos::Center);
                    let shadow = text(16, BLACK).pos(pos);
                    root.draw(&Text::new(m.to_string(), (x + 1, y + 1), shadow))
                        .map_err(e)?;
                    let fg = text(16, RGBColor(255, 170, 0)).pos(pos);
                    root.draw(&Text::new(m.to_string(), (x, y), fg))
                        .map_err(e)?;
                }
            }
            // Legend: colour → meaning.
            let y = (h - LEGEND / 2) as i32;
            let mut x = GAP as i32;
            let label = text(14, WHITE).pos(Pos::new(HPos::Left, VPos::Center));
            let rgb = |c: [u8; 3]| RGBColor(c[0], c[1], c[2]);
            for (c, name) in [
                (rgb(RIGHT), "right lung"),
                (rgb(LEFT), "left lung"),
                (rgb(CROP), "crop box"),
                (NODULE, "nodule (annotation / label)"),
            ] {
                root.draw(&Rectangle::new([(x, y - 5), (x + 18, y + 5)], c.filled()))
                    .map_err(e)?;
                root.draw(&Text::new(name, (x + 24, y), label.clone()))
                    .map_err(e)?;
                x += 24 + 9 * name.len() as i32 + 18;
            }
            root.present().map_err(e)?;
        }
        encode_png(w, h, &rgb)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lungprep::volume_io::IDENTITY;

    /// Decodes an RGB PNG into (width, height, pixels).
    fn decode(png: &[u8]) -> (usize, usize, Vec<[u8; 3]>) {
        let mut r = png::Decoder::new(std::io::Cursor::new(png))
            .read_info()
            .unwrap();
        let mut buf = vec![0; r.output_buffer_size().unwrap()];
        let info = r.next_frame(&mut buf).unwrap();
        let px = buf[..info.buffer_size()]
            .chunks(3)
            .map(|c| [c[0], c[1], c[2]])
            .collect();
        (info.width as usize, info.height as usize, px)
    }

    /// A 20 × 64 × 64 scan at 2.5 × 1 × 1 mm with a box lung each side and a nodule in the
    /// lung of smaller x, drawn with x running either way.
    #[test]
    fn right_lung_left_on_screen_and_nodules_circled() {
        use ndarray::{s, Array2, Array3};
        let hu = Array3::from_elem((20, 64, 64), -800i16);
        let mut small_x = Array3::from_elem((20, 64, 64), false);
        let mut big_x = small_x.clone();
        small_x.slice_mut(s![2..18, 16..48, 6..28]).fill(true);
        big_x.slice_mut(s![2..18, 16..48, 36..58]).fill(true);
        let clean = Array3::from_elem((40, 34, 54), 170u8);
        let labels = Array2::from_shape_vec((1, 4), vec![20.0, 16.0, 10.0, 8.0]).unwrap();
        let crop = [[5, 45], [15, 49], [5, 59]];
        for flip in [false, true] {
            let mut direction = IDENTITY;
            let mut origin = [0.0; 3];
            if flip {
                direction[0] = [-1.0, 0.0, 0.0];
                origin[2] = 63.0;
            }
            let grid = Grid {
                spacing: [2.5, 1.0, 1.0],
                origin,
                direction,
            };
            // The nodule sits at voxel (10, 32, 16): in the small-x mask.
            let at = grid.index_to_world([10.0, 32.0, 16.0]);
            let nodules = [Annotation {
                world_xyz: at,
                diameter_mm: 8.0,
            }];
            let qc = Qc {
                title: "synthetic".into(),
                subtitle: String::new(),
                alarm: false,
                hu: hu.view(),
                m1: small_x.view(),
                m2: big_x.view(),
                // Small x is the patient's right unless x is mirrored.
                m1_right: !flip,
                grid: &grid,
                spacing: [2.5, 1.0, 1.0],
                crop: &crop,
                clean: clean.view(),
                clean_grid: &grid,
                labels: labels.view(),
                nodules: &nodules,
            };
            let (w, h, px) = decode(&qc.render().unwrap());
            assert!(w >= 640 && h > 2 * MIN_SIDE, "{w} × {h}");
            // The axial panel: 64 mm drawn at 0.4 mm per pixel, top left.
            let (x0, y0, side) = (GAP, TITLE + CAPTION, 160);
            let count = |c: [u8; 3], xs: std::ops::Range<usize>| {
                (y0..y0 + side)
                    .flat_map(|y| xs.clone().map(move |x| (x, y)))
                    .filter(|&(x, y)| px[y * w + x] == c)
                    .count()
            };
            let half = x0 + side / 2;
            let screen_left = x0..half;
            let screen_right = half..x0 + side;
            // The right lung's outline is on the screen's left whichever way x runs.
            assert!(count(RIGHT, screen_left.clone()) > 100, "flip {flip}");
            assert_eq!(count(RIGHT, screen_right.clone()), 0, "flip {flip}");
            assert!(count(LEFT, screen_right.clone()) > 100, "flip {flip}");
            let cyan = [NODULE.0, NODULE.1, NODULE.2];
            // The nodule is in the small-x lung: screen left unless x is mirrored.
            let (near, far) = if flip {
                (screen_right, screen_left)
            } else {
                (screen_left, screen_right)
            };
            assert!(count(cyan, near) > 50, "flip {flip}");
            assert_eq!(count(cyan, far), 0, "flip {flip}");
            assert!(px.iter().filter(|&&p| p == CROP).count() > 400);
        }
    }

    #[test]
    fn letters_follow_the_direction() {
        let mut g = Grid {
            spacing: [1.0; 3],
            origin: [0.0; 3],
            direction: IDENTITY,
        };
        let (r, m) = run(&g, 2, 10, 1.0, [1.0, 0.0, 0.0]);
        assert!(!r.rev);
        assert_eq!(m, ["R", "L"]);
        // z increasing is superior: drawn reversed so the head is up.
        let (r, m) = run(&g, 0, 10, 1.0, [0.0, 0.0, -1.0]);
        assert!(r.rev);
        assert_eq!(m, ["S", "I"]);
        // A mirrored x axis is drawn reversed: the patient's right stays on the left.
        g.direction[0] = [-1.0, 0.0, 0.0];
        let (r, m) = run(&g, 2, 10, 1.0, [1.0, 0.0, 0.0]);
        assert!(r.rev);
        assert_eq!(m, ["R", "L"]);
        // A scan lying on its side: array x runs anterior to posterior.
        g.direction[0] = [0.1, 1.0, 0.0];
        assert_eq!(run(&g, 2, 10, 1.0, [1.0, 0.0, 0.0]).1, ["A", "P"]);
    }

    #[test]
    fn reversed_runs_map_voxel_edges() {
        let r = Run {
            len: 4,
            mm: 2.0,
            rev: true,
        };
        assert_eq!(r.screen_mm(0.0), 8.0);
        assert_eq!(r.screen_mm(4.0), 0.0);
        assert_eq!(sorted(8, 0), (0, 7));
    }

    #[test]
    fn nodules_cross_planes_within_their_radius() {
        let n = [([5.0, 3.0, 4.0], 6.0)];
        assert_eq!(crossing(&n, 0, 5, 1.0, [1, 2]), vec![(3.0, 4.0, 3.0)]);
        let c = crossing(&n, 0, 7, 1.0, [1, 2]);
        assert!((c[0].2 - 5f64.sqrt()).abs() < 1e-12);
        assert!(crossing(&n, 0, 9, 1.0, [1, 2]).is_empty());
        assert_eq!(densest(&[0, 0, 0]), 1);
        assert_eq!(densest(&[0, 3, 3]), 1);
    }
}
