//! YAML written inside a string value (a raw volume source pasted as text), parsed with its
//! positions mapped back into the step file.
//!
//! The string's content is parsed on its own, then every span is moved to where that text
//! stands in the file ([`Remap`]). Text a template rendered is not in the file: its positions
//! all go to the template.

use super::reader::Reader;
use crate::diagnostic::Diagnostics;
use crate::syntax::{self, Node, Remap};

/// Parses `content`, the value of the string `node` (`rendered` when a template produced
/// it); problems are reported at mapped places.
pub(super) fn parse(
    r: &mut Reader<'_>,
    node: &Node,
    content: &str,
    rendered: bool,
) -> Option<Node> {
    let remap = if rendered {
        Remap::whole(r.text(), node.span)
    } else {
        Remap::new(r.text(), node.span, content)
    };
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
