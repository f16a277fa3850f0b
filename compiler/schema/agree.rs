//! The schema is the one declaration of a step file's shape: every key at every place, with
//! its type, words, description and example. This test holds the reader to it, table by
//! table, not only where fixtures happen to go: it makes step files from the schema itself
//! (every key of every table, every alternative of a "one of these keys" choice), reads them,
//! and compares the keys each table of the reader asked for with the keys the schema declares
//! there.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

use crate::diagnostic::Diagnostics;
use crate::source::SourceMap;
use crate::syntax::{self, Format};

/// Places the reader reads through code of its own rather than a table of keys: their
/// schema is the reader's word list (`[lint]` levels, data maps), checked elsewhere.
const NOT_TABLES: &[&str] = &[
    "lint",
    "containers[].resources.requests",
    "containers[].resources.limits",
];

/// Keys the reader reads only to refuse them with a better message than "unknown key".
const REFUSED: &[&str] = &[
    // A TCP lifecycle hook is deprecated and never ran: `lifecycle-tcp` says so.
    "containers[].lifecycle.post_start.tcp",
    "containers[].lifecycle.pre_stop.tcp",
];

/// Step files that put every table of the schema in front of the reader, and the keys the
/// schema declares at each table path (list indexes as `[]`, map keys as `name`).
fn documents(schema: &Value) -> (Vec<Value>, BTreeMap<String, BTreeSet<String>>) {
    let mut declared = BTreeMap::new();
    let documents = instances(schema, schema, "", &mut declared, 0);
    (documents, declared)
}

/// The schema a place refers to: through `$ref`, and through an `allOf` of one (how a
/// documented field refers to a shared definition).
/// The keys the schema declares at each table path.
pub(super) fn declared(schema: &Value) -> BTreeMap<String, BTreeSet<String>> {
    documents(schema).1
}

fn resolve<'a>(root: &'a Value, schema: &'a Value) -> &'a Value {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference.rsplit('/').next().unwrap_or_default();
        return root
            .pointer(&format!("/definitions/{name}"))
            .or_else(|| root.pointer(&format!("/$defs/{name}")))
            .map_or(schema, |s| resolve(root, s));
    }
    match schema
        .get("allOf")
        .and_then(Value::as_array)
        .map(Vec::as_slice)
    {
        Some([only]) => resolve(root, only),
        _ => schema,
    }
}

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// Values for a place of the schema: the first one fills the place in the base document,
/// the others are variants, so that every table and alternative below it is reached.
fn instances(
    root: &Value,
    schema: &Value,
    path: &str,
    declared: &mut BTreeMap<String, BTreeSet<String>>,
    depth: usize,
) -> Vec<Value> {
    let schema = resolve(root, schema);
    if depth > 12 {
        return vec![json!("x")];
    }
    let mut out: Vec<Value> = Vec::new();
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        out.extend(object(root, schema, properties, path, declared, depth));
    } else if let Some(items) = schema.get("items") {
        out.extend(
            instances(root, items, &format!("{path}[]"), declared, depth + 1)
                .into_iter()
                .map(|v| json!([v])),
        );
    } else if let Some(values) = schema
        .get("additionalProperties")
        .filter(|v| v.is_object() && v.get("properties").is_some() || v.get("$ref").is_some())
    {
        out.extend(
            instances(root, values, &child(path, "name"), declared, depth + 1)
                .into_iter()
                .map(|v| json!({ "name": v })),
        );
    }
    for alternative in ["anyOf", "oneOf"] {
        for sub in schema
            .get(alternative)
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            // Only alternatives with tables lead anywhere new.
            let sub = resolve(root, sub);
            if sub.get("properties").is_some()
                || sub.get("items").is_some()
                || sub
                    .get("additionalProperties")
                    .is_some_and(Value::is_object)
            {
                out.extend(instances(root, sub, path, declared, depth + 1));
            }
        }
    }
    if out.is_empty() {
        // A place without tables below it: its example, or a value of its type.
        out.push(
            schema
                .get("examples")
                .and_then(Value::as_array)
                .and_then(|e| e.first())
                .cloned()
                .unwrap_or_else(|| leaf(schema)),
        );
    }
    out
}

fn leaf(schema: &Value) -> Value {
    if let Some(first) = schema
        .get("enum")
        .and_then(Value::as_array)
        .and_then(|e| e.first())
    {
        return first.clone();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("integer" | "number") => json!(1),
        Some("boolean") => json!(true),
        Some("object") => json!({}),
        Some("array") => json!([]),
        _ => json!("x"),
    }
}

