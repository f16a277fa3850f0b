//! The stand-in kubectl against the real one: every command line the deploy scripts run is
//! one the real kubectl accepts, and the JSONPath outputs the scripts read are printed by
//! both alike. The real kubectl needs no cluster for this: command lines are checked against
//! a server that is not there (kubectl gets as far as connecting), and JSONPath with `patch
//! --local`, which prints a file's object.

mod support;

use std::collections::BTreeSet;
use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::json;
use support::cluster::Cluster;
use support::{python, root, stderr};

const STEP: &str = r#"[step]
id = "web"
namespace = "shop"

[deployment]
name = "web"
replicas = 3
blue_green = { auto_promote = false, preview = { replicas = 1 } }

[config_maps.web-config]
data = { LEVEL = "info" }

[[containers]]
name = "web"
image = "nginx:1.27"
ports = [{ name = "http", port = 8080 }]
env = [{ name = "LEVEL", config_map = "web-config", key = "LEVEL" }]

[service]
ports = [{ name = "http", port = 80, target_port = "http" }]

[ingress]
rules = [{ host = "web.example.com", paths = [{ path = "/", port = "http" }] }]
"#;

/// A step with an autoscaler, a disruption budget and an HTTPRoute that switches by weights,
/// for the command lines and JSONPath outputs those add.
const SCALED_STEP: &str = r#"[step]
id = "web"
namespace = "shop"

[deployment]
name = "api"
blue_green = { scale_down_delay = 0 }

[[containers]]
name = "api"
image = "nginx:1.27"
ports = [{ name = "http", port = 8080 }]
resources = { requests = { cpu = "100m" } }

[service]
ports = [{ name = "http", port = 80, target_port = "http" }]

[autoscaling]
min_replicas = 2
max_replicas = 6
cpu_utilization = 70

[disruption_budget]
max_unavailable = 1

[route]
parents = [{ name = "public", namespace = "shop" }]
switch = "weights"
rules = [{ backends = [{ port = "http" }] }]
"#;

/// The Gateway the scaled step's route attaches to, in the stand-in's state.
fn gateway() -> serde_json::Value {
    json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "Gateway",
        "metadata": {"name": "public", "namespace": "shop"},
        "spec": {"gatewayClassName": "example", "listeners": [{"name": "http", "port": 80, "protocol": "HTTP"}]}})
}

/// The real kubectl, or `None` (and a note) on a machine without it.
fn real_kubectl(args: &[String], stdin: Option<&str>, config: &Path) -> Option<Output> {
    let mut child = match Command::new("kubectl")
        .env("KUBECONFIG", config)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
    {
        Ok(child) => child,
        // kubectl comes with the machine image, and no package registry here has it.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("kubectl is not installed: the scripts' command lines were not checked");
            return None;
        }
        Err(e) => panic!("cannot run kubectl: {e}"),
    };
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    Some(child.wait_with_output().unwrap())
}

