//! The cap on a flood of diagnostics from one file.
//!
//! A hostile or broken file (100,000 invalid labels, a TOML file whose every line is wrong)
//! can produce a diagnostic per value. Keeping them all cost over 100 MB and a second, and
//! nobody reads past the first screens. So per file, [`Diagnostics`](super::Diagnostics)
//! keeps the first [`KEPT`] pushed and only counts the rest (by severity, so the run still
//! fails on an error it did not keep); when sorted, the first [`SHOWN`] by position remain,
//! followed by one `too-many-diagnostics` warning that says how many more there were.
//! Diagnostics without a location are never capped.

use std::collections::BTreeMap;

use super::{Code, Diagnostic, Severity};
use crate::source::{FileId, Span};

/// Diagnostics kept per file while collecting.
pub(super) const KEPT: usize = 1_000;
/// Diagnostics shown per file.
pub(crate) const SHOWN: usize = 200;

/// What was pushed per file, and what of it was not kept.
#[derive(Debug, Default)]
pub(super) struct Dropped {
    kept: BTreeMap<FileId, usize>,
    /// Per file: errors, warnings and notes not kept.
    dropped: BTreeMap<FileId, [usize; 3]>,
}

fn slot(severity: Severity) -> usize {
    match severity {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Note => 2,
    }
}

impl Dropped {
    /// Whether to keep `diagnostic`; counts it either way.
    pub(super) fn admit(&mut self, diagnostic: &Diagnostic) -> bool {
        let Some(span) = diagnostic.primary_span() else {
            return true;
        };
        let kept = self.kept.entry(span.file).or_default();
        if *kept < KEPT {
            *kept += 1;
            return true;
        }
        self.dropped.entry(span.file).or_default()[slot(diagnostic.severity)] += 1;
        false
    }

    /// Adds what another collection did not keep.
    pub(super) fn add(&mut self, other: Dropped) {
        for (file, counts) in other.dropped {
            let mine = self.dropped.entry(file).or_default();
            for (m, c) in mine.iter_mut().zip(counts) {
                *m += c;
            }
        }
    }

    pub(super) fn count(&self, severity: Severity) -> usize {
        self.dropped.values().map(|c| c[slot(severity)]).sum()
    }

    pub(super) fn errors(&self) -> usize {
        self.count(Severity::Error)
    }
}

/// `sorted` (by file, then position) cut to [`SHOWN`] per file, each cut file followed by
/// its `too-many-diagnostics` warning. An error among the hidden ones is kept when none is
/// shown, so the output always says why the run failed.
pub(super) fn shown(sorted: Vec<Diagnostic>, mut dropped: Dropped) -> Vec<Diagnostic> {
    let mut out = Vec::with_capacity(sorted.len().min(4 * SHOWN));
    let mut hidden: Vec<Diagnostic> = Vec::new();
    let mut current: Option<FileId> = None;
    let mut in_file = 0;
    let mut flush = |out: &mut Vec<Diagnostic>, hidden: &mut Vec<Diagnostic>, file: FileId| {
        let not_kept = dropped.dropped.remove(&file).unwrap_or_default();
        if hidden.is_empty() && not_kept == [0; 3] {
            return;
        }
        let mut counts = not_kept;
        for d in hidden.iter() {
            counts[slot(d.severity)] += 1;
        }
        let shown_errors = out
            .iter()
            .rev()
            .take_while(|d: &&Diagnostic| d.primary_span().is_some_and(|s| s.file == file))
            .any(|d| d.severity == Severity::Error);
        if !shown_errors && let Some(at) = hidden.iter().position(|d| d.severity == Severity::Error)
        {
            out.push(hidden.remove(at));
            counts[0] -= 1;
        }
        let at = hidden
            .first()
            .or(out.last())
            .and_then(Diagnostic::primary_span)
            .unwrap_or(Span::new(file, 0, 0));
        out.push(note(at, counts));
        hidden.clear();
    };
    for diagnostic in sorted {
        let file = diagnostic.primary_span().map(|s| s.file);
        if file != current {
            if let Some(previous) = current {
                flush(&mut out, &mut hidden, previous);
            }
            current = file;
            in_file = 0;
        }
        if file.is_some() && in_file >= SHOWN {
            hidden.push(diagnostic);
        } else {
            in_file += 1;
            out.push(diagnostic);
        }
    }
    if let Some(previous) = current {
        flush(&mut out, &mut hidden, previous);
    }
    // Files whose every kept diagnostic went elsewhere cannot happen: a file with dropped
    // diagnostics kept its first ones.
    out
}

