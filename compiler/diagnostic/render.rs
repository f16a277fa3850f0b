//! Rendering diagnostics for people, through miette.
//!
//! The model stays free of miette; this module adapts one [`Diagnostic`] at a time. miette
//! can label only one file per report, so labels in other files become notes with their
//! position, and notes follow the help text. miette counts columns in bytes; [`Source`]
//! makes the `file:line:column` header count characters, as editors do.

use std::fmt;
use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use super::{Diagnostic, Severity};
use crate::source::{SourceFile, SourceMap};

/// How to draw diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Unicode frames and colour, for terminals.
    Color { width: usize },
    /// Unicode frames without colour: logs, snapshots, `NO_COLOR`.
    Plain { width: usize },
}

pub struct Renderer {
    handler: GraphicalReportHandler,
}

impl Renderer {
    pub fn new(style: Style) -> Self {
        let (theme, width) = match style {
            Style::Color { width } => (GraphicalTheme::unicode(), width),
            Style::Plain { width } => (GraphicalTheme::unicode_nocolor(), width),
        };
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(width)
            .with_links(false)
            .with_context_lines(1);
        Renderer { handler }
    }

    /// Renders one diagnostic, ending with a newline.
    pub fn render(&self, diagnostic: &Diagnostic, sources: &SourceMap) -> String {
        let adapter = Adapter::new(diagnostic, sources);
        let mut out = String::new();
        // Writing into a String cannot fail; a rendering bug must not lose the diagnostic.
        if self.handler.render_report(&mut out, &adapter).is_err() {
            out = format!("{}: {}\n", diagnostic.code, diagnostic.message);
        }
        out
    }
}

struct Adapter {
    diagnostic: Diagnostic,
    source: Option<Source>,
    labels: Vec<LabeledSpan>,
    help: Option<String>,
}

impl Adapter {
    fn new(diagnostic: &Diagnostic, sources: &SourceMap) -> Self {
        let primary_file = diagnostic.primary_span().map(|s| s.file);
        let mut labels = Vec::new();
        let mut elsewhere = Vec::new();
        for (i, label) in diagnostic.labels.iter().enumerate() {
            if Some(label.span.file) == primary_file {
                let text = (!label.message.is_empty()).then(|| label.message.clone());
                let span = (label.span.start as usize, label.span.len());
                labels.push(if i == 0 {
                    LabeledSpan::new_primary_with_span(text, span)
                } else {
                    LabeledSpan::new_with_span(text, span)
                });
            } else {
                let file = sources.get(label.span.file);
                let (line, col) = file.line_col(label.span.start);
                elsewhere.push(format!("{}: {}:{line}:{col}", label.message, file.name()));
            }
        }
        let source = primary_file.map(|id| Source::new(sources.get(id)));
        let mut help_lines: Vec<String> = diagnostic.help.iter().cloned().collect();
        help_lines.extend(elsewhere.into_iter().map(|l| format!("note: {l}")));
        help_lines.extend(diagnostic.notes.iter().map(|n| format!("note: {n}")));
        Adapter {
            diagnostic: diagnostic.clone(),
            source,
            labels,
            help: (!help_lines.is_empty()).then(|| help_lines.join("\n")),
        }
    }
}

impl fmt::Debug for Adapter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.diagnostic, f)
    }
}

impl fmt::Display for Adapter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diagnostic.message)
    }
}

impl std::error::Error for Adapter {}

impl miette::Diagnostic for Adapter {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.diagnostic.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        self.source.as_ref().map(|s| s as &dyn SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.labels.is_empty() {
            None
        } else {
            Some(Box::new(self.labels.iter().cloned()))
        }
    }
}

/// A file's text for miette, named, with columns counted in characters.
struct Source {
    name: String,
    text: Arc<str>,
}

impl Source {
    fn new(file: &SourceFile) -> Self {
        Source {
            name: file.name(),
            text: file.shared_text(),
        }
    }
}

impl SourceCode for Source {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        // Without context lines, the contents start at the span: its column is the header's.
        let column = if context_lines_before == 0 {
            let start = inner.span().offset();
            let line_start = self.text[..start].rfind('\n').map_or(0, |i| i + 1);
            self.text[line_start..start].chars().count()
        } else {
            inner.column()
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            *inner.span(),
            inner.line(),
            column,
            inner.line_count(),
        )))
    }
}
