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

/// Whether `dir` holds DICOM files, directly or up to `depth` folders down.
fn has_dicom(dir: &Path, depth: usize) -> bool {
    let Ok(entries) = fs::read_dir(dir) else {
        return false;
    };
    let mut subdirs = Vec::new();
    for e in entries.flatten() {
        let p = e.path();
        if p.is_dir() {
            subdirs.push(p);
        } else if is_dicom_file(&p) {
            return true;
        }
    }
    depth > 0 && subdirs.iter().any(|d| has_dicom(d, depth - 1))
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

/// The cases in the inputs: a scan (DICOM folder or volume file) is one case; a folder of
/// volume files (LUNA16 layout) gives one case per file; a folder whose sub-folders hold DICOM
/// (DSB layout) gives one case per sub-folder. No inputs means the phantom.
pub fn discover(inputs: &[PathBuf]) -> CliResult<Vec<Case>> {
    if inputs.is_empty() {
        return Ok(vec![Case {
            name: "phantom".into(),
            source: Source::Phantom,
        }]);
    }
    let mut cases = Vec::new();
    for input in inputs {
        if !input.exists() {
            return Err(format!("{}: no such file or folder", input.display()));
        }
        if !input.is_dir() {
            cases.push(Case {
                name: file_stem(input),
                source: Source::Path(input.clone()),
            });
            continue;
        }
        let entries = sorted_entries(input)?;
        let files: Vec<&PathBuf> = entries
            .iter()
            .filter(|p| {
                p.is_file() && is_volume_file(p) && !p.to_string_lossy().ends_with(".spacing.json")
            })
            .collect();
        let dicom_dirs: Vec<&PathBuf> = entries
            .iter()
            .filter(|p| p.is_dir() && has_dicom(p, 2))
            .collect();
        let direct_dicom = entries.iter().any(|p| p.is_file() && is_dicom_file(p));
        if !files.is_empty() && !direct_dicom {
            for f in files {
                cases.push(Case {
                    name: file_stem(f),
                    source: Source::Path(f.clone()),
                });
            }
        } else if !direct_dicom && dicom_dirs.len() >= 2 {
            for d in dicom_dirs {
                cases.push(Case {
                    name: file_stem(d),
                    source: Source::Path(d.clone()),
                });
            }
        } else {
            cases.push(Case {
                name: file_stem(input),
                source: Source::Path(input.clone()),
            });
        }
    }
    let mut names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    names.sort_unstable();
    if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(format!(
            "two cases would both be written as {:?}; pass them in separate runs",
            w[0]
        ));
    }
    Ok(cases)
}

/// Loads a case as an int16 HU volume in the canonical layout (a `.npy` without sidecar runs
/// at 1 mm with a warning: `step1` / `zuidhof`).
pub fn load(source: &Source, series: Option<String>) -> CliResult<Loaded> {
    load_inner(source, series, None, false)
}

/// [`load`] for `prep`: `spacing` (`z, y, x` mm) overrides the file's, and a file without
/// geometry (`.npy` without sidecar) is an error unless `spacing` is given: 1 mm would
/// silently give wrong crops and labels.
pub fn load_with(
    source: &Source,
    series: Option<String>,
    spacing: Option<[f64; 3]>,
) -> CliResult<Loaded> {
    load_inner(source, series, spacing, true)
}

fn load_inner(
    source: &Source,
    series: Option<String>,
    spacing: Option<[f64; 3]>,
    strict: bool,
) -> CliResult<Loaded> {
    let mut volume = match source {
        Source::Phantom => phantom::chest_phantom(&phantom::PhantomOptions::default()),
        Source::Path(p) => {
            let opts = ReadOptions {
                series_uid: series,
                ..Default::default()
            };
            volume_io::read_hu(p, &opts).map_err(msg)?
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
