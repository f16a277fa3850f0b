//! `kstep compile` as a user runs it: exit codes, where output goes, what happens to earlier
//! output on failure, determinism, and errors about files and arguments.

mod support;

use std::fs;
use std::path::PathBuf;

use support::{kstep, read_tree, root, run, stderr, write};

fn fixture(name: &str) -> PathBuf {
    root().join("fixtures/core").join(name)
}

const STEP: &str =
    "[deployment]\nname = \"web\"\n\n[[containers]]\nname = \"web\"\nimage = \"nginx:1.27\"\n";

#[test]
fn writes_to_dist_by_default_and_reports_it() {
    let dir = tempfile::tempdir().unwrap();
    let step = write(dir.path(), "web.toml", STEP);
    let output = run(kstep().current_dir(dir.path()).arg("compile").arg(&step));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "kstep: wrote dist/web\n");
    assert!(output.stdout.is_empty());
    let files: Vec<String> = read_tree(&dir.path().join("dist"))
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    assert_eq!(
        files,
        [
            "web/deploy.sh",
            "web/kustomization.yaml",
            "web/manifests/20-deployment-web.yaml"
        ]
    );
}

#[test]
fn stdout_prints_one_stream_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let output = run(kstep()
        .current_dir(dir.path())
        .args(["compile", "--stdout"])
        .arg(fixture("minimal.toml"))
        .arg(fixture("web.yaml")));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = String::from_utf8(output.stdout).unwrap();
    assert_eq!(
        text.matches("---\n").count(),
        2,
        "one document per object:\n{text}"
    );
    assert!(text.starts_with("---\napiVersion: apps/v1\nkind: Deployment\n"));
    assert!(text.contains("name: hello") && text.contains("name: web"));
    assert!(
        fs::read_dir(dir.path()).unwrap().next().is_none(),
        "--stdout wrote files"
    );
}

#[test]
fn json_format_writes_json_files() {
    let out = tempfile::tempdir().unwrap();
    let output = run(kstep()
        .arg("compile")
        .arg(fixture("web.toml"))
        .arg("-o")
        .arg(out.path())
        .args(["--manifest-format", "json"]));
    assert!(output.status.success(), "{}", stderr(&output));
    let files = read_tree(out.path());
    let manifest = files
        .iter()
        .find(|(path, _)| path.starts_with("storefront-web/manifests/"))
        .expect("a manifest");
    assert_eq!(
        manifest.0,
        "storefront-web/manifests/20-deployment-web.json"
    );
    let value: serde_json::Value = serde_json::from_str(&manifest.1).expect("valid JSON");
    assert_eq!(value["spec"]["replicas"], 3);
}

#[test]
fn same_input_gives_the_same_bytes() {
    let first = run(kstep()
        .args(["compile", "--stdout"])
        .arg(fixture("web.toml"))
        .arg(fixture("volumes.yaml")));
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(first.stdout.len() > 1000, "two steps' manifests");
    for _ in 0..3 {
        let again = run(kstep()
            .args(["compile", "--stdout"])
            .arg(fixture("web.toml"))
            .arg(fixture("volumes.yaml")));
        assert_eq!(first.stdout, again.stdout);
    }
}

#[test]
fn errors_exit_1_and_leave_earlier_output_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("dist");
    let earlier = out.join("web/manifests/20-deployment-web.yaml");
    fs::create_dir_all(earlier.parent().unwrap()).unwrap();
    fs::write(&earlier, "earlier output\n").unwrap();
    let broken = write(dir.path(), "web.toml", &STEP.replace("nginx:1.27", "Nginx"));
    let output = run(kstep().arg("compile").arg(&broken).arg("-o").arg(&out));
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("kstep::invalid-image"));
    assert!(stderr(&output).ends_with("kstep: 1 error, 0 warnings; nothing was written\n"));
    assert_eq!(fs::read_to_string(&earlier).unwrap(), "earlier output\n");
    assert_eq!(read_tree(&out).len(), 1, "no staging directory left behind");
}

