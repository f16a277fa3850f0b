//! A schema error in words: what the value at a key must be, said the way the step-file
//! reference says it ("must be an integer from 1 to 65535, or a template"), never a JSON
//! Schema keyword such as `anyOf`. An alternative says what each of its forms wanted.
//! `schema` is the root schema the error's `schema_path` points into.

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, ValidationError};
use serde_json::Value;

use super::values::TEMPLATE;

/// What the value must do, after "must": `be a string`, `be one of `a`, `b``.
pub(super) fn rule(schema: &Value, kind: &ValidationErrorKind) -> String {
    match kind {
        ValidationErrorKind::Type { kind } => format!("be {}", types(kind)),
        ValidationErrorKind::Enum { options } => format!("be {}", words(options)),
        ValidationErrorKind::Constant { expected_value } => {
            format!("be `{}`", plain(expected_value))
        }
        ValidationErrorKind::Minimum { limit } => format!("be at least {limit}"),
        ValidationErrorKind::Maximum { limit } => format!("be at most {limit}"),
        ValidationErrorKind::ExclusiveMinimum { limit } => format!("be more than {limit}"),
        ValidationErrorKind::ExclusiveMaximum { limit } => format!("be less than {limit}"),
        ValidationErrorKind::MinLength { limit } => format!("be at least {limit} characters"),
        ValidationErrorKind::MaxLength { limit } => format!("be at most {limit} characters"),
        ValidationErrorKind::MinItems { limit } => format!("have at least {limit} items"),
        ValidationErrorKind::MaxItems { limit } => format!("have at most {limit} items"),
        ValidationErrorKind::UniqueItems => "have no item twice".to_owned(),
        ValidationErrorKind::Pattern { pattern } if pattern == TEMPLATE => {
            "be a template".to_owned()
        }
        ValidationErrorKind::Pattern { pattern } => format!("match the pattern `{pattern}`"),
        ValidationErrorKind::Required { property } => format!("have `{}`", plain(property)),
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            format!("not have {}", quoted(unexpected))
        }
        ValidationErrorKind::PropertyNames { error } => {
            format!("have keys that {}", rule(schema, error.kind()))
        }
        ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context } => {
            alternatives(schema, context)
        }
        ValidationErrorKind::OneOfMultipleValid { .. } => {
            "take exactly one of its forms, not several".to_owned()
        }
        kind => format!("satisfy the schema's `{}` rule", kind.keyword()),
    }
}

/// The errors `error` stands for: an alternative (`anyOf`, `oneOf`) of which exactly one form
/// fits the value's type (a table for a table: `service` is a Service table or nothing)
/// stands for that form's own errors, at their own keys; anything else stands for itself.
pub(super) fn intended(error: ValidationError<'static>) -> Vec<ValidationError<'static>> {
    let depth = error.instance_path().segments().count();
    let fits = |errors: &Vec<ValidationError<'static>>| {
        errors.iter().all(|e| {
            e.instance_path().segments().count() > depth
                || matches!(
                    e.kind(),
                    ValidationErrorKind::AdditionalProperties { .. }
                        | ValidationErrorKind::Required { .. }
                        | ValidationErrorKind::AnyOf { .. }
                        | ValidationErrorKind::OneOfNotValid { .. }
                        | ValidationErrorKind::OneOfMultipleValid { .. }
                )
        })
    };
    let (ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context }) =
        error.kind()
    else {
        return vec![error];
    };
    let mut fitting = context
        .iter()
        .enumerate()
        .filter(|(_, errors)| fits(errors));
    let (Some((only, _)), None) = (fitting.next(), fitting.next()) else {
        return vec![error];
    };
    match error.into_parts().kind {
        ValidationErrorKind::AnyOf { mut context }
        | ValidationErrorKind::OneOfNotValid { mut context } => context
            .swap_remove(only)
            .into_iter()
            .flat_map(intended)
            .collect(),
        _ => Vec::new(),
    }
}

/// "be an integer, or be a template": what each alternative's first complaint asks for.
fn alternatives(schema: &Value, context: &[Vec<ValidationError<'static>>]) -> String {
    let mut forms: Vec<String> = Vec::new();
    for errors in context {
        // An alternative that failed deeper down (a table of the wrong shape) is described
        // by what it wanted at this place: its first complaint about the value itself.
        let Some(error) = errors
            .iter()
            .min_by_key(|e| e.instance_path().segments().count())
        else {
            continue;
        };
        let form = if is_template(schema, error) {
            "be a template".to_owned()
        } else if matches!(
            error.kind(),
            ValidationErrorKind::Type {
                kind: TypeKind::Single(JsonType::Null)
            }
        ) {
            // A step file never writes an empty value (YAML's `key:` is left out).
            continue;
        } else {
            rule(schema, error.kind())
        };
        if !forms.contains(&form) {
            forms.push(form);
        }
    }
    if forms.len() > 1 && forms.iter().all(|f| f.starts_with("be ")) {
        let things: Vec<String> = forms.iter().map(|f| f["be ".len()..].to_owned()).collect();
        return format!("be {}", either(&things));
    }
    match forms.as_slice() {
        [] => "take one of its forms".to_owned(),
        forms => either(forms),
    }
}

/// `a`, `a or b`, `a, b or c`.
fn either(things: &[String]) -> String {
    match things {
        [init @ .., last] if !init.is_empty() => format!("{} or {last}", init.join(", ")),
        _ => things.concat(),
    }
}

/// Whether `error` comes from the schema of a template (a string with template syntax).
fn is_template(schema: &Value, error: &ValidationError<'_>) -> bool {
    let location = error.schema_path().to_string();
    let parent = location.rsplit_once('/').map_or("", |(parent, _)| parent);
    schema
        .pointer(parent)
        .and_then(|s| s.get("pattern"))
        .is_some_and(|p| p == TEMPLATE)
}

fn types(kind: &TypeKind) -> String {
    let names: Vec<&str> = match kind {
        TypeKind::Single(one) => vec![article(*one)],
        TypeKind::Multiple(set) => set.iter().map(article).collect(),
    };
    either(&names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>())
}

fn article(kind: JsonType) -> &'static str {
    match kind {
        JsonType::Null => "empty",
        JsonType::Boolean => "a boolean",
        JsonType::Integer => "an integer",
        JsonType::Number => "a number",
        JsonType::String => "a string",
        JsonType::Array => "a list",
        JsonType::Object => "a table",
    }
}

/// `one of `a`, `b``, or `` `a` `` alone.
fn words(options: &Value) -> String {
    match options.as_array().map(Vec::as_slice) {
        Some([one]) => format!("`{}`", plain(one)),
        Some(all) => {
            let listed: Vec<String> = all.iter().map(|w| format!("`{}`", plain(w))).collect();
            format!("one of {}", listed.join(", "))
        }
        None => format!("one of {options}"),
    }
}

fn quoted(keys: &[String]) -> String {
    let listed: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
    listed.join(", ")
}

/// A value as a step file writes it: strings without JSON quotes.
fn plain(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
