//! The bad-input corpus: every file below `tests/corpus/` (syntax, schema, API rules,
//! cross-references, templates, injection attempts; TOML and YAML) must be refused, one test
//! per file (a custom harness, libtest-mimic, makes them at run time).
//!
//! Each file's second line, `# expect: code-a code-b`, lists every code kstep reports for it
//! (written by `tests/corpus/generate.py`, which makes the files). For each file the test runs
//! `kstep compile` and asserts: exit code 1; exactly the expected codes; every error located
//! (file, line, column); nothing written to the output directory; and done in well under a
//! second (asserted only against a generous 5 s, so a busy machine is no failure; the time is
//! printed with `--nocapture`).

mod support;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use support::{kstep, root, run, stderr};

fn main() {
    let arguments = libtest_mimic::Arguments::from_args();
    let mut files = Vec::new();
    collect(&root().join("tests/corpus"), &mut files);
    assert!(files.len() >= 250, "only {} corpus files", files.len());
    let trials = files
        .into_iter()
        .map(|path| {
            let name = path
                .strip_prefix(root().join("tests/corpus"))
                .unwrap()
                .display()
                .to_string();
            libtest_mimic::Trial::test(name, move || check(&path).map_err(Into::into))
        })
        .collect();
    libtest_mimic::run(&arguments, trials).exit();
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, out);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("toml" | "yaml")
        ) {
            out.push(path);
        }
    }
}

/// The codes on the file's `# expect:` line.
fn expected(bytes: &[u8]) -> Result<BTreeSet<String>, String> {
    let header = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).into_owned();
    let line = header
        .lines()
        .find_map(|l| l.strip_prefix("# expect:"))
        .ok_or("no `# expect:` line")?;
    Ok(line.split_whitespace().map(str::to_owned).collect())
}

fn check(path: &Path) -> Result<(), String> {
    let expect = expected(&std::fs::read(path).unwrap())?;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let started = Instant::now();
    let output = run(kstep()
        .arg("compile")
        .arg(path)
        .arg("-o")
        .arg(&out)
        .args(["--message-format", "json"]));
    let took = started.elapsed();
    let stdout = String::from_utf8_lossy(&output.stdout);
    if output.status.code() != Some(1) {
        return Err(format!(
            "exit code {:?}, not 1:\n{stdout}{}",
            output.status.code(),
            stderr(&output)
        ));
    }
    if out.exists() {
        return Err("something was written to the output directory".into());
    }
    let shown = path
        .strip_prefix(root())
        .unwrap_or(path)
        .display()
        .to_string();
    let mut codes = BTreeSet::new();
    for line in stdout.lines().filter(|l| !l.trim().is_empty()) {
        let diagnostic: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("{e}: {line}"))?;
        let code = diagnostic["code"].as_str().unwrap_or_default();
        codes.insert(code.trim_start_matches("kstep::").to_owned());
        if diagnostic["severity"] == "error" {
            let file = diagnostic["file"].as_str().unwrap_or_default();
            let line_no = diagnostic["start"]["line"].as_u64().unwrap_or(0);
            let column = diagnostic["start"]["column"].as_u64().unwrap_or(0);
            if !file.ends_with(&shown) || line_no == 0 || column == 0 {
                return Err(format!("an error without a location in the file: {line}"));
            }
        }
    }
    if codes != expect {
        return Err(format!("expected {expect:?}, got {codes:?}:\n{stdout}"));
    }
    if took > Duration::from_secs(5) {
        return Err(format!("took {took:?}"));
    }
    println!("{shown}: {} ms", took.as_millis());
    Ok(())
}
