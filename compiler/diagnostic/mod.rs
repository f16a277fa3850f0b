//! One diagnostic model for every stage.
//!
//! A [`Diagnostic`] holds no source text: a code, a severity, a lowercase message, labelled
//! spans (the first is primary), help that says how to fix it, and notes. Stages push into
//! [`Diagnostics`] and carry on; the driver gates once before lowering and renders everything
//! at the end, sorted and de-duplicated, so users see every problem of a run together. A
//! file with a flood of problems is capped ([`cap`]): bounded memory while collecting, and at
//! most [`cap::SHOWN`] per file shown, with a note counting the rest.

mod cap;
mod code;
pub mod formats;
mod render;
mod suggest;
mod window;

pub use code::{Code, Kind};
pub use render::{Renderer, Style};
pub(crate) use suggest::{all_of, closest, one_of, to_snake_case};

use crate::source::Span;

use cap::Dropped;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    // Order matters: errors sort before warnings, warnings before notes, at the same place.
    Error,
    Warning,
    /// Worth a reviewer's eye, not a problem (`kstep lint` reports opt-outs of secure
    /// defaults so).
    Note,
}

impl Severity {
    /// `error`, `warning` or `note`, as machine formats write it.
    pub fn word(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

/// A span with the text shown under it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    /// The first label is the primary one: it decides the file and the position.
    pub labels: Vec<Label>,
    pub help: Option<String>,
    pub notes: Vec<String>,
    /// Replacements that would fix it: what people see as "did you mean", what tools apply.
    /// (A boxed slice: most diagnostics have none, and `Result<_, Diagnostic>` stays small.)
    pub suggestions: Box<[Suggestion]>,
}

/// A fix: the text to put in place of a span. For a quoted value the replacement is the
/// value; formats that write the fix keep the quotes that stand in the source.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Suggestion {
    pub span: Span,
    pub replacement: String,
}

impl Diagnostic {
    pub fn error(code: Code, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Error, message.into())
    }

    pub fn warning(code: Code, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Warning, message.into())
    }

    /// A diagnostic of [`Severity::Note`].
    pub fn notice(code: Code, message: impl Into<String>) -> Self {
        Self::new(code, Severity::Note, message.into())
    }

    fn new(code: Code, severity: Severity, message: String) -> Self {
        Diagnostic {
            code,
            severity,
            message,
            labels: Vec::new(),
            help: None,
            notes: Vec::new(),
            suggestions: Box::default(),
        }
    }

    /// Adds a label; the first one added is the primary label.
    pub fn label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label {
            span,
            message: message.into(),
        });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Suggests `replacement` for the primary label's span: "did you mean `...`?" as help
    /// for people, and a fix for tools.
    pub fn suggest(mut self, replacement: impl Into<String>) -> Self {
        let replacement = replacement.into();
        self.help = Some(format!("did you mean `{replacement}`?"));
        if let Some(span) = self.primary_span() {
            let mut suggestions = std::mem::take(&mut self.suggestions).into_vec();
            suggestions.push(Suggestion { span, replacement });
            self.suggestions = suggestions.into_boxed_slice();
        }
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }

    pub fn primary_span(&self) -> Option<Span> {
        self.labels.first().map(|l| l.span)
    }

    fn sort_key(&self) -> impl Ord + '_ {
        let span = self.primary_span();
        (
            span.map(|s| s.file),
            span.map(|s| (s.start, s.end)),
            self.severity,
            self.code,
            &self.message,
        )
    }
}

/// Where stages report. Reporting never stops a stage; callers check [`Diagnostics::has_errors`]
/// at the gates.
#[derive(Debug, Default)]
pub struct Diagnostics {
    items: Vec<Diagnostic>,
    redactions: Vec<Span>,
    /// Diagnostics per file past [`cap::KEPT`], counted and not kept.
    dropped: Dropped,
}

impl Diagnostics {
    /// Marks a span as secret: rendered source shows it masked.
    pub fn redact(&mut self, span: Span) {
        self.redactions.push(span);
    }

    /// The spans marked secret so far.
    pub fn take_redactions(&mut self) -> Vec<Span> {
        std::mem::take(&mut self.redactions)
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        if self.dropped.admit(&diagnostic) {
            self.items.push(diagnostic);
        }
    }

    pub fn has_errors(&self) -> bool {
        self.dropped.errors() > 0 || self.items.iter().any(|d| d.severity == Severity::Error)
    }

    pub fn error_count(&self) -> usize {
        self.count(Severity::Error)
    }

    pub fn warning_count(&self) -> usize {
        self.count(Severity::Warning)
    }

    pub fn note_count(&self) -> usize {
        self.count(Severity::Note)
    }

    fn count(&self, severity: Severity) -> usize {
        self.items.iter().filter(|d| d.severity == severity).count() + self.dropped.count(severity)
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// The diagnostics pushed after the first `start`.
    pub fn since(&self, start: usize) -> impl Iterator<Item = &Diagnostic> {
        self.items[start.min(self.items.len())..].iter()
    }

    pub fn extend(&mut self, other: Diagnostics) {
        for diagnostic in other.items {
            self.push(diagnostic);
        }
        self.redactions.extend(other.redactions);
        self.dropped.add(other.dropped);
    }

    /// Every diagnostic, sorted by file, position, severity and code, without duplicates; at
    /// most [`cap::SHOWN`] per file, then a note of how many more there were.
    pub fn into_sorted(mut self) -> Vec<Diagnostic> {
        self.items.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
        self.items.dedup();
        cap::shown(self.items, self.dropped)
    }
}

/// A value for a message: in backticks, escaped, and cut short when long.
pub(crate) fn quoted(text: &str) -> String {
    const MAX: usize = 60;
    let escaped: String = text.escape_debug().collect();
    if escaped.chars().count() > MAX {
        let cut: String = escaped.chars().take(MAX - 1).collect();
        format!("`{cut}…`")
    } else {
        format!("`{escaped}`")
    }
}