#[test]
fn one_bad_file_among_several_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("dist");
    let good = write(dir.path(), "good.toml", STEP);
    let bad = write(
        dir.path(),
        "bad.yaml",
        "deployment:\n  name: bad\ncontainers: []\n",
    );
    let output = run(kstep()
        .arg("compile")
        .arg(&good)
        .arg(&bad)
        .arg("-o")
        .arg(&out));
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(!out.exists());

    // Steps are written as they are checked: a bad step after good ones, into directories
    // that do not exist yet, leaves none of them behind; `--stdout` prints nothing.
    let goods: Vec<PathBuf> = (0..20)
        .map(|i| {
            let text = STEP.replace("name = \"web\"\n\n", &format!("name = \"web-{i}\"\n\n"));
            write(dir.path(), &format!("good-{i:02}.toml"), &text)
        })
        .collect();
    let nested = dir.path().join("a/b/dist");
    for mode in [
        vec!["-o".into(), nested.display().to_string()],
        vec!["--stdout".into()],
    ] {
        let output = run(kstep().arg("compile").args(&goods).arg(&bad).args(&mode));
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        assert!(output.stdout.is_empty(), "{mode:?} printed manifests");
        assert!(!dir.path().join("a").exists(), "{mode:?} left directories");
    }
}

/// Files are read on every core, then taken in order: every file problem among many steps
/// is reported in one run, located (the line table is made when the file is shown), and
/// nothing is written.
#[test]
fn file_problems_among_many_steps_are_all_reported() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("dist");
    let mut steps: Vec<PathBuf> = (0..12)
        .map(|i| {
            let text = STEP.replace("name = \"web\"\n\n", &format!("name = \"web-{i}\"\n\n"));
            write(dir.path(), &format!("good-{i:02}.toml"), &text)
        })
        .collect();
    let latin1 = dir.path().join("latin1.toml");
    fs::write(&latin1, b"[deployment]\nname = \"b\xffad\"\n").unwrap();
    steps.insert(5, latin1);
    steps.insert(9, dir.path().join("missing.toml"));
    let output = run(kstep().arg("compile").args(&steps).arg("-o").arg(&out));
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(
        err.contains("cannot read `") && err.contains("missing.toml`"),
        "{err}"
    );
    assert!(
        err.contains("not valid UTF-8") && err.contains("latin1.toml:2:10"),
        "{err}"
    );
    assert!(err.contains("2 errors"), "{err}");
    assert!(!out.exists());
}

/// Steps of one shape compiled together share how their scripts are made (the templates run
/// once for the shape): each still gets exactly the output it gets compiled alone, its own
/// names, and its own file name in the header, however it is quoted.
#[test]
fn steps_of_one_shape_get_the_output_they_get_alone() {
    let dir = tempfile::tempdir().unwrap();
    let steps = dir.path().join("steps");
    fs::create_dir(&steps).unwrap();
    for (file, name, namespace) in [
        ("web.toml", "web", "shop"),
        ("it's api.toml", "api", "shop-two"),
        ("worker.toml", "worker", "shop"),
    ] {
        let text = STEP.replace("\"web\"", &format!("\"{name}\""));
        write(
            &steps,
            file,
            &format!("[step]\nnamespace = \"{namespace}\"\n\n{text}"),
        );
    }
    let together = dir.path().join("together");
    let output = run(kstep().arg("compile").arg(&steps).arg("-o").arg(&together));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let mut scripts = 0;
    for entry in fs::read_dir(&steps).unwrap() {
        let step = entry.unwrap().path();
        let alone = dir.path().join("alone");
        let output = run(kstep().arg("compile").arg(&step).arg("-o").arg(&alone));
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        for (path, text) in read_tree(&alone) {
            let shared = fs::read_to_string(together.join(&path)).unwrap();
            assert_eq!(shared, text, "{path} of {}", step.display());
            scripts += usize::from(path.ends_with("deploy.sh"));
        }
        fs::remove_dir_all(&alone).unwrap();
    }
    assert_eq!(scripts, 3);
    let api = fs::read_to_string(together.join("api/deploy.sh")).unwrap();
    assert!(api.contains("from it's api.toml."), "{api}");
    assert!(api.contains("step_namespace='shop-two'"), "{api}");
}

