//! A corrupted-input generator: hostile variants of real scans (from `../shared/data` when
//! present, else the phantom) for the CLI to survive. Shared by `tests/hostile.rs`.
//!
//! Classes: `truncate` (many offsets), `bitflip`, `zeroed` (ranges), `lying` (headers that
//! declare far more than the file holds: 65535² DICOM slices, 65535³ MetaImage, huge npy and
//! NIfTI shapes, negative header sizes), `odd` (FIFOs, symlink loops, sparse 2 GiB giants).

use std::fs;
use std::path::{Path, PathBuf};

/// One hostile input.
#[derive(Debug, Clone)]
pub struct Item {
    /// Its class (see the module doc).
    pub class: &'static str,
    /// The file or folder to run the CLI on.
    pub path: PathBuf,
    /// Voxels the input may honestly hold: the seed's (a liar gets no more).
    pub voxels: u64,
}

/// A scan the variants are made from.
pub struct Seed {
    /// Short name used in the variants' names.
    pub tag: String,
    /// The file (for a DICOM series: the slice to mutate, inside `folder`).
    pub file: PathBuf,
    /// For a DICOM series: the folder holding every slice.
    pub folder: Option<PathBuf>,
    /// Voxels in the scan.
    pub voxels: u64,
    /// Bytes of header before the voxel data (mutations aim there too).
    pub header: usize,
}

/// Deterministic pseudo-random numbers (xorshift), so every run makes the same corpus.
pub struct Rng(pub u64);

