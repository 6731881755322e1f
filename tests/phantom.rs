//! `lungprep phantom OUT`: the format follows OUT's extension and the geometry comes along.

use std::process::Command;

use lungprep::lungseg::phantom::{chest_phantom, PhantomOptions};
use lungprep::volume_io::{read, ReadOptions};

#[test]
fn phantom_writes_the_format_its_extension_names_with_geometry() {
    let tmp = tempfile::tempdir().unwrap();
    let want = chest_phantom(&PhantomOptions::small());
    for name in ["p.npy", "p.nii.gz", "p.nii", "p.mhd", "p.mha", "p.nrrd"] {
        let path = tmp.path().join(name);
        let out = Command::new(env!("CARGO_BIN_EXE_lungprep"))
            .args(["phantom", "--small"])
            .arg(&path)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got = read(&path, &ReadOptions::default())
            .unwrap()
            .into_i16()
            .unwrap();
        assert_eq!(got.data, want.data, "{name}");
        for a in 0..3 {
            // NIfTI stores float32 spacing and origin.
            assert!(
                (got.spacing[a] - want.spacing[a]).abs() < 1e-5,
                "{name} spacing"
            );
            assert!(
                (got.origin[a] - want.origin[a]).abs() < 1e-4,
                "{name} origin"
            );
        }
        assert_eq!(got.direction, want.direction, "{name}");
    }
    // `.npy` keeps the oracle-readable spacing sidecar.
    let side = std::fs::read_to_string(tmp.path().join("p.npy.spacing.json")).unwrap();
    let sp: Vec<f64> = serde_json::from_str(&side).unwrap();
    assert_eq!(sp, want.spacing.to_vec());
}

#[test]
fn phantom_refuses_an_unknown_extension() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_lungprep"))
        .args(["phantom", "--small"])
        .arg(tmp.path().join("p.png"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("output format"), "{err}");
}
