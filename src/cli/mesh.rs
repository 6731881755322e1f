//! `lungprep mesh` and `lungprep render`: the tutorials' `plot_3d` (seeds 002–004), a
//! marching-cubes surface of the 1 mm volume, as a mesh file and as a picture.
//!
//! `plot_3d` meshes `image.transpose(2, 1, 0)`, so its vertices are `(x, y, z)` voxel indices
//! of the 1 mm grid (millimetres from the first voxel). The mesh here is the same one, face
//! for face ([`lungprep::mesh`] is identical to scikit-image); the files hold those `(x, y,
//! z)` positions with the winding flipped so that faces point out of the brighter side, as
//! viewers expect (the axis swap of the transpose turned them inwards). `--world` places the
//! vertices in the scan's world (LPS mm) instead.

use std::path::PathBuf;
use std::time::Instant;

use lungprep::lungseg::{zuidhof, Grid};
use lungprep::mesh::{marching_cubes, McOptions, Mesh, MeshFormat};
use lungprep::resample::zuidhof_resample;
use lungprep::volume_io;
use ndarray::{Array3, ArrayView3};
use plotters::prelude::*;
use rayon::prelude::*;
use serde_json::json;

use super::input::write_atomic;
use super::picture::{encode_png, font};
use super::run::load_zuidhof;
use super::{msg, CliResult};

/// What to mesh, shared by `mesh` and `render`.
#[derive(clap::Args, Debug)]
pub struct Surface {
    /// The scan (read as `zuidhof --tutorial` reads it: Zuidhof's get_pixels_hu for DICOM).
    pub input: PathBuf,
    /// Iso-level in HU (plot_3d's `threshold`); with `--lungs` the mask's level 0.
    #[arg(long, allow_negative_numbers = true)]
    pub threshold: Option<f64>,
    /// The surface of Zuidhof's lung mask with its structures filled
    /// (`segment_lung_mask(resampled, True)` at level 0, as the tutorial plots it).
    #[arg(long)]
    pub lungs: bool,
    /// Mesh the stored grid instead of the tutorial's 1 mm resample (vertices in voxels).
    #[arg(long)]
    pub no_resample: bool,
}

/// Arguments of `lungprep mesh`.
#[derive(clap::Args, Debug)]
pub struct MeshArgs {
    #[command(flatten)]
    pub surface: Surface,
    /// Output mesh; the format follows the extension (.ply, .stl, .obj).
    pub output: PathBuf,
    /// Vertices in world LPS millimetres (the scan's origin and direction) instead of the
    /// 1 mm grid's `(x, y, z)`.
    #[arg(long)]
    pub world: bool,
}

/// Arguments of `lungprep render`.
#[derive(clap::Args, Debug)]
pub struct RenderArgs {
    #[command(flatten)]
    pub surface: Surface,
    /// Output PNG.
    pub output: PathBuf,
    /// Picture width and height in pixels.
    #[arg(long, default_value_t = 800, value_parser = clap::value_parser!(u32).range(64..=8192))]
    pub size: u32,
}

/// plot_3d's mesh and the grid it lives on.
struct Surfaced {
    mesh: Mesh,
    /// Extent of the meshed volume along `(x, y, z)`, voxels (plot_3d's axis limits).
    extent: [usize; 3],
    /// World geometry of the meshed grid.
    grid: Grid,
    level: f64,
    seconds: serde_json::Map<String, serde_json::Value>,
}

