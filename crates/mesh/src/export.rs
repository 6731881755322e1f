//! Mesh files: PLY (binary little-endian), STL (binary, through `stl_io`) and OBJ (text).
//!
//! Files hold (x, y, z) positions — the array's last axis first, as viewers and CAD tools
//! expect; with skimage's descent winding the faces then point out of the brighter side
//! ([`GradientDirection::Descent`]).
//!
//! [`GradientDirection::Descent`]: crate::GradientDirection::Descent

use crate::{Error, Mesh, Result};
use std::io::Write;
use std::path::Path;

/// A mesh file format, chosen from the file extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MeshFormat {
    /// Stanford PLY, binary little-endian, with vertex normals and values.
    Ply,
    /// Binary STL (triangle soup with face normals).
    Stl,
    /// Wavefront OBJ with vertex normals.
    Obj,
}

impl MeshFormat {
    /// The format for `path`'s extension (`ply`, `stl`, `obj`, any case).
    pub fn from_path(path: &Path) -> Option<MeshFormat> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "ply" => Some(MeshFormat::Ply),
            "stl" => Some(MeshFormat::Stl),
            "obj" => Some(MeshFormat::Obj),
            _ => None,
        }
    }

    /// Writes `mesh` in this format.
    pub fn write<W: Write>(self, mesh: &Mesh, out: &mut W) -> Result<()> {
        match self {
            MeshFormat::Ply => write_ply(mesh, out),
            MeshFormat::Stl => write_stl(mesh, out),
            MeshFormat::Obj => write_obj(mesh, out),
        }
    }
}

fn xyz(v: &[f32; 3]) -> [f32; 3] {
    [v[2], v[1], v[0]]
}

/// Face corners in file order: skimage's descent winding is already outward in (x, y, z)
/// (checked by the signed-volume property test).
fn corners(f: &[u32; 3]) -> [u32; 3] {
    *f
}

/// Binary little-endian PLY: `x y z nx ny nz value` per vertex, `vertex_indices` per face.
pub fn write_ply<W: Write>(mesh: &Mesh, out: &mut W) -> Result<()> {
    let mut w = std::io::BufWriter::new(out);
    write!(
        w,
        "ply\nformat binary_little_endian 1.0\ncomment lungprep marching cubes (skimage lewiner)\n\
         element vertex {}\nproperty float x\nproperty float y\nproperty float z\n\
         property float nx\nproperty float ny\nproperty float nz\nproperty float value\n\
         element face {}\nproperty list uchar int vertex_indices\nend_header\n",
        mesh.vertices.len(),
        mesh.faces.len()
    )?;
    for ((v, n), value) in mesh.vertices.iter().zip(&mesh.normals).zip(&mesh.values) {
        for c in xyz(v).iter().chain(&xyz(n)).chain(std::iter::once(value)) {
            w.write_all(&c.to_le_bytes())?;
        }
    }
    for f in &mesh.faces {
        w.write_all(&[3u8])?;
        for i in corners(f) {
            w.write_all(&i32::try_from(i).map_err(|_| Error::TooLarge)?.to_le_bytes())?;
        }
    }
    w.flush()?;
    Ok(())
}

/// Binary STL; each facet's normal is its unit right-hand normal (0 for a degenerate one).
pub fn write_stl<W: Write>(mesh: &Mesh, out: &mut W) -> Result<()> {
    if u32::try_from(mesh.faces.len()).is_err() {
        return Err(Error::TooLarge);
    }
    let tri = |f: &[u32; 3]| {
        let p = corners(f).map(|i| xyz(&mesh.vertices[i as usize]));
        let (a, b) = (sub(p[1], p[0]), sub(p[2], p[0]));
        let n = [
            a[1] * b[2] - a[2] * b[1],
            a[2] * b[0] - a[0] * b[2],
            a[0] * b[1] - a[1] * b[0],
        ];
        let len = (n[0] * n[0] + n[1] * n[1] + n[2] * n[2]).sqrt();
        let n = if len > 0.0 {
            n.map(|c| c / len)
        } else {
            [0.0; 3]
        };
        stl_io::Triangle {
            normal: stl_io::Normal::new(n),
            vertices: p.map(stl_io::Vertex::new),
        }
    };
    stl_io::write_stl(out, mesh.faces.iter().map(tri))?;
    Ok(())
}

fn sub(a: [f32; 3], b: [f32; 3]) -> [f32; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

/// Wavefront OBJ: `v`, `vn` and `f i//i` lines (1-based), shortest round-trip floats.
pub fn write_obj<W: Write>(mesh: &Mesh, out: &mut W) -> Result<()> {
    let mut w = std::io::BufWriter::new(out);
    writeln!(
        w,
        "# lungprep marching cubes (skimage lewiner): {} vertices, {} faces",
        mesh.vertices.len(),
        mesh.faces.len()
    )?;
    for v in &mesh.vertices {
        let [x, y, z] = xyz(v);
        writeln!(w, "v {x} {y} {z}")?;
    }
    for n in &mesh.normals {
        let [x, y, z] = xyz(n);
        writeln!(w, "vn {x} {y} {z}")?;
    }
    for f in &mesh.faces {
        let [a, b, c] = corners(f).map(|i| u64::from(i) + 1);
        writeln!(w, "f {a}//{a} {b}//{b} {c}//{c}")?;
    }
    w.flush()?;
    Ok(())
}
