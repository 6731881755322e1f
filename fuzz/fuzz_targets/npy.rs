#![no_main]
//! Fuzzes the reader behind `scan.npy` (see `src/lib.rs`).
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    volume_io_fuzz::read_as("scan.npy", data);
});
