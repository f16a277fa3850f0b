//! A cluster for running deploy scripts: the stand-in kubectl (`fake_kubectl.py`) behind a
//! wrapper, its state file, and a place for compiled steps. Shared by the tests that run
//! scripts (scripts.rs, report.rs, hostile_scripts.rs).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use super::{kstep, python, root, run, stderr};

/// A cluster: a state file, a kubectl wrapper, a place for compiled steps.
pub(crate) struct Cluster {
    pub(crate) dir: tempfile::TempDir,
}

impl Cluster {
    pub(crate) fn new() -> Self {
        let cluster = Cluster {
            dir: tempfile::tempdir().unwrap(),
        };
        fs::write(cluster.kubectl(), wrapper()).unwrap();
        make_executable(&cluster.kubectl());
        cluster
    }

    pub(crate) fn kubectl(&self) -> PathBuf {
        self.dir.path().join("kubectl")
    }

    pub(crate) fn state(&self) -> PathBuf {
        self.dir.path().join("state.json")
    }

    /// Compiles `step` with a strategy and deployment id; returns the step's output directory.
    pub(crate) fn compile(&self, step: &str, strategy: &str, id: &str) -> PathBuf {
        let source = self.dir.path().join("web.toml");
        fs::write(&source, step).unwrap();
        let out = self.dir.path().join(format!("out-{id}"));
        let output = run(kstep()
            .arg("compile")
            .arg(&source)
            .arg("-o")
            .arg(&out)
            .args(["--strategy", strategy, "--deployment-id", id]));
        assert!(output.status.success(), "{}", stderr(&output));
        out.join("web")
    }

    /// A command that runs a compiled step's deploy.sh against this cluster. A blue/green
    /// script that switches Services runs with `--scale-down-delay 0` unless `args` give a
    /// delay: tests of the delay itself give one.
    pub(crate) fn deploy_command(&self, step_dir: &Path, args: &[&str]) -> Command {
        let script = step_dir.join("deploy.sh");
        let mut command = Command::new(&script);
        command.args(args);
        let switches = fs::read_to_string(&script)
            .is_ok_and(|text| text.contains("--scale-down-delay SECONDS"));
        if switches && !args.iter().any(|a| a.starts_with("--scale-down-delay")) {
            command.args(["--scale-down-delay", "0"]);
        }
        command
            .env("KUBECTL", self.kubectl())
            .env("FAKE_KUBECTL_STATE", self.state())
            .env_remove("FAKE_KUBECTL_FAIL_ROLLOUT")
            .env_remove("FAKE_KUBECTL_FAIL_STATUS")
            .env_remove("FAKE_KUBECTL_FAIL_EVENTS")
            .env_remove("FAKE_KUBECTL_ROLLOUT_SECONDS")
            .env_remove("FAKE_KUBECTL_LAGGING_READS")
            .env_remove("FAKE_KUBECTL_FAIL_COMMAND")
            .env_remove("FAKE_KUBECTL_UNREACHABLE")
            .env_remove("FAKE_KUBECTL_FAIL_JOB")
            .env_remove("FAKE_KUBECTL_JOB_POLLS")
            .env_remove("FAKE_KUBECTL_LOGS")
            .stdin(std::process::Stdio::null());
        command
    }

    /// Runs a compiled step's deploy.sh; `fail_rollout` names the Deployment whose rollout
    /// times out (`*`: any).
    pub(crate) fn deploy(
        &self,
        step_dir: &Path,
        args: &[&str],
        fail_rollout: Option<&str>,
    ) -> Output {
        let mut command = self.deploy_command(step_dir, args);
        if let Some(name) = fail_rollout {
            command.env("FAKE_KUBECTL_FAIL_ROLLOUT", name);
        }
        command.output().expect("deploy.sh runs")
    }

    pub(crate) fn deploy_ok(&self, step_dir: &Path) {
        let output = self.deploy(step_dir, &[], None);
        assert!(
            output.status.success(),
            "deploy.sh failed:\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            stderr(&output)
        );
    }

    pub(crate) fn read_state(&self) -> Value {
        fs::read_to_string(self.state())
            .map(|text| serde_json::from_str(&text).unwrap())
            .unwrap_or_else(|_| serde_json::json!({"objects": [], "log": []}))
    }

    pub(crate) fn add_objects(&self, objects: Vec<Value>) {
        let mut state = self.read_state();
        state["objects"].as_array_mut().unwrap().extend(objects);
        fs::write(self.state(), state.to_string()).unwrap();
    }

    /// `kind/namespace/name` of every object, sorted.
    pub(crate) fn objects(&self) -> Vec<String> {
        let mut names: Vec<String> = self.read_state()["objects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| {
                format!(
                    "{}/{}/{}",
                    o["kind"].as_str().unwrap(),
                    o["metadata"]["namespace"].as_str().unwrap(),
                    o["metadata"]["name"].as_str().unwrap()
                )
            })
            .collect();
        names.sort();
        names
    }

    pub(crate) fn object(&self, kind: &str, name: &str) -> Option<Value> {
        self.read_state()["objects"]
            .as_array()
            .unwrap()
            .iter()
            .find(|o| o["kind"] == kind && o["metadata"]["name"] == name)
            .cloned()
    }

    /// The arguments of every kubectl call so far.
    pub(crate) fn log(&self) -> Vec<Vec<String>> {
        serde_json::from_value(self.read_state()["log"].clone()).unwrap()
    }
}

/// The kubectl the scripts run: the stand-in, behind a wrapper that, like a CI system's
/// kubectl wrapper, reads its standard input to the end (a script that lets kubectl read the
/// input of a loop loses the rest of that loop), unless kubectl is to read a manifest from it
/// (`--filename -`).
pub(crate) fn wrapper() -> String {
    format!(
        r#"#!/bin/sh
previous=""
reads=false
for arg in "$@"; do
  if [ "$previous" = --filename ] && [ "$arg" = - ]; then reads=true; fi
  previous=$arg
done
if [ "$reads" = false ]; then cat >/dev/null; fi
exec '{}' '{}' "$@"
"#,
        python().display(),
        root().join("tests/support/fake_kubectl.py").display()
    )
}

#[cfg(unix)]
pub(crate) fn make_executable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}
