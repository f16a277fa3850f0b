//! `raw`: a volume source given as its Kubernetes body (`core/v1` `VolumeSource`).
//!
//! The value is one mapping such as `awsElasticBlockStore: { volumeID: ..., fsType: ext4 }`,
//! written inline or as a string of YAML. It is deserialized into k8s-openapi's `Volume`, so
//! the types are the API's own. Those types ignore unknown keys and fill in missing required
//! fields with defaults, so the result is serialized back and compared with what was written:
//! a key that did not survive is unknown, a key that appeared is a missing required field.

use k8s_openapi::api::core::v1::Volume as KubeVolume;
use serde_json::{Map, Value};

use super::embedded;
use super::reader::Reader;
use crate::diagnostic as suggest;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::RawVolume;
use crate::source::Span;
use crate::syntax::{Entry, Node, NodeKind};

/// The volume sources of the Kubernetes API (v1.34), by field name.
pub(crate) const SOURCES: &[&str] = &[
    "awsElasticBlockStore",
    "azureDisk",
    "azureFile",
    "cephfs",
    "cinder",
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "fc",
    "flexVolume",
    "flocker",
    "gcePersistentDisk",
    "gitRepo",
    "glusterfs",
    "hostPath",
    "image",
    "iscsi",
    "nfs",
    "persistentVolumeClaim",
    "photonPersistentDisk",
    "portworxVolume",
    "projected",
    "quobyte",
    "rbd",
    "scaleIO",
    "secret",
    "storageos",
    "vsphereVolume",
];

const SHAPE_HELP: &str = "give exactly one volume source mapping, e.g. `awsElasticBlockStore: { volumeID: vol-0abc, fsType: ext4 }`";

pub(super) fn read(r: &mut Reader<'_>, node: &Node) -> Option<Box<RawVolume>> {
    let embedded;
    let node = match &node.kind {
        NodeKind::Str(text) => {
            embedded = embedded::parse(r, node, text, false)?;
            &embedded
        }
        NodeKind::Rendered(_) => {
            let text = r.string(node)?;
            embedded = embedded::parse(r, node, &text.value, true)?;
            &embedded
        }
        NodeKind::Map(_) => node,
        _ => {
            r.wrong_type(node, "a table (or a string of YAML)");
            return None;
        }
    };
    let entry = single_source(r, node)?;
    let body = r.json(&entry.value)?;
    let mut document = Map::new();
    document.insert("name".into(), Value::String("raw".into()));
    document.insert(entry.key.clone(), body);

    let volume: KubeVolume = match serde_path_to_error::deserialize(Value::Object(document)) {
        Ok(volume) => volume,
        Err(error) => {
            let at = locate(&entry.value, error.path().iter().skip(1));
            r.report(
                Diagnostic::error(
                    Code::InvalidRawVolume,
                    format!("invalid `{}` volume source: {}", entry.key, error.inner()),
                )
                .label(r.first_line(at.span), "here")
                .help(format!(
                    "write `{}` as the Kubernetes API reference describes it",
                    entry.key
                )),
            );
            return None;
        }
    };
    let echoed = serde_json::to_value(&volume).unwrap_or(Value::Null);
    compare(
        r,
        &entry.value,
        &echoed[entry.key.as_str()],
        &entry.key,
        entry.key_span,
    );
    Some(Box::new(RawVolume { source: volume }))
}

