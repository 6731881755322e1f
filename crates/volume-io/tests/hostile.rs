//! Hostile inputs: every case from issue 10 and every input the fuzzers found must give a
//! typed error (or the correct volume), never a panic, a hang or a giant allocation. A
//! counting global allocator measures the largest single allocation and the peak of live
//! bytes while each case runs (the cases run one at a time under a lock).

use lungprep_volume_io::{AnyVolume, Error, ReadOptions};
use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::Mutex;

struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static BIGGEST: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            let now = LIVE.fetch_add(l.size(), Relaxed) + l.size();
            PEAK.fetch_max(now, Relaxed);
            BIGGEST.fetch_max(l.size(), Relaxed);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(l) };
        if !p.is_null() {
            let now = LIVE.fetch_add(l.size(), Relaxed) + l.size();
            PEAK.fetch_max(now, Relaxed);
            BIGGEST.fetch_max(l.size(), Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        LIVE.fetch_sub(l.size(), Relaxed);
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        let q = unsafe { System.realloc(p, l, new) };
        if !q.is_null() {
            if new >= l.size() {
                let now = LIVE.fetch_add(new - l.size(), Relaxed) + new - l.size();
                PEAK.fetch_max(now, Relaxed);
            } else {
                LIVE.fetch_sub(l.size() - new, Relaxed);
            }
            BIGGEST.fetch_max(new, Relaxed);
        }
        q
    }
}

#[global_allocator]
static A: Counting = Counting;

static SERIAL: Mutex<()> = Mutex::new(());

/// Most any hostile input here may make the reader allocate at once (the inputs are KB).
const BOUND: usize = 32 << 20;

/// Runs `f` alone, asserting that no allocation above [`BOUND`] happened and that the live
/// bytes never grew by more than it; prints the peak.
fn bounded<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let base = LIVE.load(Relaxed);
    PEAK.store(base, Relaxed);
    BIGGEST.store(0, Relaxed);
    let out = f();
    let (peak, big) = (PEAK.load(Relaxed) - base, BIGGEST.load(Relaxed));
    if std::env::var_os("HOSTILE_VERBOSE").is_some() {
        println!("{what}: peak {peak} bytes, largest allocation {big} bytes");
    }
    assert!(big <= BOUND, "{what}: allocated {big} bytes at once");
    assert!(peak <= BOUND, "{what}: peak of {peak} live bytes");
    out
}

fn base(name: &str) -> Vec<u8> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/hostile/base")
        .join(name);
    std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn read(p: &Path) -> lungprep_volume_io::Result<AnyVolume> {
    lungprep_volume_io::read(p, &ReadOptions::default())
}

fn read_max(p: &Path, max: u64) -> lungprep_volume_io::Result<AnyVolume> {
    lungprep_volume_io::read(
        p,
        &ReadOptions {
            max_bytes: Some(max),
            ..Default::default()
        },
    )
}

fn find(hay: &[u8], needle: &[u8]) -> usize {
    hay.windows(needle.len())
        .position(|w| w == needle)
        .unwrap_or_else(|| panic!("{needle:02X?} not found"))
}

fn replace(hay: &[u8], needle: &[u8], with: &[u8]) -> Vec<u8> {
    let at = find(hay, needle);
    let mut out = hay[..at].to_vec();
    out.extend_from_slice(with);
    out.extend_from_slice(&hay[at + needle.len()..]);
    out
}

fn i16s(v: &AnyVolume) -> Vec<i16> {
    v.clone().into_i16().unwrap().data.iter().copied().collect()
}

// ---------------------------------------------------------------- npy

#[test]
fn npy_non_ascii_descr_is_a_typed_error() {
    let t = tempfile::tempdir().unwrap();
    let npy = base("i2.npy");
    let bad = replace(&npy, b"'<i2'", "'\u{e9}i'".as_bytes());
    let p = write(t.path(), "a.npy", &bad);
    let e = bounded("npy non-ASCII descr", || read(&p)).unwrap_err();
    assert!(
        matches!(e, Error::Unsupported { .. } | Error::Header { .. }),
        "{e}"
    );
}

