//! The step file an import writes, as an ordered tree, and its two spellings: TOML and YAML.
//!
//! Keys keep the order they were set in (the order of docs/step-file.md), so the output reads
//! like a hand-written step. Strings are quoted wherever a reader could take them for
//! anything else (YAML 1.1's `no` and `0755` included), and text that looks like a template is
//! wrapped in `{% raw %}` so that kstep prints it as written.

use std::fmt::Write;

/// A value of the step file.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Item {
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    List(Vec<Item>),
    Table(Table),
}

/// A table: keys in the order they were set.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Table {
    pub(crate) entries: Vec<(String, Item)>,
}

impl Table {
    pub(crate) fn set(&mut self, key: impl Into<String>, item: impl Into<Item>) {
        let key = key.into();
        let item = item.into();
        match self.entries.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = item,
            None => self.entries.push((key, item)),
        }
    }

    /// Sets `key` unless `item` is an empty table or list.
    pub(crate) fn set_some(&mut self, key: impl Into<String>, item: impl Into<Item>) {
        let item = item.into();
        if !item.is_empty() {
            self.set(key, item);
        }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    pub(crate) fn get(&self, key: &str) -> Option<&Item> {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }
}

impl Item {
    fn is_empty(&self) -> bool {
        match self {
            Item::List(items) => items.is_empty(),
            Item::Table(table) => table.is_empty(),
            _ => false,
        }
    }
}

impl From<&str> for Item {
    fn from(s: &str) -> Item {
        Item::Str(s.to_owned())
    }
}

impl From<String> for Item {
    fn from(s: String) -> Item {
        Item::Str(s)
    }
}

impl From<i64> for Item {
    fn from(n: i64) -> Item {
        Item::Int(n)
    }
}

impl From<bool> for Item {
    fn from(b: bool) -> Item {
        Item::Bool(b)
    }
}

impl From<Table> for Item {
    fn from(t: Table) -> Item {
        Item::Table(t)
    }
}

impl From<Vec<Item>> for Item {
    fn from(items: Vec<Item>) -> Item {
        Item::List(items)
    }
}

/// Any JSON value as an item (`null` as an empty string: JSON values here come from fields
/// that cannot be null).
impl From<&serde_json::Value> for Item {
    fn from(value: &serde_json::Value) -> Item {
        use serde_json::Value;
        match value {
            Value::Null => Item::Str(String::new()),
            Value::Bool(b) => Item::Bool(*b),
            Value::Number(n) => match n.as_i64() {
                Some(i) => Item::Int(i),
                None => Item::Float(n.as_f64().unwrap_or_default()),
            },
            Value::String(s) => Item::Str(s.clone()),
            Value::Array(items) => Item::List(items.iter().map(Item::from).collect()),
            Value::Object(map) => Item::Table(Table {
                entries: map
                    .iter()
                    .map(|(k, v)| (k.clone(), Item::from(v)))
                    .collect(),
            }),
        }
    }
}

/// Text that minijinja would read as a template, wrapped so that it prints as written.
fn literal(text: &str) -> String {
    if ["{{", "{%", "{#"].iter().any(|t| text.contains(t)) {
        format!("{{% raw %}}{text}{{% endraw %}}")
    } else {
        text.to_owned()
    }
}

/// The longest line an inline TOML table or list may make.
const INLINE_WIDTH: usize = 100;

