//! YAML text to a [`Node`] tree.
//!
//! saphyr-parser's event stream is driven into kstep's own tree with an explicit stack, so
//! no input can overflow the call stack. Step files need none of YAML's graph features:
//! anchors, aliases, tags and merge keys are reported and never expanded (no alias bombs),
//! duplicate keys are reported, nesting is capped at [`MAX_DEPTH`]. Plain scalars are typed by
//! the YAML 1.2 core schema, the same types TOML has. saphyr counts characters; spans here are
//! converted to byte offsets, and its end positions (which run on to the next token, over
//! spaces and comments) are trimmed to the value itself.

use std::collections::HashMap;
use std::collections::hash_map::Entry as Slot;

use saphyr_parser::{Event, Parser, ScalarStyle};

use super::node::{Entry, Node, NodeKind};
use super::{MAX_DEPTH, nesting_too_deep};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::source::{FileId, Span};

pub(super) fn parse(file: FileId, text: &str, diags: &mut Diagnostics) -> Option<Node> {
    let mut builder = Builder {
        file,
        text,
        offsets: Offsets::new(text),
        diags,
        stack: Vec::new(),
        skip: None,
        root: None,
        documents: 0,
        second_document: None,
        too_deep_reported: false,
    };
    for event in Parser::new_from_str(text) {
        match event {
            Ok((event, span)) => {
                let start = builder.offsets.byte(span.start.index());
                let end = builder.offsets.byte(span.end.index()).max(start);
                if builder.event(event, start, end).is_break() {
                    break;
                }
            }
            Err(error) => {
                let at = builder.offsets.byte(error.marker().index());
                let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
                let help = unquoted_template(text, at).unwrap_or_else(|| {
                    "fix the YAML syntax here; kstep checks the rest of the file once it parses"
                        .to_owned()
                });
                builder.diags.push(
                    Diagnostic::error(Code::SyntaxError, format!("invalid YAML: {}", error.info()))
                        .label(Span::new(file, at, end), "here")
                        .help(help),
                );
                return None;
            }
        }
    }
    Some(
        builder
            .root
            .unwrap_or_else(|| Node::new(NodeKind::Null, Span::new(file, 0, 0))),
    )
}

/// When the error's line holds a template outside quotes (`image: {% if ... %}`, which YAML
/// cannot read), says to quote it.
fn unquoted_template(text: &str, offset: usize) -> Option<String> {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let line = &text[line_start..line_end];
    let (key, value) = line.split_once(": ")?;
    let value = value.trim();
    let templated = value.contains("{{") || value.contains("{%");
    (templated && !value.starts_with(['"', '\''])).then(|| {
        format!(
            "a template must be quoted in YAML: {}: \"{}\"",
            key.trim().trim_start_matches("- "),
            value.replace('"', "\\\"")
        )
    })
}

/// Character index to byte offset. ASCII text (the usual case) needs no table.
struct Offsets {
    table: Option<Vec<u32>>,
    len: usize,
}

