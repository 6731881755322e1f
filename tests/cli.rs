//! The `lungprep` binary end to end: outputs, batch behaviour, errors.

use std::path::Path;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_lungprep"))
}

fn small_phantom(dir: &Path, name: &str) -> std::path::PathBuf {
    let p = dir.join(format!("{name}.npy"));
    let out = bin().args(["phantom", "--small"]).arg(&p).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    p
}

fn read_report(dir: &Path) -> Vec<Vec<String>> {
    let mut r = csv::Reader::from_path(dir.join("report.csv")).unwrap();
    r.records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect()
}

#[test]
fn prep_batch_reports_failures_and_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).unwrap();
    small_phantom(&input, "good");
    // A MetaImage whose header asks for more data than the file holds.
    std::fs::write(
        input.join("bad.mhd"),
        "NDims = 3\nDimSize = 512 512 400\nElementType = MET_SHORT\nElementSpacing = 1 1 1\nElementDataFile = bad.raw\n",
    )
    .unwrap();
    std::fs::write(input.join("bad.raw"), [0u8; 100]).unwrap();
    let out = tmp.path().join("out");
    let r = bin()
        .arg("prep")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .args(["--qc", "--masks"])
        .output()
        .unwrap();
    assert_eq!(
        r.status.code(),
        Some(1),
        "one case failed: {}",
        String::from_utf8_lossy(&r.stderr)
    );
    assert!(String::from_utf8_lossy(&r.stderr).contains("bad"));
    let rows = read_report(&out);
    assert_eq!(rows.len(), 2);
    let status: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| (r[0].as_str(), r[1].as_str()))
        .collect();
    assert!(status.contains(&("bad", "failed")));
    assert!(status.contains(&("good", "ok")));
    for f in [
        "good_clean.npy",
        "good_label.npy",
        "good_qc.png",
        "good_m1.nii.gz",
        "good_m2.nii.gz",
    ] {
        assert!(out.join(f).exists(), "{f}");
    }
    assert!(!out.join("bad_clean.npy").exists());
    // No temporary files left behind.
    for e in std::fs::read_dir(&out).unwrap() {
        let n = e.unwrap().file_name().to_string_lossy().to_string();
        assert!(!n.starts_with('.'), "leftover {n}");
    }
    // The clean volume is uint8 (1, z, y, x) and the labels float64 (1, 4).
    let clean: ndarray::ArrayD<u8> = ndarray_npy::read_npy(out.join("good_clean.npy")).unwrap();
    assert_eq!(clean.ndim(), 4);
    assert_eq!(clean.shape()[0], 1);
    let label: ndarray::Array2<f64> = ndarray_npy::read_npy(out.join("good_label.npy")).unwrap();
    assert_eq!(label.shape(), &[1, 4]);

    // --skip-existing resumes: the good case is skipped, the bad one fails again.
    let r = bin()
        .arg("prep")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .arg("--skip-existing")
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(1));
    let rows = read_report(&out);
    assert!(rows.iter().any(|r| r[0] == "good" && r[1] == "skipped"));
}

#[test]
fn step1_writes_masks_and_meta() {
    let tmp = tempfile::tempdir().unwrap();
    let p = small_phantom(tmp.path(), "ph");
    let out = tmp.path().join("s1");
    let r = bin().arg("step1").arg(&p).arg(&out).output().unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let m1: ndarray::Array3<bool> = ndarray_npy::read_npy(out.join("m1.npy")).unwrap();
    assert_eq!(m1.shape(), &[53, 128, 128]);
    let meta: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("meta.json")).unwrap()).unwrap();
    assert_eq!(meta["two_lungs_found"], serde_json::json!(true));
}

#[test]
fn no_lung_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("air.npy");
    ndarray_npy::write_npy(&p, &ndarray::Array3::<i16>::from_elem((4, 32, 32), -1000)).unwrap();
    let r = bin()
        .arg("step1")
        .arg(&p)
        .arg(tmp.path().join("o"))
        .output()
        .unwrap();
    assert!(!r.status.success());
    assert!(String::from_utf8_lossy(&r.stderr).contains("no lung found"));
}

#[test]
fn zuidhof_and_info_run() {
    let tmp = tempfile::tempdir().unwrap();
    let p = small_phantom(tmp.path(), "ph");
    let r = bin()
        .arg("zuidhof")
        .arg(&p)
        .arg(tmp.path().join("z"))
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let z: ndarray::Array3<i8> = ndarray_npy::read_npy(tmp.path().join("z/lungs.npy")).unwrap();
    assert!(z.iter().any(|&v| v == 1));
    let r = bin().arg("info").arg(&p).output().unwrap();
    assert!(r.status.success());
    let j: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(j["shape"], serde_json::json!([53, 128, 128]));
}
