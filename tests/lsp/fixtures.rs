//! Every fixture through the server: opened in an editor, each step file gets what
//! `kstep lint` reports for it (the same `(line, severity, code)` set), and so every
//! diagnostic its comments expect. The editor takes no values from outside the step, so a
//! fixture whose command line gives some (`--var`, a vars file, `--deployment-id`) is
//! left to the other tests; `--env` and `--strategy` are the server's settings.

use std::collections::BTreeSet;
use std::path::Path;

use kstep::diagnostic::Severity;
use kstep::driver::{self, LintOptions};
use kstep::template::VarOptions;
use serde_json::{Value, json};

use crate::client::Client;
use crate::support::{fixture_args, fixtures, root};

type Found = BTreeSet<(usize, &'static str, String)>;

/// Files that are no step to an editor (nothing at the top of them names a step's table):
/// the server leaves them alone, and `kstep lint`, told they are steps, reports that.
const NOT_STEPS: &[&str] = &["core/err_empty.yaml", "core/err_not_a_table.yaml"];

/// Lines where `kstep lint` reports a variable declared without a value, which the editor
/// takes as a placeholder (CI gives the value): `db_password = { sensitive = true }`.
const PLACEHOLDERS: &[(&str, usize)] = &[
    ("templates/err_undefined.toml", 17),
    ("templates/err_undefined.yaml", 25),
];

#[test]
fn every_fixture_gets_what_kstep_lint_reports() {
    let mut checked = 0;
    let mut problems = Vec::new();
    for path in fixtures() {
        let relative = path
            .strip_prefix(root().join("fixtures"))
            .expect("below fixtures")
            .display()
            .to_string();
        let text = String::from_utf8_lossy(&std::fs::read(&path).expect("readable")).into_owned();
        let args = fixture_args(&text).remove(0);
        let Some(settings) = settings(&args) else {
            continue;
        };
        let from_server = through_server(&path, &text, &settings);
        if NOT_STEPS.contains(&relative.as_str()) {
            if !from_server.is_empty() {
                problems.push(format!(
                    "{relative}: not a step to an editor, yet {from_server:?}"
                ));
            }
            continue;
        }
        checked += 1;
        let mut from_lint = through_lint(&path, &settings);
        for (fixture, line) in PLACEHOLDERS {
            if *fixture == relative {
                let placeholder = (*line, "error", "undefined-variable".to_owned());
                assert!(
                    from_lint.remove(&placeholder),
                    "{relative}: {placeholder:?}"
                );
            }
        }
        if from_server != from_lint {
            problems.push(format!(
                "{relative}:\n  kstep lint: {from_lint:?}\n  the server: {from_server:?}"
            ));
        }
        let missing: Vec<_> = expected(&text)
            .into_iter()
            .filter(|e| !from_server.contains(e))
            .filter(|(line, _, _)| !PLACEHOLDERS.contains(&(relative.as_str(), *line)))
            .collect();
        if !missing.is_empty() {
            problems.push(format!("{relative}: expected but not reported {missing:?}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(checked > 100, "only {checked} fixtures checked");
}

/// The server's settings for a fixture's command line; `None` when it gives values from
/// outside the step.
fn settings(args: &[String]) -> Option<Value> {
    let mut settings = json!({});
    for pair in args.chunks(2) {
        match pair {
            [flag, value] if flag == "--env" => settings["environment"] = json!(value),
            [flag, value] if flag == "--strategy" => settings["strategy"] = json!(value),
            _ => return None,
        }
    }
    Some(settings)
}

fn through_server(path: &Path, text: &str, settings: &Value) -> Found {
    let mut client = Client::start(json!({}), settings.clone());
    let uri = client.open(path, text);
    let found = client.latest(&uri).unwrap_or_default();
    client.shutdown();
    found
        .iter()
        .map(|d| {
            let line = d["range"]["start"]["line"].as_u64().unwrap_or_default() as usize + 1;
            let severity = match d["severity"].as_u64() {
                Some(1) => "error",
                Some(2) => "warning",
                _ => "note",
            };
            (
                line,
                severity,
                d["code"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

fn through_lint(path: &Path, settings: &Value) -> Found {
    let outcome = driver::lint(&LintOptions {
        inputs: vec![path.to_owned()],
        input_format: None,
        strategy: settings["strategy"].as_str().map(str::to_owned),
        deployment_id: None,
        vars: VarOptions {
            environment: settings["environment"].as_str().map(str::to_owned),
            ..VarOptions::default()
        },
        deny_warnings: false,
    })
    .outcome;
    outcome
        .diagnostics
        .iter()
        .map(|d| {
            let line = d.primary_span().map_or(1, |span| {
                outcome.sources.get(span.file).line_col(span.start).0
            });
            let severity = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Note => "note",
            };
            (line, severity, d.code.name().to_owned())
        })
        .collect()
}

/// The `(line, severity, code)` of every `# error: [code]` comment (as `tests/fixtures.rs`
/// reads them: a trailing comment means its line, one on its own line the next line with
/// content, `(+N)` N lines further down).
fn expected(text: &str) -> Found {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Found::new();
    for (i, line) in lines.iter().enumerate() {
        for (marker, severity) in [
            ("# error", "error"),
            ("# warning", "warning"),
            ("# note", "note"),
        ] {
            let Some(at) = line.find(marker) else {
                continue;
            };
            let rest = &line[at + marker.len()..];
            let (offset, rest) = match rest.strip_prefix("(+") {
                Some(r) => {
                    let (n, r) = r.split_once(')').expect("closed");
                    (Some(n.parse::<usize>().expect("a number")), r)
                }
                None => (None, rest),
            };
            let Some(codes) = rest.strip_prefix(':') else {
                continue;
            };
            let target = match offset {
                Some(n) => i + n,
                None if line[..at].trim().is_empty() => (i + 1..lines.len())
                    .find(|&j| {
                        let t = lines[j].trim();
                        !t.is_empty() && !t.starts_with('#')
                    })
                    .unwrap_or(i),
                None => i,
            };
            let codes = codes.split(" # ").next().unwrap_or_default();
            for code in codes.split('[').skip(1) {
                let code = code.split(']').next().unwrap_or_default().trim();
                out.insert((target + 1, severity, code.to_owned()));
            }
        }
    }
    out
}
