//! The whole compile from bytes: syntax, templates, reading, checks, plan, lint rules,
//! lowering and emitting. The first byte picks the language (even TOML, odd YAML).
#![no_main]

use kstep::fuzz::{self, Language};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some((tag, text)) = data.split_first() {
        fuzz::compile(text, Language::from_tag(*tag));
    }
});
