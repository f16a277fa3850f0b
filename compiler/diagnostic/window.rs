//! Snippets of long lines: a window of the line around the primary label.
//!
//! miette pads each underline with a format width equal to the label's column, and Rust's
//! formatter panics on a width past 65,535: one diagnostic on a long line (a minified value,
//! a generated file) crashed the renderer. A line of thousands of characters is no use to
//! read in full anyway. So when the snippet of a diagnostic would hold a line longer than
//! [`LONG_LINE`] bytes, or more than [`MAX_LINES`] lines, only a window of the primary label's
//! line is shown: up to [`AROUND`] bytes either side of the label, whose underline is cut to
//! [`MAX_UNDERLINE`] bytes. Offsets stay those of the file, so the header still gives the
//! exact line and column; labels outside the window become notes with their position.

use std::ops::Range;

use crate::source::{SourceFile, Span};

/// Lines longer than this (in bytes) are shown as a window.
const LONG_LINE: usize = 1_000;
/// Snippets spanning more lines than this are shown as a window of the first.
const MAX_LINES: usize = 40;
/// Bytes of context either side of the primary label in a window.
const AROUND: usize = 80;
/// The longest underline drawn in a window, in bytes.
const MAX_UNDERLINE: usize = 300;

/// The part of a file a snippet shows instead of whole lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Window {
    /// Byte range in the file; on one line.
    pub(super) range: Range<usize>,
    /// Zero-based line and character column of `range.start`.
    pub(super) line: usize,
    pub(super) column: usize,
}

impl Window {
    /// The part of `span` inside the window; `None` when it starts outside.
    pub(super) fn clip(&self, span: Span) -> Option<Range<usize>> {
        let start = span.start as usize;
        self.range.contains(&start).then(|| {
            let end = (span.end as usize).clamp(start, self.range.end);
            start..end
        })
    }

    /// What the note says about the cut: `None` when the window is the whole line (only the
    /// long lines around it were left out).
    pub(super) fn note(&self, file: &SourceFile) -> Option<String> {
        let line_start = file.line_start(self.line);
        let line_end = file.line_start(self.line + 1);
        let whole = self.range.start == line_start
            && file.text()[self.range.end..line_end]
                .trim_end_matches(['\n', '\r'])
                .is_empty();
        if whole {
            return None;
        }
        let (line, first) = file.line_col(self.range.start as u32);
        let (_, after) = file.line_col(self.range.end as u32);
        let last = after.saturating_sub(1).max(first);
        let length = line_end - line_start;
        Some(format!(
            "line {line} is long ({length} bytes): only columns {first} to {last} are shown"
        ))
    }
}

/// The window for a snippet with labels at `spans` (the primary first) in `file`, whose shown
/// text is `shown` (same byte length); `None` when the lines can be shown whole.
pub(super) fn window(file: &SourceFile, shown: &str, spans: &[Span]) -> Option<Window> {
    let primary = spans.first()?;
    let line_of = |offset: u32| file.line_index(offset.min(shown.len() as u32));
    let first = spans
        .iter()
        .map(|s| line_of(s.start))
        .min()?
        .saturating_sub(1);
    let last = spans.iter().map(|s| line_of(s.end)).max()? + 1;
    let last = last.min(file.line_count().saturating_sub(1));
    let line_len = |line: usize| file.line_start(line + 1) - file.line_start(line);
    let short = last - first < MAX_LINES && (first..=last).all(|l| line_len(l) <= LONG_LINE);
    if short {
        return None;
    }
    let start = (primary.start as usize).min(shown.len());
    let line = line_of(start as u32);
    let line_start = file.line_start(line);
    let line_end = file.line_start(line + 1).min(shown.len());
    // The window ends before the line's newline, which miette would take as a line break.
    let line_end = if shown[..line_end].ends_with('\n') {
        line_end - 1
    } else {
        line_end
    };
    let underline = (primary.end as usize).clamp(start, start + MAX_UNDERLINE);
    let from = floor_boundary(shown, start.saturating_sub(AROUND).max(line_start));
    let to = ceil_boundary(shown, (underline + AROUND).min(line_end.max(start)));
    let column = file.line_col(from as u32).1 - 1;
    Some(Window {
        range: from..to,
        line,
        column,
    })
}

fn floor_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_boundary(text: &str, mut at: usize) -> usize {
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceMap;

    fn file(text: &str) -> (SourceMap, Span) {
        let mut map = SourceMap::default();
        let id = map.add("a.toml".into(), text.into());
        (map, Span::new(id, 0, 0))
    }

    #[test]
    fn short_lines_are_shown_whole() {
        let (map, at) = file("a = 1\nb = 2\n");
        let span = Span::new(at.file, 6, 7);
        assert_eq!(window(map.get(at.file), "a = 1\nb = 2\n", &[span]), None);
    }

    #[test]
    fn a_long_neighbour_is_left_out_without_a_note() {
        let text = format!("a = 1\nb = \"{}\"\n", "x".repeat(5_000));
        let (map, at) = file(&text);
        let window =
            window(map.get(at.file), &text, &[Span::new(at.file, 0, 1)]).expect("a window");
        assert_eq!(window.range, 0..5);
        assert_eq!(window.note(map.get(at.file)), None);
    }

    #[test]
    fn a_long_line_is_cut_around_the_label() {
        let text = format!(
            "a = 1\nb = \"{}é{}\"\nc = 3\n",
            "x".repeat(50_000),
            "y".repeat(50_000)
        );
        let (map, at) = file(&text);
        let start = text.find('é').unwrap();
        let span = Span::new(at.file, start, start + 2);
        let window = window(map.get(at.file), &text, &[span]).expect("a window");
        assert_eq!(window.line, 1);
        assert!(window.range.start == start - AROUND, "{window:?}");
        assert_eq!(window.range.end, start + 2 + AROUND);
        assert_eq!(window.clip(span), Some(start..start + 2));
        // The header's column is unchanged: counted in characters from the line's start.
        assert_eq!(window.column, start - 6 - AROUND);
        let note = window.note(map.get(at.file)).expect("a note");
        assert!(note.starts_with("line 2 is long (100009 bytes)"), "{note}");
    }

    #[test]
    fn a_label_over_the_whole_line_is_cut_to_an_underline() {
        let text = format!("v = \"{}\"", "x".repeat(70_000));
        let (map, at) = file(&text);
        let span = Span::new(at.file, 4, text.len());
        let window = window(map.get(at.file), &text, &[span]).expect("a window");
        assert_eq!(window.range, 0..4 + MAX_UNDERLINE + AROUND);
        let note = window.note(map.get(at.file)).expect("a note");
        assert!(note.ends_with("only columns 1 to 384 are shown"), "{note}");
        let far = Span::new(at.file, 60_000, 60_001);
        assert_eq!(window.clip(far), None);
    }
}
