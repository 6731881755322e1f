//! Invariants against slow, obvious reference implementations on small grids.

use lungprep_morph3d::*;
use ndarray::{Array2, Array3, ArrayD, IxDyn};
use proptest::prelude::*;

fn vol3() -> impl Strategy<Value = Array3<bool>> {
    (1usize..6, 1usize..7, 1usize..8, 0.0f64..1.0).prop_flat_map(|(z, y, x, p)| {
        proptest::collection::vec(proptest::bool::weighted(p), z * y * x)
            .prop_map(move |v| Array3::from_shape_vec((z, y, x), v).unwrap())
    })
}

fn img2() -> impl Strategy<Value = Array2<bool>> {
    (1usize..14, 1usize..14, 0.0f64..1.0).prop_flat_map(|(y, x, p)| {
        proptest::collection::vec(proptest::bool::weighted(p), y * x)
            .prop_map(move |v| Array2::from_shape_vec((y, x), v).unwrap())
    })
}

fn neighbours(conn: usize) -> Vec<[isize; 3]> {
    let mut v = Vec::new();
    for dz in -1isize..=1 {
        for dy in -1isize..=1 {
            for dx in -1isize..=1 {
                let d = (dz.abs() + dy.abs() + dx.abs()) as usize;
                if d >= 1 && d <= conn {
                    v.push([dz, dy, dx]);
                }
            }
        }
    }
    v
}

/// Flood-fill labeling, numbered in raster order of first appearance.
fn brute_label(a: &Array3<bool>, conn: usize) -> Array3<u32> {
    let (nz, ny, nx) = a.dim();
    let mut out = Array3::<u32>::zeros(a.dim());
    let mut n = 0;
    for ((z, y, x), &v) in a.indexed_iter() {
        if !v || out[(z, y, x)] != 0 {
            continue;
        }
        n += 1;
        let mut stack = vec![(z, y, x)];
        out[(z, y, x)] = n;
        while let Some((z, y, x)) = stack.pop() {
            for o in neighbours(conn) {
                let q = [z as isize + o[0], y as isize + o[1], x as isize + o[2]];
                if q[0] < 0 || q[1] < 0 || q[2] < 0 {
                    continue;
                }
                let q = (q[0] as usize, q[1] as usize, q[2] as usize);
                if q.0 < nz && q.1 < ny && q.2 < nx && a[q] && out[q] == 0 {
                    out[q] = n;
                    stack.push(q);
                }
            }
        }
    }
    out
}

fn brute_edt(a: &Array3<bool>, s: [f64; 3]) -> Array3<f64> {
    let zeros: Vec<(usize, usize, usize)> = a
        .indexed_iter()
        .filter(|(_, &v)| !v)
        .map(|(i, _)| i)
        .collect();
    Array3::from_shape_fn(a.dim(), |(z, y, x)| {
        if !a[(z, y, x)] {
            return 0.0;
        }
        zeros
            .iter()
            .map(|&(qz, qy, qx)| {
                let t = [
                    (qz as f64 - z as f64) * s[0],
                    (qy as f64 - y as f64) * s[1],
                    (qx as f64 - x as f64) * s[2],
                ];
                (t[0] * t[0] + t[1] * t[1] + t[2] * t[2]).sqrt()
            })
            .fold(f64::INFINITY, f64::min)
    })
}

/// Direct formula: erosion AND_{o} in[p+o], dilation OR_{o} in[p-o], outside = border.
fn brute_morph(a: &Array3<bool>, conn: usize, dilate: bool, border: bool) -> Array3<bool> {
    let (nz, ny, nx) = a.dim();
    let mut offs = neighbours(conn);
    offs.push([0, 0, 0]);
    Array3::from_shape_fn(a.dim(), |(z, y, x)| {
        let read = |o: &[isize; 3]| {
            let sg = if dilate { -1 } else { 1 };
            let q = [
                z as isize + sg * o[0],
                y as isize + sg * o[1],
                x as isize + sg * o[2],
            ];
            if q.iter()
                .zip([nz, ny, nx])
                .any(|(&v, n)| v < 0 || v >= n as isize)
            {
                border
            } else {
                a[(q[0] as usize, q[1] as usize, q[2] as usize)]
            }
        };
        if dilate {
            offs.iter().any(read)
        } else {
            offs.iter().all(read)
        }
    })
}

