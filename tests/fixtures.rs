//! Runs every fixture in `fixtures/` through the `kstep` binary.
//!
//! Valid fixtures snapshot their whole output directory; a TOML and a YAML fixture with the
//! same name must produce byte-identical output. `err_*` fixtures snapshot the rendered
//! diagnostics (no colour, 100 columns) and the exit code. In every fixture, comments
//! `# error: [code]` / `# warning: [code]` state the diagnostics expected on that line (or,
//! on a line of their own, on the next line with content); the harness checks that exactly
//! those are reported.

mod support;

use std::collections::BTreeMap;
use std::path::Path;

use kstep::diagnostic::Severity;
use kstep::driver::{self, CompileOptions};
use kstep::emit::Format;
use support::{is_error_fixture, kstep, render_tree, root, run, stderr};

#[test]
fn fixtures() {
    let fixtures = support::fixtures();
    // Expectations first, all of them: they say more than a snapshot diff.
    let failures: Vec<String> = fixtures
        .iter()
        .filter_map(|path| {
            let relative = path.strip_prefix(root()).expect("inside the repo");
            check_expectations(relative)
                .err()
                .map(|problem| format!("{}: {problem}", relative.display()))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "fixture expectations not met:\n{}",
        failures.join("\n")
    );

    let mut outputs: BTreeMap<String, (String, String)> = BTreeMap::new();
    for path in &fixtures {
        let relative = path.strip_prefix(root()).expect("inside the repo");
        let snapshot = if is_error_fixture(path) {
            error_snapshot(relative)
        } else {
            let output = valid_output(relative);
            let stem = relative.with_extension("").display().to_string();
            if let Some((other, first)) = outputs.get(&stem) {
                assert_eq!(
                    first,
                    &output,
                    "{} and {other} compile to different output",
                    relative.display()
                );
                continue;
            }
            outputs.insert(stem, (relative.display().to_string(), output.clone()));
            output
        };
        let name = relative
            .strip_prefix("fixtures")
            .expect("below fixtures")
            .display()
            .to_string()
            .replace('/', "__");
        insta::with_settings!({
            snapshot_path => root().join("snapshots"),
            prepend_module_to_snapshot => false,
            input_file => path,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, snapshot);
        });
    }
}

/// The output tree of a valid fixture, compiled into a temporary directory.
fn valid_output(fixture: &Path) -> String {
    let out = tempfile::tempdir().expect("temp dir");
    let output = run(kstep()
        .arg("compile")
        .arg(fixture)
        .arg("-o")
        .arg(out.path()));
    assert!(
        output.status.success(),
        "{} should compile:\n{}",
        fixture.display(),
        stderr(&output)
    );
    render_tree(&support::read_tree(out.path()))
}

/// Exit code and rendered diagnostics of an `err_*` fixture; it must write nothing.
fn error_snapshot(fixture: &Path) -> String {
    let out = tempfile::tempdir().expect("temp dir");
    let target = out.path().join("dist");
    let output = run(kstep().arg("compile").arg(fixture).arg("-o").arg(&target));
    assert!(
        !target.exists(),
        "{} wrote output despite errors",
        fixture.display()
    );
    format!(
        "exit code: {}\n{}",
        output.status.code().unwrap_or(-1),
        stderr(&output)
    )
}

/// Compares reported diagnostics with the fixture's `# error: [code]` comments.
fn check_expectations(fixture: &Path) -> Result<(), String> {
    let text = std::fs::read(root().join(fixture)).map_err(|e| e.to_string())?;
    let expected = expectations(&String::from_utf8_lossy(&text));
    let outcome = driver::compile(&CompileOptions {
        inputs: vec![root().join(fixture)],
        out_dir: root().join("target/unused"),
        stdout: true,
        format: Format::Yaml,
    });
    let mut actual: Vec<(usize, &'static str, String)> = outcome
        .diagnostics
        .iter()
        .map(|d| {
            let line = d.primary_span().map_or(0, |span| {
                outcome.sources.get(span.file).line_col(span.start).0
            });
            let severity = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            (line, severity, d.code.name().to_owned())
        })
        .collect();
    actual.sort();
    if is_error_fixture(fixture) && expected.is_empty() {
        return Err("an err_ fixture needs at least one `# error: [code]` comment".into());
    }
    if actual != expected {
        let show = |list: &[(usize, &str, String)]| {
            list.iter()
                .map(|(l, s, c)| format!("  line {l}: {s}: [{c}]"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        return Err(format!(
            "expected\n{}\nbut kstep reported\n{}",
            show(&expected),
            show(&actual)
        ));
    }
    Ok(())
}

/// `(line, severity, code)` of every `# error: [code]` / `# warning: [code]` comment.
fn expectations(text: &str) -> Vec<(usize, &'static str, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        for (marker, severity) in [("# error:", "error"), ("# warning:", "warning")] {
            let Some(at) = line.find(marker) else {
                continue;
            };
            let own_line = line[..at].trim().is_empty();
            let target = if own_line {
                (i + 1..lines.len())
                    .find(|&j| {
                        let t = lines[j].trim();
                        !t.is_empty() && !t.starts_with('#')
                    })
                    .unwrap_or(i)
            } else {
                i
            };
            for code in line[at + marker.len()..].split('[').skip(1) {
                let code = code.split(']').next().unwrap_or_default().trim();
                out.push((target + 1, severity, code.to_owned()));
            }
        }
    }
    out.sort();
    out
}
