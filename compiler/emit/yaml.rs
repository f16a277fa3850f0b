//! A YAML writer that a YAML 1.1 reader (kubectl) reads back exactly.
//!
//! serde YAML emitters write some strings plain that YAML 1.1 re-types (`no`, `on`, `y`,
//! `0755`, `1e3`, `12:30`). Here a string is written plain only when it starts with a letter
//! or `/`, holds only letters, digits and `-_./`, and is not one of YAML 1.1's boolean or null
//! words; every other string is double-quoted with escapes. Keys follow the same rule. Block
//! style, sequences flush with their key, as kubectl writes them.

use serde_json::Value;
use std::fmt::Write;

/// One document, without a leading `---`, ending with a newline.
pub(crate) fn to_yaml(value: &Value) -> String {
    let mut out = String::with_capacity(2048);
    match value {
        Value::Object(map) if !map.is_empty() => write_map(&mut out, map, 0),
        Value::Array(items) if !items.is_empty() => write_seq(&mut out, items, 0),
        scalar => {
            write_scalar(&mut out, scalar);
            out.push('\n');
        }
    }
    out
}

fn indent(out: &mut String, width: usize) {
    out.extend(std::iter::repeat_n(' ', width));
}

fn write_map(out: &mut String, map: &serde_json::Map<String, Value>, width: usize) {
    for (i, (key, value)) in map.iter().enumerate() {
        // The first key of a map inside a sequence item follows the "- " on its line.
        if i > 0 || !out.ends_with("- ") {
            indent(out, width);
        }
        write_string(out, key);
        out.push(':');
        write_nested(out, value, width);
    }
}

fn write_seq(out: &mut String, items: &[Value], width: usize) {
    for (i, item) in items.iter().enumerate() {
        if i > 0 || !out.ends_with("- ") {
            indent(out, width);
        }
        out.push_str("- ");
        match item {
            Value::Object(map) if !map.is_empty() => write_map(out, map, width + 2),
            Value::Array(inner) if !inner.is_empty() => write_seq(out, inner, width + 2),
            scalar => {
                write_scalar(out, scalar);
                out.push('\n');
            }
        }
    }
}

/// The value after `key:`.
fn write_nested(out: &mut String, value: &Value, width: usize) {
    match value {
        Value::Object(map) if !map.is_empty() => {
            out.push('\n');
            write_map(out, map, width + 2);
        }
        Value::Array(items) if !items.is_empty() => {
            out.push('\n');
            write_seq(out, items, width);
        }
        scalar => {
            out.push(' ');
            write_scalar(out, scalar);
            out.push('\n');
        }
    }
}

fn write_scalar(out: &mut String, value: &Value) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => {
            let _ = write!(out, "{n}");
        }
        Value::String(s) => write_string(out, s),
        Value::Array(_) => out.push_str("[]"),
        Value::Object(_) => out.push_str("{}"),
    }
}

fn write_string(out: &mut String, s: &str) {
    if is_plain_safe(s) {
        out.push_str(s);
    } else {
        write_quoted(out, s);
    }
}

/// Words YAML 1.1 reads as booleans or null (compared case-insensitively).
const YAML11_WORDS: &[&str] = &["y", "n", "yes", "no", "true", "false", "on", "off", "null"];

fn is_plain_safe(s: &str) -> bool {
    let bytes = s.as_bytes();
    !bytes.is_empty()
        && (bytes[0].is_ascii_alphabetic() || bytes[0] == b'/')
        && bytes
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/'))
        && !YAML11_WORDS.iter().any(|w| w.eq_ignore_ascii_case(s))
}

/// A double-quoted scalar. Escapes quotes, backslashes, control characters and the
/// characters YAML treats as line breaks or does not allow in a stream.
fn write_quoted(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{0}'..='\u{1f}'
            | '\u{7f}'..='\u{9f}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{feff}'
            | '\u{fffe}'
            | '\u{ffff}' => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn block_layout() {
        let value = json!({
            "kind": "Deployment",
            "spec": {"containers": [{"name": "web", "args": ["a", "b"], "ports": [{"containerPort": 80}]}], "empty": {}},
        });
        assert_eq!(
            to_yaml(&value),
            "kind: Deployment\nspec:\n  containers:\n  - args:\n    - a\n    - b\n    name: web\n    ports:\n    - containerPort: 80\n  empty: {}\n"
        );
    }

    #[test]
    fn ambiguous_strings_are_quoted() {
        for s in [
            "yes", "No", "on", "OFF", "y", "~", "null", "0755", "1e3", "12:30", "0x1F", "1_000",
            "", " a", "a: b", "-x", ".inf", "@x", "a#b",
        ] {
            let out = to_yaml(&json!(s));
            assert!(out.starts_with('"'), "{s:?} written as {out}");
        }
        for s in [
            "web",
            "apps/v1",
            "app.kubernetes.io/name",
            "TCP",
            "v1.2",
            "/healthz",
        ] {
            assert_eq!(to_yaml(&json!(s)), format!("{s}\n"));
        }
    }

    #[test]
    fn escapes() {
        assert_eq!(
            to_yaml(&json!("a\"b\\c\nd\u{85}e\u{2028}")),
            "\"a\\\"b\\\\c\\nd\\u0085e\\u2028\"\n"
        );
        assert_eq!(to_yaml(&json!({"yes": "é"})), "\"yes\": \"é\"\n");
    }
}
