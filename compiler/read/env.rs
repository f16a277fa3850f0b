//! A container's environment: `env` (a value, a ConfigMap or Secret key, a pod field or a
//! resource) and `env_from` (every key of a ConfigMap or Secret).

use super::reader::Reader;
use super::table::Table;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{EnvFrom, EnvSource, EnvVar};

const SOURCES: &[&str] = &["value", "config_map", "secret", "field", "resource"];

pub(super) fn read_env(r: &mut Reader<'_>, mut t: Table<'_>) -> Option<EnvVar> {
    let name = t.required(r, "name", Reader::string);
    let kind = t.one_of(r, SOURCES, "value source");
    // Every field any source takes is asked for, so that a field of another source is
    // reported as not applying rather than as unknown.
    let fields = ["key", "optional", "container", "divisor"].map(|f| (f, t.entry(f)));
    let applies: &[&str] = match kind {
        Some("config_map" | "secret") => &["key", "optional"],
        Some("resource") => &["container", "divisor"],
        _ => &[],
    };
    for (field, entry) in fields {
        let (Some(entry), Some(source)) = (entry, kind) else {
            continue;
        };
        if applies.contains(&field) {
            continue;
        }
        let (message, help) = match field {
            "key" | "optional" => (
                format!("`{field}` applies only to values from a `config_map` or `secret`"),
                format!("remove `{field}`, or take the value from a ConfigMap or Secret"),
            ),
            _ => (
                format!("`{field}` applies only to values from a `resource`"),
                format!("remove `{field}`"),
            ),
        };
        r.report(
            Diagnostic::error(Code::ConflictingFields, message)
                .label(entry.key_span, format!("not used with `{source}`"))
                .help(help),
        );
    }
    let value_of = |r: &mut Reader<'_>, field: &str| {
        fields
            .iter()
            .find(|(f, _)| *f == field)
            .and_then(|(_, e)| *e)
            .and_then(|e| r.string(&e.value))
    };
    let source = match kind {
        Some("value") => t.optional(r, "value", Reader::string).map(EnvSource::Value),
        Some("field") => t.optional(r, "field", Reader::string).map(EnvSource::Field),
        Some("resource") => {
            let container = value_of(r, "container");
            let divisor = fields[3].1.and_then(|e| r.quantity(&e.value));
            t.optional(r, "resource", Reader::string)
                .map(|resource| EnvSource::Resource {
                    resource,
                    container,
                    divisor,
                })
        }
        Some(from) => {
            let optional = fields[1].1.and_then(|e| r.bool(&e.value));
            let object = t.optional(r, from, Reader::string);
            let key = if fields[0].1.is_none() {
                t.missing(r, "key");
                None
            } else {
                value_of(r, "key")
            };
            match (object, key) {
                (Some(name), Some(key)) if from == "secret" => Some(EnvSource::Secret {
                    name,
                    key,
                    optional,
                }),
                (Some(name), Some(key)) => Some(EnvSource::ConfigMap {
                    name,
                    key,
                    optional,
                }),
                _ => None,
            }
        }
        None => None,
    };
    t.finish(r);
    Some(EnvVar {
        name: name?,
        source: source?,
    })
}

pub(super) fn read_env_from(r: &mut Reader<'_>, mut t: Table<'_>) -> Option<EnvFrom> {
    let kind = t.one_of(r, &["config_map", "secret"], "source");
    let name = kind.and_then(|k| t.optional(r, k, Reader::string));
    let prefix = t.optional(r, "prefix", Reader::string);
    let optional = t.optional(r, "optional", Reader::bool);
    t.finish(r);
    Some(EnvFrom {
        secret: kind == Some("secret"),
        name: name?,
        prefix,
        optional,
    })
}