/// A 1 MiB header of nested brackets: the header parser's recursion stops at its stack limit
/// (no overflow), and the error is one short line, not the header quoted back.
#[test]
fn npy_deeply_nested_header_is_a_short_typed_error() {
    let t = tempfile::tempdir().unwrap();
    let depth = 500_000;
    let mut dict = format!(
        "{{'descr': {}{}, 'fortran_order': False, 'shape': (1,), }}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    while (dict.len() + 13) % 64 != 0 {
        dict.push(' ');
    }
    dict.push('\n');
    let mut bytes = b"\x93NUMPY\x02\x00".to_vec();
    bytes.extend_from_slice(&(dict.len() as u32).to_le_bytes());
    bytes.extend_from_slice(dict.as_bytes());
    bytes.push(0);
    let p = write(t.path(), "nested.npy", &bytes);
    let e = bounded("npy nested header", || read(&p)).unwrap_err();
    assert!(matches!(e, Error::Header { .. }), "{e}");
    assert!(
        e.to_string().len() < 300,
        "{} bytes of message",
        e.to_string().len()
    );
}

#[test]
fn npy_fortran_order_reads_like_c_order() {
    // The three seeds hold the same 2 x 16 x 16 cut: int16 C order, float32 and bool Fortran.
    let t = tempfile::tempdir().unwrap();
    let c = read(&write(t.path(), "c.npy", &base("i2.npy"))).unwrap();
    let f = bounded("npy fortran", || {
        read(&write(t.path(), "f.npy", &base("f4_fortran.npy")))
    })
    .unwrap();
    assert_eq!(f.shape(), c.shape());
    assert_eq!(i16s(&f), i16s(&c));
    let b = read(&write(t.path(), "b.npy", &base("bool_fortran.npy"))).unwrap();
    let want: Vec<i16> = i16s(&c).iter().map(|&v| i16::from(v > -500)).collect();
    assert_eq!(i16s(&b), want, "Fortran-order bool read as C order");
}

#[test]
fn npy_over_the_limit_is_too_large() {
    let t = tempfile::tempdir().unwrap();
    let p = write(t.path(), "a.npy", &base("i2.npy"));
    assert!(matches!(read_max(&p, 100), Err(Error::TooLarge { .. })));
}

// ---------------------------------------------------------------- MetaImage

fn mha_with(header_edit: impl Fn(&str) -> String, payload: &[u8]) -> Vec<u8> {
    let raw = base("raw.mha");
    let at = find(&raw, b"ElementDataFile = LOCAL\n") + b"ElementDataFile = LOCAL\n".len();
    let text = header_edit(std::str::from_utf8(&raw[..at]).unwrap());
    let mut out = text.into_bytes();
    out.extend_from_slice(payload);
    out
}

#[test]
fn mha_zero_dimension_with_skip_past_the_data_is_an_error() {
    let t = tempfile::tempdir().unwrap();
    let bytes = mha_with(
        |h| h.replace("DimSize = 16 16 2", "DimSize = 16 0 2\nHeaderSize = 100000"),
        &[0u8; 64],
    );
    let p = write(t.path(), "z.mha", &bytes);
    let e = bounded("mha zero dim", || read(&p)).unwrap_err();
    assert!(matches!(e, Error::Header { .. }), "{e}");
}

#[test]
fn mha_skip_past_the_data_is_a_size_error() {
    let t = tempfile::tempdir().unwrap();
    let bytes = mha_with(
        |h| h.replace("DimSize", "HeaderSize = 100000\nDimSize"),
        &[0u8; 1024],
    );
    let p = write(t.path(), "s.mha", &bytes);
    let e = bounded("mha skip past data", || read(&p)).unwrap_err();
    assert!(matches!(e, Error::DataSize { .. }), "{e}");
}

#[test]
fn mha_negative_header_size_is_an_error() {
    let t = tempfile::tempdir().unwrap();
    let bytes = mha_with(
        |h| h.replace("DimSize", "HeaderSize = -5\nDimSize"),
        &[0u8; 1024],
    );
    let p = write(t.path(), "n.mha", &bytes);
    let e = read(&p).unwrap_err();
    assert!(matches!(e, Error::Header { .. }), "{e}");
    // -1 (the data is the last bytes) is valid.
    let good = read(&write(t.path(), "g.mha", &base("raw.mha"))).unwrap();
    let mut payload = b"junk".to_vec();
    payload.extend_from_slice(&base("raw.mha")[base("raw.mha").len() - 1024..]);
    let bytes = mha_with(
        |h| h.replace("DimSize", "HeaderSize = -1\nDimSize"),
        &payload,
    );
    let v = read(&write(t.path(), "m.mha", &bytes)).unwrap();
    assert_eq!(i16s(&v), i16s(&good));
}

