//! Golden fixtures from `scripts/golden_volume_io.py`: synthetic DICOM series and small
//! MetaImage / NRRD files with the arrays the oracle's loaders give for them.

use lungprep_volume_io::{dicom, read, AnyVolume, ReadOptions};
use ndarray::Array3;
use ndarray_npy::read_npy;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn expected(stem: &str) -> (serde_json::Value, PathBuf) {
    let json = fixtures().join(format!("{stem}.expected.json"));
    let text = std::fs::read_to_string(&json).expect("fixture json");
    (
        serde_json::from_str(&text).expect("json"),
        fixtures().join(format!("{stem}.expected.npy")),
    )
}

fn vec3(v: &serde_json::Value) -> [f64; 3] {
    let a: Vec<f64> = v
        .as_array()
        .expect("array")
        .iter()
        .map(|x| x.as_f64().expect("number"))
        .collect();
    [a[0], a[1], a[2]]
}

fn close(a: [f64; 3], b: [f64; 3]) -> bool {
    a.iter().zip(b).all(|(x, y)| (x - y).abs() <= 1e-6)
}

fn check_dicom(case: &str) {
    let vol = dicom::read_series(&fixtures().join(case), &ReadOptions::default())
        .unwrap_or_else(|e| panic!("{case}: {e}"));
    let (json, npy) = expected(case);
    let want: Array3<i16> = read_npy(npy).expect("expected npy");
    assert_eq!(vol.data, want, "{case}: HU array");
    // The oracle's spacing is grt123's thickness (first two slices).
    let (spacing, _) = vol.grt123_geometry();
    assert!(
        close(spacing, vec3(&json["spacing"])),
        "{case}: spacing {:?}",
        spacing
    );
    assert!(
        close(vol.origin, vec3(&json["origin"])),
        "{case}: origin {:?}",
        vol.origin
    );
}

#[test]
fn explicit_vr_little_endian() {
    check_dicom("explicit");
}

#[test]
fn implicit_vr_unsigned_12_bit() {
    check_dicom("implicit_u12");
}

#[test]
fn deflated() {
    check_dicom("deflate");
}

#[test]
fn rle_lossless() {
    check_dicom("rle");
}

#[test]
fn jpeg2000_lossless() {
    if fixtures().join("j2k").exists() {
        check_dicom("j2k");
    }
}

#[test]
fn fractional_slope_and_intercept() {
    check_dicom("slope");
}

#[test]
fn uneven_gaps_use_first_two_positions() {
    check_dicom("uneven");
    let vol = dicom::read_series(&fixtures().join("uneven"), &ReadOptions::default()).unwrap();
    assert!(vol.meta.warnings.iter().any(|w| w.contains("non-uniform")));
}

#[test]
fn duplicate_positions_keep_first_pass() {
    check_dicom("duplicates");
    let vol = dicom::read_series(&fixtures().join("duplicates"), &ReadOptions::default()).unwrap();
    assert!(vol.meta.warnings.iter().any(|w| w.contains("duplicate")));
}

#[test]
fn two_series_chooses_most_slices_and_lists_both() {
    let dir = fixtures().join("two_series");
    let (json, npy) = expected("two_series");
    let uid = json["uid"].as_str().unwrap().to_string();
    let vol = dicom::read_series(&dir, &ReadOptions::default()).unwrap();
    let want: Array3<i16> = read_npy(npy).unwrap();
    assert_eq!(vol.data, want);
    assert_eq!(vol.meta.series_uid.as_deref(), Some(uid.as_str()));
    assert!(vol.meta.warnings.iter().any(|w| w.contains("2 series")));
    let series = dicom::scan_series(&dir).unwrap();
    assert_eq!(series.len(), 2);
    assert_eq!(series[0].uid, uid);
    assert_eq!(series[0].files.len(), 4);
    assert_eq!(series[1].files.len(), 3);
    assert_eq!((series[0].rows, series[0].cols), (6, 7));
    // The other one on request; never mixed.
    let other = ReadOptions {
        series_uid: Some(series[1].uid.clone()),
        ..Default::default()
    };
    let vol_b = dicom::read_series(&dir, &other).unwrap();
    assert_eq!(vol_b.shape(), [3, 6, 7]);
    let missing = ReadOptions {
        series_uid: Some("1.2.3".into()),
        ..Default::default()
    };
    assert!(matches!(
        dicom::read_series(&dir, &missing),
        Err(lungprep_volume_io::Error::SeriesNotFound { .. })
    ));
}

#[test]
fn slices_of_different_sizes_are_an_error() {
    let err = dicom::read_series(&fixtures().join("bad_sizes"), &ReadOptions::default())
        .expect_err("different sizes");
    assert!(
        matches!(err, lungprep_volume_io::Error::SliceSize { .. }),
        "{err}"
    );
}

fn check_volume(file: &str) {
    let stem = file.replace('.', "_");
    let stored =
        read(fixtures().join(file), &ReadOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    // The oracle flips y and x without moving the origin: compare its origin with the stored
    // one and its array with the canonical layout.
    let stored_origin = stored.origin();
    let v = stored.to_canonical();
    let (json, npy) = expected(&stem);
    assert!(
        close(v.spacing(), vec3(&json["spacing"])),
        "{file}: spacing"
    );
    assert!(
        close(stored_origin, vec3(&json["origin"])),
        "{file}: origin"
    );
    assert_eq!(
        v.meta().flipped,
        json["flipped"].as_bool().unwrap(),
        "{file}: flip"
    );
    match v {
        AnyVolume::I16(v) => {
            let want: Array3<i16> = read_npy(npy).unwrap();
            assert_eq!(v.data, want, "{file}");
        }
        AnyVolume::F32(v) => {
            let want: Array3<f32> = read_npy(npy).unwrap();
            assert_eq!(v.data, want, "{file}");
        }
        other => panic!("{file}: unexpected dtype {}", other.dtype()),
    }
}

#[test]
fn metaimage_and_nrrd() {
    for f in [
        "small.mhd",
        "small.mha",
        "small_z.mhd",
        "small_float.mhd",
        "small_flip.mhd",
        "small.nrrd",
    ] {
        check_volume(f);
    }
}
