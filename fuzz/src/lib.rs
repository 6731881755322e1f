//! Shared harness: the readers take paths, so each input is written to a per-process file in
//! a RAM-backed folder and read through `lungprep_volume_io::read` with a 256 MiB limit (a declared
//! volume above it must be a typed error, never an allocation).
//!
//! The library catches panics of third-party decoders and turns them into errors, but
//! libfuzzer-sys's panic hook aborts on every panic, caught or not. So the hook is replaced by
//! one that only remembers the message, and the process aborts (a finding) only when a panic
//! escapes `lungprep_volume_io::read`.

use std::cell::RefCell;
use std::path::PathBuf;

thread_local! {
    static LAST_PANIC: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Writes `data` to a file named `name` in this process's scratch folder and reads it.
pub fn read_as(name: &str, data: &[u8]) {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            LAST_PANIC.with(|p| *p.borrow_mut() = info.to_string());
        }))
    });
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
    let opts = lungprep_volume_io::ReadOptions {
        max_bytes: Some(256 << 20),
        ..Default::default()
    };
    if std::panic::catch_unwind(|| lungprep_volume_io::read(&path, &opts)).is_err() {
        LAST_PANIC.with(|p| eprintln!("panic escaped lungprep_volume_io::read: {}", p.borrow()));
        std::process::abort();
    }
}
