//! Variables, environments and templates through the CLI: one step file compiled for several
//! environments, the precedence of every variable source, `kstep vars`, values from the
//! command line reported as such, and sensitive values that reach nothing but the Secret.

mod support;

use std::path::Path;

use support::{kstep, read_tree, root, run, stderr, stdout, write};

/// The manifests of a `--stdout` compile; fails the test when the compile fails.
fn compile_stdout(step: &Path, args: &[&str]) -> String {
    let output = run(kstep().arg("compile").arg(step).arg("--stdout").args(args));
    assert!(output.status.success(), "{}", stderr(&output));
    stdout(&output)
}

#[test]
fn one_step_file_compiles_differently_per_environment() {
    let step = root().join("fixtures/templates/environments.toml");
    let dev = compile_stdout(&step, &["--env", "dev", "--deployment-id", "b1"]);
    let production = compile_stdout(&step, &["--env", "production", "--deployment-id", "b1"]);
    for (text, replicas, host, namespace, level) in [
        (
            &dev,
            "replicas: 2",
            "host: shop-dev.example.com",
            "namespace: shop-dev",
            "value: debug",
        ),
        (
            &production,
            "replicas: 5",
            "host: shop.example.com",
            "namespace: shop-production",
            "value: info",
        ),
    ] {
        for expected in [replicas, host, namespace, level] {
            assert!(text.contains(expected), "{expected} missing in:\n{text}");
        }
    }
    // Without --env, `env` has no value, and printing it is an error at its place.
    let output = run(kstep().arg("compile").arg(&step).arg("--stdout"));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("`env` has no value to print"),
        "{}",
        stderr(&output)
    );
    // An environment the step does not define.
    let output = run(kstep()
        .arg("compile")
        .arg(&step)
        .args(["--stdout", "--env", "prod"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("kstep::unknown-environment"));
}

/// Six variables, each given by one more source than the one before, in precedence order.
const LADDER: &str = r#"
[vars]
a = "step"
b = "step"
c = "step"
d = "step"
e = "step"
f = "step"

[env.ci.vars]
b = "env"
c = "env"
d = "env"
e = "env"
f = "env"

[deployment]
name = "web"
annotations = { a = "{{ vars.a }}", b = "{{ vars.b }}", c = "{{ vars.c }}", d = "{{ vars.d }}", e = "{{ vars.e }}" }

[[containers]]
name = "web"
image = "nginx:1.27"
"#;

#[test]
fn every_source_overrides_the_ones_before_it() {
    let dir = tempfile::tempdir().unwrap();
    let step = write(dir.path(), "web.toml", LADDER);
    let file = write(
        dir.path(),
        "ci.yaml",
        "c: file\nd: file\ne: file\nf: file\n",
    );
    let sensitive = write(dir.path(), "secret.json", r#"{"f": "sensitive file"}"#);
    // The command line comes last on purpose: where a flag stands does not matter.
    let args = [
        "--var",
        "e=cli",
        "--env",
        "ci",
        "--sensitive-vars-file",
        sensitive.to_str().unwrap(),
        "--vars-file",
        file.to_str().unwrap(),
    ];
    let environment = [
        ("KSTEP_VAR_D", "process env"),
        ("KSTEP_VAR_E", "process env"),
    ];
    let output = run(kstep()
        .arg("compile")
        .arg(&step)
        .arg("--stdout")
        .args(args)
        .envs(environment));
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    for expected in [
        "a: step",
        "b: env",
        "c: file",
        "d: \"process env\"",
        "e: cli",
    ] {
        assert!(text.contains(expected), "{expected} missing in:\n{text}");
    }

    let vars = run(kstep().arg("vars").arg(&step).args(args).envs(environment));
    assert!(vars.status.success(), "{}", stderr(&vars));
    let file = file.display();
    let sensitive = sensitive.display();
    let step = step.display();
    assert_eq!(
        stdout(&vars),
        format!(
            "# Variables of {step}, environment ci\n\
             a = \"step\"         # [vars] {step}:3\n\
             b = \"env\"          # [env.ci.vars] {step}:11; replaces [vars] {step}:4\n\
             c = \"file\"         # --vars-file {file}:1; replaces [env.ci.vars] {step}:12, then [vars] {step}:5\n\
             d = \"process env\"  # KSTEP_VAR_D; replaces --vars-file {file}:2, then [env.ci.vars] {step}:13, then [vars] {step}:6\n\
             e = \"cli\"          # --var e=...; replaces KSTEP_VAR_E, then --vars-file {file}:3, then [env.ci.vars] {step}:14, then [vars] {step}:7\n\
             f = (sensitive)    # --sensitive-vars-file {sensitive}:1, sensitive; replaces --vars-file {file}:4, then [env.ci.vars] {step}:15, then [vars] {step}:8\n"
        )
    );
}

/// A step that declares `replicas` and `tag`; another that declares `tag` alone.
const DECLARES: &str = "[vars]\nreplicas = 2\ntag = \"1.27\"\n\n[deployment]\nname = \"web\"\nreplicas = \"{{ vars.replicas }}\"\n\n[[containers]]\nname = \"web\"\nimage = \"nginx:{{ vars.tag }}\"\n";
const DECLARES_TAG: &str = "[vars]\ntag = {}\n\n[deployment]\nname = \"api\"\n\n[[containers]]\nname = \"api\"\nimage = \"nginx:{{ vars.tag }}\"\n";

fn snapshot(name: &str, text: &str) {
    insta::with_settings!({ snapshot_path => root().join("snapshots"), prepend_module_to_snapshot => true }, {
        insta::assert_snapshot!(name, text);
    });
}

#[test]
fn a_value_for_a_variable_no_step_declares_is_an_error_with_a_suggestion() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "web.toml", DECLARES);
    write(dir.path(), "api.toml", DECLARES_TAG);
    write(dir.path(), "prod.yaml", "replicas: 5\ntga: \"1.28\"\n");
    let kstep_in = |args: &[&str]| {
        run(kstep()
            .current_dir(dir.path())
            .args(["compile", "--stdout"])
            .args(args))
    };

    // `--var replcas=5` once left `replicas` at 2 without a word.
    let output = kstep_in(&["web.toml", "--var", "replcas=5"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    snapshot("undeclared_var", &stderr(&output));

    // In a vars file, the entry is shown.
    let output = kstep_in(&["web.toml", "--vars-file", "prod.yaml"]);
    assert_eq!(output.status.code(), Some(1));
    snapshot("undeclared_in_vars_file", &stderr(&output));

    // KSTEP_VAR_* may be set for many steps by CI: a warning, and the run goes on.
    let output = run(kstep()
        .current_dir(dir.path())
        .args(["compile", "--stdout", "api.toml"])
        .env("KSTEP_VAR_REPLICAS", "5")
        .env("KSTEP_VAR_TAG", "1.28"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("image: \"nginx:1.28\""));
    snapshot("undeclared_in_environment", &stderr(&output));

    // A variable that one step of the run declares may be given to all of them.
    let output = kstep_in(&[
        "web.toml",
        "api.toml",
        "--var",
        "replicas=5",
        "--var",
        "tag=1.28",
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
    // `kstep vars` holds the values to the one step it shows.
    let output =
        run(kstep()
            .current_dir(dir.path())
            .args(["vars", "api.toml", "--var", "replicas=5"]));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("`--var replicas=...` sets a variable that no step declares"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn vars_files_may_be_toml_yaml_or_json() {
    let dir = tempfile::tempdir().unwrap();
    let step = write(
        dir.path(),
        "web.toml",
        "[vars]\nreplicas = {}\ntag = {}\n\n[deployment]\nname = \"web\"\nreplicas = \"{{ vars.replicas }}\"\n\n[[containers]]\nname = \"web\"\nimage = \"nginx:{{ vars.tag }}\"\n",
    );
    for (name, text) in [
        ("v.toml", "replicas = 3\ntag = \"1.27\"\n"),
        ("v.yaml", "replicas: 3\ntag: \"1.27\"\n"),
        ("v.yml", "replicas: 3\ntag: \"1.27\"\n"),
        ("v.json", "{\n\t\"replicas\": 3,\n\t\"tag\": \"1.27\"\n}\n"),
    ] {
        let file = write(dir.path(), name, text);
        let text = compile_stdout(&step, &["--vars-file", file.to_str().unwrap()]);
        assert!(text.contains("replicas: 3"), "{name}:\n{text}");
        assert!(text.contains("image: \"nginx:1.27\""), "{name}:\n{text}");
    }
    let other = write(dir.path(), "v.ini", "replicas=3\n");
    let output = run(kstep().arg("compile").arg(&step).args([
        "--stdout",
        "--vars-file",
        other.to_str().unwrap(),
    ]));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("is not a vars file"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn values_from_the_command_line_are_reported_as_such() {
    let dir = tempfile::tempdir().unwrap();
    let step = write(
        dir.path(),
        "web.toml",
        "[vars]\nreplicas = 1\n\n[deployment]\nname = \"web\"\nreplicas = \"{{ vars.replicas }}\"\n\n[[containers]]\nname = \"web\"\nimage = \"nginx:1.27\"\n",
    );
    let output =
        run(kstep()
            .arg("compile")
            .arg(&step)
            .args(["--stdout", "--var", "replicas=three"]));
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(text.contains("the template renders `three`"), "{text}");
    assert!(
        text.contains("`vars.replicas` is \"three\", from --var replicas=..."),
        "{text}"
    );

    // Mistakes in the command line itself are usage errors, shown without a snippet.
    for (args, expected) in [
        (vec!["--var", "replicas"], "`--var replicas` gives no value"),
        (
            vec!["--var", "Replicas=3"],
            "`--var Replicas=...` does not name a variable",
        ),
    ] {
        let output = run(kstep()
            .arg("compile")
            .arg(&step)
            .arg("--stdout")
            .args(&args));
        assert_eq!(output.status.code(), Some(2), "{args:?}");
        let text = stderr(&output);
        assert!(text.contains(expected), "{text}");
        assert!(
            !text.contains('╭'),
            "no source snippet for the command line:\n{text}"
        );
    }
    let output = run(kstep()
        .arg("compile")
        .arg(&step)
        .arg("--stdout")
        .env("KSTEP_VAR_REPLICAS-X", "1"));
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("environment variable `KSTEP_VAR_REPLICAS-X`"));
}

const SECRET_VALUE: &str = "s3cr3t-value-4711";
/// base64 of SECRET_VALUE, as it stands in the Secret manifest.
const SECRET_BASE64: &str = "czNjcjN0LXZhbHVlLTQ3MTE=";

const SENSITIVE_STEP: &str = r#"
[vars]
db_password = { sensitive = true }

[deployment]
name = "web"
annotations = { "example.com/note" = "no secrets here" }

[secrets.db]
data = { password = "{{ vars.db_password }}" }

[[containers]]
name = "web"
image = "nginx:1.27"
env = [{ name = "DB_PASSWORD", secret = "db", key = "password" }]
"#;

#[test]
fn a_sensitive_value_reaches_only_the_secret_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let step = write(dir.path(), "web.toml", SENSITIVE_STEP);
    let out = dir.path().join("out");
    let secret_env = ("KSTEP_SENSITIVE_VAR_DB_PASSWORD", SECRET_VALUE);
    let assert_clean = |what: &str, text: &str| {
        assert!(
            !text.contains(SECRET_VALUE),
            "{what} shows the value:\n{text}"
        );
        assert!(
            !text.contains(SECRET_BASE64),
            "{what} shows the value's base64:\n{text}"
        );
    };
    let kstep_with_secret = || {
        let mut command = kstep();
        command.env(secret_env.0, secret_env.1);
        command
    };

    // Written output: only the Secret manifest holds it (base64, as the API wants it).
    let written = run(kstep_with_secret()
        .arg("compile")
        .arg(&step)
        .arg("-o")
        .arg(&out));
    assert!(written.status.success(), "{}", stderr(&written));
    assert_clean("compile's stderr", &stderr(&written));
    assert_clean("compile's stdout", &stdout(&written));
    for (path, contents) in read_tree(&out) {
        if path == "web/manifests/11-secret-db.yaml" {
            assert!(contents.contains(SECRET_BASE64), "{contents}");
            assert!(!contents.contains(SECRET_VALUE));
        } else {
            assert_clean(&path, &contents);
        }
    }

    // --stdout, --manifest-format json, --check with a difference, kstep vars. Each must really run:
    // a usage error would print nothing and pass.
    let out_dir = out.to_str().expect("a UTF-8 temp path");
    for (args, code) in [
        (vec!["--stdout"], 0),
        (vec!["--stdout", "--manifest-format", "json"], 0),
        (
            vec!["-o", out_dir, "--check", "--deployment-id", "other"],
            1,
        ),
    ] {
        let output = run(kstep_with_secret().arg("compile").arg(&step).args(&args));
        assert_eq!(
            output.status.code(),
            Some(code),
            "{args:?}: {}",
            stderr(&output)
        );
        let shown = stdout(&output);
        assert!(
            shown.contains("<redacted>") || (code == 1 && shown.contains("differs")),
            "{args:?} printed no masked Secret: {shown}"
        );
        assert_clean(&format!("{args:?} stdout"), &shown);
        assert_clean(&format!("{args:?} stderr"), &stderr(&output));
    }
    let vars = run(kstep_with_secret().arg("vars").arg(&step));
    assert!(vars.status.success());
    assert!(
        stdout(&vars).contains("db_password = (sensitive)"),
        "{}",
        stdout(&vars)
    );
    assert_clean("kstep vars", &stdout(&vars));

    // Diagnostics: used outside the Secret, and in a template that fails.
    let leaky = SENSITIVE_STEP.replace(
        "\"no secrets here\"",
        "\"{{ vars.db_password }}\", other = \"{{ vars.db_password | int }}\"",
    );
    let leaky = write(dir.path(), "leaky.toml", &leaky);
    let output = run(kstep_with_secret()
        .arg("compile")
        .arg(&leaky)
        .arg("--stdout"));
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("kstep::sensitive-value"),
        "{}",
        stderr(&output)
    );
    assert!(
        stderr(&output).contains("details hidden"),
        "{}",
        stderr(&output)
    );
    assert_clean("diagnostics", &stderr(&output));
    assert_clean("failed compile's stdout", &stdout(&output));

    // --show-secrets is the one way to see it, and only when asked.
    let shown = run(kstep_with_secret()
        .arg("compile")
        .arg(&step)
        .args(["--stdout", "--show-secrets"]));
    assert!(stdout(&shown).contains(SECRET_BASE64));
}

#[test]
fn a_sensitive_vars_file_is_masked_in_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let step = write(dir.path(), "web.toml", SENSITIVE_STEP);
    for (name, text) in [
        ("bad-name.yaml", format!("Db-Password: {SECRET_VALUE}\n")),
        ("bad-syntax.yaml", format!("db_password: [{SECRET_VALUE}\n")),
    ] {
        let file = write(dir.path(), name, &text);
        let output = run(kstep().arg("compile").arg(&step).args([
            "--stdout",
            "--sensitive-vars-file",
            file.to_str().unwrap(),
        ]));
        assert_eq!(output.status.code(), Some(1), "{name}");
        let text = stderr(&output);
        assert!(
            !text.contains(SECRET_VALUE),
            "{name} shows the value:\n{text}"
        );
        assert!(
            text.contains(name),
            "{name}: the diagnostic names the file:\n{text}"
        );
    }
}

#[test]
fn templates_see_the_final_default_deployment_id() {
    let dir = tempfile::tempdir().unwrap();
    let step = write(
        dir.path(),
        "web.toml",
        "[deployment]\nname = \"web\"\nannotations = { build = \"{{ deployment.id }}\", same = \"{{ deployment }}\" }\n\n[[containers]]\nname = \"web\"\nimage = \"nginx:1.27\"\n",
    );
    let first = compile_stdout(&step, &[]);
    assert_eq!(first, compile_stdout(&step, &[]), "deterministic");
    let id = first
        .lines()
        .find_map(|l| l.trim().strip_prefix("kstep.dev/deployment-id: "))
        .expect("an id label")
        .trim_matches('"')
        .to_owned();
    assert!(
        first.contains(&format!("build: \"{id}\"")) || first.contains(&format!("build: {id}")),
        "{first}"
    );
    assert!(
        !first.contains("0000000000"),
        "the placeholder id leaked:\n{first}"
    );
    let given = compile_stdout(&step, &["--deployment-id", "build-9"]);
    assert!(given.contains("build: build-9"), "{given}");
    assert!(given.contains("same: build-9"), "{given}");
}
