//! The common shape of TOML document built into a [`Node`] tree straight from
//! `toml_parser`'s events, without `toml`'s document model in between.
//!
//! `toml::de::DeTable` builds a table of spanned `Cow` keys in hashed index maps, which
//! [`super::toml`] then copies into nodes: that was two thirds of parsing a step file, and
//! parsing a tenth of a compile. Step files are written in a small part of TOML: `[table]`
//! and `[[array]]` headers, simple keys, values, arrays and inline tables. [`parse`] builds
//! those directly, and gives up (`None`) on everything else: any syntax error, a dotted key
//! before `=`, a header that names a table defined before, a duplicate key, a date-time, a
//! value nested too deep, an integer beyond 64 bits, a `nan`, a table with many keys (a key is
//! looked up by scanning its table). Then the document is parsed by `toml` as before, which
//! reports the errors with its messages; a document it takes gives the same tree (debug
//! builds parse every document both ways and assert it).

use std::borrow::Cow;

use toml_parser::decoder::ScalarKind;
use toml_parser::parser::{Event, EventKind, RecursionGuard, ValidateWhitespace};
use toml_parser::{ParseError, Source};

use super::MAX_DEPTH;
use super::node::{Entry, Node, NodeKind};
use crate::source::{FileId, Span};

/// Past this many keys a table is left to `toml`, so that no lookup here is quadratic.
const MOST_KEYS: usize = 32;

/// `toml`'s limit on nesting, which its event parser needs to stop recursing.
const RECURSION_LIMIT: u32 = 80;

/// `text` as a tree, if it is in the common shape and free of errors.
pub(super) fn parse(file: FileId, text: &str) -> Option<Node> {
    let source = Source::new(text);
    let tokens = source.lex().into_vec();
    let mut events = Vec::with_capacity(tokens.len());
    let mut failed = false;
    {
        let mut errors = |_: ParseError| failed = true;
        let mut whitespace = ValidateWhitespace::new(&mut events, source);
        let mut receiver = RecursionGuard::new(&mut whitespace, RECURSION_LIMIT);
        toml_parser::parser::parse_document(&tokens, &mut receiver, &mut errors);
    }
    if failed {
        return None;
    }
    let mut builder = Builder {
        source,
        events: &events,
        next: 0,
    };
    let root = builder.document()?;
    let mut convert = Convert { file };
    let kind = convert.table(root, 1)?;
    Some(Node::new(kind, Span::new(file, 0, text.len())))
}

/// A value as built: tables still open to `[header]`s below them.
enum Value<'i> {
    Scalar(NodeKind, Range),
    /// `array_of_tables`: made by `[[header]]`s.
    Array {
        items: Vec<Value<'i>>,
        span: Range,
        array_of_tables: bool,
    },
    Table {
        table: Table<'i>,
        span: Range,
        /// Written `{ ... }`: closed.
        inline: bool,
    },
}

type Range = std::ops::Range<usize>;

#[derive(Default)]
struct Table<'i> {
    entries: Vec<(Cow<'i, str>, Range, Value<'i>)>,
}

impl<'i> Table<'i> {
    fn get_mut(&mut self, key: &str) -> Option<&mut Value<'i>> {
        self.entries
            .iter_mut()
            .find(|(k, ..)| k == key)
            .map(|(.., value)| value)
    }

    /// Adds an entry; `None` if the key is taken, or the table has too many keys.
    fn insert(&mut self, key: (Cow<'i, str>, Range), value: Value<'i>) -> Option<&mut Value<'i>> {
        if self.entries.len() >= MOST_KEYS || self.entries.iter().any(|(k, ..)| *k == key.0) {
            return None;
        }
        self.entries.push((key.0, key.1, value));
        self.entries.last_mut().map(|(.., value)| value)
    }
}

struct Builder<'e, 'i> {
    source: Source<'i>,
    events: &'e [Event],
    next: usize,
}

