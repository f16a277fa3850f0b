//! Applying `[[patches]]`: find the one object a patch addresses, patch its JSON, and read
//! the result back as the same typed k8s-openapi object. A field the type does not know, or a
//! value of the wrong type, is a problem (`Problem`), not a silently dropped or mangled field.
//! Checking (`check::patches`) reports the problems and validates what a patch made; lowering
//! applies the patches of steps that passed.

use serde_json::Value;

use super::Object;
use crate::model::{Choice, Patch, PatchBody, PatchOp};
use crate::plan::Plan;

/// What went wrong applying a patch, with the JSON pointer it concerns where there is one.
#[derive(Debug)]
pub(crate) enum Problem {
    /// No object of the step has this kind and name; `names` are those of the kind.
    NoTarget { names: Vec<String> },
    /// The step has several objects of the kind; the patch must name one.
    Ambiguous { names: Vec<String> },
    /// A JSON patch operation failed (a path that does not exist, a failed `test`).
    Operation { index: usize, message: String },
    /// A field of the wrong type.
    Type { pointer: String, message: String },
    /// A field the object's type does not have.
    Unknown { pointer: String },
}

/// The index of the object `patch` addresses, and the patched object.
pub(crate) fn apply(
    objects: &[Object],
    patch: &Patch,
    plan: &Plan,
) -> Result<(usize, Object), Problem> {
    let index = target(objects, patch, plan)?;
    let object = &objects[index];
    let original = object.to_json().map_err(|e| Problem::Type {
        pointer: String::new(),
        message: e.to_string(),
    })?;
    let patched = patched_json(&original, patch)?;
    Ok((index, read_back(object, patched)?))
}

/// The object's JSON after the patch, before it is read back.
pub(crate) fn patched_json(original: &Value, patch: &Patch) -> Result<Value, Problem> {
    let mut value = original.clone();
    match &patch.body {
        PatchBody::Merge(merge) => json_patch::merge(&mut value, &merge.value.value),
        PatchBody::Json(ops) => {
            for (index, op) in ops.iter().enumerate() {
                let operation =
                    operation(op).map_err(|message| Problem::Operation { index, message })?;
                json_patch::patch(&mut value, &[operation]).map_err(|e| Problem::Operation {
                    index,
                    message: e.kind.to_string(),
                })?;
            }
        }
    }
    Ok(value)
}

/// The patched JSON as the typed object, and no field lost on the way.
fn read_back(object: &Object, patched: Value) -> Result<Object, Problem> {
    let read = object
        .with_json(patched.clone())
        .map_err(|e| Problem::Type {
            pointer: pointer_of(&e.path().to_string()),
            message: e.inner().to_string(),
        })?;
    let written = read.to_json().map_err(|e| Problem::Type {
        pointer: String::new(),
        message: e.to_string(),
    })?;
    match lost(&patched, &written, &mut String::new()) {
        Some(pointer) => Err(Problem::Unknown { pointer }),
        None => Ok(read),
    }
}

/// The object `patch` addresses: its kind, and its name as the step writes it (under
/// blue/green the object's name carries the deployment id).
pub(crate) fn target(objects: &[Object], patch: &Patch, plan: &Plan) -> Result<usize, Problem> {
    let of_kind: Vec<usize> = (0..objects.len())
        .filter(|&i| objects[i].kind() == patch.kind.value)
        .collect();
    let names = || {
        of_kind
            .iter()
            .map(|&i| objects[i].name().to_owned())
            .collect()
    };
    match &patch.name {
        Some(name) => of_kind
            .iter()
            .copied()
            .find(|&i| {
                let object = objects[i].name();
                object == name.value || object == plan.versioned(&name.value)
            })
            .ok_or_else(|| Problem::NoTarget { names: names() }),
        None => match of_kind.as_slice() {
            [one] => Ok(*one),
            [] => Err(Problem::NoTarget { names: names() }),
            _ => Err(Problem::Ambiguous { names: names() }),
        },
    }
}

/// A JSON patch operation as the `json-patch` crate takes it.
fn operation(op: &PatchOp) -> Result<json_patch::PatchOperation, String> {
    let mut json = serde_json::Map::new();
    json.insert("op".into(), Value::String(op.op.value.as_str().into()));
    json.insert("path".into(), Value::String(op.path.value.clone()));
    if let Some(from) = &op.from {
        json.insert("from".into(), Value::String(from.value.clone()));
    }
    if let Some(value) = &op.value {
        json.insert("value".into(), value.value.clone());
    }
    serde_json::from_value(Value::Object(json)).map_err(|e| e.to_string())
}

/// `spec.template.spec.containers[0].stdin` as a JSON pointer.
fn pointer_of(path: &str) -> String {
    let mut pointer = String::new();
    for part in path.split('.').filter(|p| !p.is_empty() && *p != "?") {
        let (name, indexes) = part.split_once('[').unwrap_or((part, ""));
        if !name.is_empty() {
            pointer.push('/');
            pointer.push_str(name);
        }
        for index in indexes.split('[') {
            let index = index.trim_end_matches(']');
            if !index.is_empty() {
                pointer.push('/');
                pointer.push_str(index);
            }
        }
    }
    pointer
}

/// The first field of `before` that `after` does not have (a `null` counts as absent).
fn lost(before: &Value, after: &Value, pointer: &mut String) -> Option<String> {
    match (before, after) {
        (Value::Object(before), Value::Object(after)) => {
            for (key, value) in before {
                if value.is_null() {
                    continue;
                }
                let len = pointer.len();
                pointer.push('/');
                pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                let found = match after.get(key) {
                    None => Some(pointer.clone()),
                    Some(next) => lost(value, next, pointer),
                };
                pointer.truncate(len);
                if found.is_some() {
                    return found;
                }
            }
            None
        }
        (Value::Array(before), Value::Array(after)) => {
            for (i, (value, next)) in before.iter().zip(after).enumerate() {
                let len = pointer.len();
                pointer.push_str(&format!("/{i}"));
                let found = lost(value, next, pointer);
                pointer.truncate(len);
                if found.is_some() {
                    return found;
                }
            }
            None
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_become_pointers() {
        assert_eq!(
            pointer_of("spec.template.spec.containers[0].stdin"),
            "/spec/template/spec/containers/0/stdin"
        );
        assert_eq!(pointer_of("spec.replicas"), "/spec/replicas");
    }

    #[test]
    fn a_field_the_type_dropped_is_lost() {
        let before = serde_json::json!({ "spec": { "replicas": 1, "replicaz": 2, "gone": null } });
        let after = serde_json::json!({ "spec": { "replicas": 1 } });
        assert_eq!(
            lost(&before, &after, &mut String::new()).as_deref(),
            Some("/spec/replicaz")
        );
    }
}
