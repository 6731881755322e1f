//! `lungprep nodule-masks`: seed 001 §4's images / masks pairs around each scan's biggest
//! nodule (every nodule with `--all-nodules`), numbered `N` in input order over the scans that
//! have nodules, with `index.csv` mapping `N` to the series UID.
//!
//! A folder (LUNA16: `subset0/ … subset9/` of `.mhd` files) is a batch. Each scan with
//! nodules runs in its own `lungprep nodule-worker` process under `prep`'s time limit and
//! memory cap ([`super::worker::run`]), so a bad case is a row of `index.csv`, never the end of
//! the batch. The series UID is the file stem (the folder name for a DICOM folder), as the
//! tutorial matches `seriesuid` against file names.

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use lungprep::lungseg::nodules::{self, Sample};
use lungprep::lungseg::{read_annotations, Annotation};
use lungprep::volume_io::{self, AnyVolume, ReadOptions, Volume};

use super::input::{discover, Case, Source};
use super::report::{self, Record};
use super::worker::{self, Job, Limits};
use super::{msg, CliResult};

/// Arguments of `nodule-masks` (and of its hidden worker).
#[derive(clap::Args, Debug, Clone)]
pub struct NoduleArgs {
    /// Scans (.mhd/.mha, NRRD, NIfTI, DICOM folders) or folders of them (LUNA16 subsets).
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// LUNA16 annotations.csv (seriesuid, coordX, coordY, coordZ, diameter_mm).
    #[arg(long)]
    pub annotations: PathBuf,
    /// Output folder: images_N.npy, masks_N.npy, index.csv.
    #[arg(short = 'o', long)]
    pub outdir: PathBuf,
    /// A pair for every nodule of a scan, not only the biggest.
    #[arg(long)]
    pub all_nodules: bool,
    /// Wall-clock limit per scan in seconds (default as `prep`).
    #[arg(long)]
    pub timeout: Option<f64>,
    /// Resident memory cap per scan, e.g. 4G (default as `prep`).
    #[arg(long, value_parser = worker::parse_size)]
    pub max_memory: Option<u64>,
}

/// The nodules a scan gets pairs for: the biggest (the tutorial's choice), or all.
fn chosen(rows: Vec<Annotation>, all: bool) -> Vec<Annotation> {
    if all {
        return rows;
    }
    nodules::biggest(&rows)
        .map(|i| vec![rows[i]])
        .unwrap_or_default()
}

/// The child's command line: this binary with the parent's arguments, `nodule-masks` →
/// `nodule-worker`.
fn child_args() -> CliResult<Vec<OsString>> {
    let mut args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let i = args
        .iter()
        .position(|a| a == "nodule-masks")
        .ok_or("cannot find the nodule-masks subcommand in the arguments")?;
    args[i] = "nodule-worker".into();
    Ok(args)
}

fn row(index: &str, uid: &str, status: &str, error: &str, input: &str) -> Record {
    vec![
        ("name".into(), index.into()),
        ("seriesuid".into(), uid.into()),
        ("status".into(), status.into()),
        ("error".into(), error.into()),
        ("input".into(), input.into()),
    ]
}

/// `lungprep nodule-masks`; exit 0 when every scan succeeded (or had no nodules), 1 when a
/// case failed, 2 on a usage error.
pub fn run(args: NoduleArgs) -> ExitCode {
    match batch(&args) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}

fn batch(args: &NoduleArgs) -> CliResult<usize> {
    let found = discover(&args.inputs, false)?;
    for s in &found.skipped {
        tracing::warn!("{s}");
    }
    // Fails early on an unreadable or malformed annotations file.
    let names = found.cases.iter().map(|c| c.name.as_str());
    if let Some(w) = super::annotations::check(&args.annotations, names)? {
        tracing::warn!("{w}");
    }
    std::fs::create_dir_all(&args.outdir)
        .map_err(|e| format!("{}: {}", args.outdir.display(), msg(e)))?;
    let limits = Limits::new(args.timeout, args.max_memory, 1);
    let cargs = child_args()?;
    let mut rows: Vec<Record> = Vec::new();
    let mut failed = 0;
    for r in &found.rejected {
        eprintln!("error: {}: {}", r.input.display(), r.why);
        rows.push(row(
            "",
            &r.name,
            "error",
            &r.why,
            &r.input.display().to_string(),
        ));
        failed += 1;
    }
    let mut next = 0usize;
    for case in &found.cases {
        let uid = case.name.clone();
        let nod = chosen(
            read_annotations(&args.annotations, &uid).map_err(msg)?,
            args.all_nodules,
        );
        if nod.is_empty() {
            rows.push(row(
                "",
                &uid,
                "skipped",
                "no nodules",
                &case.source.display(),
            ));
            continue;
        }
        let first = next;
        next += nod.len();
        let job = Case {
            name: format!("{first}:{uid}"),
            source: case.source.clone(),
            series: case.series.clone(),
        };
        let r = worker::run(&job, &cargs, limits, &|l| eprintln!("{uid}: {l}"));
        let status = report::get(&r, "status").unwrap_or("crashed").to_string();
        if status != "ok" {
            failed += 1;
            let err = report::get(&r, "error").unwrap_or("").to_string();
            tracing::error!("{uid}: {status}: {err}");
            rows.push(row(
                &first.to_string(),
                &uid,
                &status,
                &err,
                &case.source.display(),
            ));
        } else {
            rows.extend(
                serde_json::from_str::<Vec<Record>>(report::get(&r, "pairs").unwrap_or("[]"))
                    .unwrap_or_default(),
            );
        }
    }
    let csv = report::to_csv(&rows)?;
    super::input::write_atomic(&args.outdir.join("index.csv"), &csv)?;
    let written = rows
        .iter()
        .filter(|r| report::get(r, "status") == Some("ok"))
        .count();
    tracing::info!(
        "{written} pair(s) from {} scan(s) → {} ({failed} failed)",
        found.cases.len(),
        args.outdir.display()
    );
    Ok(failed)
}

