//! The CLI over a generated hostile corpus (`tests/hostile/gen.rs`): no crash (exit
//! 101/134/137/139 or a signal), no run over 30 s, peak RSS within the declared volume ×
//! the pipeline's bytes per voxel + 100 MB, and a typed error or a result.
//!
//! `LUNGPREP_BIN=path` runs it against another build (e.g. an older one, to compare;
//! `LUNGPREP_OLD_CLI=1` when that build predates `prep --timeout`). `scripts/hostile.sh` runs
//! a longer sweep (`HOSTILE_PER_SEED`).

#[path = "hostile/gen.rs"]
mod gen;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(30);
/// Peak RSS of the pipeline per input voxel, rounded up (as `prep`'s memory policy).
const BYTES_PER_VOXEL: u64 = 10;
const SLACK: u64 = 100 << 20;

fn bin() -> PathBuf {
    std::env::var_os("LUNGPREP_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_lungprep")))
}

struct Outcome {
    code: Option<i32>,
    signal: Option<i32>,
    secs: f64,
    max_rss: u64,
    stderr: String,
}

/// Runs `cmd`, killing it after `limit`; peak RSS (of it and its waited-for children) from
/// `wait4`.
#[allow(clippy::zombie_processes)] // reaped by wait4, which std cannot see
fn run(mut cmd: Command, limit: Duration) -> Outcome {
    let err_path = tempfile::NamedTempFile::new().unwrap();
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(err_path.reopen().unwrap())
        .spawn()
        .unwrap();
    let pid = child.id() as i32;
    let t0 = Instant::now();
    let mut status = 0;
    // SAFETY: rusage is plain data.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let mut killed = false;
    loop {
        // SAFETY: waiting on our own child.
        let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut ru) };
        if r == pid {
            break;
        }
        if t0.elapsed() > limit && !killed {
            let _ = child.kill();
            killed = true;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let secs = t0.elapsed().as_secs_f64();
    Outcome {
        code: libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status)),
        signal: (libc::WIFSIGNALED(status) && !killed).then(|| libc::WTERMSIG(status)),
        secs: if killed { f64::INFINITY } else { secs },
        max_rss: ru.ru_maxrss as u64 * 1024,
        stderr: std::fs::read_to_string(err_path.path()).unwrap_or_default(),
    }
}

/// ok, error (typed: exit 1 with a message), crash, timeout (over `limit`) or rss (over
/// `bound`).
fn judge(o: &Outcome, limit: Duration, bound: u64) -> &'static str {
    if o.secs > limit.as_secs_f64() {
        "timeout"
    } else if o.signal.is_some() || matches!(o.code, Some(101 | 134 | 137 | 139)) {
        "crash"
    } else if o.max_rss > bound {
        "rss"
    } else if o.code == Some(0) {
        "ok"
    } else if o.code == Some(1) && o.stderr.contains("error") {
        "error"
    } else {
        "crash"
    }
}

fn seeds(dir: &Path, data: Option<&Path>) -> Vec<gen::Seed> {
    let b = bin();
    let npy = dir.join("phantom.npy");
    assert!(Command::new(&b)
        .args(["phantom", "--small"])
        .arg(&npy)
        .output()
        .unwrap()
        .status
        .success());
    let small = 53 * 128 * 128;
    let mut v = vec![gen::Seed {
        tag: "npy".into(),
        file: npy.clone(),
        folder: None,
        voxels: small,
        header: 128,
    }];
    for ext in ["mha", "nii"] {
        let p = dir.join(format!("phantom.{ext}"));
        assert!(Command::new(&b)
            .arg("convert")
            .arg(&npy)
            .arg(&p)
            .output()
            .unwrap()
            .status
            .success());
        let header = if ext == "nii" {
            352
        } else {
            let b = std::fs::read(&p).unwrap();
            b.windows(4)
                .position(|w| w == b"LOCA")
                .map_or(300, |i| i + 6)
        };
        v.push(gen::Seed {
            tag: ext.into(),
            file: p,
            folder: None,
            voxels: small,
            header,
        });
    }
    if let Some(d) = data {
        let nrrd = d.join("nrrd/lung1.nrrd");
        if nrrd.exists() {
            let b = std::fs::read(&nrrd).unwrap();
            let header = b
                .windows(2)
                .position(|w| w == b"\n\n")
                .map_or(400, |i| i + 2);
            v.push(gen::Seed {
                tag: "nrrd".into(),
                file: nrrd,
                folder: None,
                voxels: 48 * 512 * 512,
                header,
            });
        }
        if let Some(series) = dicom_series(d) {
            let mut slices: Vec<PathBuf> = std::fs::read_dir(&series)
                .unwrap()
                .flatten()
                .map(|e| e.path())
                .collect();
            slices.sort();
            let voxels = slices.len() as u64 * 512 * 512;
            for (tag, file) in [("dcmlast", slices.last()), ("dcmmid", slices.get(5))] {
                if let Some(f) = file {
                    v.push(gen::Seed {
                        tag: tag.into(),
                        file: f.clone(),
                        folder: Some(series.clone()),
                        voxels,
                        header: 0x6d0,
                    });
                }
            }
        }
    }
    v
}

fn dicom_series(data: &Path) -> Option<PathBuf> {
    let slab = data.join("dicom/lidc_slab_0003");
    std::fs::read_dir(slab)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.is_dir())
}

