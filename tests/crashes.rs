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
