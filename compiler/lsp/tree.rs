//! The document's tree, and what is at a position in it: the key path, whether the position
//! is on a key or a value, and the node. Hover, navigation and symbols read the same spanned
//! tree the compiler reads (`syntax::parse`), so positions mean what they mean to kstep.

use super::schema::Segment;
use crate::diagnostic::Diagnostics;
use crate::source::{SourceMap, Span};
use crate::syntax::{Format, Node, NodeKind};

/// A document parsed on its own.
pub(crate) struct Parsed {
    pub(crate) root: Node,
}

/// `None` when its syntax is broken.
pub(crate) fn parse(text: &str, format: Format) -> Option<Parsed> {
    let mut sources = SourceMap::default();
    let file = sources.add("document".into(), text.into());
    let root = crate::syntax::parse(file, text, format, &mut Diagnostics::default())?;
    Some(Parsed { root })
}

/// What is at a position.
#[derive(Debug)]
pub(crate) struct Hit {
    /// The path to the key (on a key) or to the value (on a value).
    pub(crate) path: Vec<Segment>,
    pub(crate) on_key: bool,
}

/// The innermost key or scalar at `offset`.
pub(crate) fn at(root: &Node, offset: usize) -> Option<Hit> {
    let mut path = Vec::new();
    find(root, offset as u32, &mut path)
}

fn contains(span: Span, offset: u32) -> bool {
    span.start <= offset && offset <= span.end
}

fn find(node: &Node, offset: u32, path: &mut Vec<Segment>) -> Option<Hit> {
    match &node.kind {
        // TOML tables gather entries from many places (`[[containers]]` headers, dotted
        // keys): their spans do not cover them all, so every child is looked at.
        NodeKind::Map(entries) => {
            for child in entries {
                path.push(Segment::Key(child.key.clone()));
                if contains(child.key_span, offset) {
                    return Some(Hit {
                        path: path.clone(),
                        on_key: true,
                    });
                }
                if let Some(hit) = find(&child.value, offset, path) {
                    return Some(hit);
                }
                path.pop();
            }
            None
        }
        NodeKind::Seq(items) => {
            for item in items {
                path.push(Segment::Item);
                if let Some(hit) = find(item, offset, path) {
                    return Some(hit);
                }
                path.pop();
            }
            None
        }
        _ if contains(node.span, offset) => Some(Hit {
            path: path.clone(),
            on_key: false,
        }),
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
        assert_eq!(dotted(&hit.path), "containers[].ports[].name");
    }
}
