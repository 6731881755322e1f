//! The grt123 lung segmentation and preprocessing pipeline.
#![deny(missing_docs)]

pub mod phantom;
