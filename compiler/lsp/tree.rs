//! The document's tree, and what is at a position in it: the key path, whether the position
//! is on a key or a value, and the node. Hover, navigation and symbols read the same spanned
//! tree the compiler reads (`syntax::parse`), so positions mean what they mean to kstep.

use super::schema::Segment;
use crate::diagnostic::Diagnostics;
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::{Entry, Format, Node, NodeKind};

/// A document parsed on its own. `None` when its syntax is broken.
pub(crate) struct Parsed {
    pub(crate) file: FileId,
    pub(crate) root: Node,
}

pub(crate) fn parse(text: &str, format: Format) -> Option<Parsed> {
    let mut sources = SourceMap::default();
    let file = sources.add("document".into(), text.into());
    let root = crate::syntax::parse(file, text, format, &mut Diagnostics::default())?;
    Some(Parsed { file, root })
}

/// What is at a position.
#[derive(Debug)]
pub(crate) struct Hit<'a> {
    /// The path to the key (on a key) or to the value (on a value).
    pub(crate) path: Vec<Segment>,
    /// The key's entry when on a key, or the entry whose value holds the position.
    pub(crate) entry: Option<&'a Entry>,
    pub(crate) on_key: bool,
    /// The innermost value holding the position (a scalar, or the table or list it is in).
    pub(crate) node: &'a Node,
}

/// The innermost key or scalar at `offset`.
pub(crate) fn at(root: &Node, offset: usize) -> Option<Hit<'_>> {
    let mut path = Vec::new();
    find(root, offset as u32, &mut path, None)
}

fn contains(span: Span, offset: u32) -> bool {
    span.start <= offset && offset <= span.end
}

fn find<'a>(
    node: &'a Node,
    offset: u32,
    path: &mut Vec<Segment>,
    entry: Option<&'a Entry>,
) -> Option<Hit<'a>> {
    match &node.kind {
        // TOML tables gather entries from many places (`[[containers]]` headers, dotted
        // keys): their spans do not cover them all, so every child is looked at.
        NodeKind::Map(entries) => {
            for child in entries {
                path.push(Segment::Key(child.key.clone()));
                if contains(child.key_span, offset) {
                    return Some(Hit {
                        path: path.clone(),
                        entry: Some(child),
                        on_key: true,
                        node: &child.value,
                    });
                }
                if let Some(hit) = find(&child.value, offset, path, Some(child)) {
                    return Some(hit);
                }
                path.pop();
            }
            None
        }
        NodeKind::Seq(items) => {
            for item in items {
                path.push(Segment::Item);
                if let Some(hit) = find(item, offset, path, entry) {
                    return Some(hit);
                }
                path.pop();
            }
            None
        }
        _ if contains(node.span, offset) => Some(Hit {
            path: path.clone(),
            entry,
            on_key: false,
            node,
        }),
        _ => None,
    }
}

/// The text of a scalar as written (for strings, the value).
pub(crate) fn scalar(node: &Node) -> Option<String> {
    match &node.kind {
        NodeKind::Str(s) => Some(s.clone()),
        NodeKind::Int(i) => Some(i.to_string()),
        NodeKind::Bool(b) => Some(b.to_string()),
        NodeKind::Float(f) => Some(f.to_string()),
        _ => None,
    }
}

/// The path as people write it: `containers[].readiness.http.port`.
pub(crate) fn dotted(path: &[Segment]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Item => out.push_str("[]"),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Segment {
        Segment::Key(k.to_owned())
    }

    #[test]
    fn positions_find_keys_and_values_below_array_tables() {
        let text = "[deployment]\nname = \"web\"\n\n[[containers]]\nname = \"a\"\n\n[[containers]]\nname = \"b\"\nports = [{ name = \"http\", port = 80 }]\n";
        let parsed = parse(text, Format::Toml).unwrap();
        let on = |needle: &str, plus: usize| at(&parsed.root, text.find(needle).unwrap() + plus);
        let hit = on("ports", 1).unwrap();
        assert!(hit.on_key);
        assert_eq!(hit.path, [key("containers"), Segment::Item, key("ports")]);
        let hit = on("\"http\"", 2).unwrap();
        assert!(!hit.on_key);
        assert_eq!(
            hit.path,
            [
                key("containers"),
                Segment::Item,
                key("ports"),
                Segment::Item,
                key("name")
            ]
        );
        assert_eq!(scalar(hit.node).unwrap(), "http");
        assert_eq!(dotted(&hit.path), "containers[].ports[].name");
    }
}
