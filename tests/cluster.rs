//! Sharded runs (`prep --shard`, `--manifest`, `report merge`) and the report's trust columns
//! (`run.json`, lung volumes, `suspect`), end to end on small phantoms.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_lungprep"));
    for v in [
        "SLURM_ARRAY_TASK_ID",
        "SLURM_ARRAY_TASK_COUNT",
        "SLURM_ARRAY_TASK_MIN",
        "SLURM_ARRAY_TASK_STEP",
        "JOB_COMPLETION_INDEX",
    ] {
        c.env_remove(v);
    }
    c
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// `n` small phantoms named c0, c1, … in `dir/in` (one written, the rest copied).
fn inputs(dir: &Path, n: usize) -> PathBuf {
    let input = dir.join("in");
    std::fs::create_dir_all(&input).unwrap();
    let first = input.join("c0.npy");
    ok(bin()
        .args(["phantom", "--small"])
        .arg(&first)
        .output()
        .unwrap());
    for i in 1..n {
        for ext in ["npy", "npy.spacing.json"] {
            std::fs::copy(
                input.join(format!("c0.{ext}")),
                input.join(format!("c{i}.{ext}")),
            )
            .unwrap();
        }
    }
    input
}

type Rows = Vec<BTreeMap<String, String>>;

fn rows(path: &Path) -> Rows {
    let mut r = csv::Reader::from_path(path).unwrap();
    let h: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
    r.records()
        .map(|x| {
            h.iter()
                .cloned()
                .zip(x.unwrap().iter().map(String::from))
                .collect()
        })
        .collect()
}

