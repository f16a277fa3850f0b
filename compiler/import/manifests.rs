//! Reading the manifests to import: YAML streams of documents, JSON, and `List` objects.
//! Every object is kept as JSON with the span of each of its keys and list items, so that a
//! warning about a field points at its line in the input.
//!
//! A YAML stream is cut into documents at its `---` and `...` marker lines (at column 0 they
//! cannot be content, not even of a block scalar), and each document goes through kstep's own
//! YAML reader with its limits (no anchors, aliases or tags).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::source::{FileId, Span};
use crate::syntax::{self, Node, NodeKind};

/// One Kubernetes object read from a manifest.
#[derive(Debug)]
pub(crate) struct Manifest {
    pub(crate) kind: String,
    pub(crate) api_version: String,
    pub(crate) name: String,
    pub(crate) namespace: Option<String>,
    pub(crate) value: Value,
    pub(crate) spans: Spans,
    /// The object as a whole: its first line.
    pub(crate) span: Span,
}

impl Manifest {
    /// An object kstep made itself (no source to point into): every span is `span`.
    pub(crate) fn made(kind: &str, value: Value, span: Span) -> Manifest {
        let text = |p: &str| value.pointer(p).and_then(Value::as_str).map(str::to_owned);
        Manifest {
            kind: kind.to_owned(),
            api_version: text("/apiVersion").unwrap_or_default(),
            name: text("/metadata/name").unwrap_or_default(),
            namespace: text("/metadata/namespace"),
            spans: Spans {
                by_pointer: BTreeMap::new(),
                whole: Some(span),
            },
            value,
            span,
        }
    }
}

/// The span of every key and list item of an object, by JSON pointer.
#[derive(Debug, Default)]
pub(crate) struct Spans {
    by_pointer: BTreeMap<String, Span>,
    whole: Option<Span>,
}

impl Spans {
    /// Where `pointer` was written, or its nearest written ancestor.
    pub(crate) fn at(&self, pointer: &str) -> Span {
        let mut pointer = pointer;
        loop {
            if let Some(span) = self.by_pointer.get(pointer) {
                return *span;
            }
            match pointer.rfind('/') {
                Some(i) => pointer = &pointer[..i],
                None => break,
            }
        }
        self.whole.expect("every object has a span")
    }
}

/// The objects of one file, in order. Problems are reported; a broken document is skipped.
pub(crate) fn read(file: FileId, text: &str, diags: &mut Diagnostics) -> Vec<Manifest> {
    let mut out = Vec::new();
    for (start, document) in documents(text) {
        if document.trim().is_empty()
            || document
                .lines()
                .all(|l| l.trim_start().starts_with('#') || l.trim().is_empty())
        {
            continue;
        }
        let mut found = Diagnostics::default();
        let Some(mut node) = syntax::parse_yaml(file, document, &mut found) else {
            shift_diagnostics(found, start, diags);
            continue;
        };
        let broken = found.has_errors();
        shift_diagnostics(found, start, diags);
        if broken {
            continue;
        }
        shift(&mut node, start as u32);
        let mut spans = Spans::default();
        let value = json(&node, &mut String::new(), &mut spans.by_pointer);
        spans.whole = Some(first_line(text, node.span));
        objects(text, value, spans, node.span, &mut out, diags);
    }
    out
}

/// The objects of a document: itself, or the items of a `List` (`kubectl get -o yaml`).
fn objects(
    text: &str,
    value: Value,
    spans: Spans,
    span: Span,
    out: &mut Vec<Manifest>,
    diags: &mut Diagnostics,
) {
    let kind = value
        .get("kind")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if kind.ends_with("List") {
        let Some(items) = value.get("items").and_then(Value::as_array) else {
            return;
        };
        for (i, item) in items.iter().enumerate() {
            let prefix = format!("/items/{i}");
            let mut item_spans = Spans::default();
            for (pointer, span) in spans.by_pointer.range(prefix.clone()..) {
                let Some(rest) = pointer.strip_prefix(&prefix) else {
                    break;
                };
                if rest.is_empty() || rest.starts_with('/') {
                    item_spans.by_pointer.insert(rest.to_owned(), *span);
                }
            }
            let item_span = spans.at(&prefix);
            item_spans.whole = Some(first_line(text, item_span));
            objects(text, item.clone(), item_spans, item_span, out, diags);
        }
        return;
    }
    let text_of = |key: &str| value.get(key).and_then(Value::as_str).map(str::to_owned);
    let name = value.pointer("/metadata/name").and_then(Value::as_str);
    match (text_of("kind"), text_of("apiVersion"), name) {
        (Some(kind), Some(api_version), Some(name)) => out.push(Manifest {
            name: name.to_owned(),
            namespace: value
                .pointer("/metadata/namespace")
                .and_then(Value::as_str)
                .map(str::to_owned),
            kind,
            api_version,
            spans,
            value,
            span: first_line(text, span),
        }),
        _ => diags.push(
            Diagnostic::warning(
                Code::NotImported,
                "this document is not a Kubernetes object: it has no `kind`, `apiVersion` or `metadata.name`",
            )
            .label(first_line(text, span), "skipped")
            .help("kstep imports objects with a kind, an apiVersion and a name"),
        ),
    }
}