#[test]
fn stdout_of_many_steps_is_every_manifest_in_input_order() {
    // Enough steps that the stream waits in a temporary file rather than in memory.
    let dir = tempfile::tempdir().unwrap();
    let steps: Vec<PathBuf> = (0..400)
        .map(|i| {
            let text = STEP.replace("name = \"web\"\n\n", &format!("name = \"web-{i}\"\n\n"));
            write(dir.path(), &format!("step-{i:03}.toml"), &text)
        })
        .collect();
    let output = run(kstep().arg("compile").arg("--stdout").args(&steps));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let out = dir.path().join("dist");
    let written = run(kstep().arg("compile").args(&steps).arg("-o").arg(&out));
    assert_eq!(written.status.code(), Some(0), "{}", stderr(&written));
    let mut expected = String::new();
    for i in 0..400 {
        for (path, text) in read_tree(&out.join(format!("web-{i}"))) {
            if path.starts_with("manifests/") {
                expected.push_str("---\n");
                expected.push_str(&text);
            }
        }
    }
    let printed = String::from_utf8(output.stdout).unwrap();
    assert!(printed.len() > 256 * 1024, "{} bytes", printed.len());
    assert!(
        printed == expected,
        "the stream differs from the written manifests"
    );
}

#[test]
fn success_replaces_the_step_directory_and_keeps_others() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("dist");
    fs::create_dir_all(out.join("web/manifests")).unwrap();
    fs::write(out.join("web/manifests/99-stale.yaml"), "stale\n").unwrap();
    fs::create_dir_all(out.join("other")).unwrap();
    fs::write(out.join("other/keep.txt"), "keep\n").unwrap();
    let step = write(dir.path(), "web.toml", STEP);
    let output = run(kstep().arg("compile").arg(&step).arg("-o").arg(&out));
    assert!(output.status.success(), "{}", stderr(&output));
    let files: Vec<String> = read_tree(&out).into_iter().map(|(p, _)| p).collect();
    assert_eq!(
        files,
        [
            "other/keep.txt",
            "web/deploy.sh",
            "web/kustomization.yaml",
            "web/manifests/20-deployment-web.yaml"
        ]
    );
}

#[test]
fn warnings_do_not_fail_the_build() {
    let dir = tempfile::tempdir().unwrap();
    let step = write(
        dir.path(),
        "web.toml",
        &format!("{STEP}\n[[volumes]]\nname = \"spare\"\nempty_dir = {{}}\n"),
    );
    let output = run(kstep()
        .arg("compile")
        .arg(&step)
        .arg("-o")
        .arg(dir.path().join("dist")));
    assert_eq!(output.status.code(), Some(0));
    assert!(
        stderr(&output).contains("kstep::unused-volume"),
        "{}",
        stderr(&output)
    );
    assert!(dir.path().join("dist/web").exists());
}

#[test]
fn two_steps_with_one_id_are_an_error_naming_both_files() {
    let dir = tempfile::tempdir().unwrap();
    let a = write(dir.path(), "a.toml", STEP);
    let b = write(
        dir.path(),
        "b.yaml",
        "deployment:\n  name: web\ncontainers:\n  - name: web\n    image: nginx\n",
    );
    let output = run(kstep()
        .current_dir(dir.path())
        .args(["compile", "a.toml", "b.yaml", "--stdout"]));
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(text.contains("kstep::duplicate-step-id"), "{text}");
    assert!(
        text.contains("b.yaml:2:9") && text.contains("a.toml:2:8"),
        "{text}"
    );
    let _ = (a, b);
}

