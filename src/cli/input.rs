//! Finding cases in the inputs and loading them as HU volumes.

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use lungprep::lungseg::{phantom, Geometry, Grid, LabelRule, Spacing};
use lungprep::volume_io::{self, Format, ReadOptions, Volume};

use super::{msg, CliResult};

/// One scan to process.
#[derive(Debug, Clone)]
pub struct Case {
    /// Output name: the sub-folder name or the file stem.
    pub name: String,
    /// Where it comes from.
    pub source: Source,
    /// The series it is, when its folder holds several (one case per series).
    pub series: Option<String>,
}

/// A scan on disk or the built-in phantom.
#[derive(Debug, Clone)]
pub enum Source {
    /// A DICOM folder or a volume file.
    Path(PathBuf),
    /// The synthetic chest phantom (default size).
    Phantom,
}

impl Source {
    /// How the source is shown to users.
    pub fn display(&self) -> String {
        match self {
            Source::Path(p) => p.display().to_string(),
            Source::Phantom => "<phantom>".to_string(),
        }
    }
}

/// An HU volume in the canonical layout with the spacing grt123 would use.
pub struct Loaded {
    /// The HU voxels and their true geometry (canonical layout, see docs/coordinates.md).
    pub volume: Volume<i16>,
    /// The pipeline's spacing: grt123's (DICOM: thickness of the first two slices, float32).
    pub spacing: Spacing,
}

impl Loaded {
    /// What `lungseg::prep` needs: the pipeline spacing, the true world grid, and grt123's
    /// annotation formula wherever it is exact (the stored array, or grt123's own y/x flip of a
    /// `.mhd`), else the exact world mapping.
    pub fn geometry(&self) -> Geometry {
        let v = &self.volume;
        let (_, grt123_origin) = v.grt123_geometry();
        let (same, grt123_flip) = match &v.meta.reorientation {
            None => (true, false),
            Some(r) => (
                r.is_identity(),
                r.permutation == [0, 1, 2] && r.flips == [false, true, true],
            ),
        };
        let labels = if (same && !v.meta.flipped) || (grt123_flip && v.meta.flipped) {
            LabelRule::Grt123 {
                origin: grt123_origin,
                flipped: v.meta.flipped,
            }
        } else {
            LabelRule::World
        };
        Geometry {
            spacing: self.spacing,
            world: Grid {
                spacing: v.spacing,
                origin: v.origin,
                direction: v.direction,
            },
            labels,
        }
    }
}

const VOLUME_EXTS: [&str; 6] = [".mhd", ".mha", ".nrrd", ".nhdr", ".nii", ".nii.gz"];

fn is_volume_file(p: &Path) -> bool {
    let n = p
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    VOLUME_EXTS.iter().any(|e| n.ends_with(e)) || n.ends_with(".npy")
}

fn file_stem(p: &Path) -> String {
    let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("scan");
    let lower = n.to_ascii_lowercase();
    for e in VOLUME_EXTS.iter().chain(&[".npy"]) {
        if lower.ends_with(e) {
            return n[..n.len() - e.len()].to_string();
        }
    }
    n.to_string()
}

fn is_dicom_file(p: &Path) -> bool {
    if p.extension().is_some_and(|e| e.eq_ignore_ascii_case("dcm")) {
        return true;
    }
    let mut buf = [0u8; 132];
    fs::File::open(p)
        .and_then(|mut f| f.read_exact(&mut buf))
        .map(|_| &buf[128..] == b"DICM")
        .unwrap_or(false)
}

/// A folder or file that is not a case, and why (a report row with status `error`).
#[derive(Debug, Clone)]
pub struct Rejected {
    /// Name the row is reported under.
    pub name: String,
    /// The folder or file.
    pub input: PathBuf,
    /// Why it is not a case: `empty`, `no DICOM`, `unreadable: …`, `not a regular file`.
    pub why: String,
}

/// What [`discover`] found in the inputs.
#[derive(Debug, Default)]
pub struct Discovery {
    /// The scans to process.
    pub cases: Vec<Case>,
    /// Folders and files that were expected to be scans but are not.
    pub rejected: Vec<Rejected>,
    /// Entries skipped while walking (loops, links leaving the input, FIFOs, devices).
    pub skipped: Vec<String>,
}

/// What a folder holds, found by the loop-safe walk.
enum Content {
    /// A DICOM file somewhere inside.
    Dicom,
    /// Volume files directly inside (a LUNA16 `subsetN/` folder).
    Volumes(Vec<PathBuf>),
    /// Not a scan: why.
    Nothing(String),
}

