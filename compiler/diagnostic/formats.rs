//! Diagnostics for machines: JSON (one object per line), SARIF 2.1.0 (for code scanning) and
//! GitHub workflow commands (annotations on a pull request).
//!
//! Codes are written as everywhere else, `kstep::<code>`, so one string finds a finding in any
//! format. Lines and columns are 1-based; columns count characters (Unicode scalar values), as in
//! the human rendering; byte offsets are given too. Spans end exclusive.

use serde_json::{Value, json};

use super::{Code, Diagnostic, Severity, Suggestion};
use crate::source::{SourceMap, Span};

/// Where a span is, for people and tools.
struct Place {
    file: String,
    start: (usize, usize),
    end: (usize, usize),
    bytes: (u32, u32),
}

impl Place {
    /// `file`, byte `range`, `start` and `end` as the JSON format writes them.
    fn json(&self) -> Value {
        json!({
            "file": self.file,
            "range": { "start": self.bytes.0, "end": self.bytes.1 },
            "start": { "line": self.start.0, "column": self.start.1 },
            "end": { "line": self.end.0, "column": self.end.1 },
        })
    }
}

/// The message, with the help on a line of its own: for formats that have one text field.
fn message_with_help(diagnostic: &Diagnostic) -> String {
    match &diagnostic.help {
        Some(help) => format!("{}\nhelp: {help}", diagnostic.message),
        None => diagnostic.message.clone(),
    }
}

/// The text a suggestion puts in place of its span: the replacement, in the quotes the
/// source has there (a quoted TOML or YAML value stays quoted).
pub(crate) fn inserted(suggestion: &Suggestion, sources: &SourceMap) -> String {
    let text = sources.get(suggestion.span.file).text();
    let written = text.get(suggestion.span.range()).unwrap_or_default();
    let quote = written.chars().next().filter(|q| *q == '"' || *q == '\'');
    match quote {
        Some(q) if written.len() >= 2 && written.ends_with(q) => {
            // JSON escaping is valid in TOML and YAML double-quoted strings; a single-quoted
            // string doubles its quotes (YAML) or has none to escape (TOML literal).
            if q == '"' {
                serde_json::Value::String(suggestion.replacement.clone()).to_string()
            } else {
                format!("'{}'", suggestion.replacement.replace('\'', "''"))
            }
        }
        _ => suggestion.replacement.clone(),
    }
}

fn place(span: Span, sources: &SourceMap) -> Place {
    let file = sources.get(span.file);
    Place {
        file: file.name(),
        start: file.line_col(span.start),
        end: file.line_col(span.end),
        bytes: (span.start, span.end),
    }
}

/// One JSON object per diagnostic, one per line.
pub fn json_lines(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        let mut object = json!({
            "code": diagnostic.code.to_string(),
            "severity": diagnostic.severity.word(),
            "message": diagnostic.message,
        });
        if let Some(span) = diagnostic.primary_span()
            && let (Value::Object(object), Value::Object(at)) =
                (&mut object, place(span, sources).json())
        {
            object.extend(at);
        }
        if let Some(help) = &diagnostic.help {
            object["help"] = json!(help);
        }
        if !diagnostic.notes.is_empty() {
            object["notes"] = json!(diagnostic.notes);
        }
        if !diagnostic.suggestions.is_empty() {
            object["suggestions"] = Value::Array(
                diagnostic
                    .suggestions
                    .iter()
                    .map(|s| {
                        let mut at = place(s.span, sources).json();
                        at["replacement"] = json!(inserted(s, sources));
                        at
                    })
                    .collect(),
            );
        }
        object["labels"] = Value::Array(
            diagnostic
                .labels
                .iter()
                .map(|label| {
                    let mut at = place(label.span, sources).json();
                    at["message"] = json!(label.message);
                    at
                })
                .collect(),
        );
        out.push_str(&object.to_string());
        out.push('\n');
    }
    out
}