fn opts(conn: usize, it: usize, border: bool, s: &ArrayD<bool>) -> MorphOptions<'_> {
    let _ = conn;
    MorphOptions {
        structure: Some(s.view()),
        iterations: it,
        border_value: border,
        mask: None,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn label_is_flood_fill(a in vol3(), conn in 1usize..=3) {
        let (got, n) = label(&a.view(), conn).unwrap();
        let exp = brute_label(&a, conn);
        prop_assert_eq!(n as u32, exp.iter().copied().max().unwrap_or(0));
        prop_assert_eq!(got, exp);
    }

    #[test]
    fn edt_is_brute_minimum(a in vol3(), s0 in 0.3f64..3.0, s2 in 0.3f64..3.0) {
        prop_assume!(a.iter().any(|&v| !v));
        let s = [s0, 1.0, s2];
        let got = distance_transform_edt(&a.view(), Some(&s)).unwrap();
        let exp = brute_edt(&a, s);
        for (g, e) in got.iter().zip(exp.iter()) {
            prop_assert!((g - e).abs() <= 1e-12 * e.max(1.0), "{} vs {}", g, e);
        }
    }

    #[test]
    fn edt_indices_point_at_nearest_background(a in vol3(), s0 in 0.3f64..3.0) {
        let s = [s0, 1.0, 0.7];
        let d0 = distance_transform_edt(&a.view(), Some(&s)).unwrap();
        let (d, idx) = distance_transform_edt_indices(&a.view(), Some(&s)).unwrap();
        prop_assert_eq!(&d, &d0);
        let has_bg = a.iter().any(|&v| !v);
        for ((z, y, x), &dv) in d.indexed_iter() {
            let f = [idx[[0, z, y, x]], idx[[1, z, y, x]], idx[[2, z, y, x]]];
            if has_bg {
                prop_assert!(!a[(f[0] as usize, f[1] as usize, f[2] as usize)]);
            } else {
                prop_assert_eq!(f, [-1, 0, 0]);
            }
            // scipy's formula from the feature reproduces the distance bit for bit.
            let p = [z as i64, y as i64, x as i64];
            let mut acc = 0.0f64;
            for ax in 0..3 {
                let t = (f[ax] - p[ax]) as f64 * s[ax];
                acc += t * t;
            }
            prop_assert_eq!(acc.sqrt(), dv);
        }
    }

    #[test]
    fn morphology_is_direct_formula(a in vol3(), conn in 1usize..=3, border: bool) {
        let s = generate_binary_structure(3, conn).unwrap();
        let o = opts(conn, 1, border, &s);
        prop_assert_eq!(binary_dilation(&a.view(), &o).unwrap(), brute_morph(&a, conn, true, border));
        prop_assert_eq!(binary_erosion(&a.view(), &o).unwrap(), brute_morph(&a, conn, false, border));
    }

    #[test]
    fn erosion_dilation_duality_and_composition(a in vol3(), conn in 1usize..=3, k in 1usize..5, m in 1usize..4, border: bool) {
        let s = generate_binary_structure(3, conn).unwrap();
        let not_a = a.mapv(|v| !v);
        let e = binary_erosion(&a.view(), &opts(conn, k, border, &s)).unwrap();
        let d = binary_dilation(&not_a.view(), &opts(conn, k, !border, &s)).unwrap();
        prop_assert_eq!(e, d.mapv(|v| !v));
        let dk = binary_dilation(&a.view(), &opts(conn, k, border, &s)).unwrap();
        let dkm = binary_dilation(&dk.view(), &opts(conn, m, border, &s)).unwrap();
        prop_assert_eq!(dkm, binary_dilation(&a.view(), &opts(conn, k + m, border, &s)).unwrap());
        let ek = binary_erosion(&a.view(), &opts(conn, k, border, &s)).unwrap();
        let ekm = binary_erosion(&ek.view(), &opts(conn, m, border, &s)).unwrap();
        prop_assert_eq!(ekm, binary_erosion(&a.view(), &opts(conn, k + m, border, &s)).unwrap());
        // k single steps == k iterations (checks the fast path against the general one).
        let mut step = a.clone();
        for _ in 0..k {
            step = binary_dilation(&step.view(), &opts(conn, 1, border, &s)).unwrap();
        }
        prop_assert_eq!(step, dk);
    }

    #[test]
    fn fill_holes_idempotent_and_only_enclosed(a in vol3(), conn in 1usize..=3) {
        let s = generate_binary_structure(3, conn).unwrap();
        let f = binary_fill_holes(&a.view(), Some(&s.view())).unwrap();
        prop_assert_eq!(binary_fill_holes(&f.view(), Some(&s.view())).unwrap(), f.clone());
        // Added voxels are background components (conn) that do not touch the border.
        let (bg, _) = label(&a.mapv(|v| !v).view(), conn).unwrap();
        let (nz, ny, nx) = a.dim();
        let mut touches = std::collections::HashSet::new();
        for ((z, y, x), &l) in bg.indexed_iter() {
            if l != 0 && (z == 0 || y == 0 || x == 0 || z == nz - 1 || y == ny - 1 || x == nx - 1) {
                touches.insert(l);
            }
        }
        for (i, &v) in a.indexed_iter() {
            let exp = v || !touches.contains(&bg[i]);
            prop_assert_eq!(f[i], exp);
        }
    }

    #[test]
    fn hull_is_convex_and_contains(a in img2()) {
        let h = convex_hull_image(&a.view());
        for (i, &v) in a.indexed_iter() {
            prop_assert!(!v || h[i]);
        }
        // Every row and column of a convex set is an interval.
        for line in h.rows().into_iter().chain(h.columns()) {
            let idx: Vec<usize> = line.iter().enumerate().filter(|(_, &v)| v).map(|(i, _)| i).collect();
            if let (Some(f), Some(l)) = (idx.first(), idx.last()) {
                prop_assert_eq!(l - f + 1, idx.len());
            }
        }
        // Midpoint convexity on pixel centres with integer midpoints.
        let on: Vec<(usize, usize)> = h.indexed_iter().filter(|(_, &v)| v).map(|(i, _)| i).collect();
        for &p in on.iter().step_by(3) {
            for &q in on.iter().step_by(5) {
                if (p.0 + q.0) % 2 == 0 && (p.1 + q.1) % 2 == 0 {
                    prop_assert!(h[((p.0 + q.0) / 2, (p.1 + q.1) / 2)]);
                }
            }
        }
    }

    #[test]
    fn regionprops_scalars_are_brute(a in vol3(), conn in 1usize..=3) {
        let (lab, n) = label(&a.view(), conn).unwrap();
        let props = regionprops(&lab.view());
        prop_assert_eq!(props.len(), n);
        for r in &props {
            let pts: Vec<(usize, usize, usize)> = lab.indexed_iter().filter(|(_, &l)| l == r.label).map(|(i, _)| i).collect();
            prop_assert_eq!(r.area, pts.len());
            let c: Vec<f64> = (0..3).map(|ax| pts.iter().map(|p| [p.0, p.1, p.2][ax] as f64).sum::<f64>() / pts.len() as f64).collect();
            prop_assert_eq!(&r.centroid, &c);
            for ax in 0..3 {
                let lo = pts.iter().map(|p| [p.0, p.1, p.2][ax]).min().unwrap();
                let hi = pts.iter().map(|p| [p.0, p.1, p.2][ax]).max().unwrap() + 1;
                prop_assert_eq!(r.bbox[ax], (lo, hi));
            }
            let coords: Vec<(usize, usize, usize)> = r.coords(&lab.view()).collect();
            prop_assert_eq!(coords, pts);
            prop_assert_eq!(r.image(&lab.view()).iter().filter(|&&v| v).count(), r.area);
        }
    }
}