/// Every command line of a run through every command, under each strategy, and the
/// clusters (their files are named in the command lines).
fn command_lines() -> (Vec<Cluster>, BTreeSet<Vec<String>>) {
    let mut calls = BTreeSet::new();
    let mut clusters = Vec::new();
    for strategy in ["blue-green", "rolling-update"] {
        let cluster = Cluster::new();
        let step = if strategy == "blue-green" {
            STEP.to_owned()
        } else {
            STEP.replace(
                "blue_green = { auto_promote = false, preview = { replicas = 1 } }\n",
                "",
            )
        };
        let dirs: Vec<_> = ["b1", "b2", "b3"]
            .iter()
            .map(|id| cluster.compile(&step, strategy, id))
            .collect();
        let runs: &[(usize, &[&str])] = if strategy == "blue-green" {
            &[
                (0, &[]),
                (0, &["promote"]),
                (1, &[]),
                (1, &["status"]),
                (1, &["promote"]),
                (1, &["promote"]),
                (1, &["rollback"]),
                (2, &[]),
                (2, &["abort"]),
                (2, &["--dry-run"]),
                (0, &["promote", "--dry-run"]),
                (2, &["unlock", "--force"]),
            ]
        } else {
            &[
                (0, &[]),
                (1, &["status"]),
                (1, &[]),
                (2, &["--dry-run"]),
                (2, &["unlock", "--force"]),
            ]
        };
        for (dir, args) in runs {
            let output = cluster.deploy(&dirs[*dir], args, None);
            assert!(
                output.status.success(),
                "{strategy} {args:?}: {}",
                stderr(&output)
            );
        }
        // A failed rollout, for the report's calls.
        let failed = cluster.deploy(&dirs[2], &[], Some("*"));
        assert_eq!(failed.status.code(), Some(3), "{}", stderr(&failed));
        calls.extend(cluster.log());
        clusters.push(cluster);
        // The scaled step: the autoscaler's count, the budget, the route's conditions, its
        // move on rollback, and the cleanup's question about the Gateway API.
        let cluster = Cluster::new();
        cluster.add_objects(vec![gateway()]);
        let dirs: Vec<_> = ["b1", "b2"]
            .iter()
            .map(|id| cluster.compile(SCALED_STEP, strategy, id))
            .collect();
        let runs: &[(usize, &[&str])] = if strategy == "blue-green" {
            &[(0, &[]), (1, &[]), (1, &["rollback"]), (1, &["--dry-run"])]
        } else {
            &[(0, &[]), (1, &[]), (1, &["--dry-run"])]
        };
        for (dir, args) in runs {
            let output = cluster.deploy(&dirs[*dir], args, None);
            assert!(
                output.status.success(),
                "scaled {strategy} {args:?}: {}",
                stderr(&output)
            );
        }
        calls.extend(cluster.log());
        clusters.push(cluster);
    }
    (clusters, calls)
}

#[test]
fn the_real_kubectl_accepts_every_command_line_of_the_scripts() {
    let (_clusters, calls) = command_lines();
    let scratch = tempfile::tempdir().unwrap();
    // A kubeconfig whose server does not answer.
    let config = scratch.path().join("config");
    fs::write(
        &config,
        "apiVersion: v1\nkind: Config\nclusters:\n- name: none\n  cluster:\n    server: https://127.0.0.1:9\nusers:\n- name: none\n  user:\n    token: none\ncontexts:\n- name: none\n  context:\n    cluster: none\n    user: none\ncurrent-context: none\n",
    )
    .unwrap();
    let lease = json!({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
        "metadata": {"name": "kstep-web"}, "spec": {"leaseDurationSeconds": 60}})
    .to_string();
    let mut verbs = BTreeSet::new();
    for call in &calls {
        let stdin = call
            .windows(2)
            .any(|w| w == ["--filename", "-"])
            .then_some(lease.as_str());
        let mut args = vec!["--request-timeout=2s".to_owned()];
        args.extend(call.iter().cloned());
        let Some(output) = real_kubectl(&args, stdin, &config) else {
            return;
        };
        let err = stderr(&output);
        let local = call.iter().any(|a| a == "--local");
        assert!(
            (local && output.status.success()) || err.contains("127.0.0.1:9"),
            "kubectl {call:?} did not get as far as the server:\n{err}"
        );
        verbs.insert(
            call.iter()
                .find(|a| !a.starts_with('-') && *a != "shop")
                .cloned(),
        );
    }
    // The commands the scripts use, all of them checked.
    let verbs: Vec<_> = verbs.into_iter().flatten().collect();
    for verb in [
        "apply", "create", "delete", "describe", "get", "patch", "replace", "rollout", "scale",
    ] {
        assert!(
            verbs.contains(&verb.to_owned()),
            "{verb} not run: {verbs:?}"
        );
    }
}

