//! `kstep import`: any bytes as a manifest file; the step files it makes are compiled again.
#![no_main]

use kstep::fuzz;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fuzz::import(data);
});
