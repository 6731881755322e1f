//! Listing the files under a folder safely: a hostile folder (symlink loops such as `a -> .`
//! and `b -> .`, links out of the tree, FIFOs, devices, sockets) can neither hang the walk nor
//! make a reader open something that blocks.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// What identifies a file whatever the path it is reached by: device and inode on Unix, the
/// canonical path elsewhere.
#[cfg(unix)]
fn identity(_path: &Path, md: &std::fs::Metadata) -> (u64, u64, PathBuf) {
    use std::os::unix::fs::MetadataExt;
    (md.dev(), md.ino(), PathBuf::new())
}

#[cfg(not(unix))]
fn identity(path: &Path, _md: &std::fs::Metadata) -> (u64, u64, PathBuf) {
    (
        0,
        0,
        std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()),
    )
}

/// What [`files`] found: regular files (sorted by path) and what it skipped, and why.
#[derive(Debug, Default, Clone)]
pub struct Listing {
    /// Regular files, each reached once (by its first path in sorted order).
    pub files: Vec<PathBuf>,
    /// One line per skipped entry: a loop, a link leaving the folder, a special file, an
    /// unreadable folder.
    pub skipped: Vec<String>,
}

/// Lists the regular files under `root`, recursively, in sorted order.
///
/// Symbolic links are followed, but every file and folder (by device and inode) is visited at
/// most once, which breaks loops; a folder link whose target lies outside `root` is followed
/// only with `follow_out`. FIFOs, sockets and devices are listed in `skipped`, never opened.
/// `stop` ends the walk early once it returns `true` for a file just found.
pub fn files_until(root: &Path, follow_out: bool, mut stop: impl FnMut(&Path) -> bool) -> Listing {
    let mut out = Listing::default();
    let top = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let mut seen: HashSet<(u64, u64, PathBuf)> = HashSet::new();
    let mut walk = walkdir::WalkDir::new(root)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walk.next() {
        let e = match entry {
            Ok(e) => e,
            Err(err) => {
                let what = err
                    .path()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default();
                let why = if err.loop_ancestor().is_some() {
                    "symlink loop".to_string()
                } else {
                    err.io_error()
                        .map(|e| e.to_string())
                        .unwrap_or_else(|| err.to_string())
                };
                out.skipped.push(format!("{what}: skipped ({why})"));
                continue;
            }
        };
        let Ok(md) = e.metadata() else {
            out.skipped
                .push(format!("{}: skipped (unreadable)", e.path().display()));
            continue;
        };
        let is_dir = md.is_dir();
        if !seen.insert(identity(e.path(), &md)) {
            if is_dir {
                walk.skip_current_dir();
            }
            continue;
        }
        if is_dir {
            if e.path_is_symlink() && !follow_out {
                let inside = std::fs::canonicalize(e.path()).is_ok_and(|t| t.starts_with(&top));
                if !inside {
                    out.skipped.push(format!(
                        "{}: skipped (links out of {})",
                        e.path().display(),
                        root.display()
                    ));
                    walk.skip_current_dir();
                }
            }
            continue;
        }
        if !md.is_file() {
            out.skipped.push(format!(
                "{}: skipped (not a regular file: FIFO, socket or device)",
                e.path().display()
            ));
            continue;
        }
        let done = stop(e.path());
        out.files.push(e.into_path());
        if done {
            break;
        }
    }
    out
}

/// Every regular file under `root`: [`files_until`] without stopping early.
pub fn files(root: &Path, follow_out: bool) -> Listing {
    files_until(root, follow_out, |_| false)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn loops_links_out_and_fifos() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("root");
        let sub = root.join("sub");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::write(sub.join("x.dcm"), b"x").unwrap();
        std::fs::write(root.join("y.dcm"), b"y").unwrap();
        // Two links to the root itself: an exponential walk before.
        symlink(".", root.join("a")).unwrap();
        symlink(".", root.join("b")).unwrap();
        // Two sibling links to one folder: visited once.
        symlink("sub", root.join("zlink")).unwrap();
        // A link leaving the root.
        let outside = tmp.path().join("outside");
        std::fs::create_dir(&outside).unwrap();
        std::fs::write(outside.join("z.dcm"), b"z").unwrap();
        symlink(&outside, root.join("out")).unwrap();
        let fifo = std::ffi::CString::new(root.join("scan.mha").to_str().unwrap()).unwrap();
        // SAFETY: plain mkfifo on a path we own.
        assert_eq!(unsafe { libc_mkfifo(&fifo) }, 0);
        let l = files(&root, false);
        let names: Vec<_> = l
            .files
            .iter()
            .map(|p| p.strip_prefix(&root).unwrap().to_path_buf())
            .collect();
        assert_eq!(names, [PathBuf::from("sub/x.dcm"), PathBuf::from("y.dcm")]);
        assert!(l.skipped.iter().any(|s| s.contains("links out")));
        assert!(l.skipped.iter().any(|s| s.contains("scan.mha")));
        let l = files(&root, true);
        assert_eq!(l.files.len(), 3);
        // Stopping early.
        let l = files_until(&root, false, |_| true);
        assert_eq!(l.files.len(), 1);
    }

    unsafe fn libc_mkfifo(p: &std::ffi::CStr) -> i32 {
        extern "C" {
            fn mkfifo(path: *const std::ffi::c_char, mode: u32) -> i32;
        }
        mkfifo(p.as_ptr(), 0o644)
    }
}
