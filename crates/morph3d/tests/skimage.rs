//! scikit-image 0.26 footprints, binary morphology, clear_border and roberts: golden fixtures
//! (scripts/golden_skimage.py) and properties against the obvious per-voxel definitions.

use lungprep_morph3d::skimage::{self, Mode};
use lungprep_morph3d::{ball, clear_border, disk, label, roberts, roberts_binary};
use ndarray::{Array2, Array3, ArrayD};
use ndarray_npy::read_npy;
use proptest::prelude::*;

fn fx<T: ndarray_npy::ReadableElement>(name: &str) -> ArrayD<T> {
    let p = format!(
        "{}/tests/fixtures/skimage/{name}.npy",
        env!("CARGO_MANIFEST_DIR")
    );
    read_npy(&p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

const MODES: [(Mode, &str); 3] = [
    (Mode::Ignore, "ignore"),
    (Mode::Max, "max"),
    (Mode::Min, "min"),
];

#[test]
fn footprints_match() {
    for r in [0usize, 1, 2, 3, 5, 10] {
        for s in [true, false] {
            let exp: ArrayD<bool> = fx(&format!("disk_r{r}_{}", s as u8));
            assert_eq!(disk(r, s).into_dyn(), exp, "disk {r} {s}");
        }
    }
    for r in [1usize, 2, 3] {
        for s in [true, false] {
            let exp: ArrayD<bool> = fx(&format!("ball_r{r}_{}", s as u8));
            assert_eq!(ball(r, s).into_dyn(), exp, "ball {r} {s}");
        }
    }
}

#[test]
fn morphology_matches_skimage() {
    let cases: [(&str, &[&str]); 3] = [
        ("b2", &["disk2", "disk10", "even", "asym", "empty"]),
        ("n2", &["disk2", "disk10", "even", "asym", "empty"]),
        ("b3", &["ball2", "even3"]),
    ];
    let mut n = 0;
    for (img, fps) in cases {
        let a: ArrayD<bool> = fx(&format!("in_{img}"));
        for f in fps {
            let fp: ArrayD<bool> = fx(&format!("fp_{f}"));
            for (mode, m) in MODES {
                let v = a.view();
                let fv = fp.view();
                let got = [
                    ("erosion", skimage::binary_erosion(&v, &fv, mode).unwrap()),
                    ("dilation", skimage::binary_dilation(&v, &fv, mode).unwrap()),
                    ("opening", skimage::binary_opening(&v, &fv, mode).unwrap()),
                    ("closing", skimage::binary_closing(&v, &fv, mode).unwrap()),
                ];
                for (op, g) in got {
                    assert_eq!(
                        g,
                        fx::<bool>(&format!("{op}_{img}_{f}_{m}")),
                        "{op} {img} {f} {m}"
                    );
                    n += 1;
                }
            }
        }
    }
    assert_eq!(n, 4 * 3 * 12);
}

#[test]
fn clear_border_matches_skimage() {
    for img in ["b2", "n2", "b3"] {
        let a: ArrayD<bool> = fx(&format!("in_{img}"));
        for buf in [0usize, 2] {
            let exp: ArrayD<bool> = fx(&format!("clear_{img}_buf{buf}"));
            assert_eq!(
                clear_border(&a.view(), buf, false).unwrap(),
                exp,
                "{img} {buf}"
            );
        }
    }
    let lab: ArrayD<i32> = fx("in_lab2");
    for buf in [0usize, 2] {
        let exp: ArrayD<i32> = fx(&format!("clear_lab2_buf{buf}"));
        assert_eq!(clear_border(&lab.view(), buf, 0).unwrap(), exp, "lab {buf}");
    }
    assert_eq!(
        clear_border(&lab.view(), 0, 7).unwrap(),
        fx::<i32>("clear_lab2_bg7")
    );
    assert!(clear_border(&lab.view(), 21, 0).is_err());
}

#[test]
fn roberts_is_bit_identical() {
    let f: ArrayD<f64> = fx("in_f2");
    let f = f.into_dimensionality::<ndarray::Ix2>().unwrap();
    let exp: ArrayD<f64> = fx("roberts_f2");
    let got = roberts(&f.view()).into_dyn();
    assert!(got
        .iter()
        .zip(&exp)
        .all(|(a, b)| a.to_bits() == b.to_bits()));
    let b: ArrayD<bool> = fx("in_b2");
    let b = b.into_dimensionality::<ndarray::Ix2>().unwrap();
    let exp: ArrayD<f64> = fx("roberts_b2");
    let got = roberts_binary(&b.view()).into_dyn();
    assert!(got
        .iter()
        .zip(&exp)
        .all(|(a, b)| a.to_bits() == b.to_bits()));
}

/// The definition, voxel by voxel: erosion ANDs `in[p + o]`, dilation ORs `in[p − o]`, offsets
/// from the centre of the end-padded footprint; the outside reads `border`.
fn naive(a: &Array3<bool>, fp: &Array3<bool>, dilate: bool, border: bool) -> Array3<bool> {
    let (nz, ny, nx) = a.dim();
    let c = fp
        .shape()
        .iter()
        .map(|&s| (s / 2) as isize)
        .collect::<Vec<_>>();
    Array3::from_shape_fn((nz, ny, nx), |(z, y, x)| {
        let mut acc = !dilate;
        for ((k, i, j), &on) in fp.indexed_iter() {
            if !on {
                continue;
            }
            let s = if dilate { -1 } else { 1 };
            let p = [
                z as isize + s * (k as isize - c[0]),
                y as isize + s * (i as isize - c[1]),
                x as isize + s * (j as isize - c[2]),
            ];
            let inside = p[0] >= 0
                && p[1] >= 0
                && p[2] >= 0
                && (p[0] as usize) < nz
                && (p[1] as usize) < ny
                && (p[2] as usize) < nx;
            let v = if inside {
                a[[p[0] as usize, p[1] as usize, p[2] as usize]]
            } else {
                border
            };
            if dilate {
                acc |= v;
            } else {
                acc &= v;
            }
        }
        acc
    })
}

fn vol() -> impl Strategy<Value = Array3<bool>> {
    (1usize..5, 1usize..9, 1usize..11).prop_flat_map(|(z, y, x)| {
        prop::collection::vec(any::<bool>(), z * y * x)
            .prop_map(move |v| Array3::from_shape_vec((z, y, x), v).unwrap())
    })
}

fn footprint() -> impl Strategy<Value = Array3<bool>> {
    (1usize..4, 1usize..5, 1usize..6).prop_flat_map(|(z, y, x)| {
        prop::collection::vec(any::<bool>(), z * y * x)
            .prop_map(move |v| Array3::from_shape_vec((z, y, x), v).unwrap())
    })
}

fn pad(fp: &Array3<bool>) -> Array3<bool> {
    lungprep_morph3d::pad_footprint(&fp.view().into_dyn())
        .into_dimensionality()
        .unwrap()
}

proptest! {
    #[test]
    fn erosion_and_dilation_match_the_definition(a in vol(), fp in footprint(), m in 0usize..3) {
        let (mode, _) = MODES[m];
        let f = fp.view().into_dyn();
        let p = pad(&fp);
        let eb = mode != Mode::Min;
        let db = mode == Mode::Max;
        prop_assert_eq!(skimage::binary_erosion(&a.view(), &f, mode).unwrap(), naive(&a, &p, false, eb));
        prop_assert_eq!(skimage::binary_dilation(&a.view(), &f, mode).unwrap(), naive(&a, &p, true, db));
    }

    #[test]
    fn closing_is_extensive_and_idempotent(a in vol(), r in 0usize..3) {
        // Extensive for a footprint holding its centre (a disk); idempotent for any.
        let b = ball(r, true);
        let f = b.view().into_dyn();
        let c = skimage::binary_closing(&a.view(), &f, Mode::Ignore).unwrap();
        prop_assert!(a.iter().zip(&c).all(|(&x, &y)| !x || y));
        let cc = skimage::binary_closing(&c.view(), &f, Mode::Ignore).unwrap();
        prop_assert_eq!(&cc, &c);
        // Opening: anti-extensive and idempotent.
        let o = skimage::binary_opening(&a.view(), &f, Mode::Ignore).unwrap();
        prop_assert!(a.iter().zip(&o).all(|(&x, &y)| x || !y));
        prop_assert_eq!(skimage::binary_opening(&o.view(), &f, Mode::Ignore).unwrap(), o);
    }

    #[test]
    fn cleared_objects_never_touch_the_border(v in prop::collection::vec(any::<bool>(), 1..200), w in 1usize..20, buf in 0usize..3) {
        let h = v.len().div_ceil(w);
        let mut a = Array2::from_elem((h, w), false);
        for (i, &b) in v.iter().enumerate() { a[[i / w, i % w]] = b; }
        prop_assume!(buf < h && buf < w);
        let c = clear_border(&a.view(), buf, false).unwrap();
        // Only removes, and what stays is whole components of the input none within buf of the edge.
        prop_assert!(a.iter().zip(&c).all(|(&x, &y)| x || !y));
        let (lab, n) = label(&a.view(), 2).unwrap();
        let mut touch = vec![false; n + 1];
        for ((i, j), &l) in lab.indexed_iter() {
            if i <= buf || j <= buf || i + buf + 1 >= h || j + buf + 1 >= w { touch[l as usize] = true; }
        }
        for ((i, j), &l) in lab.indexed_iter() {
            if l > 0 { prop_assert_eq!(c[[i, j]], !touch[l as usize]); }
        }
    }
}

#[test]
fn two_dimensional_disk_closing_fills_a_gap() {
    let mut a = Array2::from_elem((20, 20), false);
    for i in 5..15 {
        a[[i, 5]] = true;
        a[[i, 7]] = true;
    }
    let d = disk(1, true);
    let c = skimage::binary_closing(&a.view(), &d.view().into_dyn(), Mode::Ignore).unwrap();
    assert!(c[[10, 6]]);
}
