//! `kstep lint` and the machine-readable message formats as a user runs them: exit codes,
//! `--deny warnings`, where each format goes, SARIF that code scanning accepts, and that lint
//! never writes anything. What each rule reports is in the fixtures (`fixtures/lint/`).

mod support;

use std::fs;
use std::path::Path;
use std::process::Output;

use serde_json::Value;
use support::{kstep, root, run, stderr, stdout};

/// A step with a warning from compile's checks (`unused-volume`), warnings from lint rules
/// (`latest-image-tag`, `no-liveness-probe`), a note (`secure-default-opt-out`) and a
/// character before the spans that is wider than one byte.
const STEP: &str = r#"# Zürich
[step]
namespace = "shop"

[deployment]
name = "web"
replicas = 2

[pod]
spread = "nodes"

[[volumes]]
name = "cache"
empty_dir = {}

[[containers]]
name = "web"
image = "ghcr.io/acme/web:latest"
ports = [{ name = "http", port = 8080 }]
resources = { requests = { cpu = "100m", memory = "128Mi" }, limits = { memory = "256Mi" } }
security = { run_as_user = 10001, read_only_root_filesystem = true, capabilities = { add = ["NET_BIND_SERVICE"] } }
readiness = { http = { path = "/ready", port = "http" } }
"#;

/// A step with an error: lint reports it like compile does.
const BROKEN: &str = "[deployment]\nname = \"Web\"\n\n[[containers]]\nname = \"web\"\nimage = \"ghcr.io/acme/web:1.4.2\"\n";

fn lint_in(dir: &Path, files: &[(&str, &str)], args: &[&str]) -> Output {
    for (name, text) in files {
        fs::write(dir.join(name), text).expect("write step file");
    }
    let names = files
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| *name != "kstep.toml");
    run(kstep().current_dir(dir).arg("lint").args(names).args(args))
}

fn lint(files: &[(&str, &str)], args: &[&str]) -> Output {
    let dir = tempfile::tempdir().unwrap();
    lint_in(dir.path(), files, args)
}

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({ snapshot_path => root().join("snapshots"), prepend_module_to_snapshot => true }, {
        insta::assert_snapshot!(name, text);
    });
}

