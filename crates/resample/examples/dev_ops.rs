//! Development driver (no clap, resample-only deps), mirroring the top-level examples:
//! `dev_ops zoom IN OUT order mode cval prefilter(0/1) grid(0/1) out_dtype z1,z2,..`
//! `dev_ops shape IN OUT order mode cval prefilter grid out_dtype n1,n2,..`
//! `dev_ops gauss IN OUT truncate mode cval s1,s2,..`

use std::error::Error;

use ndarray::ArrayD;
use ndarray_npy::{ReadableElement, WritableElement};
use resample::{Mode, Sample, ZoomOptions};

fn dtype(path: &str) -> Result<String, Box<dyn Error>> {
    let head = std::fs::read(path)?;
    let text = String::from_utf8_lossy(&head[..head.len().min(4096)]).to_string();
    let at = text.find("'descr'").ok_or("no descr")?;
    let rest = &text[at + 7..];
    let q1 = rest.find('\'').ok_or("bad")?;
    let rest = &rest[q1 + 1..];
    let q2 = rest.find('\'').ok_or("bad")?;
    Ok(rest[..q2].trim_start_matches(['<', '>', '|', '=']).to_string())
}

fn zoom<T: Sample + ReadableElement, U: Sample + WritableElement>(a: &[String]) -> Result<(), Box<dyn Error>> {
    let x: ArrayD<T> = ndarray_npy::read_npy(&a[2])?;
    let opts = ZoomOptions {
        order: a[4].parse()?,
        mode: a[5].parse::<Mode>()?,
        cval: a[6].parse()?,
        prefilter: a[7] == "1",
        grid_mode: a[8] == "1",
    };
    let out: ArrayD<U> = if a[1] == "zoom" {
        let f: Vec<f64> = a[10].split(',').map(|s| s.parse().unwrap()).collect();
        resample::zoom_into::<T, U, _>(&x.view(), &f, &opts)?
    } else {
        let f: Vec<usize> = a[10].split(',').map(|s| s.parse().unwrap()).collect();
        resample::zoom_to_shape_into::<T, U, _>(&x.view(), &f, &opts)?
    };
    ndarray_npy::write_npy(&a[3], &out)?;
    Ok(())
}

fn gauss<T: Sample + ReadableElement + WritableElement>(a: &[String]) -> Result<(), Box<dyn Error>> {
    let x: ArrayD<T> = ndarray_npy::read_npy(&a[2])?;
    let s: Vec<f64> = a[7].split(',').map(|s| s.parse().unwrap()).collect();
    let out = resample::gaussian_filter(&x.view(), &s, a[4].parse()?, a[5].parse()?, a[6].parse()?)?;
    ndarray_npy::write_npy(&a[3], &out)?;
    Ok(())
}

macro_rules! by_out {
    ($t:ty, $o:expr, $a:expr) => {
        match $o {
            "u1" => zoom::<$t, u8>($a),
            "i2" => zoom::<$t, i16>($a),
            "u2" => zoom::<$t, u16>($a),
            "i4" => zoom::<$t, i32>($a),
            "f4" => zoom::<$t, f32>($a),
            "f8" => zoom::<$t, f64>($a),
            o => Err(format!("dtype {o}").into()),
        }
    };
}

fn main() -> Result<(), Box<dyn Error>> {
    let a: Vec<String> = std::env::args().collect();
    if a[1] == "kernel" {
        let k = resample::gaussian_kernel1d(a[2].parse()?, a[3].parse()?)?;
        let bits: Vec<String> = k.iter().map(|v| format!("{:016x}", v.to_bits())).collect();
        println!("{}", bits.join(" "));
        return Ok(());
    }
    let dt = dtype(&a[2])?;
    if a[1] == "gauss" {
        return match dt.as_str() {
            "u1" => gauss::<u8>(&a),
            "i2" => gauss::<i16>(&a),
            "u2" => gauss::<u16>(&a),
            "i4" => gauss::<i32>(&a),
            "f4" => gauss::<f32>(&a),
            "f8" => gauss::<f64>(&a),
            o => Err(format!("dtype {o}").into()),
        };
    }
    let o = if a[9] == "same" { dt.clone() } else { a[9].clone() };
    match dt.as_str() {
        "u1" => by_out!(u8, o.as_str(), &a),
        "i2" => by_out!(i16, o.as_str(), &a),
        "u2" => by_out!(u16, o.as_str(), &a),
        "i4" => by_out!(i32, o.as_str(), &a),
        "f4" => by_out!(f32, o.as_str(), &a),
        "f8" => by_out!(f64, o.as_str(), &a),
        o => Err(format!("dtype {o}").into()),
    }
}