#[test]
fn mha_zlib_checksum_is_checked() {
    let t = tempfile::tempdir().unwrap();
    let z = base("zlib.mha");
    let good = read(&write(t.path(), "g.mha", &z)).unwrap();
    assert_eq!(
        i16s(&good),
        i16s(&read(&write(t.path(), "r.mha", &base("raw.mha"))).unwrap())
    );
    // The last 4 bytes are the Adler-32 of the inflated data.
    let mut bad = z.clone();
    let n = bad.len();
    bad[n - 1] ^= 0x01;
    let e = bounded("zraw adler", || read(&write(t.path(), "b.mha", &bad))).unwrap_err();
    assert!(matches!(e, Error::Decode { .. }), "{e}");
}

#[test]
fn mha_declaring_more_than_the_compressed_data_can_hold_is_refused_before_allocating() {
    let t = tempfile::tempdir().unwrap();
    let z = base("zlib.mha");
    let bad = replace(&z, b"DimSize = 16 16 2", b"DimSize = 4096 4096 512");
    let p = write(t.path(), "big.mha", &bad);
    let e = bounded("zraw lying size", || read(&p)).unwrap_err();
    assert!(matches!(e, Error::Decode { .. }), "{e}");
}

#[test]
fn mhd_reads_only_the_declared_bytes_of_a_sparse_giant_raw() {
    let t = tempfile::tempdir().unwrap();
    let raw = base("raw.mha");
    let hdr = mha_with(|h| h.replace("LOCAL", "giant.raw"), &[]);
    let p = write(t.path(), "g.mhd", &hdr);
    let f = std::fs::File::create(t.path().join("giant.raw")).unwrap();
    f.set_len(2 << 30).unwrap();
    use std::io::Write;
    (&f).write_all(&raw[raw.len() - 1024..]).unwrap();
    let v = bounded("sparse 2 GiB raw", || read(&p)).unwrap();
    assert_eq!(v.shape(), [2, 16, 16]);
    // Declaring the whole 2 GiB: refused by the limit before any allocation.
    let hdr = mha_with(
        |h| {
            h.replace("LOCAL", "giant.raw")
                .replace("DimSize = 16 16 2", "DimSize = 1024 1024 1024")
        },
        &[],
    );
    let p = write(t.path(), "h.mhd", &hdr);
    let e = bounded("sparse 2 GiB raw, declared", || read_max(&p, 256 << 20)).unwrap_err();
    assert!(matches!(e, Error::TooLarge { .. }), "{e}");
}