/// Volume files directly inside `dir` (LUNA16: `*.mhd`), sorted.
fn volume_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            is_volume_file(p) && !p.to_string_lossy().ends_with(".spacing.json") && p.is_file()
        })
        .collect();
    v.sort();
    v
}

fn content(dir: &Path, follow: bool, skipped: &mut Vec<String>) -> Content {
    if let Err(e) = fs::read_dir(dir) {
        return Content::Nothing(format!("unreadable: {}", msg(e)));
    }
    let l = volume_io::walk::files_until(dir, follow, is_dicom_file);
    skipped.extend(l.skipped);
    if l.files.last().is_some_and(|p| is_dicom_file(p)) {
        return Content::Dicom;
    }
    let vols = volume_files(dir);
    if !vols.is_empty() {
        return Content::Volumes(vols);
    }
    Content::Nothing(if l.files.is_empty() {
        "empty".into()
    } else {
        format!("no DICOM ({} file(s), none a DICOM image)", l.files.len())
    })
}

fn file_case(p: &Path) -> Case {
    Case {
        name: file_stem(p),
        source: Source::Path(p.to_path_buf()),
        series: None,
    }
}

/// A series with fewer files than this is not a case of its own (a localizer, a dose report,
/// a file whose SeriesInstanceUID is corrupt): reading the folder picks the main series and
/// warns, naming it.
pub const MIN_SERIES_FILES: usize = 10;

/// The cases of a DICOM folder: one, or one per series when it holds several of at least
/// [`MIN_SERIES_FILES`] files, named `FOLDER_SERIESNUMBER` (`FOLDER_UIDSUFFIX` when numbers are
/// absent or clash). A folder whose headers cannot be scanned stays one case: reading it
/// reports why.
fn dicom_cases(dir: &Path) -> Vec<Case> {
    let name = file_stem(dir);
    let whole = || Case {
        name: name.clone(),
        source: Source::Path(dir.to_path_buf()),
        series: None,
    };
    let series = match volume_io::dicom::scan_series(dir) {
        Ok(s) => s,
        Err(_) => return vec![whole()],
    };
    let series: Vec<_> = series
        .into_iter()
        .filter(|s| s.files.len() >= MIN_SERIES_FILES)
        .collect();
    if series.len() < 2 {
        return vec![whole()];
    }
    let numbers: Vec<Option<i64>> = series.iter().map(|s| s.series_number).collect();
    let unique = numbers
        .iter()
        .all(|n| n.is_some() && numbers.iter().filter(|m| *m == n).count() == 1);
    let mut cases: Vec<Case> = series
        .iter()
        .map(|s| {
            let tag = match (unique, s.series_number) {
                (true, Some(n)) => n.to_string(),
                _ => uid_suffix(&s.uid),
            };
            Case {
                name: format!("{name}_{tag}"),
                source: Source::Path(dir.to_path_buf()),
                series: Some(s.uid.clone()),
            }
        })
        .collect();
    cases.sort_by(|a, b| a.name.cmp(&b.name));
    if cases.windows(2).any(|w| w[0].name == w[1].name) {
        // UIDs that differ only before their last component: the whole UID, then.
        for c in &mut cases {
            c.name = format!("{name}_{}", c.series.as_deref().unwrap_or(""));
        }
    }
    cases
}

/// The last component of a UID (the part that differs between series of one study).
fn uid_suffix(uid: &str) -> String {
    let last = uid.rsplit('.').next().unwrap_or(uid);
    let tail: String = last.chars().rev().take(12).collect();
    tail.chars().rev().collect()
}

fn reject(d: &mut Discovery, p: &Path, why: String) {
    d.rejected.push(Rejected {
        name: file_stem(p),
        input: p.to_path_buf(),
        why,
    });
}