#[test]
fn warnings_and_notes_pass_and_deny_warnings_fails() {
    let output = lint(&[("web.toml", STEP)], &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stderr(&output);
    assert!(
        text.ends_with("kstep: 0 errors, 3 warnings, 1 note\n"),
        "{text}"
    );
    assert!(output.stdout.is_empty());

    let output = lint(&[("web.toml", STEP)], &["--deny", "warnings"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stderr(&output);
    // Warnings become errors; notes stay notes.
    assert!(
        text.ends_with("kstep: 3 errors, 0 warnings, 1 note\n"),
        "{text}"
    );
    assert!(
        text.contains("  × container `web` has no liveness probe"),
        "{text}"
    );
}

#[test]
fn a_clean_step_says_so() {
    let step = fs::read_to_string(root().join("fixtures/lint/clean.toml")).unwrap();
    let output = lint(
        &[
            ("clean.toml", &step),
            ("again.toml", &step.replace("lint-clean", "lint-again")),
        ],
        &[],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "kstep: 2 step files linted: no problems\n");
    assert!(output.stdout.is_empty());
}

#[test]
fn errors_fail_the_lint_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let output = lint_in(dir.path(), &[("web.toml", BROKEN)], &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stderr(&output);
    assert!(text.contains("kstep::invalid-name"), "{text}");
    assert!(
        text.ends_with(
            "kstep: 1 error, 0 warnings; the lint rules run once the errors are fixed\n"
        ),
        "{text}"
    );
    let left: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(left, ["web.toml"], "lint writes nothing");

    let output = lint_in(dir.path(), &[("web.toml", STEP)], &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(!dir.path().join("dist").exists(), "lint writes nothing");
}

#[test]
fn lint_levels_from_kstep_toml_apply_to_steps_below_it() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("steps")).unwrap();
    fs::write(
        dir.path().join("kstep.toml"),
        "[lint]\nlatest-image-tag = \"deny\"\nno-liveness-probe = \"allow\"\n",
    )
    .unwrap();
    let output = lint_in(&dir.path().join("steps"), &[("web.toml", STEP)], &[]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stderr(&output);
    assert!(
        text.contains("  × the image of container `web` is tagged `latest`"),
        "{text}"
    );
    assert!(!text.contains("no-liveness-probe"), "{text}");
    assert!(
        text.ends_with("kstep: 1 error, 1 warning, 1 note\n"),
        "{text}"
    );
}

#[test]
fn json_lines_one_object_per_diagnostic_on_stdout() {
    let output = lint(&[("web.toml", STEP)], &["--message-format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "", "machine formats print no summary");
    let text = stdout(&output);
    let objects: Vec<Value> = text
        .lines()
        .map(|line| serde_json::from_str(line).expect("each line is one JSON object"))
        .collect();
    assert_eq!(objects.len(), 4, "{text}");
    // Columns count characters; byte offsets count bytes (`ü` is two).
    let tag = &objects
        .iter()
        .find(|o| o["code"] == "kstep::latest-image-tag")
        .expect("latest-image-tag reported");
    assert_eq!(tag["file"], "web.toml");
    assert_eq!(tag["start"]["line"], 18);
    assert_eq!(tag["start"]["column"], 9);
    let start = STEP.find("\"ghcr.io/acme/web:latest\"").unwrap();
    assert_eq!(tag["range"]["start"], start);
    snapshot("json", &text);
}

#[test]
fn sarif_is_valid_against_the_sarif_2_1_0_schema() {
    let levels = |files: &[(&str, &str)], args: &[&str]| {
        let output = lint(files, &[&["--message-format", "sarif"], args].concat());
        let text = stdout(&output);
        let log = valid_sarif(&text);
        let levels: Vec<String> = log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["level"].as_str().unwrap().to_owned())
            .collect();
        (output.status.code(), levels, text)
    };

    let (code, found, text) = levels(&[("web.toml", STEP)], &[]);
    assert_eq!(code, Some(0));
    assert_eq!(found, ["warning", "warning", "warning", "note"], "{text}");
    snapshot("sarif", &text);

    let (code, found, text) = levels(&[("web.toml", STEP)], &["--deny", "warnings"]);
    assert_eq!(code, Some(1));
    assert_eq!(found, ["error", "error", "error", "note"], "{text}");

    // Errors stop the lint rules, as in `kstep lint` for people.
    let (code, found, text) = levels(&[("web.toml", STEP), ("broken.toml", BROKEN)], &[]);
    assert_eq!(code, Some(1));
    assert_eq!(found, ["warning", "error"], "{text}");
}

/// Checks `text` against the SARIF 2.1.0 schema and serde-sarif's types, and returns it.
fn valid_sarif(text: &str) -> Value {
    let log: Value = serde_json::from_str(text).expect("one JSON document");
    let schema: Value = serde_json::from_str(&fs::read_to_string(sarif_schema()).unwrap()).unwrap();
    let validator = jsonschema::draft7::new(&schema).expect("the SARIF schema compiles");
    let errors: Vec<String> = validator
        .iter_errors(&log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{text}");
    let typed: serde_sarif::sarif::Sarif = serde_json::from_value(log.clone()).unwrap();
    assert_eq!(typed.runs.len(), 1);
    log
}

/// The OASIS SARIF 2.1.0 schema, as shipped in the `serde-sarif` crate's `src/schema.json`.
fn sarif_schema() -> std::path::PathBuf {
    root().join("tests/data/sarif-schema-2.1.0.json")
}

#[test]
fn github_format_writes_workflow_commands() {
    let output = lint(
        &[("web.toml", STEP), ("broken.toml", BROKEN)],
        &["--message-format", "github"],
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    for line in text.lines() {
        assert!(
            ["::error ", "::warning ", "::notice "]
                .iter()
                .any(|p| line.starts_with(p)),
            "{line}"
        );
    }
    snapshot("github", &text);
}

#[test]
fn human_output_snapshot() {
    let output = lint(&[("web.toml", STEP)], &["--message-format", "human"]);
    assert_eq!(output.status.code(), Some(0));
    snapshot("human", &stderr(&output));
}

#[test]
fn compile_machine_formats_go_to_stdout_unless_manifests_do() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("web.toml"), STEP).unwrap();
    let compile = |args: &[&str]| {
        run(kstep()
            .current_dir(dir.path())
            .args(["compile", "web.toml", "--message-format", "json"])
            .args(args))
    };

    // Writing files: the diagnostics are the only standard output. Compile does not run lint
    // rules: only the unused volume is reported.
    let output = compile(&[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lines: Vec<Value> = stdout(&output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let codes: Vec<&str> = lines.iter().map(|l| l["code"].as_str().unwrap()).collect();
    assert_eq!(codes, ["kstep::unused-volume"]);
    assert_eq!(stderr(&output), "kstep: wrote dist/web\n");

    // Manifests on standard output: diagnostics move to standard error.
    let output = compile(&["--stdout"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("\nkind: Deployment\n"),
        "{}",
        stdout(&output)
    );
    let line: Value = serde_json::from_str(stderr(&output).trim_end()).unwrap();
    assert_eq!(line["code"], "kstep::unused-volume");

    // Differences on standard output: likewise.
    let output = compile(&["--check"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), "");
    assert!(stderr(&output).contains("\"kstep::unused-volume\""));
}

#[test]
fn a_kstep_toml_among_the_inputs_is_skipped_and_alone_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("web.toml", STEP),
        ("kstep.toml", "[lint]\nno-liveness-probe = \"allow\"\n"),
    ];
    for (name, text) in files {
        fs::write(dir.path().join(name), text).unwrap();
    }
    for command in ["lint", "compile"] {
        let output = run(kstep()
            .current_dir(dir.path())
            .args([command, "kstep.toml", "web.toml"]));
        assert_eq!(
            output.status.code(),
            Some(0),
            "{command}: {}",
            stderr(&output)
        );
        assert!(
            !stderr(&output).contains("missing-field"),
            "{}",
            stderr(&output)
        );
    }
    let output = run(kstep().current_dir(dir.path()).args(["lint", "kstep.toml"]));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("`kstep.toml` is kstep's project configuration, not a step file"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn compile_speaks_sarif_and_github_too() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("web.toml"), STEP).unwrap();
    fs::write(dir.path().join("broken.toml"), BROKEN).unwrap();
    let compile = |format: &str| {
        run(kstep().current_dir(dir.path()).args([
            "compile",
            "web.toml",
            "broken.toml",
            "--message-format",
            format,
        ]))
    };
    let output = compile("sarif");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let log = valid_sarif(&stdout(&output));
    let rules: Vec<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(rules, ["kstep::unused-volume", "kstep::invalid-name"]);

    let output = compile("github");
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.starts_with("::warning file=web.toml,line=13,"),
        "{text}"
    );
    assert!(
        text.contains("\n::error file=broken.toml,line=2,"),
        "{text}"
    );
    assert!(
        !dir.path().join("dist").exists(),
        "nothing written on error"
    );
}

/// Every `kstep::<code>` in a text, in order of first appearance.
fn codes_in(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (at, _) in text.match_indices("kstep::") {
        let name: String = text[at + "kstep::".len()..]
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-')
            .collect();
        let code = format!("kstep::{name}");
        if !out.contains(&code) {
            out.push(code);
        }
    }
    out.sort();
    out
}

#[test]
fn codes_are_the_same_string_in_every_format() {
    let files = [("web.toml", STEP), ("broken.toml", BROKEN)];
    let human = codes_in(&stderr(&lint(&files, &[])));
    assert_eq!(
        human,
        ["kstep::invalid-name", "kstep::unused-volume"],
        "errors stop the rules"
    );
    for format in ["json", "sarif", "github"] {
        let output = lint(&files, &["--message-format", format]);
        // Workflow commands escape `:` in properties; GitHub shows the title unescaped.
        let text = stdout(&output).replace("%3A", ":");
        assert_eq!(codes_in(&text), human, "{format}:\n{text}");
        // No bare code: each name stands after `kstep::`.
        assert_eq!(
            text.matches("invalid-name").count(),
            text.matches("kstep::invalid-name").count(),
            "{format}:\n{text}"
        );
    }
}

#[test]
fn the_renamed_format_flag_still_works_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("web.toml"), STEP).unwrap();
    let kstep_in = |args: &[&str]| run(kstep().current_dir(dir.path()).args(args));

    // `lint --format` meant the findings' format.
    let renamed = kstep_in(&["lint", "web.toml", "--format", "json"]);
    let current = kstep_in(&["lint", "web.toml", "--message-format", "json"]);
    assert_eq!(renamed.status.code(), Some(0), "{}", stderr(&renamed));
    assert_eq!(stdout(&renamed), stdout(&current));
    snapshot("renamed_format_lint", &stderr(&renamed));

    // `lint` has no manifests.
    let yaml = kstep_in(&["lint", "web.toml", "--format", "yaml"]);
    assert_eq!(yaml.status.code(), Some(2));
    assert!(yaml.stdout.is_empty());
    snapshot("renamed_format_lint_yaml", &stderr(&yaml));

    // `compile --format` meant the manifests' format for its words, and now the diagnostics'
    // for the others.
    let json = kstep_in(&["compile", "web.toml", "--format", "json", "-o", "out"]);
    assert_eq!(json.status.code(), Some(0), "{}", stderr(&json));
    assert!(
        dir.path()
            .join("out/web/manifests/20-deployment-web.json")
            .is_file()
    );
    assert!(stderr(&json).contains("`--format json` is renamed `--manifest-format json`"));
    let sarif = kstep_in(&["compile", "web.toml", "--format", "sarif", "--stdout"]);
    assert_eq!(sarif.status.code(), Some(0), "{}", stderr(&sarif));
    assert!(stdout(&sarif).contains("\nkind: Deployment\n"));
    assert!(stderr(&sarif).contains("`--format sarif` is renamed `--message-format sarif`"));
    assert!(stderr(&sarif).contains("\"ruleId\": \"kstep::unused-volume\""));

    // The old and the new flag together: which one wins would be a guess.
    let both = kstep_in(&[
        "lint",
        "web.toml",
        "--format",
        "json",
        "--message-format",
        "sarif",
    ]);
    assert_eq!(both.status.code(), Some(2));
    assert!(
        stderr(&both).contains("cannot be used with"),
        "{}",
        stderr(&both)
    );
}

/// The bundled example is what kstep recommends: it compiles and lints clean, also as the
/// directory a new user would point kstep at.
#[test]
fn the_bundled_examples_lint_clean() {
    let output = run(kstep().args(["lint", "examples/"]));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "kstep: 1 step file linted: no problems\n");
    let output = run(kstep().args(["lint", "--deny", "warnings", "examples/web.toml"]));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = run(kstep().args(["compile", "--stdout", "examples/web.toml"]));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
}

/// A "did you mean" is a fix in the machine formats: the span and its replacement, quoted as
/// the source quotes it, applied by tools as it stands.
#[test]
fn suggestions_are_fixes_in_json_and_sarif() {
    let step = "[deployment]\nname = \"web\"\n\n[[containers]]\nname = \"web\"\nimgae = \"nginx:1.27\"\nports = [{ name = \"http\", port = 8080 }]\nreadiness = { tcp = { port = \"htp\" } }\n";
    let yaml = "deployment:\n  name: web\ncontainers:\n  - name: web\n    image: nginx:1.27\n    ports:\n      - { name: http, port: 8080 }\n    readiness:\n      tcp: { port: htp }\n";
    let json = stdout(&lint(
        &[("web.toml", step), ("other.yaml", yaml)],
        &["--message-format", "json"],
    ));
    let fixes: Vec<(String, String)> = json
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .flat_map(|d| d["suggestions"].as_array().cloned().unwrap_or_default())
        .map(|s| {
            (
                s["file"].as_str().unwrap().to_owned(),
                s["replacement"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        fixes,
        [
            ("web.toml".to_owned(), "image".to_owned()),
            ("web.toml".to_owned(), "\"http\"".to_owned()),
            ("other.yaml".to_owned(), "http".to_owned()),
        ]
    );
    // Applying the fixes gives a step without those errors.
    let mut fixed = step.to_owned();
    fixed = fixed
        .replacen("imgae", "image", 1)
        .replacen("\"htp\"", "\"http\"", 1);
    let sarif = stdout(&lint(&[("web.toml", step)], &["--message-format", "sarif"]));
    let log = valid_sarif(&sarif);
    let replacements: Vec<String> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["fixes"].as_array().cloned().unwrap_or_default())
        .map(|f| {
            f["artifactChanges"][0]["replacements"][0]["insertedContent"]["text"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(replacements, ["image", "\"http\""]);
    let output = lint(&[("web.toml", &fixed)], &[]);
    assert!(!stderr(&output).contains("×"), "{}", stderr(&output));
}