fn single_source<'n>(r: &mut Reader<'_>, node: &'n Node) -> Option<&'n Entry> {
    let Some(entries) = node.as_map() else {
        r.report(
            Diagnostic::error(
                Code::InvalidRawVolume,
                "a raw volume source must be a mapping",
            )
            .label(
                r.first_line(node.span),
                format!("this is {}", node.kind.describe()),
            )
            .help(SHAPE_HELP),
        );
        return None;
    };
    match entries {
        [entry] if SOURCES.contains(&entry.key.as_str()) => Some(entry),
        [entry] => {
            let mut diagnostic = Diagnostic::error(
                Code::InvalidRawVolume,
                format!("`{}` is not a Kubernetes volume source", entry.key),
            )
            .label(entry.key_span, "unknown volume source");
            diagnostic = match suggest::closest(&entry.key, SOURCES) {
                Some(hit) => diagnostic.suggest(hit),
                None => diagnostic.help(format!("use one of {}", suggest::one_of(SOURCES))),
            };
            r.report(diagnostic);
            None
        }
        [] => {
            r.report(
                Diagnostic::error(Code::InvalidRawVolume, "the raw volume source is empty")
                    .label(r.first_line(node.span), "no volume source")
                    .help(SHAPE_HELP),
            );
            None
        }
        [first, rest @ ..] => {
            let mut diagnostic = Diagnostic::error(
                Code::InvalidRawVolume,
                format!(
                    "a raw volume has {} sources; it takes exactly one",
                    entries.len()
                ),
            )
            .label(rest[0].key_span, "second volume source")
            .label(first.key_span, "first volume source");
            for extra in &rest[1..] {
                diagnostic = diagnostic.label(extra.key_span, "another volume source");
            }
            r.report(diagnostic.help("keep one source; declare another volume for the rest"));
            None
        }
    }
}

/// The node a deserialization error path points at (as deep as the path can be followed).
fn locate<'n, 'p>(
    mut node: &'n Node,
    path: impl Iterator<Item = &'p serde_path_to_error::Segment>,
) -> &'n Node {
    use serde_path_to_error::Segment;
    for segment in path {
        let next = match (segment, &node.kind) {
            (Segment::Map { key }, NodeKind::Map(_)) => node.get(key),
            (Segment::Seq { index }, NodeKind::Seq(items)) => items.get(*index),
            _ => None,
        };
        match next {
            Some(child) => node = child,
            None => break,
        }
    }
    node
}

/// Compares what was written (`input`) with its typed round trip (`echoed`). `head` is
/// where a missing field is reported: the key holding `input`.
fn compare(r: &mut Reader<'_>, input: &Node, echoed: &Value, path: &str, head: Span) {
    match (&input.kind, echoed) {
        (NodeKind::Map(entries), Value::Object(known)) => {
            for entry in entries {
                let child = format!("{path}.{}", entry.key);
                match known.get(&entry.key) {
                    Some(value) => compare(r, &entry.value, value, &child, entry.key_span),
                    None if entry.value.kind == NodeKind::Null => {}
                    None => r.report(
                        Diagnostic::error(
                            Code::UnknownField,
                            format!("unknown field `{}` in `{path}`", entry.key),
                        )
                        .label(entry.key_span, "not a field of this Kubernetes type")
                        .help(format!(
                            "check the field against the Kubernetes API reference for `{path}` (fields are camelCase there)"
                        )),
                    ),
                }
            }
            for key in known.keys().filter(|k| input.get(k).is_none()) {
                r.report(
                    Diagnostic::error(
                        Code::MissingField,
                        format!("missing field `{key}` in `{path}`"),
                    )
                    .label(head, format!("`{key}` is required here"))
                    .help(format!(
                        "add `{key}` to `{path}`; the Kubernetes API requires it"
                    )),
                );
            }
        }
        (NodeKind::Seq(items), Value::Array(known)) => {
            for (i, (item, value)) in items.iter().zip(known).enumerate() {
                let head = r.first_line(item.span);
                compare(r, item, value, &format!("{path}[{i}]"), head);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every listed source is a field of the Kubernetes `Volume` type.
    #[test]
    fn sources_are_volume_fields() {
        for source in SOURCES {
            let document = serde_json::json!({ "name": "v", *source: {} });
            let echoed = match serde_json::from_value::<KubeVolume>(document) {
                Ok(volume) => serde_json::to_value(volume).unwrap_or_default(),
                // Some sources have required fields; a "missing field" error proves the key is known.
                Err(e) => {
                    assert!(e.to_string().contains("missing field"), "{source}: {e}");
                    continue;
                }
            };
            assert!(
                echoed.get(source).is_some(),
                "{source} is not a Volume field"
            );
        }
    }
}
