//! The neutral, spanned tree that TOML and YAML both become.
//!
//! Every value and every mapping key carries a byte-offset [`Span`], so later stages can
//! underline exactly the key (unknown field) or the value (bad value). Map entries keep their
//! source order. [`NodeKind::Invalid`] stands where the syntax stage already reported a problem
//! (an alias, a tag, a too-deep value), so readers skip it without reporting again.
//! [`NodeKind::Rendered`] replaces a string that was a template once the template stage has
//! rendered it: readers parse its text as the type they need, and refuse sensitive text
//! anywhere but in a Secret.

use crate::source::Span;

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Node {
    pub(crate) kind: NodeKind,
    pub(crate) span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum NodeKind {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(String),
    /// A TOML datetime, kept as written. Step files have no datetime fields.
    Datetime(String),
    Seq(Vec<Node>),
    Map(Vec<Entry>),
    /// A value already reported as broken by the syntax stage.
    Invalid,
    /// A string template, rendered; the span is still the template's.
    Rendered(Box<Rendered>),
}

/// What a templated string rendered to.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Rendered {
    pub(crate) text: String,
    /// The template as written (the string's value before rendering).
    pub(crate) template: String,
    /// The template used a sensitive variable: the text must not be shown, and may only
    /// fill a Secret.
    pub(crate) sensitive: bool,
    /// Where the variables it used came from, for messages: `vars.tag = "1.2" (--var)`.
    pub(crate) provenance: Vec<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Entry {
    pub(crate) key: String,
    pub(crate) key_span: Span,
    pub(crate) value: Node,
}

impl Node {
    pub(crate) fn new(kind: NodeKind, span: Span) -> Self {
        Node { kind, span }
    }

    pub(crate) fn as_map(&self) -> Option<&[Entry]> {
        match &self.kind {
            NodeKind::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The value of `key` in a map node.
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|e| e.key == key)
            .map(|e| &e.value)
    }
}

impl NodeKind {
    /// What the value is, for messages: "expected a string, found an integer".
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            NodeKind::Null => "an empty value",
            NodeKind::Bool(_) => "a boolean",
            NodeKind::Int(_) => "an integer",
            NodeKind::Float(_) => "a float",
            NodeKind::Str(_) | NodeKind::Rendered(_) => "a string",
            NodeKind::Datetime(_) => "a datetime",
            NodeKind::Seq(_) => "a list",
            NodeKind::Map(_) => "a table",
            NodeKind::Invalid => "an invalid value",
        }
    }
}
