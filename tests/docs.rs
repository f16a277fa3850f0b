//! The diagnostics docs stay true: every code has exactly one page and one row in the index,
//! and every example on a page still produces the output shown under it.
//!
//! A checked example is one or more complete step files, each a code block whose info string
//! names the file (```` ```toml file=web.toml ````), then a ```text block starting with
//! `kstep::`: the files are written to a temporary directory, compiled together, and kstep's
//! rendered diagnostics must be exactly the block. A text block may name command-line
//! options, comma-separated (```` ```text args=--env=prod,--vars-file=prod.yaml ````); files
//! those options name are not compiled as steps. `args=lint,...` runs `kstep lint` instead of
//! `kstep compile --stdout` (for the pages of lint rules), and `args=compile,...` runs
//! `kstep compile` writing files (for options that `--stdout` excludes, such as `-o`); a
//! `kstep.toml` file is the project's configuration, never a step. Other code blocks are illustrations and
//! are not run. Every page whose problem can be reproduced from text has at least one checked
//! example. Run with `KSTEP_UPDATE_DOCS=1` to rewrite the blocks from kstep's output.

mod support;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use kstep::diagnostic::Code;
use support::{kstep, root, run};

/// Examples that cannot be reproduced from Markdown text: a NUL byte or invalid UTF-8 cannot
/// be written in a code block, I/O errors need a missing file or a blocked directory, and an
/// internal error is a bug with no known trigger.
const NOT_REPRODUCIBLE: &[&str] = &[
    "invalid-deployment-id",
    "nul-byte",
    "invalid-utf8",
    "file-too-large",
    "io-error",
    "internal-error",
    // Needs over 200 problems in one file: tests/hostile.rs shows it.
    "too-many-diagnostics",
];

fn pages() -> BTreeSet<String> {
    fs::read_dir(root().join("docs/diagnostics"))
        .expect("docs/diagnostics exists")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .filter(|name| name != "README.md")
        .collect()
}

#[test]
fn every_code_has_one_page_and_one_index_row() {
    let expected: BTreeSet<String> = Code::ALL
        .iter()
        .map(|c| format!("{}.md", c.name()))
        .collect();
    let pages = pages();
    let missing: Vec<_> = expected.difference(&pages).collect();
    let extra: Vec<_> = pages.difference(&expected).collect();
    assert!(missing.is_empty(), "codes without a page: {missing:?}");
    assert!(extra.is_empty(), "pages without a code: {extra:?}");
    let index = fs::read_to_string(root().join("docs/diagnostics/README.md")).unwrap();
    for code in Code::ALL {
        let row = format!("[`kstep::{}`]({}.md)", code.name(), code.name());
        assert_eq!(
            index.matches(&row).count(),
            1,
            "index row for {}",
            code.name()
        );
        let page = fs::read_to_string(root().join(format!("docs/diagnostics/{}.md", code.name())))
            .unwrap();
        assert!(
            page.starts_with(&format!("# `kstep::{}`\n", code.name())),
            "{} page title",
            code.name()
        );
    }
}

#[test]
fn examples_show_real_output() {
    let update = std::env::var_os("KSTEP_UPDATE_DOCS").is_some();
    let mut checked = 0;
    let mut failures = Vec::new();
    for page in pages() {
        let path = root().join("docs/diagnostics").join(&page);
        let text = fs::read_to_string(&path).unwrap();
        let skip = NOT_REPRODUCIBLE
            .iter()
            .any(|code| page == format!("{code}.md"));
        let mut updated = text.clone();
        let examples = examples(&text);
        if examples.is_empty() && !skip {
            failures.push(format!(
                "{page}: no checked example (a ```toml file=NAME block followed by a ```text block)"
            ));
        }
        for example in examples {
            let actual = render(&example);
            checked += 1;
            if actual != example.output {
                if update {
                    // The block's text up to its closing fence, so that a short block
                    // cannot match the page's title.
                    let fenced = |text: &str| format!("{text}\n```");
                    updated = updated.replacen(&fenced(&example.output), &fenced(&actual), 1);
                } else {
                    failures.push(format!(
                        "{page}:\n--- shown\n{}\n--- kstep prints\n{actual}",
                        example.output
                    ));
                }
            }
        }
        if update && updated != text {
            fs::write(&path, updated).unwrap();
        }
    }
    assert!(
        failures.is_empty(),
        "stale examples (rerun with KSTEP_UPDATE_DOCS=1):\n{}",
        failures.join("\n")
    );
    assert!(checked >= 40, "only {checked} examples were checked");
}

