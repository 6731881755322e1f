//! Per-case isolation: each case of `prep` runs in a child process (`lungprep worker`, hidden),
//! under a wall-clock limit and a memory cap, so a case that panics, aborts, is killed or hangs
//! costs one row of the report, never the batch.
//!
//! The child gets the parent's own `prep` arguments (so every option reaches it unchanged) and
//! the case as JSON on stdin; it writes its outputs itself (atomically) and prints its report
//! row as JSON on stdout. The parent polls `/proc/PID/status` and kills the child when its
//! resident memory passes the cap; `RLIMIT_AS` (twice the cap plus 1 GiB) is the backstop that
//! makes one giant allocation fail at once instead of being faulted in.

use std::ffi::OsString;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::input::{Case, Source};
use super::report::{self, Record};
use super::{msg, CliResult};

/// Peak RSS of the pipeline per input voxel, rounded up (≈ 9.4 B measured, see `alloc.rs`).
pub const PIPELINE_BYTES_PER_VOXEL: u64 = 10;

/// Default wall-clock limit per case on one core's share: a 700-slice 512² scan (183 M
/// voxels) takes about 2 minutes here, so 30 minutes leaves a wide margin on slow disks.
const BASE_TIMEOUT_S: u64 = 1800;

/// The limits a case runs under.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Wall-clock limit.
    pub timeout: Duration,
    /// Resident memory cap, bytes.
    pub max_memory: u64,
}

impl Limits {
    /// `--timeout` / `--max-memory`, or the defaults: memory = total RAM × 0.8 / jobs;
    /// timeout = 1800 s × max(1, jobs / cores).
    pub fn new(timeout_s: Option<f64>, max_memory: Option<u64>, jobs: usize) -> Limits {
        let jobs = jobs.max(1) as u64;
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get()) as u64;
        let timeout = timeout_s
            .map(Duration::from_secs_f64)
            .unwrap_or_else(|| Duration::from_secs(BASE_TIMEOUT_S * jobs.div_ceil(cores).max(1)));
        let max_memory = max_memory.unwrap_or_else(|| total_ram() / 10 * 8 / jobs);
        Limits {
            timeout,
            max_memory,
        }
    }

    /// The largest declared volume (bytes of int16 voxels) a reader may allocate: what the
    /// memory cap allows at the pipeline's bytes per voxel.
    pub fn max_read_bytes(&self) -> u64 {
        self.max_memory / (PIPELINE_BYTES_PER_VOXEL / 2)
    }
}

/// Total RAM from `/proc/meminfo` (16 GiB when unknown).
fn total_ram() -> u64 {
    proc_kb("/proc/meminfo", "MemTotal:").map_or(16 << 30, |kb| kb * 1024)
}

/// A `KEY: N kB` line of a `/proc` file, in kB.
fn proc_kb(path: &str, key: &str) -> Option<u64> {
    let s = std::fs::read_to_string(path).ok()?;
    let line = s.lines().find(|l| l.starts_with(key))?;
    line[key.len()..].split_whitespace().next()?.parse().ok()
}

/// Parses a memory size: `4G`, `512M`, `1.5GiB`, `100000` (bytes). Units are binary.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let t = t
        .strip_suffix("iB")
        .or_else(|| t.strip_suffix('B'))
        .unwrap_or(t);
    let (num, mult) = match t.chars().last().map(|c| c.to_ascii_uppercase()) {
        Some('K') => (&t[..t.len() - 1], 1u64 << 10),
        Some('M') => (&t[..t.len() - 1], 1 << 20),
        Some('G') => (&t[..t.len() - 1], 1 << 30),
        Some('T') => (&t[..t.len() - 1], 1 << 40),
        _ => (t, 1),
    };
    match num.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 => Ok((v * mult as f64) as u64),
        _ => Err(format!(
            "{s:?} is not a memory size (examples: 4G, 512M, 1.5GiB)"
        )),
    }
}

