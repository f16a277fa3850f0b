//! Inputs that once crashed kstep (found by fuzzing, see README "Fuzzing"), each kept as a
//! reproducer: the real binary must end with exit code 1 and a located diagnostic, never a
//! panic (exit code 101) or a signal.

mod support;

use std::fs;

use support::{kstep, run, stderr};

/// Runs `kstep COMMAND` on `contents` written as `name`; asserts exit 1, nothing written, and
/// that the diagnostics point into the file. Returns standard error.
fn fails_cleanly(command: &str, name: &str, contents: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    fs::write(&path, contents).unwrap();
    let out = dir.path().join("out");
    let mut cmd = kstep();
    cmd.arg(command).arg(&path);
    if command == "compile" {
        cmd.arg("-o").arg(&out);
    }
    let output = run(&mut cmd);
    let text = stderr(&output);
    assert_eq!(
        output.status.code(),
        Some(1),
        "{name}: exit code 1 expected (101 is a panic, none a signal):\n{text}"
    );
    assert!(!out.exists(), "{name}: output written despite errors");
    assert!(
        text.contains(&format!("{}:", path.display())),
        "{name}: no diagnostic located in the file:\n{text}"
    );
    assert!(!text.contains("panicked"), "{name}: {text}");
    text
}

fn compile_and_lint(name: &str, contents: &[u8]) -> String {
    fails_cleanly("lint", name, contents);
    fails_cleanly("compile", name, contents)
}

#[test]
fn an_empty_block_scalar_in_a_raw_volume() {
    // `x:` is not indented deeper than `raw`, so the block is empty and has an empty span;
    // mapping positions inside it indexed an empty line table.
    for contents in ["volumes:\n- raw: |\n  x:", "volumes:\n- raw: |\n  x:\n"] {
        let text = compile_and_lint("raw.yaml", contents.as_bytes());
        assert!(text.contains("kstep::invalid-raw-volume"), "{text}");
    }
}

#[test]
fn a_diagnostic_on_a_very_long_line() {
    // miette pads an underline to the label's column, and the formatter panics past 65,535.
    let entries: Vec<String> = (0..6_000).map(|i| format!("a{i} = \"x\"")).collect();
    let toml = format!(
        "[deployment]\nname = \"web\"\nannotations = {{ {}, bad = 1 }}\n",
        entries.join(", ")
    );
    assert!(toml.lines().nth(2).unwrap().len() > 65_536);
    let text = compile_and_lint("long.toml", toml.as_bytes());
    let column = toml.lines().nth(2).unwrap().find("1 }").unwrap() + 1;
    assert!(text.contains(&format!("long.toml:3:{column}]")), "{text}");
    assert!(text.contains("only columns"), "{text}");
    assert!(text.len() < 10_000, "a window, not the whole line: {text}");

    // A label over the whole of a long value, in YAML.
    let yaml = format!("deployment:\n  name: {}\n", "x".repeat(70_000));
    let text = compile_and_lint("long.yaml", yaml.as_bytes());
    assert!(text.contains("long.yaml:2:9]"), "{text}");
}

#[test]
fn a_template_error_at_a_multibyte_character() {
    // minijinja points at the first byte of `é`; the label must cover the whole character.
    let step = "[deployment]\nname = \"web\"\nannotations = { a = \"{{ vaérs }}\" }\n";
    let text = compile_and_lint("template.toml", step.as_bytes());
    assert!(text.contains("kstep::template-syntax"), "{text}");
    assert!(text.contains("template.toml:3:27]"), "{text}");
}
