//! `lungprep prep`: the batch preprocessing that never loses a case.
//!
//! Each case runs in its own child process ([`super::worker`]); this module finds the cases,
//! skips those already done with the same options, keeps `report.csv` merged, and holds the
//! per-case pipeline ([`run_case`]) the child runs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use lungprep::lungseg::{self, Params, Preset};
use lungprep::volume_io::{self, Volume};
use ndarray::Axis;

use super::input::{discover, load_with, write_atomic, Case, Discovery, Rejected, Source};
use super::merge::RunInfo;
use super::report::{self, Record};
use super::shard::{Shard, ShardArg};
use super::suspect::Lungs;
use super::worker::{self, Limits};
use super::{msg, qc, CliResult};

/// The exit status contract of `prep`, shown in `--help`.
pub const EXIT_STATUS_HELP: &str = "Exit status:
  0  every case ok (warnings allowed; skipped cases count as ok)
  1  at least one case failed (the summary line counts them by status)
  2  usage error (bad arguments, missing input)
  3  the run itself could not proceed (output folder unwritable, report lock timeout)

report.csv statuses: ok, no_lung, error, crashed, timeout, skipped.";

/// Arguments of `lungprep prep`.
#[derive(clap::Args, Debug, Clone)]
pub struct PrepArgs {
    /// Scans (DICOM folder, .mhd/.mha, .nrrd, .nii/.nii.gz, .npy) or folders of scans (DSB:
    /// one sub-folder per patient; LUNA16: .mhd files, also in subset0/ … subset9/). The
    /// built-in phantom when omitted.
    pub inputs: Vec<PathBuf>,
    /// Output folder for NAME_clean.npy, NAME_label.npy and report.csv.
    #[arg(short = 'o', long = "outdir")]
    pub outdir: PathBuf,
    /// grt123 configuration: dsb (hull ratio 2.0) or luna (1.5).
    #[arg(long, default_value = "dsb")]
    pub preset: Preset,
    /// LUNA16 annotations.csv (seriesuid, coordX, coordY, coordZ, diameter_mm).
    #[arg(long)]
    pub annotations: Option<PathBuf>,
    /// Cases processed at once. Each case is already parallel inside, so more than 1 pays
    /// only on machines with many cores; peak memory grows with N.
    #[arg(long, default_value_t = 1)]
    pub jobs: usize,
    /// Skip cases already done: every output the current options ask for exists and
    /// report.csv says it was made with the same options (preset, annotations and their
    /// content, masks, QC, …).
    #[arg(long)]
    pub skip_existing: bool,
    /// Also write the lung masks as NAME_m1.nii.gz and NAME_m2.nii.gz, and NAME_lungs.nii.gz
    /// (1 = right lung, 2 = left lung), in the scan's world geometry.
    #[arg(long)]
    pub masks: bool,
    /// Also write NAME_qc.png: axial, coronal and sagittal views with lung outlines and crop box.
    #[arg(long)]
    pub qc: bool,
    /// SeriesInstanceUID to read when a DICOM folder holds several.
    #[arg(long)]
    pub series: Option<String>,
    /// World-geometry outputs and input spacing.
    #[command(flatten)]
    pub geo: super::outputs::OutputArgs,
    /// Wall-clock limit per case, in seconds; a case over it is killed and reported as
    /// `timeout`. Default: 1800 × max(1, jobs / cores).
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<f64>,
    /// Memory cap per case (e.g. 4G, 512M); a case over it is killed and reported as
    /// `crashed`, and declared volumes above cap / 5 bytes are refused before reading.
    /// Default: total RAM × 0.8 / jobs.
    #[arg(long, value_name = "SIZE", value_parser = worker::parse_size)]
    pub max_memory: Option<u64>,
    /// Follow folder symlinks that lead out of an input folder (never followed by default;
    /// loops are always detected).
    #[arg(long)]
    pub follow_links: bool,
    /// List the cases and the files they would write, and stop.
    #[arg(long)]
    pub dry_run: bool,
    /// A DICOM file in a series folder that cannot be read (corrupt, truncated) is a warning,
    /// printed and in report.csv, and the series is read without it; by default it fails the
    /// case, naming the file.
    #[arg(long)]
    pub skip_bad_slices: bool,
    /// Run only part K of N of the case list (parts 1 to N: contiguous runs of the list in
    /// its deterministic order), writing report.K-of-N.csv and run.K-of-N.json; `auto` takes
    /// the part from a Slurm job array or, with --shards N, a Kubernetes Indexed Job. Combine
    /// the parts with `lungprep report merge OUT` (see docs/cluster.md).
    #[arg(long, value_name = "K/N|auto", value_parser = super::shard::parse_shard)]
    pub shard: Option<ShardArg>,
    /// The number of parts, for `--shard auto` in a Kubernetes Indexed Job (its completions;
    /// a Slurm array says it itself).
    #[arg(long, value_name = "N", requires = "shard")]
    pub shards: Option<usize>,
    /// The case list from a CSV file with columns name,path (relative paths are taken from
    /// the file's folder) instead of walking input folders.
    #[arg(long, value_name = "CASES.CSV", conflicts_with = "inputs")]
    pub manifest: Option<PathBuf>,
}