fn object(
    root: &Value,
    schema: &Value,
    properties: &Map<String, Value>,
    path: &str,
    declared: &mut BTreeMap<String, BTreeSet<String>>,
    depth: usize,
) -> Vec<Value> {
    declared
        .entry(path.to_owned())
        .or_default()
        .extend(properties.keys().cloned());
    // Keys of a "exactly one of" choice: one at a time.
    let choices: Vec<String> = schema
        .get("oneOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|alt| {
            alt.get("required")?
                .as_array()?
                .first()?
                .as_str()
                .map(str::to_owned)
        })
        .collect();
    let values: Vec<(String, Vec<Value>)> = properties
        .iter()
        .map(|(key, property)| {
            (
                key.clone(),
                instances(root, property, &child(path, key), declared, depth + 1),
            )
        })
        .collect();
    let mut base = Map::new();
    for (key, vals) in &values {
        if !choices.contains(key) || choices.first() == Some(key) {
            base.insert(key.clone(), vals[0].clone());
        }
    }
    let mut out = vec![Value::Object(base.clone())];
    for (key, vals) in &values {
        let alternative = choices.contains(key) && choices.first() != Some(key);
        let start = usize::from(!alternative);
        for value in &vals[start..] {
            let mut variant = base.clone();
            if alternative {
                for other in &choices {
                    variant.remove(other);
                }
            }
            variant.insert(key.clone(), value.clone());
            out.push(Value::Object(variant));
        }
    }
    out
}

/// The reader's keys, table by table, after reading `documents`.
fn read(documents: &[Value]) -> BTreeMap<String, BTreeSet<&'static str>> {
    crate::read::read_keys::take();
    for document in documents {
        let text = document.to_string();
        let mut sources = SourceMap::default();
        let file = sources.add("step.json".into(), text.clone().into());
        let mut diags = Diagnostics::default();
        let Some(root) = syntax::parse(file, &text, Format::Json, &mut diags) else {
            continue;
        };
        crate::read::read_vars(file, &text, &root, &mut diags);
        if let Some(lint) = root.get("lint") {
            crate::read::read_lint(file, &text, lint, &mut diags);
        }
        crate::read::read_step(file, &text, &root, &mut diags);
    }
    crate::read::read_keys::take()
}

/// Every way the reader and `schema` disagree, in words that say what to do.
fn disagreements(schema: &Value) -> Vec<String> {
    let (documents, declared) = documents(schema);
    assert!(documents.len() > 20, "only {} documents", documents.len());
    let read = read(&documents);
    let mut problems = Vec::new();
    for (path, keys) in &declared {
        if NOT_TABLES.contains(&path.as_str()) {
            continue;
        }
        let place = if path.is_empty() {
            "the top level"
        } else {
            path
        };
        let Some(asked) = read.get(path) else {
            problems.push(format!(
                "`{place}`: the schema declares a table here, but no reader read one (a reader's path differs, or the reader is missing)"
            ));
            continue;
        };
        for key in keys.iter().filter(|k| !asked.contains(k.as_str())) {
            problems.push(format!(
                "`{place}.{key}` is declared in the schema (compiler/schema/) but the reader does not read it: read it in compiler/read/, or remove it from the schema"
            ));
        }
        for key in asked
            .iter()
            .filter(|k| !keys.contains(**k) && !REFUSED.contains(&format!("{path}.{k}").as_str()))
        {
            problems.push(format!(
                "`{place}.{key}` is read by compiler/read/ but not declared in the schema: add it to the shape type in compiler/schema/, with a description and an example"
            ));
        }
    }
    for path in read.keys().filter(|p| !declared.contains_key(*p)) {
        problems.push(format!(
            "the reader reads a table at `{path}` that the schema does not declare"
        ));
    }
    problems
}

#[test]
fn the_reader_reads_exactly_the_keys_the_schema_declares() {
    let problems = disagreements(&super::schema());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The test above fails both ways: a key only the schema has, and a key only the reader has.
#[test]
fn a_key_on_one_side_only_is_a_disagreement() {
    let mut schema = super::schema();
    let definitions = if schema.get("$defs").is_some() {
        "$defs"
    } else {
        "definitions"
    };
    let container = schema
        .pointer_mut(&format!("/{definitions}/Container/properties"))
        .and_then(Value::as_object_mut)
        .expect("the schema defines Container");
    container.remove("image");
    container.insert("colour".into(), json!({ "type": "string" }));
    let problems = disagreements(&schema);
    assert_eq!(
        problems,
        [
            "`containers[].colour` is declared in the schema (compiler/schema/) but the reader does not read it: read it in compiler/read/, or remove it from the schema",
            "`containers[].image` is read by compiler/read/ but not declared in the schema: add it to the shape type in compiler/schema/, with a description and an example",
        ]
    );
}