#[test]
fn file_and_usage_problems_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let json = write(dir.path(), "step.json", "{}");
    let cases: Vec<(Vec<&std::ffi::OsStr>, &str)> = vec![
        (vec!["compile".as_ref()], "required"),
        (
            vec!["compile".as_ref(), "missing.toml".as_ref()],
            "kstep::io-error",
        ),
        (
            vec!["compile".as_ref(), json.as_os_str()],
            "kstep::unsupported-file-type",
        ),
        (
            vec![
                "compile".as_ref(),
                "--stdout".as_ref(),
                "-o".as_ref(),
                "x".as_ref(),
                "a.toml".as_ref(),
            ],
            "cannot be used with",
        ),
        (
            vec![
                "compile".as_ref(),
                "--manifest-format".as_ref(),
                "xml".as_ref(),
                "a.toml".as_ref(),
            ],
            "invalid value",
        ),
        (vec!["deploy".as_ref()], "unrecognized subcommand"),
    ];
    for (args, expected) in cases {
        let output = run(kstep().current_dir(dir.path()).args(&args));
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains(expected),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn an_unwritable_output_directory_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = write(dir.path(), "dist", "a file where the directory should be");
    let step = write(dir.path(), "web.toml", STEP);
    let output = run(kstep().arg("compile").arg(&step).arg("-o").arg(&blocker));
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("kstep::io-error"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn help_and_version() {
    let help = run(kstep().args(["compile", "--help"]));
    assert!(help.status.success());
    let text = String::from_utf8_lossy(&help.stdout);
    for flag in [
        "--output",
        "--stdout",
        "--manifest-format",
        "--message-format",
    ] {
        assert!(text.contains(flag), "{text}");
    }
    let version = run(kstep().arg("--version"));
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("kstep {}", env!("CARGO_PKG_VERSION"))
    );
}

/// Each command's help opens with the line that describes it in `kstep --help` (clap defines a
/// command's flags only once it is chosen: they must not replace its description), and the
/// completions list the global `--color` after each command's own flags.
#[test]
fn each_command_is_described_alike_everywhere() {
    let help = run(kstep().arg("--help"));
    let text = String::from_utf8(help.stdout).unwrap();
    let commands = text
        .split("Commands:\n")
        .nth(1)
        .and_then(|rest| rest.split("\n\n").next())
        .expect("a list of commands");
    let mut checked = 0;
    for line in commands
        .lines()
        .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
    {
        let (name, described) = line
            .trim()
            .split_once(' ')
            .expect("a name and a description");
        if name == "help" {
            continue;
        }
        let own = run(kstep().args([name, "--help"]));
        let own = String::from_utf8(own.stdout).unwrap();
        assert!(
            own.starts_with(described.trim()),
            "`kstep {name} --help` opens with\n{}\nnot with\n{}",
            own.lines().next().unwrap_or_default(),
            described.trim()
        );
        checked += 1;
    }
    assert!(checked >= 9, "{checked} commands in\n{text}");
    let bash = run(kstep().args(["completions", "bash"]));
    let bash = String::from_utf8(bash.stdout).unwrap();
    let compile = bash
        .lines()
        .find(|l| l.contains("opts=\"") && l.contains("--manifest-format"))
        .expect("the options of compile");
    assert!(
        compile.contains("--var --color --help"),
        "global flags come after compile's own: {compile}"
    );
}

const SECRET_STEP: &str = "[deployment]\nname = \"web\"\n\n[secrets.web]\ndata = { token = \"hunter2-secret\" }\n\n[[containers]]\nname = \"web\"\nimage = \"nginx:1.27\"\nenv = [{ name = \"TOKEN\", secret = \"web\", key = \"token\" }]\n";

#[test]
fn check_reports_differences_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("dist");
    let step = write(dir.path(), "web.toml", SECRET_STEP);
    let compile = |extra: &[&str]| {
        run(kstep()
            .current_dir(dir.path())
            .arg("compile")
            .arg(&step)
            .arg("-o")
            .arg(&out)
            .args(extra))
    };
    assert!(compile(&[]).status.success());
    let in_sync = compile(&["--check"]);
    assert_eq!(in_sync.status.code(), Some(0), "{}", stderr(&in_sync));
    assert!(in_sync.stdout.is_empty());

    // Change the step: the Deployment and the Secret differ; an extra file is reported too.
    fs::write(
        &step,
        SECRET_STEP
            .replace("nginx:1.27", "nginx:1.28")
            .replace("hunter2", "hunter3"),
    )
    .unwrap();
    fs::write(out.join("web/manifests/99-stray.yaml"), "stray\n").unwrap();
    let before = read_tree(&out);
    let differs = compile(&["--check"]);
    assert_eq!(differs.status.code(), Some(1));
    let report = String::from_utf8(differs.stdout).unwrap();
    assert!(
        report.contains("-        image: \"nginx:1.27\"")
            && report.contains("+        image: \"nginx:1.28\""),
        "{report}"
    );
    assert!(
        report.contains("differs: web/manifests/11-secret-web.yaml (a Secret: content not shown)"),
        "{report}"
    );
    assert!(
        report.contains("extra: web/manifests/99-stray.yaml"),
        "{report}"
    );
    assert!(
        !report.contains("hunter"),
        "a secret value in --check output:\n{report}"
    );
    assert_eq!(read_tree(&out), before, "--check wrote files");

    fs::remove_file(out.join("web/deploy.sh")).unwrap();
    let missing = compile(&["--check"]);
    assert!(String::from_utf8_lossy(&missing.stdout).contains("missing: web/deploy.sh"));
}

