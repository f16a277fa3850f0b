//! Vars files. The first byte picks the language (0: TOML, 1: YAML, 2: JSON, modulo 3) and,
//! with its bit 4, whether the file is sensitive; the rest is the file.
#![no_main]

use kstep::fuzz::{self, Language};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Some((tag, text)) = data.split_first() {
        let language = match tag % 3 {
            0 => Language::Toml,
            1 => Language::Yaml,
            _ => Language::Json,
        };
        fuzz::vars_file(text, language, tag & 0x10 != 0);
    }
});
