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
        file,
        source,
        events: &events,
        next: 0,
    };
    let root = builder.document()?;
    Some(Node::new(
        NodeKind::Map(root.into_entries(file)),
        Span::new(file, 0, text.len()),
    ))
}

type Range = std::ops::Range<usize>;

/// A value of a table that `[header]`s may still extend.
enum Value {
    /// A scalar, an array or an inline table: complete.
    Closed(Node),
    /// A table made by a `[header]`, or for one below it.
    Table(Table, Range),
    /// An array of tables, made by `[[header]]`s.
    Tables(Vec<(Table, Range)>, Range),
}

/// A table of a `[header]` (or the root table), as built so far.
#[derive(Default)]
struct Table {
    entries: Vec<(String, Range, Value)>,
}

impl Table {
    fn get_mut(&mut self, key: &str) -> Option<&mut Value> {
        self.entries
            .iter_mut()
            .find(|(k, ..)| k == key)
            .map(|(.., value)| value)
    }

    /// Adds an entry; `None` if the key is taken, or the table has too many keys.
    fn insert(&mut self, key: (String, Range), value: Value) -> Option<&mut Value> {
        if !has_room(self.entries.iter().map(|(k, ..)| k.as_str()), &key.0) {
            return None;
        }
        self.entries.push((key.0, key.1, value));
        self.entries.last_mut().map(|(.., value)| value)
    }

    fn into_entries(self, file: FileId) -> Vec<Entry> {
        let span = |range: Range| Span::new(file, range.start, range.end);
        self.entries
            .into_iter()
            .map(|(key, key_span, value)| Entry {
                key,
                key_span: span(key_span),
                value: match value {
                    Value::Closed(node) => node,
                    Value::Table(table, range) => {
                        Node::new(NodeKind::Map(table.into_entries(file)), span(range))
                    }
                    Value::Tables(tables, range) => {
                        let items = tables
                            .into_iter()
                            .map(|(table, range)| {
                                Node::new(NodeKind::Map(table.into_entries(file)), span(range))
                            })
                            .collect();
                        Node::new(NodeKind::Seq(items), span(range))
                    }
                },
            })
            .collect()
    }
}

struct Builder<'e, 'i> {
    file: FileId,
    source: Source<'i>,
    events: &'e [Event],
    next: usize,
}

impl Builder<'_, '_> {
    fn span(&self, range: Range) -> Span {
        Span::new(self.file, range.start, range.end)
    }

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

