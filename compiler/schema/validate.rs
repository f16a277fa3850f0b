//! Validation of a parsed step file against the schema, for the tests that hold the schema
//! to the reader: each error at the key or value it concerns, said in words (`rule.rs`).

use std::sync::LazyLock;

use jsonschema::error::ValidationErrorKind;
use jsonschema::paths::LocationSegment;
use serde_json::Value;

use super::{rule, schema};
use crate::source::Span;
use crate::syntax::{Node, NodeKind};

static SCHEMA: LazyLock<Value> = LazyLock::new(schema);

static VALIDATOR: LazyLock<Option<jsonschema::Validator>> =
    LazyLock::new(|| jsonschema::draft7::new(&SCHEMA).ok());

/// A schema error: what is wrong in words, where (the key or value), and the region it
/// concerns (the value with its key).
pub(super) struct SchemaError {
    pub(super) message: String,
    pub(super) span: Span,
    pub(super) region: Span,
}

/// Schema errors in a step file's tree, at the key or value they concern.
pub(super) fn validate(root: &Node) -> Vec<SchemaError> {
    let validator = VALIDATOR.as_ref().expect("the schema compiles");
    let schema = &*SCHEMA;
    let instance = json(root);
    validator
        .iter_errors(&instance)
        .flat_map(|error| rule::intended(error.to_owned()))
        .filter_map(|error| {
            let path: Vec<LocationSegment<'_>> = error.instance_path().segments().collect();
            let (node, key) = locate(root, &path)?;
            let region = key.map_or(extent(node), |k| k.to(extent(node)));
            let place = place(&path);
            let (span, message) = match error.kind() {
                ValidationErrorKind::AdditionalProperties { unexpected } => {
                    let key = unexpected.first()?;
                    let entry = node.as_map()?.iter().find(|e| &e.key == key)?;
                    let key = if place.is_empty() {
                        format!("`{key}`")
                    } else {
                        format!("`{key}` in `{place}`")
                    };
                    (entry.key_span, format!("{key} is not allowed here"))
                }
                kind => {
                    let span = match kind {
                        ValidationErrorKind::Required { .. } => key.unwrap_or(node.span.head()),
                        _ => node.span,
                    };
                    let subject = if place.is_empty() {
                        "the step file".to_owned()
                    } else {
                        format!("`{place}`")
                    };
                    (span, format!("{subject} must {}", rule::rule(schema, kind)))
                }
            };
            Some(SchemaError {
                message,
                span,
                region,
            })
        })
        .collect()
}

/// An instance path as the step file spells it: `containers[0].ports[1].port`.
fn place(path: &[LocationSegment<'_>]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            LocationSegment::Property(name) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            LocationSegment::Index(i) => out.push_str(&format!("[{i}]")),
        }
    }
    out
}

/// The span of a node with everything in it (a TOML table's span may hold only its header).
fn extent(node: &Node) -> Span {
    let mut span = node.span;
    match &node.kind {
        NodeKind::Seq(items) => {
            for item in items {
                span = span.to(extent(item));
            }
        }
        NodeKind::Map(entries) => {
            for entry in entries {
                span = span.to(entry.key_span).to(extent(&entry.value));
            }
        }
        _ => {}
    }
    span
}

/// The node at a JSON pointer's segments, and the span of the key it is under.
fn locate<'n>(
    mut node: &'n Node,
    path: &[LocationSegment<'_>],
) -> Option<(&'n Node, Option<Span>)> {
    let mut key = None;
    for segment in path {
        node = match (segment, &node.kind) {
            (LocationSegment::Property(name), NodeKind::Map(entries)) => {
                let entry = entries.iter().find(|e| e.key == name.as_ref())?;
                key = Some(entry.key_span);
                &entry.value
            }
            (LocationSegment::Index(i), NodeKind::Seq(items)) => {
                key = None;
                items.get(*i)?
            }
            _ => return None,
        };
    }
    Some((node, key))
}

/// A tree as the JSON the schema describes (spans stay in the tree). A key with an empty
/// value (YAML `tcp:`) is left out: the reader treats it as absent.
fn json(node: &Node) -> Value {
    match &node.kind {
        NodeKind::Null | NodeKind::Invalid => Value::Null,
        NodeKind::Bool(b) => Value::Bool(*b),
        NodeKind::Int(n) => Value::from(*n),
        NodeKind::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
        NodeKind::Str(s) | NodeKind::Datetime(s) => Value::String(s.clone()),
        NodeKind::Rendered(r) => Value::String(r.template.clone()),
        NodeKind::Seq(items) => Value::Array(items.iter().map(json).collect()),
        NodeKind::Map(entries) => Value::Object(
            entries
                .iter()
                .filter(|e| e.value.kind != NodeKind::Null)
                .map(|e| (e.key.clone(), json(&e.value)))
                .collect(),
        ),
    }
}