impl Offsets {
    fn new(text: &str) -> Self {
        let table = (!text.is_ascii()).then(|| {
            text.char_indices()
                .map(|(i, _)| i as u32)
                .chain(std::iter::once(text.len() as u32))
                .collect()
        });
        Offsets {
            table,
            len: text.len(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        match &self.table {
            None => char_index.min(self.len),
            Some(table) => table
                .get(char_index)
                .map_or(self.len, |&offset| offset as usize),
        }
    }
}

enum Frame {
    Seq {
        start: usize,
        last_end: usize,
        items: Vec<Node>,
    },
    Map {
        start: usize,
        last_end: usize,
        entries: Vec<Entry>,
        key: Option<Key>,
        seen: HashMap<String, Span>,
    },
}

enum Key {
    Plain {
        text: String,
        span: Span,
    },
    /// A merge key, an alias or a non-scalar key: already reported, its value is dropped.
    Dropped,
}

/// A subtree being skipped because it is nested too deep or is used as a key.
struct Skip {
    depth: usize,
    start: usize,
    as_key: bool,
}

struct Builder<'a> {
    file: FileId,
    text: &'a str,
    offsets: Offsets,
    diags: &'a mut Diagnostics,
    stack: Vec<Frame>,
    skip: Option<Skip>,
    root: Option<Node>,
    documents: usize,
    /// Where a second document starts, until it turns out to have content.
    second_document: Option<usize>,
    too_deep_reported: bool,
}

type Flow = std::ops::ControlFlow<()>;

impl Builder<'_> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn expecting_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None, .. }))
    }

    fn event(&mut self, event: Event<'_>, start: usize, end: usize) -> Flow {
        match event {
            Event::DocumentStart(_) => {
                self.documents += 1;
                if self.documents > 1 {
                    // Reported only if the document has content: a trailing `---` is harmless.
                    self.second_document = Some(start);
                }
            }
            Event::Scalar(ref value, style, ..)
                if self.second_document.is_some()
                    && value.is_empty()
                    && style == ScalarStyle::Plain => {}
            Event::Scalar(..)
            | Event::Alias(_)
            | Event::SequenceStart(..)
            | Event::MappingStart(..)
                if self.second_document.is_some() =>
            {
                let at = self.second_document.unwrap_or(start);
                self.diags.push(
                    Diagnostic::error(
                        Code::MultipleDocuments,
                        "a step file holds one YAML document",
                    )
                    .label(
                        self.span(at, (at + 3).min(self.text.len())),
                        "a second document starts here",
                    )
                    .help("put each step in its own file"),
                );
                return Flow::Break(());
            }
            Event::Scalar(value, style, anchor, tag) => {
                if self.skip.is_none() {
                    self.anchor(anchor, start);
                    let end = scalar_end(self.text, start, end, style);
                    self.scalar(value.into_owned(), style, tag.is_some(), start, end);
                }
            }
            Event::Alias(_) => {
                if self.skip.is_none() {
                    self.alias(start, end);
                }
            }
            Event::SequenceStart(anchor, tag) => self.open(false, anchor, tag.is_some(), start),
            Event::MappingStart(anchor, tag) => self.open(true, anchor, tag.is_some(), start),
            Event::SequenceEnd | Event::MappingEnd => {
                // A flow collection's end is its closing bracket, one byte.
                let end = if end > start { start + 1 } else { end };
                self.close(start, end)
            }
            Event::StreamStart | Event::StreamEnd | Event::DocumentEnd | Event::Nothing => {}
        }
        Flow::Continue(())
    }

    fn scalar(
        &mut self,
        value: String,
        style: ScalarStyle,
        tagged: bool,
        start: usize,
        end: usize,
    ) {
        let span = self.span(start, end);
        if tagged {
            self.report_tag(span);
        }
        if self.expecting_key() {
            let key = if style == ScalarStyle::Plain && value == "<<" {
                self.diags.push(
                    Diagnostic::error(Code::YamlMergeKey, "YAML merge keys are not supported")
                        .label(span, "merge key")
                        .help(
                            "write the keys out in full; step files do not use anchors or merges",
                        ),
                );
                Key::Dropped
            } else {
                Key::Plain { text: value, span }
            };
            self.set_key(key);
            return;
        }
        let kind = if tagged {
            NodeKind::Invalid
        } else if style == ScalarStyle::Plain {
            resolve_plain(&value).unwrap_or_else(|message| {
                self.diags.push(
                    Diagnostic::error(Code::SyntaxError, message)
                        .label(span, "here")
                        .help("use a smaller number, or quote it to make it a string"),
                );
                NodeKind::Invalid
            })
        } else {
            NodeKind::Str(value)
        };
        self.deliver(Node::new(kind, span));
    }

    fn alias(&mut self, start: usize, end: usize) {
        let span = self.span(start, end);
        let after_merge_key = matches!(
            self.stack.last(),
            Some(Frame::Map {
                key: Some(Key::Dropped),
                ..
            })
        );
        if !after_merge_key {
            self.diags.push(
                Diagnostic::error(Code::YamlAnchor, "YAML aliases are not supported")
                    .label(span, "alias")
                    .help("write the value out in full; step files do not use anchors and aliases"),
            );
        }
        if self.expecting_key() {
            self.set_key(Key::Dropped);
        } else {
            self.deliver(Node::new(NodeKind::Invalid, span));
        }
    }

    fn open(&mut self, is_map: bool, anchor: usize, tagged: bool, start: usize) {
        if let Some(skip) = &mut self.skip {
            skip.depth += 1;
            return;
        }
        self.anchor(anchor, start);
        if tagged {
            let span = self.token_at(start, '!');
            self.report_tag(span);
        }
        if is_map && self.text.get(start..).is_some_and(|t| t.starts_with("{{")) {
            self.unquoted_template(start);
            return;
        }
        if self.expecting_key() {
            let span = self.span(start, start + 1);
            self.diags.push(
                Diagnostic::error(Code::WrongType, "mapping keys must be strings")
                    .label(span, "a list or mapping used as a key")
                    .help("use a plain string as the key"),
            );
            self.skip = Some(Skip {
                depth: 1,
                start,
                as_key: true,
            });
            return;
        }
        if self.stack.len() >= MAX_DEPTH {
            if !self.too_deep_reported {
                self.too_deep_reported = true;
                let span = self.span(start, start);
                self.diags.push(nesting_too_deep(span));
            }
            self.skip = Some(Skip {
                depth: 1,
                start,
                as_key: false,
            });
            return;
        }
        self.stack.push(if is_map {
            Frame::Map {
                start,
                last_end: start,
                entries: Vec::new(),
                key: None,
                seen: HashMap::new(),
            }
        } else {
            Frame::Seq {
                start,
                last_end: start,
                items: Vec::new(),
            }
        });
    }

    /// `image: {{ vars.tag }}`: YAML reads an unquoted template as a mapping in a mapping.
    fn unquoted_template(&mut self, start: usize) {
        let line = &self.text[start..];
        let line = &line[..line.find('\n').unwrap_or(line.len())];
        let written = line.find("}}").map_or(line, |end| &line[..end + 2]);
        let span = self.span(start, start + written.len());
        self.diags.push(
            Diagnostic::error(Code::TemplateSyntax, "a template must be quoted in YAML")
                .label(span, "YAML reads this as a mapping")
                .help(format!(
                    "quote the value: \"{}\"",
                    written.replace('"', "\\\"")
                )),
        );
        self.skip = Some(Skip {
            depth: 1,
            start,
            as_key: self.expecting_key(),
        });
    }

    fn close(&mut self, start: usize, end: usize) {
        if let Some(skip) = &mut self.skip {
            skip.depth -= 1;
            if skip.depth == 0 {
                let Skip {
                    start: from,
                    as_key,
                    ..
                } = *skip;
                self.skip = None;
                if as_key {
                    self.set_key(Key::Dropped);
                } else {
                    self.deliver(Node::new(NodeKind::Invalid, self.span(from, end)));
                }
            }
            return;
        }
        let Some(frame) = self.stack.pop() else {
            return;
        };
        // A flow collection ends at its closing bracket; a block one at its last child.
        let closing = (end > start).then_some(end);
        let node = match frame {
            Frame::Seq {
                start: from,
                last_end,
                items,
            } => Node::new(
                NodeKind::Seq(items),
                self.span(from, closing.unwrap_or(last_end)),
            ),
            Frame::Map {
                start: from,
                last_end,
                entries,
                ..
            } => Node::new(
                NodeKind::Map(entries),
                self.span(from, closing.unwrap_or(last_end)),
            ),
        };
        self.deliver(node);
    }

    fn set_key(&mut self, key: Key) {
        if let Some(Frame::Map { key: slot, .. }) = self.stack.last_mut() {
            *slot = Some(key);
        }
    }

    fn deliver(&mut self, node: Node) {
        let end = node.span.end as usize;
        match self.stack.last_mut() {
            None => {
                self.root.get_or_insert(node);
            }
            Some(Frame::Seq {
                items, last_end, ..
            }) => {
                *last_end = end;
                items.push(node);
            }
            Some(Frame::Map {
                entries,
                key,
                seen,
                last_end,
                ..
            }) => {
                *last_end = end;
                let Some(Key::Plain { text, span }) = key.take() else {
                    return;
                };
                match seen.entry(text.clone()) {
                    Slot::Occupied(first) => {
                        let first = *first.get();
                        self.diags.push(
                            Diagnostic::error(
                                Code::DuplicateKey,
                                format!("duplicate key `{text}`"),
                            )
                            .label(span, "defined again here")
                            .label(first, "first defined here")
                            .help("remove one of the two definitions"),
                        );
                    }
                    Slot::Vacant(slot) => {
                        slot.insert(span);
                        entries.push(Entry {
                            key: text,
                            key_span: span,
                            value: node,
                        });
                    }
                }
            }
        }
    }

    fn anchor(&mut self, anchor: usize, start: usize) {
        if anchor == 0 {
            return;
        }
        let span = self.token_at(start, '&');
        self.diags.push(
            Diagnostic::error(Code::YamlAnchor, "YAML anchors are not supported")
                .label(span, "anchor")
                .help("remove the anchor and write values out in full where they are used"),
        );
    }

    fn report_tag(&mut self, span: Span) {
        self.diags.push(
            Diagnostic::error(Code::YamlTag, "YAML tags are not supported")
                .label(span, "tagged value")
                .help("remove the tag; quote the value if it must be a string"),
        );
    }

    /// The span of an `&anchor` or `!tag` token near `start`, for labels.
    fn token_at(&self, start: usize, sigil: char) -> Span {
        let rest = &self.text[start..];
        let Some(at) = rest.find(sigil).filter(|&i| i < 256) else {
            return self.span(start, start);
        };
        let token = &rest[at..];
        let len = token
            .find(|c: char| c.is_whitespace() || ",[]{}".contains(c))
            .unwrap_or(token.len());
        self.span(start + at, start + at + len)
    }
}

