//! deploy.sh's failure report: after a failed rollout, a line per container of each pod that
//! is not ready, with a hint for the common causes. The stand-in kubectl is given pod statuses
//! and events in the API's shape, and its rendering of the script's go-templates is compared
//! with the real kubectl's, so what is tested here is what a cluster would show.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};
use support::cluster::Cluster;
use support::{root, stderr};

const STEP: &str = r#"[step]
id = "web"
namespace = "shop"

[deployment]
name = "web"
replicas = 2

[[containers]]
name = "migrate"
init = true
image = "ghcr.io/acme/web:1.4.2"

[[containers]]
name = "web"
image = "ghcr.io/acme/web:1.4.2"
"#;

/// A cluster where build-1 runs and build-2 (a new image) is deployed but does not become
/// ready; returns the cluster and build-2's output.
fn failing() -> (Cluster, PathBuf) {
    let cluster = Cluster::new();
    cluster.deploy_ok(&cluster.compile(STEP, "rolling-update", "build-1"));
    let second = cluster.compile(&STEP.replace("1.4.2", "1.5.0"), "rolling-update", "build-2");
    (cluster, second)
}

/// Runs build-2's deploy.sh with the new pods in `status` and these `events` about them.
fn fail(cluster: &Cluster, dir: &Path, status: &Value, events: &Value) -> Output {
    let output = cluster
        .deploy_command(dir, &[])
        .env("FAKE_KUBECTL_FAIL_ROLLOUT", "*")
        .env("FAKE_KUBECTL_FAIL_STATUS", status.to_string())
        .env("FAKE_KUBECTL_FAIL_EVENTS", events.to_string())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    output
}

/// The report's lines (after its heading, before `kubectl describe`), with the unready pods'
/// names (from the `--output wide` listing) replaced by `<pod-0>`, `<pod-1>`, ...
fn report(output: &Output) -> Vec<String> {
    let text = stderr(output);
    let mut lines: Vec<String> = text
        .lines()
        .skip_while(|l| *l != "Pods that are not ready:")
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .map(str::to_owned)
        .collect();
    let unready = text
        .lines()
        .filter_map(|l| l.strip_suffix("  0/1"))
        .collect::<Vec<_>>();
    assert!(!unready.is_empty(), "{text}");
    for line in &mut lines {
        for (i, pod) in unready.iter().enumerate() {
            *line = line.replace(pod, &format!("<pod-{i}>"));
        }
    }
    lines
}

fn completed_init() -> Value {
    json!([{ "name": "migrate", "ready": true, "started": false, "restartCount": 0,
             "state": { "terminated": { "exitCode": 0, "reason": "Completed" } } }])
}

/// A pod status whose `web` container has this state (and last state, restart count).
fn web(state: Value, last: Value, restarts: u32, ready: bool, started: bool) -> Value {
    json!({
        "phase": "Pending",
        "conditions": [
            { "type": "PodScheduled", "status": "True" },
            { "type": "Ready", "status": "False", "reason": "ContainersNotReady" },
        ],
        "initContainerStatuses": completed_init(),
        "containerStatuses": [{
            "name": "web", "ready": ready, "started": started, "restartCount": restarts,
            "image": "ghcr.io/acme/web:1.5.0", "state": state, "lastState": last,
        }],
    })
}

fn waiting(reason: &str, message: &str) -> Value {
    web(
        json!({ "waiting": { "reason": reason, "message": message } }),
        json!({}),
        0,
        false,
        false,
    )
}

fn crash_loop(exit_code: i32, reason: &str) -> Value {
    web(
        json!({ "waiting": { "reason": "CrashLoopBackOff", "message": "back-off 40s restarting failed container=web" } }),
        json!({ "terminated": { "exitCode": exit_code, "reason": reason } }),
        4,
        false,
        false,
    )
}

fn running(started: bool) -> Value {
    web(
        json!({ "running": { "startedAt": "2025-01-01T00:00:00Z" } }),
        json!({}),
        0,
        false,
        started,
    )
}

fn event(message: &str) -> Value {
    json!([{ "type": "Warning", "reason": "Unhealthy", "fieldPath": "spec.containers{web}", "message": message }])
}

const INIT_LINE: &str = "init container migrate: terminated (Completed, exit code 0)";