/// Adds the cases of one folder given on the command line.
fn discover_dir(input: &Path, follow: bool, d: &mut Discovery) -> CliResult<()> {
    let entries = sorted_entries(input)?;
    let top = fs::canonicalize(input).unwrap_or_else(|_| input.to_path_buf());
    let (mut files, mut dirs) = (Vec::new(), Vec::new());
    for p in entries {
        let Ok(md) = fs::metadata(&p) else {
            d.skipped
                .push(format!("{}: skipped (broken link)", p.display()));
            continue;
        };
        if md.is_dir() {
            let link = fs::symlink_metadata(&p).is_ok_and(|m| m.file_type().is_symlink());
            let inside = fs::canonicalize(&p).is_ok_and(|t| t.starts_with(&top));
            if link && !inside && !follow {
                d.skipped.push(format!(
                    "{}: skipped (links out of {}; --follow-links follows it)",
                    p.display(),
                    input.display()
                ));
            } else {
                dirs.push(p);
            }
        } else if md.is_file() {
            files.push(p);
        } else {
            d.skipped.push(format!(
                "{}: skipped (not a regular file: FIFO, socket or device)",
                p.display()
            ));
        }
    }
    if files.iter().any(|p| is_dicom_file(p)) {
        // A DICOM series folder (or several series in one folder).
        d.cases.extend(dicom_cases(input));
        return Ok(());
    }
    let vols: Vec<&PathBuf> = files
        .iter()
        .filter(|p| is_volume_file(p) && !p.to_string_lossy().ends_with(".spacing.json"))
        .collect();
    let contents: Vec<Content> = dirs
        .iter()
        .map(|s| content(s, follow, &mut d.skipped))
        .collect();
    let batch = !vols.is_empty()
        || dirs.len() >= 2
        || contents.iter().any(|c| matches!(c, Content::Volumes(_)));
    if !batch {
        match contents.into_iter().next() {
            // One sub-folder holding DICOM (at any depth): the input is one patient folder.
            Some(Content::Dicom) => d.cases.extend(dicom_cases(input)),
            Some(Content::Nothing(why)) => reject(d, input, why),
            Some(Content::Volumes(_)) => {}
            None => reject(
                d,
                input,
                if files.is_empty() {
                    "empty".into()
                } else {
                    "no DICOM or volume file".into()
                },
            ),
        }
        return Ok(());
    }
    // A batch folder: every volume file and every sub-folder is a case or a rejected row.
    d.cases.extend(vols.iter().map(|p| file_case(p)));
    for (sub, c) in dirs.iter().zip(contents) {
        match c {
            Content::Dicom => d.cases.extend(dicom_cases(sub)),
            Content::Volumes(v) => d.cases.extend(v.iter().map(|p| file_case(p))),
            Content::Nothing(why) => reject(d, sub, why),
        }
    }
    Ok(())
}

fn sorted_entries(dir: &Path) -> CliResult<Vec<PathBuf>> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| format!("{}: {}", dir.display(), msg(e)))?
        .flatten()
        .map(|e| e.path())
        .collect();
    v.sort();
    Ok(v)
}

/// The cases that hold series `uid` (`--series` in a batch): the other cases are left out,
/// not failed. An error names the series found when no case holds it.
pub fn select_series(d: Discovery, uid: &str) -> CliResult<Discovery> {
    let mut found: Vec<String> = Vec::new();
    let mut keep = Vec::new();
    for c in d.cases {
        let holds = match (&c.series, &c.source) {
            (Some(s), _) => {
                found.push(s.clone());
                s == uid
            }
            (None, Source::Path(p)) if p.is_dir() => {
                let uids: Vec<String> = volume_io::dicom::scan_series(p)
                    .map(|v| v.into_iter().map(|s| s.uid).collect())
                    .unwrap_or_default();
                let hit = uids.iter().any(|u| u == uid);
                found.extend(uids);
                hit
            }
            _ => false,
        };
        if holds {
            keep.push(c);
        }
    }
    if keep.is_empty() {
        found.sort();
        found.dedup();
        let found: Vec<&str> = found.iter().map(String::as_str).collect();
        return Err(format!(
            "--series {uid}: no case holds that series; series found: {}",
            if found.is_empty() {
                "none".to_string()
            } else {
                super::first_of(&found, 10)
            }
        ));
    }
    Ok(Discovery {
        cases: keep,
        rejected: Vec::new(),
        skipped: d.skipped,
    })
}

/// The cases in the inputs.
///
/// A scan (DICOM folder or volume file) is one case. In a batch folder every volume file is a
/// case (LUNA16: `*.mhd`, also inside `subset0/ … subset9/`) and every sub-folder is a case
/// (DSB: DICOM at any depth inside a patient folder) or a [`Rejected`] row saying why not; a
/// stray file never hides the sub-folders. Folders are walked loop-safe; links leaving an
/// input are followed only with `follow`. No inputs means the phantom.
pub fn discover(inputs: &[PathBuf], follow: bool) -> CliResult<Discovery> {
    let mut d = Discovery::default();
    if inputs.is_empty() {
        d.cases.push(Case {
            name: "phantom".into(),
            source: Source::Phantom,
            series: None,
        });
        return Ok(d);
    }
    for input in inputs {
        let md = fs::metadata(input)
            .map_err(|e| format!("{}: cannot read: {}", input.display(), msg(e)))?;
        if md.is_dir() {
            discover_dir(input, follow, &mut d)?;
        } else if md.is_file() {
            d.cases.push(file_case(input));
        } else {
            reject(
                &mut d,
                input,
                "not a regular file (FIFO, socket or device)".into(),
            );
        }
    }
    // The same scan reached twice (a link to a sibling folder, an input given twice) is one case.
    let mut seen = std::collections::HashSet::new();
    let mut dup = Vec::new();
    d.cases.retain(|c| match &c.source {
        Source::Path(p) => {
            let key = (
                fs::canonicalize(p).unwrap_or_else(|_| p.clone()),
                c.series.clone(),
            );
            let fresh = seen.insert(key);
            if !fresh {
                dup.push(format!(
                    "{}: skipped (the same scan as another case)",
                    p.display()
                ));
            }
            fresh
        }
        Source::Phantom => true,
    });
    d.skipped.extend(dup);
    let mut names: Vec<&str> = d
        .cases
        .iter()
        .map(|c| c.name.as_str())
        .chain(d.rejected.iter().map(|r| r.name.as_str()))
        .collect();
    names.sort_unstable();
    if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(format!(
            "two cases would both be written as {:?}; pass them in separate runs",
            w[0]
        ));
    }
    Ok(d)
}

