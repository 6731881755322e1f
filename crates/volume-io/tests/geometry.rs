//! Geometry through writers and the canonical layout: every writer keeps the volume's world
//! affine, and `to_canonical` keeps every voxel at its world position.

use lungprep_volume_io::{read, to_canonical, write_volume, AnyVolume, ReadOptions, Volume};
use ndarray::Array3;
use proptest::prelude::*;

/// World `(x, y, z)` of index `(z, y, x)`.
fn world<T>(v: &Volume<T>, idx: [usize; 3]) -> [f64; 3] {
    let m = v.affine();
    let mut out = [0.0; 3];
    for (w, o) in out.iter_mut().enumerate() {
        *o = m[w][3] + (0..3).map(|k| m[w][k] * idx[k] as f64).sum::<f64>();
    }
    out
}

/// A signed permutation direction from a permutation index and sign bits.
fn signed_permutation(p: usize, signs: u8) -> [[f64; 3]; 3] {
    const PERMS: [[usize; 3]; 6] = [
        [0, 1, 2],
        [0, 2, 1],
        [1, 0, 2],
        [1, 2, 0],
        [2, 0, 1],
        [2, 1, 0],
    ];
    let mut d = [[0.0; 3]; 3];
    for r in 0..3 {
        d[r][PERMS[p][r]] = if signs >> r & 1 == 1 { -1.0 } else { 1.0 };
    }
    d
}

fn volume(dir: [[f64; 3]; 3], sp: [f64; 3], org: [f64; 3]) -> Volume<i16> {
    let mut v = Volume::new(Array3::from_shape_fn((3, 4, 5), |(z, y, x)| {
        (z * 100 + y * 10 + x) as i16
    }));
    v.spacing = sp;
    v.origin = org;
    v.direction = dir;
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Every output format: the stored array and its geometry come back (within float32 for
    /// NIfTI), then the canonical layout is identity-direction with voxels where they were.
    #[test]
    fn writers_keep_geometry_and_canonical_keeps_world(
        p in 0usize..6, signs in 0u8..8,
        sp in prop::array::uniform3(0.25f64..5.0),
        org in prop::array::uniform3(-300.0f64..300.0),
        ext in prop::sample::select(vec![".nii.gz", ".mhd", ".mha", ".nrrd", ".raw.nrrd", ".npy"]),
    ) {
        // Spacings and origins exact in float32 so NIfTI round trips exactly.
        let sp = sp.map(|s| (s * 64.0).round() / 64.0);
        let org = org.map(|o| (o * 8.0).round() / 8.0);
        let v = volume(signed_permutation(p, signs), sp, org);
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join(format!("v{ext}"));
        write_volume(&AnyVolume::I16(v.clone()), &path).unwrap();
        let back = read(&path, &ReadOptions::default()).unwrap().into_i16().unwrap();
        prop_assert_eq!(&back.data, &v.data);
        for i in 0..3 {
            prop_assert!((back.spacing[i] - sp[i]).abs() < 1e-9);
            prop_assert!((back.origin[i] - org[i]).abs() < 1e-6);
            for j in 0..3 {
                prop_assert!((back.direction[i][j] - v.direction[i][j]).abs() < 1e-6);
            }
        }
        let c = to_canonical(back);
        for i in 0..3 {
            for j in 0..3 {
                prop_assert!((c.direction[i][j] - lungprep_volume_io::IDENTITY[i][j]).abs() < 1e-6);
            }
        }
        let mut where_ = std::collections::HashMap::new();
        for (idx, val) in v.data.indexed_iter() {
            where_.insert(*val, world(&v, [idx.0, idx.1, idx.2]));
        }
        for (idx, val) in c.data.indexed_iter() {
            let w = world(&c, [idx.0, idx.1, idx.2]);
            let want = where_[val];
            for k in 0..3 {
                prop_assert!((w[k] - want[k]).abs() < 1e-4, "{:?} vs {:?}", w, want);
            }
        }
    }
}

#[test]
fn nrrd_header_is_lps_with_space_directions() {
    let v = volume(
        [[0.0, 1.0, 0.0], [0.0, 0.0, -1.0], [1.0, 0.0, 0.0]],
        [2.0, 0.7, 0.5],
        [3.0, 2.0, 1.0],
    );
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("v.raw.nrrd");
    lungprep_volume_io::write_nrrd(&v, &p, false).unwrap();
    let text = String::from_utf8_lossy(&std::fs::read(&p).unwrap()).into_owned();
    assert!(text.contains("space: left-posterior-superior\n"));
    assert!(text.contains("space directions: (0,0.5,0) (0,0,-0.7) (2,0,0)\n"));
    assert!(text.contains("space origin: (1,2,3)\n"));
}

#[test]
fn npy_without_sidecars_is_flagged() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("a.npy");
    lungprep_volume_io::write_npy(&Array3::<i16>::zeros((2, 3, 4)).view(), &p).unwrap();
    let v = read(&p, &ReadOptions::default()).unwrap();
    assert!(v.meta().geometry_missing);
    write_volume(&v, &p).unwrap();
    let v = read(&p, &ReadOptions::default()).unwrap();
    assert!(!v.meta().geometry_missing);
}

#[test]
fn gantry_tilt_spacing_is_simpleitks_and_grt123s_is_kept() {
    let d = std::path::PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/dicom/gantry_tilt_ge"
    ));
    if !d.is_dir() {
        eprintln!("skipping: {} is absent", d.display());
        return;
    }
    let v = read(&d, &ReadOptions::default()).unwrap();
    // SimpleITK 2.x (ITK 5.4 ImageSeriesReader): (157.7760586 − 5.8360586) / 27.
    assert!((v.spacing()[0] - 5.627407407407407).abs() < 1e-9);
    let t = v.meta().grt123_thickness.unwrap();
    assert!((t - 4.22).abs() < 1e-6, "{t}");
    let c = v.to_canonical();
    let r = c.meta().reorientation.clone().unwrap();
    assert!((r.oblique_degrees - 18.5).abs() < 1e-3);
    assert!(c.meta().warnings.iter().any(|w| w.contains("18.50°")));
}
