//! Bad input gives typed errors, never panics.

use lungprep_volume_io::{read, Error, ReadOptions};
use std::path::Path;

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

const HDR: &str = "ObjectType = Image\nNDims = 3\nDimSize = 4 3 2\nElementType = MET_SHORT\nElementSpacing = 1 1 1\n";

#[test]
fn mhd_header_larger_than_data() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.raw", &[0u8; 10]);
    let p = write(
        d.path(),
        "a.mhd",
        format!("{HDR}ElementDataFile = a.raw\n").as_bytes(),
    );
    assert!(matches!(
        read(&p, &ReadOptions::default()),
        Err(Error::DataSize {
            expected: 48,
            found: 10,
            ..
        })
    ));
}

#[test]
fn mhd_huge_dims_do_not_allocate() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.raw", &[0u8; 10]);
    let p = write(
        d.path(),
        "a.mhd",
        b"NDims = 3\nDimSize = 100000 100000 100000\nElementType = MET_SHORT\nElementDataFile = a.raw\n",
    );
    assert!(read(&p, &ReadOptions::default()).is_err());
}

#[test]
fn mhd_data_file_outside_folder() {
    let d = tempfile::tempdir().unwrap();
    for target in ["../a.raw", "/etc/passwd", "sub/../../x.raw"] {
        let p = write(
            d.path(),
            "a.mhd",
            format!("{HDR}ElementDataFile = {target}\n").as_bytes(),
        );
        assert!(
            matches!(
                read(&p, &ReadOptions::default()),
                Err(Error::OutsideFolder { .. })
            ),
            "{target}"
        );
    }
}

/// The name is what must stay inside: a symlink placed in the folder (git-annex, DVC, a
/// hand-linked dataset) is followed wherever it points.
#[cfg(unix)]
#[test]
fn mhd_data_file_symlinked_from_elsewhere_is_read() {
    let d = tempfile::tempdir().unwrap();
    let store = d.path().join("store");
    let scans = d.path().join("scans");
    std::fs::create_dir_all(&store).unwrap();
    std::fs::create_dir_all(&scans).unwrap();
    let blob = write(&store, "blob", &[7u8; 48]);
    std::os::unix::fs::symlink(&blob, scans.join("a.raw")).unwrap();
    let p = write(
        &scans,
        "a.mhd",
        format!("{HDR}ElementDataFile = a.raw\n").as_bytes(),
    );
    let v = read(&p, &ReadOptions::default()).unwrap();
    assert_eq!(v.shape(), [2, 3, 4]);
}

#[test]
fn zero_and_nan_spacing() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.raw", &[0u8; 48]);
    for sp in ["0 1 1", "nan 1 1", "1 -2 1"] {
        let p = write(
            d.path(),
            "a.mhd",
            format!("NDims = 3\nDimSize = 4 3 2\nElementType = MET_SHORT\nElementSpacing = {sp}\nElementDataFile = a.raw\n").as_bytes(),
        );
        assert!(
            matches!(
                read(&p, &ReadOptions::default()),
                Err(Error::BadSpacing { .. })
            ),
            "{sp}"
        );
    }
}

#[test]
fn truncated_compressed_mhd() {
    let d = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let z = std::fs::read(src.join("small_z.zraw")).unwrap();
    write(d.path(), "small_z.zraw", &z[..z.len() / 2]);
    let hdr = std::fs::read_to_string(src.join("small_z.mhd")).unwrap();
    let p = write(d.path(), "small_z.mhd", hdr.as_bytes());
    assert!(read(&p, &ReadOptions::default()).is_err());
}

#[test]
fn truncated_nrrd_nifti_npy() {
    let d = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let nrrd = std::fs::read(src.join("small.nrrd")).unwrap();
    let p = write(d.path(), "t.nrrd", &nrrd[..nrrd.len() - 20]);
    assert!(read(&p, &ReadOptions::default()).is_err());
    // NIfTI and npy written here, then cut.
    let v = lungprep_volume_io::Volume::new(ndarray::Array3::<i16>::zeros((2, 3, 4)));
    let nii = d.path().join("v.nii");
    lungprep_volume_io::write_nifti(&v, &nii).unwrap();
    let b = std::fs::read(&nii).unwrap();
    let p = write(d.path(), "t.nii", &b[..b.len() - 5]);
    assert!(matches!(
        read(&p, &ReadOptions::default()),
        Err(Error::DataSize { .. })
    ));
    let p = write(d.path(), "h.nii", &b[..100]);
    assert!(read(&p, &ReadOptions::default()).is_err());
    let npy = d.path().join("v.npy");
    lungprep_volume_io::write_npy(&v.data.view(), &npy).unwrap();
    let b = std::fs::read(&npy).unwrap();
    let p = write(d.path(), "t.npy", &b[..b.len() - 3]);
    assert!(matches!(
        read(&p, &ReadOptions::default()),
        Err(Error::DataSize { .. })
    ));
}

#[test]
fn truncated_dicom_slice() {
    let d = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/explicit");
    for f in std::fs::read_dir(&src).unwrap() {
        let f = f.unwrap().path();
        let b = std::fs::read(&f).unwrap();
        let name = f.file_name().unwrap().to_str().unwrap().to_string();
        let cut = if name == "slice_02.dcm" {
            &b[..b.len() - 30]
        } else {
            &b[..]
        };
        write(d.path(), &name, cut);
    }
    let err = read(d.path(), &ReadOptions::default()).expect_err("truncated");
    assert!(err.to_string().contains("slice_02.dcm"), "{err}");
}

#[test]
fn empty_folder_and_unknown_file() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "README", b"not dicom");
    assert!(matches!(
        read(d.path(), &ReadOptions::default()),
        Err(Error::NoDicom { .. })
    ));
    let p = d.path().join("README");
    assert!(matches!(
        read(&p, &ReadOptions::default()),
        Err(Error::UnknownFormat { .. })
    ));
    assert!(matches!(
        read(d.path().join("nope.mhd"), &ReadOptions::default()),
        Err(Error::Io { .. })
    ));
}