fn prep(input: &Path, out: &Path, extra: &[&str]) -> Output {
    bin()
        .arg("prep")
        .arg(input)
        .arg("-o")
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

/// The case outputs in `dir` (not reports, run records or locks), with their bytes.
fn outputs(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy();
            !(n.starts_with("report.") || n.starts_with("run.") || n.ends_with(".lock"))
        })
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().to_string(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn shards_merge_into_the_single_run() {
    let tmp = tempfile::tempdir().unwrap();
    let input = inputs(tmp.path(), 5);
    let single = tmp.path().join("single");
    ok(prep(&input, &single, &[]));
    let out = tmp.path().join("sharded");
    // Part 2 through the Slurm environment (an --array=1-3 job), the others explicitly.
    ok(prep(&input, &out, &["--shard", "1/3"]));
    ok(bin()
        .arg("prep")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .args(["--shard", "auto"])
        .env("SLURM_ARRAY_TASK_ID", "2")
        .env("SLURM_ARRAY_TASK_COUNT", "3")
        .env("SLURM_ARRAY_TASK_MIN", "1")
        .env("SLURM_ARRAY_JOB_ID", "77")
        .output()
        .unwrap());
    ok(prep(&input, &out, &["--shard", "3/3"]));
    let part2 = rows(&out.join("report.2-of-3.csv"));
    let names: Vec<&str> = part2.iter().map(|r| r["name"].as_str()).collect();
    assert_eq!(
        names,
        ["c1", "c2"],
        "contiguous parts of the sorted case list"
    );
    assert_eq!(part2[0]["shard"], "2-of-3");
    let run2 = std::fs::read_to_string(out.join("run.2-of-3.json")).unwrap();
    assert!(run2.contains("\"SLURM_ARRAY_JOB_ID\": \"77\""), "{run2}");
    let summary = ok(bin().args(["report", "merge"]).arg(&out).output().unwrap());
    assert!(summary.contains("5 case(s): 5 ok"), "{summary}");
    let merged = rows(&out.join("report.csv"));
    let names: Vec<&str> = merged.iter().map(|r| r["name"].as_str()).collect();
    assert_eq!(names, ["c0", "c1", "c2", "c3", "c4"]);
    let hash = &rows(&single.join("report.csv"))[0]["options_hash"];
    assert!(merged.iter().all(|r| &r["options_hash"] == hash));
    assert_eq!(outputs(&single), outputs(&out), "byte-identical outputs");
    assert!(out.join("run.json").is_file());
    // `report OUT` reads the merged report.
    let s = ok(bin().arg("report").arg(&out).output().unwrap());
    assert!(s.contains("slowest (5):"), "{s}");

    // A task re-run resumes: its cases are skipped, and merge still sees each case once.
    ok(prep(&input, &out, &["--shard", "2/3", "--skip-existing"]));
    let again = rows(&out.join("report.2-of-3.csv"));
    assert!(again.iter().all(|r| r["status"] == "skipped"), "{again:?}");
    ok(bin().args(["report", "merge"]).arg(&out).output().unwrap());
}

fn merge_err(out: &Path) -> String {
    let r = bin().args(["report", "merge"]).arg(out).output().unwrap();
    assert_eq!(r.status.code(), Some(1));
    String::from_utf8_lossy(&r.stderr).to_string()
}

#[test]
fn merge_fails_loudly() {
    let tmp = tempfile::tempdir().unwrap();
    let input = inputs(tmp.path(), 3);
    let out = tmp.path().join("out");
    assert!(merge_err(&out).contains("No such file"));
    std::fs::create_dir(&out).unwrap();
    assert!(merge_err(&out).contains("no report.K-of-N.csv"));
    ok(prep(&input, &out, &["--shard", "1/3"]));
    ok(prep(&input, &out, &["--shard", "3/3"]));
    let e = merge_err(&out);
    assert!(e.contains("never started") && e.contains("2-of-3"), "{e}");
    assert!(
        !out.join("report.csv").exists(),
        "nothing written on failure"
    );

    ok(prep(&input, &out, &["--shard", "2/3"]));
    // A task that died before its case finished: the row is missing.
    let r2 = out.join("report.2-of-3.csv");
    let full = std::fs::read_to_string(&r2).unwrap();
    std::fs::write(&r2, full.lines().next().unwrap().to_string() + "\n").unwrap();
    let e = merge_err(&out);
    assert!(
        e.contains("missing") && e.contains("c1 (shard 2-of-3)"),
        "{e}"
    );
    // The same case in two shards' reports.
    std::fs::write(&r2, &full).unwrap();
    let r3 = out.join("report.3-of-3.csv");
    let mut three = std::fs::read_to_string(&r3).unwrap();
    three.push_str(full.lines().nth(1).unwrap());
    three.push('\n');
    std::fs::write(&r3, three).unwrap();
    let e = merge_err(&out);
    assert!(e.contains("reported twice: c1"), "{e}");
    // A shard run with other options.
    std::fs::remove_file(&r3).unwrap();
    ok(prep(&input, &out, &["--shard", "3/3", "--preset", "luna"]));
    let e = merge_err(&out);
    assert!(e.contains("different options hash"), "{e}");
    ok(prep(&input, &out, &["--shard", "3/3"]));
    ok(bin().args(["report", "merge"]).arg(&out).output().unwrap());
}

#[test]
fn shard_auto_needs_a_scheduler() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let err = |c: &mut Command| {
        let r = c.output().unwrap();
        assert_eq!(r.status.code(), Some(2), "usage error");
        String::from_utf8_lossy(&r.stderr).to_string()
    };
    let e = err(bin().args(["prep", "--shard", "auto", "-o"]).arg(&out));
    assert!(
        e.contains("SLURM_ARRAY_TASK_ID") && e.contains("JOB_COMPLETION_INDEX"),
        "{e}"
    );
    let e = err(bin()
        .args(["prep", "--shard", "auto", "-o"])
        .arg(&out)
        .env("JOB_COMPLETION_INDEX", "0"));
    assert!(e.contains("--shards N"), "{e}");
    let e = err(bin().args(["prep", "--shard", "4/3", "-o"]).arg(&out));
    assert!(e.contains("1 to N"), "{e}");
    // A Kubernetes Indexed Job: index 0 of 2 runs the phantom's only case.
    ok(bin()
        .args(["prep", "--shard", "auto", "--shards", "2", "-o"])
        .arg(&out)
        .env("JOB_COMPLETION_INDEX", "0")
        .args(["--dry-run"])
        .output()
        .unwrap());
}