#[test]
fn degenerate_inputs_do_not_panic() {
    for shape in [
        vec![0usize, 3, 3],
        vec![1, 1, 1],
        vec![2, 3, 4],
        vec![1],
        vec![5, 1],
    ] {
        for fill in [false, true] {
            let a = ArrayD::from_elem(IxDyn(&shape), fill);
            let nd = a.ndim();
            let (l, n) = label(&a.view(), 1).unwrap();
            assert_eq!(n, usize::from(fill && !a.is_empty()));
            let _ = regionprops(&l.view());
            let _ = distance_transform_edt(&a.view(), Some(&vec![0.5; nd])).unwrap();
            let o = MorphOptions::default();
            let _ = binary_dilation(&a.view(), &o).unwrap();
            let _ = binary_erosion(
                &a.view(),
                &MorphOptions {
                    iterations: 0,
                    ..o.clone()
                },
            )
            .unwrap();
            let _ = binary_fill_holes(&a.view(), None).unwrap();
        }
    }
    let empty = Array2::<bool>::from_elem((0, 4), false);
    assert_eq!(convex_hull_image(&empty.view()).dim(), (0, 4));
    let none = Array2::<bool>::from_elem((3, 4), false);
    assert!(!convex_hull_image(&none.view()).iter().any(|&v| v));
    let mut one = none.clone();
    one[(1, 2)] = true;
    assert_eq!(convex_hull_image(&one.view()), one);
    let (l, _) = label(&one.view(), 2).unwrap();
    let r = &regionprops(&l.view())[0];
    assert_eq!(r.eccentricity(), Some(0.0));
}

