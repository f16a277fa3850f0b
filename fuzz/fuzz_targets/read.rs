//! Syntax, templates and the reader. The first byte picks the language (even TOML, odd
//! YAML); the rest is the step file.
#![no_main]

use kstep::fuzz::{self, Language};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some((tag, text)) = data.split_first() {
        fuzz::read(text, Language::from_tag(*tag));
    }
});
