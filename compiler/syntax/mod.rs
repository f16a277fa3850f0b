//! Stage 1, syntax: step file text to one spanned [`Node`] tree.
//!
//! TOML and YAML become the same tree, so every later stage is format-blind and the same
//! step written in either format compiles to the same bytes. This stage owns the limits that
//! keep hostile input cheap: file size and encoding ([`input`]), nesting depth, and YAML's
//! graph features.

pub(crate) mod input;
mod node;
mod toml;
mod yaml;

pub(crate) use node::{Entry, Node, NodeKind};

use std::path::Path;

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::source::{FileId, Span};

/// The deepest nesting of tables and lists kstep reads. Step files need about six levels;
/// raw volume sources a few more.
pub(crate) const MAX_DEPTH: usize = 64;

/// The language of a step file, from its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    Toml,
    Yaml,
}

impl Format {
    pub(crate) fn from_path(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "toml" => Some(Format::Toml),
            "yaml" | "yml" => Some(Format::Yaml),
            _ => None,
        }
    }
}

/// Parses a whole file. Returns `None` when its syntax is broken (everything is reported).
pub(crate) fn parse(
    file: FileId,
    text: &str,
    format: Format,
    diags: &mut Diagnostics,
) -> Option<Node> {
    match format {
        Format::Toml => toml::parse(file, text, diags),
        Format::Yaml => yaml::parse(file, text, diags),
    }
}

/// Parses YAML text on its own (YAML embedded in a string value); spans are offsets into
/// `text`, for the caller to map.
pub(crate) fn parse_yaml(file: FileId, text: &str, diags: &mut Diagnostics) -> Option<Node> {
    yaml::parse(file, text, diags)
}

fn nesting_too_deep(span: Span) -> Diagnostic {
    Diagnostic::error(
        Code::NestingTooDeep,
        format!("values are nested more than {MAX_DEPTH} levels deep"),
    )
    .label(span, "this value is too deep")
    .help("step files need only a few levels of nesting; flatten this value")
}