fn note(at: Span, [errors, warnings, notes]: [usize; 3]) -> Diagnostic {
    let total = errors + warnings + notes;
    let mut kinds = Vec::new();
    for (n, word) in [(errors, "error"), (warnings, "warning"), (notes, "note")] {
        match n {
            0 => {}
            1 => kinds.push(format!("1 {word}")),
            n => kinds.push(format!("{n} {word}s")),
        }
    }
    Diagnostic::warning(
        Code::TooManyDiagnostics,
        format!(
            "{total} more problems in this file were not shown ({})",
            kinds.join(", ")
        ),
    )
    .label(at, "the first problem not shown is here or after")
    .help(format!(
        "kstep shows the first {SHOWN} problems of a file; fix them and run kstep again"
    ))
}

#[cfg(test)]
mod tests {
    use super::super::Diagnostics;
    use super::*;
    use crate::source::SourceMap;

    fn flood(file: FileId, n: usize, severity: Severity) -> Diagnostics {
        let mut diags = Diagnostics::default();
        for i in 0..n {
            let d = match severity {
                Severity::Error => Diagnostic::error(Code::InvalidLabel, format!("bad {i}")),
                _ => Diagnostic::warning(Code::UnusedVolume, format!("odd {i}")),
            };
            diags.push(d.label(Span::new(file, n - i, n - i + 1), ""));
        }
        diags
    }

    #[test]
    fn a_flood_is_kept_bounded_and_shown_capped_with_a_count() {
        let mut map = SourceMap::default();
        let file = map.add("a.toml".into(), "".into());
        let other = map.add("b.toml".into(), "".into());
        let mut diags = flood(file, 5_000, Severity::Error);
        diags.extend(flood(other, 3, Severity::Warning));
        assert_eq!(diags.len(), KEPT + 3);
        assert_eq!(diags.error_count(), 5_000);
        let sorted = diags.into_sorted();
        assert_eq!(sorted.len(), SHOWN + 1 + 3);
        let note = &sorted[SHOWN];
        assert_eq!(note.code, Code::TooManyDiagnostics);
        assert_eq!(
            note.message,
            "4800 more problems in this file were not shown (4800 errors)"
        );
        // The first shown are the first by position among those kept.
        assert!(
            sorted[..SHOWN]
                .windows(2)
                .all(|w| w[0].labels[0].span <= w[1].labels[0].span)
        );
        assert!(
            sorted[SHOWN + 1..]
                .iter()
                .all(|d| d.labels[0].span.file == other)
        );
    }

    #[test]
    fn a_hidden_error_is_shown_when_only_warnings_would_be() {
        let mut map = SourceMap::default();
        let file = map.add("a.toml".into(), "".into());
        let mut diags = flood(file, SHOWN + 10, Severity::Warning);
        diags.push(
            Diagnostic::error(Code::InvalidLabel, "late").label(Span::new(file, 9_999, 9_999), ""),
        );
        let sorted = diags.into_sorted();
        assert!(sorted.iter().any(|d| d.severity == Severity::Error));
        assert_eq!(
            sorted.last().unwrap().message,
            "10 more problems in this file were not shown (10 warnings)"
        );
    }
}