/// The pairs of one scan; rows for index.csv.
fn pairs<T: Sample + volume_io::Element>(
    v: &Volume<T>,
    nod: &[Annotation],
    first: usize,
    uid: &str,
    input: &str,
    outdir: &Path,
) -> CliResult<Vec<Record>> {
    let mut out = Vec::new();
    for (k, a) in nod.iter().enumerate() {
        let n = first + k;
        let p = nodules::nodule_pair(v, a).map_err(msg)?;
        volume_io::write_npy(&p.images.view(), &outdir.join(format!("images_{n}.npy")))
            .map_err(msg)?;
        volume_io::write_npy(&p.masks.view(), &outdir.join(format!("masks_{n}.npy")))
            .map_err(msg)?;
        let mut r = row(&n.to_string(), uid, "ok", "", input);
        let [x, y, z] = a.world_xyz;
        report::set(&mut r, "coord_xyz", format!("{x} {y} {z}"));
        report::set(&mut r, "diameter_mm", a.diameter_mm.to_string());
        let [s0, s1, s2] = p.slices;
        report::set(&mut r, "slices", format!("{s0} {s1} {s2}"));
        out.push(r);
    }
    Ok(out)
}

fn child_case(args: &NoduleArgs, job: Job) -> CliResult<Vec<Record>> {
    let (first, uid) = job
        .name
        .split_once(':')
        .ok_or("worker: job name is not N:UID")?;
    let first: usize = first.parse().map_err(|_| "worker: bad index")?;
    let path = job.source.ok_or("worker: no input")?;
    let nod = chosen(
        read_annotations(&args.annotations, uid).map_err(msg)?,
        args.all_nodules,
    );
    let limits = Limits::new(args.timeout, args.max_memory, 1);
    let opts = ReadOptions {
        max_bytes: Some(limits.max_read_bytes()),
        ..Default::default()
    };
    super::input::check_input(&path)?;
    let v = volume_io::read(&path, &opts).map_err(msg)?;
    let input = Source::Path(path.clone()).display();
    let o = &args.outdir;
    match &v {
        AnyVolume::U8(v) => pairs(v, &nod, first, uid, &input, o),
        AnyVolume::I8(v) => pairs(v, &nod, first, uid, &input, o),
        AnyVolume::U16(v) => pairs(v, &nod, first, uid, &input, o),
        AnyVolume::I16(v) => pairs(v, &nod, first, uid, &input, o),
        AnyVolume::U32(v) => pairs(v, &nod, first, uid, &input, o),
        AnyVolume::I32(v) => pairs(v, &nod, first, uid, &input, o),
        AnyVolume::U64(v) => pairs(v, &nod, first, uid, &input, o),
        AnyVolume::I64(v) => pairs(v, &nod, first, uid, &input, o),
        AnyVolume::F32(v) => pairs(v, &nod, first, uid, &input, o),
        AnyVolume::F64(v) => pairs(v, &nod, first, uid, &input, o),
    }
}

/// The child side: the job from stdin, its pairs written, one JSON row on stdout (status
/// `ok` with the pairs' rows, or `error`).
pub fn child(args: &NoduleArgs) -> CliResult<()> {
    let t = Instant::now();
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .map_err(|e| format!("worker: reading the job: {}", msg(e)))?;
    let job: Job = serde_json::from_str(&s).map_err(|e| format!("worker: bad job: {e}"))?;
    let mut r = row(&job.name, "", "ok", "", "");
    match child_case(args, job) {
        Ok(p) => report::set(&mut r, "pairs", serde_json::to_string(&p).map_err(msg)?),
        Err(e) => {
            report::set(&mut r, "status", "error");
            report::set(&mut r, "error", e);
        }
    }
    report::set(
        &mut r,
        "total_s",
        format!("{:.4}", t.elapsed().as_secs_f64()),
    );
    super::out(&serde_json::to_string(&r).map_err(msg)?);
    Ok(())
}
