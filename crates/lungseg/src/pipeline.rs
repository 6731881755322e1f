//! The two halves of grt123's preprocessing, timed stage by stage.

use std::time::Instant;

use ndarray::{Array2, Array3, ArrayView3};

use crate::crop::annotation_labels_world;
use crate::mask::apply_mask_in_place;
use crate::world::{clean_grid, Grid};
use crate::{
    annotation_labels, binarize_per_slice, crop_box, fill_hole, process_mask_or, select_lungs,
    two_lung_only, Annotation, CropBox, Params, Result, Spacing,
};

/// Wall-clock seconds per stage, in the order they ran (names as in the oracle's `meta.json`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Timings(pub Vec<(&'static str, f64)>);

impl Timings {
    /// Runs `f`, recording its duration under `name`.
    pub fn time<T>(&mut self, name: &'static str, f: impl FnOnce() -> T) -> T {
        let t = Instant::now();
        let out = f();
        self.0.push((name, t.elapsed().as_secs_f64()));
        out
    }

    /// The seconds recorded under `name`.
    pub fn get(&self, name: &str) -> Option<f64> {
        self.0.iter().find(|(n, _)| *n == name).map(|(_, s)| *s)
    }
}

/// The masks of grt123's `step1_python`, with what the loop decided.
#[derive(Debug, Clone)]
pub struct Step1 {
    /// First lung.
    pub m1: Array3<bool>,
    /// Second lung (empty when only one was found).
    pub m2: Array3<bool>,
    /// Top slices the cut loop removed.
    pub cut_num: usize,
    /// Whether two lungs were separated.
    pub two_lungs_found: bool,
    /// Erosions `two_lung_only` needed.
    pub erosion_iterations: usize,
    /// Things worth telling the user (e.g. only one lung found).
    pub warnings: Vec<String>,
    /// Seconds per stage.
    pub timings: Timings,
}

/// grt123's `step1_python` on an HU volume: the two lung masks.
pub fn step1(image: &ArrayView3<i16>, spacing: &Spacing, params: &Params) -> Result<Step1> {
    spacing.validate()?;
    let mut timings = Timings::default();
    let bw = timings.time("binarize_per_slice", || {
        binarize_per_slice(image, spacing, &params.binarize)
    })?;
    let sel = timings.time("all_slice_analysis", || {
        select_lungs(&bw.view(), spacing, &params.analysis)
    })?;
    drop(bw);
    let filled = timings.time("fill_hole", || fill_hole(&sel.mask.view()))?;
    drop(sel.mask);
    let lungs = timings.time("two_lung_only", || {
        two_lung_only(&filled.view(), spacing, &params.two_lung)
    })?;
    let mut warnings = Vec::new();
    if !lungs.found {
        warnings.push(format!(
            "only one lung component found after {} erosions: m1 is the whole mask and m2 is \
             empty (as grt123)",
            lungs.erosions
        ));
    }
    Ok(Step1 {
        m1: lungs.m1,
        m2: lungs.m2,
        cut_num: sel.cut_num,
        two_lungs_found: lungs.found,
        erosion_iterations: lungs.erosions,
        warnings,
        timings,
    })
}

/// The output of grt123's `savenpy`.
#[derive(Debug, Clone)]
pub struct Prepared {
    /// The cropped 1 mm volume `(z, y, x)`; grt123 saves it with a leading axis of 1.
    pub clean: Array3<u8>,
    /// `NAME_label.npy`: `(z, y, x, diameter)` rows in `clean`'s grid.
    pub labels: Array2<f64>,
    /// The crop box in the resampled grid.
    pub crop: CropBox,
    /// Where `clean` sits in the world (see [`clean_grid`]).
    pub grid: Grid,
    /// Seconds per stage.
    pub timings: Timings,
}

/// The geometry of the input volume that [`prep`] needs besides the voxels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Geometry {
    /// Voxel spacing the pipeline uses (with grt123's precision and, for DICOM, grt123's
    /// thickness).
    pub spacing: Spacing,
    /// Where the image sits in the world (its true spacing, origin and direction).
    pub world: Grid,
    /// How annotations become voxel positions.
    pub labels: LabelRule,
}

