//! `[[patches]]`: a kind, an optional name, and exactly one of `merge` (a JSON merge patch) or
//! `json` (JSON patch operations). The patch bodies are data in the Kubernetes API's own
//! field names; only their shape is read here. Whether they apply, and what the patched
//! object then is, is checked once the objects exist (`check::patches`).

use super::reader::Reader;
use super::table::Table;
use crate::model::{MergePatch, Patch, PatchBody, PatchOp, PatchOpKind, Spanned};
use crate::source::Span;
use crate::syntax::{Node, NodeKind};

pub(super) fn read(r: &mut Reader<'_>, mut t: Table<'_>) -> Option<Patch> {
    let head = t.head();
    let kind = t.required(r, "kind", Reader::string);
    let name = t.optional(r, "name", Reader::string);
    let body = match t.one_of(r, &["merge", "json"], "patch (`merge` or `json`)") {
        Some("merge") => t.optional(r, "merge", merge).map(PatchBody::Merge),
        Some(_) => {
            let path = t.child_path("json");
            let mut index = 0;
            t.optional(r, "json", |r, node| {
                r.list(node, "a list of patch operations", |r, op| {
                    let table = r.table(op, format!("{path}[{index}]"), op.span);
                    index += 1;
                    operation(r, table?)
                })
            })
            .map(|ops| PatchBody::Json(ops.value))
        }
        None => None,
    };
    t.finish(r);
    Some(Patch {
        head,
        kind: kind?,
        name,
        body: body?,
    })
}

/// A merge patch: a table, with the place of every key in it.
fn merge(r: &mut Reader<'_>, node: &Node) -> Option<MergePatch> {
    if !matches!(node.kind, NodeKind::Map(_)) {
        r.wrong_type(node, "a table (the fields to merge into the object)");
        return None;
    }
    let value = r.json(node)?;
    let mut keys = Vec::new();
    key_spans(node, &mut String::new(), &mut keys);
    Some(MergePatch {
        value: Spanned::new(value, node.span),
        keys,
    })
}

/// The JSON pointer and key span of every key below `node` (a merge patch replaces lists
/// whole, so a list item keeps its index in the patched object).
fn key_spans(node: &Node, pointer: &mut String, out: &mut Vec<(String, Span)>) {
    let entries = match &node.kind {
        NodeKind::Map(entries) => entries,
        NodeKind::Seq(items) => {
            for (i, item) in items.iter().enumerate() {
                let len = pointer.len();
                pointer.push_str(&format!("/{i}"));
                key_spans(item, pointer, out);
                pointer.truncate(len);
            }
            return;
        }
        _ => return,
    };
    for entry in entries {
        let len = pointer.len();
        pointer.push('/');
        // RFC 6901: `~` is written `~0` and `/` is written `~1`.
        pointer.push_str(&entry.key.replace('~', "~0").replace('/', "~1"));
        out.push((pointer.clone(), entry.key_span));
        key_spans(&entry.value, pointer, out);
        pointer.truncate(len);
    }
}

fn operation(r: &mut Reader<'_>, mut t: Table<'_>) -> Option<PatchOp> {
    let op = t.required(r, "op", Reader::choice::<PatchOpKind>);
    let path = t.required(r, "path", Reader::string);
    let from = t.optional(r, "from", Reader::string);
    // `value` may be any JSON value, `null` included (YAML `value:` or `value: null`).
    let value = t.entry_with_null("value").and_then(|entry| {
        r.json(&entry.value)
            .map(|v| Spanned::new(v, entry.value.span))
    });
    t.finish(r);
    Some(PatchOp {
        op: op?,
        path: path?,
        from,
        value,
    })
}
