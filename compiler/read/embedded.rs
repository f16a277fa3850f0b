//! YAML written inside a string value (a raw volume source pasted as text), parsed with its
//! positions mapped back into the step file.
//!
//! The string's content is parsed on its own, then every span is moved to where that text
//! stands in the file: by a fixed offset when the content appears verbatim (TOML literal
//! strings, quoted strings without escapes), line by line for a YAML `|` block (whose lines
//! lose their indentation), and onto the whole value when neither holds (escapes, folding).

use super::reader::Reader;
use crate::diagnostic::Diagnostics;
use crate::source::Span;
use crate::syntax::{self, Node, NodeKind};

/// Parses `content`, the value of the string `node`; problems are reported at mapped places.
pub(super) fn parse(r: &mut Reader<'_>, node: &Node, content: &str) -> Option<Node> {
    let text = r.text();
    let start = node.span.start as usize;
    let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
    let indent = text[line_start..start]
        .bytes()
        .all(|b| b == b' ')
        .then_some(start - line_start);
    let remap = Remap::new(&text[node.span.range()], node.span, indent, content);
    let mut scratch = Diagnostics::default();
    let parsed = syntax::parse_yaml(node.span.file, content, &mut scratch);
    for mut diagnostic in scratch.into_sorted() {
        for label in &mut diagnostic.labels {
            label.span = remap.span(label.span);
        }
        r.report(diagnostic);
    }
    parsed.map(|mut tree| {
        remap.node(&mut tree);
        tree
    })
}

enum Remap {
    /// The content starts at this file offset and stands there unchanged.
    Shift(usize),
    /// `(content offset, file offset)` of each line's start, in order.
    Lines(Vec<(usize, usize)>),
    /// No exact mapping: everything points at the string's first line.
    Whole(Span),
}

impl Remap {
    /// `written` is the value's source text; `indent` the column it starts at, when only
    /// spaces precede it on its line (a YAML block scalar's indentation).
    fn new(written: &str, span: Span, indent: Option<usize>, content: &str) -> Remap {
        let start = span.start as usize;
        if !content.is_empty()
            && let Some(at) = written.find(content)
        {
            return Remap::Shift(start + at);
        }
        match indent.and_then(|indent| block_lines(written, indent, content)) {
            Some(lines) => Remap::Lines(lines.into_iter().map(|(c, w)| (c, start + w)).collect()),
            None => {
                let first_line = written.find('\n').unwrap_or(written.len());
                Remap::Whole(Span::new(span.file, start, start + first_line))
            }
        }
    }

    fn offset(&self, offset: usize) -> usize {
        match self {
            Remap::Shift(base) => base + offset,
            Remap::Lines(lines) => {
                let i = lines
                    .partition_point(|&(c, _)| c <= offset)
                    .saturating_sub(1);
                let (content_start, file_start) = lines[i];
                file_start + (offset - content_start)
            }
            Remap::Whole(span) => span.start as usize,
        }
    }

    fn span(&self, span: Span) -> Span {
        match self {
            Remap::Whole(whole) => *whole,
            _ => Span::new(
                span.file,
                self.offset(span.start as usize),
                self.offset(span.end as usize),
            ),
        }
    }

    fn node(&self, node: &mut Node) {
        node.span = self.span(node.span);
        match &mut node.kind {
            NodeKind::Seq(items) => items.iter_mut().for_each(|n| self.node(n)),
            NodeKind::Map(entries) => entries.iter_mut().for_each(|e| {
                e.key_span = self.span(e.key_span);
                self.node(&mut e.value);
            }),
            _ => {}
        }
    }
}

/// For a YAML literal block, whose first content line starts `written` and whose other
/// lines are indented by `indent` spaces in the file: `(content offset, offset in written)`
/// per line. `None` when those lines do not give back exactly `content` (a folded block).
fn block_lines(written: &str, indent: usize, content: &str) -> Option<Vec<(usize, usize)>> {
    let mut lines = Vec::new();
    let mut rebuilt = String::with_capacity(content.len());
    let mut at = 0;
    for (i, line) in written.split_inclusive('\n').enumerate() {
        let spaces = line.len() - line.trim_start_matches(' ').len();
        let skip = if i == 0 { 0 } else { spaces.min(indent) };
        lines.push((rebuilt.len(), at + skip));
        rebuilt.push_str(&line[skip..]);
        at += line.len();
    }
    (rebuilt.trim_end_matches('\n') == content.trim_end_matches('\n')).then_some(lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceMap;

    #[test]
    fn literal_block_lines_map_to_their_indentation() {
        // The block starts at column 6: its first line is written without its indentation.
        let written = "nfs:\n        server: a";
        let content = "nfs:\n  server: a\n";
        let lines = block_lines(written, 6, content).expect("a literal block");
        // "server" is at content offset 7; in `written` it follows 8 spaces on line 2.
        let remap = Remap::Lines(lines);
        assert_eq!(&written[remap.offset(7)..remap.offset(7) + 6], "server");
    }

    #[test]
    fn folded_blocks_fall_back_to_the_whole_value() {
        let mut map = SourceMap::default();
        let file = map.add("a.yaml".into(), "".into());
        let span = Span::new(file, 10, 30);
        assert!(matches!(
            Remap::new("a\n  b", span, Some(2), "a b\n"),
            Remap::Whole(_)
        ));
        assert!(matches!(
            Remap::new("'a: 1'", span, None, "a: 1"),
            Remap::Shift(11)
        ));
    }
}