struct Example {
    files: Vec<(String, String)>,
    args: Vec<String>,
    output: String,
}

/// The checked examples of a page, in order.
fn examples(text: &str) -> Vec<Example> {
    let mut out = Vec::new();
    let mut files: Vec<(String, String)> = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some(info) = line.strip_prefix("```") else {
            continue;
        };
        let mut block = String::new();
        for inner in lines.by_ref() {
            if inner == "```" {
                break;
            }
            block.push_str(inner);
            block.push('\n');
        }
        let lang = info.split_whitespace().next().unwrap_or_default();
        let attribute = |name: &str| {
            info.split_whitespace()
                .find_map(|w| w.strip_prefix(name).map(str::to_owned))
        };
        match (lang, attribute("file=")) {
            ("toml" | "yaml" | "json", Some(name)) => files.push((name, block)),
            ("text", _) if block.starts_with("kstep::") && !files.is_empty() => out.push(Example {
                files: std::mem::take(&mut files),
                args: attribute("args=")
                    .map(|a| a.split(',').map(str::to_owned).collect())
                    .unwrap_or_default(),
                output: block.trim_end().to_owned(),
            }),
            _ => {}
        }
    }
    out
}

/// kstep's rendered diagnostics for an example, without the closing summary line.
fn render(example: &Example) -> String {
    let dir = tempfile::tempdir().unwrap();
    for (name, contents) in &example.files {
        fs::write(dir.path().join(name), contents).unwrap();
    }
    let names: Vec<&Path> = example
        .files
        .iter()
        .map(|(n, _)| n)
        .filter(|n| *n != "kstep.toml")
        .filter(|n| !example.args.iter().any(|a| a.ends_with(&format!("={n}"))))
        .map(Path::new)
        .collect();
    // `args=lint,...` runs `kstep lint`, `args=compile,...` `kstep compile` without `--stdout`.
    let (command, args): (&[&str], &[String]) = match example.args.split_first() {
        Some((first, rest)) if first == "lint" => (&["lint"], rest),
        // `args=import` imports the files into a directory of its own.
        Some((first, rest)) if first == "import" => (&["import", "-o", "imported"], rest),
        Some((first, rest)) if first == "compile" => (&["compile"], rest),
        _ => (&["compile", "--stdout"], &example.args),
    };
    let output = run(kstep()
        .current_dir(dir.path())
        .args(command)
        .args(names)
        .args(args));
    String::from_utf8_lossy(&output.stderr)
        .lines()
        .filter(|l| !l.starts_with("kstep: "))
        .collect::<Vec<_>>()
        .join("\n")
        .trim_end()
        .to_owned()
}

