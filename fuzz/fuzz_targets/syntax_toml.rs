//! The TOML syntax layer alone: any bytes as a step file in TOML.
#![no_main]

use kstep::fuzz::{self, Language};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    fuzz::syntax(data, Language::Toml);
});
