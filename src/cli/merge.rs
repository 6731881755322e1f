//! `run.json` (how a `prep` run was made) and `lungprep report merge OUT`: the per-shard
//! reports of a sharded run combined into one `report.csv`, refusing a case reported twice or
//! missing.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::input::write_atomic;
use super::report::{self, Record};
use super::shard::Shard;
use super::{msg, CliResult};

/// `run.json` (or `run.K-of-N.json`), written beside the report when a run starts and again
/// when it ends.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct RunInfo {
    /// The lungprep version.
    pub lungprep_version: String,
    /// The command line, program first.
    pub command_line: Vec<String>,
    /// The working folder the command ran in.
    pub working_dir: String,
    /// `std::env::consts::OS` and `ARCH` of the machine.
    pub platform: String,
    /// Host name (`/proc/sys/kernel/hostname`), empty when unknown.
    pub host: String,
    /// grt123 preset.
    pub preset: String,
    /// Threads per case (`--threads`, `RAYON_NUM_THREADS`, else the cores).
    #[serde(default)]
    pub threads: usize,
    /// The options hash every row of the report carries.
    pub options_hash: String,
    /// `K-of-N`, or empty for an unsharded run.
    pub shard: String,
    /// Number of cases in the whole case list (every shard's).
    pub cases_total: usize,
    /// Hash of the whole case list (names and inputs, in order): equal in every shard of one run.
    pub case_list_hash: String,
    /// The cases of this run (this shard's part), in order.
    pub cases: Vec<String>,
    /// Scheduler variables seen (`SLURM_*` job and array ids, `JOB_COMPLETION_INDEX`, …).
    pub scheduler: BTreeMap<String, String>,
    /// Start, seconds since the Unix epoch.
    pub started_unix_s: f64,
    /// End, seconds since the Unix epoch; `None` while running (or when the run died).
    pub finished_unix_s: Option<f64>,
    /// Cases by status at the end.
    pub counts: BTreeMap<String, usize>,
    /// For a merged `run.json`: the number of shards and the `prep` command line of shard 1
    /// (every shard runs the same one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged: Option<(usize, Vec<String>)>,
}

/// Environment variables a scheduler sets that say which task this was.
const SCHEDULER_VARS: [&str; 11] = [
    "SLURM_JOB_ID",
    "SLURM_ARRAY_JOB_ID",
    "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_COUNT",
    "SLURM_ARRAY_TASK_MIN",
    "SLURM_ARRAY_TASK_MAX",
    "SLURM_CPUS_PER_TASK",
    "SLURM_MEM_PER_NODE",
    "SLURM_JOB_NODELIST",
    "JOB_COMPLETION_INDEX",
    "HOSTNAME",
];

/// Seconds since the Unix epoch.
pub fn now_unix_s() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

impl RunInfo {
    /// The record of a run starting now.
    pub fn start(
        preset: String,
        options_hash: String,
        shard: Option<Shard>,
        case_list_hash: String,
        cases_total: usize,
        cases: Vec<String>,
    ) -> RunInfo {
        RunInfo {
            lungprep_version: env!("CARGO_PKG_VERSION").into(),
            command_line: std::env::args().collect(),
            working_dir: std::env::current_dir()
                .map(|d| d.display().to_string())
                .unwrap_or_default(),
            platform: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
            host: std::fs::read_to_string("/proc/sys/kernel/hostname")
                .map(|h| h.trim().to_string())
                .unwrap_or_default(),
            preset,
            threads: rayon::current_num_threads(),
            options_hash,
            shard: shard.map(|s| s.to_string()).unwrap_or_default(),
            cases_total,
            case_list_hash,
            cases,
            scheduler: SCHEDULER_VARS
                .iter()
                .filter_map(|v| std::env::var(v).ok().map(|x| (v.to_string(), x)))
                .collect(),
            started_unix_s: now_unix_s(),
            finished_unix_s: None,
            counts: BTreeMap::new(),
            merged: None,
        }
    }

    /// Writes it (atomically) to `path`.
    pub fn write(&self, path: &Path) -> CliResult<()> {
        let s = serde_json::to_string_pretty(self).map_err(msg)?;
        write_atomic(path, s.as_bytes())
    }

    fn read(path: &Path) -> CliResult<RunInfo> {
        let s =
            std::fs::read_to_string(path).map_err(|e| format!("{}: {}", path.display(), msg(e)))?;
        serde_json::from_str(&s).map_err(|e| format!("{}: {e}", path.display()))
    }
}

/// How many names a merge error lists before "… and N more".
const LIST: usize = 20;

fn listed(names: &[String]) -> String {
    let mut s = names[..names.len().min(LIST)].join(", ");
    if names.len() > LIST {
        s.push_str(&format!(" … and {} more", names.len() - LIST));
    }
    s
}