#[test]
fn bad_arguments_are_errors() {
    let a = Array3::from_elem((2, 3, 4), true);
    for s in [
        [1.0, 0.0, 1.0],
        [1.0, -1.0, 1.0],
        [f64::NAN, 1.0, 1.0],
        [1.0, f64::INFINITY, 1.0],
    ] {
        assert!(distance_transform_edt(&a.view(), Some(&s)).is_err());
    }
    assert!(distance_transform_edt(&a.view(), Some(&[1.0, 1.0])).is_err());
    assert!(label(&a.view(), 0).is_err());
    assert!(label(&a.view(), 4).is_err());
    assert!(generate_binary_structure(0, 1).is_err());
    let even = ArrayD::from_elem(IxDyn(&[2, 2, 2]), true);
    let o = MorphOptions {
        structure: Some(even.view()),
        ..Default::default()
    };
    assert!(binary_dilation(&a.view(), &o).is_err());
    let wrong = ArrayD::from_elem(IxDyn(&[3, 3]), true);
    let o = MorphOptions {
        structure: Some(wrong.view()),
        ..Default::default()
    };
    assert!(binary_erosion(&a.view(), &o).is_err());
    let m = ArrayD::from_elem(IxDyn(&[2, 3]), true);
    let o = MorphOptions {
        mask: Some(m.view()),
        ..Default::default()
    };
    assert!(binary_erosion(&a.view(), &o).is_err());
    let four = ArrayD::from_elem(IxDyn(&[1, 1, 1, 1]), true);
    assert!(label(&four.view(), 1).is_err());
}

#[test]
fn non_contiguous_views_work() {
    let a = Array3::from_shape_fn((4, 5, 6), |(z, y, x)| (z * 7 + y * 3 + x) % 4 != 0);
    let t = a.view().reversed_axes();
    let (l, n) = label(&t, 3).unwrap();
    let (l2, n2) = label(&t.to_owned().view(), 3).unwrap();
    assert_eq!((l, n), (l2, n2));
}

#[test]
fn real_mask_labels_when_data_present() {
    let dir = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/mhd/lung1.raw"
    );
    let Ok(bytes) = std::fs::read(dir) else {
        eprintln!("skipping: {dir} not found");
        return;
    };
    // lung1.mhd: 512 x 512 x 48 int16 little endian (see its .mhd header).
    let n = bytes.len() / 2;
    if n != 48 * 512 * 512 {
        eprintln!("skipping: unexpected size of {dir}");
        return;
    }
    let hu: Vec<bool> = bytes
        .chunks_exact(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]) < -600)
        .collect();
    let a = Array3::from_shape_vec((48, 512, 512), hu).unwrap();
    for conn in 1..=3 {
        let (lab, n) = label(&a.view(), conn).unwrap();
        let props = regionprops(&lab.view());
        assert_eq!(props.len(), n);
        assert_eq!(
            props.iter().map(|r| r.area).sum::<usize>(),
            a.iter().filter(|&&v| v).count()
        );
    }
    let d = distance_transform_edt(&a.view(), Some(&[5.0, 0.5703125, 0.5703125])).unwrap();
    assert!(d.iter().zip(a.iter()).all(|(&d, &v)| (d > 0.0) == v));
}

