//! Completion: the keys valid at the cursor and not yet there, the allowed words of choice
//! fields, `true`/`false`, the names declared in the file where a reference is expected
//! (container ports, volumes, the step's ConfigMaps and Secrets, Service ports and names),
//! and variable names after `vars.` inside `{{ }}`.
//!
//! The buffer is usually broken while a key is typed (`nam` alone on a line is no TOML), so
//! where the cursor is comes from the text itself: in TOML the last table header and the
//! inline tables and arrays open before the cursor, in YAML the indentation of the lines
//! above. The names offered come from the document's last tree that parsed.

use lsp_types::{
    CompletionItem, CompletionItemKind, Documentation, InsertTextFormat, MarkupContent, MarkupKind,
};

use super::navigation::References;
use super::schema::{self, Segment};
use crate::syntax::Format;

/// What is being typed at the cursor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Mode {
    /// A key of the table at the path.
    Key,
    /// A TOML table header (`[containers.readiness]`): tables below the path.
    Header,
    /// The value of the key at the path.
    Value { quoted: bool },
    /// A variable name after `vars.` in a template.
    Variable,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Context {
    pub(crate) path: Vec<Segment>,
    pub(crate) mode: Mode,
    /// Keys the table already has (for [`Mode::Key`]).
    pub(crate) present: Vec<String>,
}