/// The step file as TOML, after `header` (comment lines).
pub(crate) fn to_toml(root: &Table, header: &str) -> String {
    let mut out = String::from(header);
    for (key, item) in &root.entries {
        match item {
            // A table of named tables (`config_maps`): a section per name.
            Item::Table(table)
                if !table.is_empty()
                    && table
                        .entries
                        .iter()
                        .all(|(_, i)| matches!(i, Item::Table(_))) =>
            {
                for (name, sub) in &table.entries {
                    if let Item::Table(sub) = sub {
                        toml_section(
                            &mut out,
                            &format!("{}.{}", toml_key(key), toml_key(name)),
                            sub,
                        );
                    }
                }
            }
            Item::Table(table) => toml_section(&mut out, &toml_key(key), table),
            Item::List(items)
                if !items.is_empty() && items.iter().all(|i| matches!(i, Item::Table(_))) =>
            {
                for item in items {
                    if let Item::Table(table) = item {
                        out.push('\n');
                        let _ = writeln!(out, "[[{}]]", toml_key(key));
                        let (lines, sections) = toml_body(table);
                        out.push_str(&lines);
                        for (sub_key, sub) in sections {
                            toml_section(
                                &mut out,
                                &format!("{}.{}", toml_key(key), toml_key(sub_key)),
                                sub,
                            );
                        }
                    }
                }
            }
            _ => {
                let _ = writeln!(out, "{} = {}", toml_key(key), toml_inline(item));
            }
        }
    }
    out
}

/// `[path]` and its body; no header when every key of the table is a section of its own.
fn toml_section(out: &mut String, path: &str, table: &Table) {
    let (lines, sections) = toml_body(table);
    if !lines.is_empty() || sections.is_empty() {
        out.push('\n');
        let _ = writeln!(out, "[{path}]");
        out.push_str(&lines);
    }
    for (key, sub) in sections {
        toml_section(out, &format!("{path}.{}", toml_key(key)), sub);
    }
}

/// The keys of a table that go under its header (scalars and what fits inline), and the
/// tables that do not fit, for sections `[path.key]` of their own.
fn toml_body(table: &Table) -> (String, Vec<(&String, &Table)>) {
    let mut out = String::new();
    let mut sections = Vec::new();
    for (key, item) in &table.entries {
        let inline = toml_inline(item);
        let width = key.len() + 3 + inline.len();
        match item {
            Item::Table(sub) if width > INLINE_WIDTH => sections.push((key, sub)),
            Item::List(items) if width > INLINE_WIDTH && !items.is_empty() => {
                let _ = writeln!(out, "{} = [", toml_key(key));
                for item in items {
                    let _ = writeln!(out, "  {},", toml_inline(item));
                }
                out.push_str("]\n");
            }
            _ => {
                let _ = writeln!(out, "{} = {inline}", toml_key(key));
            }
        }
    }
    (out, sections)
}

fn toml_inline(item: &Item) -> String {
    match item {
        Item::Str(s) => toml_string(&literal(s)),
        Item::Int(n) => n.to_string(),
        Item::Float(f) => {
            let text = f.to_string();
            if text.contains(['.', 'e', 'E']) || !f.is_finite() {
                text
            } else {
                format!("{text}.0")
            }
        }
        Item::Bool(b) => b.to_string(),
        Item::List(items) => {
            let parts: Vec<String> = items.iter().map(toml_inline).collect();
            format!("[{}]", parts.join(", "))
        }
        Item::Table(table) if table.is_empty() => "{}".to_owned(),
        Item::Table(table) => {
            let parts: Vec<String> = table
                .entries
                .iter()
                .map(|(k, v)| format!("{} = {}", toml_key(k), toml_inline(v)))
                .collect();
            format!("{{ {} }}", parts.join(", "))
        }
    }
}

fn toml_key(key: &str) -> String {
    if !key.is_empty()
        && key
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        key.to_owned()
    } else {
        basic_string(key)
    }
}

/// A TOML string: text of several lines as a multi-line literal string (`'''`) where it
/// can be one, anything else as a basic string with `"`, `\` and control characters escaped.
fn toml_string(text: &str) -> String {
    let literal_safe = text.contains('\n')
        && !text.contains("'''")
        && !text.ends_with('\'')
        && !text.contains('\r')
        && !text
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t');
    if literal_safe {
        // A newline right after the opening delimiter is not part of the string.
        return format!("'''\n{text}'''");
    }
    basic_string(text)
}

