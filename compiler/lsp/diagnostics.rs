//! kstep's diagnostics as LSP diagnostics: severity, the code with a link to its page, the
//! message with its help and notes, secondary labels as related information, the
//! `deprecated` and `unnecessary` tags, and the structured fixes kept beside each one for
//! code actions.
//!
//! A diagnostic about another file (a broken `kstep.toml` above the step) is shown at the
//! top of the step, naming that file, with its place as related information: it is why the
//! step's own checks stopped.

use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, DiagnosticTag, Location,
    NumberOrString, Range, TextEdit, Uri,
};

use super::documents::uri_of;
use super::position::{Encoding, LineIndex};
use super::settings::Settings;
use crate::diagnostic::{Code, Diagnostic, Kind, Severity};
use crate::source::{FileId, SourceMap, Span};

/// A diagnostic as published, with what code actions need.
#[derive(Clone, Debug)]
pub(crate) struct Found {
    pub(crate) diagnostic: lsp_types::Diagnostic,
    pub(crate) code: Code,
    /// The structured fixes: a title and the edits in this document.
    pub(crate) fixes: Vec<(String, Vec<TextEdit>)>,
}

/// Converts the diagnostics of one analysis for the document `file`.
pub(crate) fn convert(
    diagnostics: &[Diagnostic],
    sources: &SourceMap,
    file: Option<FileId>,
    encoding: Encoding,
    settings: &Settings,
) -> Vec<Found> {
    let mut indexes: Vec<(FileId, LineIndex)> = Vec::new();
    let mut range_of = |span: Span| {
        let text = sources.get(span.file).text();
        let index = match indexes.iter().position(|(f, _)| *f == span.file) {
            Some(at) => at,
            None => {
                indexes.push((span.file, LineIndex::new(text)));
                indexes.len() - 1
            }
        };
        indexes[index].1.range(text, span.range(), encoding)
    };
    let uri_of_file = |id: FileId| uri_of(&absolute(sources.get(id).path()));
    let mut out = Vec::new();
    for diagnostic in diagnostics {
        let primary = diagnostic.primary_span();
        let here = primary.is_some_and(|s| Some(s.file) == file);
        let mut related = Vec::new();
        let range = match primary {
            Some(span) if here => range_of(span),
            _ => Range::default(),
        };
        let mut message = diagnostic.message.clone();
        if let Some(span) = primary.filter(|_| !here) {
            let path = sources.get(span.file).name();
            message = format!("{path}: {message}");
            if let Some(uri) = uri_of_file(span.file) {
                related.push(DiagnosticRelatedInformation {
                    location: Location::new(uri, range_of(span)),
                    message: diagnostic.labels[0].message.clone(),
                });
            }
        }
        for label in diagnostic.labels.iter().skip(1) {
            if let Some(uri) = uri_of_file(label.span.file) {
                related.push(DiagnosticRelatedInformation {
                    location: Location::new(uri, range_of(label.span)),
                    message: label.message.clone(),
                });
            }
        }
        if let Some(label) = diagnostic
            .labels
            .first()
            .filter(|l| here && !l.message.is_empty())
        {
            message.push_str(&format!("\n{}", label.message));
        }
        if let Some(help) = &diagnostic.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        for note in &diagnostic.notes {
            message.push_str(&format!("\nnote: {note}"));
        }
        let name = diagnostic.code.name();
        let fixes = diagnostic
            .suggestions
            .iter()
            .filter(|s| Some(s.span.file) == file)
            .map(|s| {
                let text = crate::diagnostic::formats::inserted(s, sources);
                (
                    format!("Replace with {text}"),
                    vec![TextEdit::new(range_of(s.span), text)],
                )
            })
            .collect();
        out.push(Found {
            diagnostic: lsp_types::Diagnostic {
                range,
                severity: Some(severity(diagnostic.severity)),
                code: Some(NumberOrString::String(name.to_owned())),
                code_description: settings
                    .page(name)
                    .and_then(|page| page.parse::<Uri>().ok())
                    .map(|href| CodeDescription { href }),
                source: Some(source(diagnostic.code).to_owned()),
                message,
                related_information: (!related.is_empty()).then_some(related),
                tags: tags(diagnostic.code),
                data: None,
            },
            code: diagnostic.code,
            fixes,
        });
    }
    out
}

fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Note => DiagnosticSeverity::INFORMATION,
    }
}

/// `kstep lint` for the best-practice rules, `kstep` for everything `compile` checks too.
fn source(code: Code) -> &'static str {
    match code.kind() {
        Kind::Lint(_) => "kstep lint",
        Kind::Error | Kind::Warning => "kstep",
    }
}

fn tags(code: Code) -> Option<Vec<DiagnosticTag>> {
    match code {
        Code::DeprecatedField => Some(vec![DiagnosticTag::DEPRECATED]),
        Code::UnusedIgnore | Code::UnusedVolume => Some(vec![DiagnosticTag::UNNECESSARY]),
        _ => None,
    }
}

/// Paths in the source map are as the driver was given them: absolute for open documents,
/// and for a `kstep.toml` found above them.
fn absolute(path: &std::path::Path) -> std::path::PathBuf {
    if path.is_absolute() {
        path.to_owned()
    } else {
        std::env::current_dir()
            .map(|dir| dir.join(path))
            .unwrap_or_else(|_| path.to_owned())
    }
}
