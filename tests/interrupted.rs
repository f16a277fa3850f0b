//! A compile killed at random points (SIGKILL: no destructor runs) never damages earlier
//! output, `--check` reports the staging directories it leaves, and the next compile removes
//! them: afterwards the output directory holds exactly the compiled files.

mod support;

use std::fs;
use std::path::Path;
use std::process::Stdio;
use std::time::{Duration, Instant};

use support::{Rng, kstep, read_tree, run, stderr, write};

/// Kills per test run: enough to hit every phase of a compile (staging, committing, done).
const KILLS: usize = 30;
/// Steps per compile: enough files that a compile lasts long enough to be interrupted.
const STEPS: usize = 40;

/// A step with several objects, so each step directory holds several files.
fn step(i: usize) -> String {
    format!(
        r#"[step]
id = "step-{i}"

[deployment]
name = "web"

[config_maps.config]
data = {{ LEVEL = "info" }}

[secrets.token]
data = {{ token = "value-{i}" }}

[[containers]]
name = "web"
image = "nginx:1.27"
ports = [{{ name = "http", port = 8080 }}]
env = [{{ name = "TOKEN", secret = "token", key = "token" }}]

[service]
ports = [{{ name = "http", port = 80, target_port = "http" }}]
"#
    )
}

fn staging_dirs(out: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(out)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with(".kstep-staging-"))
        .collect();
    names.sort();
    names
}

#[test]
fn killed_compiles_leave_nothing_behind_after_the_next_one() {
    let dir = tempfile::tempdir().unwrap();
    let steps: Vec<_> = (0..STEPS)
        .map(|i| write(dir.path(), &format!("step-{i}.toml"), &step(i)))
        .collect();
    let compile = |out: &Path, id: &str| {
        let mut command = kstep();
        command
            .arg("compile")
            .args(&steps)
            .arg("-o")
            .arg(out)
            .args(["--deployment-id", id]);
        command
    };
    // The two outputs a killed compile may leave in a step's directory: before and after.
    let references: Vec<_> = ["one", "two"]
        .iter()
        .map(|id| {
            let out = dir.path().join(format!("reference-{id}"));
            let output = run(&mut compile(&out, id));
            assert!(output.status.success(), "{}", stderr(&output));
            out
        })
        .collect();
    let out = dir.path().join("dist");
    let started = Instant::now();
    assert!(run(&mut compile(&out, "one")).status.success());
    let duration = started.elapsed();

    let mut rng = Rng(0x6b73_7465_7021);
    let mut left_behind = 0;
    for kill in 0..KILLS {
        let id = ["two", "one"][kill % 2];
        let mut child = compile(&out, id)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Up to twice a typical compile's time, so some kills come too late.
        let limit = duration.as_micros() as u64 * 2;
        std::thread::sleep(Duration::from_micros(rng.below(limit.max(1))));
        child.kill().unwrap();
        child.wait().unwrap();

        let staged = staging_dirs(&out);
        if !staged.is_empty() {
            left_behind += 1;
        }
        // Each step's directory is whole: the output of one compile or the other. One whose
        // commit was interrupted between its two renames is missing here and waits in the
        // staging directory as `old-<id>` for the next compile to move back.
        for i in 0..STEPS {
            let name = format!("step-{i}");
            let step_dir = out.join(&name);
            if !step_dir.exists() {
                assert!(
                    staged
                        .iter()
                        .any(|s| out.join(s).join(format!("old-{name}")).is_dir()),
                    "kill {kill}: {name} is gone"
                );
                continue;
            }
            let tree = read_tree(&step_dir);
            assert!(
                references.iter().any(|r| read_tree(&r.join(&name)) == tree),
                "kill {kill}: {name} is damaged"
            );
        }
        if !staged.is_empty() {
            let check = run(compile(&out, id).arg("--check"));
            assert_eq!(check.status.code(), Some(1), "kill {kill}");
            let report = String::from_utf8_lossy(&check.stdout);
            for name in &staged {
                assert!(
                    report.contains(&format!(
                        "stale: {name}/ (left by an interrupted compile; the next compile removes it)"
                    )),
                    "kill {kill}: {report}"
                );
            }
        }
    }
    assert!(
        left_behind > 0,
        "no kill interrupted a compile while it wrote, so this test tested nothing"
    );

    let output = run(&mut compile(&out, "two"));
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        read_tree(&out),
        read_tree(&references[1]),
        "exactly the compiled files"
    );
    assert!(staging_dirs(&out).is_empty());
    let check = run(compile(&out, "two").arg("--check"));
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
}

/// A staging directory whose writer is alive (its lock is held) is neither removed nor
/// reported, so two compiles into one directory at once do not break each other.
#[test]
fn a_staging_directory_in_use_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let step = write(dir.path(), "step.toml", &step(0));
    let out = dir.path().join("dist");
    let live = out.join(".kstep-staging-live");
    fs::create_dir_all(live.join("new-0")).unwrap();
    let lock = fs::File::create(live.join("lock")).unwrap();
    lock.lock().unwrap();
    let compile = |extra: &[&str]| {
        run(kstep()
            .arg("compile")
            .arg(&step)
            .arg("-o")
            .arg(&out)
            .args(extra))
    };
    assert!(compile(&[]).status.success());
    assert!(
        live.join("new-0").is_dir(),
        "a live staging directory was removed"
    );
    let check = compile(&["--check"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    drop(lock);
    assert_eq!(compile(&["--check"]).status.code(), Some(1));
    assert!(compile(&[]).status.success());
    assert_eq!(staging_dirs(&out), Vec::<String>::new());
}
