//! Golden fixtures from scikit-image 0.26 (scripts/golden_mesh.py): the same faces in the same
//! order, and vertices, normals and values bit for bit (the contract is 1e-5).

use lungprep_mesh::{marching_cubes, GradientDirection, McOptions, Mesh};
use ndarray::{Array1, Array2, Array3};
use ndarray_npy::read_npy;

fn path(name: &str) -> String {
    format!("{}/tests/fixtures/{name}.npy", env!("CARGO_MANIFEST_DIR"))
}

fn run(input: &str, level: Option<f64>, opts: &McOptions) -> Mesh {
    let p = path(&format!("in_{input}"));
    let r = match input {
        "ties" => marching_cubes(&read_npy::<_, Array3<i16>>(&p).unwrap().view(), level, opts),
        "u8" => marching_cubes(&read_npy::<_, Array3<u8>>(&p).unwrap().view(), level, opts),
        _ => marching_cubes(&read_npy::<_, Array3<f32>>(&p).unwrap().view(), level, opts),
    };
    r.unwrap_or_else(|e| panic!("{input}: {e}"))
}

fn check(case: &str, got: &Mesh) {
    let faces: Array2<i32> = read_npy(path(&format!("{case}_faces"))).unwrap();
    let verts: Array2<f32> = read_npy(path(&format!("{case}_verts"))).unwrap();
    let normals: Array2<f32> = read_npy(path(&format!("{case}_normals"))).unwrap();
    let values: Array1<f32> = read_npy(path(&format!("{case}_values"))).unwrap();
    assert_eq!(got.faces.len(), faces.nrows(), "{case}: face count");
    for (i, f) in got.faces.iter().enumerate() {
        let exp = [faces[[i, 0]], faces[[i, 1]], faces[[i, 2]]];
        assert_eq!(f.map(|v| v as i32), exp, "{case}: face {i}");
    }
    assert_eq!(got.vertices.len(), verts.nrows(), "{case}: vertex count");
    for i in 0..verts.nrows() {
        for k in 0..3 {
            assert_eq!(got.vertices[i][k], verts[[i, k]], "{case}: vertex {i}");
            assert_eq!(got.normals[i][k], normals[[i, k]], "{case}: normal {i}");
        }
        assert_eq!(got.values[i], values[i], "{case}: value {i}");
    }
}

#[test]
fn defaults_match_skimage() {
    let d = McOptions::default();
    check("case0", &run("rand", Some(0.5), &d));
    check("case1", &run("ties", Some(1.0), &d));
    check("case2", &run("blob", Some(0.0), &d));
    check("case3", &run("u8", Some(127.0), &d));
    check("case9", &run("rand", None, &d));
}

#[test]
fn options_match_skimage() {
    let d = McOptions::default();
    check(
        "case4",
        &run(
            "blob",
            Some(0.0),
            &McOptions {
                step_size: 2,
                ..d.clone()
            },
        ),
    );
    check(
        "case5",
        &run(
            "rand",
            Some(0.5),
            &McOptions {
                step_size: 3,
                ..d.clone()
            },
        ),
    );
    let ascent = McOptions {
        gradient_direction: GradientDirection::Ascent,
        ..d.clone()
    };
    check("case6", &run("blob", Some(0.0), &ascent));
    check(
        "case7",
        &run(
            "ties",
            Some(1.0),
            &McOptions {
                allow_degenerate: false,
                ..d.clone()
            },
        ),
    );
    check(
        "case8",
        &run(
            "blob",
            Some(0.0),
            &McOptions {
                spacing: [2.5, 0.7, 0.7],
                ..d
            },
        ),
    );
}

#[test]
fn errors_as_skimage() {
    let d = McOptions::default();
    let small = Array3::<f32>::zeros((1, 4, 4));
    assert!(matches!(
        marching_cubes(&small.view(), Some(0.0), &d),
        Err(lungprep_mesh::Error::TooSmall(_))
    ));
    let flat = Array3::<f32>::zeros((3, 3, 3));
    assert!(matches!(
        marching_cubes(&flat.view(), Some(1.0), &d),
        Err(lungprep_mesh::Error::LevelOutOfRange { .. })
    ));
    assert!(matches!(
        marching_cubes(&flat.view(), Some(0.0), &d),
        Err(lungprep_mesh::Error::NoSurface)
    ));
    let step0 = McOptions { step_size: 0, ..d };
    assert!(matches!(
        marching_cubes(&flat.view(), Some(0.0), &step0),
        Err(lungprep_mesh::Error::InvalidStep)
    ));
}

/// The step-1 march finds the range on its way; its level check must answer as the separate
/// pass does: extremes in the first and last planes and rows, just inside and outside, NaN.
#[test]
fn level_check_sees_every_value() {
    let d = McOptions::default();
    let step2 = McOptions {
        step_size: 2,
        ..d.clone()
    };
    let mut a = Array3::<f32>::zeros((5, 4, 67));
    a[[0, 0, 66]] = 7.0;
    a[[4, 3, 0]] = -3.0;
    let err = |l: f64, o: &McOptions, a: &Array3<f32>| match marching_cubes(&a.view(), Some(l), o) {
        Err(lungprep_mesh::Error::LevelOutOfRange { min, max, .. }) => Some((min, max)),
        _ => None,
    };
    for o in [&d, &step2] {
        assert_eq!(err(7.5, o, &a), Some((-3.0, 7.0)));
        assert_eq!(err(-3.5, o, &a), Some((-3.0, 7.0)));
        assert_eq!(err(7.0, o, &a), None);
        assert_eq!(err(-3.0, o, &a), None);
    }
    // NaN anywhere: numpy's min and max are NaN, and no level is out of that range.
    a[[2, 1, 30]] = f32::NAN;
    assert!(marching_cubes(&a.view(), Some(100.0), &d)
        .is_err_and(|e| !matches!(e, lungprep_mesh::Error::LevelOutOfRange { .. })));
}

#[test]
fn any_memory_layout_gives_the_same_mesh() {
    let a: Array3<f32> = read_npy(path("in_blob")).unwrap();
    let t = a.view().reversed_axes();
    let owned = t.as_standard_layout().into_owned();
    let d = McOptions::default();
    assert_eq!(
        marching_cubes(&t, Some(0.0), &d).unwrap(),
        marching_cubes(&owned.view(), Some(0.0), &d).unwrap()
    );
}
