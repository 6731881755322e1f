//! World-geometry outputs of the `lungprep` binary (issue 11) on the phantom; the real-data
//! checks are `scripts/parity_geometry.sh`.

use std::path::Path;
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_lungprep"))
}

fn ok(c: &mut Command) -> std::process::Output {
    let out = c.output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn json(p: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

#[test]
fn prep_writes_world_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let ph = tmp.path().join("ph.npy");
    ok(bin().args(["phantom", "--small"]).arg(&ph));
    let out = tmp.path().join("out");
    ok(bin().arg("prep").arg(&ph).arg("-o").arg(&out).args([
        "--masks",
        "--clean-nifti",
        "--luna-sidecars",
    ]));
    let meta = json(&out.join("ph_meta.json"));
    let crop = meta["crop_box"].as_array().unwrap();
    assert_eq!(crop.len(), 6);
    let clean: ndarray::Array4<u8> = ndarray_npy::read_npy(out.join("ph_clean.npy")).unwrap();
    let shape = &meta["clean"]["shape"];
    for k in 0..3 {
        assert_eq!(shape[k].as_u64().unwrap() as usize, clean.shape()[k + 1]);
        let (a, b) = (
            crop[2 * k].as_u64().unwrap(),
            crop[2 * k + 1].as_u64().unwrap(),
        );
        assert_eq!((b - a) as usize, clean.shape()[k + 1]);
    }
    // The clean affine's translation is the clean origin (world x, y, z).
    let aff = &meta["clean"]["affine"];
    let origin = &meta["clean"]["origin"];
    for w in 0..3 {
        assert_eq!(aff[w][3], origin[2 - w]);
    }
    let bx: ndarray::Array2<i64> = ndarray_npy::read_npy(out.join("ph_extendbox.npy")).unwrap();
    assert_eq!(bx.shape(), &[3, 2]);
    let sp: ndarray::Array1<f64> = ndarray_npy::read_npy(out.join("ph_spacing.npy")).unwrap();
    assert_eq!(sp.len(), 3);
    let o: ndarray::Array1<f64> = ndarray_npy::read_npy(out.join("ph_origin.npy")).unwrap();
    assert_eq!(o.len(), 3);
    let lungs = lungprep::volume_io::read(out.join("ph_lungs.nii.gz"), &Default::default())
        .unwrap()
        .into_i16()
        .unwrap();
    // Right lung (label 1) at smaller world x than the left (label 2).
    let mean_x = |label: i16| {
        let (mut s, mut n) = (0.0, 0.0);
        for ((_, _, x), &v) in lungs.data.indexed_iter() {
            if v == label {
                s += x as f64;
                n += 1.0;
            }
        }
        assert!(n > 0.0, "label {label} is empty");
        s / n
    };
    assert!(mean_x(1) < mean_x(2));
    let c = lungprep::volume_io::read(out.join("ph_clean.nii.gz"), &Default::default()).unwrap();
    assert_eq!(c.shape()[0], clean.shape()[1]);
}

#[test]
fn npy_without_sidecar_needs_spacing() {
    let tmp = tempfile::tempdir().unwrap();
    let ph = tmp.path().join("ph.npy");
    ok(bin().args(["phantom", "--small"]).arg(&ph));
    let side = json(&tmp.path().join("ph.npy.spacing.json"));
    // `phantom` writes both sidecars; a bare `.npy` has neither.
    std::fs::remove_file(tmp.path().join("ph.npy.spacing.json")).unwrap();
    std::fs::remove_file(tmp.path().join("ph.npy.geometry.json")).unwrap();
    let r = bin()
        .arg("prep")
        .arg(&ph)
        .arg("-o")
        .arg(tmp.path().join("a"))
        .output()
        .unwrap();
    assert!(!r.status.success());
    assert!(String::from_utf8_lossy(&r.stderr).contains("--spacing"));
    let s: Vec<String> = (0..3).map(|k| side[k].to_string()).collect();
    ok(bin()
        .arg("prep")
        .arg(&ph)
        .arg("-o")
        .arg(tmp.path().join("b"))
        .args(["--spacing", &s.join(",")]));
}

#[test]
fn convert_to_npy_writes_geometry_sidecars() {
    let tmp = tempfile::tempdir().unwrap();
    let ph = tmp.path().join("ph.npy");
    ok(bin().args(["phantom", "--small"]).arg(&ph));
    let nrrd = tmp.path().join("ph.nrrd");
    ok(bin().arg("convert").arg(&ph).arg(&nrrd));
    let back = tmp.path().join("back.npy");
    ok(bin().arg("convert").arg(&nrrd).arg(&back));
    assert_eq!(
        json(&tmp.path().join("back.npy.spacing.json")),
        json(&tmp.path().join("ph.npy.spacing.json"))
    );
    let g = json(&tmp.path().join("back.npy.geometry.json"));
    assert_eq!(g["origin"], serde_json::json!([0.0, 0.0, 0.0]));
    ok(bin()
        .arg("step1")
        .arg(&back)
        .arg(tmp.path().join("s"))
        .args(["--format", "nii.gz"]));
    assert!(tmp.path().join("s/m1.nii.gz").exists());
}
