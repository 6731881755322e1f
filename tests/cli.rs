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
    assert!(status.contains(&("bad", "error")));
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
    let resume = |extra: &[&str]| {
        let r = bin()
            .arg("prep")
            .arg(&input)
            .arg("-o")
            .arg(&out)
            .arg("--skip-existing")
            .args(extra)
            .output()
            .unwrap();
        assert_eq!(r.status.code(), Some(1));
        let rows = read_report(&out);
        assert_eq!(rows.len(), 2, "rows merged, not appended");
        rows.iter().find(|r| r[0] == "good").unwrap()[1].clone()
    };
    assert_eq!(resume(&["--qc", "--masks"]), "skipped");
    // Other options: re-run.
    assert_eq!(resume(&["--qc"]), "ok");
    assert_eq!(resume(&["--qc"]), "skipped");
    // An output the options ask for is missing (a run killed after _label.npy): re-run.
    std::fs::remove_file(out.join("good_qc.png")).unwrap();
    assert_eq!(resume(&["--qc"]), "ok");
    assert_eq!(resume(&["--qc", "--preset", "luna"]), "ok");
}

/// Status of each case in report.csv.
fn statuses(dir: &Path) -> std::collections::BTreeMap<String, (String, String)> {
    read_report(dir)
        .into_iter()
        .map(|r| (r[0].clone(), (r[1].clone(), r[2].clone())))
        .collect()
}

fn bad_mhd(dir: &Path, name: &str) {
    std::fs::write(
        dir.join(format!("{name}.mhd")),
        format!("NDims = 3\nDimSize = 512 512 400\nElementType = MET_SHORT\nElementSpacing = 1 1 1\nElementDataFile = {name}.raw\n"),
    )
    .unwrap();
    std::fs::write(dir.join(format!("{name}.raw")), [0u8; 100]).unwrap();
}

/// The children of `pid` (from /proc).
fn children(pid: u32) -> Vec<i32> {
    let mut v = Vec::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(stat) = std::fs::read_to_string(e.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid …; comm may hold spaces, so split after the last ')'.
        let Some((_, rest)) = stat.rsplit_once(')') else {
            continue;
        };
        let ppid: Option<u32> = rest.split_whitespace().nth(1).and_then(|x| x.parse().ok());
        if ppid == Some(pid) {
            if let Ok(p) = e.file_name().to_string_lossy().parse() {
                v.push(p);
            }
        }
    }
    v
}

