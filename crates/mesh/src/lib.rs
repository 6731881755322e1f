//! Marching cubes identical to `skimage.measure.marching_cubes` (scikit-image 0.26, Lewiner's
//! method): the same vertices, faces in the same order, normals and values, computed in
//! parallel slabs; and mesh export to PLY, STL and OBJ.
//!
//! ```
//! use lungprep_mesh::{marching_cubes, McOptions};
//! let ball = ndarray::Array3::from_shape_fn((12, 12, 12), |(z, y, x)| {
//!     let d = |a: usize| a as f32 - 5.5;
//!     (d(z) * d(z) + d(y) * d(y) + d(x) * d(x)).sqrt()
//! });
//! let mesh = marching_cubes(&ball.view(), Some(4.0), &McOptions::default())?;
//! assert!(mesh.faces.len() > 100);
//! // vertices are (z, y, x) array coordinates, as skimage returns them
//! assert!(mesh.vertices.iter().all(|v| v.iter().all(|&c| (1.0..10.0).contains(&c))));
//! # Ok::<(), lungprep_mesh::Error>(())
//! ```
#![deny(missing_docs)]

pub use ndarray;

/// The README's examples, compiled and run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod cube;
mod error;
mod export;
mod lanes;
mod luts;
mod march;
mod range;

pub use error::{Error, Result};
pub use export::{write_obj, write_ply, write_stl, MeshFormat};

use march::{march_slab, Grid, Planes, Proxies, Scratch, Slab, PROXY};
use ndarray::{ArrayView3, CowArray};
use range::Range;
use rayon::prelude::*;

/// Which side of the level the object is on (skimage's `gradient_direction`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GradientDirection {
    /// The object is greater than the exterior (skimage's default): faces wound so that
    /// their right-hand normal points towards lower values.
    #[default]
    Descent,
    /// The exterior is greater than the object.
    Ascent,
}

/// Options of [`marching_cubes`], with skimage's defaults.
#[derive(Debug, Clone, PartialEq)]
pub struct McOptions {
    /// Voxel spacing along the array axes (z, y, x); vertices are scaled by it.
    pub spacing: [f64; 3],
    /// Face winding.
    pub gradient_direction: GradientDirection,
    /// Cube size in voxels (1: every cube).
    pub step_size: usize,
    /// Keep zero-area triangles (skimage's default `True`); `false` merges their vertices
    /// away as skimage's `remove_degenerate_faces` does.
    pub allow_degenerate: bool,
}

impl Default for McOptions {
    fn default() -> Self {
        McOptions {
            spacing: [1.0; 3],
            gradient_direction: GradientDirection::Descent,
            step_size: 1,
            allow_degenerate: true,
        }
    }
}

/// A triangle mesh as skimage's `marching_cubes` returns it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Mesh {
    /// Vertex positions in array-axis order (z, y, x), scaled by the spacing.
    pub vertices: Vec<[f32; 3]>,
    /// Triangles as indices into `vertices`.
    pub faces: Vec<[u32; 3]>,
    /// Unit normals (the data gradient, pointing towards lower values), (z, y, x) order.
    pub normals: Vec<[f32; 3]>,
    /// Per vertex, the largest local value range of the cubes that used it.
    pub values: Vec<f32>,
}