fn basic_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The step file as YAML, after `header` (comment lines).
pub(crate) fn to_yaml(root: &Table, header: &str) -> String {
    let mut out = String::from(header);
    for (i, (key, item)) in root.entries.iter().enumerate() {
        if i > 0 || !header.is_empty() {
            out.push('\n');
        }
        yaml_entry(&mut out, 0, key, item);
    }
    out
}

fn yaml_entry(out: &mut String, indent: usize, key: &str, item: &Item) {
    let pad = " ".repeat(indent);
    let key = yaml_scalar(key);
    match item {
        Item::Table(table) if !table.is_empty() => {
            let _ = writeln!(out, "{pad}{key}:");
            for (k, v) in &table.entries {
                yaml_entry(out, indent + 2, k, v);
            }
        }
        Item::List(items) if !items.is_empty() => {
            let _ = writeln!(out, "{pad}{key}:");
            yaml_list(out, indent + 2, items);
        }
        Item::Str(s) if s.contains('\n') => {
            let _ = writeln!(out, "{pad}{key}: {}", yaml_block(indent + 2, s));
        }
        _ => {
            let _ = writeln!(out, "{pad}{key}: {}", yaml_flow(item));
        }
    }
}

fn yaml_list(out: &mut String, indent: usize, items: &[Item]) {
    let pad = " ".repeat(indent);
    for item in items {
        match item {
            Item::Table(table) if !table.is_empty() => {
                let mut first = true;
                for (k, v) in &table.entries {
                    let mut entry = String::new();
                    yaml_entry(&mut entry, indent + 2, k, v);
                    if first {
                        // `- key: value` on the item's first line.
                        out.push_str(&pad);
                        out.push_str("- ");
                        out.push_str(&entry[indent + 2..]);
                        first = false;
                    } else {
                        out.push_str(&entry);
                    }
                }
            }
            Item::List(inner) if !inner.is_empty() => {
                let _ = writeln!(out, "{pad}-");
                yaml_list(out, indent + 2, inner);
            }
            Item::Str(s) if s.contains('\n') => {
                let _ = writeln!(out, "{pad}- {}", yaml_block(indent + 2, s));
            }
            _ => {
                let _ = writeln!(out, "{pad}- {}", yaml_flow(item));
            }
        }
    }
}

/// A scalar, or an empty table or list, on one line.
fn yaml_flow(item: &Item) -> String {
    match item {
        Item::Str(s) => yaml_scalar(&literal(s)),
        Item::Int(n) => n.to_string(),
        Item::Float(f) => toml_inline(&Item::Float(*f)),
        Item::Bool(b) => b.to_string(),
        Item::List(_) => "[]".to_owned(),
        Item::Table(_) => "{}".to_owned(),
    }
}

/// A multi-line string as a `|` block, or quoted when a block cannot hold it exactly.
fn yaml_block(indent: usize, text: &str) -> String {
    let text = literal(text);
    let trailing = text.len() - text.trim_end_matches('\n').len();
    let body = text.trim_end_matches('\n');
    let blockable = trailing <= 1
        && !body.starts_with([' ', '\t'])
        && !body
            .lines()
            .any(|l| l.ends_with([' ', '\t']) || l.contains('\r'))
        && !body
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t');
    if !blockable {
        return yaml_quoted(&text);
    }
    let pad = " ".repeat(indent);
    let mut out = String::from(if trailing == 1 { "|" } else { "|-" });
    for line in body.split('\n') {
        out.push('\n');
        if !line.is_empty() {
            out.push_str(&pad);
            out.push_str(line);
        }
    }
    out
}

/// A string plain where every YAML reader reads it back as the same string, else quoted.
fn yaml_scalar(text: &str) -> String {
    if plain_is_safe(text) {
        text.to_owned()
    } else {
        yaml_quoted(text)
    }
}

fn yaml_quoted(text: &str) -> String {
    // JSON string escaping is valid YAML double-quoted style.
    serde_json::Value::String(text.to_owned()).to_string()
}