/// The report of a status: each unready pod (two) gets the init container's line and `web`'s;
/// each hint comes once, after the first line that calls for it.
fn assert_report(status: Value, events: Value, web_line: &str, hints: &[&str]) {
    let (cluster, dir) = failing();
    let lines = report(&fail(&cluster, &dir, &status, &events));
    let mut expected = Vec::new();
    for pod in ["<pod-0>", "<pod-1>"] {
        expected.push(format!("  pod {pod}, {INIT_LINE}"));
        expected.push(format!("  pod {pod}, container web: {web_line}"));
        if pod == "<pod-0>" {
            expected.extend(hints.iter().map(|h| format!("    hint: {h}")));
        }
    }
    // Hints are compared by their start, so that their wording can be refined.
    assert_eq!(lines.len(), expected.len(), "{lines:#?}");
    for (line, expected) in lines.iter().zip(&expected) {
        assert!(
            line.starts_with(expected.as_str()),
            "{line}\nshould start with\n{expected}"
        );
    }
}

#[test]
fn an_image_that_runs_as_root() {
    let message = r#"container has runAsNonRoot and image will run as root (pod: "web-6d4b75cb6d-x2k4z_shop(5c1d0e4f)", container: web)"#;
    assert_report(
        waiting("CreateContainerConfigError", message),
        json!([]),
        r#"waiting (CreateContainerConfigError): "container has runAsNonRoot and image will run as root (pod: \"web-6d4b75cb6d-x2k4z_shop(5c1d0e4f)\", container: web)""#,
        &["the image runs as root"],
    );
    let (cluster, dir) = failing();
    let hint = report(&fail(
        &cluster,
        &dir,
        &waiting("CreateContainerConfigError", message),
        &json!([]),
    ))
    .into_iter()
    .find(|l| l.contains("hint:"))
    .unwrap();
    for field in [
        "run_as_user = 1000",
        "security = { run_as_user",
        "security_profile = \"restricted\"",
    ] {
        assert!(hint.contains(field), "{hint} names {field}");
    }
}

#[test]
fn an_image_with_a_user_name() {
    assert_report(
        waiting(
            "CreateContainerConfigError",
            "container has runAsNonRoot and image has non-numeric user (nginx), cannot verify user is non-root (pod: \"web\", container: web)",
        ),
        json!([]),
        r#"waiting (CreateContainerConfigError): "container has runAsNonRoot and image has non-numeric user (nginx), cannot verify user is non-root (pod: \"web\", container: web)""#,
        &["the image names its user by name"],
    );
}