/// Good, broken, crashing (its worker killed by SIGKILL from outside, as the kernel's OOM
/// killer does) and hanging (its data file is a FIFO nobody writes) cases in one run:
/// every good case finishes, each row has its status, the exit status is 1.
#[test]
fn batch_survives_crashing_hanging_and_broken_cases() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).unwrap();
    // Cases run in name order with --jobs 1: a_crash's worker is the first child.
    let big = input.join("a_crash.npy");
    let r = bin().arg("phantom").arg(&big).output().unwrap();
    assert!(r.status.success());
    bad_mhd(&input, "b_broken");
    small_phantom(&input, "c_good");
    std::fs::write(
        input.join("d_hang.mhd"),
        "NDims = 3\nDimSize = 8 8 8\nElementType = MET_SHORT\nElementSpacing = 1 1 1\nElementDataFile = d_hang.raw\n",
    )
    .unwrap();
    let fifo = std::ffi::CString::new(input.join("d_hang.raw").to_str().unwrap()).unwrap();
    // SAFETY: mkfifo on a path in our temporary folder.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    small_phantom(&input, "e_good");
    let out = tmp.path().join("out");
    let t0 = std::time::Instant::now();
    let child = bin()
        .arg("prep")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .args(["--timeout", "5", "--jobs", "1"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let first = loop {
        if let Some(&c) = children(child.id()).first() {
            break c;
        }
        assert!(t0.elapsed().as_secs() < 20, "no worker started");
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    std::thread::sleep(std::time::Duration::from_millis(100));
    // SAFETY: signalling a process we (indirectly) started.
    unsafe { libc::kill(first, libc::SIGKILL) };
    let r = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(1), "{stderr}");
    assert!(t0.elapsed().as_secs() < 60);
    let st = statuses(&out);
    assert_eq!(st["a_crash"].0, "crashed", "{st:?}");
    assert!(st["a_crash"].1.contains("SIGKILL"), "{st:?}");
    assert_eq!(st["b_broken"].0, "error");
    assert_eq!(st["c_good"].0, "ok");
    // A FIFO data file blocks the reader (timeout), unless the reader refuses it (error).
    assert!(
        matches!(st["d_hang"].0.as_str(), "timeout" | "error"),
        "{st:?}"
    );
    assert_eq!(st["e_good"].0, "ok");
    for n in ["c_good", "e_good"] {
        assert!(out.join(format!("{n}_clean.npy")).exists());
    }
    assert!(stderr.contains("1 crashed"), "{stderr}");
}

/// The time limit and the memory cap, each on a real case.
#[test]
fn timeout_and_memory_cap_make_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let big = tmp.path().join("big.npy");
    assert!(bin()
        .arg("phantom")
        .arg(&big)
        .output()
        .unwrap()
        .status
        .success());
    let small = small_phantom(tmp.path(), "small");
    let out = tmp.path().join("out");
    // The full phantom needs over a second here: 0.3 s is not enough.
    let r = bin()
        .arg("prep")
        .arg(&big)
        .arg("-o")
        .arg(&out)
        .args(["--timeout", "0.3"])
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(1));
    let st = statuses(&out);
    assert_eq!(st["big"].0, "timeout", "{st:?}");
    assert!(st["big"].1.contains("time limit"));
    // The small phantom peaks near 20 MB resident: a 12 MB cap kills it (yet its 1.7 MB
    // volume is below the read limit of cap / 5).
    let r = bin()
        .arg("prep")
        .arg(&small)
        .arg("-o")
        .arg(&out)
        .args(["--max-memory", "12M"])
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(1));
    let st = statuses(&out);
    assert_eq!(st["small"].0, "crashed", "{st:?}");
    assert!(st["small"].1.contains("memory cap"), "{st:?}");
    assert_eq!(st["big"].0, "timeout", "earlier rows kept");
}

/// DSB / LUNA16 layouts: a stray file never hides sub-folders, every sub-folder is a case or
/// an error row, DICOM is found at any depth, subsetN/*.mhd are cases.
#[test]
fn discovery_finds_every_case() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("dsb");
    let deep = root.join("p_deep/study/series/x");
    std::fs::create_dir_all(&deep).unwrap();
    let mut dcm = vec![0u8; 128];
    dcm.extend_from_slice(b"DICM");
    std::fs::write(deep.join("1"), &dcm).unwrap();
    std::fs::create_dir_all(root.join("p_flat")).unwrap();
    std::fs::write(root.join("p_flat/z.dcm"), &dcm).unwrap();
    std::fs::create_dir_all(root.join("p_empty")).unwrap();
    std::fs::create_dir_all(root.join("p_text")).unwrap();
    std::fs::write(root.join("p_text/notes.txt"), "x").unwrap();
    std::fs::write(root.join("stray.npy"), "x").unwrap();
    // A loop and a FIFO inside a patient folder: neither hangs the walk.
    std::os::unix::fs::symlink(".", root.join("p_flat/a")).unwrap();
    std::os::unix::fs::symlink(".", root.join("p_flat/b")).unwrap();
    let fifo = std::ffi::CString::new(root.join("p_flat/scan.mha").to_str().unwrap()).unwrap();
    // SAFETY: mkfifo on a path in our temporary folder.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    // A link to a sibling patient folder is not a second case.
    std::os::unix::fs::symlink("p_deep", root.join("p_link")).unwrap();
    let luna = tmp.path().join("luna");
    for (sub, f) in [
        ("subset0", "1.2.3"),
        ("subset0", "1.2.4"),
        ("subset1", "1.2.5"),
    ] {
        std::fs::create_dir_all(luna.join(sub)).unwrap();
        std::fs::write(luna.join(sub).join(format!("{f}.mhd")), "x").unwrap();
    }
    let r = bin()
        .arg("prep")
        .arg(&root)
        .arg(&luna)
        .args(["-o", "unused", "--dry-run"])
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let stdout = String::from_utf8_lossy(&r.stdout);
    let rows: Vec<Vec<&str>> = stdout.lines().map(|l| l.split('\t').collect()).collect();
    let names: Vec<&str> = rows.iter().map(|r| r[0]).collect();
    assert_eq!(
        names,
        ["stray", "p_deep", "p_flat", "1.2.3", "1.2.4", "1.2.5", "p_empty", "p_text"],
        "{stdout}"
    );
    assert!(rows[0][2].contains("stray_clean.npy"));
    assert!(rows[6][2].contains("empty"));
    assert!(rows[7][2].contains("no DICOM"));
    assert!(!Path::new("unused").exists());
}

