//! `[[patches]]`: the escape hatch for what kstep does not model. A patch changes one emitted
//! object, addressed by kind and name, after lowering: a JSON merge patch (RFC 7386, `merge`)
//! or a JSON patch (RFC 6902, `json`). Its keys are the Kubernetes API's own (`camelCase`),
//! since it edits the object as Kubernetes sees it.

use super::Spanned;
use crate::source::Span;

#[derive(Clone, Debug)]
pub(crate) struct Patch {
    /// The patch's table, for messages about the patch as a whole.
    pub(crate) head: Span,
    /// The object's kind, as in its manifest: `Deployment`, `Service`, ...
    pub(crate) kind: Spanned<String>,
    /// The object's name as the step writes it (under blue/green, without the deployment
    /// id); `None` when the step has one object of the kind.
    pub(crate) name: Option<Spanned<String>>,
    pub(crate) body: PatchBody,
}

impl Patch {
    /// The patch body as JSON: the merge patch, or the list of operations.
    pub(crate) fn body_json(&self) -> serde_json::Value {
        match &self.body {
            PatchBody::Merge(merge) => merge.value.value.clone(),
            PatchBody::Json(ops) => serde_json::Value::Array(
                ops.iter()
                    .map(|op| {
                        serde_json::json!({
                            "op": super::Choice::as_str(op.op.value),
                            "path": op.path.value,
                            "from": op.from.as_ref().map(|f| &f.value),
                            "value": op.value.as_ref().map(|v| &v.value),
                        })
                    })
                    .collect(),
            ),
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) enum PatchBody {
    /// A JSON merge patch: objects merge key by key, anything else replaces, `null` removes.
    Merge(MergePatch),
    /// JSON patch operations, applied in order.
    Json(Vec<PatchOp>),
}

#[derive(Clone, Debug)]
pub(crate) struct MergePatch {
    pub(crate) value: Spanned<serde_json::Value>,
    /// Where each key of the patch was written, by its JSON pointer (`/spec/replicas`), so that
    /// a problem with a field points at the key that set it.
    pub(crate) keys: Vec<(String, Span)>,
}

impl MergePatch {
    /// The span of the key that set `pointer` or the nearest key above it.
    pub(crate) fn span_of(&self, pointer: &str) -> Span {
        let mut best = self.value.span;
        let mut depth = 0;
        for (key, span) in &self.keys {
            let covers = pointer == key
                || pointer
                    .strip_prefix(key.as_str())
                    .is_some_and(|rest| rest.starts_with('/'));
            if covers && key.len() > depth {
                best = *span;
                depth = key.len();
            }
        }
        best
    }
}

/// One operation of a JSON patch.
#[derive(Clone, Debug)]
pub(crate) struct PatchOp {
    pub(crate) op: Spanned<PatchOpKind>,
    /// A JSON pointer, `/spec/template/spec/containers/0/stdin`.
    pub(crate) path: Spanned<String>,
    /// For `move` and `copy`.
    pub(crate) from: Option<Spanned<String>>,
    /// For `add`, `replace` and `test`.
    pub(crate) value: Option<Spanned<serde_json::Value>>,
}

pub(crate) use super::choice::PatchOpKind;
