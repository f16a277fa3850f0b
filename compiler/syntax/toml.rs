//! TOML text to a [`Node`] tree.
//!
//! `toml::de::DeTable` parses with recovery (several syntax errors per run) and gives byte
//! spans for every key and value; it rejects duplicate keys and limits its own recursion.
//! When the text has syntax errors they are all reported and no tree is returned: a recovered
//! tree holds guesses that would only produce misleading follow-up errors.

use serde_spanned::Spanned;
use toml::de::{DeTable, DeValue};

use super::node::{Entry, Node, NodeKind};
use super::{MAX_DEPTH, nesting_too_deep};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::source::{FileId, Span};

pub(super) fn parse(file: FileId, text: &str, diags: &mut Diagnostics) -> Option<Node> {
    if let Some(node) = super::toml_events::parse(file, text) {
        #[cfg(debug_assertions)]
        {
            let mut none = Diagnostics::default();
            let parsed = parse_with_toml(file, text, &mut none);
            assert!(
                none.is_empty(),
                "toml reports problems in a document built from events"
            );
            assert_eq!(
                parsed.as_ref(),
                Some(&node),
                "toml parses a document differently"
            );
        }
        return Some(node);
    }
    parse_with_toml(file, text, diags)
}

/// `text` parsed by `toml`: every document, with its messages for every error.
pub(super) fn parse_with_toml(file: FileId, text: &str, diags: &mut Diagnostics) -> Option<Node> {
    let (table, errors) = DeTable::parse_recoverable(text);
    if !errors.is_empty() {
        for error in errors {
            diags.push(syntax_error(file, text, &error));
        }
        return None;
    }
    let span = Span::new(file, 0, text.len());
    let mut convert = Convert {
        file,
        diags,
        too_deep_reported: false,
    };
    // The root table is the first level, as the root mapping is in YAML.
    Some(Node::new(convert.table(table.into_inner(), 1), span))
}

fn syntax_error(file: FileId, text: &str, error: &toml::de::Error) -> Diagnostic {
    let range = error.span().unwrap_or(0..0);
    let span = Span::new(file, range.start.min(text.len()), range.end.min(text.len()));
    let message = error.message().trim_end_matches('\n');
    if message == "duplicate key" {
        let key = text[span.range()].trim_matches(['"', '\'']);
        return Diagnostic::error(Code::DuplicateKey, format!("duplicate key `{key}`"))
            .label(span, "this key is already defined above")
            .help("remove one of the two definitions");
    }
    let help = unquoted_string(text, span.start as usize).unwrap_or_else(|| {
        "fix the TOML syntax here; kstep checks the rest of the file once it parses".to_owned()
    });
    Diagnostic::error(Code::SyntaxError, format!("invalid TOML: {message}"))
        .label(span, "here")
        .help(help)
}

/// When the error is in a value written without quotes (`image = nginx:1.27`, which TOML
/// reads as a broken number, or a template), says how to quote it.
fn unquoted_string(text: &str, offset: usize) -> Option<String> {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[offset..].find('\n').map_or(text.len(), |i| offset + i);
    let (key, value) = text[line_start..line_end].split_once('=')?;
    let value = value.split(" #").next()?.trim();
    let templated = value.contains("{{") || value.contains("{%");
    if templated && !value.starts_with(['"', '\'']) {
        return Some(format!(
            "a template is a string, so it needs quotes: {} = \"{}\"",
            key.trim(),
            value.replace('"', "'")
        ));
    }
    let looks_like_string = !value.is_empty()
        && !value.starts_with(['"', '\'', '[', '{'])
        && value.parse::<f64>().is_err()
        && !matches!(value, "true" | "false" | "inf" | "nan")
        && !value.contains(char::is_whitespace);
    looks_like_string.then(|| format!("TOML strings need quotes: {} = \"{value}\"", key.trim()))
}

struct Convert<'d> {
    file: FileId,
    diags: &'d mut Diagnostics,
    too_deep_reported: bool,
}

impl Convert<'_> {
    fn span(&self, range: std::ops::Range<usize>) -> Span {
        Span::new(self.file, range.start, range.end)
    }

    fn value(&mut self, value: Spanned<DeValue<'_>>, depth: usize) -> Node {
        let span = self.span(value.span());
        let kind = match value.into_inner() {
            DeValue::String(s) => NodeKind::Str(s.into_owned()),
            DeValue::Integer(i) => {
                match i64::from_str_radix(i.as_str(), i.radix()) {
                    Ok(n) => NodeKind::Int(n),
                    Err(_) => {
                        self.diags.push(
                        Diagnostic::error(Code::SyntaxError, "integer does not fit in 64 bits")
                            .label(span, "too large")
                            .help("use a number between -9223372036854775808 and 9223372036854775807"),
                    );
                        NodeKind::Invalid
                    }
                }
            }
            DeValue::Float(f) => f
                .as_str()
                .parse()
                .map_or_else(|_| NodeKind::Str(f.as_str().to_owned()), NodeKind::Float),
            DeValue::Boolean(b) => NodeKind::Bool(b),
            DeValue::Datetime(d) => NodeKind::Datetime(d.to_string()),
            DeValue::Array(_) | DeValue::Table(_) if depth >= MAX_DEPTH => self.too_deep(span),
            DeValue::Array(items) => NodeKind::Seq(
                items
                    .into_iter()
                    .map(|item| self.value(item, depth + 1))
                    .collect(),
            ),
            DeValue::Table(table) => self.table(table, depth + 1),
        };
        Node::new(kind, span)
    }

    fn table(&mut self, table: DeTable<'_>, depth: usize) -> NodeKind {
        let entries = table
            .into_iter()
            .map(|(key, value)| Entry {
                key_span: self.span(key.span()),
                key: key.into_inner().into_owned(),
                value: self.value(value, depth),
            })
            .collect();
        NodeKind::Map(entries)
    }

    fn too_deep(&mut self, span: Span) -> NodeKind {
        if !self.too_deep_reported {
            self.too_deep_reported = true;
            self.diags.push(nesting_too_deep(span));
        }
        NodeKind::Invalid
    }
}

#[cfg(test)]
mod tests {
    use super::unquoted_string;

    #[test]
    fn suggests_quotes_for_bare_words() {
        let text = "[deployment]\nimage = nginx:1.27   # a comment\n";
        assert_eq!(
            unquoted_string(text, 21).as_deref(),
            Some("TOML strings need quotes: image = \"nginx:1.27\"")
        );
        assert_eq!(unquoted_string("a = 08\n", 4), None);
        assert_eq!(unquoted_string("a = [1\n", 5), None);
    }
}