fn labels3() -> impl Strategy<Value = Array3<u32>> {
    (1usize..7, 1usize..8, 1usize..9).prop_flat_map(|(z, y, x)| {
        proptest::collection::vec(0u32..4, z * y * x)
            .prop_map(move |v| Array3::from_shape_vec((z, y, x), v).unwrap())
    })
}

/// Mostly unlabelled volumes, so that whole columns, rows and planes lie out of a seed's reach
/// (the lines the split skips).
fn sparse_labels3() -> impl Strategy<Value = Array3<u32>> {
    (1usize..7, 1usize..8, 1usize..20).prop_flat_map(|(z, y, x)| {
        proptest::collection::vec(
            prop_oneof![20 => Just(0u32), 1 => Just(1), 1 => Just(2)],
            z * y * x,
        )
        .prop_map(move |v| Array3::from_shape_vec((z, y, x), v).unwrap())
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// As below, with sparse seeds: skipping the lines no seed reaches changes nothing.
    #[test]
    fn split_by_distance_sparse_seeds_is_comparing_edts(
        l in sparse_labels3(),
        m in proptest::collection::vec(proptest::bool::ANY, 6 * 7 * 19),
        s0 in prop_oneof![Just(1.0f64), Just(2.5), 0.3f64..3.0],
        s1 in prop_oneof![Just(1.0f64), Just(0.7), 0.3f64..3.0],
        threads in 1usize..4,
    ) {
        let mask = Array3::from_shape_fn(l.dim(), |(z, y, x)| m[(z * 7 + y) * 19 + x]);
        let s = [s0, s1, s1];
        let d1 = distance_transform_edt(&l.mapv(|v| v != 1).view(), Some(&s)).unwrap();
        let d2 = distance_transform_edt(&l.mapv(|v| v != 2).view(), Some(&s)).unwrap();
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let (a, b) = pool.install(|| split_by_distance(&mask.view(), &l.view(), 1, 2, &s)).unwrap();
        for (i, &mv) in mask.indexed_iter() {
            prop_assert_eq!(a[i], mv && d1[i] < d2[i], "{:?}", i);
            prop_assert_eq!(b[i], mv && d1[i] > d2[i], "{:?}", i);
        }
    }

    /// The plane-by-plane split equals comparing the two full distance maps (the slow obvious
    /// version), ties included: integer-ish samplings make equal distances common.
    #[test]
    fn split_by_distance_is_comparing_edts(
        l in labels3(),
        m in proptest::collection::vec(proptest::bool::ANY, 6 * 7 * 8),
        s0 in prop_oneof![Just(1.0f64), Just(2.5), 0.3f64..3.0],
        s1 in prop_oneof![Just(1.0f64), Just(0.7), 0.3f64..3.0],
        threads in 1usize..4,
    ) {
        let mask = Array3::from_shape_fn(l.dim(), |(z, y, x)| m[(z * 7 + y) * 8 + x]);
        let s = [s0, s1, s1];
        let d1 = distance_transform_edt(&l.mapv(|v| v != 1).view(), Some(&s)).unwrap();
        let d2 = distance_transform_edt(&l.mapv(|v| v != 2).view(), Some(&s)).unwrap();
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        let (a, b) = pool.install(|| split_by_distance(&mask.view(), &l.view(), 1, 2, &s)).unwrap();
        for (i, &mv) in mask.indexed_iter() {
            prop_assert_eq!(a[i], mv && d1[i] < d2[i], "{:?}", i);
            prop_assert_eq!(b[i], mv && d1[i] > d2[i], "{:?}", i);
        }
    }
}
