//! `lungprep report OUT`: what a report says, in a screenful (counts by status, failures,
//! suspect cases, the slowest cases); `lungprep report merge OUT` for a sharded run.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::report::{self, Record};
use super::{out, CliResult};

/// Arguments of `lungprep report`.
#[derive(clap::Args, Debug)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ReportArgs {
    #[command(subcommand)]
    action: Option<ReportAction>,
    /// A prep output folder (or its report.csv).
    outdir: Option<PathBuf>,
    /// How many slowest cases (and failures, suspects) to list.
    #[arg(long, default_value_t = 10)]
    top: usize,
}

#[derive(clap::Subcommand, Debug)]
enum ReportAction {
    /// Combine the report.K-of-N.csv of a sharded run (prep --shard) into report.csv, failing
    /// when a shard never ran or a case is reported twice or missing; prints the summary.
    Merge {
        /// The output folder all shards wrote to.
        outdir: PathBuf,
        /// How many slowest cases (and failures, suspects) to list.
        #[arg(long, default_value_t = 10)]
        top: usize,
    },
}

/// Runs `lungprep report`.
pub fn run(args: ReportArgs) -> CliResult<()> {
    match args.action {
        Some(ReportAction::Merge { outdir, top }) => {
            let rows = super::merge::merge(&outdir)?;
            print(&rows, &outdir.join("report.csv"), top);
            Ok(())
        }
        None => {
            let p = args
                .outdir
                .ok_or("give a prep output folder: lungprep report OUT (or report merge OUT)")?;
            let path = if p.is_dir() { p.join("report.csv") } else { p };
            if !path.is_file() {
                let hint = match path.parent().map(has_shard_reports) {
                    Some(true) => " (a sharded run: lungprep report merge OUT first)",
                    _ => "",
                };
                return Err(format!("{}: no such report{hint}", path.display()));
            }
            let rows = report::read(&path)?;
            print(&rows, &path, args.top);
            Ok(())
        }
    }
}

fn has_shard_reports(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .any(|e| {
            let n = e.file_name().to_string_lossy().to_string();
            super::shard::Shard::from_file_name(&n, "report.", ".csv").is_some()
        })
}

fn col<'a>(r: &'a Record, c: &str) -> &'a str {
    report::get(r, c).unwrap_or("")
}

fn secs(r: &Record) -> Option<f64> {
    col(r, "total_s").parse().ok()
}

/// The summary lines of `rows`, listing at most `top` cases per section.
pub fn lines(rows: &[Record], path: &Path, top: usize) -> Vec<String> {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for r in rows {
        *counts.entry(col(r, "status")).or_default() += 1;
    }
    let by: Vec<String> = counts.iter().map(|(s, n)| format!("{n} {s}")).collect();
    let mut v = vec![format!(
        "{}: {} case(s): {}",
        path.display(),
        rows.len(),
        by.join(", ")
    )];
    let section = |v: &mut Vec<String>, title: &str, items: Vec<String>| {
        if items.is_empty() {
            return;
        }
        v.push(format!("{title} ({}):", items.len()));
        v.extend(items.iter().take(top).map(|i| format!("  {i}")));
        if items.len() > top {
            v.push(format!("  … and {} more", items.len() - top));
        }
    };
    let failed: Vec<String> = rows
        .iter()
        .filter(|r| !matches!(col(r, "status"), "ok" | "skipped"))
        .map(|r| {
            format!(
                "{}  {}  {}",
                col(r, "name"),
                col(r, "status"),
                col(r, "error")
            )
        })
        .collect();
    section(&mut v, "failed", failed);
    let suspect: Vec<String> = rows
        .iter()
        .filter(|r| !col(r, "suspect").is_empty())
        .map(|r| {
            format!(
                "{}  {} mL (right {}, left {})  {}",
                col(r, "name"),
                col(r, "total_lung_ml"),
                col(r, "right_lung_ml"),
                col(r, "left_lung_ml"),
                col(r, "suspect")
            )
        })
        .collect();
    section(&mut v, "suspect", suspect);
    let mut timed: Vec<(&Record, f64)> = rows
        .iter()
        .filter(|r| col(r, "status") != "skipped")
        .filter_map(|r| secs(r).map(|s| (r, s)))
        .collect();
    timed.sort_by(|a, b| b.1.total_cmp(&a.1));
    let total: f64 = timed.iter().map(|(_, s)| s).sum();
    let slowest: Vec<String> = timed
        .iter()
        .map(|(r, s)| {
            format!(
                "{}  {s:.1} s  {}  {} MB",
                col(r, "name"),
                col(r, "status"),
                col(r, "peak_memory_mb")
            )
        })
        .collect();
    if !timed.is_empty() {
        v.push(format!(
            "time: {total:.1} s over {} case(s) run, {:.1} s per case",
            timed.len(),
            total / timed.len() as f64
        ));
    }
    section(&mut v, "slowest", slowest);
    v
}

/// Prints the summary of `rows` on stdout.
pub fn print(rows: &[Record], path: &Path, top: usize) {
    for l in lines(rows, path, top) {
        out(&l);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, status: &str, total: &str, suspect: &str) -> Record {
        [
            ("name", name),
            ("status", status),
            ("error", if status == "ok" { "" } else { "boom" }),
            ("total_s", total),
            ("suspect", suspect),
            ("total_lung_ml", "100.0"),
        ]
        .iter()
        .map(|(c, v)| (c.to_string(), v.to_string()))
        .collect()
    }

    #[test]
    fn summary_counts_lists_and_truncates() {
        let rows = vec![
            row("a", "ok", "1.0", ""),
            row("b", "ok", "3.0", "no second lung"),
            row("c", "error", "", ""),
            row("d", "ok", "2.0", ""),
            row("e", "timeout", "9.0", ""),
        ];
        let l = lines(&rows, Path::new("r.csv"), 2);
        assert_eq!(l[0], "r.csv: 5 case(s): 1 error, 3 ok, 1 timeout");
        assert_eq!(l[1], "failed (2):");
        assert!(l[2].starts_with("  c  error  boom"));
        assert!(l[4].starts_with("suspect (1):") && l[5].contains("no second lung"));
        let slow = l.iter().position(|x| x == "slowest (4):").unwrap();
        assert!(l[slow + 1].starts_with("  e  9.0 s"));
        assert!(l[slow + 2].starts_with("  b  3.0 s"));
        assert_eq!(l[slow + 3], "  … and 2 more");
        assert_eq!(
            l[slow - 1],
            "time: 15.0 s over 4 case(s) run, 3.8 s per case"
        );
    }
}
