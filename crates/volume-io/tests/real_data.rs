//! Checks on the real scans in `../shared/data`; each test skips, saying why, when the folder
//! is absent. Full parity with pydicom / SimpleITK is `scripts/parity_io.sh`.

#[cfg(not(feature = "jpeg-ls"))]
use lungprep_volume_io::Error;
use lungprep_volume_io::{dicom, read, read_hu, ReadOptions};
use std::path::PathBuf;

fn data() -> Option<PathBuf> {
    let p = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"));
    if p.is_dir() {
        Some(p)
    } else {
        eprintln!("skipping: {} is absent", p.display());
        None
    }
}

#[test]
fn a0002_parent_folder_picks_one_series() {
    let Some(d) = data() else { return };
    let parent = d.join("dicom/lung_dx_a0002");
    let series = dicom::scan_series(&parent).unwrap();
    assert_eq!(series.len(), 2);
    let v = read_hu(&parent, &ReadOptions::default()).unwrap();
    assert_eq!(v.shape(), [30, 512, 512]);
    assert_eq!(v.meta.series_uid.as_deref(), Some(series[0].uid.as_str()));
    assert!(v.meta.warnings.iter().any(|w| w.contains("2 series")));
    // The same as reading the chosen series' own folder.
    let own = series[0].files[0].parent().unwrap().to_path_buf();
    assert_eq!(read_hu(&own, &ReadOptions::default()).unwrap().data, v.data);
    assert_eq!(v.spacing, [8.0, 0.646484375, 0.646484375]);
}

#[test]
fn flipped_metaimage_equals_original() {
    let Some(d) = data() else { return };
    let a = read_hu(d.join("mhd/lung1.mhd"), &ReadOptions::default()).unwrap();
    let b = read_hu(d.join("mhd/lung1_flipped.mhd"), &ReadOptions::default()).unwrap();
    assert!(b.meta.flipped && !a.meta.flipped);
    assert_eq!(a.data, b.data);
    let n = read_hu(d.join("nrrd/lung1.nrrd"), &ReadOptions::default()).unwrap();
    assert_eq!(a.data, n.data);
    assert_eq!(a.spacing, n.spacing);
}

#[test]
fn tilted_and_non_uniform_series_warn() {
    let Some(d) = data() else { return };
    let v = read_hu(d.join("dicom/gantry_tilt_ge"), &ReadOptions::default()).unwrap();
    assert!(v.meta.warnings.iter().any(|w| w.contains("non-uniform")));
    assert!(v.meta.warnings.iter().any(|w| w.contains("tilted")));
    let v = read_hu(d.join("dicom/oblique_philips"), &ReadOptions::default()).unwrap();
    assert!(v.meta.warnings.iter().any(|w| w.contains("tilted")));
}

#[cfg(not(feature = "jpeg-ls"))]
#[test]
fn jpeg_ls_is_a_typed_error() {
    let Some(d) = data() else { return };
    let f = d.join("dicom/compressed_slices/JPEGLS/CT1_JLSN.dcm");
    match read(&f, &ReadOptions::default()) {
        Err(Error::UnsupportedTransferSyntax { path, uid, .. }) => {
            assert_eq!(path, f);
            assert_eq!(uid, "1.2.840.10008.1.2.4.81");
        }
        other => panic!("expected an unsupported transfer syntax error, got {other:?}"),
    }
}

/// With the `jpeg-ls` feature, CharLS decodes the near-lossless slice to pydicom's values
/// (pylibjpeg-libjpeg), checked by sums that any differing voxel would change: the stored values'
/// range, sum, sum of squares and index-weighted sum (then HU = stored - 1024).
#[cfg(feature = "jpeg-ls")]
#[test]
fn jpeg_ls_decodes_as_pydicom() {
    let Some(d) = data() else { return };
    let f = d.join("dicom/compressed_slices/JPEGLS/CT1_JLSN.dcm");
    let v = read(&f, &ReadOptions::default())
        .unwrap()
        .into_i16()
        .unwrap();
    assert_eq!(v.shape(), [1, 512, 512]);
    let stored: Vec<i64> = v.data.iter().map(|&h| i64::from(h) + 1024).collect();
    assert_eq!(stored.iter().min(), Some(&-2004));
    assert_eq!(stored.iter().max(), Some(&2278));
    assert_eq!(stored.iter().sum::<i64>(), 40077851);
    assert_eq!(stored.iter().map(|v| v * v).sum::<i64>(), 368580573789);
    let weighted: i64 = stored.iter().enumerate().map(|(i, v)| i as i64 * v).sum();
    assert_eq!(weighted, 5812060238199);
}

#[test]
fn jpeg2000_series_reads() {
    let Some(d) = data() else { return };
    let v = read_hu(d.join("dicom/jpeg2000_abdomen"), &ReadOptions::default()).unwrap();
    assert_eq!(v.shape(), [20, 512, 512]);
}