/// Exit statuses 2 (usage) and 3 (the run cannot proceed); leftovers of killed runs removed.
#[test]
fn exit_statuses_and_leftovers() {
    let tmp = tempfile::tempdir().unwrap();
    let r = bin()
        .arg("prep")
        .arg(tmp.path().join("missing"))
        .arg("-o")
        .arg(tmp.path().join("o"))
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(2));
    let r = bin().args(["prep", "--bogus"]).output().unwrap();
    assert_eq!(r.status.code(), Some(2));
    let small = small_phantom(tmp.path(), "s");
    let file = tmp.path().join("file");
    std::fs::write(&file, "x").unwrap();
    let r = bin()
        .arg("prep")
        .arg(&small)
        .arg("-o")
        .arg(file.join("out"))
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(3));
    // A temporary file of a dead process is removed; one of a live process is kept.
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let mut dead = Command::new("true").spawn().unwrap();
    let dead_pid = dead.id();
    dead.wait().unwrap();
    let stale = out.join(format!(".s_clean.npy.tmp-{dead_pid}-0"));
    let live = out.join(format!(".x_clean.npy.tmp-{}-0", std::process::id()));
    std::fs::write(&stale, "x").unwrap();
    std::fs::write(&live, "x").unwrap();
    let r = bin()
        .arg("prep")
        .arg(&small)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        r.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&r.stderr)
    );
    assert!(!stale.exists());
    assert!(live.exists());
}

/// Two runs into one folder at the same time keep every row.
#[test]
fn concurrent_runs_merge_the_report() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    std::fs::create_dir_all(&a).unwrap();
    std::fs::create_dir_all(&b).unwrap();
    for i in 0..3 {
        small_phantom(&a, &format!("a{i}"));
        bad_mhd(&b, &format!("b{i}"));
    }
    small_phantom(&b, "b_ok");
    let out = tmp.path().join("out");
    let runs: Vec<_> = [&a, &b]
        .iter()
        .map(|d| {
            bin()
                .arg("prep")
                .arg(d)
                .arg("-o")
                .arg(&out)
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let codes: Vec<_> = runs
        .into_iter()
        .map(|c| c.wait_with_output().unwrap().status.code())
        .collect();
    assert_eq!(codes, [Some(0), Some(1)]);
    let st = statuses(&out);
    assert_eq!(st.len(), 7, "{st:?}");
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

/// The annotations file is checked before any case runs (issue 16, point 4).
#[test]
fn annotations_are_checked_up_front() {
    let tmp = tempfile::tempdir().unwrap();
    let small = small_phantom(tmp.path(), "s");
    let prep = |annos: &Path, out: &str| {
        bin()
            .arg("prep")
            .arg(&small)
            .arg("-o")
            .arg(tmp.path().join(out))
            .arg("--annotations")
            .arg(annos)
            .output()
            .unwrap()
    };
    // A missing file: exit 2 at once, no case ran, no report.
    let r = prep(&tmp.path().join("nope.csv"), "o1");
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("nope.csv"));
    assert!(!tmp.path().join("o1").join("report.csv").exists());
    // Missing columns are named.
    let bad = tmp.path().join("bad.csv");
    std::fs::write(&bad, "seriesuid,coordX,coordY\ns,1,2\n").unwrap();
    let r = prep(&bad, "o2");
    assert_eq!(r.status.code(), Some(2));
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(
        err.contains("missing column(s) coordZ, diameter_mm"),
        "{err}"
    );
    assert!(!tmp.path().join("o2").join("report.csv").exists());
    // A bad value in any row fails the run before it starts, whatever case it names.
    std::fs::write(
        &bad,
        "seriesuid,coordX,coordY,coordZ,diameter_mm\nother,1,x,3,4\n",
    )
    .unwrap();
    let r = prep(&bad, "o3");
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("row 2"));
    // Rows naming no case are listed in one warning; the case still runs.
    let good = tmp.path().join("good.csv");
    std::fs::write(
        &good,
        "seriesuid,coordX,coordY,coordZ,diameter_mm\nghost,1,2,3,4\ns,0,0,0,5\n",
    )
    .unwrap();
    let r = prep(&good, "o4");
    let err = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(0), "{err}");
    assert!(
        err.contains("1 row(s) of 1 seriesuid(s) match no case and are not used: ghost"),
        "{err}"
    );
    assert!(!err.contains("not used: ghost, s"), "{err}");
}

