//! Schemas of the value kinds step files share: words from a fixed set, numbers and booleans
//! that may be templates, ports, counts and quantities.
//!
//! Any string value may be a template, and a template is a string even where the field
//! takes a number or a word (`replicas = "{{ vars.replicas }}"`), so those fields also take
//! a string that contains template syntax.

use std::borrow::Cow;
use std::marker::PhantomData;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};

use crate::model::Choice;

/// Template syntax, as a pattern: what makes a string a template.
pub(super) const TEMPLATE: &str = r"\{\{|\{%|\{#";

fn template() -> Schema {
    json_schema!({
        "type": "string",
        "pattern": TEMPLATE,
        "description": "a template that renders the value"
    })
}

/// One of [`Choice::WORDS`], or a template.
pub(super) struct Word<T>(PhantomData<T>);

impl<T: Choice + 'static> JsonSchema for Word<T> {
    fn schema_name() -> Cow<'static, str> {
        T::WHAT.replace(' ', "-").into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "anyOf": [{ "type": "string", "enum": T::WORDS }, template()] })
    }
}

/// A number or boolean (`T`), or a template that renders one.
pub(super) struct Templated<T>(PhantomData<T>);

impl<T: JsonSchema> JsonSchema for Templated<T> {
    fn schema_name() -> Cow<'static, str> {
        format!("Templated_{}", T::schema_name()).into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({ "anyOf": [generator.subschema_for::<T>(), template()] })
    }
}

/// A port: a number, or the name of a port.
pub(super) struct PortRef;

impl JsonSchema for PortRef {
    fn schema_name() -> Cow<'static, str> {
        "port".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "a port number, or the name of a port",
            "anyOf": [
                { "type": "integer", "minimum": 1, "maximum": 65535 },
                { "type": "string" }
            ]
        })
    }
}

/// A count of pods: a number, or a percentage.
pub(super) struct Count;

impl JsonSchema for Count {
    fn schema_name() -> Cow<'static, str> {
        "count".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "a number of pods, or a percentage of the replicas such as \"25%\"",
            "anyOf": [{ "type": "integer", "minimum": 0 }, { "type": "string" }]
        })
    }
}

/// A resource quantity: a string such as `"250m"`, or a number.
pub(super) struct Quantity;

impl JsonSchema for Quantity {
    fn schema_name() -> Cow<'static, str> {
        "quantity".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "description": "a Kubernetes quantity such as \"250m\", \"128Mi\" or \"1Gi\"",
            "anyOf": [{ "type": "string" }, { "type": "number" }]
        })
    }
}

/// Any value (variables, raw Kubernetes fields).
pub(super) struct Any;

impl JsonSchema for Any {
    fn schema_name() -> Cow<'static, str> {
        "any".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({})
    }
}
