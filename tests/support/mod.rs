//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub(crate) mod cluster;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root; tests run kstep from here so paths in output are stable.
pub(crate) fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The `kstep` binary, run from the repository root without colour.
pub(crate) fn kstep() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kstep"));
    command
        .current_dir(root())
        .env_remove("NO_COLOR")
        .env_remove("COLUMNS")
        .arg("--color=never");
    // Variables from the environment running the tests must not reach kstep.
    for (key, _) in std::env::vars_os() {
        let name = key.to_string_lossy();
        if name.starts_with("KSTEP_VAR_") || name.starts_with("KSTEP_SENSITIVE_VAR_") {
            command.env_remove(&key);
        }
    }
    command
}

pub(crate) fn run(command: &mut Command) -> Output {
    command.output().expect("kstep runs")
}

pub(crate) fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Standard output, which must be UTF-8.
pub(crate) fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("utf-8 on standard output")
}

/// Writes `text` to `dir/name` and returns the path.
pub(crate) fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write a test file");
    path
}

/// The Python with the validator packages: `KSTEP_PYTHON`, or `.venv` (made by scripts/test).
/// Missing tools fail the test: CI must never skip validation silently.
pub(crate) fn python() -> PathBuf {
    if let Some(path) = std::env::var_os("KSTEP_PYTHON") {
        return PathBuf::from(path);
    }
    let venv = root().join(".venv/bin/python");
    assert!(
        venv.exists(),
        "the manifest validators are not installed: run `scripts/test` (it creates .venv with kubernetes-validate and PyYAML)"
    );
    venv
}

/// Every file below `dir`, as (path relative to `dir`, contents), sorted by path.
pub(crate) fn read_tree(dir: &Path) -> Vec<(String, String)> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).expect("readable dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                walk(base, &path, out);
            } else {
                let relative = path.strip_prefix(base).expect("inside base");
                let contents = std::fs::read_to_string(&path).expect("utf-8 output");
                out.push((relative.to_string_lossy().replace('\\', "/"), contents));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// A tree as one text: each file under a `--- path` header.
pub(crate) fn render_tree(files: &[(String, String)]) -> String {
    let mut text = String::new();
    for (path, contents) in files {
        text.push_str(&format!("--- {path}\n{contents}"));
        if !contents.ends_with('\n') {
            text.push('\n');
        }
    }
    text
}

/// Fixture files (.toml, .yaml, .yml) below `fixtures/`, sorted. Files in `inputs/`
/// directories are data that fixtures use (vars files), not fixtures.
pub(crate) fn fixtures() -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("fixtures dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                if path.file_name().is_some_and(|n| n != "inputs") {
                    walk(&path, out);
                }
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("toml" | "yaml" | "yml")
            ) && path.file_name().is_some_and(|n| n != "kstep.toml")
            {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&root().join("fixtures"), &mut out);
    out.sort();
    out
}

/// Fixtures below `fixtures/lint/` are run with `kstep lint`.
pub(crate) fn is_lint_fixture(path: &Path) -> bool {
    let parts: Vec<_> = path.components().map(|c| c.as_os_str()).collect();
    parts
        .windows(2)
        .any(|w| w[0] == "fixtures" && w[1] == "lint")
}

pub(crate) fn is_error_fixture(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.starts_with("err_"))
}

/// The command lines a fixture is compiled with: one per `# args: ...` comment line (a
/// valid fixture may have several, to show one step in several environments), or one
/// without options.
/// The strategies a fixture can be compiled with: those its `# strategies: ...` comment
/// names (a step whose settings only some strategies can carry out), else all three.
pub(crate) fn fixture_strategies(text: &str) -> Vec<String> {
    text.lines()
        .find_map(|line| line.trim_start().strip_prefix("# strategies:"))
        .map_or_else(
            || {
                ["recreate", "rolling-update", "blue-green"]
                    .map(str::to_owned)
                    .to_vec()
            },
            |words| words.split_whitespace().map(str::to_owned).collect(),
        )
}

pub(crate) fn fixture_args(text: &str) -> Vec<Vec<String>> {
    let sets: Vec<Vec<String>> = text
        .lines()
        .filter_map(|line| line.trim_start().strip_prefix("# args:"))
        .map(|args| args.split_whitespace().map(str::to_owned).collect())
        .collect();
    if sets.is_empty() {
        vec![Vec::new()]
    } else {
        sets
    }
}

/// A tiny deterministic generator (xorshift64*), for tests that want many varied cases that
/// are the same on every run.
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    /// A number below `n` (which is not 0).
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n
    }

    /// One of `items`.
    pub(crate) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}