/// Without a terminal, a line per finished case; `-q` prints nothing on success; an error
/// names the user's path once, never a temporary file (issue 16, point 2).
#[test]
fn console_lines_and_error_messages() {
    let tmp = tempfile::tempdir().unwrap();
    let small = small_phantom(tmp.path(), "s");
    let r = bin()
        .arg("prep")
        .arg(&small)
        .arg("-o")
        .arg(tmp.path().join("o"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(r.status.success(), "{err}");
    assert!(err.contains("s: ok ("), "{err}");
    assert!(!err.contains("Dsb"), "{err}");
    let r = bin()
        .args(["-q", "prep"])
        .arg(&small)
        .arg("-o")
        .arg(tmp.path().join("o2"))
        .output()
        .unwrap();
    assert!(r.status.success());
    assert_eq!(String::from_utf8_lossy(&r.stderr), "");
    let out = tmp.path().join("nodir").join("o.nii.gz");
    let r = bin().arg("convert").arg(&small).arg(&out).output().unwrap();
    let err = String::from_utf8_lossy(&r.stderr);
    assert!(!r.status.success());
    assert!(err.contains(&*out.to_string_lossy()), "{err}");
    assert_eq!(err.matches("No such file or directory").count(), 1, "{err}");
    for bad in [".tmp-", "at path", "Error {", "kind:"] {
        assert!(!err.contains(bad), "{bad:?} in {err}");
    }
}

/// One discovery rule (issue 16, point 3): a folder holding two series is two cases for `prep`
/// and `info` alike, `--series` picks one without failing the other, and the LUNA16
/// `subsetN/*.mhd` layout is a batch.
#[test]
fn one_case_per_series_and_the_luna16_layout() {
    let tmp = tempfile::tempdir().unwrap();
    // LUNA16 layout from phantoms (no ../shared needed).
    for (sub, uid) in [("subset0", "1.2.3"), ("subset1", "4.5.6")] {
        std::fs::create_dir_all(tmp.path().join("luna").join(sub)).unwrap();
        let p = tmp.path().join("luna").join(sub).join(format!("{uid}.mhd"));
        let r = bin().args(["phantom", "--small"]).arg(&p).output().unwrap();
        assert!(r.status.success());
    }
    let luna = tmp.path().join("luna");
    let r = bin()
        .arg("prep")
        .arg(&luna)
        .arg("-o")
        .arg(tmp.path().join("lo"))
        .arg("--dry-run")
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&r.stdout);
    assert!(r.status.success());
    let names: Vec<&str> = out.lines().map(|l| l.split('\t').next().unwrap()).collect();
    assert_eq!(names, ["1.2.3", "4.5.6"], "{out}");
    let r = bin().arg("info").arg(&luna).output().unwrap();
    let j: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    assert_eq!(j["cases"].as_array().unwrap().len(), 2, "{j}");

    let a0002 = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/dicom/lung_dx_a0002");
    if !a0002.is_dir() {
        eprintln!(
            "skipping the two-series part: {} is absent",
            a0002.display()
        );
        return;
    }
    // Both series of lung_dx_a0002 in one flat folder.
    let mix = tmp.path().join("mix");
    std::fs::create_dir(&mix).unwrap();
    for sub in ["b40f", "b70f"] {
        for e in std::fs::read_dir(a0002.join(sub)).unwrap() {
            let p = e.unwrap().path();
            let n = format!("{sub}_{}", p.file_name().unwrap().to_string_lossy());
            std::os::unix::fs::symlink(&p, mix.join(n)).unwrap();
        }
    }
    let dry = |extra: &[&str]| {
        bin()
            .arg("prep")
            .arg(&mix)
            .arg("-o")
            .arg(tmp.path().join("mo"))
            .arg("--dry-run")
            .args(extra)
            .output()
            .unwrap()
    };
    let r = dry(&[]);
    let out = String::from_utf8_lossy(&r.stdout).to_string();
    let names: Vec<&str> = out.lines().map(|l| l.split('\t').next().unwrap()).collect();
    assert_eq!(names, ["mix_2", "mix_3"], "{out}");
    let r = bin().arg("info").arg(&mix).output().unwrap();
    let j: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    let cases = j["cases"].as_array().unwrap();
    let info_names: Vec<&str> = cases.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(info_names, names);
    // --series selects the case holding it; the other is left out, not failed.
    let uid = cases[1]["series_uid"].as_str().unwrap();
    let r = dry(&["--series", uid]);
    let out = String::from_utf8_lossy(&r.stdout);
    assert!(r.status.success());
    assert_eq!(out.lines().count(), 1, "{out}");
    assert!(out.starts_with("mix_3\t"), "{out}");
    let r = dry(&["--series", "1.2.3.4"]);
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains(uid));
    // And the cases run: each is the series read on its own.
    let r = bin()
        .arg("prep")
        .arg(&mix)
        .arg("-o")
        .arg(tmp.path().join("mo"))
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let one = bin()
        .arg("prep")
        .arg(a0002.join("b40f"))
        .arg("-o")
        .arg(tmp.path().join("b40f"))
        .output()
        .unwrap();
    assert!(one.status.success());
    assert_eq!(
        std::fs::read(tmp.path().join("mo/mix_3_clean.npy")).unwrap(),
        std::fs::read(tmp.path().join("b40f/b40f_clean.npy")).unwrap()
    );
}