#[test]
fn manifest_names_the_cases() {
    let tmp = tempfile::tempdir().unwrap();
    let input = inputs(tmp.path(), 2);
    let m = tmp.path().join("cases.csv");
    std::fs::write(&m, "name,path\nalpha,in/c1.npy\nbeta,in/c0.npy\n").unwrap();
    let out = tmp.path().join("out");
    let r = bin()
        .args(["prep", "--manifest"])
        .arg(&m)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    ok(r);
    let got = rows(&out.join("report.csv"));
    let names: Vec<(&str, &str)> = got
        .iter()
        .map(|r| (r["name"].as_str(), r["status"].as_str()))
        .collect();
    assert_eq!(names, [("alpha", "ok"), ("beta", "ok")]);
    assert!(out.join("alpha_clean.npy").is_file());
    assert!(got[0]["input"].ends_with("c1.npy"));
    // Inputs and a manifest together are a usage error; so is a bad manifest.
    let r = bin()
        .args(["prep", "--manifest"])
        .arg(&m)
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(2));
    std::fs::write(&m, "name,file\na,b\n").unwrap();
    let r = bin()
        .args(["prep", "--manifest"])
        .arg(&m)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&r.stderr).contains("\"path\" column"));
}

#[test]
fn report_rows_carry_provenance_volumes_and_suspects() {
    use lungprep::lungseg::phantom::{chest_phantom, PhantomOptions};
    let tmp = tempfile::tempdir().unwrap();
    let input = inputs(tmp.path(), 1);
    // The phantom cut through the middle: one lung, cut by the edge of the field of view.
    let v = chest_phantom(&PhantomOptions::small());
    let half = v.data.slice(ndarray::s![.., .., ..72]).to_owned();
    let p = input.join("half.npy");
    lungprep::volume_io::write_npy(&half.view(), &p).unwrap();
    std::fs::write(
        input.join("half.npy.spacing.json"),
        serde_json::to_string(&v.spacing).unwrap(),
    )
    .unwrap();
    let out = tmp.path().join("out");
    let r = prep(&input, &out, &["--masks"]);
    assert!(r.status.code().is_some_and(|c| c <= 1));
    let got = rows(&out.join("report.csv"));
    let row = |n: &str| got.iter().find(|r| r["name"] == n).unwrap();
    let whole = row("c0");
    assert_eq!(whole["lungprep_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(whole["preset"], "dsb");
    assert_eq!(whole["suspect"], "", "the whole phantom looks right");
    let (r, l, t): (f64, f64, f64) = (
        whole["right_lung_ml"].parse().unwrap(),
        whole["left_lung_ml"].parse().unwrap(),
        whole["total_lung_ml"].parse().unwrap(),
    );
    assert!(
        r > 500.0 && l > 500.0 && (r + l - t).abs() < 0.2,
        "{r} {l} {t}"
    );
    let half = row("half");
    assert_eq!(half["status"], "ok", "{half:?}");
    assert!(half["suspect"].contains("field-of-view edge"), "{half:?}");
    let run: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("run.json")).unwrap()).unwrap();
    assert_eq!(run["lungprep_version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(run["command_line"][1], "prep");
    assert_eq!(run["counts"]["ok"], 2);
    let s = ok(bin().arg("report").arg(&out).output().unwrap());
    assert!(s.contains("suspect (1):") && s.contains("half"), "{s}");
    // --skip-existing still reads the report (new columns added, none renamed).
    let r = prep(&input, &out, &["--masks", "--skip-existing"]);
    assert!(r.status.code().is_some_and(|c| c <= 1));
    assert!(rows(&out.join("report.csv"))
        .iter()
        .all(|r| r["status"] == "skipped"));
}
