//! Invariants: a solid ball gives a closed, outward-wound surface; exports hold the mesh.

use lungprep_mesh::{marching_cubes, write_obj, write_ply, write_stl, McOptions, Mesh};
use ndarray::Array3;
use proptest::prelude::*;
use std::collections::HashMap;

/// A ball of radius `r` centred at `c` (voxel units): 1 inside, 0 outside; or its smooth
/// version (r - distance) when `smooth`.
fn ball(n: [usize; 3], c: [f64; 3], r: f64, smooth: bool) -> Array3<f32> {
    Array3::from_shape_fn((n[0], n[1], n[2]), |(z, y, x)| {
        let d = ((z as f64 - c[0]).powi(2) + (y as f64 - c[1]).powi(2) + (x as f64 - c[2]).powi(2))
            .sqrt();
        if smooth {
            (r - d) as f32
        } else {
            f32::from(u8::from(d <= r))
        }
    })
}

/// Every undirected edge in exactly two faces, once in each direction (consistent winding).
fn assert_closed(m: &Mesh) {
    let mut edges: HashMap<(u32, u32), i32> = HashMap::new();
    for f in &m.faces {
        for k in 0..3 {
            let (a, b) = (f[k], f[(k + 1) % 3]);
            *edges.entry((a.min(b), a.max(b))).or_default() +=
                if a < b { 1 } else { -1 } * 1000 + 1;
        }
    }
    for (e, n) in edges {
        // one use in each direction: +1001 and -999 sum to 2
        assert_eq!(
            n, 2,
            "edge {e:?} is not shared by exactly two oppositely wound faces"
        );
    }
}

/// Signed volume in file (x, y, z) order: positive when faces wind outward.
fn signed_volume_xyz(m: &Mesh) -> f64 {
    let p = |i: u32| {
        let v = m.vertices[i as usize];
        [f64::from(v[2]), f64::from(v[1]), f64::from(v[0])]
    };
    m.faces
        .iter()
        .map(|f| {
            let (a, b, c) = (p(f[0]), p(f[1]), p(f[2])); // file winding
            (a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0])
                + a[2] * (b[0] * c[1] - b[1] * c[0]))
                / 6.0
        })
        .sum()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn solid_ball_is_closed(nz in 6usize..40, ny in 6usize..20, nx in 6usize..70,
                            fz in 0.3f64..0.7, fy in 0.3f64..0.7, fx in 0.3f64..0.7,
                            fr in 0.2f64..0.5, smooth in any::<bool>(), step in 1usize..3) {
        let n = [nz, ny, nx];
        let c = [fz * (nz - 1) as f64, fy * (ny - 1) as f64, fx * (nx - 1) as f64];
        // radius small enough that the ball stays off the border (an open surface otherwise)
        let room = (0..3).map(|k| c[k].min((n[k] - 1) as f64 - c[k])).fold(f64::INFINITY, f64::min);
        let r = (fr * 2.0 * room).min(room - step as f64 - 0.5);
        prop_assume!(r > 1.0);
        let vol = ball(n, c, r, smooth);
        let level = if smooth { 0.0 } else { 0.5 };
        let opts = McOptions { step_size: step, ..McOptions::default() };
        let Ok(m) = marching_cubes(&vol.view(), Some(level), &opts) else {
            // a coarse step can miss a tiny ball entirely
            prop_assume!(false);
            unreachable!()
        };
        assert_closed(&m);
        prop_assert!(signed_volume_xyz(&m) > 0.0, "faces wind inward");
        for v in &m.vertices {
            for k in 0..3 {
                prop_assert!(v[k] >= 0.0 && v[k] <= (n[k] - 1) as f32);
            }
        }
        for nrm in &m.normals {
            let l: f32 = nrm.iter().map(|c| c * c).sum();
            prop_assert!((l - 1.0).abs() < 1e-5 || l == 0.0);
        }
    }
}

/// Faces, then the bits of vertices, normals and values.
type MeshBits = (Vec<[u32; 3]>, Vec<[u32; 3]>, Vec<[u32; 3]>, Vec<u32>);

/// The bits of a mesh, so that float comparisons are exact, not approximate.
fn bits(m: &Mesh) -> MeshBits {
    let b3 = |a: &Vec<[f32; 3]>| a.iter().map(|v| v.map(f32::to_bits)).collect();
    (
        m.faces.clone(),
        b3(&m.vertices),
        b3(&m.normals),
        m.values.iter().map(|v| v.to_bits()).collect(),
    )
}

/// Values 0..levels from a xorshift of `seed`: noise that hits the ambiguous cases.
fn noise(n: [usize; 3], seed: u64, levels: u8) -> Array3<u8> {
    let mut s = seed | 1;
    Array3::from_shape_fn((n[0], n[1], n[2]), |_| {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        (s % u64::from(levels)) as u8
    })
}

