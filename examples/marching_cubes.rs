//! `marching_cubes IN.npy OUTDIR [--level L] [--step N] [--ascent] [--no-degenerate]
//! [--mesh OUT.{ply,stl,obj}]`: skimage.measure.marching_cubes (lewiner) on a 3-D `.npy`
//! (u8, i16, u16, f32), writing `verts.npy` (f32), `faces.npy` (i32), `normals.npy` (f32),
//! `values.npy` (f32) into OUTDIR, and the mesh file if asked.

mod common;

use clap::Parser;
use lungprep::mesh::{self, GradientDirection, McOptions, MeshFormat};
use ndarray::{Array1, Array2, Array3};
use std::path::PathBuf;

#[derive(Parser)]
struct Args {
    input: PathBuf,
    outdir: PathBuf,
    /// Iso level (default: midway between min and max, as skimage).
    #[arg(long, allow_hyphen_values = true)]
    level: Option<f64>,
    #[arg(long, default_value_t = 1)]
    step: usize,
    #[arg(long)]
    ascent: bool,
    #[arg(long)]
    no_degenerate: bool,
    #[arg(long)]
    mesh: Option<PathBuf>,
}

fn run<T: Copy + Default + Into<f32> + Send + Sync>(
    vol: &Array3<T>,
    args: &Args,
) -> Result<mesh::Mesh, mesh::Error> {
    let opts = McOptions {
        step_size: args.step,
        gradient_direction: if args.ascent {
            GradientDirection::Ascent
        } else {
            GradientDirection::Descent
        },
        allow_degenerate: !args.no_degenerate,
        ..McOptions::default()
    };
    common::timed(|| mesh::marching_cubes(&vol.view(), args.level, &opts))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let p = &args.input;
    let m = match common::npy_dtype(p)?.as_str() {
        "u1" => run(&ndarray_npy::read_npy::<_, Array3<u8>>(p)?, &args)?,
        "i2" => run(&ndarray_npy::read_npy::<_, Array3<i16>>(p)?, &args)?,
        "u2" => run(&ndarray_npy::read_npy::<_, Array3<u16>>(p)?, &args)?,
        "f4" => run(&ndarray_npy::read_npy::<_, Array3<f32>>(p)?, &args)?,
        d => return Err(format!("{}: unsupported dtype {d}", p.display()).into()),
    };
    std::fs::create_dir_all(&args.outdir)?;
    let rows = |a: &[[f32; 3]]| Array2::from_shape_fn((a.len(), 3), |(i, k)| a[i][k]);
    ndarray_npy::write_npy(args.outdir.join("verts.npy"), &rows(&m.vertices))?;
    ndarray_npy::write_npy(args.outdir.join("normals.npy"), &rows(&m.normals))?;
    ndarray_npy::write_npy(
        args.outdir.join("values.npy"),
        &Array1::from(m.values.clone()),
    )?;
    let faces = Array2::from_shape_fn((m.faces.len(), 3), |(i, k)| m.faces[i][k] as i32);
    ndarray_npy::write_npy(args.outdir.join("faces.npy"), &faces)?;
    if let Some(out) = &args.mesh {
        let fmt = MeshFormat::from_path(out).ok_or("mesh file must end in .ply, .stl or .obj")?;
        fmt.write(&m, &mut std::fs::File::create(out)?)?;
    }
    Ok(())
}
