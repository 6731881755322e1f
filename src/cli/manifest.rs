//! `prep --manifest cases.csv`: the case list from a file (columns `name,path`) instead of a
//! folder walk, so a thousand scheduler tasks do not all walk the same network folder.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use super::input::{Case, Source};
use super::{msg, CliResult};

/// The cases of a manifest, in file order. Relative paths are taken from the manifest's own
/// folder; names must be unique, non-empty and usable as file-name prefixes.
pub fn read(path: &Path) -> CliResult<Vec<Case>> {
    let at = |e: String| format!("{}: {e}", path.display());
    let mut rd = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .comment(Some(b'#'))
        .from_path(path)
        .map_err(|e| at(msg(e)))?;
    let header: Vec<String> = rd
        .headers()
        .map_err(|e| at(msg(e)))?
        .iter()
        .map(String::from)
        .collect();
    let col = |c: &str| {
        header.iter().position(|h| h == c).ok_or_else(|| {
            at(format!(
                "no {c:?} column (a manifest has columns name,path)"
            ))
        })
    };
    let (ni, pi) = (col("name")?, col("path")?);
    let base = path.parent().unwrap_or(Path::new(""));
    let mut seen = HashSet::new();
    let mut cases = Vec::new();
    for (i, rec) in rd.records().enumerate() {
        let line = i + 2;
        let rec = rec.map_err(|e| at(msg(e)))?;
        let (name, p) = (rec.get(ni).unwrap_or(""), rec.get(pi).unwrap_or(""));
        if name.is_empty() || p.is_empty() {
            return Err(at(format!("line {line}: empty name or path")));
        }
        if name.contains(['/', '\\']) || name == "." || name == ".." {
            return Err(at(format!(
                "line {line}: name {name:?} is not a file-name prefix"
            )));
        }
        if !seen.insert(name.to_string()) {
            return Err(at(format!("line {line}: case {name:?} listed twice")));
        }
        let p = PathBuf::from(p);
        cases.push(Case {
            name: name.to_string(),
            source: Source::Path(if p.is_absolute() { p } else { base.join(p) }),
            series: None,
        });
    }
    if cases.is_empty() {
        return Err(at("no cases".into()));
    }
    Ok(cases)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(text: &str) -> CliResult<Vec<(String, String)>> {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("cases.csv");
        std::fs::write(&p, text).unwrap();
        read(&p).map(|v| {
            v.into_iter()
                .map(|c| {
                    let s = c.source.display();
                    let s = s
                        .strip_prefix(&tmp.path().display().to_string())
                        .unwrap_or(&s);
                    (c.name, s.to_string())
                })
                .collect()
        })
    }

    #[test]
    fn reads_names_and_paths() {
        let got = manifest("path, name\n# a comment\na/1.mhd, one\n/abs/2, two\n").unwrap();
        assert_eq!(
            got,
            [
                ("one".to_string(), "/a/1.mhd".to_string()),
                ("two".to_string(), "/abs/2".to_string())
            ]
        );
    }

    #[test]
    fn refuses_bad_manifests() {
        for (text, why) in [
            ("name\none\n", "\"path\""),
            ("name,path\none,a\none,b\n", "twice"),
            ("name,path\n,a\n", "empty"),
            ("name,path\n../x,a\n", "prefix"),
            ("name,path\n", "no cases"),
        ] {
            let e = manifest(text).unwrap_err();
            assert!(e.contains(why), "{text:?}: {e}");
        }
    }
}