/// The case as sent to the child on stdin.
#[derive(Serialize, Deserialize)]
pub struct Job {
    /// Output name.
    pub name: String,
    /// The scan; `None` is the phantom.
    pub source: Option<PathBuf>,
    /// The series of a folder holding several.
    #[serde(default)]
    pub series: Option<String>,
}

impl Job {
    /// The job of a case.
    pub fn of(case: &Case) -> Job {
        Job {
            name: case.name.clone(),
            source: match &case.source {
                Source::Path(p) => Some(p.clone()),
                Source::Phantom => None,
            },
            series: case.series.clone(),
        }
    }

    /// The case of a job.
    pub fn case(self) -> Case {
        Case {
            name: self.name,
            source: self.source.map_or(Source::Phantom, Source::Path),
            series: self.series,
        }
    }
}

/// The child's command line: this binary with the parent's arguments, `prep` → `worker`.
pub fn worker_args() -> CliResult<Vec<OsString>> {
    let mut args: Vec<OsString> = std::env::args_os().skip(1).collect();
    let i = args
        .iter()
        .position(|a| a == "prep")
        .ok_or("cannot find the prep subcommand in the arguments")?;
    args[i] = "worker".into();
    Ok(args)
}

fn signal_name(sig: i32) -> String {
    match sig {
        libc::SIGKILL => "SIGKILL".into(),
        libc::SIGABRT => "SIGABRT".into(),
        libc::SIGSEGV => "SIGSEGV".into(),
        libc::SIGBUS => "SIGBUS".into(),
        libc::SIGILL => "SIGILL".into(),
        libc::SIGFPE => "SIGFPE".into(),
        libc::SIGTERM => "SIGTERM".into(),
        libc::SIGINT => "SIGINT".into(),
        _ => format!("signal {sig}"),
    }
}

/// Why the parent killed a child.
#[derive(Clone, Copy, PartialEq)]
enum Kill {
    Memory(u64),
    Timeout,
}