impl<'i> Builder<'_, 'i> {
    /// The next event that is not whitespace, a comment or a newline.
    fn next_significant(&mut self) -> Option<Event> {
        while let Some(&event) = self.events.get(self.next) {
            self.next += 1;
            if !matches!(
                event.kind(),
                EventKind::Whitespace | EventKind::Comment | EventKind::Newline
            ) {
                return Some(event);
            }
        }
        None
    }

    fn document(&mut self) -> Option<Table<'i>> {
        let mut root = Table::default();
        // The table that key-values go to: a path of keys from the root, and whether its
        // last step is the last table of an array.
        let mut current: Vec<Cow<'i, str>> = Vec::new();
        while let Some(event) = self.next_significant() {
            match event.kind() {
                EventKind::SimpleKey => {
                    let key = self.key(event)?;
                    if self.next_significant()?.kind() != EventKind::KeyValSep {
                        // A dotted key, or something the parser reported.
                        return None;
                    }
                    let first = self.next_significant()?;
                    let value = self.value(first, 1)?;
                    descend(&mut root, &current)?.insert(key, value)?;
                }
                kind @ (EventKind::StdTableOpen | EventKind::ArrayTableOpen) => {
                    let mut path = self.header_keys()?;
                    let close = self.events.get(self.next - 1)?;
                    let span = event.span().start()..close.span().end();
                    let (name, key_span) = path.pop()?;
                    let parent = descend_creating(&mut root, &path)?;
                    if kind == EventKind::StdTableOpen {
                        let table = Value::Table {
                            table: Table::default(),
                            span,
                            inline: false,
                        };
                        parent.insert((name.clone(), key_span), table)?;
                    } else {
                        let table = Value::Table {
                            table: Table::default(),
                            span: span.clone(),
                            inline: false,
                        };
                        match parent.get_mut(&name) {
                            None => {
                                let array = Value::Array {
                                    items: vec![table],
                                    span,
                                    array_of_tables: true,
                                };
                                parent.insert((name.clone(), key_span), array)?;
                            }
                            Some(Value::Array {
                                items,
                                array_of_tables: true,
                                ..
                            }) => items.push(table),
                            Some(_) => return None,
                        }
                    }
                    current = path.into_iter().map(|(key, _)| key).collect();
                    current.push(name);
                }
                _ => return None,
            }
        }
        Some(root)
    }

    /// The keys of a `[header]` or `[[header]]`, up to its closing bracket.
    fn header_keys(&mut self) -> Option<Vec<(Cow<'i, str>, Range)>> {
        let mut keys = Vec::new();
        loop {
            let event = self.next_significant()?;
            match event.kind() {
                EventKind::SimpleKey => keys.push(self.key(event)?),
                EventKind::KeySep => {}
                EventKind::StdTableClose | EventKind::ArrayTableClose if !keys.is_empty() => {
                    return Some(keys);
                }
                _ => return None,
            }
        }
    }

    fn key(&self, event: Event) -> Option<(Cow<'i, str>, Range)> {
        let raw = self.source.get(event)?;
        let mut key = Cow::Borrowed("");
        let mut failed = false;
        raw.decode_key(&mut key, &mut |_: ParseError| failed = true);
        let span = event.span();
        (!failed).then_some((key, span.start()..span.end()))
    }

    /// The value that starts with `first`, `depth` levels below the root table's entries.
    fn value(&mut self, first: Event, depth: usize) -> Option<Value<'i>> {
        let start = first.span().start();
        match first.kind() {
            EventKind::Scalar => {
                let kind = self.scalar(first)?;
                Some(Value::Scalar(kind, start..first.span().end()))
            }
            EventKind::ArrayOpen if depth < MAX_DEPTH => {
                let mut items = Vec::new();
                loop {
                    let event = self.next_significant()?;
                    match event.kind() {
                        EventKind::ArrayClose => {
                            let span = start..event.span().end();
                            return Some(Value::Array {
                                items,
                                span,
                                array_of_tables: false,
                            });
                        }
                        EventKind::ValueSep => {}
                        _ => items.push(self.value(event, depth + 1)?),
                    }
                }
            }
            EventKind::InlineTableOpen if depth < MAX_DEPTH => {
                let mut table = Table::default();
                loop {
                    let event = self.next_significant()?;
                    match event.kind() {
                        EventKind::InlineTableClose => {
                            let span = start..event.span().end();
                            return Some(Value::Table {
                                table,
                                span,
                                inline: true,
                            });
                        }
                        EventKind::ValueSep => {}
                        EventKind::SimpleKey => {
                            let key = self.key(event)?;
                            if self.next_significant()?.kind() != EventKind::KeyValSep {
                                return None;
                            }
                            let first = self.next_significant()?;
                            let value = self.value(first, depth + 1)?;
                            table.insert(key, value)?;
                        }
                        _ => return None,
                    }
                }
            }
            _ => None,
        }
    }

    /// A scalar as `super::toml` converts `toml`'s value of it.
    fn scalar(&self, event: Event) -> Option<NodeKind> {
        let raw = self.source.get(event)?;
        let mut decoded = Cow::Borrowed("");
        let mut failed = false;
        let kind = raw.decode_scalar(&mut decoded, &mut |_: ParseError| failed = true);
        if failed {
            return None;
        }
        Some(match kind {
            ScalarKind::String => NodeKind::Str(decoded.into_owned()),
            ScalarKind::Boolean(b) => NodeKind::Bool(b),
            ScalarKind::Integer(radix) => {
                NodeKind::Int(i64::from_str_radix(&decoded, radix.value()).ok()?)
            }
            ScalarKind::Float => match decoded.parse::<f64>() {
                Ok(f) if f.is_nan() => return None,
                Ok(f) => NodeKind::Float(f),
                Err(_) => NodeKind::Str(decoded.into_owned()),
            },
            ScalarKind::DateTime => return None,
        })
    }
}

