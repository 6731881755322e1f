//! Shared harness: the readers take paths, so each input is written to a per-process file in
//! a RAM-backed folder and read through `volume_io::read` with a 256 MiB limit (a declared
//! volume above it must be a typed error, never an allocation).

use std::path::PathBuf;

/// Writes `data` to a file named `name` in this process's scratch folder and reads it.
pub fn read_as(name: &str, data: &[u8]) {
    let base = if std::path::Path::new("/dev/shm").is_dir() {
        PathBuf::from("/dev/shm")
    } else {
        std::env::temp_dir()
    };
    let dir = base.join(format!("lungprep-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path = dir.join(name);
    if std::fs::write(&path, data).is_err() {
        return;
    }
    let opts = volume_io::ReadOptions {
        max_bytes: Some(256 << 20),
        ..Default::default()
    };
    let _ = volume_io::read(&path, &opts);
}