impl Rng {
    /// The next number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n.max(1) as u64) as usize
    }
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap().flatten() {
        if e.file_type().unwrap().is_file() {
            fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// Writes one variant of `seed` with bytes `bytes`: a file beside the others, or a copy of the
/// series folder with the slice replaced. Returns the path to run on.
fn emit(out: &Path, seed: &Seed, name: &str, bytes: &[u8]) -> PathBuf {
    match &seed.folder {
        Some(folder) => {
            let dir = out.join(name);
            copy_dir(folder, &dir);
            let slice = dir.join(seed.file.file_name().unwrap());
            fs::remove_file(&slice).unwrap();
            fs::write(slice, bytes).unwrap();
            dir
        }
        None => {
            let file_name = seed.file.file_name().unwrap().to_string_lossy().to_string();
            let ext = file_name.split_once('.').map_or("", |(_, e)| e);
            let p = out.join(format!("{name}.{ext}"));
            fs::write(&p, bytes).unwrap();
            p
        }
    }
}

/// Truncations, bit flips and zeroed ranges of every seed; `per_seed` bounds how many of each.
pub fn mutations(out: &Path, seeds: &[Seed], per_seed: usize, rng: &mut Rng) -> Vec<Item> {
    let mut items = Vec::new();
    for s in seeds {
        let orig = fs::read(&s.file).unwrap();
        let n = orig.len();
        let mut push = |class, name: String, bytes: &[u8]| {
            let path = emit(out, s, &name, bytes);
            items.push(Item {
                class,
                path,
                voxels: s.voxels,
            });
        };
        // Truncations: empty, inside the header, at its end, inside the data, one byte short.
        let mut cuts = vec![0, 1, 12, s.header / 2, s.header, s.header + 1, n / 2, n - 1];
        // Longer sweeps add offsets spread over the file.
        cuts.extend((8..per_seed).map(|_| rng.below(n)));
        cuts.truncate(per_seed.max(4));
        for c in cuts {
            push(
                "truncate",
                format!("truncate_{}_{c}", s.tag),
                &orig[..c.min(n)],
            );
        }
        for k in 0..per_seed / 2 {
            let mut b = orig.clone();
            // Half in the header, half anywhere.
            let at = if k % 2 == 0 {
                rng.below(s.header)
            } else {
                rng.below(n)
            };
            b[at] ^= 1 << rng.below(8);
            let at2 = rng.below(s.header);
            b[at2] ^= 1 << rng.below(8);
            push("bitflip", format!("bitflip_{}_{k}", s.tag), &b);
        }
        for (k, (a, len)) in [(0, s.header.min(64)), (s.header / 2, 32), (n / 2, 4096)]
            .into_iter()
            .enumerate()
        {
            let mut b = orig.clone();
            b[a..(a + len).min(n)].fill(0);
            push("zeroed", format!("zeroed_{}_{k}", s.tag), &b);
        }
    }
    items
}

/// Replaces the first `from` by `to` in `b` (same length or not).
fn patch(b: &[u8], from: &[u8], to: &[u8]) -> Option<Vec<u8>> {
    let i = b.windows(from.len()).position(|w| w == from)?;
    let mut v = b[..i].to_vec();
    v.extend_from_slice(to);
    v.extend_from_slice(&b[i + from.len()..]);
    Some(v)
}

/// Headers that lie: far more voxels than the file holds, negative sizes, bad dtypes.
pub fn lying(out: &Path, seeds: &[Seed]) -> Vec<Item> {
    let mut items = Vec::new();
    for s in seeds {
        let orig = fs::read(&s.file).unwrap();
        let name = s.file.file_name().unwrap().to_string_lossy().to_lowercase();
        let mut variants: Vec<(&str, Vec<u8>)> = Vec::new();
        if s.folder.is_some() {
            // Explicit VR LE: (0028,0010) US 2 Rows / (0028,0011) Columns → 65535.
            let mut b = orig.clone();
            let mut found = false;
            for tag in [b"\x28\x00\x10\x00US\x02\x00", b"\x28\x00\x11\x00US\x02\x00"] {
                if let Some(i) = b.windows(8).position(|w| w == tag) {
                    b[i + 8] = 0xFF;
                    b[i + 9] = 0xFF;
                    found = true;
                }
            }
            if found {
                variants.push(("rows65535", b));
            }
        } else if name.ends_with(".mha") {
            let text = String::from_utf8_lossy(&orig[..s.header]).to_string();
            let dims = text
                .lines()
                .find(|l| l.starts_with("DimSize"))
                .unwrap_or("")
                .to_string();
            for (tag, to) in [
                ("dim65535", "DimSize = 65535 65535 65535".to_string()),
                ("dim0", "DimSize = 0 128 128".to_string()),
                ("headersize", format!("HeaderSize = -5\n{dims}")),
            ] {
                if let Some(b) = patch(&orig, dims.as_bytes(), to.as_bytes()) {
                    variants.push((tag, b));
                }
            }
        } else if name.ends_with(".npy") {
            for (tag, to) in [
                ("shape_huge", &b"(100000, 100000, 100000)"[..]),
                ("shape_neg", b"(-53, 128, 128)"),
            ] {
                let from = b"(53, 128, 128)";
                let pad = to.len() as isize - from.len() as isize;
                if let Some(mut b) = patch(&orig, from, to) {
                    // Keep the header length: drop (or add) padding spaces before '\n'.
                    let nl = b.iter().position(|&c| c == b'\n').unwrap();
                    if pad > 0 {
                        b.drain(nl - pad as usize..nl);
                    } else {
                        b.splice(nl..nl, std::iter::repeat_n(b' ', (-pad) as usize));
                    }
                    variants.push((tag, b));
                }
            }
            if let Some(b) = patch(&orig, b"'<i2'", "'\u{e9}i2'".as_bytes()) {
                variants.push(("descr_utf8", b));
            }
            if let Some(b) = patch(&orig, b"False", b"True ") {
                variants.push(("fortran", b));
            }
        } else if name.ends_with(".nii") {
            // dim[1..3] (i16 at 42, 44, 46) → 32767.
            let mut b = orig.clone();
            for o in [42, 44, 46] {
                b[o..o + 2].copy_from_slice(&32767i16.to_le_bytes());
            }
            variants.push(("dim32767", b));
            let mut b = orig.clone();
            b[108..112].copy_from_slice(&(-4000f32).to_le_bytes()); // vox_offset
            variants.push(("voxoffset_neg", b));
        } else if name.ends_with(".nrrd") {
            let text = String::from_utf8_lossy(&orig[..s.header.min(orig.len())]).to_string();
            if let Some(l) = text.lines().find(|l| l.starts_with("sizes:")) {
                if let Some(b) = patch(&orig, l.as_bytes(), b"sizes: 65535 65535 65535") {
                    variants.push(("sizes65535", b));
                }
            }
            if let Some(b) = patch(&orig, b"NRRD0004", b"NRRD0009") {
                variants.push(("magic9", b));
            }
        }
        for (tag, b) in variants {
            let path = emit(out, s, &format!("lying_{}_{tag}", s.tag), &b);
            items.push(Item {
                class: "lying",
                path,
                voxels: s.voxels,
            });
        }
    }
    items
}

fn mkfifo(p: &Path) {
    let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo on a path in the test's own folder.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
}

/// Odd files: FIFOs, symlink loops, sparse giants. `dicom` is a series folder to copy, if any.
pub fn odd(out: &Path, dicom: Option<&Path>, small_voxels: u64) -> Vec<Item> {
    let mut items = Vec::new();
    let mut push = |path: PathBuf, voxels| {
        items.push(Item {
            class: "odd",
            path,
            voxels,
        })
    };
    // A FIFO named like a scan.
    let f = out.join("odd_fifo.mha");
    mkfifo(&f);
    push(f, 0);
    // A MetaImage whose data file is a FIFO.
    fs::write(
        out.join("odd_fifodata.mhd"),
        "NDims = 3\nDimSize = 8 8 8\nElementType = MET_SHORT\nElementSpacing = 1 1 1\nElementDataFile = odd_fifodata.raw\n",
    )
    .unwrap();
    mkfifo(&out.join("odd_fifodata.raw"));
    push(out.join("odd_fifodata.mhd"), 512);
    // A 2 GiB sparse data file under a header declaring the small phantom's shape.
    fs::write(
        out.join("odd_sparse.mhd"),
        "NDims = 3\nDimSize = 128 128 53\nElementType = MET_SHORT\nElementSpacing = 1 1 2\nElementDataFile = odd_sparse.raw\n",
    )
    .unwrap();
    let raw = fs::File::create(out.join("odd_sparse.raw")).unwrap();
    raw.set_len(2 << 30).unwrap();
    push(out.join("odd_sparse.mhd"), small_voxels);
    // A 2 GiB sparse junk file with the DICM magic, alone in a folder.
    let d = out.join("odd_dicm_giant");
    fs::create_dir(&d).unwrap();
    let mut head = vec![0u8; 128];
    head.extend_from_slice(b"DICM");
    fs::write(d.join("x.dcm"), &head).unwrap();
    fs::OpenOptions::new()
        .write(true)
        .open(d.join("x.dcm"))
        .unwrap()
        .set_len(2 << 30)
        .unwrap();
    push(d, 0);
    // A DICOM folder with two links to itself and a FIFO.
    let d = out.join("odd_loops");
    match dicom {
        Some(src) => copy_dir(src, &d),
        None => fs::create_dir(&d).unwrap(),
    }
    std::os::unix::fs::symlink(".", d.join("a")).unwrap();
    std::os::unix::fs::symlink(".", d.join("b")).unwrap();
    mkfifo(&d.join("scan.dcm"));
    let voxels = if dicom.is_some() { 11 * 512 * 512 } else { 0 };
    push(d, voxels);
    items
}