/// The table at `path` (each key a table, or an array of tables whose last one is meant).
fn descend<'t, 'i>(
    mut table: &'t mut Table<'i>,
    path: &[Cow<'i, str>],
) -> Option<&'t mut Table<'i>> {
    for key in path {
        table = last_table(table.get_mut(key)?)?;
    }
    Some(table)
}

/// As [`descend`], making the tables that do not exist yet (implicit tables, spanned by
/// their key, as `toml` makes them).
fn descend_creating<'t, 'i>(
    mut table: &'t mut Table<'i>,
    path: &[(Cow<'i, str>, Range)],
) -> Option<&'t mut Table<'i>> {
    for (key, span) in path {
        // Looked up twice: the borrow checker cannot yet end a borrow that is returned.
        if table.get_mut(key).is_none() {
            let implicit = Value::Table {
                table: Table::default(),
                span: span.clone(),
                inline: false,
            };
            table.insert((key.clone(), span.clone()), implicit)?;
        }
        table = last_table(table.get_mut(key)?)?;
    }
    Some(table)
}

/// A header's table, or an array of them's last: what a header below it extends.
fn last_table<'t, 'i>(value: &'t mut Value<'i>) -> Option<&'t mut Table<'i>> {
    match value {
        Value::Table {
            table,
            inline: false,
            ..
        } => Some(table),
        Value::Array {
            items,
            array_of_tables: true,
            ..
        } => match items.last_mut()? {
            Value::Table { table, .. } => Some(table),
            _ => None,
        },
        _ => None,
    }
}

/// The built tree into nodes, with `super::toml`'s depth rule.
struct Convert {
    file: FileId,
}

impl Convert {
    fn span(&self, range: Range) -> Span {
        Span::new(self.file, range.start, range.end)
    }

    fn value(&mut self, value: Value<'_>, depth: usize) -> Option<Node> {
        Some(match value {
            Value::Scalar(kind, span) => Node::new(kind, self.span(span)),
            Value::Array { .. } | Value::Table { .. } if depth >= MAX_DEPTH => return None,
            Value::Array { items, span, .. } => {
                let items = items
                    .into_iter()
                    .map(|item| self.value(item, depth + 1))
                    .collect::<Option<_>>()?;
                Node::new(NodeKind::Seq(items), self.span(span))
            }
            Value::Table { table, span, .. } => {
                let kind = self.table(table, depth + 1)?;
                Node::new(kind, self.span(span))
            }
        })
    }

    fn table(&mut self, table: Table<'_>, depth: usize) -> Option<NodeKind> {
        let entries = table
            .entries
            .into_iter()
            .map(|(key, key_span, value)| {
                Some(Entry {
                    key_span: self.span(key_span),
                    key: key.into_owned(),
                    value: self.value(value, depth)?,
                })
            })
            .collect::<Option<_>>()?;
        Some(NodeKind::Map(entries))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Diagnostics;
    use crate::source::SourceMap;

    fn file() -> FileId {
        let mut sources = SourceMap::default();
        sources.add("step.toml".into(), "".into())
    }

    /// The tree built from events, checked against `toml`'s.
    fn built(text: &str) -> Option<Node> {
        let file = file();
        let node = parse(file, text);
        if let Some(node) = &node {
            let mut diags = Diagnostics::default();
            let parsed = super::super::toml::parse_with_toml(file, text, &mut diags);
            assert!(diags.is_empty(), "{text}");
            assert_eq!(parsed.as_ref(), Some(node), "{text}");
        }
        node
    }

    #[test]
    fn step_files_are_built_as_toml_parses_them() {
        for text in [
            include_str!("../../fixtures/service/ingress.toml"),
            include_str!("../../fixtures/strategy/blue_green.toml"),
            "",
            "# only a comment\n",
            "a = 1\n[b]\nc = 'x'\n",
            "[a.b]\nx = 1\n[a.c]\ny = 2\n[d]\n",
            "[[a]]\nx = 1\n[a.b]\ny = 2\n[[a]]\nx = 3\n[[a.c]]\nz = 4\n",
            "[[x.y]]\n[x.z]\n",
            "\"quoted key\" = { 'k' = [1, 0x1f, 0o17, 0b1, -2_000], f = [1.5, inf, -inf, 3e2] }\n",
            "s = \"\"\"\nline \\\n  two\\t\"\"\"\nl = '''\nraw\\n'''\nb = [true, false, [[], {}]]\n",
            "a = [\n  { x = 1 }, # one\n  { y = [ 'z', ] },\n]\n",
        ] {
            assert!(built(text).is_some(), "{text}");
        }
    }

    #[test]
    fn everything_else_is_left_to_toml() {
        let many: String = (0..MOST_KEYS + 1)
            .map(|i| format!("k{i} = {i}\n"))
            .collect();
        for text in [
            "a.b = 1\n",
            "t = { a.b = 1 }\n",
            "a = 1\na = 2\n",
            "t = { a = 1, a = 2 }\n",
            "[a.b]\n[a]\n",
            "[a]\n[a]\n",
            "a = []\n[[a]]\n",
            "a = { b = 1 }\n[a.c]\n",
            "a = 1\n[a.b]\n",
            "[[a]]\n[a]\n",
            "d = 1979-05-27\n",
            "f = nan\n",
            "i = 9223372036854775808\n",
            "a = \n",
            "a = \"unterminated\n",
            "a = 1 b = 2\n",
            many.as_str(),
        ] {
            assert!(built(text).is_none(), "{text}");
        }
        let deep = format!("a = {}{}\n", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(built(&deep).is_none());
        let deeper = format!("a = {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        assert!(built(&deeper).is_none());
    }
}
