use std::time::Instant;
use lungprep::lungseg::*;
fn t<T>(n: &str, f: impl FnOnce() -> T) -> T { let s = Instant::now(); let r = f(); eprintln!("{n:>28}: {:.4}", s.elapsed().as_secs_f64()); r }
fn main() {
    let p = std::env::args().nth(1).unwrap();
    let v = t("load", || lungprep::volume_io::read_hu(&p, &Default::default()).unwrap());
    let sp = if v.meta.format == lungprep::volume_io::Format::Dicom { Spacing::f32(v.spacing) } else { Spacing::f64(v.spacing) };
    let prm = Params::default();
    let bw = t("binarize", || binarize_per_slice(&v.data.view(), &sp, &prm.binarize).unwrap());
    let sel = t("select", || select_lungs(&bw.view(), &sp, &prm.analysis).unwrap());
    let f = t("fill_hole", || fill_hole(&sel.mask.view()).unwrap());
    let (l, n) = t("label18", || lungprep::morph3d::label(&f.view(), 2).unwrap());
    let _ = t("label26", || lungprep::morph3d::label(&f.view(), 3).unwrap());
    let _ = t("label6", || lungprep::morph3d::label(&f.view(), 1).unwrap());
    let inv = f.mapv(|x| !x);
    let _ = t("edt full", || lungprep::morph3d::distance_transform_edt(&inv.view(), Some(&sp.get())).unwrap());
    let _ = t("erode", || lungprep::morph3d::binary_erosion(&f.view(), &Default::default()).unwrap());
    let _ = t("extract_main", || extract_main(&f.view(), 0.95).unwrap());
    let _ = t("fill_2d_hole", || fill_2d_hole(&f.view()).unwrap());
    let _ = t("two_lung_only", || two_lung_only(&f.view(), &sp, &prm.two_lung).unwrap());
    let _ = t("process_mask", || process_mask(&f.view(), &prm.mask).unwrap());
    let o = lungprep::morph3d::MorphOptions { iterations: 10, ..Default::default() };
    let _ = t("dilate10", || lungprep::morph3d::binary_dilation(&f.view(), &o).unwrap());
    let u = v.data.mapv(|x| hu::lum_trans_value(x));
    let _ = t("resample", || lungprep::resample::resample_to_spacing(&u.view(), &sp.get(), &[1.0,1.0,1.0], 1).unwrap());
    eprintln!("{n} comps");
    drop(l);
}
use lungprep::hu;
