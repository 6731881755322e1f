//! Atomic file writes: a temporary file in the destination's folder (tempfile's
//! `NamedTempFile`, removed if anything fails), synced and renamed into place (`persist`), so a
//! reader never sees a half-written volume.
//!
//! Temporary files are named `.NAME.tmp-PID-XXXXXX` (PID of the writing process, a random
//! suffix) so leftovers of a killed run can be recognised and removed once their owner is dead
//! ([`temp_owner`]).

use crate::error::{Error, Result};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

const TAG: &str = ".tmp-";

/// The process id that owns a temporary file of the atomic writer, from its file name
/// (`.NAME.tmp-PID-SUFFIX`); `None` for any other name.
pub fn temp_owner(file_name: &str) -> Option<u32> {
    let rest = file_name.strip_prefix('.')?;
    let (_, tail) = rest.rsplit_once(TAG)?;
    let (pid, suffix) = tail.split_once('-')?;
    if suffix.is_empty() || !suffix.chars().all(|c| c.is_ascii_alphanumeric()) {
        return None;
    }
    pid.parse().ok()
}

/// A new temporary file beside `path`, created with the permissions a plain `File::create`
/// would give (0666 less the umask; tempfile's own default is 0600).
fn temp_beside(path: &Path) -> std::io::Result<tempfile::NamedTempFile> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let prefix = format!(".{name}{TAG}{}-", std::process::id());
    let mut b = tempfile::Builder::new();
    b.prefix(&prefix).rand_bytes(6);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o666));
    }
    // tempfile's error names the temporary file and drops the OS error code: when the folder
    // itself is the problem, its own error says so plainly.
    b.tempfile_in(dir)
        .map_err(|e| std::fs::read_dir(dir).err().unwrap_or_else(|| bare(e)))
}

/// Writes `path` through `fill`, atomically. Errors name `path`, never the temporary file.
pub(crate) fn write_atomic<F>(path: &Path, fill: F) -> Result<()>
where
    F: FnOnce(&mut BufWriter<File>) -> Result<()>,
{
    let tmp = temp_beside(path).map_err(|e| Error::io(path, e))?;
    let (file, tmp_path) = tmp.into_parts();
    // The path guard deletes the temporary file on every early return below.
    let mut w = BufWriter::with_capacity(1 << 20, file);
    fill(&mut w)?;
    w.flush().map_err(|e| Error::io(path, e))?;
    let file = w
        .into_inner()
        .map_err(|e| Error::io(path, e.into_error()))?;
    file.sync_all().map_err(|e| Error::io(path, e))?;
    drop(file);
    tmp_path
        .persist(path)
        .map_err(|e| Error::io(path, bare(e.error)))?;
    Ok(())
}

/// The OS error alone: tempfile adds the temporary file's name ("… at path
/// \"/x/.o.nii.gz.tmp-…\""), which means nothing to the user; the caller names `path`.
fn bare(e: std::io::Error) -> std::io::Error {
    match e.raw_os_error() {
        Some(code) => std::io::Error::from_raw_os_error(code),
        None => std::io::Error::from(e.kind()),
    }
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
        let dir = tempfile::tempdir().unwrap();
        let t = temp_beside(&dir.path().join("a_clean.npy")).unwrap();
        let n = t.path().file_name().unwrap().to_str().unwrap().to_string();
        assert!(n.starts_with(".a_clean.npy.tmp-"), "{n}");
        assert_eq!(temp_owner(&n), Some(std::process::id()));
        assert_eq!(temp_owner("a_clean.npy"), None);
        assert_eq!(temp_owner(".a.tmp-12x-0"), None);
        assert_eq!(temp_owner(".a.tmp-12-"), None);
        assert_eq!(temp_owner(".report.csv.tmp-42-7"), Some(42));
        assert_eq!(temp_owner(".report.csv.tmp-42-a8Zk3Q"), Some(42));
    }

    #[test]
    fn errors_name_the_output_not_the_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("nodir").join("o.nii.gz");
        let e = write_bytes(&p, b"abc").unwrap_err().to_string();
        assert!(e.contains("o.nii.gz"), "{e}");
        assert!(!e.contains(".tmp-") && !e.contains("at path"), "{e}");
        assert_eq!(e.matches("No such file or directory").count(), 1, "{e}");
    }

    #[test]
    fn a_failed_write_leaves_nothing_and_a_good_one_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("v.npy");
        let r = write_atomic(&p, |_| Err(Error::io(&p, std::io::Error::other("boom"))));
        assert!(r.is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        write_bytes(&p, b"abc").unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"abc");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            // Group/other readable unless the umask says otherwise: not tempfile's 0600.
            assert_ne!(mode, 0o600, "{mode:o}");
        }
    }
}