fn surface(s: &Surface, default_level: f64) -> CliResult<Surfaced> {
    let t0 = Instant::now();
    let (loaded, spacing) = load_zuidhof(&s.input)?;
    let mut seconds = serde_json::Map::new();
    seconds.insert("load".into(), json!(t0.elapsed().as_secs_f64()));
    for w in &loaded.volume.meta.warnings {
        tracing::warn!("{}: {w}", s.input.display());
    }
    let hu = loaded.volume.data.view();
    let v = &loaded.volume;
    let t = Instant::now();
    let (resampled, scale) = if s.no_resample {
        (None, [1.0; 3])
    } else {
        let (r, _) = zuidhof_resample(&hu, spacing, [1.0; 3]).map_err(msg)?;
        // scipy's zoom maps the first and last voxel centres onto each other: new index i
        // sits at old index i (n - 1) / (m - 1).
        let scale: [f64; 3] = std::array::from_fn(|k| {
            let (n, m) = (hu.shape()[k], r.shape()[k]);
            if m > 1 {
                (n - 1) as f64 / (m - 1) as f64
            } else {
                1.0
            }
        });
        seconds.insert("resample".into(), json!(t.elapsed().as_secs_f64()));
        (Some(r), scale)
    };
    let grid = Grid {
        spacing: std::array::from_fn(|k| v.spacing[k] * scale[k]),
        origin: v.origin,
        direction: v.direction,
    };
    let vol = resampled.as_ref().map_or(hu, |r| r.view());
    let t = Instant::now();
    let (mesh, level) = if s.lungs {
        let m = zuidhof::segment_lung_mask(&vol, true).map_err(msg)?;
        seconds.insert("segment_lung_mask".into(), json!(t.elapsed().as_secs_f64()));
        let t = Instant::now();
        let level = s.threshold.unwrap_or(0.0);
        let mesh = march(&m.view(), level)?;
        seconds.insert("marching_cubes".into(), json!(t.elapsed().as_secs_f64()));
        (mesh, level)
    } else {
        let level = s.threshold.unwrap_or(default_level);
        let mesh = march(&vol, level)?;
        seconds.insert("marching_cubes".into(), json!(t.elapsed().as_secs_f64()));
        (mesh, level)
    };
    let d = vol.dim();
    Ok(Surfaced {
        mesh,
        extent: [d.2, d.1, d.0],
        grid,
        level,
        seconds,
    })
}

/// `measure.marching_cubes(image.transpose(2, 1, 0), level)`.
fn march<T: Copy + Default + Into<f32> + Send + Sync>(
    vol: &ArrayView3<T>,
    level: f64,
) -> CliResult<Mesh> {
    let p = vol.view().reversed_axes();
    marching_cubes(&p, Some(level), &McOptions::default()).map_err(msg)
}

/// The mesh as the writers want it: they write a vertex's components last first, so the
/// `(x, y, z)` vertices are stored `(z, y, x)`; the winding is flipped so the faces point
/// outwards in `(x, y, z)`.
fn for_files(mut m: Mesh) -> Mesh {
    for v in m.vertices.iter_mut().chain(m.normals.iter_mut()) {
        v.reverse();
    }
    for f in &mut m.faces {
        f.swap(1, 2);
    }
    m
}

/// Vertices `(x, y, z)` of the meshed grid to world LPS mm; faces flipped too when the grid's
/// axes are left-handed in the world, so that they keep pointing outwards.
fn to_world(m: &mut Mesh, grid: &Grid) {
    let a = grid.affine();
    let lin = |v: [f32; 3]| -> [f64; 3] {
        // (x, y, z) index → (z, y, x) index for the affine.
        let i = [f64::from(v[2]), f64::from(v[1]), f64::from(v[0])];
        std::array::from_fn(|r| (0..3).map(|k| a[r][k] * i[k]).sum())
    };
    for v in &mut m.vertices {
        let w = lin(*v);
        *v = std::array::from_fn(|r| (w[r] + a[r][3]) as f32);
    }
    // Normals follow the axes' directions (the grid is orthogonal up to scale).
    for n in &mut m.normals {
        let w = lin(*n);
        let len = w
            .iter()
            .map(|c| c * c)
            .sum::<f64>()
            .sqrt()
            .max(f64::MIN_POSITIVE);
        *n = w.map(|c| (c / len) as f32);
    }
    let det = {
        let c = |k: usize| lin(std::array::from_fn(|j| f32::from(u8::from(j == k))));
        let (x, y, z) = (c(0), c(1), c(2));
        x[0] * (y[1] * z[2] - y[2] * z[1]) - x[1] * (y[0] * z[2] - y[2] * z[0])
            + x[2] * (y[0] * z[1] - y[1] * z[0])
    };
    if det < 0.0 {
        for f in &mut m.faces {
            f.swap(1, 2);
        }
    }
}