/// Surface of `volume` at `level` (`None`: midway between the volume's min and max), exactly
/// as `skimage.measure.marching_cubes(volume, level, method='lewiner')` computes it.
///
/// The volume is read as f32 (skimage converts to float32 first); any layout is accepted.
/// Errors as skimage raises them: a volume under 2×2×2, a level outside `[min, max]`, a
/// `step_size` of 0, no surface crossed.
pub fn marching_cubes<T>(
    volume: &ArrayView3<'_, T>,
    level: Option<f64>,
    opts: &McOptions,
) -> Result<Mesh>
where
    T: Copy + Default + Into<f32> + Send + Sync,
{
    let (nz, ny, nx) = volume.dim();
    if nz < 2 || ny < 2 || nx < 2 {
        return Err(Error::TooSmall([nz, ny, nx]));
    }
    if opts.step_size == 0 {
        return Err(Error::InvalidStep);
    }
    if opts.spacing.iter().any(|s| !s.is_finite()) {
        return Err(Error::InvalidSpacing(opts.spacing));
    }
    // The march reads a C-ordered volume, or one whose reversed-axes view is C-ordered (plot_3d
    // hands over `image.transpose(2, 1, 0)`) in gathered blocks; any other layout is copied.
    let rev = volume.view().reversed_axes();
    let (standard, reversed) = if !volume.is_standard_layout() && rev.is_standard_layout() {
        (CowArray::from(rev), true)
    } else {
        (volume.as_standard_layout(), false)
    };
    let data = standard.as_slice().ok_or(Error::TooSmall([nz, ny, nx]))?;
    let check = |level: f64, (min, max): (f32, f32)| {
        if level < f64::from(min) || level > f64::from(max) {
            return Err(Error::LevelOutOfRange {
                level,
                min: f64::from(min),
                max: f64::from(max),
            });
        }
        Ok(())
    };
    let (level, checked) = match level {
        // The step-1 march reads every value, so it finds the range on the way: the check
        // comes after it, with the same answer, and the volume is read once instead of twice.
        Some(l) if opts.step_size == 1 => (l, false),
        Some(l) => {
            check(l, min_max(data))?;
            (l, true)
        }
        None => {
            // numpy: 0.5 * (float32 min + float32 max), all in float32
            let (min, max) = min_max(data);
            (f64::from(0.5f32 * (min + max)), true)
        }
    };
    let grid = Grid {
        data,
        n: [nx, ny, nz],
        level,
        step: opts.step_size,
        reversed,
    };
    let (mut mesh, range) = march_parallel(&grid)?;
    if !checked {
        check(level, range.numpy())?;
    }
    if mesh.faces.is_empty() {
        return Err(Error::NoSurface);
    }
    if opts.gradient_direction == GradientDirection::Descent {
        for f in &mut mesh.faces {
            f.swap(0, 2);
        }
    }
    if opts.spacing != [1.0; 3] {
        for v in &mut mesh.vertices {
            for (c, s) in v.iter_mut().zip(opts.spacing) {
                *c = (f64::from(*c) * s) as f32;
            }
        }
    }
    if !opts.allow_degenerate {
        mesh = remove_degenerate_faces(mesh);
    }
    Ok(mesh)
}

/// numpy's min and max of a float32 array (NaN propagates).
fn min_max<T: Copy + Into<f32> + Sync>(data: &[T]) -> (f32, f32) {
    data.par_chunks(1 << 16)
        .map(Range::of)
        .reduce(|| Range::EMPTY, Range::merge)
        .numpy()
}

/// The z values of the cube layers, split into one run per slab.
fn slabs(nz: usize, step: usize, parts: usize) -> Vec<Vec<usize>> {
    let zs: Vec<usize> = (0..)
        .map(|i| i * step)
        .take_while(|z| z + step < nz)
        .collect();
    let per = zs.len().div_ceil(parts.max(1)).max(1);
    zs.chunks(per).map(<[usize]>::to_vec).collect()
}

/// The mesh, and the range of the values the march read (all of them at step 1).
fn march_parallel<T: Copy + Into<f32> + Send + Sync>(grid: &Grid<'_, T>) -> Result<(Mesh, Range)> {
    // Slabs of at least 8 layers; a few per thread so uneven layers balance.
    let layers = (grid.n[2] - 1).div_ceil(grid.step);
    let parts = (rayon::current_num_threads() * 2)
        .min(layers.div_ceil(8))
        .max(1);
    let runs = slabs(grid.n[2], grid.step, parts);
    let [nx, ny, _] = grid.n;
    let pool = std::sync::Mutex::new(Vec::new());
    let out: Vec<Slab> = runs
        .par_iter()
        .enumerate()
        .map(|(i, zs)| {
            let taken = pool.lock().ok().and_then(|mut p| p.pop());
            // A block another slab left behind is still this volume's planes: kept, not cleared.
            let (mut scratch, mut planes) =
                taken.unwrap_or_else(|| (Scratch::new(nx, ny), Planes::new()));
            let slab = march_slab(grid, zs, i > 0, &mut scratch, &mut planes);
            if let Ok(mut p) = pool.lock() {
                p.push((scratch, planes));
            }
            slab
        })
        .collect();
    let range = out.iter().fold(Range::EMPTY, |r, s| r.merge(s.range));
    match join(out) {
        Some(mesh) => Ok((mesh, range)),
        // A proxy without a vertex below cannot happen with Lewiner's tables; stay exact anyway.
        None => {
            let zs: Vec<usize> = runs.concat();
            let (mut scratch, mut planes) = (Scratch::new(nx, ny), Planes::new());
            let mesh = join(vec![march_slab(
                grid,
                &zs,
                false,
                &mut scratch,
                &mut planes,
            )]);
            Ok((mesh.ok_or(Error::TooLarge)?, range))
        }
    }
}