/// Every `kstep::<code>` the documentation mentions is a real code.
#[test]
fn codes_named_in_the_docs_exist() {
    fn markdown(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                markdown(&path, out);
            } else if path.extension().is_some_and(|e| e == "md") {
                out.push(path);
            }
        }
    }
    let mut files = vec![root().join("README.md")];
    markdown(&root().join("docs"), &mut files);
    let mut unknown = Vec::new();
    for file in files {
        let text = fs::read_to_string(&file).unwrap();
        for (at, _) in text.match_indices("kstep::") {
            let name: String = text[at + "kstep::".len()..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
                .collect();
            let name = name.trim_end_matches('-');
            if !name.is_empty() && Code::from_name(name).is_none() {
                unknown.push(format!("{}: kstep::{name}", file.display()));
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "unknown codes in the docs: {unknown:#?}"
    );
}

/// Every code is reported somewhere in the compiler: a code nothing reports is a page that
/// promises a check kstep does not make.
#[test]
fn every_code_is_reported_by_the_compiler() {
    fn sources(dir: &Path, out: &mut String) {
        for entry in fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                sources(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs")
                && !path.ends_with("diagnostic/code.rs")
            {
                out.push_str(&fs::read_to_string(&path).unwrap());
            }
        }
    }
    let mut text = String::new();
    sources(&root().join("compiler"), &mut text);
    let unused: Vec<String> = Code::ALL
        .iter()
        .map(|code| format!("{code:?}"))
        .filter(|variant| {
            // As a whole identifier: `Code::InvalidLabel`, or `InvalidLabel` in a rule table.
            !text.match_indices(variant.as_str()).any(|(at, _)| {
                let word = |c: char| c.is_alphanumeric() || c == '_';
                !text[..at].ends_with(word) && !text[at + variant.len()..].starts_with(word)
            })
        })
        .collect();
    assert!(unused.is_empty(), "codes nothing reports: {unused:?}");
}

/// `kstep explain` prints each code's page as it is in the repository, with or without the
/// `kstep::` prefix.
#[test]
fn explain_prints_the_page_of_every_code() {
    for code in Code::ALL {
        let page = fs::read_to_string(
            root()
                .join("docs/diagnostics")
                .join(format!("{}.md", code.name())),
        )
        .unwrap();
        let output = run(kstep().args(["explain", &code.to_string()]));
        assert_eq!(output.status.code(), Some(0), "{code}");
        assert_eq!(String::from_utf8_lossy(&output.stdout), page, "{code}");
    }
    let output = run(kstep().args(["explain", "unused-volume"]));
    assert_eq!(output.status.code(), Some(0));
    assert!(output.stdout.starts_with(b"# `kstep::unused-volume`\n"));
}

#[test]
fn explain_an_unknown_code_suggests_close_ones() {
    let output = run(kstep().args(["explain", "kstep::no-readines-probe"]));
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "kstep: no diagnostic code `no-readines-probe`; did you mean `kstep::no-readiness-probe`?\n  \
         help: `kstep explain --list` lists every code\n"
    );
    let output = run(kstep().args(["explain", "unknown-feild"]));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&output.stderr).starts_with(
            "kstep: no diagnostic code `unknown-feild`; did you mean `kstep::unknown-field` or \
             `kstep::unknown-filter`?\n"
        ),
        "the nearest first"
    );
    let output = run(kstep().args(["explain", "no-such-thing"]));
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "kstep: no diagnostic code `no-such-thing`\n  help: `kstep explain --list` lists every code\n"
    );
    let output = run(kstep().args(["explain"]));
    assert_eq!(output.status.code(), Some(2), "a code or --list");
}