/// `lungprep mesh`.
pub fn mesh_cmd(a: &MeshArgs) -> CliResult<()> {
    let t0 = Instant::now();
    let format = MeshFormat::from_path(&a.output).ok_or_else(|| {
        format!(
            "{}: unknown mesh format (use .ply, .stl or .obj)",
            a.output.display()
        )
    })?;
    let Surfaced {
        mesh,
        grid,
        level,
        mut seconds,
        ..
    } = surface(&a.surface, -300.0)?;
    let (nv, nf) = (mesh.vertices.len(), mesh.faces.len());
    let mut mesh = mesh;
    if a.world {
        to_world(&mut mesh, &grid);
    }
    let t = Instant::now();
    let mesh = for_files(mesh);
    volume_io::write_atomic_with(&a.output, |mut w| {
        format.write(&mesh, &mut w).map_err(std::io::Error::other)
    })
    .map_err(msg)?;
    seconds.insert("write".into(), json!(t.elapsed().as_secs_f64()));
    seconds.insert("total".into(), json!(t0.elapsed().as_secs_f64()));
    super::out(
        &json!({"vertices": nv, "faces": nf, "level": level, "world": a.world, "seconds": seconds})
            .to_string(),
    );
    Ok(())
}

/// plot_3d's face colour and alpha.
const FACE: [f64; 3] = [0.45, 0.45, 0.75];
const ALPHA: f64 = 0.7;

/// `lungprep render`.
pub fn render_cmd(a: &RenderArgs) -> CliResult<()> {
    let t0 = Instant::now();
    let s = surface(&a.surface, 400.0)?;
    let t = Instant::now();
    let name = a
        .surface
        .input
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let what = if a.surface.lungs {
        "lung mask".to_string()
    } else {
        format!("{} HU", s.level)
    };
    let title = format!("{name}: {what}, {} faces", s.mesh.faces.len());
    let png = render(&s.mesh, s.extent, a.size as usize, &title)?;
    write_atomic(&a.output, &png)?;
    let mut seconds = s.seconds;
    seconds.insert("render".into(), json!(t.elapsed().as_secs_f64()));
    seconds.insert("total".into(), json!(t0.elapsed().as_secs_f64()));
    super::out(&json!({"faces": s.mesh.faces.len(), "seconds": seconds}).to_string());
    Ok(())
}

/// The camera: matplotlib's default 3-D view (elevation 30°, azimuth −60°), orthographic,
/// true proportions. `z` (the slice index, superior for a DICOM series) is up, and the
/// camera sits on the small-`y` side: the patient faces it.
struct Camera {
    right: [f64; 3],
    up: [f64; 3],
    toward: [f64; 3],
}

impl Camera {
    fn matplotlib() -> Camera {
        let (el, az) = (30f64.to_radians(), (-60f64).to_radians());
        Camera {
            right: [-az.sin(), az.cos(), 0.0],
            up: [-el.sin() * az.cos(), -el.sin() * az.sin(), el.cos()],
            toward: [el.cos() * az.cos(), el.cos() * az.sin(), el.sin()],
        }
    }
}

fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

