//! `[compile]` in a `kstep.toml`: the defaults of a run (output directory, manifest format,
//! environment), as cargo reads `[build]` from its configuration. Read from the `kstep.toml`
//! nearest the current directory; the step-by-step reading of the same file
//! (`read_project`) only marks the table as known.

use std::path::Path;

use super::reader::Reader;
use crate::emit::Format;
use crate::model::{Choice, RunDefaults, Spanned};
use crate::syntax::Node;

impl Choice for Format {
    const WHAT: &'static str = "manifest format";
    const WORDS: &'static [&'static str] = &["yaml", "json"];

    fn from_word(word: &str) -> Option<Self> {
        match word {
            "yaml" => Some(Format::Yaml),
            "json" => Some(Format::Json),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Format::Yaml => "yaml",
            Format::Json => "json",
        }
    }
}

/// Reads `node`, the `[compile]` table of the `kstep.toml` in `dir`. A relative `output` is
/// relative to `dir`.
pub(super) fn read(
    r: &mut Reader<'_>,
    node: &Node,
    key_span: crate::source::Span,
    dir: &Path,
) -> RunDefaults {
    let Some(mut t) = r.table(node, "compile".into(), key_span) else {
        return RunDefaults::default();
    };
    let output = t.optional(r, "output", Reader::string).map(|output| {
        let path = if dir == Path::new(".") || dir.as_os_str().is_empty() {
            output.value.clone().into()
        } else {
            dir.join(&output.value)
        };
        Spanned::new(path, output.span)
    });
    let manifest_format = t.optional(r, "manifest_format", Reader::choice);
    let environment = t.optional(r, "env", Reader::string);
    t.finish(r);
    RunDefaults {
        output,
        manifest_format,
        environment,
    }
}
