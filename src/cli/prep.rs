//! `lungprep prep`: the batch preprocessing that never loses a case.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use lungprep::lungseg::{self, Params, Preset};
use lungprep::volume_io::{self, Volume};
use ndarray::Axis;

use super::input::{discover, load_with, write_atomic, Case};
use super::{msg, qc, CliResult};

/// Arguments of `lungprep prep`.
#[derive(clap::Args, Debug)]
pub struct PrepArgs {
    /// Scans (DICOM folder, .mhd/.mha, .nrrd, .nii/.nii.gz, .npy) or folders of scans (DSB:
    /// one sub-folder per patient; LUNA16: .mhd files). The built-in phantom when omitted.
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
    /// Skip cases whose NAME_clean.npy and NAME_label.npy already exist.
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
}

fn join<T: std::fmt::Display>(v: impl IntoIterator<Item = T>) -> String {
    v.into_iter()
        .map(|x| x.to_string())
        .collect::<Vec<_>>()
        .join(" ")
}

fn report_csv(rows: &[Option<Row>]) -> CliResult<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec![
        "name",
        "status",
        "error",
        "input",
        "shape",
        "spacing",
        "crop_box",
        "cut_num",
        "two_lungs_found",
        "warnings",
    ]
    .into_iter()
    .map(String::from)
    .collect::<Vec<_>>();
    header.extend(STAGES.iter().map(|s| format!("{s}_s")));
    w.write_record(&header).map_err(msg)?;
    for r in rows.iter().flatten() {
        let mut rec = vec![
            r.name.clone(),
            r.status.to_string(),
            r.error.clone(),
            r.input.clone(),
            r.shape.clone(),
            r.spacing.clone(),
            r.crop_box.clone(),
            r.cut_num.clone(),
            r.two_lungs_found.clone(),
            r.warnings.join("; "),
        ];
        for s in STAGES {
            rec.push(
                r.seconds
                    .iter()
                    .find(|(n, _)| *n == s)
                    .map(|(_, v)| format!("{v:.4}"))
                    .unwrap_or_default(),
            );
        }
        w.write_record(&rec).map_err(msg)?;
    }
    w.into_inner().map_err(|e| msg(e.into_error()))
}

/// Runs the batch; the exit status is the number of failed cases (capped at 255).
pub fn run(args: PrepArgs) -> ExitCode {
    match run_batch(&args) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(failed) => ExitCode::from(failed.min(255) as u8),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(255)
        }
    }
}

fn run_batch(args: &PrepArgs) -> CliResult<usize> {
    let cases = discover(&args.inputs)?;
    std::fs::create_dir_all(&args.outdir)
        .map_err(|e| format!("{}: {}", args.outdir.display(), msg(e)))?;
    let params = Params::preset(args.preset);
    tracing::info!(
        "{} case(s) → {} (preset {:?}, {} job(s))",
        cases.len(),
        args.outdir.display(),
        args.preset,
        args.jobs.max(1)
    );
    let bar = ProgressBar::new(cases.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} {elapsed_precise} eta {eta} {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let rows: Mutex<Vec<Option<Row>>> = Mutex::new(vec![None; cases.len()]);
    let next = AtomicUsize::new(0);
    let failed = AtomicUsize::new(0);
    let report_path = args.outdir.join("report.csv");
    std::thread::scope(|scope| {
        for _ in 0..args.jobs.max(1).min(cases.len().max(1)) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::SeqCst);
                let Some(case) = cases.get(i) else { break };
                bar.set_message(case.name.clone());
                let row = run_case_guarded(case, args, &params);
                if row.status == "failed" {
                    failed.fetch_add(1, Ordering::SeqCst);
                    bar.suspend(|| eprintln!("error: {}: {}", row.name, row.error));
                } else {
                    tracing::debug!("{}: {}", row.name, row.status);
                }
                let mut rows = rows.lock().unwrap_or_else(|p| p.into_inner());
                rows[i] = Some(row);
                // Rewrite the report after every case so an interrupted run keeps it.
                if let Err(e) = report_csv(&rows).and_then(|b| write_atomic(&report_path, &b)) {
                    bar.suspend(|| eprintln!("error: report.csv: {e}"));
                }
                drop(rows);
                bar.inc(1);
            });
        }
    });
    bar.finish_and_clear();
    let failed = failed.load(Ordering::SeqCst);
    tracing::info!(
        "done: {} ok/skipped, {} failed; report at {}",
        cases.len() - failed,
        failed,
        report_path.display()
    );
    Ok(failed)
}

/// A case never takes the batch down: errors and panics both become a failed row.
fn run_case_guarded(case: &Case, args: &PrepArgs, params: &Params) -> Row {
    let mut row = Row {
        name: case.name.clone(),
        input: case.source.display(),
        ..Default::default()
    };
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        run_case(case, args, params, &mut row)
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
            format!("internal error (panic): {what}")
        }
    };
    row.status = "failed";
    row.error = error;
    row
}

fn out_paths(outdir: &Path, name: &str) -> (PathBuf, PathBuf) {
    (
        outdir.join(format!("{name}_clean.npy")),
        outdir.join(format!("{name}_label.npy")),
    )
}

/// Runs one case, filling `row` as it goes (so a failure still reports what was learnt).
fn run_case(case: &Case, args: &PrepArgs, params: &Params, row: &mut Row) -> CliResult<()> {
    let (clean_path, label_path) = out_paths(&args.outdir, &case.name);
    if args.skip_existing && clean_path.exists() && label_path.exists() {
        row.status = "skipped";
        return Ok(());
    }
    let t0 = Instant::now();
    let spacing = args.geo.spacing.map(|s| s.0);
    let loaded = load_with(&case.source, args.series.clone(), spacing)?;
    row.seconds.push(("load", t0.elapsed().as_secs_f64()));
    let vol = &loaded.volume;
    row.shape = join(vol.shape());
    row.spacing = join(loaded.spacing.get());
    row.warnings.extend(vol.meta.warnings.iter().cloned());
    let s1 = lungseg::step1(&vol.data.view(), &loaded.spacing, params).map_err(msg)?;
    row.seconds.extend(s1.timings.0.iter().copied());
    row.cut_num = s1.cut_num.to_string();
    row.two_lungs_found = s1.two_lungs_found.to_string();
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
        let png = qc::render(
            &vol.data.view(),
            &s1.m1.view(),
            &s1.m2.view(),
            &loaded.spacing.get(),
            &prepared.crop,
        );
        let p = args.outdir.join(format!("{}_qc.png", case.name));
        png.and_then(|b| write_atomic(&p, &b))?;
    }
    row.seconds.push(("save", t.elapsed().as_secs_f64()));
    row.seconds.push(("total", t0.elapsed().as_secs_f64()));
    row.status = "ok";
    Ok(())
}
