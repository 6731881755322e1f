//! The subcommands of the `lungprep` binary.

pub mod annotations;
pub mod histogram;
pub mod info;
pub mod input;
pub mod outputs;
pub mod picture;
pub mod prep;
pub mod qc;
pub mod report;
pub mod run;
pub mod worker;
// Sharded runs, run.json, lung volumes and the report summary (issues 15, 16).
pub mod manifest;
pub mod merge;
pub mod shard;
pub mod summary;
pub mod suspect;

pub mod mesh;
pub mod montage;
pub mod nodules;
pub mod slicewise;

/// Set by `-q`: no progress bar (errors still print).
pub static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Errors of the binary: a message with its cause chain already rendered.
pub type CliResult<T> = Result<T, String>;

/// Renders any error with its sources, each cause once: a source whose text the message
/// already shows (`{path}: {source}` variants) is not repeated.
pub fn msg(e: impl std::error::Error) -> String {
    let mut s = e.to_string();
    let mut src = e.source();
    while let Some(c) = src {
        let t = c.to_string();
        if !s.contains(&t) {
            s.push_str(": ");
            s.push_str(&t);
        }
        src = c.source();
    }
    s
}

/// `items` joined with ", ", the first `shown` of them, then "and N more".
pub fn first_of(items: &[&str], shown: usize) -> String {
    let mut s = items[..items.len().min(shown)].join(", ");
    if items.len() > shown {
        s.push_str(&format!(" and {} more", items.len() - shown));
    }
    s
}

/// Prints a line on stdout; a closed pipe (`| head`) ends quietly instead of panicking.
pub fn out(line: &str) {
    use std::io::Write;
    let mut o = std::io::stdout().lock();
    if writeln!(o, "{line}").and_then(|_| o.flush()).is_err() {
        std::process::exit(0);
    }
}
