//! Named parameters of every stage, with grt123's values as defaults.

/// `binarize_per_slice` parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct BinarizeParams {
    /// HU threshold after smoothing (`intensity_th`).
    pub intensity_th: f64,
    /// Gaussian sigma in pixels.
    pub sigma: f64,
    /// Gaussian truncation in sigmas (grt123 passes 2.0).
    pub truncate: f64,
    /// Minimum component area in mm² (`area_th`, exclusive).
    pub area_th: f64,
    /// Maximum component eccentricity (`eccen_th`, exclusive).
    pub eccen_th: f64,
    /// Side of the top-left patch whose uniformity triggers the round field-of-view mask.
    pub bg_patch_size: usize,
}

impl Default for BinarizeParams {
    fn default() -> Self {
        BinarizeParams {
            intensity_th: -600.0,
            sigma: 1.0,
            truncate: 2.0,
            area_th: 30.0,
            eccen_th: 0.99,
            bg_patch_size: 10,
        }
    }
}

/// `all_slice_analysis` and top-cut loop parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct AnalysisParams {
    /// Accepted component volume in litres, `[low, high]` (step1 passes `[0.68, 7.5]`).
    pub vol_limit: [f64; 2],
    /// Slices with more than this area (mm²) take part in the distance test.
    pub area_th: f64,
    /// Maximum mean distance (mm) of those slices' nearest voxel to the volume's axis.
    pub dist_th: f64,
    /// Slices removed from the top per retry of the loop.
    pub cut_step: usize,
}

impl Default for AnalysisParams {
    fn default() -> Self {
        AnalysisParams {
            vol_limit: [0.68, 7.5],
            area_th: 6e3,
            dist_th: 62.0,
            cut_step: 2,
        }
    }
}

/// `two_lung_only` / `_extract_main` parameters.
#[derive(Debug, Clone, PartialEq)]
pub struct TwoLungParams {
    /// Maximum erosions while looking for two comparable components.
    pub max_iter: usize,
    /// Largest accepted area ratio of the two biggest components (exclusive).
    pub max_ratio: f64,
    /// Fraction of each slice's area the kept components must cover.
    pub cover: f64,
}

impl Default for TwoLungParams {
    fn default() -> Self {
        TwoLungParams {
            max_iter: 22,
            max_ratio: 4.8,
            cover: 0.95,
        }
    }
}

/// `savenpy` parameters: mask processing, padding, bone removal, resampling and crop.
#[derive(Debug, Clone, PartialEq)]
pub struct MaskParams {
    /// A slice keeps its convex hull unless the hull is more than this many times the mask.
    pub hull_ratio: f64,
    /// Cross-structure dilations after the hull.
    pub dilation_iterations: usize,
    /// `lum_trans` value above which rim voxels count as bone (exclusive).
    pub bone_thresh: u8,
    /// Value written outside the dilated mask and over bone.
    pub pad_value: u8,
    /// Crop margin in output voxels (below; twice this above).
    pub margin: usize,
    /// Output voxel size in mm, `(z, y, x)`.
    pub resolution: [f64; 3],
}

impl Default for MaskParams {
    fn default() -> Self {
        Params::preset(Preset::Dsb).mask
    }
}

/// The two configurations grt123 shipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Preset {
    /// `preprocessing/full_prep.py` (DSB2017 stage 1/2 DICOM): hull ratio 2.0.
    #[default]
    Dsb,
    /// The LUNA16 preparation (`savenpy_luna`): hull ratio 1.5.
    Luna,
}

impl std::str::FromStr for Preset {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "dsb" => Ok(Preset::Dsb),
            "luna" => Ok(Preset::Luna),
            _ => Err(format!("unknown preset {s:?} (expected dsb or luna)")),
        }
    }
}

/// Every stage's parameters.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Params {
    /// Per-slice binarization.
    pub binarize: BinarizeParams,
    /// 3-D component analysis and top-cut loop.
    pub analysis: AnalysisParams,
    /// Lung separation.
    pub two_lung: TwoLungParams,
    /// Mask processing and output.
    pub mask: MaskParams,
}

impl Params {
    /// grt123's parameters for a preset.
    pub fn preset(preset: Preset) -> Self {
        Params {
            binarize: BinarizeParams::default(),
            analysis: AnalysisParams::default(),
            two_lung: TwoLungParams::default(),
            mask: MaskParams {
                hull_ratio: match preset {
                    Preset::Dsb => 2.0,
                    Preset::Luna => 1.5,
                },
                dilation_iterations: 10,
                bone_thresh: 210,
                pad_value: 170,
                margin: 5,
                resolution: [1.0, 1.0, 1.0],
            },
        }
    }
}
