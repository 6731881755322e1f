//! Opening input files defensively: only regular files are opened (a FIFO named `scan.mha`
//! would block forever), sizes are checked against [`crate::ReadOptions::max_bytes`] and the
//! file length before anything is allocated, and compressed streams are read to their end so
//! their checksums (gzip CRC-32 + ISIZE, zlib Adler-32) are verified.

use crate::error::{Error, Result};
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Largest header text read before the data (MetaImage, NRRD, npy): real headers are a few
/// KB; a bigger one is refused rather than read whole.
pub(crate) const MAX_HEADER: u64 = 1 << 20;

/// Deflate's largest expansion ratio (a run of zeros): more declared bytes than the
/// compressed size allows is a lie found before allocating.
pub(crate) const MAX_INFLATE_RATIO: u64 = 1032;

/// Decompressed bytes tolerated after the declared voxels (and discarded); more is an error.
const MAX_TRAILING: u64 = 1 << 20;

/// What a non-regular file is, for the error message.
fn kind_name(ft: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_block_device() || ft.is_char_device() {
            return "a device";
        }
    }
    if ft.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

/// Opens `path` for reading only if it is a regular file, returning it with its length.
/// On Unix the open is non-blocking (a FIFO's open would otherwise wait for a writer) and the
/// type is checked on the opened descriptor, so a swap between check and open cannot fool it.
pub(crate) fn open_regular(path: &Path) -> Result<(File, u64)> {
    let mut o = std::fs::OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NONBLOCK);
    }
    let f = o.open(path).map_err(|e| Error::io(path, e))?;
    let meta = f.metadata().map_err(|e| Error::io(path, e))?;
    if !meta.file_type().is_file() {
        return Err(Error::NotRegularFile {
            path: path.to_path_buf(),
            kind: kind_name(meta.file_type()),
        });
    }
    Ok((f, meta.len()))
}

/// Refuses a declared volume of `bytes` above the caller's limit.
pub(crate) fn check_limit(path: &Path, bytes: u64, max: Option<u64>) -> Result<()> {
    match max {
        Some(limit) if bytes > limit => Err(Error::TooLarge {
            path: path.to_path_buf(),
            bytes,
            limit,
        }),
        _ => Ok(()),
    }
}

/// Reads up to `n` bytes from the start of `file` (fewer if the file is shorter).
pub(crate) fn read_prefix(file: &File, path: &Path, n: u64) -> Result<Vec<u8>> {
    use std::io::Seek;
    let mut out = Vec::new();
    let mut f = file;
    f.rewind().map_err(|e| Error::io(path, e))?;
    file.take(n)
        .read_to_end(&mut out)
        .map_err(|e| Error::io(path, e))?;
    Ok(out)
}

/// Maps an error from a decompressor: corrupt data (bad checksum, bad stream) is
/// [`Error::Decode`], anything else keeps its I/O kind.
pub(crate) fn inflate_err(path: &Path, e: std::io::Error) -> Error {
    use std::io::ErrorKind::*;
    match e.kind() {
        InvalidInput | InvalidData | UnexpectedEof | Other => Error::Decode {
            path: path.to_path_buf(),
            message: format!("compressed data: {e}"),
        },
        _ => Error::io(path, e),
    }
}

/// Reads exactly `nbytes` decompressed bytes from `r`, then the stream to its end (at most
/// 1 MiB more, discarded) so its checksum is verified. The caller has checked `nbytes`
/// against the limit and the compressed size.
pub(crate) fn read_inflated(path: &Path, mut r: impl Read, nbytes: u64) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    (&mut r)
        .take(nbytes)
        .read_to_end(&mut out)
        .map_err(|e| inflate_err(path, e))?;
    if (out.len() as u64) < nbytes {
        return Err(Error::DataSize {
            path: path.to_path_buf(),
            expected: nbytes,
            found: out.len() as u64,
        });
    }
    let extra = std::io::copy(&mut r.take(MAX_TRAILING + 1), &mut std::io::sink())
        .map_err(|e| inflate_err(path, e))?;
    if extra > MAX_TRAILING {
        return Err(Error::DataSize {
            path: path.to_path_buf(),
            expected: nbytes,
            found: nbytes + extra,
        });
    }
    Ok(out)
}