/// `kstep explain --list`: every code once, in its group, with the summary of the catalog, and
/// the groups agree with the severity column of the index.
#[test]
fn explain_lists_every_code_in_its_group() {
    let output = run(kstep().args(["explain", "--list"]));
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.starts_with("Errors: ") && text.ends_with("\n`kstep explain CODE` describes one.\n"),
        "{text}"
    );
    let rule = text
        .lines()
        .find(|l| l.starts_with("  kstep::latest-image-tag "))
        .expect("lint rules are listed");
    assert_eq!(
        rule.split_whitespace().take(3).collect::<Vec<_>>(),
        ["kstep::latest-image-tag", "warning", "an"],
        "lint rules with their level"
    );
    let index = fs::read_to_string(root().join("docs/diagnostics/README.md")).unwrap();
    let mut group = "";
    let mut listed = Vec::new();
    for line in text.lines() {
        if line.is_empty() || line.starts_with('`') {
            continue;
        }
        if !line.starts_with(' ') {
            group = line.split(':').next().unwrap_or_default();
            continue;
        }
        let name = line.split_whitespace().next().unwrap();
        let code = Code::from_name(name).unwrap_or_else(|| panic!("{name} is not a code"));
        assert!(line.ends_with(code.summary()), "{line}");
        listed.push(code);
        let row = index
            .lines()
            .find(|row| row.starts_with(&format!("| [`{code}`]")))
            .unwrap_or_else(|| panic!("no index row for {code}"));
        let severity = row.split('|').nth(2).unwrap_or_default().trim();
        let expected = match group {
            "Errors" => "error",
            "Warnings" => "warning",
            _ => "(lint rule)",
        };
        assert!(
            severity.starts_with(expected)
                || (group == "Lint rules" && severity.contains(expected)),
            "{code} is listed under {group}, the index says {severity}"
        );
    }
    let mut all = Code::ALL.to_vec();
    all.sort();
    listed.sort();
    assert_eq!(listed, all, "every code once");
}

/// The catalog owns each code's summary and severity: the index row, the page's first line
/// and its severity line, and the rules table of docs/lint.md say the same.
#[test]
fn the_index_and_the_pages_say_what_the_catalog_says() {
    let capitalized = |text: &str| {
        let mut chars = text.chars();
        chars
            .next()
            .map(|c| c.to_uppercase().collect::<String>() + chars.as_str())
            .unwrap_or_default()
    };
    let index = fs::read_to_string(root().join("docs/diagnostics/README.md")).unwrap();
    let lint = fs::read_to_string(root().join("docs/lint.md")).unwrap();
    let mut problems = Vec::new();
    for code in Code::ALL.iter().copied() {
        let name = code.name();
        let summary = capitalized(code.summary());
        let severity = code.severity().word();
        let row = index
            .lines()
            .find(|row| row.starts_with(&format!("| [`kstep::{name}`]")))
            .unwrap_or_default();
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let expected_severity = if code.is_lint_rule() {
            format!("{severity} (lint rule)")
        } else {
            severity.to_owned()
        };
        if cells
            .get(2)
            .is_none_or(|c| !c.starts_with(&expected_severity))
        {
            problems.push(format!(
                "docs/diagnostics/README.md: the row of {name} says `{}`, the catalog `{expected_severity}`",
                cells.get(2).unwrap_or(&"")
            ));
        }
        if cells.get(3) != Some(&summary.as_str()) {
            problems.push(format!(
                "docs/diagnostics/README.md: the row of {name} says `{}`, the catalog (compiler/diagnostic/code.rs) `{summary}`",
                cells.get(3).unwrap_or(&"")
            ));
        }
        let page = fs::read_to_string(root().join(format!("docs/diagnostics/{name}.md"))).unwrap();
        // The first paragraph, however it is wrapped.
        let first = page
            .lines()
            .skip(2)
            .take_while(|l| !l.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if first != format!("{summary}.") {
            problems.push(format!(
                "docs/diagnostics/{name}.md: its first line is `{first}`, the catalog says `{summary}.`"
            ));
        }
        let severity_line = page
            .lines()
            .find(|l| l.starts_with("**Severity:**"))
            .unwrap_or_default();
        if !severity_line.starts_with(&format!("**Severity:** {severity}")) {
            problems.push(format!(
                "docs/diagnostics/{name}.md: `{severity_line}`, the catalog says {severity}"
            ));
        }
        if code.is_lint_rule() {
            let rule = lint
                .lines()
                .find(|l| l.starts_with(&format!("| [`{name}`]")))
                .unwrap_or_default();
            if !rule
                .split('|')
                .nth(2)
                .is_some_and(|c| c.trim().starts_with(severity))
            {
                problems.push(format!(
                    "docs/lint.md: the rules table says `{rule}` for {name}, the catalog {severity}"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