    fn document(&mut self) -> Option<Table> {
        let mut root = Table::default();
        // The table key-values go to (by its keys from the root; an array of tables stands
        // for its last table), and how deep its values are as `super::toml` counts.
        let mut current: Vec<String> = Vec::new();
        let mut depth = 1;
        while let Some(event) = self.next_significant() {
            match event.kind() {
                EventKind::SimpleKey => {
                    let (key, value) = self.key_value(event, depth)?;
                    descend(&mut root, &current)?.insert(key, Value::Closed(value))?;
                }
                kind @ (EventKind::StdTableOpen | EventKind::ArrayTableOpen) => {
                    let mut path = self.header_keys()?;
                    let close = self.events.get(self.next - 1)?;
                    let span = event.span().start()..close.span().end();
                    let (name, key_span) = path.pop()?;
                    let (parent, parent_depth) = descend_creating(&mut root, &path)?;
                    if kind == EventKind::StdTableOpen {
                        let table = Value::Table(Table::default(), span);
                        parent.insert((name.clone(), key_span), table)?;
                        depth = parent_depth + 1;
                    } else {
                        let table = (Table::default(), span.clone());
                        match parent.get_mut(&name) {
                            None => {
                                let tables = Value::Tables(vec![table], span);
                                parent.insert((name.clone(), key_span), tables)?;
                            }
                            Some(Value::Tables(tables, _)) => tables.push(table),
                            Some(_) => return None,
                        }
                        depth = parent_depth + 2;
                    }
                    // Deep enough for `super::toml` to refuse (or nearly): left to it.
                    if depth + 2 >= MAX_DEPTH {
                        return None;
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
    fn header_keys(&mut self) -> Option<Vec<(String, Range)>> {
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

    fn key(&self, event: Event) -> Option<(String, Range)> {
        let raw = self.source.get(event)?;
        let mut key = Cow::Borrowed("");
        let mut failed = false;
        raw.decode_key(&mut key, &mut |_: ParseError| failed = true);
        let span = event.span();
        (!failed).then(|| (key.into_owned(), span.start()..span.end()))
    }

    /// A `key = value` whose key is `event`, in a table whose entries are `depth` levels
    /// deep. `None` for a dotted key (or something the parser reported).
    fn key_value(&mut self, event: Event, depth: usize) -> Option<((String, Range), Node)> {
        let key = self.key(event)?;
        if self.next_significant()?.kind() != EventKind::KeyValSep {
            return None;
        }
        let first = self.next_significant()?;
        Some((key, self.value(first, depth)?))
    }

    /// The value that starts with `first`, an entry of a table whose entries are `depth`
    /// levels deep (the root's: 1), with `super::toml`'s rule for nesting.
    fn value(&mut self, first: Event, depth: usize) -> Option<Node> {
        let kind = match first.kind() {
            EventKind::Scalar => self.scalar(first)?,
            EventKind::ArrayOpen if depth < MAX_DEPTH => self.array(depth)?,
            EventKind::InlineTableOpen if depth < MAX_DEPTH => self.inline_table(depth)?,
            _ => return None,
        };
        // A scalar is one event; an array or table ends with the event just read.
        let end = self.events.get(self.next - 1)?.span().end();
        Some(Node::new(kind, self.span(first.span().start()..end)))
    }

    /// The items of an array, up to its closing bracket.
    fn array(&mut self, depth: usize) -> Option<NodeKind> {
        let mut items = Vec::new();
        loop {
            let event = self.next_significant()?;
            match event.kind() {
                EventKind::ArrayClose => return Some(NodeKind::Seq(items)),
                EventKind::ValueSep => {}
                _ => items.push(self.value(event, depth + 1)?),
            }
        }
    }

    /// The entries of an inline table, up to its closing brace.
    fn inline_table(&mut self, depth: usize) -> Option<NodeKind> {
        let mut entries: Vec<Entry> = Vec::new();
        loop {
            let event = self.next_significant()?;
            match event.kind() {
                EventKind::InlineTableClose => return Some(NodeKind::Map(entries)),
                EventKind::ValueSep => {}
                EventKind::SimpleKey => {
                    let ((key, key_span), value) = self.key_value(event, depth + 1)?;
                    if !has_room(entries.iter().map(|e| e.key.as_str()), &key) {
                        return None;
                    }
                    let key_span = self.span(key_span);
                    entries.push(Entry {
                        key,
                        key_span,
                        value,
                    });
                }
                _ => return None,
            }
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

/// Whether a table with `keys` may take `key`: not taken, and the table not so large that
/// scanning it for each key would add up.
fn has_room<'k>(mut keys: impl ExactSizeIterator<Item = &'k str>, key: &str) -> bool {
    keys.len() < MOST_KEYS && !keys.any(|k| k == key)
}

/// The table at `path` (each key a table, or an array of tables whose last one is meant).
fn descend<'t>(mut table: &'t mut Table, path: &[String]) -> Option<&'t mut Table> {
    for key in path {
        table = last_table(table.get_mut(key)?)?;
    }
    Some(table)
}

/// As [`descend`], making the tables that do not exist yet (implicit tables, spanned by
/// their key, as `toml` makes them); with how deep the found table's values are.
fn descend_creating<'t>(
    mut table: &'t mut Table,
    path: &[(String, Range)],
) -> Option<(&'t mut Table, usize)> {
    let mut depth = 1;
    for (key, span) in path {
        // Looked up twice: the borrow checker cannot yet end a borrow that is returned.
        if table.get_mut(key).is_none() {
            let implicit = Value::Table(Table::default(), span.clone());
            table.insert((key.clone(), span.clone()), implicit)?;
        }
        let value = table.get_mut(key)?;
        depth += if matches!(value, Value::Tables(..)) {
            2
        } else {
            1
        };
        table = last_table(value)?;
    }
    Some((table, depth))
}

/// A header's table, or an array of them's last: what a header below it extends.
fn last_table(value: &mut Value) -> Option<&mut Table> {
    match value {
        Value::Table(table, _) => Some(table),
        Value::Tables(tables, _) => tables.last_mut().map(|(table, _)| table),
        Value::Closed(_) => None,
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
        // Nested as deep as `super::toml` allows, and one level more (which it reports).
        for (header, levels) in [
            ("", MAX_DEPTH - 1),
            ("[t]\n", MAX_DEPTH - 2),
            ("[[t]]\n", MAX_DEPTH - 3),
        ] {
            let nested = |n: usize| format!("{header}a = {}{}\n", "[".repeat(n), "]".repeat(n));
            let allowed = nested(levels);
            let too_deep = nested(levels + 1);
            let mut diags = Diagnostics::default();
            assert!(super::super::toml::parse_with_toml(file(), &allowed, &mut diags).is_some());
            assert!(diags.is_empty(), "{allowed}");
            super::super::toml::parse_with_toml(file(), &too_deep, &mut diags);
            assert!(!diags.is_empty(), "{too_deep}");
            assert!(built(&too_deep).is_none());
            assert!(built(&allowed).is_some(), "{allowed}");
        }
        let deep = format!("a = {}{}\n", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(built(&deep).is_none());
        let deeper = format!("a = {}{}\n", "[".repeat(100_000), "]".repeat(100_000));
        assert!(built(&deeper).is_none());
    }
}