/// A SARIF 2.1.0 log with one run; its rules are the codes reported.
pub fn sarif(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let mut codes: Vec<Code> = diagnostics.iter().map(|d| d.code).collect();
    codes.sort();
    codes.dedup();
    let rules: Vec<Value> = codes
        .iter()
        .map(|code| {
            let mut rule = json!({
                "id": code.to_string(),
                "shortDescription": { "text": code.summary() },
                "help": { "text": format!("kstep explain {code}") },
            });
            if code.is_lint_rule() {
                rule["defaultConfiguration"] = json!({ "level": code.severity().word() });
            }
            rule
        })
        .collect();
    let results: Vec<Value> = diagnostics
        .iter()
        .map(|diagnostic| {
            let index = codes.binary_search(&diagnostic.code).unwrap_or_default();
            // SARIF's levels are kstep's severity words.
            let mut result = json!({
                "ruleId": diagnostic.code.to_string(),
                "ruleIndex": index,
                "level": diagnostic.severity.word(),
                "message": { "text": message_with_help(diagnostic) },
            });
            if let Some(span) = diagnostic.primary_span() {
                let at = place(span, sources);
                result["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": { "uri": uri(&at.file) },
                        "region": {
                            "startLine": at.start.0,
                            "startColumn": at.start.1,
                            "endLine": at.end.0,
                            "endColumn": at.end.1,
                            "byteOffset": at.bytes.0,
                            "byteLength": at.bytes.1 - at.bytes.0,
                        }
                    }
                }]);
            }
            if !diagnostic.suggestions.is_empty() {
                result["fixes"] = Value::Array(
                    diagnostic
                        .suggestions
                        .iter()
                        .map(|s| {
                            let at = place(s.span, sources);
                            let text = inserted(s, sources);
                            json!({
                                "description": { "text": format!("replace with {text}") },
                                "artifactChanges": [{
                                    "artifactLocation": { "uri": uri(&at.file) },
                                    "replacements": [{
                                        "deletedRegion": {
                                            "startLine": at.start.0,
                                            "startColumn": at.start.1,
                                            "endLine": at.end.0,
                                            "endColumn": at.end.1,
                                        },
                                        "insertedContent": { "text": text },
                                    }],
                                }],
                            })
                        })
                        .collect(),
                );
            }
            result
        })
        .collect();
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "kstep",
                    "version": env!("CARGO_PKG_VERSION"),
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}

/// A relative path as a URI reference: `/` separators, unsafe characters percent-encoded.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for byte in path.replace('\\', "/").bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char);
            }
            _ => out.push_str(&format!("%{byte:02X}")),
        }
    }
    out
}

/// GitHub Actions workflow commands: `::error file=...,line=...,col=...::message`.
pub fn github(diagnostics: &[Diagnostic], sources: &SourceMap) -> String {
    let mut out = String::new();
    for diagnostic in diagnostics {
        let kind = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let mut properties = Vec::new();
        if let Some(span) = diagnostic.primary_span() {
            let at = place(span, sources);
            properties.push(format!("file={}", property(&at.file)));
            properties.push(format!("line={}", at.start.0));
            properties.push(format!("endLine={}", at.end.0));
            // Columns only make sense on one line.
            if at.start.0 == at.end.0 {
                properties.push(format!("col={}", at.start.1));
                properties.push(format!("endColumn={}", at.end.1));
            }
        }
        properties.push(format!("title={}", property(&diagnostic.code.to_string())));
        out.push_str(&format!(
            "::{kind} {}::{}\n",
            properties.join(","),
            data(&message_with_help(diagnostic))
        ));
    }
    out
}

/// Escaping of a workflow command's message.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of a workflow command's property value.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(data("50%\nnext"), "50%25%0Anext");
        assert_eq!(property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(uri("dir/my step.toml"), "dir/my%20step.toml");
    }
}