/// Whether reading already said something about `region`: a label that overlaps it.
pub(super) fn covered(region: Span, reported: &[Span]) -> bool {
    reported
        .iter()
        .any(|r| r.file == region.file && r.start <= region.end && region.start <= r.end)
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::diagnostic::{Code, Diagnostics};
    use crate::source::SourceMap;
    use crate::syntax::{self, Format};

    fn fixtures(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("fixtures") {
            let path = entry.expect("entry").path();
            if path.is_dir() && !path.ends_with("inputs") {
                fixtures(&path, out);
            } else if Format::from_path(&path).is_some() && !path.ends_with("kstep.toml") {
                out.push(path);
            }
        }
    }

    fn raw_sources(node: &Node) -> Vec<Span> {
        let mut out = Vec::new();
        match &node.kind {
            NodeKind::Map(entries) => {
                for entry in entries {
                    if entry.key == "raw" {
                        out.push(extent(&entry.value));
                    }
                    out.extend(raw_sources(&entry.value));
                }
            }
            NodeKind::Seq(items) => items.iter().for_each(|i| out.extend(raw_sources(i))),
            _ => {}
        }
        out
    }

    /// The schema and the reader agree on every fixture: no schema error in a valid one,
    /// and every unknown field the reader reports is a schema error too.
    #[test]
    fn schema_and_reader_agree_on_the_fixtures() {
        let mut paths = Vec::new();
        fixtures(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures"),
            &mut paths,
        );
        assert!(paths.len() > 50);
        for path in paths {
            let text = std::fs::read_to_string(&path).expect("utf-8 fixture");
            let mut sources = SourceMap::default();
            let file = sources.add(path.clone(), text.clone().into());
            let mut diags = Diagnostics::default();
            let format = Format::from_path(&path).expect("a step file");
            let Some(root) = syntax::parse(file, &text, format, &mut diags) else {
                continue;
            };
            let errors = validate(&root);
            let error_fixture = path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("err_"));
            if !error_fixture {
                let found: Vec<String> = errors.iter().map(|e| e.message.clone()).collect();
                assert!(found.is_empty(), "{}: {found:?}", path.display());
                continue;
            }
            crate::read::read_step(file, &text, &root, &mut diags);
            let regions: Vec<Span> = errors.iter().map(|e| e.region).collect();
            // Raw volume sources are checked against Kubernetes' types by the reader; the
            // schema takes any value there.
            let raw: Vec<Span> = raw_sources(&root);
            for unknown in diags.since(0).filter(|d| d.code == Code::UnknownField) {
                let span = unknown.primary_span().expect("a label");
                if covered(span, &raw) {
                    continue;
                }
                assert!(
                    covered(span, &regions),
                    "{}: the schema accepts `{}`, which the reader calls unknown",
                    path.display(),
                    &text[span.range()]
                );
            }
        }
    }
}

#[cfg(test)]
mod messages {
    use super::*;
    use crate::diagnostic::Diagnostics;
    use crate::source::SourceMap;
    use crate::syntax::{self, Format};

    fn messages(text: &str) -> Vec<String> {
        let mut sources = SourceMap::default();
        let file = sources.add("step.toml".into(), text.to_owned().into());
        let mut diags = Diagnostics::default();
        let root = syntax::parse(file, text, Format::Toml, &mut diags).expect("TOML");
        validate(&root).into_iter().map(|e| e.message).collect()
    }

    /// A schema violation names the key and says what its value must be.
    #[test]
    fn a_violation_names_the_key_and_the_rule() {
        let found = messages(
            r#"
            colour = "blue"
            [step]
            strategy = "canary"
            [deployment]
            replicas = true
            strategy = 3
            [[containers]]
            name = "web"
            image = "nginx"
            [service]
            ports = [{ port = 80, target_port = true }]
            "#,
        );
        assert_eq!(
            found,
            [
                "`deployment.replicas` must be an integer or a template",
                "`strategy` in `deployment` is not allowed here",
                "`deployment` must have `name`",
                "`service.ports[0].target_port` must be an integer or a string",
                "`step.strategy` must be one of `recreate`, `rolling-update`, `blue-green`, `on-delete` or a template",
                "`colour` is not allowed here",
            ]
        );
        assert!(
            found
                .iter()
                .all(|m| !m.contains("anyOf") && !m.contains("oneOf"))
        );
    }
}