impl Geometry {
    /// An axial image (identity direction) at `origin` with `spacing`, labelled as grt123.
    pub fn new(spacing: Spacing, origin: [f64; 3]) -> Self {
        Geometry {
            spacing,
            world: Grid {
                spacing: spacing.get(),
                origin,
                direction: lungprep_volume_io::IDENTITY,
            },
            labels: LabelRule::Grt123 {
                origin,
                flipped: false,
            },
        }
    }
}

/// How [`prep`] turns annotation world positions into voxel positions.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LabelRule {
    /// grt123's formula: `|world − origin| / spacing`, then `shape − pos` in y and x when
    /// `flipped` (its `isflip`), with `origin` the file's origin before any flip. Exact for the
    /// stored array or grt123's y/x flip of it; kept for parity.
    Grt123 {
        /// The file's origin, `(z, y, x)`.
        origin: [f64; 3],
        /// grt123's `isflip`.
        flipped: bool,
    },
    /// The exact world → voxel mapping through [`Geometry::world`] (any other
    /// reorientation, where grt123's formula would be wrong).
    World,
}

/// grt123's `savenpy`: masks the HU image with the processed lung masks, removes bone,
/// resamples to `resolution` (linear) and crops to the lungs; converts annotations.
pub fn prep(
    image: &ArrayView3<i16>,
    m1: &ArrayView3<bool>,
    m2: &ArrayView3<bool>,
    geometry: &Geometry,
    annotations: &[Annotation],
    params: &Params,
) -> Result<Prepared> {
    let spacing = &geometry.spacing;
    spacing.validate()?;
    let p = &params.mask;
    let mut timings = Timings::default();
    // The union only for its bounding box: dropped before the dilated mask exists.
    let crop = crop_box(&crate::slices::or(m1, m2).view(), spacing, p)?;
    let dilated = timings.time("process_mask", || -> Result<Array3<bool>> {
        // `process_mask(m1) | process_mask(m2)` in one volume.
        let mut d = Array3::from_elem(m1.raw_dim(), false);
        process_mask_or(m1, p, &mut d.view_mut())?;
        process_mask_or(m2, p, &mut d.view_mut())?;
        Ok(d)
    })?;
    // The masked image overwrites the dilated mask (same size), and reads `m1 | m2` on the fly:
    // no union volume and no separate output at the peak.
    let masked = timings.time("apply_mask", || {
        apply_mask_in_place(image, m1, m2, dilated, p)
    })?;
    // grt123 resamples the whole volume to 1 mm and then crops; resampling only the crop gives
    // the same voxels (`zoom_to_shape_region`) with less work and memory.
    let clean = timings.time("resample", || -> Result<Array3<u8>> {
        let (factors, _) =
            lungprep_resample::resample_geometry(masked.shape(), &spacing.get(), &p.resolution)?;
        let shape = lungprep_resample::zoom_output_shape(masked.shape(), &factors)?;
        let region: Vec<std::ops::Range<usize>> = (0..3)
            .map(|a| crop[a][0].min(shape[a])..crop[a][1].min(shape[a]))
            .collect();
        let opts = lungprep_resample::ZoomOptions {
            order: 1,
            mode: lungprep_resample::Mode::Nearest,
            ..Default::default()
        };
        Ok(lungprep_resample::zoom_to_shape_region(
            &masked.view(),
            &shape,
            &region,
            &opts,
        )?)
    })?;
    drop(masked);
    let dims = image.shape();
    let shape = [dims[0], dims[1], dims[2]];
    let labels = match geometry.labels {
        LabelRule::Grt123 { origin, flipped } => {
            annotation_labels(annotations, origin, spacing, shape, flipped, &crop, p)
        }
        LabelRule::World => {
            annotation_labels_world(annotations, &geometry.world, spacing, &crop, p)?
        }
    };
    let grid = clean_grid(&geometry.world, shape, spacing, &crop, p.resolution)?;
    Ok(Prepared {
        clean,
        labels,
        crop,
        grid,
        timings,
    })
}