#[cfg(unix)]
#[test]
fn a_fifo_is_never_opened() {
    let t = tempfile::tempdir().unwrap();
    let p = t.path().join("scan.mha");
    let c = std::ffi::CString::new(p.to_str().unwrap()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let (tx, rx) = std::sync::mpsc::channel();
    let q = p.clone();
    std::thread::spawn(move || {
        let _ = tx.send(read(&q).map(|_| ()).map_err(|e| e.to_string()));
    });
    let r = rx
        .recv_timeout(std::time::Duration::from_secs(10))
        .expect("reading a FIFO blocked");
    let e = r.unwrap_err();
    assert!(e.contains("FIFO"), "{e}");
}

// ---------------------------------------------------------------- NRRD

#[test]
fn nrrd_skips_are_honoured_and_bad_ones_refused() {
    let t = tempfile::tempdir().unwrap();
    let raw = read(&write(t.path(), "r.nrrd", &base("raw.nrrd"))).unwrap();
    let gz = read(&write(t.path(), "g.nrrd", &base("gzip.nrrd"))).unwrap();
    let sk = read(&write(t.path(), "s.nrrd", &base("skips.nrrd"))).unwrap();
    assert_eq!(i16s(&gz), i16s(&raw));
    assert_eq!(i16s(&sk), i16s(&raw), "line skip / byte skip");
    let bad = replace(&base("raw.nrrd"), b"NRRD0004", b"NRRD0009");
    let e = read(&write(t.path(), "v.nrrd", &bad)).unwrap_err();
    assert!(matches!(e, Error::Header { .. }), "{e}");
    let bad = replace(
        &base("raw.nrrd"),
        b"sizes: 16 16 2",
        b"sizes: 16 0 2\nbyte skip: 99999",
    );
    let e = bounded("nrrd zero size", || read(&write(t.path(), "z.nrrd", &bad))).unwrap_err();
    assert!(matches!(e, Error::Header { .. }), "{e}");
    let bad = replace(
        &base("raw.nrrd"),
        b"sizes: 16 16 2",
        b"sizes: 16 16 2\nbyte skip: 99999",
    );
    let e = bounded("nrrd skip past", || read(&write(t.path(), "p.nrrd", &bad))).unwrap_err();
    assert!(matches!(e, Error::DataSize { .. }), "{e}");
    let bad = replace(
        &base("raw.nrrd"),
        b"sizes: 16 16 2",
        b"sizes: 16 16 2\nline skip: 50",
    );
    let e = read(&write(t.path(), "l.nrrd", &bad)).unwrap_err();
    assert!(matches!(e, Error::Header { .. }), "{e}");
}

#[test]
fn nrrd_gzip_crc_is_checked() {
    let t = tempfile::tempdir().unwrap();
    let mut bad = base("gzip.nrrd");
    let n = bad.len();
    bad[n - 8] ^= 0x01; // CRC-32
    let e = bounded("nrrd gzip crc", || read(&write(t.path(), "c.nrrd", &bad))).unwrap_err();
    assert!(matches!(e, Error::Decode { .. }), "{e}");
    assert!(matches!(
        read_max(&write(t.path(), "m.nrrd", &base("gzip.nrrd")), 100),
        Err(Error::TooLarge { .. })
    ));
}

// ---------------------------------------------------------------- NIfTI

#[test]
fn nifti_gz_crc_and_length_are_checked() {
    let t = tempfile::tempdir().unwrap();
    let good = base("cut.nii.gz");
    let v = read(&write(t.path(), "g.nii.gz", &good)).unwrap();
    assert_eq!(v.shape(), [2, 16, 16]);
    let n = good.len();
    for (at, what) in [(n - 8, "crc"), (n - 4, "isize")] {
        let mut bad = good.clone();
        bad[at] ^= 0x01;
        let p = write(t.path(), &format!("{what}.nii.gz"), &bad);
        let e = bounded(&format!("nii.gz {what}"), || read(&p)).unwrap_err();
        assert!(matches!(e, Error::Decode { .. }), "{what}: {e}");
    }
    // Two flipped bits inside the deflate data: an error, never a silently different volume.
    for bit in [200usize, 900, 2000, 3000] {
        let mut bad = good.clone();
        bad[bit / 8 + 20] ^= 1 << (bit % 8);
        bad[bit / 8 + 40] ^= 1 << (bit % 8);
        let p = write(t.path(), "f.nii.gz", &bad);
        match bounded("nii.gz flipped bits", || read(&p)) {
            Err(_) => {}
            Ok(w) => assert_eq!(i16s(&w), i16s(&v), "flipped bits gave another volume"),
        }
    }
    assert!(matches!(
        read_max(&write(t.path(), "m.nii.gz", &good), 100),
        Err(Error::TooLarge { .. })
    ));
}

// ---------------------------------------------------------------- DICOM

fn dicom_dir(files: &[(&str, Vec<u8>)]) -> tempfile::TempDir {
    let t = tempfile::tempdir().unwrap();
    for (n, b) in files {
        write(t.path(), n, b);
    }
    t
}

#[test]
fn dicom_65535_rows_and_columns_with_data_for_16_squared() {
    let s = base("lidc.dcm");
    let rows = [0x28, 0x00, 0x10, 0x00, b'U', b'S', 0x02, 0x00];
    let cols = [0x28, 0x00, 0x11, 0x00, b'U', b'S', 0x02, 0x00];
    let mut b = s.clone();
    let r = find(&b, &rows) + 8;
    b[r..r + 2].copy_from_slice(&[0xFF, 0xFF]);
    let c = find(&b, &cols) + 8;
    b[c..c + 2].copy_from_slice(&[0xFF, 0xFF]);
    let t = dicom_dir(&[("a.dcm", b.clone()), ("b.dcm", b.clone()), ("c.dcm", b)]);
    let e = bounded("65535 x 65535", || read(t.path())).unwrap_err();
    assert!(matches!(e, Error::DataSize { .. }), "{e}");
}

#[test]
fn dicom_huge_declared_lengths_are_refused_before_parsing() {
    let s = base("lidc.dcm");
    // A private OB declaring 0xF0000000 bytes, at the start of the data set.
    let meta_end = find(&s, &[0x08, 0x00]); // first group-8 element follows the meta group
    let start = find(&s[meta_end..], &[0x08, 0x00, 0x05, 0x00]) + meta_end;
    let mut ob = s[..start].to_vec();
    ob.extend_from_slice(&[0x09, 0x00, 0x10, 0x10, b'O', b'B', 0, 0, 0, 0, 0, 0xF0]);
    ob.extend_from_slice(&s[start..]);
    // Pixel Data declaring 0x7FFFFFF0 bytes.
    let px = find(&s, &[0xE0, 0x7F, 0x10, 0x00, b'O', b'W', 0, 0]) + 8;
    let mut pd = s.clone();
    pd[px..px + 4].copy_from_slice(&0x7FFF_FFF0u32.to_le_bytes());
    for (what, b) in [("private OB 0xF0000000", ob), ("PixelData 0x7FFFFFF0", pd)] {
        let t = dicom_dir(&[("x.dcm", b)]);
        let e = bounded(what, || read(&t.path().join("x.dcm"))).unwrap_err();
        assert!(matches!(e, Error::Dicom { .. }), "{what}: {e}");
    }
}

#[test]
fn dicom_pixel_data_far_larger_than_the_frame_is_refused() {
    // 16 x 16 x 2 bytes of frame, 4 MiB of Pixel Data actually present.
    let s = base("lidc.dcm");
    let px = find(&s, &[0xE0, 0x7F, 0x10, 0x00, b'O', b'W', 0, 0]) + 8;
    let mut b = s[..px].to_vec();
    b.extend_from_slice(&(4u32 << 20).to_le_bytes());
    b.resize(b.len() + (4 << 20), 0);
    let t = dicom_dir(&[("x.dcm", b)]);
    let e = bounded("4 MiB PixelData for 16 x 16", || read(t.path())).unwrap_err();
    assert!(matches!(e, Error::Unsupported { .. }), "{e}");
}

#[test]
fn dicom_sparse_giant_with_the_magic_is_an_error() {
    let t = tempfile::tempdir().unwrap();
    let p = t.path().join("junk.dcm");
    let f = std::fs::File::create(&p).unwrap();
    use std::io::{Seek, Write};
    (&f).seek(std::io::SeekFrom::Start(128)).unwrap();
    (&f).write_all(b"DICM").unwrap();
    f.set_len(2 << 30).unwrap();
    let t0 = std::time::Instant::now();
    let e = bounded("2 GiB junk with DICM", || read(&p)).unwrap_err();
    assert!(matches!(e, Error::Unsupported { .. }), "{e}");
    assert!(t0.elapsed().as_secs() < 5, "took {:?}", t0.elapsed());
}

/// An RLE slice whose second segment decodes to 1 byte instead of 256: dicom-pixeldata
/// 0.10.1 indexes past it (`rle_lossless.rs:119`) and panics.
fn rle_short_segment() -> Vec<u8> {
    let s = base("lidc_rle.dcm");
    let px = find(
        &s,
        &[
            0xE0, 0x7F, 0x10, 0x00, b'O', b'B', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF,
        ],
    );
    let mut frag = vec![0u8; 64];
    frag[..4].copy_from_slice(&2u32.to_le_bytes());
    frag[4..8].copy_from_slice(&64u32.to_le_bytes());
    frag[8..12].copy_from_slice(&68u32.to_le_bytes());
    frag.extend_from_slice(&[0x81, 0x00, 0x81, 0x00]); // 2 x 128 zero MSBs
    frag.extend_from_slice(&[0x00, 0x05]); // one literal LSB byte
    let mut out = s[..px + 12].to_vec();
    out.extend_from_slice(&[0xFE, 0xFF, 0x00, 0xE0, 0, 0, 0, 0]); // empty offset table
    out.extend_from_slice(&[0xFE, 0xFF, 0x00, 0xE0]);
    out.extend_from_slice(&(frag.len() as u32).to_le_bytes());
    out.extend_from_slice(&frag);
    out.extend_from_slice(&[0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0]);
    out
}

/// Reads with the panic hook silenced: the default hook's backtrace symbolization would
/// count tens of MB against the reader.
fn read_quiet(p: &Path) -> lungprep_volume_io::Result<AnyVolume> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let r = read(p);
    std::panic::set_hook(hook);
    r
}

