//! `lungprep montage`: seed 001's `plot_ct_scan` — every 5th slice, 4 per row, in
//! matplotlib's `bone` colour map, each slice scaled to its own range as `imshow` does.

use std::path::Path;

use lungprep::lungseg::slicewise::{self, Stored};
use lungprep::volume_io::{self, AnyVolume};
use ndarray::{Array2, ArrayView3, Axis};

use super::picture::encode_png;
use super::{msg, CliResult};

/// matplotlib's `bone` segment data `(x, y)` per channel (`_cm._bone_data`).
const BONE: [&[(f64, f64)]; 3] = [
    &[(0.0, 0.0), (0.746032, 0.652778), (1.0, 1.0)],
    &[
        (0.0, 0.0),
        (0.365079, 0.319444),
        (0.746032, 0.777778),
        (1.0, 1.0),
    ],
    &[(0.0, 0.0), (0.365079, 0.444444), (1.0, 1.0)],
];

/// matplotlib's 256-entry lookup table of `bone` (linear between the segment points).
fn bone_lut() -> Vec<[u8; 3]> {
    (0..256)
        .map(|i| {
            let x = i as f64 / 255.0;
            let mut rgb = [0u8; 3];
            for (c, seg) in BONE.iter().enumerate() {
                let k = seg
                    .iter()
                    .position(|p| p.0 >= x)
                    .unwrap_or(seg.len() - 1)
                    .max(1);
                let (a, b) = (seg[k - 1], seg[k]);
                let v = a.1 + (b.1 - a.1) * (x - a.0) / (b.0 - a.0);
                rgb[c] = (v.clamp(0.0, 1.0) * 255.0).round() as u8;
            }
            rgb
        })
        .collect()
}

/// The RGB picture: cells of `plot_ct_scan`'s grid, slice `i` scaled by its own min..max
/// (matplotlib's `Normalize`, 256 colours), empty cells white, 4 px white gutters.
fn picture<T: Stored>(scan: &ArrayView3<T>) -> (usize, usize, Vec<u8>) {
    const GAP: usize = 4;
    let (n, ny, nx) = scan.dim();
    let rows = n / 20 + 1;
    let (w, h) = (4 * nx + 3 * GAP, rows * ny + (rows - 1) * GAP);
    let mut rgb = vec![255u8; w * h * 3];
    let lut = bone_lut();
    for i in (0..n).step_by(5) {
        let (r, c) = (i / 20, (i % 20) / 5);
        let s = scan.index_axis(Axis(0), i);
        let vals: Array2<i64> = s.mapv(|v| v.into());
        let lo = vals.iter().copied().min().unwrap_or(0);
        let hi = vals.iter().copied().max().unwrap_or(0);
        let span = (hi - lo).max(1) as f64;
        for ((y, x), &v) in vals.indexed_iter() {
            let k = (((v - lo) as f64 / span) * 256.0).floor().clamp(0.0, 255.0) as usize;
            let (py, px) = (r * (ny + GAP) + y, c * (nx + GAP) + x);
            let o = (py * w + px) * 3;
            rgb[o..o + 3].copy_from_slice(&lut[if hi == lo { 0 } else { k }]);
        }
    }
    (w, h, rgb)
}

/// `lungprep montage INPUT OUT.png [--npy GRID.npy]` (`--npy`: the float64 grid the oracle
/// returns, for parity).
pub fn montage_cmd(input: &Path, out: &Path, npy: Option<&Path>) -> CliResult<()> {
    let v = super::slicewise::read_stack(input)?;
    fn go<T: Stored>(scan: &ArrayView3<T>, out: &Path, npy: Option<&Path>) -> CliResult<()> {
        if scan.is_empty() {
            return Err("montage: empty stack".into());
        }
        if let Some(p) = npy {
            volume_io::write_npy(&slicewise::montage(scan).view(), p).map_err(msg)?;
        }
        let (w, h, rgb) = picture(scan);
        super::input::write_atomic(out, &encode_png(w, h, &rgb)?)?;
        tracing::info!("montage {w}×{h} → {}", out.display());
        Ok(())
    }
    match &v {
        AnyVolume::U8(v) => go(&v.data.view(), out, npy),
        AnyVolume::I8(v) => go(&v.data.view(), out, npy),
        AnyVolume::U16(v) => go(&v.data.view(), out, npy),
        AnyVolume::I16(v) => go(&v.data.view(), out, npy),
        _ => Err("unsupported stack type".into()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn bone_ends() {
        let lut = super::bone_lut();
        assert_eq!(lut[0], [0, 0, 0]);
        assert_eq!(lut[255], [255, 255, 255]);
        // Bluish in the middle, as bone is.
        assert!(lut[100][2] > lut[100][0]);
    }
}
