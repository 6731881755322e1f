//! `lungprep histogram`: the tutorial's HU histogram (`plt.hist(pixels.flatten(), bins=80)`)
//! drawn with plotters, with numpy.histogram's exact counts and edges.

use std::path::{Path, PathBuf};
use std::time::Instant;

use lungprep::hu::{histogram, Histogram};
use plotters::prelude::*;
use serde_json::json;

use super::input::write_atomic;
use super::picture::{encode_png, font};
use super::run::load_zuidhof;
use super::{msg, CliResult};

/// Picture size (matplotlib's default figure, 6.4 × 4.8 in at 100 dpi).
const SIZE: (u32, u32) = (640, 480);
/// matplotlib's colour `'c'` (cyan), the tutorial's bars.
const BAR: RGBColor = RGBColor(0, 191, 191);

/// Arguments of `lungprep histogram`.
#[derive(clap::Args, Debug)]
pub struct HistogramArgs {
    /// The scan (DICOM series as the tutorial's get_pixels_hu, or any volume in HU).
    pub input: PathBuf,
    /// Output PNG.
    pub output: PathBuf,
    /// Also write the counts and edges as CSV (bin, left, right, count; edges in full
    /// float64 precision).
    #[arg(long)]
    pub csv: Option<PathBuf>,
    /// Number of equal-width bins over [min, max].
    #[arg(long, default_value_t = 80)]
    pub bins: usize,
}

/// Runs `lungprep histogram`.
pub fn run(a: &HistogramArgs) -> CliResult<()> {
    let t0 = Instant::now();
    let (loaded, _) = load_zuidhof(&a.input)?;
    let t = Instant::now();
    let h = histogram(&loaded.volume.data.view(), a.bins).map_err(msg)?;
    let hist_s = t.elapsed().as_secs_f64();
    let png = draw(&h)?;
    write_atomic(&a.output, &png)?;
    if let Some(p) = &a.csv {
        write_csv(&h, p)?;
    }
    super::out(
        &json!({
            "voxels": loaded.volume.data.len(),
            "min": h.edges[0],
            "max": h.edges[h.edges.len() - 1],
            "seconds": {"histogram": hist_s, "total": t0.elapsed().as_secs_f64()},
        })
        .to_string(),
    );
    Ok(())
}

fn write_csv(h: &Histogram, path: &Path) -> CliResult<()> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| msg(e);
    w.write_record(["bin", "left", "right", "count"])
        .map_err(err)?;
    for (i, c) in h.counts.iter().enumerate() {
        // `{}` prints the shortest text that reads back as the same float64.
        w.write_record([
            i.to_string(),
            h.edges[i].to_string(),
            h.edges[i + 1].to_string(),
            c.to_string(),
        ])
        .map_err(err)?;
    }
    let bytes = w.into_inner().map_err(|e| msg(e.into_error()))?;
    write_atomic(path, &bytes)
}

/// Tick labels for counts: plain below 10 000, else with an SI suffix (k, M).
fn count_label(v: &f64) -> String {
    let v = *v;
    if v.abs() >= 1e6 {
        format!("{}M", trim(v / 1e6))
    } else if v.abs() >= 1e4 {
        format!("{}k", trim(v / 1e3))
    } else {
        trim(v)
    }
}

fn trim(v: f64) -> String {
    let s = format!("{v:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// The chart as PNG bytes.
pub fn draw(h: &Histogram) -> CliResult<Vec<u8>> {
    font()?;
    let (w, ht) = SIZE;
    let mut rgb = vec![255u8; (w * ht * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut rgb, SIZE).into_drawing_area();
        let e = |e: DrawingAreaErrorKind<_>| format!("drawing the histogram: {e}");
        root.fill(&WHITE).map_err(e)?;
        let (lo, hi) = (h.edges[0], h.edges[h.edges.len() - 1]);
        let top = h.counts.iter().copied().max().unwrap_or(0).max(1) as f64 * 1.05;
        let mut chart = ChartBuilder::on(&root)
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(64)
            .build_cartesian_2d(lo..hi, 0f64..top)
            .map_err(e)?;
        chart
            .configure_mesh()
            .disable_mesh()
            .x_desc("Hounsfield Units (HU)")
            .y_desc("Frequency")
            .y_label_formatter(&count_label)
            .x_label_formatter(&|v| format!("{v:.0}"))
            .label_style(("sans-serif", 14))
            .axis_desc_style(("sans-serif", 17))
            .draw()
            .map_err(e)?;
        chart
            .draw_series(h.counts.iter().enumerate().map(|(i, &c)| {
                Rectangle::new(
                    [(h.edges[i], 0.0), (h.edges[i + 1], c as f64)],
                    BAR.filled(),
                )
            }))
            .map_err(e)?;
        root.present().map_err(e)?;
    }
    encode_png(w as usize, ht as usize, &rgb)
}
