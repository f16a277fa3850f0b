//! Rendering diagnostics for people, through miette.
//!
//! The model stays free of miette; this module adapts one [`Diagnostic`] at a time. miette
//! can label only one file per report, so labels in other files become notes with their
//! position, and notes follow the help text. Text from the step file is made printable
//! first: control characters (a NUL, an escape sequence) must not reach a terminal or a CI
//! log. [`Source`] serves miette the lines around a
//! span from the file's line index (miette's own lookup scans the file from the start for
//! every label, which is quadratic in large files), and counts columns in characters, as
//! editors do. A snippet that would hold a very long line shows a window of it instead
//! ([`super::window`]).

use std::borrow::Cow;
use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use super::window::{self, Window};
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
    /// The printable text of the files rendered so far ([`Source::printable`]), made once per
    /// file: a hostile file has hundreds of diagnostics, and scanning or copying a 1 MB file
    /// for each was most of the time kstep took.
    printable: RefCell<Vec<Printable>>,
}

/// A file's text made printable: which text (its address and length) and the result, `None`
/// when the text is printable as it is.
struct Printable {
    text: (usize, usize),
    redacted: usize,
    shown: Option<Arc<str>>,
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
            .with_context_lines(1)
            // Names like `storefront-web` must not be split at their hyphens.
            .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
            .with_word_separator(textwrap::WordSeparator::AsciiSpace);
        Renderer {
            handler,
            printable: RefCell::default(),
        }
    }

    /// The printable text of `file`, from the cache.
    fn printable(&self, file: &SourceFile) -> Option<Arc<str>> {
        let text = (file.text().as_ptr() as usize, file.text().len());
        let redacted = file.redacted().len();
        let mut cache = self.printable.borrow_mut();
        if let Some(hit) = cache
            .iter()
            .find(|p| p.text == text && p.redacted == redacted)
        {
            return hit.shown.clone();
        }
        let shown = Source::printable(file).map(Arc::from);
        cache.push(Printable {
            text,
            redacted,
            shown: shown.clone(),
        });
        shown
    }

    /// Renders one diagnostic, ending with a newline.
    pub fn render(&self, diagnostic: &Diagnostic, sources: &SourceMap) -> String {
        let adapter = Adapter::new(diagnostic, sources, self);
        let mut out = String::new();
        // Writing into a String cannot fail; a rendering bug must not lose the diagnostic.
        if self.handler.render_report(&mut out, &adapter).is_err() {
            out = format!("{}: {}\n", diagnostic.code, diagnostic.message);
        }
        out
    }
}

struct Adapter<'a> {
    diagnostic: &'a Diagnostic,
    message: String,
    source: Option<Source<'a>>,
    labels: Vec<LabeledSpan>,
    help: Option<String>,
}

impl<'a> Adapter<'a> {
    fn new(diagnostic: &'a Diagnostic, sources: &'a SourceMap, renderer: &Renderer) -> Self {
        let primary_file = diagnostic.primary_span().map(|s| s.file);
        let mut source = primary_file.map(|id| {
            let file = sources.get(id);
            Source::new(file, renderer.printable(file))
        });
        let in_primary: Vec<_> = diagnostic
            .labels
            .iter()
            .filter(|l| Some(l.span.file) == primary_file)
            .map(|l| l.span)
            .collect();
        let cut = source
            .as_ref()
            .and_then(|s| window::window(s.file, &s.shown, &in_primary));
        let mut labels = Vec::new();
        let mut elsewhere = Vec::new();
        for (i, label) in diagnostic.labels.iter().enumerate() {
            let shown = if Some(label.span.file) != primary_file {
                None
            } else if let Some(cut) = &cut {
                cut.clip(label.span)
            } else {
                Some(label.span.range())
            };
            if let Some(range) = shown {
                let text =
                    (!label.message.is_empty()).then(|| printable(&label.message).into_owned());
                let span = (range.start, range.len());
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
        if let (Some(cut), Some(source)) = (&cut, &source) {
            elsewhere.extend(cut.note(source.file));
        }
        if let Some(source) = &mut source {
            source.window = cut;
        }
        let mut help_lines: Vec<String> = diagnostic
            .help
            .iter()
            .map(|h| printable(h).into_owned())
            .collect();
        help_lines.extend(
            elsewhere
                .into_iter()
                .map(|l| format!("note: {}", printable(&l))),
        );
        help_lines.extend(
            diagnostic
                .notes
                .iter()
                .map(|n| format!("note: {}", printable(n))),
        );
        Adapter {
            message: printable(&diagnostic.message).into_owned(),
            diagnostic,
            source,
            labels,
            help: (!help_lines.is_empty()).then(|| help_lines.join("\n")),
        }
    }
}

impl fmt::Debug for Adapter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.diagnostic, f)
    }
}