#[test]
fn threads_per_case() {
    let tmp = tempfile::tempdir().unwrap();
    let input = small_phantom(tmp.path(), "p");
    let out = tmp.path().join("out");
    let run = bin()
        .args(["--threads", "1", "prep", "-q"])
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .env_remove("RAYON_NUM_THREADS")
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let info: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(info["threads"], 1);
    let zero = bin().args(["--threads", "0", "info"]).output().unwrap();
    assert_eq!(zero.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&zero.stderr).contains("--threads"));
}

/// Every reading command, on every kind of bad input: exit 1 and one line that names the file
/// once and says what is wrong, never a Debug dump or a temporary file's name.
#[test]
fn bad_inputs_give_one_plain_line_in_every_command() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    std::fs::create_dir(d.join("empty")).unwrap();
    std::fs::write(d.join("trunc.npy"), b"\x93NUMPY\x01\x00\x76\x00{").unwrap();
    std::fs::write(d.join("short.nii"), [7u8; 300]).unwrap();
    std::fs::write(d.join("header.mhd"), "NDims = 3\nDimSize = 10 10\n").unwrap();
    std::fs::write(d.join("elf.dcm"), [0x7f, b'E', b'L', b'F', 2, 1, 1, 0]).unwrap();
    let inputs = [
        "missing",
        "empty",
        "trunc.npy",
        "short.nii",
        "header.mhd",
        "elf.dcm",
    ];
    let commands: [(&str, &str); 7] = [
        ("info", ""),
        ("convert", "o.nii.gz"),
        ("step1", "od"),
        ("zuidhof", "od"),
        ("histogram", "o.png"),
        ("montage", "o.png"),
        ("slicewise", "od"),
    ];
    for (cmd, out) in commands {
        for input in inputs {
            let mut c = bin();
            c.current_dir(d).args(["-q", cmd, input]);
            if !out.is_empty() {
                c.arg(out);
            }
            let o = c.output().unwrap();
            let err = String::from_utf8_lossy(&o.stderr);
            let what = format!("{cmd} {input}: {err}");
            if (cmd, input) == ("info", "empty") {
                // info lists what a folder holds instead of failing.
                assert!(o.status.success(), "{what}");
                continue;
            }
            assert_eq!(o.status.code(), Some(1), "{what}");
            assert_eq!(err.lines().count(), 1, "{what}");
            assert!(err.starts_with(&format!("error: {input}: ")), "{what}");
            assert_eq!(err.matches(input).count(), 1, "{what}");
            for bad in ["Error {", "kind:", ".tmp", "Io(", "panicked"] {
                assert!(!err.contains(bad), "{what}");
            }
        }
    }
}