#[test]
fn dicom_decoder_panics_become_typed_errors() {
    let t = dicom_dir(&[("rle.dcm", rle_short_segment())]);
    let e = bounded("RLE short segment", || {
        read_quiet(&t.path().join("rle.dcm"))
    })
    .unwrap_err();
    assert!(
        matches!(&e, Error::DecoderPanic { transfer_syntax, .. } if transfer_syntax.contains("RLE")),
        "{e}"
    );
    assert!(e.to_string().contains("rle.dcm"), "{e}");
    // A segment count of 2^32 - 1: checked before the decoder allocates the offsets.
    let mut b = rle_short_segment();
    let at = find(&b, &[0x02, 0, 0, 0, 0x40, 0, 0, 0]);
    b[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
    let t = dicom_dir(&[("n.dcm", b)]);
    let e = bounded("RLE 2^32 segments", || read(&t.path().join("n.dcm"))).unwrap_err();
    assert!(matches!(e, Error::Decode { .. }), "{e}");
}

#[test]
fn dicom_j2k_codestream_larger_than_rows_and_columns() {
    // 693_J2KI is 512 x 512: declaring 16 x 16 made the adapter panic (jpeg2k.rs:90).
    let s = base("j2k.dcm");
    let mut b = s.clone();
    for tag in [[0x28u8, 0x00, 0x10, 0x00], [0x28, 0x00, 0x11, 0x00]] {
        let at = find(&b, &tag) + 8;
        b[at..at + 2].copy_from_slice(&16u16.to_le_bytes());
    }
    let t = dicom_dir(&[("j.dcm", b)]);
    let e = bounded("J2K larger than Rows x Columns", || {
        read(&t.path().join("j.dcm"))
    })
    .unwrap_err();
    assert!(matches!(e, Error::Decode { .. }), "{e}");
    let t = dicom_dir(&[("j.dcm", s)]);
    assert_eq!(
        read(&t.path().join("j.dcm")).unwrap().shape(),
        [1, 512, 512]
    );
}

#[test]
fn dicom_mr_series_gets_a_warning() {
    let s = base("lidc.dcm");
    let mr = replace(
        &s,
        &[0x08, 0x00, 0x60, 0x00, b'C', b'S', 0x02, 0x00, b'C', b'T'],
        &[0x08, 0x00, 0x60, 0x00, b'C', b'S', 0x02, 0x00, b'M', b'R'],
    );
    let t = dicom_dir(&[("a.dcm", mr)]);
    let v = read(t.path()).unwrap();
    assert!(
        v.meta()
            .warnings
            .iter()
            .any(|w| w.contains("Modality is MR")),
        "{:?}",
        v.meta().warnings
    );
    let t = dicom_dir(&[("a.dcm", s)]);
    let w = read(t.path()).unwrap().meta().warnings.clone();
    assert!(!w.iter().any(|w| w.contains("Modality")), "{w:?}");
}

#[cfg(unix)]
#[test]
fn dicom_symlink_loops_are_walked_once() {
    let t = dicom_dir(&[("a.dcm", base("lidc.dcm"))]);
    for n in ["a", "b", "c", "d"] {
        std::os::unix::fs::symlink(".", t.path().join(n)).unwrap();
    }
    let v = bounded("symlink loops", || read(t.path())).unwrap();
    assert_eq!(v.meta().num_files, 1);
}

/// Copies the first `n` slices of a real series (skips when the shared data is absent).
fn real_slices(n: usize) -> Option<(tempfile::TempDir, Vec<PathBuf>)> {
    let src =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/dicom/lidc_slab_0001");
    let mut files: Vec<PathBuf> = walk(&src);
    if files.is_empty() {
        println!("skipped: {} is absent", src.display());
        return None;
    }
    files.sort();
    let t = tempfile::tempdir().unwrap();
    let out = files[..n]
        .iter()
        .map(|f| {
            let p = t.path().join(f.file_name().unwrap());
            std::fs::copy(f, &p).unwrap();
            p
        })
        .collect();
    Some((t, out))
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else if p.extension().is_some_and(|x| x == "dcm") {
            out.push(p);
        }
    }
    out
}

