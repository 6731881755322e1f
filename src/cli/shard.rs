//! `prep --shard K/N`: one part of the case list per scheduler task (a Slurm job array, a
//! Kubernetes Indexed Job), so a cluster runs `prep` as it is, with no scheduler of ours.
//!
//! Parts are numbered 1..=N and are contiguous runs of the case list in its deterministic
//! order, their sizes differing by at most one.

use std::fmt;
use std::ops::Range;

use super::CliResult;

/// `--shard`: an explicit part, or `auto` (read from the scheduler's environment).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShardArg {
    /// `--shard K/N`.
    Part(Shard),
    /// `--shard auto`.
    Auto,
}

/// Part `k` (1-based) of `n`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This part, 1..=n.
    pub k: usize,
    /// Number of parts.
    pub n: usize,
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-of-{}", self.k, self.n)
    }
}

impl Shard {
    /// A checked part: 1 ≤ k ≤ n.
    pub fn new(k: usize, n: usize) -> CliResult<Shard> {
        if n == 0 || k == 0 || k > n {
            return Err(format!(
                "shard {k}/{n}: parts are numbered 1 to N (N ≥ 1), e.g. --shard 1/{}",
                n.max(1)
            ));
        }
        Ok(Shard { k, n })
    }

    /// The indices of this part in a list of `len` items.
    pub fn range(&self, len: usize) -> Range<usize> {
        (self.k - 1) * len / self.n..self.k * len / self.n
    }

    /// The shard's report file name, `report.K-of-N.csv`.
    pub fn report_name(&self) -> String {
        format!("report.{self}.csv")
    }

    /// The shard's run record, `run.K-of-N.json`.
    pub fn run_name(&self) -> String {
        format!("run.{self}.json")
    }

    /// Parses the `K-of-N` of a shard file name `PREFIX.K-of-N.EXT`.
    pub fn from_file_name(name: &str, prefix: &str, ext: &str) -> Option<Shard> {
        let mid = name.strip_prefix(prefix)?.strip_suffix(ext)?;
        let (k, n) = mid.split_once("-of-")?;
        Shard::new(k.parse().ok()?, n.parse().ok()?).ok()
    }
}

/// Parses `--shard`: `K/N` or `auto`.
pub fn parse_shard(s: &str) -> Result<ShardArg, String> {
    if s.eq_ignore_ascii_case("auto") {
        return Ok(ShardArg::Auto);
    }
    let (k, n) = s
        .split_once('/')
        .ok_or_else(|| format!("{s:?}: expected K/N (e.g. 2/10, parts 1 to N) or auto"))?;
    let num = |t: &str| {
        t.trim()
            .parse::<usize>()
            .map_err(|_| format!("{s:?}: expected K/N with whole numbers, e.g. 2/10"))
    };
    Shard::new(num(k)?, num(n)?).map(ShardArg::Part)
}

/// Resolves `--shard` (and `--shards N`) against the environment `env` gives.
///
/// `auto` uses, in order: Slurm's `SLURM_ARRAY_TASK_ID` with `SLURM_ARRAY_TASK_COUNT`,
/// `SLURM_ARRAY_TASK_MIN` and `SLURM_ARRAY_TASK_STEP` (an array `--array=0-9`, `1-10` or
/// `0-18:2` all give parts 1..=10); or Kubernetes' `JOB_COMPLETION_INDEX` (0-based) with the
/// count from `--shards N`.
pub fn resolve(
    arg: ShardArg,
    shards: Option<usize>,
    env: impl Fn(&str) -> Option<String>,
) -> CliResult<Shard> {
    let part = match arg {
        ShardArg::Part(p) => p,
        ShardArg::Auto => auto(shards, &env)?,
    };
    if let Some(n) = shards {
        if n != part.n {
            return Err(format!(
                "--shards {n} disagrees with the {} parts of shard {}/{}",
                part.n, part.k, part.n
            ));
        }
    }
    Ok(part)
}

