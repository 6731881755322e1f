//! What every picture of the CLI shares: the bundled font and PNG encoding.

use std::sync::OnceLock;

use plotters::style::{register_font, FontStyle};

use super::{msg, CliResult};

/// DejaVu Sans, shipped with the project: no system font libraries needed.
const FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Registers the bundled font as plotters' `sans-serif` (once per process).
pub fn font() -> CliResult<()> {
    static DONE: OnceLock<bool> = OnceLock::new();
    if *DONE.get_or_init(|| register_font("sans-serif", FontStyle::Normal, FONT).is_ok()) {
        Ok(())
    } else {
        Err("the bundled DejaVu Sans font could not be read".into())
    }
}

/// An 8-bit RGB raster as PNG bytes. Fast deflate: a batch writes one picture per case, and
/// the best compression costs more time than the pictures are worth in bytes.
pub fn encode_png(w: usize, h: usize, rgb: &[u8]) -> CliResult<Vec<u8>> {
    let mut out = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut out, w as u32, h as u32);
        enc.set_color(png::ColorType::Rgb);
        enc.set_depth(png::BitDepth::Eight);
        enc.set_compression(png::Compression::Fast);
        let mut wr = enc.write_header().map_err(msg)?;
        wr.write_image_data(rgb).map_err(msg)?;
    }
    Ok(out)
}