#[test]
fn dicom_truncated_last_slice_fails_naming_it_or_warns_when_skipped() {
    for keep in [1000u64, 0] {
        let Some((t, files)) = real_slices(4) else {
            return;
        };
        let last = files.last().unwrap();
        std::fs::OpenOptions::new()
            .write(true)
            .open(last)
            .unwrap()
            .set_len(keep)
            .unwrap();
        let e = read(t.path()).unwrap_err();
        let name = last.file_name().unwrap().to_string_lossy().to_string();
        assert!(e.to_string().contains(&name), "{keep}: {e}");
        let v = lungprep_volume_io::read(
            t.path(),
            &ReadOptions {
                skip_bad_slices: true,
                ..Default::default()
            },
        )
        .unwrap();
        assert_eq!(v.shape()[0], 3);
        assert!(
            v.meta().warnings.iter().any(|w| w.contains(&name)),
            "{:?}",
            v.meta().warnings
        );
    }
}

#[test]
fn dicom_series_over_the_limit_is_too_large() {
    let t = dicom_dir(&[("a.dcm", base("lidc.dcm"))]);
    let e = read_max(t.path(), 100).unwrap_err();
    assert!(matches!(e, Error::TooLarge { .. }), "{e}");
}

// ---------------------------------------------------------------- fuzzer finds