/// A LUNA16-style folder where one scan's data file is truncated: the other scans still get
/// their pairs, the bad one is a row of index.csv, a scan without nodules is skipped, exit 1.
#[test]
fn nodule_masks_batch_isolates_failures() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("subset0");
    std::fs::create_dir(&input).unwrap();
    for name in ["good", "calm"] {
        let p = input.join(format!("{name}.mhd"));
        let o = bin().args(["phantom", "--small"]).arg(&p).output().unwrap();
        assert!(o.status.success());
    }
    let good = std::fs::read_to_string(input.join("good.mhd")).unwrap();
    std::fs::write(input.join("bad.mhd"), good.replace("good.raw", "bad.raw")).unwrap();
    std::fs::write(input.join("bad.raw"), [0u8; 1000]).unwrap();
    let ann = tmp.path().join("annotations.csv");
    std::fs::write(
        &ann,
        "seriesuid,coordX,coordY,coordZ,diameter_mm\n\
         bad,179.2,179.2,159,10\ngood,179.2,179.2,159,10\ngood,100,179.2,159,6\n",
    )
    .unwrap();
    let out = tmp.path().join("out");
    let o = bin()
        .args(["nodule-masks"])
        .arg(&input)
        .arg("--annotations")
        .arg(&ann)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{err}");
    assert!(err.contains("1 pair(s) from 3 scan(s)"), "{err}");
    let mut r = csv::Reader::from_path(out.join("index.csv")).unwrap();
    let h = r.headers().unwrap().clone();
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    let rows: Vec<csv::StringRecord> = r.records().map(|x| x.unwrap()).collect();
    let by_uid = |uid: &str| {
        rows.iter()
            .find(|x| &x[col("seriesuid")] == uid)
            .unwrap_or_else(|| panic!("no row for {uid}"))
    };
    assert_eq!(&by_uid("bad")[col("status")], "error");
    assert!(by_uid("bad")[col("error")].contains("expected 1736704 bytes"));
    assert_eq!(&by_uid("calm")[col("status")], "skipped");
    let ok = by_uid("good");
    assert_eq!(&ok[col("status")], "ok");
    let n = &ok[col("name")];
    // The biggest nodule only (10 mm), three slices of the 128 × 128 scan.
    let images: ndarray::Array3<u16> =
        ndarray_npy::read_npy(out.join(format!("images_{n}.npy"))).unwrap();
    let masks: ndarray::Array3<u8> =
        ndarray_npy::read_npy(out.join(format!("masks_{n}.npy"))).unwrap();
    assert_eq!(images.dim(), (3, 128, 128));
    assert_eq!(masks.dim(), (3, 128, 128));
    assert!(masks.iter().any(|&m| m == 1));
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        3,
        "only index.csv and one pair"
    );
}

