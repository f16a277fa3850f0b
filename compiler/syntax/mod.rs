//! Stage 1, syntax: step file text to one spanned [`Node`] tree.
//!
//! TOML and YAML become the same tree, so every later stage is format-blind and the same
//! step written in either format compiles to the same bytes. This stage owns the limits that
//! keep hostile input cheap: file size and encoding ([`input`]), nesting depth, and YAML's
//! graph features.

pub(crate) mod input;
mod node;
mod remap;
mod toml;
mod toml_events;
mod yaml;

pub(crate) use node::{Entry, Node, NodeKind, Rendered};
pub(crate) use remap::Remap;

use std::path::Path;

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::source::{FileId, Span};

/// The deepest nesting of tables and lists kstep reads. Step files need about six levels;
/// raw volume sources a few more.
pub(crate) const MAX_DEPTH: usize = 64;

/// The language of a step file (TOML or YAML) or a vars file (also JSON), from its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Format {
    Toml,
    Yaml,
    Json,
}

impl Format {
    /// A step file's format.
    pub(crate) fn from_path(path: &Path) -> Option<Format> {
        Format::from_vars_path(path).filter(|f| *f != Format::Json)
    }

    /// A vars file's format.
    pub(crate) fn from_vars_path(path: &Path) -> Option<Format> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "toml" => Some(Format::Toml),
            "yaml" | "yml" => Some(Format::Yaml),
            "json" => Some(Format::Json),
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
        // JSON is YAML (which gives the tree its spans) once it is known to be strict JSON.
        Format::Json => json_syntax(file, text, diags).then(|| yaml::parse(file, text, diags))?,
    }
}

/// Whether `text` is JSON; reports where it is not. (The YAML reader alone would take
/// trailing commas, comments and unquoted keys.)
fn json_syntax(file: FileId, text: &str, diags: &mut Diagnostics) -> bool {
    let Err(error) = serde_json::from_str::<serde::de::IgnoredAny>(text) else {
        return true;
    };
    // serde_json counts lines from 1 and columns in bytes from 1.
    let line_start: usize = text
        .split_inclusive('\n')
        .take(error.line().saturating_sub(1))
        .map(str::len)
        .sum();
    let mut at = (line_start + error.column().saturating_sub(1)).min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
    let message = error.to_string();
    let message = message.split(" at line ").next().unwrap_or(&message);
    diags.push(
        Diagnostic::error(Code::SyntaxError, format!("invalid JSON: {message}"))
            .label(Span::new(file, at, end), "here")
            .help("fix the JSON syntax here"),
    );
    false
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