/// Merges `OUT/report.K-of-N.csv` (K = 1..N) into `OUT/report.csv` and writes `OUT/run.json`;
/// returns the merged rows. Fails, writing nothing, when a shard never started, the shards
/// disagree on the run (options, case list), or a case is reported twice or missing.
pub fn merge(outdir: &Path) -> CliResult<Vec<Record>> {
    let at = |e: String| format!("{}: {e}", outdir.display());
    let mut reports: BTreeMap<usize, (Shard, std::path::PathBuf)> = BTreeMap::new();
    let mut runs: BTreeMap<usize, (Shard, std::path::PathBuf)> = BTreeMap::new();
    let mut ns = std::collections::BTreeSet::new();
    for e in std::fs::read_dir(outdir).map_err(|e| at(msg(e)))?.flatten() {
        let name = e.file_name().to_string_lossy().to_string();
        if let Some(s) = Shard::from_file_name(&name, "report.", ".csv") {
            ns.insert(s.n);
            reports.insert(s.k, (s, e.path()));
        } else if let Some(s) = Shard::from_file_name(&name, "run.", ".json") {
            ns.insert(s.n);
            runs.insert(s.k, (s, e.path()));
        }
    }
    let n = match ns.len() {
        0 => {
            return Err(at(
                "no report.K-of-N.csv here (written by prep --shard)".into()
            ))
        }
        1 => ns.into_iter().next().unwrap_or(1),
        _ => {
            return Err(at(format!(
                "shard files of different runs mixed: N = {} (remove the stale ones)",
                ns.iter()
                    .map(|n| n.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )))
        }
    };
    let mut problems = Vec::new();
    let never: Vec<String> = (1..=n)
        .filter(|k| !runs.contains_key(k))
        .map(|k| format!("{k}-of-{n}"))
        .collect();
    if !never.is_empty() {
        problems.push(format!(
            "shard(s) never started (no run.K-of-N.json): {}; run those tasks (prep --shard K/{n})",
            listed(&never)
        ));
    }
    let infos: Vec<(Shard, RunInfo)> = runs
        .values()
        .map(|(s, p)| RunInfo::read(p).map(|r| (*s, r)))
        .collect::<CliResult<_>>()?;
    if let Some((s0, first)) = infos.first() {
        for (s, r) in &infos[1..] {
            for (what, a, b) in [
                ("options hash", &first.options_hash, &r.options_hash),
                ("case list", &first.case_list_hash, &r.case_list_hash),
            ] {
                if a != b {
                    problems.push(format!(
                        "shard {s} ran with a different {what} than shard {s0} ({b} vs {a}): \
                         every task must run the same command"
                    ));
                }
            }
        }
    }
    // Each case once: expected from the shards' case lists, reported by the shards' reports.
    let mut order: Vec<String> = Vec::new();
    let mut owner: HashMap<String, Shard> = HashMap::new();
    for (s, r) in &infos {
        for c in &r.cases {
            if let Some(o) = owner.insert(c.clone(), *s) {
                problems.push(format!(
                    "case {c:?} is in the case lists of shards {o} and {s}"
                ));
            } else {
                order.push(c.clone());
            }
        }
    }
    if let Some((_, first)) = infos.first() {
        if never.is_empty() && order.len() != first.cases_total {
            problems.push(format!(
                "the shards' case lists hold {} case(s), the run has {}",
                order.len(),
                first.cases_total
            ));
        }
    }
    let mut rows: HashMap<String, (Shard, Record)> = HashMap::new();
    let mut twice = Vec::new();
    let mut stray = Vec::new();
    for (s, p) in reports.values() {
        for r in report::read(p)? {
            let name = report::get(&r, "name").unwrap_or("").to_string();
            if owner.get(&name).is_some_and(|o| o != s) || !owner.contains_key(&name) {
                stray.push(format!("{name} (in {})", s.report_name()));
            }
            if let Some((o, _)) = rows.get(&name) {
                twice.push(format!("{name} (shards {o} and {s})"));
                continue;
            }
            rows.insert(name, (*s, r));
        }
    }
    if !twice.is_empty() {
        problems.push(format!("reported twice: {}", listed(&twice)));
    }
    if !stray.is_empty() && never.is_empty() {
        problems.push(format!(
            "reported by a shard whose case list does not hold them: {}",
            listed(&stray)
        ));
    }
    let missing: Vec<String> = order
        .iter()
        .filter(|c| !rows.contains_key(*c))
        .map(|c| format!("{c} (shard {})", owner[c]))
        .collect();
    if !missing.is_empty() {
        problems.push(format!(
            "missing (no row yet: the task died or is still running; re-run it with \
             --skip-existing): {}",
            listed(&missing)
        ));
    }
    if !problems.is_empty() {
        return Err(format!(
            "cannot merge {} shard(s) in {}:\n  {}",
            n,
            outdir.display(),
            problems.join("\n  ")
        ));
    }
    let merged: Vec<Record> = order
        .iter()
        .filter_map(|c| rows.remove(c).map(|(_, r)| r))
        .collect();
    let path = outdir.join("report.csv");
    {
        let _lock = report::Lock::take(&path, std::time::Duration::from_secs(120))?;
        write_atomic(&path, &report::to_csv(&merged)?)?;
    }
    if let Some((_, first)) = infos.first() {
        let mut counts = BTreeMap::new();
        for r in &merged {
            *counts
                .entry(report::get(r, "status").unwrap_or("").to_string())
                .or_default() += 1;
        }
        let mut run = RunInfo::start(
            first.preset.clone(),
            first.options_hash.clone(),
            None,
            first.case_list_hash.clone(),
            first.cases_total,
            order,
        );
        run.started_unix_s = infos
            .iter()
            .map(|(_, r)| r.started_unix_s)
            .fold(f64::INFINITY, f64::min);
        run.finished_unix_s = Some(now_unix_s());
        run.counts = counts;
        run.merged = Some((n, first.command_line.clone()));
        run.write(&outdir.join("run.json"))?;
    }
    Ok(merged)
}
