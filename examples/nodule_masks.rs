//! `nodule_masks SLICE.npy OUT_IMAGE.npy` (`matrix2int16` of a 2-D int16 slice) or
//! `nodule_masks --mask X Y Z DIAM Z_PLANE WIDTH HEIGHT SX SY SZ OX OY OZ OUT_MASK.npy`
//! (`make_mask`, uint8): seed 001 §4's two kernels.

use lungprep::lungseg::nodules;
use ndarray::Array2;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let a: Vec<String> = std::env::args().skip(1).collect();
    if a.first().map(String::as_str) == Some("--mask") && a.len() == 15 {
        let f = |i: usize| a[i].parse::<f64>();
        let u = |i: usize| a[i].parse::<usize>();
        let m = nodules::make_mask(
            [f(1)?, f(2)?, f(3)?],
            f(4)?,
            f(5)?,
            u(6)?,
            u(7)?,
            [f(8)?, f(9)?, f(10)?],
            [f(11)?, f(12)?, f(13)?],
        );
        ndarray_npy::write_npy(&a[14], &m)?;
    } else if a.len() == 2 {
        let s: Array2<i16> = ndarray_npy::read_npy(&a[0])?;
        ndarray_npy::write_npy(&a[1], &nodules::matrix2int16(&s.view()))?;
    } else {
        return Err("usage: nodule_masks SLICE.npy OUT.npy | --mask X Y Z DIAM ZP W H SX SY SZ OX OY OZ OUT.npy".into());
    }
    Ok(())
}
