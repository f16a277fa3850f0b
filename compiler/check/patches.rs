//! `[[patches]]`, once the step's objects exist: each patch must address one object, apply,
//! and leave an object of its typed k8s-openapi kind (no unknown or ill-typed field); it must
//! not change what kstep relies on (names, kstep's labels, selectors); and the patched object
//! must pass the API's rules that `check::objects` mirrors on manifests. Patches apply in
//! order, each to the result of the ones before.

use serde_json::Value;

use super::objects;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::diagnostic::{closest, one_of};
use crate::lower::labels::is_reserved;
use crate::lower::patch::{self, Problem};
use crate::lower::{self, Object};
use crate::model::{Patch, PatchBody, Step};
use crate::plan::Plan;
use crate::pointer::{dotted, escape};
use crate::source::Span;

pub(crate) fn check(step: &Step, plan: &Plan, diags: &mut Diagnostics) {
    if step.patches.is_empty() {
        return;
    }
    let mut objects = lower::unpatched(step, plan);
    for patch in &step.patches {
        match patch::apply(&objects, patch, plan) {
            Err(problem) => diags.push(problem_diagnostic(patch, &objects, problem)),
            Ok((index, patched)) => {
                let (Ok(before), Ok(after)) = (objects[index].to_json(), patched.to_json()) else {
                    continue;
                };
                // What kstep manages first: a changed selector would only be reported again
                // as a selector that misses its pods.
                let mut found = Vec::new();
                kept(&objects[index], &before, &after, &mut found);
                if found.is_empty() {
                    found = objects::check(patched.kind(), &after);
                }
                let found_none = found.is_empty();
                let (kind, name) = (objects[index].kind(), objects[index].name());
                for (pointer, code, message) in found {
                    let message = if code == Code::InvalidPatch {
                        format!("the patch {message} of {kind} `{name}`, which kstep manages")
                    } else {
                        format!("after the patch, {kind} `{name}` {message}")
                    };
                    diags.push(
                        Diagnostic::error(code, message)
                            .label(
                                span_of(patch, &pointer),
                                format!("sets `{}`", dotted(&pointer)),
                            )
                            .help(help_for(code)),
                    );
                }
                // Later patches see this one's result, unless it was reported.
                if found_none {
                    objects[index] = patched;
                }
            }
        }
    }
}

fn help_for(code: Code) -> &'static str {
    if code == Code::InvalidPatch {
        "kstep relies on this value; change what the step file says instead, or leave it to kstep"
    } else {
        "correct the patched value; the object must still be one the API server accepts"
    }
}

/// What kstep relies on and a patch may not change: the object's identity, kstep's own labels
/// and annotations, and the selectors by which the script and the Services find the pods.
fn kept(object: &Object, before: &Value, after: &Value, found: &mut Vec<(String, Code, String)>) {
    let mut pointers: Vec<String> = [
        "/apiVersion",
        "/kind",
        "/metadata/name",
        "/metadata/namespace",
    ]
    .map(str::to_owned)
    .to_vec();
    for labels in [
        "/metadata/labels",
        "/spec/template/metadata/labels",
        "/spec/jobTemplate/spec/template/metadata/labels",
    ] {
        for value in [before, after] {
            if let Some(map) = value.pointer(labels).and_then(Value::as_object) {
                pointers.extend(
                    map.keys()
                        .filter(|k| is_reserved(k))
                        .map(|k| format!("{labels}/{}", escape(k))),
                );
            }
        }
    }
    match object {
        Object::Deployment(_) | Object::StatefulSet(_) | Object::DaemonSet(_) => {
            pointers.push("/spec/selector".into());
            pointers.push("/spec/template/metadata/annotations/kstep.dev~1config-hash".into());
        }
        Object::Job(_) => {
            pointers.push("/spec/template/metadata/annotations/kstep.dev~1config-hash".into());
        }
        Object::CronJob(_) => pointers.push(
            "/spec/jobTemplate/spec/template/metadata/annotations/kstep.dev~1config-hash".into(),
        ),
        Object::Service(_) | Object::PodDisruptionBudget(_) => {
            pointers.push("/spec/selector".into());
        }
        _ => {}
    }
    pointers.sort();
    pointers.dedup();
    for pointer in pointers {
        if before.pointer(&pointer) != after.pointer(&pointer) {
            let message = format!("changes `{}`", dotted(&pointer));
            found.push((pointer, Code::InvalidPatch, message));
        }
    }
}