/// `f` run in a rayon pool of `threads` threads (the march splits its slabs by thread count).
fn in_pool<R: Send>(threads: usize, f: impl FnOnce() -> R + Send) -> R {
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .unwrap();
    pool.install(f)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// The slabs are joined in serial order: any thread count (so any number of slabs, with
    /// vertices shared across their boundaries) gives the one-slab mesh bit for bit, on noise
    /// that hits the ambiguous cases and centre vertices.
    #[test]
    fn slabs_join_to_the_serial_mesh(nz in 17usize..70, ny in 3usize..12, nx in 3usize..80,
                                     seed in any::<u64>(), levels in 2u8..5) {
        let vol = noise([nz, ny, nx], seed, levels).mapv(f32::from);
        let run = |threads: usize| {
            in_pool(threads, || marching_cubes(&vol.view(), Some(0.5), &McOptions::default()))
        };
        let serial = run(1);
        for threads in [2, 3, 8] {
            let par = run(threads);
            match (&serial, &par) {
                (Ok(a), Ok(b)) => prop_assert!(bits(a) == bits(b), "{} threads differ", threads),
                (a, b) => prop_assert_eq!(a.is_ok(), b.is_ok()),
            }
        }
    }

    /// A reversed-axes view (plot_3d's transpose), marched from planes gathered in blocks,
    /// gives the mesh of its copy, at any step and across block boundaries.
    #[test]
    fn reversed_views_march_as_their_copy(nz in 2usize..12, ny in 2usize..12, nx in 2usize..90,
                                          seed in any::<u64>(), step in 1usize..4) {
        let vol = noise([nz, ny, nx], seed, 3).mapv(i16::from);
        let view = vol.view().reversed_axes();
        let copy = view.as_standard_layout().into_owned();
        let opts = McOptions { step_size: step, ..McOptions::default() };
        let b = marching_cubes(&copy.view(), Some(0.5), &opts);
        // One thread: one slab, so it crosses blocks; three: slabs start inside blocks.
        for threads in [1, 3] {
            let a = in_pool(threads, || marching_cubes(&view, Some(0.5), &opts));
            match (&a, &b) {
                (Ok(a), Ok(b)) => prop_assert!(bits(a) == bits(b)),
                (a, b) => prop_assert_eq!(format!("{a:?}"), format!("{b:?}")),
            }
        }
    }
}

#[test]
fn exports_hold_the_mesh() {
    let vol = ball([12, 13, 14], [5.5, 6.0, 6.5], 4.0, true);
    let m = marching_cubes(&vol.view(), Some(0.0), &McOptions::default()).unwrap();
    let (nv, nf) = (m.vertices.len(), m.faces.len());
    let mut ply = Vec::new();
    write_ply(&m, &mut ply).unwrap();
    let head = String::from_utf8_lossy(
        &ply[..ply.windows(11).position(|w| w == b"end_header\n").unwrap() + 11],
    )
    .to_string();
    assert!(
        head.contains(&format!("element vertex {nv}\n"))
            && head.contains(&format!("element face {nf}\n"))
    );
    assert_eq!(ply.len(), head.len() + nv * 7 * 4 + nf * 13);
    let mut stl = Vec::new();
    write_stl(&m, &mut stl).unwrap();
    assert_eq!(stl.len(), 84 + nf * 50);
    assert_eq!(
        u32::from_le_bytes(stl[80..84].try_into().unwrap()) as usize,
        nf
    );
    // first facet: vertices in (x, y, z) order
    let f = m.faces[0];
    let v = m.vertices[f[0] as usize];
    let got: Vec<f32> = stl[84 + 12..84 + 24]
        .chunks(4)
        .map(|b| f32::from_le_bytes(b.try_into().unwrap()))
        .collect();
    assert_eq!(got, vec![v[2], v[1], v[0]]);
    let mut obj = Vec::new();
    write_obj(&m, &mut obj).unwrap();
    let text = String::from_utf8(obj).unwrap();
    assert_eq!(text.lines().filter(|l| l.starts_with("v ")).count(), nv);
    assert_eq!(text.lines().filter(|l| l.starts_with("vn ")).count(), nv);
    assert_eq!(text.lines().filter(|l| l.starts_with("f ")).count(), nf);
    let first_v = text.lines().find(|l| l.starts_with("v ")).unwrap();
    let xyz: Vec<f32> = first_v[2..]
        .split(' ')
        .map(|s| s.parse().unwrap())
        .collect();
    assert_eq!(
        xyz,
        vec![m.vertices[0][2], m.vertices[0][1], m.vertices[0][0]]
    );
}