impl fmt::Display for Adapter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Text safe to print: control characters other than newline and tab written as `\u{..}`.
fn printable(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unprintable) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| {
                if is_unprintable(c) {
                    c.escape_unicode().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

fn is_unprintable(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

impl std::error::Error for Adapter<'_> {}

impl miette::Diagnostic for Adapter<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(self.diagnostic.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Note => miette::Severity::Advice,
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

/// Labels at most this many lines apart are drawn in one snippet.
const MERGE_GAP: usize = 4;

/// A file for miette: its name, and the lines around a span, with character columns.
struct Source<'a> {
    file: &'a SourceFile,
    /// The text with control characters replaced by '?' and secrets by '*' (same byte
    /// length), when it has any.
    shown: Shown<'a>,
    /// When set, snippets show only this part of one line.
    window: Option<Window>,
}

/// The text a [`Source`] shows: the file's own, or its printable copy.
enum Shown<'a> {
    Own(&'a str),
    Printable(Arc<str>),
}

impl std::ops::Deref for Shown<'_> {
    type Target = str;

    fn deref(&self) -> &str {
        match self {
            Shown::Own(text) => text,
            Shown::Printable(text) => text,
        }
    }
}

impl<'a> Source<'a> {
    fn new(file: &'a SourceFile, printable: Option<Arc<str>>) -> Self {
        let shown = match printable {
            Some(text) => Shown::Printable(text),
            None => Shown::Own(file.text()),
        };
        Source {
            file,
            shown,
            window: None,
        }
    }

    /// The file's text with control characters and secrets masked, when it has any.
    fn printable(file: &SourceFile) -> Option<String> {
        let text = file.text();
        let unprintable = |b: u8| b < b' ' && !matches!(b, b'\n' | b'\t' | b'\r') || b == 0x7f;
        if !text.bytes().any(unprintable) && file.redacted().is_empty() {
            return None;
        }
        // Same byte length everywhere, so spans still line up.
        let mut bytes = text.as_bytes().to_vec();
        for b in bytes.iter_mut().filter(|b| unprintable(**b)) {
            *b = b'?';
        }
        for range in file.redacted() {
            for b in &mut bytes[range.clone()] {
                if *b != b'\n' {
                    *b = b'*';
                }
            }
        }
        Some(String::from_utf8_lossy(&bytes).into_owned())
    }
}

impl SourceCode for Source<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let file = self.file;
        let text = &*self.shown;
        let start = span.offset();
        let end = start + span.len();
        if end > text.len() {
            return Err(MietteError::OutOfBounds);
        }
        if let Some(window) = &self.window
            && (context_lines_before > 0 || context_lines_after > 0)
        {
            let range = window.range.clone();
            return Ok(Box::new(MietteSpanContents::new_named(
                file.name(),
                &text.as_bytes()[range.clone()],
                (range.start, range.len()).into(),
                window.line,
                window.column,
                1,
            )));
        }
        let first_line = file.line_index(start as u32);
        let last_line = file.line_index(end.saturating_sub(1).max(start) as u32);
        let (from, line, column) = if context_lines_before == 0 {
            let (_, column) = file.line_col(start as u32);
            (start, first_line, column - 1)
        } else {
            let line = first_line.saturating_sub(context_lines_before);
            (file.line_start(line), line, 0)
        };
        let to = if context_lines_after == 0 && context_lines_before == 0 {
            end
        } else {
            let after = (last_line + 1 + context_lines_after).min(file.line_count());
            file.line_start(after)
        };
        Ok(Box::new(MietteSpanContents::new_named(
            file.name(),
            &text.as_bytes()[from..to],
            (from, to - from).into(),
            line,
            column,
            // miette only uses this to decide whether two labels share one snippet: labels
            // up to MERGE_GAP lines apart do, farther ones get their own.
            last_line + context_lines_after - line + MERGE_GAP,
        )))
    }
}