/// Every input in `tests/hostile/found/` (named `<target>-<what>`, written by the fuzzers):
/// read under its target's file name, it gives a result or a typed error within bounds.
#[test]
fn fuzzer_finds_stay_fixed() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/hostile/found");
    let mut n = 0;
    for e in std::fs::read_dir(&dir).unwrap().flatten() {
        let p = e.path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        let target = match name.split('-').next().unwrap_or("") {
            "mha" => "scan.mha",
            "nrrd" => "scan.nrrd",
            "nifti" => "scan.nii",
            "npy" => "scan.npy",
            "dicom" => "slice.dcm",
            _ => continue,
        };
        let t = tempfile::tempdir().unwrap();
        let q = write(t.path(), target, &std::fs::read(&p).unwrap());
        let _ = bounded(&name, || read_quiet_max(&q));
        n += 1;
    }
    println!("{n} fuzzer finds");
}

// ---------------------------------------------------------------- generated corruptions

const BASES: [(&str, &str); 9] = [
    ("lidc.dcm", "x.dcm"),
    ("lidc_rle.dcm", "x.dcm"),
    ("raw.mha", "x.mha"),
    ("zlib.mha", "x.mha"),
    ("gzip.nrrd", "x.nrrd"),
    ("skips.nrrd", "x.nrrd"),
    ("cut.nii.gz", "x.nii.gz"),
    ("i2.npy", "x.npy"),
    ("bool_fortran.npy", "x.npy"),
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(128))]

    /// Any truncation of a file whose voxels end it is an error; bit flips and zeroed ranges
    /// give a volume or a typed error; never a panic or an allocation above the bound.
    #[test]
    fn corruptions_are_errors_or_volumes(
        which in 0..BASES.len(),
        cut in 0.0f64..1.0,
        flips in proptest::collection::vec((0.0f64..1.0, 0u8..8), 0..4),
        zero in proptest::option::of((0.0f64..1.0, 1usize..64)),
    ) {
        let (name, as_name) = BASES[which];
        let good = base(name);
        let t = tempfile::tempdir().unwrap();
        let n = good.len();
        let short = &good[..(cut * n as f64) as usize];
        let p = write(t.path(), as_name, short);
        let r = bounded("truncated", || read_max(&p, 64 << 20));
        proptest::prop_assert!(r.is_err(), "{name} cut to {} of {n} bytes read", short.len());
        let mut bad = good.clone();
        for (at, bit) in &flips {
            bad[(at * n as f64) as usize] ^= 1 << bit;
        }
        if let Some((at, len)) = zero {
            let a = (at * n as f64) as usize;
            for b in &mut bad[a..(a + len).min(n)] {
                *b = 0;
            }
        }
        let p = write(t.path(), as_name, &bad);
        let _ = bounded("flipped", || read_quiet_max(&p));
    }
}

fn read_quiet_max(p: &Path) -> lungprep_volume_io::Result<AnyVolume> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let r = read_max(p, 64 << 20);
    std::panic::set_hook(hook);
    r
}