#[test]
fn secrets_are_masked_on_stdout_unless_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let step = write(dir.path(), "web.toml", SECRET_STEP);
    let masked = run(kstep().arg("compile").arg(&step).arg("--stdout"));
    let text = String::from_utf8(masked.stdout).unwrap();
    assert!(text.contains("token: \"<redacted>\""), "{text}");
    assert!(
        !text.contains("aHVudGVyMi1zZWNyZXQ="),
        "the secret's base64 reached stdout"
    );
    let shown = run(kstep()
        .arg("compile")
        .arg(&step)
        .args(["--stdout", "--show-secrets"]));
    assert!(
        String::from_utf8(shown.stdout)
            .unwrap()
            .contains("token: \"aHVudGVyMi1zZWNyZXQ=\"")
    );
}

#[test]
fn a_bad_deployment_id_is_reported_as_given_on_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let step = write(dir.path(), "web.toml", STEP);
    for (id, strategy, expected) in [
        (
            "build 12",
            "rolling-update",
            "invalid deployment id `build 12` given with --deployment-id",
        ),
        (
            "Build_12",
            "blue-green",
            "(blue/green adds it to object names)",
        ),
        ("", "recreate", "must not be empty"),
    ] {
        let output = run(kstep().arg("compile").arg(&step).arg("--stdout").args([
            "--deployment-id",
            id,
            "--strategy",
            strategy,
        ]));
        assert_eq!(output.status.code(), Some(1), "{id}");
        assert!(
            stderr(&output).contains(expected),
            "{id}: {}",
            stderr(&output)
        );
        assert!(stderr(&output).contains("kstep::invalid-deployment-id"));
    }
    let ok =
        run(kstep()
            .arg("compile")
            .arg(&step)
            .args(["--stdout", "--deployment-id", "Build_12"]));
    assert!(
        ok.status.success(),
        "an upper-case id is a valid label value: {}",
        stderr(&ok)
    );
}

