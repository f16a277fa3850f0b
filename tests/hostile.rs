//! Hostile input gets a diagnostic, never a panic, a stack overflow or unbounded work:
//! oversized files, deep nesting, alias bombs, invalid UTF-8, NUL bytes, terminal escape
//! sequences, floods of errors. Each case runs the real binary and checks the exit code and
//! the diagnostic code. (Speed is measured in `benches/`, not asserted here.)

mod support;

use std::fs;

use support::{kstep, run, stderr};

/// Compiles one generated file and returns (exit code, stderr).
fn compile(name: &str, contents: &[u8]) -> (Option<i32>, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    fs::write(&path, contents).unwrap();
    let output = run(kstep()
        .arg("compile")
        .arg(&path)
        .arg("-o")
        .arg(dir.path().join("out")));
    assert!(
        !dir.path().join("out").exists(),
        "{name}: output written despite errors"
    );
    (output.status.code(), stderr(&output))
}

fn assert_reports(name: &str, contents: &[u8], code: &str) -> String {
    let (status, text) = compile(name, contents);
    assert_eq!(
        status,
        Some(1),
        "{name} should fail with exit code 1 (a signal means a crash):\n{text}"
    );
    assert!(
        text.contains(&format!("kstep::{code}")),
        "{name} should report {code}:\n{text}"
    );
    text
}

#[test]
fn files_over_one_mebibyte_are_not_parsed() {
    let mut big = b"deployment:\n  name: web\n  annotations:\n    a: \"".to_vec();
    big.extend(std::iter::repeat_n(b'x', 1 << 20));
    big.extend(b"\"\n");
    let text = assert_reports("big.yaml", &big, "file-too-large");
    assert!(
        text.contains("kstep reads step files up to 1048576 bytes"),
        "{text}"
    );
}