pub(crate) fn complete(
    text: &str,
    offset: usize,
    format: Format,
    references: Option<&References>,
) -> Vec<CompletionItem> {
    let context = context(text, offset, format);
    match &context.mode {
        Mode::Key | Mode::Header => keys(&context, format),
        Mode::Value { quoted } => values(&context, format, *quoted, references),
        Mode::Variable => references
            .map(|refs| {
                let mut names: Vec<&str> = refs
                    .definitions
                    .iter()
                    .filter(|d| d.kind == super::navigation::Kind::Var)
                    .map(|d| d.name.as_str())
                    .collect();
                names.dedup();
                names
                    .into_iter()
                    .map(|name| CompletionItem {
                        label: name.to_owned(),
                        kind: Some(CompletionItemKind::VARIABLE),
                        detail: Some("a variable of [vars]".to_owned()),
                        ..CompletionItem::default()
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn keys(context: &Context, format: Format) -> Vec<CompletionItem> {
    let mut items = Vec::new();
    for (key, key_schema) in schema::keys_at(&context.path) {
        if context.present.iter().any(|p| p == key) {
            continue;
        }
        let info = schema::info(key_schema, false);
        let is_table = info.types.iter().any(|t| t == "table" || t == "list");
        if context.mode == Mode::Header && !is_table {
            continue;
        }
        let mut path = context.path.clone();
        path.push(Segment::Key(key.to_owned()));
        let insert = match (&context.mode, format) {
            (Mode::Header, _) => key.to_owned(),
            (_, Format::Toml) => format!("{key} = "),
            (_, _) => format!("{key}: "),
        };
        items.push(CompletionItem {
            label: key.to_owned(),
            kind: Some(if is_table {
                CompletionItemKind::MODULE
            } else {
                CompletionItemKind::FIELD
            }),
            detail: (!info.types.is_empty()).then(|| info.types.join(" or ")),
            documentation: super::hover::key_doc(&path).map(markdown),
            insert_text: Some(insert),
            insert_text_format: Some(InsertTextFormat::PLAIN_TEXT),
            ..CompletionItem::default()
        });
    }
    items
}

fn values(
    context: &Context,
    format: Format,
    quoted: bool,
    references: Option<&References>,
) -> Vec<CompletionItem> {
    let mut items = Vec::new();
    let word = |text: &str| {
        if quoted || format == Format::Yaml {
            text.to_owned()
        } else {
            format!("\"{text}\"")
        }
    };
    if let Some(here) = schema::at(&context.path) {
        let info = schema::info(here, false);
        for allowed in &info.words {
            items.push(CompletionItem {
                label: allowed.clone(),
                kind: Some(CompletionItemKind::ENUM_MEMBER),
                insert_text: Some(word(allowed)),
                documentation: info.description.clone().map(markdown),
                ..CompletionItem::default()
            });
        }
        if !quoted && info.types.iter().any(|t| t == "boolean") {
            for value in ["true", "false"] {
                items.push(CompletionItem {
                    label: value.to_owned(),
                    kind: Some(CompletionItemKind::VALUE),
                    ..CompletionItem::default()
                });
            }
        }
    }
    if let Some(refs) = references {
        for name in refs.candidates(&context.path) {
            items.push(CompletionItem {
                label: name.to_owned(),
                kind: Some(CompletionItemKind::REFERENCE),
                detail: Some("declared in this step".to_owned()),
                insert_text: Some(word(name)),
                ..CompletionItem::default()
            });
        }
    }
    items
}

fn markdown(value: String) -> Documentation {
    Documentation::MarkupContent(MarkupContent {
        kind: MarkupKind::Markdown,
        value,
    })
}

/// Where the cursor is, read from the text.
pub(crate) fn context(text: &str, offset: usize, format: Format) -> Context {
    let offset = offset.min(text.len());
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    if in_variable(before) {
        return Context {
            path: Vec::new(),
            mode: Mode::Variable,
            present: Vec::new(),
        };
    }
    match format {
        Format::Toml => toml_context(text, offset),
        Format::Yaml | Format::Json => yaml_context(text, offset),
    }
}

/// Whether the cursor follows `vars.` (and a partial name) inside an open `{{` or `{%`.
fn in_variable(before: &str) -> bool {
    let name_start = before
        .rfind(|c: char| !(c.is_alphanumeric() || c == '_'))
        .map_or(0, |i| i + 1);
    let head = &before[..name_start];
    let open = head.rfind("{{").or_else(|| head.rfind("{%"));
    let closed = head.rfind("}}").or_else(|| head.rfind("%}"));
    head.ends_with("vars.") && open.is_some() && (closed.is_none() || closed < open)
}

/// The keys of a TOML header (`[a.b]`, `[[a]]`), unquoted.
fn header_keys(header: &str) -> Vec<String> {
    header
        .split('.')
        .map(|k| k.trim().trim_matches(|c| c == '"' || c == '\'').to_owned())
        .filter(|k| !k.is_empty())
        .collect()
}

/// A header's keys as a schema path: a key whose value is a list of tables stands for its
/// last element, as TOML reads `[containers.readiness]` after `[[containers]]`.
fn header_path(keys: &[String], array: bool) -> Vec<Segment> {
    let mut path = Vec::new();
    for (i, key) in keys.iter().enumerate() {
        path.push(Segment::Key(key.clone()));
        let last = i + 1 == keys.len();
        let is_list = schema::at(&path)
            .is_some_and(|s| schema::info(s, false).types.iter().any(|t| t == "list"));
        if is_list && (!last || array) {
            path.push(Segment::Item);
        }
    }
    path
}

/// A header line: `[...]` or `[[...]]` at the start of a line. Returns its keys and
/// whether it is an array of tables.
fn header(line: &str) -> Option<(Vec<String>, bool)> {
    let rest = line.strip_prefix('[')?;
    let (array, rest) = match rest.strip_prefix('[') {
        Some(rest) => (true, rest),
        None => (false, rest),
    };
    let end = rest.find(']')?;
    let inside = &rest[..end];
    if inside.contains(['=', '{', ',', '"']) && !inside.contains('.') && inside.contains('=') {
        return None;
    }
    Some((header_keys(inside), array))
}

fn toml_context(text: &str, offset: usize) -> Context {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let line = &text[line_start..offset];
    // The cursor inside a header.
    if line.starts_with('[') && !line.contains(']') && !line.contains('=') {
        let typed = line.trim_start_matches('[');
        let mut keys = header_keys(typed);
        if !typed.ends_with('.') {
            keys.pop();
        }
        return Context {
            // Every key typed is a parent of the one being typed.
            path: header_path(&keys, true),
            mode: Mode::Header,
            present: Vec::new(),
        };
    }
    // The section: the last header above the cursor's line.
    let mut section_start = 0;
    let mut path = Vec::new();
    let mut at = line_start;
    while at > 0 {
        let start = text[..at - 1].rfind('\n').map_or(0, |i| i + 1);
        if let Some((keys, array)) = header(&text[start..at - 1]) {
            section_start = at;
            path = header_path(&keys, array);
            break;
        }
        at = start;
    }
    let scanned = scan_toml(&text[section_start..offset], path);
    let mut present = scanned.present;
    if scanned.top_level {
        // Keys below the cursor in the same section count too.
        for rest in text[offset..].lines().skip(1) {
            if header(rest).is_some() {
                break;
            }
            if let Some((key, _)) = rest.split_once('=') {
                let key = key.trim();
                if !key.is_empty() && !key.starts_with('#') {
                    present.extend(header_keys(key).into_iter().take(1));
                }
            }
        }
    }
    Context {
        path: scanned.path,
        mode: scanned.mode,
        present,
    }
}

struct Scanned {
    path: Vec<Segment>,
    mode: Mode,
    present: Vec<String>,
    /// No inline table or array is open at the cursor.
    top_level: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    Table,
    Array,
}

/// Reads a TOML section up to the cursor: the inline tables and arrays open there, the
/// dotted key being typed, and whether a key or a value is expected.
fn scan_toml(section: &str, base: Vec<Segment>) -> Scanned {
    let mut path = base;
    // Each open bracket with the path length before it and the keys its table has.
    let mut frames: Vec<(Open, usize, Vec<String>)> = Vec::new();
    let mut present_top: Vec<String> = Vec::new();
    let mut pending: Vec<String> = Vec::new();
    let mut word = String::new();
    let mut expect_value = false;
    let mut chars = section.chars().peekable();
    let mut in_string: Option<char> = None;
    let mut string_is_value = false;
    let mut typed_string = String::new();
    while let Some(c) = chars.next() {
        if let Some(quote) = in_string {
            if c == '\\' && quote == '"' {
                chars.next();
            } else if c == quote {
                in_string = None;
                if !string_is_value {
                    pending.push(std::mem::take(&mut typed_string));
                }
            } else if !string_is_value {
                typed_string.push(c);
            }
            continue;
        }
        match c {
            '#' => {
                for c in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
                if frames.is_empty() {
                    expect_value = false;
                    pending.clear();
                    word.clear();
                }
            }
            '"' | '\'' => {
                in_string = Some(c);
                string_is_value = expect_value;
                typed_string.clear();
            }
            '=' => {
                if !word.is_empty() {
                    pending.push(std::mem::take(&mut word));
                }
                if let Some(first) = pending.first() {
                    match frames.last_mut() {
                        Some((_, _, present)) => present.push(first.clone()),
                        None => present_top.push(first.clone()),
                    }
                }
                expect_value = true;
            }
            '.' if !expect_value => {
                if !word.is_empty() {
                    pending.push(std::mem::take(&mut word));
                }
            }
            '{' if expect_value => {
                let before = path.len();
                if pending.is_empty() && matches!(frames.last(), Some((Open::Array, _, _))) {
                    path.push(Segment::Item);
                } else {
                    path.extend(pending.drain(..).map(Segment::Key));
                }
                frames.push((Open::Table, before, Vec::new()));
                expect_value = false;
            }
            '[' if expect_value => {
                let before = path.len();
                if pending.is_empty() && matches!(frames.last(), Some((Open::Array, _, _))) {
                    path.push(Segment::Item);
                } else {
                    path.extend(pending.drain(..).map(Segment::Key));
                }
                frames.push((Open::Array, before, Vec::new()));
            }
            '}' | ']' => {
                if let Some((_, before, _)) = frames.pop() {
                    path.truncate(before);
                }
                pending.clear();
                expect_value = matches!(frames.last(), Some((Open::Array, _, _)));
            }
            ',' => {
                pending.clear();
                word.clear();
                expect_value = matches!(frames.last(), Some((Open::Array, _, _)));
            }
            '\n' => {
                if frames.is_empty() {
                    expect_value = false;
                    pending.clear();
                }
                word.clear();
            }
            c if c.is_whitespace() => {
                if !expect_value && !word.is_empty() {
                    pending.push(std::mem::take(&mut word));
                }
            }
            c => {
                if !expect_value {
                    word.push(c);
                }
            }
        }
    }
    let top_level = frames.is_empty();
    let in_array = matches!(frames.last(), Some((Open::Array, _, _)));
    let present = frames
        .last()
        .map_or(present_top, |(_, _, present)| present.clone());
    if expect_value || in_string.is_some_and(|_| string_is_value) {
        if in_array && pending.is_empty() {
            path.push(Segment::Item);
        } else {
            path.extend(pending.into_iter().map(Segment::Key));
        }
        return Scanned {
            path,
            mode: Mode::Value {
                quoted: in_string.is_some(),
            },
            present,
            top_level,
        };
    }
    // A dotted key being typed: `readiness.ht|`.
    path.extend(pending.into_iter().map(Segment::Key));
    Scanned {
        path,
        mode: Mode::Key,
        present,
        top_level,
    }
}

/// One YAML line: the columns of its `- ` markers, its key and the key's column.
struct YamlLine<'a> {
    dashes: Vec<usize>,
    key: Option<&'a str>,
    key_col: usize,
    /// Whether something follows `key:` on the line.
    has_value: bool,
}

fn yaml_line(line: &str) -> YamlLine<'_> {
    let mut col = line.len() - line.trim_start().len();
    let mut dashes = Vec::new();
    let mut rest = &line[col..];
    loop {
        if let Some(after) = rest.strip_prefix("- ") {
            dashes.push(col);
            rest = after.trim_start();
            col = line.len() - rest.len();
        } else if rest == "-" {
            // A new element being started: its keys go two columns in.
            dashes.push(col);
            col += 2;
            rest = "";
        } else {
            break;
        }
    }
    let (key, has_value) = match rest.split_once(':') {
        Some((key, value))
            if !key.is_empty()
                && !key.starts_with('#')
                && (value.is_empty() || value.starts_with(' ')) =>
        {
            let value = value.trim();
            (
                Some(key.trim().trim_matches(|c| c == '"' || c == '\'')),
                !value.is_empty() && !value.starts_with('#'),
            )
        }
        _ => (None, false),
    };
    YamlLine {
        dashes,
        key,
        key_col: col,
        has_value,
    }
}

fn yaml_context(text: &str, offset: usize) -> Context {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    let current = yaml_line(before);
    let mut col = current.key_col;
    // The value of a key on this line: `key: va|`.
    let value_key = before
        .split_once(": ")
        .and(current.key)
        .filter(|_| current.key.is_some());
    let mut pending_dash = current.dashes.last().copied();
    let mut reversed: Vec<Segment> = Vec::new();
    let mut lines_above: Vec<&str> = text[..line_start].lines().collect();
    let mut present = Vec::new();
    let collecting = |present: &mut Vec<String>, line: &YamlLine<'_>| {
        if let Some(key) = line.key {
            present.push(key.to_owned());
        }
    };
    let mut siblings_done = false;
    while let Some(raw) = lines_above.pop() {
        let trimmed = raw.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let line = yaml_line(raw);
        if let Some(dash) = pending_dash {
            if line.dashes.last() == Some(&dash) && line.key_col > dash {
                // A sibling element of the same list.
                siblings_done = true;
                continue;
            }
            if line.key.is_some() && !line.has_value && line.key_col <= dash {
                reversed.push(Segment::Item);
                reversed.push(Segment::Key(line.key.unwrap_or_default().to_owned()));
                col = line.key_col;
                pending_dash = line.dashes.last().copied().filter(|d| *d + 2 <= col);
                siblings_done = true;
            }
            continue;
        }
        if line.key_col == col && line.key.is_some() {
            if !siblings_done {
                collecting(&mut present, &line);
            }
            if let Some(&dash) = line.dashes.last() {
                // The first line of the element we are in.
                pending_dash = Some(dash);
            }
            continue;
        }
        if line.key_col < col && line.key.is_some() && !line.has_value {
            reversed.push(Segment::Key(line.key.unwrap_or_default().to_owned()));
            col = line.key_col;
            pending_dash = line.dashes.last().copied();
            siblings_done = true;
        }
    }
    reversed.reverse();
    let mut path = reversed;
    // Keys after the cursor at the same column, until the block ends.
    for raw in text[offset..].lines().skip(1) {
        let trimmed = raw.trim_start();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let line = yaml_line(raw);
        if line.key_col < current.key_col || !line.dashes.is_empty() {
            break;
        }
        if line.key_col == current.key_col {
            collecting(&mut present, &line);
        }
    }
    match value_key {
        Some(key) => {
            path.push(Segment::Key(key.to_owned()));
            let quoted = before
                .split_once(": ")
                .is_some_and(|(_, v)| v.starts_with('"') || v.starts_with('\''));
            Context {
                path,
                mode: Mode::Value { quoted },
                present,
            }
        }
        None => Context {
            path,
            mode: Mode::Key,
            present,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at_cursor(text: &str, format: Format) -> Context {
        let offset = text.find('|').expect("a cursor");
        let text = text.replacen('|', "", 1);
        context(&text, offset, format)
    }

    fn path(context: &Context) -> String {
        super::super::tree::dotted(&context.path)
    }

    #[test]
    fn toml_cursors_know_their_table() {
        let cases = [
            (
                "[deployment]\nname = \"web\"\nrep|",
                "deployment",
                Mode::Key,
            ),
            (
                "[[containers]]\nname = \"web\"\n|",
                "containers[]",
                Mode::Key,
            ),
            (
                "[[containers]]\n[containers.readiness]\nht|",
                "containers[].readiness",
                Mode::Key,
            ),
            (
                "[[containers]]\npull_policy = \"|",
                "containers[].pull_policy",
                Mode::Value { quoted: true },
            ),
            (
                "[[containers]]\nports = [{ name = \"http\", |",
                "containers[].ports[]",
                Mode::Key,
            ),
            (
                "[[containers]]\nvolume_mounts = [{ volume = |",
                "containers[].volume_mounts[].volume",
                Mode::Value { quoted: false },
            ),
            (
                "[[containers]]\nreadiness.http.|",
                "containers[].readiness.http",
                Mode::Key,
            ),
            ("[contai|", "", Mode::Header),
            ("[containers.|", "containers[]", Mode::Header),
            ("image = \"web:{{ vars.|", "", Mode::Variable),
            ("|", "", Mode::Key),
        ];
        for (text, expected, mode) in cases {
            let found = at_cursor(text, Format::Toml);
            assert_eq!(
                (path(&found).as_str(), &found.mode),
                (expected, &mode),
                "{text}"
            );
        }
        let found = at_cursor(
            "[deployment]\nname = \"web\"\n|\nreplicas = 2\n[pod]\nx = 1\n",
            Format::Toml,
        );
        assert_eq!(found.present, ["name", "replicas"]);
    }

    #[test]
    fn yaml_cursors_know_their_mapping() {
        let cases = [
            ("deployment:\n  name: web\n  rep|", "deployment", Mode::Key),
            (
                "containers:\n- name: web\n  ima|",
                "containers[]",
                Mode::Key,
            ),
            (
                "containers:\n  - name: web\n    readiness:\n      ht|",
                "containers[].readiness",
                Mode::Key,
            ),
            (
                "containers:\n- name: web\n  pull_policy: |",
                "containers[].pull_policy",
                Mode::Value { quoted: false },
            ),
            (
                "containers:\n- name: web\n  volume_mounts:\n  - volume: |",
                "containers[].volume_mounts[].volume",
                Mode::Value { quoted: false },
            ),
            (
                "containers:\n- name: a\n  image: x\n- name: b\n  ports:\n  - name: http\n    port: 80\n  |",
                "containers[]",
                Mode::Key,
            ),
            (
                "service:\n  ports:\n  - name: web\n    |",
                "service.ports[]",
                Mode::Key,
            ),
        ];
        for (text, expected, mode) in cases {
            let found = at_cursor(text, Format::Yaml);
            assert_eq!(
                (path(&found).as_str(), &found.mode),
                (expected, &mode),
                "{text}"
            );
        }
        let found = at_cursor(
            "containers:\n- name: a\n  image: x\n- name: b\n  |\n  ports: []\n",
            Format::Yaml,
        );
        assert_eq!(found.present, ["name", "ports"]);
    }
}