#[test]
fn the_default_deployment_id_follows_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let id_of = |text: &str| {
        let step = write(dir.path(), "web.toml", text);
        let output = run(kstep().arg("compile").arg(&step).arg("--stdout"));
        let stream = String::from_utf8(output.stdout).unwrap();
        stream
            .lines()
            .find(|l| l.contains("kstep.dev/deployment-id"))
            .unwrap()
            .to_owned()
    };
    let first = id_of(STEP);
    assert_eq!(first, id_of(STEP), "same input, same id");
    assert_ne!(
        first,
        id_of(&STEP.replace("nginx:1.27", "nginx:1.28")),
        "changed input, new id"
    );
}

#[test]
fn a_kstep_toml_chooses_the_security_profile_of_the_steps_below_it() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "kstep.toml",
        "[pod]\nsecurity_profile = \"restricted\"\n",
    );
    fs::create_dir(dir.path().join("steps")).unwrap();
    write(&dir.path().join("steps"), "web.toml", STEP);
    let own = STEP
        .replace(
            "[[containers]]",
            "[pod]\nsecurity_profile = \"baseline\"\n\n[[containers]]",
        )
        .replace("name = \"web\"\n\n[pod]", "name = \"own\"\n\n[pod]");
    write(&dir.path().join("steps"), "own.toml", &own);
    let compiled = |name: &str| {
        let output = run(kstep()
            .current_dir(dir.path().join("steps"))
            .args(["compile", "--stdout", name]));
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        String::from_utf8(output.stdout).unwrap()
    };
    let restricted = compiled("web.toml");
    assert!(restricted.contains("runAsNonRoot: true"), "{restricted}");
    assert!(restricted.contains("- ALL"), "{restricted}");
    // The step's own choice wins over its kstep.toml's.
    let baseline = compiled("own.toml");
    assert!(!baseline.contains("runAsNonRoot"), "{baseline}");
    assert!(!baseline.contains("capabilities"), "{baseline}");
    assert!(
        baseline.contains("allowPrivilegeEscalation: false"),
        "{baseline}"
    );
}

#[test]
fn a_bad_kstep_toml_stops_compile_and_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "kstep.toml",
        "[pod]\nsecurity_profile = \"strict\"\n",
    );
    let step = write(dir.path(), "web.toml", STEP);
    let output = run(kstep()
        .current_dir(dir.path())
        .args(["compile", "-o", "out"])
        .arg(&step));
    assert_eq!(output.status.code(), Some(1));
    let err = stderr(&output);
    assert!(err.contains("kstep::invalid-choice"), "{err}");
    assert!(err.contains("kstep.toml:2:20"), "{err}");
    assert!(!dir.path().join("out").exists());
}

#[test]
fn the_output_does_not_depend_on_the_working_directory() {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join("deploy/web")).unwrap();
    write(&dir.path().join("deploy/web"), "web.toml", STEP);
    let compile = |cwd: PathBuf, step: &str, out: &str| {
        let output = run(kstep().current_dir(cwd).args(["compile", step, "-o", out]));
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    };
    compile(dir.path().to_owned(), "deploy/web/web.toml", "a");
    compile(dir.path().join("deploy/web"), "web.toml", "../../b");
    compile(dir.path().join("deploy"), "./web/../web/web.toml", "../c");
    let a = read_tree(&dir.path().join("a"));
    assert_eq!(a, read_tree(&dir.path().join("b")));
    assert_eq!(a, read_tree(&dir.path().join("c")));
    // So `--check` from another directory finds nothing to change.
    let check = run(kstep()
        .current_dir(dir.path().join("deploy/web"))
        .args(["compile", "--check", "web.toml", "-o", "../../a"]));
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
}

#[test]
fn completions_for_every_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let output = run(kstep().args(["completions", shell]));
        assert_eq!(
            output.status.code(),
            Some(0),
            "{shell}: {}",
            stderr(&output)
        );
        let script = String::from_utf8(output.stdout).unwrap();
        for word in [
            "compile",
            "lint",
            "explain",
            "manifest-format",
            "message-format",
            "input-format",
        ] {
            assert!(script.contains(word), "{shell}: no {word}");
        }
    }
    // The bash script is valid bash.
    let dir = tempfile::tempdir().unwrap();
    let output = run(kstep().args(["completions", "bash"]));
    let script = write(
        dir.path(),
        "kstep.bash",
        &String::from_utf8(output.stdout).unwrap(),
    );
    let check = run(std::process::Command::new("bash").arg("-n").arg(&script));
    assert!(check.status.success(), "{}", stderr(&check));
    let output = run(kstep().args(["completions", "tcsh"]));
    assert_eq!(output.status.code(), Some(2));
}