fn problem_diagnostic(patch: &Patch, objects: &[Object], problem: Problem) -> Diagnostic {
    let kind = &patch.kind;
    match problem {
        Problem::NoTarget { names } if names.is_empty() => {
            let mut kinds: Vec<&str> = objects.iter().map(Object::kind).collect();
            kinds.dedup();
            let diagnostic = Diagnostic::error(
                Code::InvalidPatch,
                format!("the step has no {} to patch", kind.value),
            )
            .label(kind.span, "no object of this kind");
            match closest(&kind.value, &kinds) {
                Some(hit) => diagnostic.suggest(hit),
                None => diagnostic.help(format!(
                    "the step's objects are of kind {}; write the kind as in a manifest",
                    one_of(&kinds)
                )),
            }
        }
        Problem::NoTarget { names } => {
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            let (span, written) = patch
                .name
                .as_ref()
                .map_or((kind.span, ""), |n| (n.span, n.value.as_str()));
            let diagnostic = Diagnostic::error(
                Code::InvalidPatch,
                format!("the step has no {} named `{written}`", kind.value),
            )
            .label(span, "no such object");
            match closest(written, &names) {
                Some(hit) => diagnostic.suggest(hit),
                None => diagnostic.help(format!(
                    "the step's {} objects are {}",
                    kind.value,
                    one_of(&names)
                )),
            }
        }
        Problem::Ambiguous { names } => {
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            Diagnostic::error(
                Code::InvalidPatch,
                format!("the step has several {} objects: which one?", kind.value),
            )
            .label(kind.span, "several objects of this kind")
            .help(format!("add `name`: one of {}", one_of(&names)))
        }
        Problem::Operation { index, message } => {
            let span = match &patch.body {
                PatchBody::Json(ops) => ops.get(index).map_or(patch.head, |op| op.path.span),
                PatchBody::Merge(_) => patch.head,
            };
            Diagnostic::error(
                Code::InvalidPatch,
                format!("patch operation {} does not apply: {message}", index + 1),
            )
            .label(span, "fails here")
            .help("a path names an existing field, or a new one in an existing object (`add`); `-` appends to a list")
        }
        Problem::Type { pointer, message } => Diagnostic::error(
            Code::InvalidPatch,
            format!(
                "the patched {} has a wrong value at `{}`: {message}",
                kind.value,
                dotted(&pointer)
            ),
        )
        .label(span_of(patch, &pointer), "wrong type")
        .help("give the value the type the Kubernetes API reference shows for this field"),
        Problem::Unknown { pointer } => Diagnostic::error(
            Code::InvalidPatch,
            format!("`{}` is not a field of {}", dotted(&pointer), kind.value),
        )
        .label(span_of(patch, &pointer), "unknown field")
        .help("write the field as the Kubernetes API reference for this kind spells it (camelCase), at the right place"),
    }
}

/// Where in the patch a field was set: the key of a merge patch, or the JSON patch
/// operation whose path leads to it.
fn span_of(patch: &Patch, pointer: &str) -> Span {
    match &patch.body {
        PatchBody::Merge(merge) => merge.span_of(pointer),
        PatchBody::Json(ops) => ops
            .iter()
            .rev()
            .find(|op| {
                let path = op.path.value.trim_end_matches("/-");
                pointer == path
                    || pointer.starts_with(&format!("{path}/"))
                    || path.starts_with(&format!("{pointer}/"))
            })
            .map_or(patch.head, |op| op.path.span),
    }
}
