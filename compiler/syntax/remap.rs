//! Where text inside a string value stands in the file.
//!
//! Two stages look inside strings: raw volume YAML pasted as a string is parsed on its own,
//! and templates are compiled on their own; both get positions relative to the string's
//! content, which must be moved to where that content stands in the file. By a fixed offset
//! when the content appears verbatim (TOML literal strings, quoted strings without escapes),
//! line by line for a YAML `|` block (whose lines lose their indentation), and onto the
//! value's first line when neither holds (escapes, folding).

use super::{Node, NodeKind};
use crate::source::{FileId, Span};

/// Maps offsets in a string's content to spans in the file.
///
/// Every mapped offset lands inside the value's span (`within`): content offsets past what
/// the mapping knows (the end of a block whose trailing newlines were dropped, or a parser
/// pointing one past the end) are clamped rather than pointing elsewhere in the file.
#[derive(Debug)]
pub(crate) struct Remap {
    file: FileId,
    map: Map,
    within: std::ops::Range<usize>,
}

#[derive(Debug)]
enum Map {
    /// The content starts at this file offset and stands there unchanged.
    Shift(usize),
    /// `(content offset, file offset)` of each line's start, in order; never empty, and the
    /// first line starts at content offset 0.
    Lines(Vec<(usize, usize)>),
    /// No exact mapping: everything points at the string's first line.
    Whole(Span),
}

impl Remap {
    /// For `content`, the value of the string at `span` in the file `text`.
    pub(crate) fn new(text: &str, span: Span, content: &str) -> Remap {
        let start = span.start as usize;
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let indent = text[line_start..start]
            .bytes()
            .all(|b| b == b' ')
            .then_some(start - line_start);
        Remap::from_written(&text[span.range()], span, indent, content)
    }

    /// Everything onto the first line of the value at `span`: for content that is not
    /// written in the file as such (a template's rendered text).
    pub(crate) fn whole(text: &str, span: Span) -> Remap {
        let written = &text[span.range()];
        let first_line = written.find('\n').unwrap_or(written.len());
        let start = span.start as usize;
        Remap {
            file: span.file,
            map: Map::Whole(Span::new(span.file, start, start + first_line)),
            within: span.range(),
        }
    }

    /// `written` is the value's source text; `indent` the column it starts at, when only
    /// spaces precede it on its line (a YAML block scalar's indentation).
    fn from_written(written: &str, span: Span, indent: Option<usize>, content: &str) -> Remap {
        let start = span.start as usize;
        let map = if !content.is_empty()
            && let Some(at) = written.find(content)
        {
            Map::Shift(start + at)
        } else {
            match indent.and_then(|indent| block_lines(written, indent, content)) {
                Some(lines) => Map::Lines(lines.into_iter().map(|(c, w)| (c, start + w)).collect()),
                None => {
                    let first_line = written.find('\n').unwrap_or(written.len());
                    Map::Whole(Span::new(span.file, start, start + first_line))
                }
            }
        };
        Remap {
            file: span.file,
            map,
            within: span.range(),
        }
    }

    fn offset(&self, offset: usize) -> usize {
        let mapped = match &self.map {
            Map::Shift(base) => base.saturating_add(offset),
            Map::Lines(lines) => {
                let i = lines
                    .partition_point(|&(c, _)| c <= offset)
                    .saturating_sub(1);
                match lines.get(i) {
                    Some(&(content_start, file_start)) => {
                        file_start.saturating_add(offset.saturating_sub(content_start))
                    }
                    None => self.within.start,
                }
            }
            Map::Whole(span) => span.start as usize,
        };
        mapped.clamp(self.within.start, self.within.end)
    }

    /// The file span of `range`, a byte range of the content.
    pub(crate) fn range(&self, range: std::ops::Range<usize>) -> Span {
        match &self.map {
            Map::Whole(whole) => *whole,
            _ => {
                let start = self.offset(range.start);
                Span::new(self.file, start, self.offset(range.end).max(start))
            }
        }
    }

    /// The file span of `span`, a span of the content.
    pub(crate) fn span(&self, span: Span) -> Span {
        self.range(span.range())
    }

    /// Moves every span of a tree parsed from the content.
    pub(crate) fn node(&self, node: &mut Node) {
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
/// per line. `None` when those lines do not give back exactly `content` (a folded block), or
/// when nothing is written (an empty block: no line to map onto).
fn block_lines(written: &str, indent: usize, content: &str) -> Option<Vec<(usize, usize)>> {
    if written.is_empty() {
        return None;
    }
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
        let file = SourceMap::default().add("a.yaml".into(), "".into());
        let remap = Remap {
            file,
            map: Map::Lines(lines),
            within: 0..written.len(),
        };
        assert_eq!(&written[remap.offset(7)..remap.offset(7) + 6], "server");
    }

    #[test]
    fn folded_blocks_fall_back_to_the_whole_value() {
        let mut map = SourceMap::default();
        let file = map.add("a.yaml".into(), "".into());
        let span = Span::new(file, 10, 30);
        assert!(matches!(
            Remap::from_written("a\n  b", span, Some(2), "a b\n").map,
            Map::Whole(_)
        ));
        assert!(matches!(
            Remap::from_written("'a: 1'", span, None, "a: 1").map,
            Map::Shift(11)
        ));
    }

    #[test]
    fn an_empty_block_maps_onto_its_place() {
        // `raw: |` followed by a line that is not indented deeper: the block is empty, and
        // the YAML parser gives it an empty span.
        let text = "volumes:\n- raw: |\n  x:";
        let file = SourceMap::default().add("a.yaml".into(), text.into());
        let remap = Remap::new(text, Span::new(file, 20, 20), "");
        assert_eq!(remap.range(0..0), Span::new(file, 20, 20));
        assert_eq!(remap.range(0..5), Span::new(file, 20, 20));
    }

    #[test]
    fn offsets_past_the_content_stay_inside_the_value() {
        let text = "k: |\n  ab\n  cd\nnext: 1\n";
        let file = SourceMap::default().add("a.yaml".into(), text.into());
        // The parser's span of a literal block starts at its first content line.
        let span = Span::new(file, 7, 15);
        let remap = Remap::new(text, span, "ab\ncd\n");
        assert!(matches!(remap.map, Map::Lines(_)));
        let far = remap.range(3..500);
        assert!(span.start <= far.start && far.end <= span.end, "{far:?}");
    }
}
