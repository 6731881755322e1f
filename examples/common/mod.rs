//! Helpers shared by the `.npy`-in / `.npy`-out examples (included with `mod common;`).
#![allow(dead_code)]

use std::error::Error;
use std::path::Path;

use ndarray::ArrayD;

/// Reads a `.npy` of bool or any common integer / float dtype as a mask (nonzero = true).
pub fn read_mask(path: &Path) -> Result<ArrayD<bool>, Box<dyn Error>> {
    macro_rules! try_as {
        ($($t:ty),*) => {$(
            if let Ok(a) = ndarray_npy::read_npy::<_, ArrayD<$t>>(path) {
                #[allow(clippy::float_cmp)]
                return Ok(a.mapv(|v| v != <$t>::default()));
            }
        )*};
    }
    try_as!(bool, u8, i8, u16, i16, u32, i32, u64, i64, f32, f64);
    Err(format!("{}: unsupported .npy dtype", path.display()).into())
}

/// The `.npy` dtype as kind + size (`u1`, `i2`, `f8`, …), byte order dropped.
pub fn npy_dtype(path: &Path) -> Result<String, Box<dyn Error>> {
    let h = lungprep::volume_io::read_npy_header(path)?;
    Ok(h.descr.trim_start_matches(['<', '>', '|', '=']).to_string())
}

/// With `MORPH3D_TIMING=N` in the environment, runs `f` N times and prints the best wall time
/// to stderr as `kernel_seconds: S` (used by scripts/bench_morph3d.py); otherwise runs it once.
pub fn timed<T, E>(mut f: impl FnMut() -> Result<T, E>) -> Result<T, E> {
    let reps: usize = std::env::var("MORPH3D_TIMING")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    if reps == 0 {
        return f();
    }
    let mut best = f64::INFINITY;
    let mut out = None;
    let mut first_faults = None;
    for rep in 0..reps {
        let before = minor_faults();
        let t = std::time::Instant::now();
        let r = f()?;
        best = best.min(t.elapsed().as_secs_f64());
        if rep == 0 {
            first_faults = minor_faults().zip(before).map(|(a, b)| a.saturating_sub(b));
        }
        out = Some(r);
    }
    eprintln!("kernel_seconds: {best}");
    if let Some(first) = first_faults {
        // Pages first touched by the first (cold) run: on these VMs each costs about a
        // microsecond, so footprint is time.
        eprintln!("kernel_minor_faults_first_run: {first}");
    }
    match out {
        Some(r) => Ok(r),
        None => f(),
    }
}

/// Minor page faults of this process so far (`/proc/self/stat` field 10), where Linux has it.
fn minor_faults() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) may hold spaces; the fields after it do not.
    let rest = &stat[stat.rfind(')')? + 2..];
    rest.split(' ').nth(7)?.parse().ok()
}

/// A dtype given by name (`uint8`, `float64`) or code (`<u1`, `f8`) as kind + size (`u1`, `f8`).
pub fn normalise_dtype(d: &str) -> String {
    let d = d.trim_start_matches(['<', '>', '|', '=']);
    match d {
        "uint8" => "u1",
        "int8" => "i1",
        "uint16" => "u2",
        "int16" => "i2",
        "uint32" => "u4",
        "int32" => "i4",
        "uint64" => "u8",
        "int64" => "i8",
        "float32" => "f4",
        "float64" => "f8",
        other => other,
    }
    .to_string()
}
