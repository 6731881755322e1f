//! The annotations file of a batch, checked once before any case runs.

use std::collections::BTreeSet;
use std::path::Path;

use lungprep::lungseg::read_annotation_table;

use super::{msg, CliResult};

/// How many unmatched series UIDs the warning names before it only counts the rest.
const SHOWN: usize = 10;

/// Reads the whole file (a missing file, a missing column or a bad value anywhere is an error
/// now, not in the middle of the batch) and returns the warning for the rows whose
/// `seriesuid` names no case of `cases` (they would silently give no label), if any.
pub fn check<'a>(
    path: &Path,
    cases: impl IntoIterator<Item = &'a str>,
) -> CliResult<Option<String>> {
    let table = read_annotation_table(path).map_err(msg)?;
    let cases: BTreeSet<&str> = cases.into_iter().collect();
    let mut unmatched: Vec<&str> = Vec::new();
    let mut rows = 0usize;
    for (uid, _) in &table {
        if !cases.contains(uid.as_str()) {
            rows += 1;
            if !unmatched.contains(&uid.as_str()) {
                unmatched.push(uid);
            }
        }
    }
    Ok(unmatched_warning(path, &unmatched, rows))
}

fn unmatched_warning(path: &Path, uids: &[&str], rows: usize) -> Option<String> {
    if uids.is_empty() {
        return None;
    }
    Some(format!(
        "{}: {rows} row(s) of {} seriesuid(s) match no case and are not used: {}",
        path.display(),
        uids.len(),
        super::first_of(uids, SHOWN)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> (tempfile::TempDir, std::path::PathBuf) {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("annotations.csv");
        std::fs::write(&p, text).unwrap();
        (d, p)
    }

    #[test]
    fn unmatched_rows_are_named_once_each() {
        let (_d, p) = file("seriesuid,coordX,coordY,coordZ,diameter_mm\na,1,2,3,4\nb,1,2,3,4\nb,5,6,7,8\nc,1,2,3,4\n");
        let w = check(&p, ["a", "x"]).unwrap().unwrap();
        assert!(
            w.ends_with("3 row(s) of 2 seriesuid(s) match no case and are not used: b, c"),
            "{w}"
        );
        assert_eq!(check(&p, ["a", "b", "c"]).unwrap(), None);
    }

    #[test]
    fn long_lists_are_cut() {
        let uids: Vec<String> = (0..13).map(|i| format!("u{i}")).collect();
        let refs: Vec<&str> = uids.iter().map(String::as_str).collect();
        let w = unmatched_warning(Path::new("a.csv"), &refs, 13).unwrap();
        assert!(w.ends_with("u8, u9 and 3 more"), "{w}");
    }

    /// Truncated and bit-flipped files give a result or a typed error, never a panic.
    #[test]
    fn hostile_files_do_not_panic() {
        let good =
            b"seriesuid,coordX,coordY,coordZ,diameter_mm\n1.2.3,-10.5,20,30.25,6\n4.5,1,2,3,4\n";
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("a.csv");
        for cut in 0..good.len() {
            std::fs::write(&p, &good[..cut]).unwrap();
            let _ = check(&p, ["1.2.3"]);
        }
        for i in 0..good.len() {
            for bit in 0..8 {
                let mut b = good.to_vec();
                b[i] ^= 1 << bit;
                std::fs::write(&p, &b).unwrap();
                if let Ok(Some(w)) = check(&p, ["1.2.3"]) {
                    assert!(w.contains("match no case"), "{w}");
                }
            }
        }
        std::fs::write(&p, [0xffu8, 0xfe, 0, 0x80, b'\n', 0xc3]).unwrap();
        assert!(check(&p, ["a"]).is_err());
    }

    #[test]
    fn missing_file_and_columns_fail() {
        let e = check(Path::new("/nonexistent/annotations.csv"), ["a"]).unwrap_err();
        assert!(e.contains("/nonexistent/annotations.csv"), "{e}");
        let (_d, p) = file("seriesuid,coordX\na,1\n");
        let e = check(&p, ["a"]).unwrap_err();
        assert!(e.contains("coordY, coordZ, diameter_mm"), "{e}");
    }
}
