//! The step file's shape, as hover and completion read it: the JSON Schema that
//! `compiler/schema/` declares (one shape for the reader, the reference and the editor),
//! walked along a key path. `$ref`, `allOf` and `anyOf` are looked through, so a key's
//! description, type, examples and allowed words come out whether the key is a table, a
//! templated number or an optional word.

use serde_json::Value;

/// One step of a path into a step file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Segment {
    Key(String),
    /// An element of a list.
    Item,
}

/// What the schema says about one key.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct KeyInfo {
    pub(crate) description: Option<String>,
    /// `string`, `integer`, `table`, `list`, ... (templates aside).
    pub(crate) types: Vec<String>,
    pub(crate) default: Option<Value>,
    pub(crate) examples: Vec<Value>,
    /// The allowed words of a choice.
    pub(crate) words: Vec<String>,
    pub(crate) required: bool,
}

/// The top-level keys of a step file.
pub(crate) fn top_level_keys() -> Vec<&'static str> {
    properties(crate::schema::shape())
        .into_iter()
        .map(|(key, _)| key)
        .collect()
}

/// The schema of the value at `path` (the property's own schema, with its description).
pub(crate) fn at(path: &[Segment]) -> Option<&'static Value> {
    let mut here = crate::schema::shape();
    for segment in path {
        here = match segment {
            Segment::Key(key) => property(here, key)?,
            Segment::Item => item(here)?,
        };
    }
    Some(here)
}

/// The keys a table at `path` may have, with their schemas, in the schema's order.
pub(crate) fn keys_at(path: &[Segment]) -> Vec<(&'static str, &'static Value)> {
    at(path).map(properties).unwrap_or_default()
}

/// What a key's schema says, for people.
pub(crate) fn info(schema: &'static Value, required: bool) -> KeyInfo {
    let mut info = KeyInfo {
        required,
        ..KeyInfo::default()
    };
    for variant in variants(schema) {
        if is_template(variant) {
            continue;
        }
        if info.description.is_none() {
            info.description = variant
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_owned);
        }
        if info.default.is_none() {
            info.default = variant.get("default").cloned();
        }
        if info.examples.is_empty()
            && let Some(Value::Array(examples)) = variant.get("examples")
        {
            info.examples = examples.clone();
        }
        if let Some(Value::Array(words)) = variant.get("enum") {
            for word in words.iter().filter_map(Value::as_str) {
                if !info.words.iter().any(|w| w == word) {
                    info.words.push(word.to_owned());
                }
            }
        }
        let types: Vec<&str> = match variant.get("type") {
            Some(Value::String(t)) => vec![t.as_str()],
            Some(Value::Array(ts)) => ts.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        for t in types {
            let word = match t {
                "object" => "table",
                "array" => "list",
                "null" => continue,
                other => other,
            };
            if !info.types.iter().any(|known| known == word) {
                info.types.push(word.to_owned());
            }
        }
    }
    info
}

/// Whether `key` is required in the table whose schema is `table`.
pub(crate) fn is_required(table: &'static Value, key: &str) -> bool {
    variants(table).into_iter().any(|v| {
        v.get("required")
            .and_then(Value::as_array)
            .is_some_and(|r| r.iter().any(|k| k.as_str() == Some(key)))
    })
}

/// The "any string may be a template" alternative the schema adds to typed values.
fn is_template(schema: &Value) -> bool {
    schema.get("pattern").is_some()
        && schema
            .get("description")
            .and_then(Value::as_str)
            .is_some_and(|d| d.starts_with("a template"))
}

/// The schema and every alternative it stands for, references followed.
fn variants(schema: &'static Value) -> Vec<&'static Value> {
    let mut out = Vec::new();
    let mut stack = vec![schema];
    while let Some(here) = stack.pop() {
        if out.len() > 64 {
            break;
        }
        let here = resolve(here);
        out.push(here);
        for combinator in ["allOf", "anyOf", "oneOf"] {
            if let Some(Value::Array(members)) = here.get(combinator) {
                stack.extend(members.iter().rev());
            }
        }
    }
    out
}

fn resolve(schema: &'static Value) -> &'static Value {
    let mut here = schema;
    for _ in 0..8 {
        let Some(reference) = here.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let Some(name) = reference.strip_prefix("#/definitions/") else {
            break;
        };
        match crate::schema::shape()
            .get("definitions")
            .and_then(|d| d.get(name))
        {
            Some(target) => here = target,
            None => break,
        }
    }
    here
}

fn property(schema: &'static Value, key: &str) -> Option<&'static Value> {
    let variants = variants(schema);
    variants
        .iter()
        .find_map(|v| v.get("properties").and_then(|p| p.get(key)))
        .or_else(|| {
            variants
                .iter()
                .find_map(|v| v.get("additionalProperties").filter(|a| a.is_object()))
        })
}

fn item(schema: &'static Value) -> Option<&'static Value> {
    variants(schema)
        .into_iter()
        .find_map(|v| v.get("items").filter(|i| i.is_object()))
}

fn properties(schema: &'static Value) -> Vec<(&'static str, &'static Value)> {
    let mut out: Vec<(&str, &Value)> = Vec::new();
    for variant in variants(schema) {
        if let Some(Value::Object(properties)) = variant.get("properties") {
            for (key, value) in properties {
                if !out.iter().any(|(known, _)| known == key) {
                    out.push((key.as_str(), value));
                }
            }
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
    fn keys_are_found_through_references_and_lists() {
        assert!(top_level_keys().contains(&"containers"));
        let container = keys_at(&[key("containers"), Segment::Item]);
        assert!(container.iter().any(|(k, _)| *k == "image"));
        let pull = at(&[key("containers"), Segment::Item, key("pull_policy")]).unwrap();
        let info = info(pull, false);
        assert_eq!(info.words, ["Always", "IfNotPresent", "Never"]);
        assert_eq!(info.types, ["string"]);
        assert!(info.description.unwrap().contains("pull"));
        let port = at(&[
            key("service"),
            key("ports"),
            Segment::Item,
            key("target_port"),
        ]);
        assert_eq!(info_types(port), ["integer", "string"]);
        // Names chosen by the user: ConfigMaps by name.
        let data = keys_at(&[key("config_maps"), key("web-config")]);
        assert!(data.iter().any(|(k, _)| *k == "data"));
    }

    fn info_types(schema: Option<&'static Value>) -> Vec<String> {
        info(schema.unwrap(), false).types
    }
}
