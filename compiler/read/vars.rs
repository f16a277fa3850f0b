//! `[vars]` and `[env.<name>.vars]`: the variables a step declares, read before anything
//! else because every other value may be a template that uses them. Their values are plain
//! data, never templates.

use super::reader::Reader;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Environment, Spanned, StepVars, VarDecl};
use crate::source::Span;
use crate::syntax::{Node, NodeKind};

pub(super) fn read(r: &mut Reader<'_>, root: &Node) -> StepVars {
    let mut out = StepVars::default();
    let Some(entries) = root.as_map() else {
        return out;
    };
    for entry in entries {
        match entry.key.as_str() {
            "vars" => out.vars = declarations(r, &entry.value, "vars"),
            "env" => {
                out.env_key = Some(entry.key_span);
                out.environments = r.named_tables(&entry.value, "env", |r, name, mut t| {
                    let path = t.child_path("vars");
                    let vars = t
                        .optional(r, "vars", |r, node| Some(declarations(r, node, &path)))
                        .unwrap_or_default();
                    t.finish(r);
                    Some(Environment { name, vars })
                });
            }
            _ => {}
        }
    }
    out
}

/// A table of variables: `name = value`, or `name = { value = ..., sensitive = true }`. An
/// empty YAML value (`name:`) is an error (a forgotten value, most likely); `name: {}`
/// declares a variable without a value.
fn declarations(r: &mut Reader<'_>, node: &Node, path: &str) -> Vec<VarDecl> {
    let NodeKind::Map(entries) = &node.kind else {
        r.wrong_type(node, "a table of variables");
        return Vec::new();
    };
    let mut out = Vec::with_capacity(entries.len());
    for entry in entries {
        let name = Spanned::new(entry.key.clone(), entry.key_span);
        if let Err(problem) = check_name(&entry.key) {
            r.report(invalid_name(&entry.key, entry.key_span, problem));
            continue;
        }
        let decl = match &entry.value.kind {
            NodeKind::Map(_) => declaration(r, name, &entry.value, path),
            NodeKind::Null => {
                r.report(
                    Diagnostic::error(
                        Code::InvalidVariable,
                        format!("variable `{}` has an empty value", entry.key),
                    )
                    .label(entry.key_span, "no value")
                    .help(format!(
                        "give it a value, or declare it without one, to be given from outside \
                         the step: `{}: {{}}`",
                        entry.key
                    )),
                );
                Some(VarDecl {
                    name,
                    value: None,
                    value_span: None,
                    sensitive: false,
                    broken: true,
                })
            }
            _ => r.json(&entry.value).map(|value| VarDecl {
                name,
                value: Some(value),
                value_span: Some(entry.value.span),
                sensitive: false,
                broken: false,
            }),
        };
        out.extend(decl);
    }
    out
}

/// `{ value = ..., sensitive = true }`; without `value`, the value must come from outside.
fn declaration(
    r: &mut Reader<'_>,
    name: Spanned<String>,
    node: &Node,
    path: &str,
) -> Option<VarDecl> {
    let path = format!("{path}.{}", name.value);
    let mut t = r.table(node, path, name.span)?;
    let value_span = t.entry("value").map(|e| e.value.span);
    let value = t.optional(r, "value", Reader::json);
    let sensitive = t.optional(r, "sensitive", Reader::bool);
    t.finish(r);
    Some(VarDecl {
        name,
        value,
        value_span,
        sensitive: sensitive.is_some_and(|s| s.value),
        broken: false,
    })
}

/// Variable names are lowercase identifiers, so `KSTEP_VAR_<NAME>` maps to exactly one.
pub(crate) fn check_name(name: &str) -> Result<(), &'static str> {
    let mut chars = name.chars();
    match chars.next() {
        None => Err("it is empty"),
        Some(c) if !c.is_ascii_lowercase() => Err("it must start with a lowercase letter"),
        _ if chars.any(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')) => {
            Err("it may contain only lowercase letters, digits and `_`")
        }
        _ => Ok(()),
    }
}

/// A variable's name as written in a file (`key`, at `span`) is not one.
pub(crate) fn invalid_name(key: &str, span: Span, problem: &str) -> Diagnostic {
    Diagnostic::error(
        Code::InvalidVariable,
        format!("invalid variable name `{key}`: {problem}"),
    )
    .label(span, "not a variable name")
    .help(format!(
        "use a lowercase name such as `{}`",
        suggested_name(key)
    ))
}

/// `Image-Tag` → `image_tag`.
pub(crate) fn suggested_name(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if !out.starts_with(|c: char| c.is_ascii_lowercase()) {
        out.insert_str(0, "var_");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        assert!(check_name("image_tag2").is_ok());
        assert!(check_name("ImageTag").is_err());
        assert!(check_name("image-tag").is_err());
        assert!(check_name("2x").is_err());
        assert!(check_name("").is_err());
        assert_eq!(suggested_name("Image-Tag"), "image_tag");
        assert_eq!(suggested_name("2x"), "var_2x");
    }
}