#[test]
fn a_missing_secret() {
    assert_report(
        waiting("CreateContainerConfigError", r#"secret "web-db" not found"#),
        json!([]),
        r#"waiting (CreateContainerConfigError): "secret \"web-db\" not found""#,
        &["a ConfigMap, Secret or key that the container uses"],
    );
}

#[test]
fn an_image_that_cannot_be_pulled() {
    for reason in ["ImagePullBackOff", "ErrImagePull"] {
        assert_report(
            waiting(reason, r#"Back-off pulling image "ghcr.io/acme/web:1.5.0""#),
            json!([]),
            &format!(r#"waiting ({reason}): "Back-off pulling image \"ghcr.io/acme/web:1.5.0\"""#),
            &["the image cannot be pulled: check its name and tag"],
        );
    }
}

#[test]
fn a_container_that_keeps_exiting() {
    assert_report(
        crash_loop(1, "Error"),
        json!([]),
        r#"waiting (CrashLoopBackOff): "back-off 40s restarting failed container=web"; restarts: 4, last exit code 1 (Error)"#,
        &[
            "the container keeps exiting: its log before the last restart shows why: kubectl logs <pod-0> --container web --previous",
        ],
    );
}

#[test]
fn a_container_out_of_memory() {
    assert_report(
        crash_loop(137, "OOMKilled"),
        json!([]),
        r#"waiting (CrashLoopBackOff): "back-off 40s restarting failed container=web"; restarts: 4, last exit code 137 (OOMKilled)"#,
        &["the container used more memory than its limit"],
    );
    assert_report(
        web(
            json!({ "terminated": { "exitCode": 137, "reason": "OOMKilled" } }),
            json!({}),
            0,
            false,
            false,
        ),
        json!([]),
        "terminated (OOMKilled, exit code 137)",
        &["the container used more memory than its limit"],
    );
}

#[test]
fn a_container_killed_by_its_liveness_probe() {
    assert_report(
        crash_loop(137, "Error"),
        json!([]),
        r#"waiting (CrashLoopBackOff): "back-off 40s restarting failed container=web"; restarts: 4, last exit code 137 (Error)"#,
        &["the container was killed (exit code 137 is SIGKILL"],
    );
}

#[test]
fn a_command_that_cannot_run() {
    assert_report(
        waiting(
            "RunContainerError",
            "exec: \"/app/web\": stat /app/web: no such file or directory",
        ),
        json!([]),
        r#"waiting (RunContainerError): "exec: \"/app/web\": stat /app/web: no such file or directory""#,
        &["the container could not be started"],
    );
}

#[test]
fn a_failing_readiness_probe() {
    assert_report(
        running(true),
        event("Readiness probe failed: HTTP probe failed with statuscode: 503"),
        r#"running, not ready: "Readiness probe failed: HTTP probe failed with statuscode: 503""#,
        &["the readiness probe fails"],
    );
    // Without events (no permission to list them, or they expired): the state alone.
    assert_report(
        running(true),
        json!([]),
        "running, not ready",
        &["the readiness probe fails"],
    );
}

#[test]
fn a_startup_probe_that_has_not_passed() {
    assert_report(
        running(false),
        json!([
            { "type": "Warning", "reason": "Unhealthy", "fieldPath": "spec.containers{web}", "message": "Readiness probe failed: not the one" },
            { "type": "Warning", "reason": "Unhealthy", "fieldPath": "spec.containers{web}", "message": "Startup probe failed: dial tcp 10.1.2.3:8080: connect: connection refused" },
        ]),
        r#"running, not started: "Startup probe failed: dial tcp 10.1.2.3:8080: connect: connection refused""#,
        &["the startup probe has not passed"],
    );
}

#[test]
fn a_pod_that_no_node_can_run() {
    let (cluster, dir) = failing();
    let status = json!({
        "phase": "Pending",
        "conditions": [{ "type": "PodScheduled", "status": "False", "reason": "Unschedulable",
                         "message": "0/3 nodes are available: 3 Insufficient cpu." }],
    });
    assert_eq!(
        report(&fail(&cluster, &dir, &status, &json!([]))),
        [
            r#"  pod <pod-0>: not scheduled (Unschedulable): "0/3 nodes are available: 3 Insufficient cpu.""#,
            "    hint: no node can run the pod: it may request more cpu or memory than any node has free (resources), or no node fits its node selector, affinity or tolerations",
            r#"  pod <pod-1>: not scheduled (Unschedulable): "0/3 nodes are available: 3 Insufficient cpu.""#,
        ]
    );
}

#[test]
fn a_failing_init_container() {
    let (cluster, dir) = failing();
    let status = json!({
        "conditions": [{ "type": "PodScheduled", "status": "True" }, { "type": "Ready", "status": "False" }],
        "initContainerStatuses": [{ "name": "migrate", "ready": false, "restartCount": 2,
            "state": { "waiting": { "reason": "CrashLoopBackOff", "message": "back-off 20s" } },
            "lastState": { "terminated": { "exitCode": 2, "reason": "Error" } } }],
        "containerStatuses": [{ "name": "web", "ready": false, "restartCount": 0,
            "state": { "waiting": { "reason": "PodInitializing" } } }],
    });
    let lines = report(&fail(&cluster, &dir, &status, &json!([])));
    assert_eq!(
        lines[..3],
        [
            r#"  pod <pod-0>, init container migrate: waiting (CrashLoopBackOff): "back-off 20s"; restarts: 2, last exit code 2 (Error)"#,
            "    hint: the container keeps exiting: its log before the last restart shows why: kubectl logs <pod-0> --container migrate --previous",
            "  pod <pod-0>, container web: waiting (PodInitializing)",
        ]
    );
}

/// Messages are the cluster's text: anything may be in them. The report shows them in Go's
/// quoting, one line each, with no control character, and runs nothing.
#[test]
fn hostile_messages_are_shown_quoted_and_run_nothing() {
    let (cluster, dir) = failing();
    let marker = cluster.dir.path().join("pwned");
    let m = marker.display();
    let message = format!("a\tb\nc\r\u{1b}[31mred $(touch {m}) `touch {m}` '\"\\ \u{202e}ü\u{0}");
    let output = fail(
        &cluster,
        &dir,
        &waiting("CreateContainerConfigError", &message),
        &json!([]),
    );
    assert!(!marker.exists(), "a message ran a command");
    let lines = report(&output);
    let shown = format!(
        r#"waiting (CreateContainerConfigError): "a\tb\nc\r\x1b[31mred $(touch {m}) `touch {m}` '\"\\ \u202eü\x00""#
    );
    assert_eq!(lines[1], format!("  pod <pod-0>, container web: {shown}"));
    let text = stderr(&output);
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "a control character reached the output"
    );
}

/// The stand-in's rendering of deploy.sh's go-templates is the real kubectl's: both render
/// the same pods and events (statuses with every kind of state, hostile text), kubectl with
/// `label --local`, which runs a template on each object of a file without a cluster.
#[test]
fn the_stand_in_renders_the_templates_as_kubectl_does() {
    let (cluster, dir) = failing();
    let hostile = "tab\there\nline\r\u{1b}[0m \"q\" \\ $(x) `y` ü ✓ 🚀 e\u{301} \u{a0}\u{ad}\u{85}\u{7f}\u{202e}\u{2028}\u{e000}\u{10ffff}\u{0}";
    let status = json!({
        "conditions": [
            { "type": "PodScheduled", "status": "False", "reason": "Unschedulable", "message": hostile },
            { "type": "Ready", "status": "False" },
        ],
        "initContainerStatuses": [
            { "name": "migrate", "ready": true, "restartCount": 0,
              "state": { "terminated": { "exitCode": 0, "reason": "Completed", "message": hostile } } },
        ],
        "containerStatuses": [
            { "name": "web", "ready": false, "started": false, "restartCount": 1000000,
              "state": { "waiting": { "reason": "CrashLoopBackOff", "message": hostile } },
              "lastState": { "terminated": { "exitCode": -1, "reason": hostile } } },
            { "name": "side", "ready": true, "started": true, "restartCount": 0,
              "state": { "running": { "startedAt": "2025-01-01T00:00:00Z" } } },
            { "name": "empty", "state": {} },
            { "name": "gone", "ready": false, "state": { "terminated": { "exitCode": 143 } } },
        ],
    });
    let events = json!([
        { "type": "Warning", "reason": "Unhealthy", "fieldPath": "spec.containers{web}", "message": hostile },
        { "type": "Warning", "reason": "Unhealthy", "fieldPath": "", "message": "" },
    ]);
    // The first deployment's pods are ready and need no status from the test.
    let stand_in = |args: &[&str]| {
        let output = Command::new(cluster.kubectl())
            .args(["--namespace", "shop"])
            .args(args)
            .env("FAKE_KUBECTL_STATE", cluster.state())
            .env("FAKE_KUBECTL_FAIL_STATUS", status.to_string())
            .env("FAKE_KUBECTL_FAIL_EVENTS", events.to_string())
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        String::from_utf8(output.stdout).unwrap()
    };
    fail(&cluster, &dir, &status, &events);
    let scripts = root().join("compiler/emit/scripts");
    for (kind, selector, file, per_object) in [
        (
            "pods",
            ["--selector", "kstep.dev/step=web"],
            "pod-report.gotmpl",
            (
                "{{- range .items}}{{template \"pod\" .}}{{end}}",
                "{{- template \"pod\" .}}",
            ),
        ),
        (
            "events",
            [
                "--field-selector",
                "involvedObject.kind=Pod,reason=Unhealthy",
            ],
            "probe-events.gotmpl",
            ("{{- range .items}}", "{{- with .}}"),
        ),
    ] {
        let template = fs::read_to_string(scripts.join(file)).unwrap();
        let rendered = stand_in(
            &[
                &["get", kind],
                &selector[..],
                &["--output", &format!("go-template={template}")],
            ]
            .concat(),
        );
        let list = stand_in(&[&["get", kind], &selector[..], &["--output", "json"]].concat());
        assert!(list.matches("\"name\"").count() > 2, "{list}");
        // kubectl runs the template on each object of the list: the template's own loop
        // over `.items` becomes the object itself.
        assert!(
            template.contains(per_object.0),
            "{file} changed: update this test"
        );
        let object_template = template.replace(per_object.0, per_object.1);
        let scratch = tempfile::tempdir().unwrap();
        let list_file = scratch.path().join("list.json");
        fs::write(&list_file, &list).unwrap();
        let kubectl = match Command::new("kubectl")
            .env("KUBECONFIG", scratch.path().join("no-config"))
            .args(["label", "--local", "--filename"])
            .arg(&list_file)
            .args(["kstep.dev/test=1", "--output"])
            .arg(format!("go-template={object_template}"))
            .output()
        {
            Ok(output) => output,
            // kubectl comes with the machine image, and no package registry here has it: a
            // machine without it cannot make this comparison, and says so.
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                eprintln!(
                    "kubectl is not installed: the stand-in's templates were not compared with it"
                );
                return;
            }
            Err(e) => panic!("cannot run kubectl: {e}"),
        };
        assert!(kubectl.status.success(), "{}", stderr(&kubectl));
        // kubectl prints each object's output on its own, followed by a newline.
        let lines = |text: &str| {
            text.lines()
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect::<Vec<_>>()
        };
        let real = String::from_utf8(kubectl.stdout).unwrap();
        assert_eq!(lines(&rendered), lines(&real), "{kind}");
        assert!(lines(&real).len() >= 2, "{real}");
    }
}