/// Draws the faces back to front, each blended at plot_3d's alpha in its colour shaded by how
/// squarely it faces a light beside the camera.
fn render(mesh: &Mesh, extent: [usize; 3], size: usize, title: &str) -> CliResult<Vec<u8>> {
    let cam = Camera::matplotlib();
    let centre = extent.map(|e| e as f64 / 2.0);
    // Scale: the box's projected corners fit the picture with a margin.
    let mut reach = 1.0f64;
    for k in 0..8 {
        let c: [f64; 3] =
            std::array::from_fn(|i| if k >> i & 1 == 1 { extent[i] as f64 } else { 0.0 } - centre[i]);
        reach = reach.max(dot(c, cam.right).abs()).max(dot(c, cam.up).abs());
    }
    let half = size as f64 / 2.0;
    let scale = 0.9 * half / reach;
    let project = |v: &[f32; 3]| {
        let p: [f64; 3] = std::array::from_fn(|i| f64::from(v[i]) - centre[i]);
        (
            half + dot(p, cam.right) * scale,
            half - dot(p, cam.up) * scale,
            dot(p, cam.toward),
        )
    };
    let pts: Vec<(f64, f64, f64)> = mesh.vertices.par_iter().map(project).collect();
    // Far faces first (matplotlib's painter's order on the mean depth).
    let mut order: Vec<(f64, u32)> = mesh
        .faces
        .par_iter()
        .enumerate()
        .map(|(i, f)| (f.iter().map(|&v| pts[v as usize].2).sum::<f64>(), i as u32))
        .collect();
    order.par_sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
    let light = {
        let l: [f64; 3] =
            std::array::from_fn(|i| cam.toward[i] + 0.5 * cam.up[i] - 0.4 * cam.right[i]);
        let n = dot(l, l).sqrt();
        l.map(|c| c / n)
    };
    let mut img = Array3::from_elem((size, size, 3), 1.0f64);
    for &(_, i) in &order {
        let f = mesh.faces[i as usize];
        let [a, b, c] = f.map(|v| pts[v as usize]);
        let [va, vb, vc] = f.map(|v| mesh.vertices[v as usize].map(f64::from));
        let (u, w): ([f64; 3], [f64; 3]) = (
            std::array::from_fn(|k| vb[k] - va[k]),
            std::array::from_fn(|k| vc[k] - va[k]),
        );
        let n = [
            u[1] * w[2] - u[2] * w[1],
            u[2] * w[0] - u[0] * w[2],
            u[0] * w[1] - u[1] * w[0],
        ];
        let len = dot(n, n).sqrt();
        let shade = if len > 0.0 {
            0.3 + 0.7 * (dot(n, light) / len).abs()
        } else {
            0.3
        };
        let colour = FACE.map(|c| c * shade);
        fill_triangle(&mut img, (a.0, a.1), (b.0, b.1), (c.0, c.1), colour);
    }
    let mut rgb: Vec<u8> = img
        .iter()
        .map(|&v| (v.clamp(0.0, 1.0) * 255.0).round() as u8)
        .collect();
    font()?;
    {
        let root =
            BitMapBackend::with_buffer(&mut rgb, (size as u32, size as u32)).into_drawing_area();
        root.draw(&Text::new(
            title.to_string(),
            (10, 10),
            ("sans-serif", 16).into_font().color(&BLACK),
        ))
        .map_err(|e| format!("drawing the render: {e}"))?;
        root.present()
            .map_err(|e| format!("drawing the render: {e}"))?;
    }
    encode_png(size, size, &rgb)
}