#[test]
fn cli_survives_the_hostile_corpus() {
    let tmp = tempfile::tempdir().unwrap();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data");
    let data = if data.is_dir() {
        Some(data)
    } else {
        println!("../shared/data absent: corpus made from the phantom only");
        None
    };
    let seed_dir = tmp.path().join("seeds");
    std::fs::create_dir(&seed_dir).unwrap();
    let seeds = seeds(&seed_dir, data.as_deref());
    let corpus = tmp.path().join("corpus");
    std::fs::create_dir(&corpus).unwrap();
    let mut rng = gen::Rng(0x5eed_1234_abcd_ef01);
    // HOSTILE_PER_SEED: variants of each kind per seed (8 keeps this test near a minute).
    let per_seed = std::env::var("HOSTILE_PER_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    let mut items = gen::mutations(&corpus, &seeds, per_seed, &mut rng);
    items.extend(gen::lying(&corpus, &seeds));
    let series = data.as_deref().and_then(dicom_series);
    items.extend(gen::odd(&corpus, series.as_deref(), 53 * 128 * 128));

    // class → outcome → count, for each command.
    let mut table: BTreeMap<(String, &str), BTreeMap<&str, usize>> = BTreeMap::new();
    let mut bad = Vec::new();
    let out = tmp.path().join("out.npy");
    for it in &items {
        let bound = it.voxels * BYTES_PER_VOXEL + SLACK;
        for cmd in ["info", "convert"] {
            let mut c = Command::new(bin());
            c.arg(cmd).arg(&it.path);
            if cmd == "convert" {
                c.arg(&out);
            }
            let o = run(c, LIMIT);
            let v = judge(&o, LIMIT, bound);
            *table
                .entry((it.class.to_string(), cmd))
                .or_default()
                .entry(v)
                .or_default() += 1;
            if !matches!(v, "ok" | "error") {
                bad.push(format!(
                    "{cmd} {}: {v} (exit {:?}, signal {:?}, {:.1} s, {} MB): {}",
                    it.path.display(),
                    o.code,
                    o.signal,
                    o.secs,
                    o.max_rss >> 20,
                    o.stderr.lines().last().unwrap_or("")
                ));
            }
        }
    }
    // One prep batch over the whole corpus: every case gets a row, none crashes the batch.
    let rep = tmp.path().join("prep");
    let mut c = Command::new(bin());
    c.arg("prep").arg(&corpus).arg("-o").arg(&rep);
    // LUNGPREP_OLD_CLI: a build from before `--timeout` existed.
    if std::env::var_os("LUNGPREP_OLD_CLI").is_none() {
        c.args(["--timeout", "30"]);
    }
    let batch_limit = Duration::from_secs(600);
    let o = run(c, batch_limit);
    let rows = csv::Reader::from_path(rep.join("report.csv"))
        .map(|mut r| {
            let h = r.headers().unwrap().clone();
            r.records()
                .flatten()
                .map(|rec| {
                    h.iter()
                        .zip(rec.iter())
                        .map(|(a, b)| (a.to_string(), b.to_string()))
                        .collect::<BTreeMap<_, _>>()
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    for it in &items {
        let name = it.path.file_name().unwrap().to_string_lossy().to_string();
        let name = name.split('.').next().unwrap().to_string();
        let row = rows.iter().find(|r| r["name"] == name);
        let v = match row {
            None if name.starts_with("odd_fifo") => continue, // not a regular file: skipped
            None => "lost",
            Some(r) => {
                let peak = r
                    .get("peak_memory_mb")
                    .and_then(|m| m.parse::<u64>().ok())
                    .unwrap_or(0)
                    << 20;
                match r["status"].as_str() {
                    "crashed" => "crash",
                    "timeout" => "timeout",
                    _ if peak > it.voxels * BYTES_PER_VOXEL + SLACK => "rss",
                    "ok" => "ok",
                    _ => "error",
                }
            }
        };
        *table
            .entry((it.class.to_string(), "prep"))
            .or_default()
            .entry(v)
            .or_default() += 1;
        if !matches!(v, "ok" | "error") {
            bad.push(format!("prep {name}: {v} {:?}", row.map(|r| &r["error"])));
        }
    }
    let prep_verdict = judge(&o, batch_limit, u64::MAX);
    if !matches!(prep_verdict, "ok" | "error") {
        bad.push(format!(
            "prep batch: {prep_verdict} (exit {:?}, signal {:?}, {:.1} s)",
            o.code, o.signal, o.secs
        ));
    }
    println!(
        "{} inputs; prep batch {:.1} s, exit {:?}\n{:<10}{:<9}{:>5}{:>7}{:>7}{:>9}{:>5}{:>6}",
        items.len(),
        o.secs,
        o.code,
        "class",
        "command",
        "ok",
        "error",
        "crash",
        "timeout",
        "rss",
        "lost"
    );
    for ((class, cmd), m) in &table {
        let g = |k| m.get(k).copied().unwrap_or(0);
        println!(
            "{class:<10}{cmd:<9}{:>5}{:>7}{:>7}{:>9}{:>5}{:>6}",
            g("ok"),
            g("error"),
            g("crash"),
            g("timeout"),
            g("rss"),
            g("lost")
        );
    }
    for b in &bad {
        println!("  {b}");
    }
    assert!(bad.is_empty(), "{} failure(s), listed above", bad.len());
}