#[test]
fn man_pages() {
    let output = run(kstep().arg("man"));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let page = String::from_utf8(output.stdout).unwrap();
    assert!(page.contains(".TH kstep 1"), "{page}");
    assert!(page.contains("kstep\\-compile(1)"), "{page}");

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("man1");
    let output = run(kstep().arg("man").arg("--dir").arg(&out));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let files: Vec<String> = read_tree(&out).into_iter().map(|(p, _)| p).collect();
    for command in [
        "compile",
        "lint",
        "vars",
        "schema",
        "explain",
        "completions",
        "man",
    ] {
        assert!(files.contains(&format!("kstep-{command}.1")), "{files:?}");
    }
    let compile = fs::read_to_string(out.join("kstep-compile.1")).unwrap();
    assert!(compile.contains("manifest\\-format"), "{compile}");
    assert!(
        !compile.contains("\\fB\\-\\-format\\fR"),
        "the renamed --format stays hidden"
    );
}

#[test]
fn public_images_that_run_as_root_start_under_the_default_profile() {
    let dir = tempfile::tempdir().unwrap();
    for image in ["nginx:1.27", "postgres:16"] {
        let step = STEP.replace("nginx:1.27", image);
        let path = write(dir.path(), "web.toml", &step);
        let output = run(kstep()
            .current_dir(dir.path())
            .args(["compile", "--stdout"])
            .arg(&path));
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let text = String::from_utf8(output.stdout).unwrap();
        assert!(text.contains(&format!("image: \"{image}\"")), "{text}");
        assert!(!text.contains("runAsNonRoot"), "{image}: {text}");
        assert!(!text.contains("capabilities"), "{image}: {text}");
        assert!(text.contains("allowPrivilegeEscalation: false"), "{text}");
        assert!(text.contains("type: RuntimeDefault"), "{text}");
    }
}

#[test]
fn a_patched_secret_is_masked_and_a_patched_config_rolls_the_pods() {
    let dir = tempfile::tempdir().unwrap();
    let step = |value: &str| {
        format!(
            "{STEP}\n[config_maps.web-config]\ndata = {{ LEVEL = \"info\" }}\n\n[secrets.web-token]\ndata = {{ token = \"one\" }}\n\n[[patches]]\nkind = \"Secret\"\nmerge = {{ stringData = {{ extra = \"hidden-{value}\" }} }}\n\n[[patches]]\nkind = \"ConfigMap\"\nmerge = {{ data = {{ EXTRA = \"{value}\" }} }}\n"
        )
    };
    let compile = |value: &str, show: bool| {
        let path = write(dir.path(), "web.toml", &step(value));
        let mut command = kstep();
        command
            .current_dir(dir.path())
            .args(["compile", "--stdout"])
            .arg(&path);
        if show {
            command.arg("--show-secrets");
        }
        let output = run(&mut command);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        String::from_utf8(output.stdout).unwrap()
    };
    let masked = compile("s3cr3t", false);
    assert!(!masked.contains("hidden-s3cr3t"), "{masked}");
    assert!(compile("s3cr3t", true).contains("hidden-s3cr3t"));
    let hash = |text: &str| {
        text.lines()
            .find(|l| l.contains("kstep.dev/config-hash"))
            .map(str::to_owned)
            .expect("a config hash")
    };
    assert_ne!(
        hash(&compile("a", false)),
        hash(&compile("b", false)),
        "a patch to an owned ConfigMap or Secret changes the pods' config hash"
    );
}