/// Whether `text` reads back as this string, plain, under YAML 1.1 and 1.2 alike.
fn plain_is_safe(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    if !(first.is_ascii_alphabetic() || first == '/' || first == '.' || first == '_') {
        return false;
    }
    if !text
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_./=+@,()".contains(c) || c == ' ' || c == ':')
    {
        return false;
    }
    if text.ends_with([' ', ':']) || text.contains(": ") || text.contains(" #") {
        return false;
    }
    let lower = text.to_ascii_lowercase();
    let words = [
        "y", "n", "yes", "no", "on", "off", "true", "false", "null", "~", ".inf", ".nan", "-.inf",
    ];
    if words.contains(&lower.as_str()) || lower.starts_with(".inf") || lower.starts_with(".nan") {
        return false;
    }
    // Numbers and sexagesimals of YAML 1.1 (`1:30`) start with a digit, excluded above; a
    // leading '.' followed by a digit is a float.
    !(first == '.' && text[1..].starts_with(|c: char| c.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The text as kstep's TOML reader reads it.
    fn reads_back(text: &str) -> Option<crate::syntax::Node> {
        let mut sources = crate::source::SourceMap::default();
        let file = sources.add("step.toml".into(), text.into());
        let mut diags = crate::diagnostic::Diagnostics::default();
        crate::syntax::parse(file, text, crate::syntax::Format::Toml, &mut diags)
    }

    fn sample() -> Table {
        let mut deployment = Table::default();
        deployment.set("name", "web");
        deployment.set("replicas", 3);
        let mut container = Table::default();
        container.set("name", "web");
        container.set("image", "nginx:1.27");
        let mut port = Table::default();
        port.set("name", "http");
        port.set("port", 8080);
        container.set("ports", vec![Item::Table(port)]);
        let mut root = Table::default();
        root.set("deployment", deployment);
        root.set("containers", vec![Item::Table(container)]);
        root
    }

    #[test]
    fn toml_output_reads_back() {
        let text = to_toml(&sample(), "# imported\n");
        assert_eq!(
            text,
            "# imported\n\n[deployment]\nname = \"web\"\nreplicas = 3\n\n[[containers]]\nname = \"web\"\nimage = \"nginx:1.27\"\nports = [{ name = \"http\", port = 8080 }]\n"
        );
        assert!(reads_back(&text).is_some());
    }

    #[test]
    fn yaml_output() {
        let text = to_yaml(&sample(), "");
        assert_eq!(
            text,
            "deployment:\n  name: web\n  replicas: 3\n\ncontainers:\n  - name: web\n    image: nginx:1.27\n    ports:\n      - name: http\n        port: 8080\n"
        );
    }

    #[test]
    fn ambiguous_strings_are_quoted() {
        for text in [
            "no", "On", "0755", "1e3", "", " x", "a: b", "x #y", "~", "null", ".5",
        ] {
            assert!(!plain_is_safe(text), "{text}");
        }
        for text in ["web", "nginx", "ghcr.io/acme/web", "/healthz", "a b"] {
            assert!(plain_is_safe(text), "{text}");
        }
    }

    #[test]
    fn templates_stay_text() {
        assert_eq!(
            literal("{{ $labels.pod }}"),
            "{% raw %}{{ $labels.pod }}{% endraw %}"
        );
        assert_eq!(literal("plain"), "plain");
    }

    #[test]
    fn multi_line_strings_are_blocks() {
        let mut root = Table::default();
        root.set("data", "a = 1\nb = 2\n");
        assert_eq!(to_yaml(&root, ""), "data: |\n  a = 1\n  b = 2\n");
        assert_eq!(to_toml(&root, ""), "data = '''\na = 1\nb = 2\n'''\n");
        let tree = reads_back(&to_toml(&root, "")).unwrap();
        assert_eq!(
            tree.get("data").map(|n| &n.kind),
            Some(&crate::syntax::NodeKind::Str("a = 1\nb = 2\n".into()))
        );
    }
}