/// Refuses an input that is neither a folder nor a regular file (a FIFO named `scan.mha`
/// would block the reader forever; a device could be endless).
pub fn check_input(p: &Path) -> CliResult<()> {
    let md = fs::metadata(p).map_err(|e| format!("{}: {}", p.display(), msg(e)))?;
    if md.is_dir() || md.is_file() {
        Ok(())
    } else {
        Err(format!(
            "{}: not a regular file (FIFO, socket or device)",
            p.display()
        ))
    }
}

/// Loads a case as an int16 HU volume in the canonical layout (a `.npy` without sidecar runs
/// at 1 mm with a warning: `step1` / `zuidhof`).
pub fn load(source: &Source, series: Option<String>) -> CliResult<Loaded> {
    let opts = ReadOptions {
        series_uid: series,
        ..Default::default()
    };
    let loaded = load_inner(source, &opts, None, false)?;
    // `prep` reports these per case; the single-scan commands print them as they happen.
    for w in &loaded.volume.meta.warnings {
        tracing::warn!("{}: {w}", source.display());
    }
    Ok(loaded)
}

/// [`load`] for `prep`: `opts` as the reader takes them (series, `max_bytes` refusing large
/// declared volumes before they are allocated, `skip_bad_slices`); `spacing` (`z, y, x` mm)
/// overrides the file's, and a file without geometry (`.npy` without sidecar) is an error
/// unless `spacing` is given: 1 mm would silently give wrong crops and labels.
pub fn load_with(
    source: &Source,
    opts: &ReadOptions,
    spacing: Option<[f64; 3]>,
) -> CliResult<Loaded> {
    load_inner(source, opts, spacing, true)
}

fn load_inner(
    source: &Source,
    opts: &ReadOptions,
    spacing: Option<[f64; 3]>,
    strict: bool,
) -> CliResult<Loaded> {
    let mut volume = match source {
        Source::Phantom => phantom::chest_phantom(&phantom::PhantomOptions::default()),
        Source::Path(p) => {
            check_input(p)?;
            volume_io::read_hu(p, opts).map_err(msg)?
        }
    };
    if let Some(s) = spacing {
        volume.spacing = s;
        volume.meta.geometry_missing = false;
        volume.meta.grt123_thickness = None;
        if let Some(r) = volume.meta.reorientation.as_mut() {
            for (k, &a) in r.permutation.iter().enumerate() {
                r.source_spacing[a] = s[k];
            }
        }
    }
    if strict && volume.meta.geometry_missing {
        return Err(format!(
            "{}: no spacing (write {}.spacing.json with [sz, sy, sx], or pass --spacing sz,sy,sx)",
            source.display(),
            source.display()
        ));
    }
    let spacing = if volume.meta.format == Format::Dicom {
        // grt123's thickness on the stored slice axis, wherever the canonical layout put it.
        let mut s = volume.spacing;
        if let Some(t) = volume.meta.grt123_thickness {
            let k = volume
                .meta
                .reorientation
                .as_ref()
                .and_then(|r| r.permutation.iter().position(|&a| a == 0))
                .unwrap_or(0);
            s[k] = t;
        }
        Spacing::f32(s)
    } else {
        Spacing::f64(volume.spacing)
    };
    spacing.validate().map_err(msg)?;
    Ok(Loaded { volume, spacing })
}

/// Writes `bytes` to `path` atomically (volume-io's temporary-file-and-rename).
pub fn write_atomic(path: &Path, bytes: &[u8]) -> CliResult<()> {
    volume_io::write_bytes_atomic(path, bytes).map_err(msg)
}