/// Joins slabs into one mesh in serial numbering, replaying the proxies' contributions; `None`
/// when a proxy has no vertex below (or a count overflows i32).
///
/// Each slab boundary is replayed onto the slab below it, all boundaries in parallel (they
/// touch different slabs); the copy into the mesh (renumbering faces, normalizing normals,
/// reordering axes) runs per slab in parallel, each into its own part of the output.
fn join(mut slabs: Vec<Slab>) -> Option<Mesh> {
    let nv: usize = slabs.iter().map(|s| s.verts.len()).sum();
    let nf: usize = slabs.iter().map(|s| s.faces.len()).sum();
    if nv > i32::MAX as usize || nf > i32::MAX as usize || slabs.iter().any(|s| s.overflow) {
        return None;
    }
    let logs: Vec<Proxies> = slabs
        .iter_mut()
        .map(|s| std::mem::take(&mut s.proxies))
        .collect();
    if logs.first().is_some_and(|p| !p.slots.is_empty()) {
        return None;
    }
    let mut offsets = Vec::with_capacity(slabs.len());
    let mut next = 0u32;
    for s in &slabs {
        offsets.push(next);
        next += s.verts.len() as u32;
    }
    // Each proxy's uses land on its vertex in the slab below, after that slab's own uses,
    // as in the serial march. resolved[i][k]: local index below of slab i's proxy k.
    let n = slabs.len();
    let replayed: Vec<Option<Vec<u32>>> = slabs[..n.saturating_sub(1)]
        .par_iter_mut()
        .zip(logs.get(1..).unwrap_or_default())
        .map(|(below, log)| {
            let mut local = Vec::with_capacity(log.slots.len());
            for slot in &log.slots {
                let at = below.top.binary_search_by_key(slot, |t| t.0).ok()?;
                let id = below.top[at].1;
                if id & PROXY != 0 || id as usize >= below.verts.len() {
                    return None;
                }
                local.push(id);
            }
            for &(k, vmax) in &log.values {
                let v = &mut below.verts[local[k as usize] as usize];
                if vmax > f64::from(v.value) {
                    v.value = vmax as f32;
                }
            }
            for &(k, d) in &log.grads {
                let normal = &mut below.verts[local[k as usize] as usize].normal;
                for c in 0..3 {
                    normal[c] += d[c];
                }
            }
            Some(local)
        })
        .collect();
    let mut resolved: Vec<Vec<u32>> = vec![Vec::new()];
    for (i, r) in replayed.into_iter().enumerate() {
        resolved.push(r?.into_iter().map(|id| offsets[i] + id).collect());
    }
    let mut mesh = Mesh {
        vertices: vec![[0.0; 3]; nv],
        faces: vec![[0; 3]; nf / 3],
        normals: vec![[0.0; 3]; nv],
        values: vec![0.0; nv],
    };
    let mut parts = Vec::with_capacity(slabs.len());
    let (mut v, mut f, mut n, mut val) = (
        &mut mesh.vertices[..],
        &mut mesh.faces[..],
        &mut mesh.normals[..],
        &mut mesh.values[..],
    );
    for ((s, res), off) in slabs.iter().zip(&resolved).zip(&offsets) {
        let (k, m) = (s.verts.len(), s.faces.len() / 3);
        let (v0, v1) = std::mem::take(&mut v).split_at_mut(k);
        let (f0, f1) = std::mem::take(&mut f).split_at_mut(m);
        let (n0, n1) = std::mem::take(&mut n).split_at_mut(k);
        let (val0, val1) = std::mem::take(&mut val).split_at_mut(k);
        (v, f, n, val) = (v1, f1, n1, val1);
        parts.push((s, res, *off, v0, f0, n0, val0));
    }
    parts
        .into_par_iter()
        .for_each(|(s, res, off, v, f, n, val)| {
            let map = |i: u32| {
                if i & PROXY != 0 {
                    res[(i & !PROXY) as usize]
                } else {
                    i + off
                }
            };
            for (out, t) in f.iter_mut().zip(s.faces.chunks_exact(3)) {
                *out = [map(t[0]), map(t[1]), map(t[2])];
            }
            for (out, p) in v.iter_mut().zip(&s.verts) {
                *out = [p.pos[2], p.pos[1], p.pos[0]];
            }
            // Unit length in double, then (z, y, x) order, as skimage's get_normals and fliplr.
            for (out, p) in n.iter_mut().zip(&s.verts) {
                let d = [p.normal[0], p.normal[1], p.normal[2]].map(f64::from);
                let mut len = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
                if len > 0.0 {
                    len = 1.0 / len.sqrt();
                }
                *out = [
                    (d[2] * len) as f32,
                    (d[1] * len) as f32,
                    (d[0] * len) as f32,
                ];
            }
            for (out, p) in val.iter_mut().zip(&s.verts) {
                *out = p.value;
            }
        });
    Some(mesh)
}

