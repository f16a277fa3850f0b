//! docs/step-file.md's key tables are held to the schema: each table of keys says which
//! schema tables it documents (`<!-- keys: containers[].ports[] -->` above it), and the keys
//! in its first column, with the keys a row lists for a small inline table (`table: `add`,
//! `drop``), must be the keys the schema declares there. Every table of the schema is
//! documented by some table, or is on the short list below of places the prose documents.

use std::collections::{BTreeMap, BTreeSet};

use super::agree::declared;

/// Schema tables documented in prose rather than by a table of their own.
const IN_PROSE: &[&str] = &[
    // "`resources` has two optional tables, `requests` and `limits`".
    "containers[].resources",
    // `[[patches]]` operations: RFC 6902's own words (`op`, `path`, `value`, `from`).
    "patches[].json[]",
];

/// Where a documented key table says it belongs, and the keys it documents at each place.
#[derive(Debug, Default)]
struct Documented {
    keys: BTreeMap<String, BTreeSet<String>>,
    problems: Vec<String>,
}

/// Reads the key tables of `text` (a markdown reference).
fn documented(text: &str) -> Documented {
    let mut out = Documented::default();
    let lines: Vec<&str> = text.lines().collect();
    let mut annotation: Option<(usize, Vec<String>)> = None;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if let Some(rest) = line.strip_prefix("<!-- keys:") {
            let paths = rest.trim_end_matches("-->").split_whitespace();
            annotation = Some((i + 1, paths.map(str::to_owned).collect()));
            i += 1;
            continue;
        }
        let is_key_table = (line.starts_with("| Key") || line.starts_with("| Handler"))
            && lines.get(i + 1).is_some_and(|l| l.starts_with("|--"));
        if !is_key_table {
            if !line.trim().is_empty() {
                annotation = None;
            }
            i += 1;
            continue;
        }
        let Some((_, paths)) = annotation.take() else {
            out.problems.push(format!(
                "docs/step-file.md:{}: a table of keys without a `<!-- keys: PATH -->` line above it that names the schema table it documents (`none` if it documents no step-file table)",
                i + 1
            ));
            i += 1;
            continue;
        };
        i += 2;
        while let Some(row) = lines.get(i).filter(|l| l.starts_with('|')) {
            if paths != ["none"] {
                for path in &paths {
                    let base = if path == "(top)" { "" } else { path.as_str() };
                    row_keys(base, row, &mut out.keys);
                }
            }
            i += 1;
        }
    }
    out
}

/// The keys of one table row: the backticked names in its first cell (a row for a
/// placeholder such as `<name>` documents data, not a key), and, where the type says
/// `table: ...` or `list of tables: ...`, the keys of that inline table.
fn row_keys(base: &str, row: &str, out: &mut BTreeMap<String, BTreeSet<String>>) {
    let cells: Vec<&str> = row.trim_matches('|').split(" | ").map(str::trim).collect();
    let Some(first) = cells.first().filter(|c| c.starts_with('`')) else {
        return;
    };
    let names = backticked(first);
    if names.iter().any(|n| n.contains('<')) {
        return;
    }
    for name in &names {
        // `items[].key` documents `key` in the table `items[]`.
        let (path, key) = match name.rsplit_once('.') {
            Some((inner, key)) => (join(base, inner), key.to_owned()),
            None => (base.to_owned(), name.clone()),
        };
        out.entry(path.clone()).or_default().insert(key.clone());
        let Some(kind) = cells.get(1) else { continue };
        let inline = [
            ("table: ", ""),
            ("table with one key, ", ""),
            ("list of tables: ", "[]"),
        ]
        .into_iter()
        .find_map(|(prefix, index)| kind.strip_prefix(prefix).map(|rest| (rest, index)));
        if let Some((rest, index)) = inline {
            let keys = backticked(rest);
            if !keys.is_empty() {
                let inner = format!("{}{index}", join(&path, &key));
                out.entry(inner).or_default().extend(keys);
            }
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn backticked(text: &str) -> Vec<String> {
    text.split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// Every way the reference and the schema disagree.
fn disagreements(text: &str, schema: &serde_json::Value) -> Vec<String> {
    let documented = documented(text);
    let declared = declared(schema);
    let mut problems = documented.problems;
    for (path, keys) in &documented.keys {
        let place = if path.is_empty() {
            "the top level"
        } else {
            path
        };
        let Some(schema_keys) = declared.get(path) else {
            problems.push(format!(
                "docs/step-file.md documents keys of `{place}`, which the schema does not declare as a table: fix the `<!-- keys: -->` line or the row"
            ));
            continue;
        };
        for key in keys.iter().filter(|k| !schema_keys.contains(*k)) {
            problems.push(format!(
                "docs/step-file.md documents `{place}.{key}`, which the schema does not declare: remove the row, or add the key (compiler/schema/ and compiler/read/)"
            ));
        }
        for key in schema_keys.iter().filter(|k| !keys.contains(*k)) {
            problems.push(format!(
                "`{place}.{key}` is in the schema but not in docs/step-file.md: add a row for it to the table of `{place}`"
            ));
        }
    }
    for path in declared.keys() {
        if !documented.keys.contains_key(path) && !IN_PROSE.contains(&path.as_str()) {
            problems.push(format!(
                "the schema's table `{path}` has no table in docs/step-file.md: add one, with a `<!-- keys: {path} -->` line above it"
            ));
        }
    }
    problems
}

fn reference() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/step-file.md");
    std::fs::read_to_string(path).expect("docs/step-file.md")
}

#[test]
fn the_reference_documents_exactly_the_keys_the_schema_declares() {
    let problems = disagreements(&reference(), &super::schema());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A row the schema does not have, and a schema key without a row, both fail the test above.
#[test]
fn a_docs_row_that_disagrees_is_caught() {
    let text = reference().replacen("| `host_port` |", "| `hostport` |", 1);
    let problems = disagreements(&text, &super::schema());
    assert_eq!(
        problems,
        [
            "docs/step-file.md documents `containers[].ports[].hostport`, which the schema does not declare: remove the row, or add the key (compiler/schema/ and compiler/read/)",
            "`containers[].ports[].host_port` is in the schema but not in docs/step-file.md: add a row for it to the table of `containers[].ports[]`",
        ]
    );
}