/// Where a scalar really ends: after its closing quote, or before the whitespace that follows
/// a block scalar. `end` is saphyr's end, which may include trailing spaces and a comment.
fn scalar_end(text: &str, start: usize, end: usize, style: ScalarStyle) -> usize {
    let token = &text[start..end];
    let closing = match style {
        ScalarStyle::DoubleQuoted => token.find('"').and_then(|open| {
            let mut escaped = false;
            token[open + 1..]
                .char_indices()
                .find_map(|(i, c)| match (c, escaped) {
                    ('\\', false) => {
                        escaped = true;
                        None
                    }
                    ('"', false) => Some(open + 1 + i),
                    _ => {
                        escaped = false;
                        None
                    }
                })
        }),
        ScalarStyle::SingleQuoted => token.find('\'').and_then(|open| {
            let bytes = token.as_bytes();
            let mut i = open + 1;
            while i < bytes.len() {
                if bytes[i] == b'\'' {
                    if bytes.get(i + 1) == Some(&b'\'') {
                        i += 2;
                        continue;
                    }
                    return Some(i);
                }
                i += 1;
            }
            None
        }),
        ScalarStyle::Literal | ScalarStyle::Folded => {
            return start + token.trim_end().len();
        }
        _ => return end,
    };
    closing.map_or(end, |i| start + i + 1)
}