/// skimage's `remove_degenerate_faces`: drops faces with two equal corners and merges those
/// corners into the lowest-numbered vertex.
fn remove_degenerate_faces(mesh: Mesh) -> Mesh {
    let n = mesh.vertices.len();
    let mut map1: Vec<u32> = (0..n as u32).collect();
    let mut ok = vec![true; mesh.faces.len()];
    for (j, f) in mesh.faces.iter().enumerate() {
        let [i1, i2, i3] = f.map(|i| i as usize);
        let v = &mesh.vertices;
        for (a, b) in [(i1, i2), (i1, i3), (i2, i3)] {
            if v[a] == v[b] {
                let m = map1[a].min(map1[b]);
                map1[a] = m;
                map1[b] = m;
                ok[j] = false;
            }
        }
    }
    let keep: Vec<bool> = (0..n).map(|i| map1[i] == i as u32).collect();
    let mut map2 = vec![0u32; n];
    let mut c: i64 = -1;
    for i in 0..n {
        c += i64::from(keep[i]);
        map2[i] = c.max(0) as u32;
    }
    let faces = mesh
        .faces
        .iter()
        .zip(&ok)
        .filter(|(_, &k)| k)
        .map(|(f, _)| f.map(|i| map2[map1[i as usize] as usize]))
        .collect();
    let pick = |a: &[[f32; 3]]| {
        a.iter()
            .zip(&keep)
            .filter(|(_, &k)| k)
            .map(|(v, _)| *v)
            .collect::<Vec<_>>()
    };
    Mesh {
        vertices: pick(&mesh.vertices),
        normals: pick(&mesh.normals),
        values: mesh
            .values
            .iter()
            .zip(&keep)
            .filter(|(_, &k)| k)
            .map(|(v, _)| *v)
            .collect(),
        faces,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The lane-wise min/max is numpy's: the plain fold over the values, NaN if any is.
        #[test]
        fn min_max_is_the_plain_fold(
            v in proptest::collection::vec(-1e6f32..1e6, 1..200_000),
            nan_at in proptest::option::of(0usize..200_000),
        ) {
            let mut v = v;
            if let Some(i) = nan_at {
                let n = v.len();
                v[i % n] = f32::NAN;
            }
            let plain = v.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &x| {
                if lo.is_nan() || x.is_nan() { (f32::NAN, f32::NAN) } else { (lo.min(x), hi.max(x)) }
            });
            let (lo, hi) = min_max(&v);
            proptest::prop_assert_eq!(lo.to_bits(), plain.0.to_bits());
            proptest::prop_assert_eq!(hi.to_bits(), plain.1.to_bits());
        }
    }
}