/// Blends `colour` at plot_3d's alpha into every pixel whose centre lies in the triangle
/// (both windings; a triangle under a pixel's size still covers the pixel nearest its centre
/// so thin surfaces do not vanish).
fn fill_triangle(
    img: &mut Array3<f64>,
    a: (f64, f64),
    b: (f64, f64),
    c: (f64, f64),
    colour: [f64; 3],
) {
    let (h, w) = (img.dim().0 as f64, img.dim().1 as f64);
    let x0 = a.0.min(b.0).min(c.0).floor().max(0.0);
    let x1 = a.0.max(b.0).max(c.0).ceil().min(w - 1.0);
    let y0 = a.1.min(b.1).min(c.1).floor().max(0.0);
    let y1 = a.1.max(b.1).max(c.1).ceil().min(h - 1.0);
    if x0 > x1 || y0 > y1 {
        return;
    }
    let edge = |p: (f64, f64), q: (f64, f64), x: f64, y: f64| {
        (q.0 - p.0) * (y - p.1) - (q.1 - p.1) * (x - p.0)
    };
    let area = edge(a, b, c.0, c.1);
    let mut blend = |x: usize, y: usize| {
        for (k, &c) in colour.iter().enumerate() {
            let v = &mut img[[y, x, k]];
            *v = *v * (1.0 - ALPHA) + c * ALPHA;
        }
    };
    let mut any = false;
    if area != 0.0 {
        for y in y0 as usize..=y1 as usize {
            for x in x0 as usize..=x1 as usize {
                let (px, py) = (x as f64 + 0.5, y as f64 + 0.5);
                let e = [edge(b, c, px, py), edge(c, a, px, py), edge(a, b, px, py)];
                if e.iter().all(|&v| v * area >= 0.0) {
                    blend(x, y);
                    any = true;
                }
            }
        }
    }
    if !any {
        let (cx, cy) = ((a.0 + b.0 + c.0) / 3.0, (a.1 + b.1 + c.1) / 3.0);
        if (0.0..w).contains(&cx) && (0.0..h).contains(&cy) {
            blend(cx as usize, cy as usize);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lungprep::volume_io::IDENTITY;

    /// A ball, meshed as plot_3d does: the file form has outward faces.
    #[test]
    fn file_faces_point_outwards() {
        let ball = Array3::from_shape_fn((12, 14, 16), |(z, y, x)| {
            let d = [z as f64 - 5.5, y as f64 - 6.0, x as f64 - 7.5];
            if d.iter().map(|c| c * c).sum::<f64>() < 16.0 {
                1.0f32
            } else {
                0.0
            }
        });
        let m = march(&ball.view(), 0.5).unwrap();
        // plot_3d's vertices are (x, y, z): the first component spans x's extent.
        let max0 = m.vertices.iter().map(|v| v[0]).fold(0.0f32, f32::max);
        assert!(max0 > 10.0 && max0 < 16.0, "{max0}");
        let signed = |m: &Mesh| {
            m.faces
                .iter()
                .map(|f| {
                    let [a, b, c] = f.map(|i| m.vertices[i as usize].map(f64::from));
                    a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0])
                        + a[2] * (b[0] * c[1] - b[1] * c[0])
                })
                .sum::<f64>()
        };
        // Files store (z, y, x) and write them reversed: undo that to measure in (x, y, z).
        let mut f = for_files(m.clone());
        for v in &mut f.vertices {
            v.reverse();
        }
        assert!(signed(&f) > 0.0, "outward faces enclose a positive volume");
        assert!(signed(&m) < 0.0);
        // World placement on a mirrored grid keeps them outwards.
        let mut w = m.clone();
        let mut direction = IDENTITY;
        direction[0] = [-1.0, 0.0, 0.0];
        let grid = Grid {
            spacing: [2.0, 1.0, 1.0],
            origin: [10.0, 20.0, 30.0],
            direction,
        };
        to_world(&mut w, &grid);
        let v0 = m.vertices[0];
        let expect = grid.index_to_world([f64::from(v0[2]), f64::from(v0[1]), f64::from(v0[0])]);
        for (got, want) in w.vertices[0].iter().zip(expect) {
            assert!((f64::from(*got) - want).abs() < 1e-4);
        }
        let mut wf = for_files(w);
        for v in &mut wf.vertices {
            v.reverse();
        }
        assert!(signed(&wf) > 0.0);
    }

    #[test]
    fn render_draws_the_surface() {
        let ball = Array3::from_shape_fn((20, 20, 20), |(z, y, x)| {
            let d = [z as f64 - 9.5, y as f64 - 9.5, x as f64 - 9.5];
            (d.iter().map(|c| c * c).sum::<f64>() < 49.0) as u8 as f32
        });
        let m = march(&ball.view(), 0.5).unwrap();
        let png = render(&m, [20, 20, 20], 200, "ball").unwrap();
        let mut r = png::Decoder::new(std::io::Cursor::new(png))
            .read_info()
            .unwrap();
        let mut buf = vec![0; r.output_buffer_size().unwrap()];
        let info = r.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (200, 200));
        // The centre is the ball's colour (blue-grey, darker than the white background).
        let o = (100 * 200 + 100) * 3;
        let (red, blue) = (buf[o], buf[o + 2]);
        assert!(blue > red && red < 200, "{red} {blue}");
        // The corners are background.
        assert_eq!(&buf[3 * 199 * 200..3 * 199 * 200 + 3], &[255, 255, 255]);
    }
}