/// Runs `case` in a child process under `limits`; `stderr_line` receives the child's stderr
/// as it comes. Always returns a report row: the child's own, or one saying how it died.
pub fn run(
    case: &Case,
    args: &[OsString],
    limits: Limits,
    stderr_line: &(dyn Fn(&str) + Sync),
) -> Record {
    let t0 = Instant::now();
    let mut row: Record = vec![
        ("name".into(), case.name.clone()),
        ("status".into(), "crashed".into()),
        ("error".into(), String::new()),
        ("input".into(), case.source.display()),
    ];
    let exe = match std::env::current_exe() {
        Ok(e) => e,
        Err(e) => {
            report::set(
                &mut row,
                "error",
                format!("cannot find own executable: {}", msg(e)),
            );
            return row;
        }
    };
    let as_limit = limits.max_memory.saturating_mul(2).saturating_add(1 << 30);
    let mut cmd = Command::new(exe);
    cmd.args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: only async-signal-safe setrlimit runs between fork and exec.
    unsafe {
        std::os::unix::process::CommandExt::pre_exec(&mut cmd, move || {
            let lim = libc::rlimit {
                rlim_cur: as_limit,
                rlim_max: as_limit,
            };
            libc::setrlimit(libc::RLIMIT_AS, &lim);
            Ok(())
        });
    }
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            report::set(
                &mut row,
                "error",
                format!("cannot start worker: {}", msg(e)),
            );
            return row;
        }
    };
    let pid = child.id() as i32;
    if let Some(mut stdin) = child.stdin.take() {
        let job = serde_json::to_vec(&Job::of(case)).unwrap_or_default();
        // A child that died at once shows below; a broken pipe here says nothing more.
        let _ = stdin.write_all(&job);
    }
    let (mut out, err) = (child.stdout.take(), child.stderr.take());
    let mut tail: Vec<String> = Vec::new();
    let mut stdout = String::new();
    let mut status = 0i32;
    // SAFETY: rusage is plain data; zeroed is a valid value.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let mut killed = None;
    std::thread::scope(|s| {
        let reader = s.spawn(|| {
            if let Some(o) = out.as_mut() {
                let _ = o.read_to_string(&mut stdout);
            }
        });
        let errs = s.spawn(|| {
            let mut tail = Vec::new();
            if let Some(e) = err {
                for line in BufReader::new(e).lines().map_while(Result::ok) {
                    stderr_line(&line);
                    tail.push(line);
                    if tail.len() > 8 {
                        tail.remove(0);
                    }
                }
            }
            tail
        });
        loop {
            // SAFETY: waiting on our own child with valid out-pointers.
            let r = unsafe { libc::wait4(pid, &mut status, libc::WNOHANG, &mut usage) };
            if r == pid || r < 0 {
                break;
            }
            if killed.is_none() {
                let rss = proc_kb(&format!("/proc/{pid}/status"), "VmRSS:").unwrap_or(0) * 1024;
                if rss > limits.max_memory {
                    killed = Some(Kill::Memory(rss));
                } else if t0.elapsed() > limits.timeout {
                    killed = Some(Kill::Timeout);
                }
                if killed.is_some() {
                    // SAFETY: signalling our own, not yet reaped, child.
                    unsafe { libc::kill(pid, libc::SIGKILL) };
                }
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = reader.join();
        tail = errs.join().unwrap_or_default();
    });
    let secs = t0.elapsed().as_secs_f64();
    let peak_mb = usage.ru_maxrss as f64 / 1024.0;
    let clean_exit = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    let child_row = stdout
        .lines()
        .last()
        .and_then(|l| serde_json::from_str::<Record>(l).ok());
    if let (true, None, Some(mut r)) = (clean_exit, killed, child_row) {
        report::set(&mut r, "peak_memory_mb", format!("{peak_mb:.0}"));
        return r;
    }
    let how = match killed {
        Some(Kill::Timeout) => {
            report::set(&mut row, "status", "timeout");
            format!(
                "killed after the time limit of {} s",
                limits.timeout.as_secs_f64()
            )
        }
        Some(Kill::Memory(rss)) => format!(
            "killed at {} MB resident, over the memory cap of {} MB",
            rss >> 20,
            limits.max_memory >> 20
        ),
        None if libc::WIFSIGNALED(status) => {
            format!("killed by {}", signal_name(libc::WTERMSIG(status)))
        }
        None => format!("worker exited with status {}", libc::WEXITSTATUS(status)),
    };
    let last: Vec<&str> = tail
        .iter()
        .map(|l| l.trim())
        .filter(|l| !l.is_empty())
        .collect();
    let mut error = format!("{how}; peak memory {peak_mb:.0} MB; after {secs:.1} s");
    if !last.is_empty() && killed != Some(Kill::Timeout) {
        error.push_str("; stderr: ");
        error.push_str(&last[last.len().saturating_sub(3)..].join(" | "));
    }
    report::set(&mut row, "error", error);
    report::set(&mut row, "total_s", format!("{secs:.4}"));
    report::set(&mut row, "peak_memory_mb", format!("{peak_mb:.0}"));
    row
}

/// The child side: reads the job from stdin, runs it in-process and prints the row as JSON.
pub fn child(args: &super::prep::PrepArgs) -> CliResult<()> {
    let mut s = String::new();
    std::io::stdin()
        .read_to_string(&mut s)
        .map_err(|e| format!("worker: reading the job: {}", msg(e)))?;
    let job: Job = serde_json::from_str(&s).map_err(|e| format!("worker: bad job: {e}"))?;
    let row = super::prep::process(&job.case(), args);
    super::out(&serde_json::to_string(&row).map_err(msg)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes() {
        assert_eq!(parse_size("4G"), Ok(4 << 30));
        assert_eq!(parse_size("512M"), Ok(512 << 20));
        assert_eq!(parse_size("1.5GiB"), Ok(3 << 29));
        assert_eq!(parse_size("100000"), Ok(100_000));
        assert_eq!(parse_size("2k"), Ok(2048));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("-1G").is_err());
        assert!(parse_size("").is_err());
    }
}