/// Types a plain scalar by the YAML 1.2 core schema.
fn resolve_plain(text: &str) -> Result<NodeKind, &'static str> {
    Ok(match text {
        "" | "~" | "null" | "Null" | "NULL" => NodeKind::Null,
        "true" | "True" | "TRUE" => NodeKind::Bool(true),
        "false" | "False" | "FALSE" => NodeKind::Bool(false),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => NodeKind::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => NodeKind::Float(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => NodeKind::Float(f64::NAN),
        _ => {
            if let Some(int) = parse_int(text) {
                return int
                    .map(NodeKind::Int)
                    .ok_or("integer does not fit in 64 bits");
            }
            if is_float(text) {
                return Ok(text
                    .parse()
                    .map_or_else(|_| NodeKind::Str(text.into()), NodeKind::Float));
            }
            NodeKind::Str(text.to_owned())
        }
    })
}

/// `Some(None)` when `text` is an integer that does not fit.
fn parse_int(text: &str) -> Option<Option<i64>> {
    let (digits, radix) = if let Some(octal) = text.strip_prefix("0o") {
        (octal, 8)
    } else if let Some(hex) = text.strip_prefix("0x") {
        (hex, 16)
    } else {
        let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
        if unsigned.is_empty() || !unsigned.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        return Some(text.parse().ok());
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    Some(i64::from_str_radix(digits, radix).ok())
}

/// `[-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`
fn is_float(text: &str) -> bool {
    let s = text.strip_prefix(['-', '+']).unwrap_or(text);
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some(("", frac)) => digits(frac),
        Some((int, frac)) => digits(int) && (frac.is_empty() || digits(frac)),
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scalar_ends_exclude_trailing_comments() {
        let text = r#"a: "x\" y"   # c"#;
        assert_eq!(
            &text[3..scalar_end(text, 3, text.len(), ScalarStyle::DoubleQuoted)],
            r#""x\" y""#
        );
        let text = "a: 'it''s'  # c";
        assert_eq!(
            &text[3..scalar_end(text, 3, text.len(), ScalarStyle::SingleQuoted)],
            "'it''s'"
        );
        let text = "a: |\n  x\n\n";
        assert_eq!(
            &text[3..scalar_end(text, 3, text.len(), ScalarStyle::Literal)],
            "|\n  x"
        );
    }

    #[test]
    fn core_schema() {
        assert_eq!(resolve_plain("yes"), Ok(NodeKind::Str("yes".into())));
        assert_eq!(resolve_plain("on"), Ok(NodeKind::Str("on".into())));
        assert_eq!(resolve_plain("0755"), Ok(NodeKind::Int(755)));
        assert_eq!(resolve_plain("0o755"), Ok(NodeKind::Int(0o755)));
        assert_eq!(resolve_plain("0x1F"), Ok(NodeKind::Int(31)));
        assert_eq!(resolve_plain("1e3"), Ok(NodeKind::Float(1000.0)));
        assert_eq!(resolve_plain("1.5"), Ok(NodeKind::Float(1.5)));
        assert_eq!(resolve_plain("12:30"), Ok(NodeKind::Str("12:30".into())));
        assert_eq!(resolve_plain("~"), Ok(NodeKind::Null));
        assert_eq!(resolve_plain("1_000"), Ok(NodeKind::Str("1_000".into())));
        assert!(resolve_plain("99999999999999999999").is_err());
    }
}