#[test]
fn deep_nesting_is_cut_off_without_recursion() {
    let cases: Vec<(&str, String)> = vec![
        (
            "flow.yaml",
            format!("a: {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
        ),
        (
            "block.yaml",
            (0..200).map(|i| format!("{}a:\n", " ".repeat(i))).collect(),
        ),
        (
            "mixed.yaml",
            format!("a: {}1{}\n", "{b: [".repeat(50), "]}".repeat(50)),
        ),
        (
            "arrays.toml",
            format!("a = {}{}\n", "[".repeat(100_000), "]".repeat(100_000)),
        ),
        (
            "tables.toml",
            format!("a = {}1{}\n", "{ b = ".repeat(70), " }".repeat(70)),
        ),
        (
            "dotted.toml",
            format!("{} = 1\n", vec!["a"; 100_000].join(".")),
        ),
    ];
    for (name, text) in cases {
        let (status, output) = compile(name, text.as_bytes());
        assert_eq!(status, Some(1), "{name}:\n{output}");
        assert!(
            output.contains("kstep::nesting-too-deep") || output.contains("kstep::syntax-error"),
            "{name} should be cut off:\n{output}"
        );
    }
}

#[test]
fn alias_bombs_are_never_expanded() {
    let mut bomb = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for i in 1..=12 {
        let refs = vec![format!("*a{}", i - 1); 9].join(", ");
        bomb.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
    }
    let text = assert_reports("bomb.yaml", bomb.as_bytes(), "yaml-anchor");
    assert!(text.contains("YAML aliases are not supported"));
}

#[test]
fn yaml_graph_features_and_duplicate_keys_are_rejected() {
    assert_reports("tag.yaml", b"deployment: !!map\n  name: web\n", "yaml-tag");
    assert_reports(
        "merge.yaml",
        b"base: &b {name: web}\ndeployment:\n  <<: *b\n",
        "yaml-merge-key",
    );
    assert_reports(
        "dup.yaml",
        b"deployment:\n  name: a\n  name: b\n",
        "duplicate-key",
    );
    assert_reports(
        "dup.toml",
        b"[deployment]\nname = 'a'\nname = 'b'\n",
        "duplicate-key",
    );
    assert_reports(
        "docs.yaml",
        b"deployment: {name: a}\n---\ndeployment: {name: b}\n",
        "multiple-documents",
    );
    assert_reports("key.yaml", b"? [a, b]\n: c\n", "wrong-type");
}

#[test]
fn broken_encodings_point_at_the_bad_byte() {
    let text = assert_reports(
        "latin1.toml",
        b"[deployment]\nname = \"caf\xe9\"\n",
        "invalid-utf8",
    );
    assert!(text.contains("latin1.toml:2:12"), "{text}");
    let text = assert_reports("nul.yaml", b"deployment:\n  name: a\0b\n", "nul-byte");
    assert!(!text.contains('\0'), "a NUL byte reached the output");
    assert!(text.contains("nul.yaml:2:10"), "{text}");
    assert_reports("utf16.yaml", b"\xff\xfed\0e\0p\0", "invalid-utf8");
}

#[test]
fn terminal_escapes_in_the_source_are_not_printed() {
    // Escapes written as TOML escapes: the value holds them and messages quote it.
    let step = "[deployment]\nname = \"web\\u001b[2J\\u001b]0;pwned\\u0007\"\n";
    let text = assert_reports("escape.toml", step.as_bytes(), "invalid-name");
    assert!(
        text.contains(r"web\u{1b}[2J"),
        "the value is shown escaped:\n{text}"
    );
    // Raw escape characters in the file itself: shown as '?' in the source snippet.
    let step = "deployment:\n  name: web\u{1b}[31m\u{7}\n";
    let raw = assert_reports("raw.yaml", step.as_bytes(), "invalid-name");
    for output in [&text, &raw] {
        assert!(
            !output.contains('\u{1b}') && !output.contains('\u{7}'),
            "control characters reached the output:\n{output}"
        );
    }
}

#[test]
fn numbers_out_of_range_are_errors() {
    assert_reports(
        "big.yaml",
        b"deployment:\n  replicas: 99999999999999999999\n",
        "syntax-error",
    );
    assert_reports(
        "big.toml",
        b"[deployment]\nreplicas = 99999999999999999999\n",
        "syntax-error",
    );
}

#[test]
fn floods_of_errors_are_summarised() {
    let mut step = String::from("deployment:\n  name: web\n");
    for i in 0..20_000 {
        step.push_str(&format!("  unknown{i}: 1\n"));
    }
    let text = assert_reports("flood.yaml", step.as_bytes(), "unknown-field");
    // The first 200 by position, then one warning counting the rest.
    assert_eq!(text.matches("kstep::unknown-field").count(), 200);
    assert!(
        text.contains("19801 more problems in this file were not shown (19801 errors)"),
        "{}",
        &text[text.len() - 1200..]
    );
    assert!(
        text.ends_with("kstep: 200 errors, 1 warning; nothing was written\n"),
        "{}",
        &text[text.len() - 300..]
    );
}

#[test]
fn templates_cannot_run_away() {
    // Thousands of templates that each loop as long as they are let, one nested past the
    // template parser's limit, and one that builds a huge string.
    let mut text = String::from("[deployment]\nname = \"web\"\n\n[deployment.annotations]\n");
    let deep = format!("{}1{}", "(".repeat(10_000), ")".repeat(10_000));
    text.push_str(&format!("deep = \"{{{{ {deep} }}}}\"\n"));
    text.push_str("huge = \"{{ 'x' * 1000000000 }}\"\n");
    let runaway =
        "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}";
    for i in 0..5_000 {
        text.push_str(&format!("a{i} = \"{runaway}\"\n"));
    }
    text.push_str("\n[[containers]]\nname = \"web\"\nimage = \"nginx:1.27\"\n");
    let report = assert_reports("templates.toml", text.as_bytes(), "template-error");
    assert!(
        report.contains("this template does too much work"),
        "{report}"
    );
    assert!(
        report.contains("kstep::template-syntax"),
        "nested too deep: {report}"
    );
    assert!(
        report.contains("templates were not rendered: this file's templates used up their budget"),
        "{report}"
    );
}

/// A message names an invalid value cut short: a 65,000-character name is not printed whole
/// (the label still points at all of it).
#[test]
fn a_huge_invalid_value_is_cut_in_the_message() {
    let name = "a".repeat(65_000);
    let step = format!(
        "[deployment]\nname = \"web\"\n\n[[containers]]\nname = \"{name}\"\nimage = \"nginx:1.27\"\n"
    );
    let text = assert_reports("huge.toml", step.as_bytes(), "invalid-name");
    let message = text
        .lines()
        .find(|line| line.contains("invalid container name"))
        .expect("the message");
    assert!(message.contains("…`"), "{message}");
    assert!(message.chars().count() < 200, "{message}");
}
