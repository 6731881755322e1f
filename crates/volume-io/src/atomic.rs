//! Atomic file writes: a temporary file in the destination's folder, renamed into place, so a
//! reader never sees a half-written volume.
//!
//! Temporary files are named `.NAME.tmp-PID-N` (PID of the writing process) so leftovers of a
//! killed run can be recognised and removed once their owner is dead ([`temp_owner`]).

use crate::error::{Error, Result};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

const TAG: &str = ".tmp-";

fn temp_path(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    path.with_file_name(format!(".{name}{TAG}{}-{n}", std::process::id()))
}

/// The process id that owns a temporary file of the atomic writer, from its file name
/// (`.NAME.tmp-PID-N`); `None` for any other name.
pub fn temp_owner(file_name: &str) -> Option<u32> {
    let rest = file_name.strip_prefix('.')?;
    let (_, tail) = rest.rsplit_once(TAG)?;
    let (pid, n) = tail.split_once('-')?;
    n.parse::<u64>().ok()?;
    pid.parse().ok()
}

/// Writes `path` through `fill`, atomically. Errors name `path`, never the temporary file.
pub(crate) fn write_atomic<F>(path: &Path, fill: F) -> Result<()>
where
    F: FnOnce(&mut BufWriter<File>) -> Result<()>,
{
    let tmp = temp_path(path);
    let result = (|| {
        let file = File::create(&tmp).map_err(|e| Error::io(path, e))?;
        let mut w = BufWriter::with_capacity(1 << 20, file);
        fill(&mut w)?;
        w.flush().map_err(|e| Error::io(path, e))?;
        let file = w
            .into_inner()
            .map_err(|e| Error::io(path, e.into_error()))?;
        file.sync_all().map_err(|e| Error::io(path, e))?;
        std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Writes `bytes` to `path` atomically.
pub(crate) fn write_bytes(path: &Path, bytes: &[u8]) -> Result<()> {
    write_atomic(path, |w| w.write_all(bytes).map_err(|e| Error::io(path, e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temp_names_carry_the_owner() {
        let t = temp_path(Path::new("/x/a_clean.npy"));
        let n = t.file_name().unwrap().to_str().unwrap();
        assert_eq!(temp_owner(n), Some(std::process::id()));
        assert_eq!(temp_owner("a_clean.npy"), None);
        assert_eq!(temp_owner(".a.tmp-12x-0"), None);
        assert_eq!(temp_owner(".report.csv.tmp-42-7"), Some(42));
    }
}