/// The JSONPath outputs deploy.sh reads, printed by both for the same objects.
#[test]
fn the_stand_in_prints_jsonpath_as_kubectl_does() {
    let cluster = Cluster::new();
    let dir = cluster.compile(STEP, "blue-green", "b1");
    let scaled = cluster.compile(SCALED_STEP, "blue-green", "b1");
    let script = fs::read_to_string(dir.join("deploy.sh")).unwrap()
        + &fs::read_to_string(scaled.join("deploy.sh")).unwrap();
    // Every JSONPath template in the script; inside `range .items[*]` the template applies to
    // each object of a list, which `patch --local` prints one by one.
    let mut templates: BTreeSet<String> = BTreeSet::new();
    for piece in script.split("jsonpath=").skip(1) {
        let template = piece.split('\'').next().unwrap();
        let template = template
            .strip_prefix("{range .items[*]}")
            .and_then(|t| t.strip_suffix(r#"{"\n"}{end}"#))
            .unwrap_or(template);
        templates.insert(template.to_owned());
    }
    assert!(templates.len() >= 6, "{templates:?}");
    let objects = [
        json!({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": {"name": "kstep-web", "resourceVersion": "41"},
            "spec": {"holderIdentity": "ci-7/4242/b1", "leaseDurationSeconds": 60,
                     "acquireTime": "2025-01-01T00:00:00.000000Z", "renewTime": "2025-01-01T00:00:20.000000Z"}}),
        json!({"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
            "metadata": {"name": "kstep-web", "resourceVersion": "42"},
            "spec": {"leaseDurationSeconds": 60, "renewTime": "2025-01-01T00:00:30.000000Z"}}),
        json!({"apiVersion": "v1", "kind": "Service",
            "metadata": {"name": "web", "annotations": {"kstep.dev/active-deployment": "b2",
                "kstep.dev/previous-deployment": "b1", "kstep.dev/switched-at": "1735689600"}},
            "spec": {"selector": {"kstep.dev/step": "web", "kstep.dev/deployment-id": "b2"}}}),
        json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "web"},
            "spec": {"selector": {"kstep.dev/step": "web", "kstep.dev/track": "in-place"}}}),
        json!({"apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": {"name": "web-b1", "labels": {"kstep.dev/deployment-id": "b1"},
                         "annotations": {"kstep.dev/scaled-down-from": "3"}},
            "spec": {"replicas": 0, "selector": {"matchLabels": {"kstep.dev/step": "web", "kstep.dev/deployment-id": "b1"}}},
            "status": {}}),
        // An HTTPRoute with a Gateway's status: a condition False, one True with an empty
        // message, text that Go's JSON escapes, a parent that has not reported.
        json!({"apiVersion": "gateway.networking.k8s.io/v1", "kind": "HTTPRoute",
            "metadata": {"name": "api"},
            "spec": {"parentRefs": [{"name": "public", "namespace": "shop"}, {"name": "internal"}],
                     "rules": [{"backendRefs": [{"group": "", "kind": "Service", "name": "api-b1", "port": 80, "weight": 100}],
                                "matches": [{"headers": [{"name": "X-A", "type": "Exact", "value": "a\"b <&>"}]}]}]},
            "status": {"parents": [{"parentRef": {"name": "public", "namespace": "shop"},
                "controllerName": "example.com/gateway-controller",
                "conditions": [
                    {"type": "Accepted", "status": "False", "reason": "NotAllowedByListeners", "message": "no <listener> & more"},
                    {"type": "ResolvedRefs", "status": "True", "reason": "ResolvedRefs", "message": ""}]}]}}),
    ];
    let scratch = tempfile::tempdir().unwrap();
    let config = scratch.path().join("no-config");
    let state = scratch.path().join("state.json");
    let mut compared = 0;
    for (i, object) in objects.iter().enumerate() {
        let file = scratch.path().join(format!("object-{i}.json"));
        fs::write(&file, object.to_string()).unwrap();
        for template in &templates {
            let args: Vec<String> = [
                "patch",
                "--local",
                "--filename",
                &file.to_string_lossy(),
                "--type=merge",
                "--patch",
                "{}",
                "--output",
                &format!("jsonpath={template}"),
            ]
            .map(str::to_owned)
            .to_vec();
            let Some(real) = real_kubectl(&args, None, &config) else {
                return;
            };
            assert!(real.status.success(), "{}", stderr(&real));
            let fake = Command::new(python())
                .arg(root().join("tests/support/fake_kubectl.py"))
                .args(&args)
                .env("FAKE_KUBECTL_STATE", &state)
                .stdin(Stdio::null())
                .output()
                .unwrap();
            assert!(fake.status.success(), "{}", stderr(&fake));
            assert_eq!(
                String::from_utf8_lossy(&fake.stdout),
                String::from_utf8_lossy(&real.stdout),
                "{template} on {object}"
            );
            compared += 1;
        }
    }
    assert!(compared >= 30);
}