/// Where and how the voxels are stored in a data file (MetaImage, NRRD).
pub(crate) struct Payload<'a> {
    /// The data file (named in errors).
    pub path: &'a Path,
    /// It, opened by [`open_regular`].
    pub file: &'a File,
    /// The byte range `[start, end)` of the file holding the (possibly compressed) data.
    pub start: u64,
    /// End of that range.
    pub end: u64,
    /// zlib- or gzip-compressed (told apart by the gzip magic).
    pub compressed: bool,
    /// Bytes to skip: raw data, from `start` (`-1`: the data is the last bytes of the range,
    /// as MetaImage's `HeaderSize` and NRRD's `byte skip` define it); compressed data, in the
    /// decompressed stream (NRRD's `byte skip`).
    pub skip: i64,
}

impl Payload<'_> {
    /// Reads `shape` voxels of `dtype`, exactly the declared bytes: raw data by positional
    /// reads (never the whole file), compressed data streamed to its end (checksums checked).
    pub(crate) fn read(
        &self,
        dtype: crate::element::Dtype,
        big: bool,
        shape: [usize; 3],
        max: Option<u64>,
    ) -> Result<crate::AnyVolume> {
        let path = self.path;
        let nbytes = crate::element::checked_count(shape, dtype.size())
            .ok_or_else(|| Error::header(path, "dimensions overflow"))? as u64;
        check_limit(path, nbytes, max)?;
        let avail = self.end.saturating_sub(self.start);
        let short = |found: u64| Error::DataSize {
            path: path.to_path_buf(),
            expected: nbytes,
            found,
        };
        if self.skip < -1 || (self.compressed && self.skip < 0) {
            return Err(Error::header(path, format!("bad skip {}", self.skip)));
        }
        let skip = self.skip.max(0) as u64;
        if !self.compressed {
            let off = if self.skip == -1 {
                avail.checked_sub(nbytes).ok_or_else(|| short(avail))?
            } else {
                skip
            };
            if off.checked_add(nbytes).is_none_or(|e| e > avail) {
                return Err(short(avail.saturating_sub(off)));
            }
            return crate::element::read_decode_at(
                self.file,
                path,
                self.start + off,
                dtype,
                big,
                shape,
            );
        }
        let most = avail.saturating_mul(MAX_INFLATE_RATIO).saturating_add(64);
        if nbytes.saturating_add(skip) > most {
            return Err(Error::Decode {
                path: path.to_path_buf(),
                message: format!(
                    "{avail} compressed bytes cannot hold the {nbytes} declared bytes"
                ),
            });
        }
        use std::io::{BufRead, Seek, SeekFrom};
        let mut f = self.file;
        f.seek(SeekFrom::Start(self.start))
            .map_err(|e| Error::io(path, e))?;
        let mut r = std::io::BufReader::new(f.take(avail));
        let gz = r
            .fill_buf()
            .map_err(|e| Error::io(path, e))?
            .starts_with(&[0x1f, 0x8b]);
        let mut dec: Box<dyn Read + '_> = if gz {
            Box::new(flate2::bufread::MultiGzDecoder::new(r))
        } else {
            Box::new(flate2::bufread::ZlibDecoder::new(r))
        };
        let skipped = std::io::copy(&mut (&mut dec).take(skip), &mut std::io::sink())
            .map_err(|e| inflate_err(path, e))?;
        if skipped < skip {
            return Err(short(0));
        }
        let bytes = read_inflated(path, dec, nbytes)?;
        Ok(crate::element::decode_any(dtype, &bytes, big, shape))
    }
}
