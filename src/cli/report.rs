//! `report.csv`: one row per case, merged (never replaced) under an advisory lock, so runs that
//! resume, or run at the same time into one folder, lose no row.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::input::write_atomic;
use super::{msg, CliResult};

/// One row: (column, value) pairs in column order. Generic so that a report written by another
/// version (other columns) merges without losing anything.
pub type Record = Vec<(String, String)>;

/// The value of `col` in `r`.
pub fn get<'a>(r: &'a Record, col: &str) -> Option<&'a str> {
    r.iter().find(|(c, _)| c == col).map(|(_, v)| v.as_str())
}

/// Sets `col` in `r` (appended when new).
pub fn set(r: &mut Record, col: &str, value: impl Into<String>) {
    match r.iter_mut().find(|(c, _)| c == col) {
        Some((_, v)) => *v = value.into(),
        None => r.push((col.to_string(), value.into())),
    }
}

/// The rows of a `report.csv` (empty when it does not exist).
pub fn read(path: &Path) -> CliResult<Vec<Record>> {
    let mut rd = match csv::Reader::from_path(path) {
        Ok(r) => r,
        Err(e) if matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == std::io::ErrorKind::NotFound) => {
            return Ok(Vec::new())
        }
        Err(e) => return Err(format!("{}: {}", path.display(), msg(e))),
    };
    let header: Vec<String> = rd
        .headers()
        .map_err(|e| format!("{}: {}", path.display(), msg(e)))?
        .iter()
        .map(String::from)
        .collect();
    let mut rows = Vec::new();
    for rec in rd.records() {
        let rec = rec.map_err(|e| format!("{}: {}", path.display(), msg(e)))?;
        rows.push(
            header
                .iter()
                .cloned()
                .zip(rec.iter().map(String::from))
                .collect(),
        );
    }
    Ok(rows)
}

/// `rows` with `new` merged in: a row of the same name is replaced in place, others appended.
pub fn merge(mut rows: Vec<Record>, new: &[Record]) -> Vec<Record> {
    for r in new {
        let name = get(r, "name");
        match rows.iter_mut().find(|o| get(o, "name") == name) {
            Some(o) => *o = r.clone(),
            None => rows.push(r.clone()),
        }
    }
    rows
}

/// The columns of report.csv in their documented order (README, "report.csv columns").
/// Columns are only ever added (at the end), never renamed: `--skip-existing` reads reports
/// written by earlier versions.
pub const COLUMNS: [&str; 31] = [
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
    "load_s",
    "binarize_per_slice_s",
    "all_slice_analysis_s",
    "fill_hole_s",
    "two_lung_only_s",
    "process_mask_s",
    "apply_mask_s",
    "resample_s",
    "save_s",
    "total_s",
    "peak_memory_mb",
    "options_hash",
    "lungprep_version",
    "preset",
    "annotations",
    "series_uid",
    "right_lung_ml",
    "left_lung_ml",
    "total_lung_ml",
    "suspect",
    "shard",
];

/// CSV bytes of `rows`; the columns are the union of every row's: the known ones in
/// [`COLUMNS`] order, then any others (a newer version's) in first-seen order.
pub fn to_csv(rows: &[Record]) -> CliResult<Vec<u8>> {
    let mut cols: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .filter(|c| rows.iter().any(|r| get(r, c).is_some()))
        .collect();
    for r in rows {
        for (c, _) in r {
            if !cols.contains(&c.as_str()) {
                cols.push(c);
            }
        }
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(&cols).map_err(msg)?;
    for r in rows {
        w.write_record(cols.iter().map(|c| get(r, c).unwrap_or("")))
            .map_err(msg)?;
    }
    w.into_inner().map_err(|e| msg(e.into_error()))
}

/// An exclusive `flock` on `report.csv.lock` beside the report, released on drop.
pub struct Lock {
    _file: File,
}

impl Lock {
    /// Takes the lock, waiting up to `timeout`.
    pub fn take(report: &Path, timeout: Duration) -> CliResult<Lock> {
        let path = lock_path(report);
        let f = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| format!("{}: {}", path.display(), msg(e)))?;
        let t0 = Instant::now();
        loop {
            // SAFETY: flock on a descriptor we own; no memory is involved.
            let r = unsafe {
                libc::flock(
                    std::os::fd::AsRawFd::as_raw_fd(&f),
                    libc::LOCK_EX | libc::LOCK_NB,
                )
            };
            if r == 0 {
                return Ok(Lock { _file: f });
            }
            if t0.elapsed() > timeout {
                return Err(format!(
                    "{}: still locked by another run after {} s",
                    path.display(),
                    timeout.as_secs()
                ));
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn lock_path(report: &Path) -> PathBuf {
    let mut s = report.as_os_str().to_owned();
    s.push(".lock");
    PathBuf::from(s)
}

/// Merges `new` into the report at `path`: read, merge, atomic write, all under the lock.
pub fn update(path: &Path, new: &[Record], timeout: Duration) -> CliResult<()> {
    let _lock = Lock::take(path, timeout)?;
    let rows = merge(read(path)?, new);
    write_atomic(path, &to_csv(&rows)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(name: &str, status: &str) -> Record {
        vec![
            ("name".into(), name.into()),
            ("status".into(), status.into()),
        ]
    }

    #[test]
    fn merge_keeps_earlier_rows_and_replaces_reruns() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("report.csv");
        let t = Duration::from_secs(5);
        update(&p, &[rec("a", "ok"), rec("b", "error")], t).unwrap();
        let mut c = rec("b", "ok");
        set(&mut c, "extra", "1");
        update(&p, &[c, rec("c", "timeout")], t).unwrap();
        let rows = read(&p).unwrap();
        let got: Vec<(&str, &str, &str)> = rows
            .iter()
            .map(|r| {
                (
                    get(r, "name").unwrap(),
                    get(r, "status").unwrap(),
                    get(r, "extra").unwrap(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [("a", "ok", ""), ("b", "ok", "1"), ("c", "timeout", "")]
        );
    }

    #[test]
    fn lock_times_out_while_held() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("report.csv");
        let held = Lock::take(&p, Duration::from_secs(1)).unwrap();
        // flock locks belong to the open file description: a second open conflicts.
        assert!(Lock::take(&p, Duration::from_millis(100)).is_err());
        drop(held);
        assert!(Lock::take(&p, Duration::from_millis(100)).is_ok());
    }
}