/// Reads lungprep's binary PLY: (x, y, z) vertices and faces.
fn read_ply(path: &Path) -> (Vec<[f32; 3]>, Vec<[i32; 3]>) {
    let data = std::fs::read(path).unwrap();
    let end = data.windows(11).position(|w| w == b"end_header\n").unwrap() + 11;
    let head = String::from_utf8_lossy(&data[..end]).to_string();
    let count = |what: &str| -> usize {
        let line = head.lines().find(|l| l.starts_with(what)).unwrap();
        line.rsplit(' ').next().unwrap().parse().unwrap()
    };
    let (nv, nf) = (count("element vertex"), count("element face"));
    let f32_at = |o: usize| f32::from_le_bytes(data[o..o + 4].try_into().unwrap());
    let verts = (0..nv)
        .map(|i| std::array::from_fn(|k| f32_at(end + i * 28 + 4 * k)))
        .collect();
    let base = end + nv * 28;
    assert_eq!(data.len(), base + nf * 13, "PLY size");
    let faces = (0..nf)
        .map(|i| {
            assert_eq!(data[base + i * 13], 3);
            std::array::from_fn(|k| {
                let o = base + i * 13 + 1 + 4 * k;
                i32::from_le_bytes(data[o..o + 4].try_into().unwrap())
            })
        })
        .collect();
    (verts, faces)
}

#[test]
fn mesh_and_render_the_phantom() {
    let tmp = tempfile::tempdir().unwrap();
    let input = small_phantom(tmp.path(), "p");
    let json = |o: &std::process::Output| -> serde_json::Value {
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let ply = tmp.path().join("p.ply");
    let m = json(&bin().arg("mesh").arg(&input).arg(&ply).output().unwrap());
    let (verts, faces) = read_ply(&ply);
    assert_eq!(m["vertices"], verts.len());
    assert_eq!(m["faces"], faces.len());
    assert!(faces.len() > 1000);
    assert!(faces.iter().flatten().all(|&i| (i as usize) < verts.len()));
    // (x, y, z) of the 1 mm grid: x and y span the 128 × 2.8 mm field, z the 53 × 6 mm stack.
    let max = |k: usize| verts.iter().map(|v| v[k]).fold(f32::MIN, f32::max);
    assert!(max(0) > 250.0 && max(0) < 358.0, "{}", max(0));
    assert!(max(2) > 250.0 && max(2) < 318.0, "{}", max(2));
    // --world: the phantom's origin is 0 and its axes the world's; scipy's zoom puts new voxel
    // i at old index i (n - 1) / (m - 1) (128 × 2.8 mm → 358 voxels, 53 × 6 mm → 318).
    let w = tmp.path().join("w.ply");
    json(
        &bin()
            .args(["mesh", "--world"])
            .arg(&input)
            .arg(&w)
            .output()
            .unwrap(),
    );
    let (wv, wf) = read_ply(&w);
    assert_eq!(wf, faces);
    let mm = [2.8 * 127.0 / 357.0, 2.8 * 127.0 / 357.0, 6.0 * 52.0 / 317.0];
    for (a, b) in wv.iter().zip(&verts) {
        for k in 0..3 {
            assert!(
                (f64::from(a[k]) - f64::from(b[k]) * mm[k]).abs() < 1e-3,
                "{a:?} {b:?}"
            );
        }
    }
    // STL: 80-byte header, face count, 50 bytes per face.
    let stl = tmp.path().join("p.stl");
    json(&bin().arg("mesh").arg(&input).arg(&stl).output().unwrap());
    let s = std::fs::read(&stl).unwrap();
    assert_eq!(
        u32::from_le_bytes(s[80..84].try_into().unwrap()) as usize,
        faces.len()
    );
    assert_eq!(s.len(), 84 + 50 * faces.len());
    let bad = bin()
        .arg("mesh")
        .arg(&input)
        .arg(tmp.path().join("p.xyz"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unknown mesh format"));
    // render: a PNG of the asked size, with the surface's blue-grey in it.
    let png = tmp.path().join("p.png");
    json(
        &bin()
            .args(["render", "--lungs", "--size", "300"])
            .arg(&input)
            .arg(&png)
            .output()
            .unwrap(),
    );
    let mut r = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&png).unwrap()))
        .read_info()
        .unwrap();
    let mut buf = vec![0; r.output_buffer_size().unwrap()];
    let info = r.next_frame(&mut buf).unwrap();
    assert_eq!((info.width, info.height), (300, 300));
    let surface = buf
        .chunks(3)
        .filter(|p| u16::from(p[2]) > u16::from(p[0]) + 30)
        .count();
    assert!(surface > 2000, "{surface} surface pixels");
}