/// Per-stage seconds columns of report.csv, in order.
const STAGES: [&str; 10] = [
    "load",
    "binarize_per_slice",
    "all_slice_analysis",
    "fill_hole",
    "two_lung_only",
    "process_mask",
    "apply_mask",
    "resample",
    "save",
    "total",
];

/// One row of report.csv.
#[derive(Debug, Clone, Default)]
struct Row {
    name: String,
    status: &'static str,
    error: String,
    input: String,
    shape: String,
    spacing: String,
    crop_box: String,
    cut_num: String,
    two_lungs_found: String,
    warnings: Vec<String>,
    seconds: Vec<(&'static str, f64)>,
    series_uid: String,
    lungs: Option<Lungs>,
    two_lungs: bool,
}

fn join<T: std::fmt::Display>(v: impl IntoIterator<Item = T>) -> String {
    v.into_iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

/// The report row of `r`, columns in report order.
fn record(r: &Row) -> Record {
    let mut rec: Record = [
        ("name", r.name.clone()),
        ("status", r.status.to_string()),
        ("error", r.error.clone()),
        ("input", r.input.clone()),
        ("shape", r.shape.clone()),
        ("spacing", r.spacing.clone()),
        ("crop_box", r.crop_box.clone()),
        ("cut_num", r.cut_num.clone()),
        ("two_lungs_found", r.two_lungs_found.clone()),
        ("warnings", r.warnings.join("; ")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    for s in STAGES {
        let v = r
            .seconds
            .iter()
            .find(|(n, _)| *n == s)
            .map(|(_, v)| format!("{v:.4}"))
            .unwrap_or_default();
        rec.push((format!("{s}_s"), v));
    }
    rec.push(("peak_memory_mb".into(), String::new()));
    rec.push(("options_hash".into(), String::new()));
    rec.push(("series_uid".into(), r.series_uid.clone()));
    let ml = |f: fn(&Lungs) -> f64| r.lungs.as_ref().map(|l| format!("{:.1}", f(l)));
    rec.push((
        "right_lung_ml".into(),
        ml(|l| l.right_ml).unwrap_or_default(),
    ));
    rec.push(("left_lung_ml".into(), ml(|l| l.left_ml).unwrap_or_default()));
    rec.push((
        "total_lung_ml".into(),
        ml(Lungs::total_ml).unwrap_or_default(),
    ));
    let suspect = match (&r.lungs, r.status) {
        (Some(l), "ok") => l.reasons(r.two_lungs).join("; "),
        _ => String::new(),
    };
    rec.push(("suspect".into(), suspect));
    rec
}

/// Why a run stopped before finishing its cases.
enum Stop {
    /// Exit 2: the arguments are wrong.
    Usage(String),
    /// Exit 3: the run cannot proceed.
    Fatal(String),
}

/// Runs the batch; exit status as [`EXIT_STATUS_HELP`] says.
pub fn run(args: PrepArgs) -> ExitCode {
    match run_batch(&args) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(Stop::Usage(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
        Err(Stop::Fatal(e)) => {
            eprintln!("error: {e}");
            ExitCode::from(3)
        }
    }
}

/// How long a run waits for another run's lock on report.csv.
const LOCK_TIMEOUT: Duration = Duration::from_secs(120);

fn is_failure(status: &str) -> bool {
    !matches!(status, "ok" | "skipped")
}

/// Runs every case; returns the number of failed cases.
fn run_batch(args: &PrepArgs) -> Result<usize, Stop> {
    let shard = args
        .shard
        .map(|s| super::shard::resolve(s, args.shards, |v| std::env::var(v).ok()))
        .transpose()
        .map_err(Stop::Usage)?;
    let found = match &args.manifest {
        Some(m) => Discovery {
            cases: super::manifest::read(m).map_err(Stop::Usage)?,
            ..Default::default()
        },
        None => discover(&args.inputs, args.follow_links).map_err(Stop::Usage)?,
    };
    let found = match &args.series {
        Some(uid) => super::input::select_series(found, uid).map_err(Stop::Usage)?,
        None => found,
    };
    for s in &found.skipped {
        tracing::warn!("{s}");
    }
    if let Some(p) = &args.annotations {
        let names = found.cases.iter().map(|c| c.name.as_str());
        if let Some(w) = super::annotations::check(p, names).map_err(Stop::Usage)? {
            tracing::warn!("{w}");
        }
    }
    let hash = options_hash(args).map_err(Stop::Usage)?;
    let list_hash = case_list_hash(&found);
    let cases_total = found.cases.len() + found.rejected.len();
    let found = select(found, shard);
    let names: Vec<String> = found
        .cases
        .iter()
        .map(|c| c.name.clone())
        .chain(found.rejected.iter().map(|r| r.name.clone()))
        .collect();
    if let Some(s) = shard {
        tracing::info!(
            "shard {}/{}: {} of {cases_total} case(s)",
            s.k,
            s.n,
            found.cases.len() + found.rejected.len()
        );
    }
    if args.dry_run {
        for c in &found.cases {
            let files: Vec<String> = expected_outputs(args, &c.name)
                .iter()
                .map(|p| p.display().to_string())
                .collect();
            let series = c
                .series
                .as_ref()
                .map(|s| format!(" (series {s})"))
                .unwrap_or_default();
            super::out(&format!(
                "{}\t{}{series}\t{}",
                c.name,
                c.source.display(),
                files.join(" ")
            ));
        }
        for r in &found.rejected {
            super::out(&format!(
                "{}\t{}\terror: {}",
                r.name,
                r.input.display(),
                r.why
            ));
        }
        return Ok(0);
    }
    let cases = found.cases;
    std::fs::create_dir_all(&args.outdir)
        .map_err(|e| Stop::Fatal(format!("{}: {}", args.outdir.display(), msg(e))))?;
    let (report_path, run_path) = match shard {
        Some(s) => (s.report_name(), s.run_name()),
        None => ("report.csv".into(), "run.json".into()),
    };
    let (report_path, run_path) = (args.outdir.join(report_path), args.outdir.join(run_path));
    remove_leftovers(&args.outdir);
    let limits = Limits::new(args.timeout, args.max_memory, args.jobs);
    let worker_args = worker::worker_args().map_err(Stop::Fatal)?;
    let read_locked = |p: &Path| {
        let _lock = report::Lock::take(p, LOCK_TIMEOUT).map_err(Stop::Fatal)?;
        report::read(p).map_err(Stop::Fatal)
    };
    let mut earlier = read_locked(&report_path)?;
    if shard.is_some() {
        // A shard resumes from its own report, else from a merged report.csv.
        let merged = read_locked(&args.outdir.join("report.csv"))?;
        earlier = report::merge(merged, &earlier);
    }
    let preset = format!("{:?}", args.preset).to_lowercase();
    let mut run_info = RunInfo::start(
        preset.clone(),
        hash.clone(),
        shard,
        list_hash,
        cases_total,
        names,
    );
    run_info.write(&run_path).map_err(Stop::Fatal)?;
    let annotations = args
        .annotations
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    // The columns every row carries, whatever became of its case.
    let stamp = |r: &mut Record| {
        report::set(r, "options_hash", hash.clone());
        report::set(r, "lungprep_version", env!("CARGO_PKG_VERSION"));
        report::set(r, "preset", preset.clone());
        report::set(r, "annotations", annotations.clone());
        report::set(r, "shard", shard.map(|s| s.to_string()).unwrap_or_default());
    };
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    let rejected: Vec<Record> = found
        .rejected
        .iter()
        .map(|r| {
            eprintln!("error: {}: {}: {}", r.name, r.input.display(), r.why);
            *counts.entry("error".into()).or_default() += 1;
            let mut row = vec![
                ("name".into(), r.name.clone()),
                ("status".into(), "error".into()),
                ("error".into(), r.why.clone()),
                ("input".into(), r.input.display().to_string()),
            ];
            stamp(&mut row);
            row
        })
        .collect();
    report::update(&report_path, &rejected, LOCK_TIMEOUT).map_err(Stop::Fatal)?;
    tracing::info!(
        "{} case(s) → {} (preset {}, {} job(s) of {} thread(s); limits per case {:.0} s, {:.1} GiB)",
        cases.len(),
        args.outdir.display(),
        preset,
        args.jobs.max(1),
        rayon::current_num_threads(),
        limits.timeout.as_secs_f64(),
        limits.max_memory as f64 / f64::from(1u32 << 30)
    );
    let bar = ProgressBar::new(cases.len() as u64);
    if super::QUIET.load(Ordering::Relaxed) {
        bar.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {elapsed_precise} eta {eta} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let counts = Mutex::new(counts);
    let next = AtomicUsize::new(0);
    let fatal: Mutex<Option<String>> = Mutex::new(None);
    let stop = AtomicBool::new(false);
    std::thread::scope(|scope| {
        for _ in 0..args.jobs.max(1).min(cases.len().max(1)) {
            scope.spawn(|| loop {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(case) = cases.get(i) else { break };
                bar.set_message(case.name.clone());
                let old = earlier
                    .iter()
                    .find(|r| report::get(r, "name") == Some(case.name.as_str()));
                let mut row = match old {
                    Some(old) if args.skip_existing && is_done(old, args, &case.name, &hash) => {
                        let mut r = old.clone();
                        report::set(&mut r, "status", "skipped");
                        r
                    }
                    _ => {
                        // The worker's lines name their case already.
                        let echo = |l: &str| bar.suspend(|| eprintln!("{l}"));
                        let r = worker::run(case, &worker_args, limits, &echo);
                        if matches!(report::get(&r, "status"), Some("crashed" | "timeout")) {
                            // A killed worker leaves its temporary files behind.
                            remove_leftovers(&args.outdir);
                        }
                        r
                    }
                };
                stamp(&mut row);
                let status = report::get(&row, "status").unwrap_or("error").to_string();
                let secs = report::get(&row, "total_s").unwrap_or("").to_string();
                if is_failure(&status) {
                    let error = report::get(&row, "error").unwrap_or("");
                    bar.suspend(|| eprintln!("{status}: {}: {error}", case.name));
                } else if bar.is_hidden() {
                    // No progress bar (stderr is not a terminal): a line per finished case.
                    tracing::info!("{}: {status} ({secs} s)", case.name);
                } else {
                    tracing::debug!("{}: {status} ({secs} s)", case.name);
                }
                *counts
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .entry(status)
                    .or_default() += 1;
                // Merge after every case so an interrupted run keeps its rows.
                if let Err(e) = report::update(&report_path, &[row], LOCK_TIMEOUT) {
                    stop.store(true, Ordering::SeqCst);
                    *fatal.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                }
                bar.inc(1);
            });
        }
    });
    bar.finish_and_clear();
    if let Some(e) = fatal.into_inner().unwrap_or_else(|p| p.into_inner()) {
        return Err(Stop::Fatal(e));
    }
    let counts = counts.into_inner().unwrap_or_else(|p| p.into_inner());
    let failed: usize = counts
        .iter()
        .filter(|(s, _)| is_failure(s))
        .map(|(_, n)| n)
        .sum();
    run_info.finished_unix_s = Some(super::merge::now_unix_s());
    run_info.counts = counts.clone();
    run_info.write(&run_path).map_err(Stop::Fatal)?;
    let by_status: Vec<String> = counts.iter().map(|(s, n)| format!("{n} {s}")).collect();
    tracing::info!(
        "done: {} case(s): {}; {failed} failed; report at {}",
        counts.values().sum::<usize>(),
        by_status.join(", "),
        report_path.display()
    );
    Ok(failed)
}

/// Removes temporary files of the atomic writer whose owning process is dead (a killed run).
fn remove_leftovers(outdir: &Path) {
    for e in std::fs::read_dir(outdir).into_iter().flatten().flatten() {
        let name = e.file_name();
        let Some(pid) = volume_io::temp_owner(&name.to_string_lossy()) else {
            continue;
        };
        // SAFETY: signal 0 only checks whether the process exists.
        let alive = unsafe { libc::kill(pid as i32, 0) } == 0
            || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM);
        if !alive && e.file_type().is_ok_and(|t| t.is_file()) {
            tracing::debug!("removing {} (left by a killed run)", e.path().display());
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Hash of everything that changes a case's outputs: the options (not inputs, output folder,
/// jobs or limits), the annotations file's content and this version.
fn options_hash(args: &PrepArgs) -> CliResult<String> {
    use std::hash::Hasher;
    let mut a = args.clone();
    a.inputs.clear();
    a.outdir = PathBuf::new();
    a.jobs = 1;
    a.skip_existing = false;
    a.timeout = None;
    a.max_memory = None;
    a.follow_links = false;
    a.dry_run = false;
    a.shard = None;
    a.shards = None;
    a.manifest = None;
    let mut h = fnv::FnvHasher::default();
    h.write(format!("{} {a:?}", env!("CARGO_PKG_VERSION")).as_bytes());
    if let Some(p) = &args.annotations {
        let bytes = std::fs::read(p).map_err(|e| format!("{}: {}", p.display(), msg(e)))?;
        h.write(&bytes);
    }
    Ok(format!("{:016x}", h.finish()))
}

/// Hash of the whole case list (names and inputs, in order), the same in every shard of a run.
fn case_list_hash(d: &Discovery) -> String {
    use std::hash::Hasher;
    let mut h = fnv::FnvHasher::default();
    for c in &d.cases {
        h.write(format!("{}\t{}\n", c.name, c.source.display()).as_bytes());
    }
    for r in &d.rejected {
        h.write(format!("{}\t{}\n", r.name, r.input.display()).as_bytes());
    }
    format!("{:016x}", h.finish())
}

/// The part of the case list `shard` runs: the cases, then the rejected inputs (error rows),
/// as one list split into contiguous parts.
fn select(d: Discovery, shard: Option<Shard>) -> Discovery {
    let Some(s) = shard else { return d };
    let n_cases = d.cases.len();
    let r = s.range(n_cases + d.rejected.len());
    let cases: Vec<Case> = d
        .cases
        .into_iter()
        .enumerate()
        .filter(|(i, _)| r.contains(i))
        .map(|(_, c)| c)
        .collect();
    let rejected: Vec<Rejected> = d
        .rejected
        .into_iter()
        .enumerate()
        .filter(|(i, _)| r.contains(&(i + n_cases)))
        .map(|(_, c)| c)
        .collect();
    Discovery {
        cases,
        rejected,
        skipped: d.skipped,
    }
}

/// Whether a case is done: its earlier row is ok with the same options hash, and every output
/// the current options ask for exists.
fn is_done(old: &Record, args: &PrepArgs, name: &str, hash: &str) -> bool {
    matches!(report::get(old, "status"), Some("ok" | "skipped"))
        && report::get(old, "options_hash") == Some(hash)
        && expected_outputs(args, name).iter().all(|p| p.is_file())
}

/// Every file a case writes under the current options.
pub fn expected_outputs(args: &PrepArgs, name: &str) -> Vec<PathBuf> {
    let (clean, label) = out_paths(&args.outdir, name);
    let mut v = vec![clean, label];
    if args.masks {
        v.push(args.outdir.join(format!("{name}_m1.nii.gz")));
        v.push(args.outdir.join(format!("{name}_m2.nii.gz")));
    }
    if args.qc {
        v.push(args.outdir.join(format!("{name}_qc.png")));
    }
    v.extend(
        super::outputs::file_names(&args.geo, args.masks)
            .into_iter()
            .map(|s| args.outdir.join(format!("{name}_{s}"))),
    );
    v
}

/// The worker side of one case: runs it in this process, returns its report row.
pub fn process(case: &Case, args: &PrepArgs) -> Record {
    let params = Params::preset(args.preset);
    let max_bytes = Limits::new(args.timeout, args.max_memory, args.jobs).max_read_bytes();
    record(&run_case_guarded(case, args, &params, max_bytes))
}

/// A case never takes the worker down quietly: errors become an `error` (or `no_lung`) row,
/// panics a `crashed` one.
fn run_case_guarded(case: &Case, args: &PrepArgs, params: &Params, max_bytes: u64) -> Row {
    let mut row = Row {
        name: case.name.clone(),
        input: case.source.display(),
        ..Default::default()
    };
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run_case(case, args, params, max_bytes, &mut row)
    }));
    let error = match r {
        Ok(Ok(())) => return row,
        Ok(Err(e)) => e,
        Err(p) => {
            let what = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "unknown panic".into());
            row.status = "crashed";
            format!("internal error (panic): {what}")
        }
    };
    if row.status.is_empty() || row.status == "ok" {
        row.status = "error";
    }
    row.error = error;
    row
}

/// `msg` of a step-1 error, marking the row `no_lung` when no lung was found.
fn step1_error(e: lungseg::Error, row: &mut Row) -> String {
    if matches!(e, lungseg::Error::NoLungFound { .. }) {
        row.status = "no_lung";
    }
    msg(e)
}

fn out_paths(outdir: &Path, name: &str) -> (PathBuf, PathBuf) {
    (
        outdir.join(format!("{name}_clean.npy")),
        outdir.join(format!("{name}_label.npy")),
    )
}

/// Runs one case, filling `row` as it goes (so a failure still reports what was learnt).
fn run_case(
    case: &Case,
    args: &PrepArgs,
    params: &Params,
    max_bytes: u64,
    row: &mut Row,
) -> CliResult<()> {
    let (clean_path, label_path) = out_paths(&args.outdir, &case.name);
    let t0 = Instant::now();
    let spacing = args.geo.spacing.map(|s| s.0);
    let opts = volume_io::ReadOptions {
        series_uid: case.series.clone().or_else(|| args.series.clone()),
        max_bytes: Some(max_bytes),
        skip_bad_slices: args.skip_bad_slices,
        ..Default::default()
    };
    let loaded = load_with(&case.source, &opts, spacing)?;
    row.seconds.push(("load", t0.elapsed().as_secs_f64()));
    let vol = &loaded.volume;
    row.series_uid = vol.meta.series_uid.clone().unwrap_or_default();
    row.shape = join(vol.shape());
    row.spacing = join(loaded.spacing.get());
    if matches!(case.source, Source::Path(_)) {
        // (The phantom's only "warning" says that it is the phantom.)
        for w in &vol.meta.warnings {
            tracing::warn!("{}: {w}", case.name);
        }
    }
    row.warnings.extend(vol.meta.warnings.iter().cloned());
    let s1 = lungseg::step1(&vol.data.view(), &loaded.spacing, params)
        .map_err(|e| step1_error(e, row))?;
    row.seconds.extend(s1.timings.0.iter().copied());
    row.cut_num = s1.cut_num.to_string();
    row.two_lungs_found = s1.two_lungs_found.to_string();
    row.two_lungs = s1.two_lungs_found;
    let world = loaded.geometry().world;
    row.lungs = Some(super::suspect::measure(
        &s1.m1.view(),
        &s1.m2.view(),
        &world,
    ));
    for w in &s1.warnings {
        tracing::warn!("{}: {w}", case.name);
    }
    row.warnings.extend(s1.warnings.iter().cloned());
    let annotations = match &args.annotations {
        Some(p) => lungseg::read_annotations(p, &case.name).map_err(msg)?,
        None => Vec::new(),
    };
    let geometry = loaded.geometry();
    let prepared = lungseg::prep(
        &vol.data.view(),
        &s1.m1.view(),
        &s1.m2.view(),
        &geometry,
        &annotations,
        params,
    )
    .map_err(msg)?;
    row.seconds.extend(prepared.timings.0.iter().copied());
    row.crop_box = join(prepared.crop.iter().flatten());
    let t = Instant::now();
    let clean = prepared.clean.view().insert_axis(Axis(0));
    volume_io::write_npy(&clean, &clean_path).map_err(msg)?;
    volume_io::write_npy(&prepared.labels.view(), &label_path).map_err(msg)?;
    let (outdir, name) = (&args.outdir, &case.name);
    super::outputs::write_case(outdir, name, &loaded, &s1, &prepared, args.masks, &args.geo)?;
    if args.masks {
        for (m, tag) in [(&s1.m1, "m1"), (&s1.m2, "m2")] {
            let mut v = Volume::new(m.mapv(u8::from));
            v.spacing = vol.spacing;
            v.origin = vol.origin;
            v.direction = vol.direction;
            let p = args.outdir.join(format!("{}_{tag}.nii.gz", case.name));
            volume_io::write_nifti(&v, &p).map_err(msg)?;
        }
    }
    if args.qc {
        let lungs = row.lungs.as_ref();
        let reasons = lungs.map_or_else(Vec::new, |l| l.reasons(row.two_lungs));
        let volumes = lungs.map_or_else(String::new, |l| {
            format!(
                "right {:.0} mL, left {:.0} mL, total {:.2} L",
                l.right_ml,
                l.left_ml,
                l.total_ml() / 1000.0
            )
        });
        let [sz, sy, sx] = geometry.world.spacing;
        let qc = qc::Qc {
            title: format!(
                "{}   preset {}   {} voxels (z, y, x) at {sz:.2} × {sy:.2} × {sx:.2} mm",
                case.name,
                format!("{:?}", args.preset).to_lowercase(),
                row.shape.replace(' ', " × "),
            ),
            subtitle: if reasons.is_empty() {
                volumes
            } else {
                format!("{volumes}   suspect: {}", reasons.join("; "))
            },
            alarm: !reasons.is_empty(),
            hu: vol.data.view(),
            m1: s1.m1.view(),
            m2: s1.m2.view(),
            m1_right: lungs.is_none_or(|l| l.m1_right),
            grid: &geometry.world,
            spacing: loaded.spacing.get(),
            crop: &prepared.crop,
            clean: prepared.clean.view(),
            clean_grid: &prepared.grid,
            labels: prepared.labels.view(),
            nodules: &annotations,
        };
        let p = args.outdir.join(format!("{}_qc.png", case.name));
        write_atomic(&p, &qc.render()?)?;
    }
    row.seconds.push(("save", t.elapsed().as_secs_f64()));
    row.seconds.push(("total", t0.elapsed().as_secs_f64()));
    row.status = "ok";
    Ok(())
}
