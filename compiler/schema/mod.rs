//! The JSON Schema of step files, generated from types that describe the file's shape (with
//! a description and an example on every field), checked in as `schema/step.schema.json`
//! for editors, and printed by `kstep schema`.
//!
//! The reader is the authority on what a step file may say; the tests hold the schema to it
//! (`agree.rs`: the same keys at every path; `validate.rs`: every fixture validates, and
//! every unknown field the reader reports is a schema error too). kstep does not validate
//! against the schema at run time: building the validator cost four times a whole lint.

// The shape types exist only to be described; nothing builds them.
#![allow(dead_code)]

#[cfg(test)]
mod agree;
mod container;
mod network;
mod pod;
#[cfg(test)]
mod reference;
mod route;
#[cfg(test)]
mod rule;
mod scaling;
mod step;
#[cfg(test)]
mod validate;
mod values;
mod volume;
mod workload;

use std::borrow::Cow;
use std::sync::LazyLock;

use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::Value;

use crate::diagnostic::Code;
use crate::model::{Choice, Level};

/// The schema as JSON.
pub fn schema() -> Value {
    let settings = SchemaSettings::draft07();
    let schema = settings
        .into_generator()
        .into_root_schema_for::<step::StepFile>();
    schema.to_value()
}

/// The schema as `kstep schema` prints it and `schema/step.schema.json` holds it.
pub fn text() -> String {
    let mut text = serde_json::to_string_pretty(&schema()).unwrap_or_default();
    text.push('\n');
    text
}

/// `[lint]`: rule names to levels.
struct LintRules;

impl JsonSchema for LintRules {
    fn schema_name() -> Cow<'static, str> {
        "lint".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let rules: Vec<&str> = Code::lint_rules().map(Code::name).collect();
        json_schema!({
            "type": "object",
            "propertyNames": { "enum": rules },
            "additionalProperties": { "type": "string", "enum": Level::WORDS }
        })
    }
}

/// The schema, built once: the language server reads descriptions, types, examples and
/// allowed words from it.
pub(crate) fn shape() -> &'static Value {
    static SHAPE: LazyLock<Value> = LazyLock::new(schema);
    &SHAPE
}