fn auto(shards: Option<usize>, env: &impl Fn(&str) -> Option<String>) -> CliResult<Shard> {
    let num = |var: &str| -> CliResult<Option<usize>> {
        match env(var) {
            None => Ok(None),
            Some(v) => v
                .trim()
                .parse::<usize>()
                .map(Some)
                .map_err(|_| format!("--shard auto: {var}={v:?} is not a whole number")),
        }
    };
    if let Some(id) = num("SLURM_ARRAY_TASK_ID")? {
        let count = num("SLURM_ARRAY_TASK_COUNT")?.ok_or(
            "--shard auto: SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not \
             (Slurm sets both in an array job: submit with sbatch --array)",
        )?;
        let min = num("SLURM_ARRAY_TASK_MIN")?.unwrap_or(0);
        let step = num("SLURM_ARRAY_TASK_STEP")?.unwrap_or(1).max(1);
        if id < min || (id - min) % step != 0 {
            return Err(format!(
                "--shard auto: SLURM_ARRAY_TASK_ID={id} is not on the array's grid \
                 (min {min}, step {step}); use a plain range such as --array=0-{}",
                count.saturating_sub(1)
            ));
        }
        return Shard::new((id - min) / step + 1, count)
            .map_err(|e| format!("--shard auto (Slurm task {id} of {count}, min {min}): {e}"));
    }
    if let Some(i) = num("JOB_COMPLETION_INDEX")? {
        let n = shards.ok_or(
            "--shard auto: JOB_COMPLETION_INDEX is set (a Kubernetes Indexed Job) but the \
             number of parts is not: pass --shards N with N = the Job's completions",
        )?;
        return Shard::new(i + 1, n)
            .map_err(|e| format!("--shard auto (JOB_COMPLETION_INDEX={i}, --shards {n}): {e}"));
    }
    Err(
        "--shard auto: neither SLURM_ARRAY_TASK_ID (a Slurm job array) nor \
         JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) is set; outside a scheduler pass \
         --shard K/N"
            .into(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |k| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn parts_cover_the_list_once_in_order() {
        for len in 0..40 {
            for n in 1..12 {
                let mut all = Vec::new();
                for k in 1..=n {
                    let r = Shard::new(k, n).unwrap().range(len);
                    assert!(r.len() == len / n || r.len() == len / n + 1);
                    all.extend(r);
                }
                assert_eq!(all, (0..len).collect::<Vec<_>>(), "len {len} n {n}");
            }
        }
    }

    #[test]
    fn parse() {
        assert_eq!(parse_shard("2/3"), Ok(ShardArg::Part(Shard { k: 2, n: 3 })));
        assert_eq!(parse_shard("AUTO"), Ok(ShardArg::Auto));
        for bad in ["0/3", "4/3", "1/0", "3", "a/b", "-1/2", ""] {
            assert!(parse_shard(bad).is_err(), "{bad}");
        }
        let s = Shard::new(2, 10).unwrap();
        assert_eq!(s.report_name(), "report.2-of-10.csv");
        assert_eq!(
            Shard::from_file_name("report.2-of-10.csv", "report.", ".csv"),
            Some(s)
        );
        assert_eq!(
            Shard::from_file_name("report.11-of-10.csv", "report.", ".csv"),
            None
        );
        assert_eq!(Shard::from_file_name("report.csv", "report.", ".csv"), None);
    }

    #[test]
    fn auto_from_slurm() {
        let slurm = |id: usize, min: usize, step: usize| {
            let id = id.to_string();
            let min = min.to_string();
            let step = step.to_string();
            resolve(
                ShardArg::Auto,
                None,
                env(&[
                    ("SLURM_ARRAY_TASK_ID", &id),
                    ("SLURM_ARRAY_TASK_COUNT", "3"),
                    ("SLURM_ARRAY_TASK_MIN", &min),
                    ("SLURM_ARRAY_TASK_STEP", &step),
                ]),
            )
        };
        assert_eq!(slurm(0, 0, 1), Ok(Shard { k: 1, n: 3 }));
        assert_eq!(slurm(3, 1, 1), Ok(Shard { k: 3, n: 3 }));
        assert_eq!(slurm(14, 10, 2), Ok(Shard { k: 3, n: 3 }));
        assert!(slurm(3, 0, 1).is_err());
        assert!(slurm(11, 10, 2).is_err());
        let no_count = resolve(ShardArg::Auto, None, env(&[("SLURM_ARRAY_TASK_ID", "1")]));
        assert!(no_count.unwrap_err().contains("SLURM_ARRAY_TASK_COUNT"));
    }

    #[test]
    fn auto_from_kubernetes_and_errors() {
        let k8s = env(&[("JOB_COMPLETION_INDEX", "4")]);
        assert_eq!(
            resolve(ShardArg::Auto, Some(5), &k8s),
            Ok(Shard { k: 5, n: 5 })
        );
        assert!(resolve(ShardArg::Auto, Some(4), &k8s).is_err());
        assert!(resolve(ShardArg::Auto, None, &k8s)
            .unwrap_err()
            .contains("--shards"));
        let none = resolve(ShardArg::Auto, None, env(&[])).unwrap_err();
        assert!(none.contains("SLURM_ARRAY_TASK_ID") && none.contains("JOB_COMPLETION_INDEX"));
        let part = ShardArg::Part(Shard { k: 1, n: 2 });
        assert!(resolve(part, Some(3), env(&[])).is_err());
        assert!(resolve(part, Some(2), env(&[])).is_ok());
    }
}