/// `(offset, text)` of every document of a YAML stream.
fn documents(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let bare = line.trim_end_matches(['\n', '\r']);
        let marker = ["---", "..."].iter().any(|m| {
            bare.strip_prefix(m)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t']))
        });
        if marker {
            out.push((start, &text[start..offset]));
            // Content after `--- ` on the marker line (rare) belongs to the next document.
            start = if bare.starts_with("---") && bare.len() > 3 {
                offset + 4
            } else {
                offset + line.len()
            };
        }
        offset += line.len();
    }
    out.push((start, &text[start..]));
    out
}

/// Moves every span of a document's tree to where the document stands in the file.
fn shift(node: &mut Node, by: u32) {
    node.span.start += by;
    node.span.end += by;
    match &mut node.kind {
        NodeKind::Seq(items) => items.iter_mut().for_each(|n| shift(n, by)),
        NodeKind::Map(entries) => {
            for entry in entries {
                entry.key_span.start += by;
                entry.key_span.end += by;
                shift(&mut entry.value, by);
            }
        }
        _ => {}
    }
}

fn shift_diagnostics(found: Diagnostics, by: usize, diags: &mut Diagnostics) {
    for mut diagnostic in found.into_sorted() {
        for label in &mut diagnostic.labels {
            label.span.start += by as u32;
            label.span.end += by as u32;
        }
        diags.push(diagnostic);
    }
}

/// The tree as JSON, recording where each key and list item stands.
fn json(node: &Node, pointer: &mut String, spans: &mut BTreeMap<String, Span>) -> Value {
    match &node.kind {
        NodeKind::Null | NodeKind::Invalid => Value::Null,
        NodeKind::Bool(b) => Value::Bool(*b),
        NodeKind::Int(n) => Value::from(*n),
        NodeKind::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        NodeKind::Str(s) | NodeKind::Datetime(s) => Value::String(s.clone()),
        NodeKind::Rendered(r) => Value::String(r.text.clone()),
        NodeKind::Seq(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let len = pointer.len();
                    pointer.push_str(&format!("/{i}"));
                    spans.insert(pointer.clone(), item.span);
                    let value = json(item, pointer, spans);
                    pointer.truncate(len);
                    value
                })
                .collect(),
        ),
        NodeKind::Map(entries) => {
            let mut map = serde_json::Map::new();
            for entry in entries {
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&entry.key.replace('~', "~0").replace('/', "~1"));
                spans.insert(pointer.clone(), entry.key_span);
                map.insert(entry.key.clone(), json(&entry.value, pointer, spans));
                pointer.truncate(len);
            }
            Value::Object(map)
        }
    }
}

/// The first line of `span`, for labels on whole objects.
fn first_line(text: &str, span: Span) -> Span {
    let range = span.range();
    let end = text[range.clone()]
        .find('\n')
        .map_or(range.end, |i| range.start + i);
    Span::new(span.file, range.start, end)
}

#[cfg(test)]
mod tests {
    use super::documents;

    #[test]
    fn streams_split_at_markers() {
        let text = "a: 1\n---\nb: |\n  x\n--- # c\nc: 3\n...\n";
        let docs: Vec<&str> = documents(text).into_iter().map(|(_, d)| d).collect();
        assert_eq!(docs, ["a: 1\n", "b: |\n  x\n", "# c\nc: 3\n", ""]);
        // A marker inside a line is content.
        assert_eq!(documents("a: ---\n").len(), 1);
    }
}
