//! Property tests: writers and readers agree, and DICOM series order does not depend on file
//! names.

use lungprep_volume_io::{
    read, write_mhd, write_mhd_with, write_nifti, write_npy, AnyVolume, ReadOptions, Volume,
};
use ndarray::Array3;
use proptest::prelude::*;
use std::path::Path;

fn volume(shape: (usize, usize, usize), seed: i16) -> Array3<i16> {
    Array3::from_shape_fn(shape, |(z, y, x)| {
        (z as i16 * 31 + y as i16 * 7 - x as i16 * 3).wrapping_mul(seed)
    })
}

fn f32r(v: f64) -> f64 {
    v as f32 as f64
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn mhd_round_trip(z in 1usize..4, y in 1usize..6, x in 1usize..6, seed in -50i16..50,
                      sp in prop::array::uniform3(0.1f64..10.0), org in prop::array::uniform3(-500.0f64..500.0),
                      ext in 0usize..3) {
        let dir = tempfile::tempdir().unwrap();
        let mut v = Volume::new(volume((z, y, x), seed));
        v.spacing = sp;
        v.origin = org;
        let (name, compress) = [("v.mhd", false), ("v.mha", false), ("v.mhd", true)][ext];
        let p = dir.path().join(name);
        write_mhd_with(&v, &p, compress).unwrap();
        let back = read(&p, &ReadOptions::default()).unwrap();
        prop_assert_eq!(back.spacing(), sp);
        prop_assert_eq!(back.origin(), org);
        let AnyVolume::I16(b) = back else { panic!("dtype") };
        prop_assert_eq!(b.data, v.data);
    }

    #[test]
    fn nifti_round_trip(z in 1usize..4, y in 1usize..6, x in 1usize..6, seed in -50i16..50,
                        sp in prop::array::uniform3(0.1f64..10.0), org in prop::array::uniform3(-500.0f64..500.0),
                        gz in any::<bool>()) {
        let dir = tempfile::tempdir().unwrap();
        let mut v = Volume::new(volume((z, y, x), seed).mapv(f32::from));
        v.spacing = sp;
        v.origin = org;
        let p = dir.path().join(if gz { "v.nii.gz" } else { "v.nii" });
        write_nifti(&v, &p).unwrap();
        let back = read(&p, &ReadOptions::default()).unwrap();
        for i in 0..3 {
            prop_assert!((back.spacing()[i] - f32r(sp[i])).abs() < 1e-9);
            prop_assert!((back.origin()[i] - f32r(org[i])).abs() < 1e-9);
        }
        let AnyVolume::F32(b) = back else { panic!("dtype") };
        prop_assert_eq!(b.data, v.data);
    }

    #[test]
    fn npy_round_trip(z in 1usize..4, y in 1usize..6, x in 1usize..6, seed in -50i16..50) {
        let dir = tempfile::tempdir().unwrap();
        let a = volume((z, y, x), seed);
        let p = dir.path().join("v.npy");
        write_npy(&a.view(), &p).unwrap();
        let back = lungprep_volume_io::read_hu(&p, &ReadOptions::default()).unwrap();
        prop_assert_eq!(back.data, a);
    }

    #[test]
    fn series_order_is_independent_of_file_names(perm in Just((0..8usize).collect::<Vec<_>>()).prop_shuffle()) {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/duplicates");
        let want = lungprep_volume_io::dicom::read_series(&src, &ReadOptions::default()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut files: Vec<_> = std::fs::read_dir(&src).unwrap().map(|e| e.unwrap().path()).collect();
        files.sort();
        for (i, f) in files.iter().enumerate() {
            std::fs::copy(f, dir.path().join(format!("x{}.dcm", perm[i]))).unwrap();
        }
        let got = lungprep_volume_io::dicom::read_series(dir.path(), &ReadOptions::default()).unwrap();
        prop_assert_eq!(got.data, want.data);
        prop_assert_eq!(got.spacing, want.spacing);
    }
}

#[test]
fn clean_and_label_outputs() {
    let dir = tempfile::tempdir().unwrap();
    let clean = ndarray::Array4::<u8>::from_elem((1, 2, 3, 4), 170);
    let p = dir.path().join("NAME_clean.npy");
    write_npy(&clean.view(), &p).unwrap();
    let back: ndarray::ArrayD<u8> = lungprep_volume_io::read_npy_array(&p).unwrap();
    assert_eq!(back.shape(), &[1, 2, 3, 4]);
    let v = read(&p, &ReadOptions::default()).unwrap();
    assert_eq!(v.shape(), [2, 3, 4]);
    assert_eq!(v.dtype(), "uint8");
    let label = ndarray::Array2::<f64>::from_shape_vec(
        (2, 4),
        vec![1.0, 2.0, 3.0, 4.5, 5.0, 6.0, 7.0, 8.0],
    )
    .unwrap();
    let p = dir.path().join("NAME_label.npy");
    write_npy(&label.view(), &p).unwrap();
    let back: ndarray::ArrayD<f64> = lungprep_volume_io::read_npy_array(&p).unwrap();
    assert_eq!(back.into_dimensionality::<ndarray::Ix2>().unwrap(), label);
    // No temporary files left behind.
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 2);
}

#[test]
fn write_mhd_default_is_raw() {
    let dir = tempfile::tempdir().unwrap();
    let v = Volume::new(volume((2, 3, 4), 3));
    write_mhd(&v, &dir.path().join("a.mhd")).unwrap();
    assert!(dir.path().join("a.raw").exists());
}

#[test]
fn into_i16_checks_range() {
    let mut v = Volume::new(Array3::<f32>::zeros((1, 1, 2)));
    v.data[[0, 0, 1]] = 1.5;
    assert!(AnyVolume::F32(v.clone()).into_i16().is_err());
    v.data[[0, 0, 1]] = -3.0;
    assert_eq!(AnyVolume::F32(v).into_i16().unwrap().data[[0, 0, 1]], -3);
    let big = Volume::new(Array3::<i32>::from_elem((1, 1, 1), 40000));
    assert!(matches!(
        AnyVolume::I32(big).into_i16(),
        Err(lungprep_volume_io::Error::Cast { .. })
    ));
}

/// A numpy-style `.npy` file written by hand: big-endian int16, several decode blocks long,
/// read in parallel blocks straight from the file.
#[test]
fn npy_big_endian_multi_block() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("be.npy");
    let shape = (3usize, 211usize, 257usize);
    let n = shape.0 * shape.1 * shape.2;
    let mut header = format!(
        "{{'descr': '>i2', 'fortran_order': False, 'shape': ({}, {}, {}), }}",
        shape.0, shape.1, shape.2
    );
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend_from_slice(&(header.len() as u16).to_le_bytes());
    bytes.extend_from_slice(header.as_bytes());
    let value = |i: usize| (i as i32 * 37 % 65536 - 32768) as i16;
    for i in 0..n {
        bytes.extend_from_slice(&value(i).to_be_bytes());
    }
    std::fs::write(&path, &bytes).unwrap();
    let AnyVolume::I16(v) = read(&path, &ReadOptions::default()).unwrap() else {
        panic!("expected int16");
    };
    assert_eq!(v.data.dim(), shape);
    assert!(v.data.iter().enumerate().all(|(i, &x)| x == value(i)));
    // One byte short: an error, not a panic or garbage.
    std::fs::write(&path, &bytes[..bytes.len() - 1]).unwrap();
    assert!(read(&path, &ReadOptions::default()).is_err());
}
