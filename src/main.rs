//! `lungprep`: inspect, convert and preprocess chest CT scans (grt123 / DSB2017).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod alloc;
mod cli;

#[global_allocator]
static GLOBAL: alloc::HugePages = alloc::HugePages;

/// Fast, oracle-exact chest CT preprocessing (grt123, the Kaggle DSB2017 winner).
#[derive(Parser, Debug)]
#[command(name = "lungprep", version, about, long_about = None)]
struct Args {
    #[command(subcommand)]
    command: Command,
    /// Log more: -v adds lungprep's debug lines, -vv every library's (the JPEG 2000 decoder's
    /// per-slice INFO lines included). RUST_LOG, when set, overrides both.
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    /// Print errors only (no progress, no warnings).
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    quiet: bool,
    /// Threads per case (default: every core; RAYON_NUM_THREADS does the same). `prep -j J`
    /// runs J cases at once, each with this many threads.
    #[arg(long, global = true, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print a scan's geometry and every DICOM series found, as JSON.
    Info {
        /// DICOM folder, .mhd/.mha, .nrrd, .nii/.nii.gz or .npy; the phantom when omitted.
        input: Option<PathBuf>,
        /// SeriesInstanceUID to read when a folder holds several.
        #[arg(long)]
        series: Option<String>,
    },
    /// Convert a scan to .npy (+ geometry sidecars), .nii/.nii.gz, .mhd/.mha or .nrrd, keeping
    /// the stored layout and its true world geometry.
    Convert {
        /// The scan to read.
        input: PathBuf,
        /// Output file; the format follows the extension.
        output: PathBuf,
        /// SeriesInstanceUID to read when a folder holds several.
        #[arg(long)]
        series: Option<String>,
    },
    /// grt123 step 1: the two lung masks (m1, m2 as .npy or .nii.gz, meta.json).
    Step1 {
        /// The scan to read.
        input: PathBuf,
        /// Output folder.
        outdir: PathBuf,
        /// SeriesInstanceUID to read when a folder holds several.
        #[arg(long)]
        series: Option<String>,
        /// Mask format: npy (canonical z-y-x arrays) or nii.gz (with the scan's geometry).
        #[arg(long, value_enum, default_value_t)]
        format: cli::run::MaskFormat,
    },
    /// grt123 preprocessing of one scan or a folder of scans: NAME_clean.npy, NAME_label.npy
    /// and report.csv. Runs on the built-in phantom when no input is given. Each case runs in
    /// its own process under a time limit and a memory cap.
    #[command(after_help = cli::prep::EXIT_STATUS_HELP)]
    Prep(cli::prep::PrepArgs),
    /// One case of `prep`, run in a child process (internal: the case comes as JSON on stdin).
    #[command(hide = true)]
    Worker(cli::prep::PrepArgs),
    /// Zuidhof's tutorial lung mask (lungs.npy or lungs.nii.gz, int8). With --tutorial, the
    /// tutorial's whole preparation: resampled.npy (int16, 1 mm), lungs.npy, lungs_fill.npy
    /// (int8), normalized.npy, zero_centered.npy (float32, float64 with --f64), meta.json.
    Zuidhof {
        /// The scan to read.
        input: PathBuf,
        /// Output folder.
        outdir: PathBuf,
        /// Skip filling lung structures slice by slice.
        #[arg(long)]
        no_fill: bool,
        /// Mask format: npy (canonical z-y-x array) or nii.gz (with the scan's geometry).
        #[arg(long, value_enum, default_value_t)]
        format: cli::run::MaskFormat,
        /// The tutorial's whole preparation (get_pixels_hu with -2000 -> 0, resample to 1 mm,
        /// both masks, normalize, zero_center), all as .npy.
        #[arg(long, conflicts_with_all = ["no_fill", "format"])]
        tutorial: bool,
        /// With --tutorial: normalized.npy and zero_centered.npy as float64 (the tutorial's
        /// own values) instead of float32.
        #[arg(long = "f64", requires = "tutorial")]
        f64_out: bool,
    },
    /// Summarise a prep output folder's report.csv (counts by status, failures, suspect
    /// cases, slowest cases), or `report merge OUT`: combine a sharded run's reports.
    Report(cli::summary::ReportArgs),
    /// The HU histogram of a scan (numpy.histogram, 80 bins) as a PNG chart, and optionally
    /// its counts and edges as CSV.
    Histogram(cli::histogram::HistogramArgs),
    /// plot_3d's marching-cubes surface of the 1 mm volume (identical to scikit-image) as
    /// .ply, .stl or .obj: `(x, y, z)` mm from the first voxel, or world LPS with --world.
    Mesh(cli::mesh::MeshArgs),
    /// plot_3d's picture of that surface (faces (0.45, 0.45, 0.75) at alpha 0.7, shaded,
    /// matplotlib's default view: the patient upright, facing the camera) as a PNG.
    Render(cli::mesh::RenderArgs),
    /// Write the synthetic chest phantom (int16 HU) with its geometry; the format follows OUT's
    /// extension (.npy with .spacing.json/.geometry.json sidecars, .nii.gz, .nii, .mhd, .mha, .nrrd).
    Phantom {
        /// Output path.
        output: PathBuf,
        /// The small 53×128×128 phantom instead of 160×512×512.
        #[arg(long)]
        small: bool,
        /// The thin-slice 700×512×512 chest (0.625 mm, touching lungs) instead.
        #[arg(long, conflicts_with = "small")]
        thin: bool,
    },
    /// Seed 001's per-slice lungs (get_segmented_lungs on every slice): segmented.npy (stored
    /// dtype), masks.npy (bool), meta.json.
    Slicewise {
        /// A DICOM folder (stored values in InstanceNumber order) or a volume file.
        input: PathBuf,
        /// Output folder.
        outdir: PathBuf,
        /// Threshold on stored values (`im < threshold` is the first step).
        #[arg(long, default_value_t = lungprep::lungseg::slicewise::DEFAULT_THRESHOLD)]
        threshold: i64,
    },
    /// Seed 001's LUNA16 nodule masks: images_N.npy (uint16) and masks_N.npy (uint8), the 3
    /// slices around each scan's biggest nodule, and index.csv (N → series UID).
    NoduleMasks(cli::nodules::NoduleArgs),
    /// One scan of `nodule-masks`, run in a child process (internal).
    #[command(hide = true)]
    NoduleWorker(cli::nodules::NoduleArgs),
    /// Seed 001's plot_ct_scan: every 5th slice, 4 per row, bone colour map, as a PNG.
    Montage {
        /// A DICOM folder or a volume file.
        input: PathBuf,
        /// Output .png.
        output: PathBuf,
        /// Also write the grid as float64 .npy (what the oracle returns).
        #[arg(long)]
        npy: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    alloc::retain_freed_memory();
    let args = Args::parse();
    if let Some(n) = args.threads {
        // Set before any thread exists; rayon reads it, and worker processes inherit it.
        std::env::set_var("RAYON_NUM_THREADS", n.to_string());
    }
    cli::QUIET.store(args.quiet, std::sync::atomic::Ordering::Relaxed);
    // Other crates' INFO lines (three per slice from the JPEG 2000 decoder) only with -vv.
    let level = match (args.quiet, args.verbose) {
        (true, _) => "error",
        (false, 0) => "warn,lungprep=info",
        (false, 1) => "warn,lungprep=debug",
        (false, 2) => "debug",
        _ => "trace",
    };
    let logs = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level)),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false);
    // A worker's lines are relayed by its parent, which prints them as they come: no second
    // timestamp.
    if matches!(args.command, Command::Worker(_) | Command::NoduleWorker(_)) {
        logs.without_time().init();
    } else {
        logs.init();
    }
    let result = match args.command {
        Command::Info { input, series } => cli::info::info(input.as_deref(), series),
        Command::Convert {
            input,
            output,
            series,
        } => cli::info::convert(&input, &output, series),
        Command::Step1 {
            input,
            outdir,
            series,
            format,
        } => cli::run::step1(&input, &outdir, series, format),
        Command::Prep(a) => return cli::prep::run(a),
        Command::Worker(a) => cli::worker::child(&a),
        Command::Zuidhof {
            input,
            outdir,
            no_fill,
            format,
            tutorial,
            f64_out,
        } => {
            if tutorial {
                cli::run::zuidhof_tutorial(&input, &outdir, f64_out)
            } else {
                cli::run::zuidhof(&input, &outdir, !no_fill, format)
            }
        }
        Command::Histogram(a) => cli::histogram::run(&a),
        Command::Mesh(a) => cli::mesh::mesh_cmd(&a),
        Command::Render(a) => cli::mesh::render_cmd(&a),
        Command::Phantom {
            output,
            small,
            thin,
        } => cli::run::phantom(&output, small, thin),
        Command::Report(a) => cli::summary::run(a),
        Command::Slicewise {
            input,
            outdir,
            threshold,
        } => cli::slicewise::slicewise_cmd(&input, &outdir, threshold),
        Command::NoduleMasks(a) => return cli::nodules::run(a),
        Command::NoduleWorker(a) => cli::nodules::child(&a),
        Command::Montage { input, output, npy } => {
            cli::montage::montage_cmd(&input, &output, npy.as_deref())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
