//! The deploy scripts, run against a stand-in kubectl (tests/support/fake_kubectl.py) that
//! keeps object state and evaluates label selectors as the API server does. Every scenario
//! runs for each strategy; every generated script also passes shellcheck.

mod support;

use std::fs;
use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;
use support::cluster::Cluster;
use support::{kstep, run, stderr};

const STRATEGIES: [&str; 3] = ["recreate", "rolling-update", "blue-green"];

const SECRET_VALUE: &str = "s3cr3t-token-value";

/// A step with every kind of object the scripts handle.
fn step(annotation: &str) -> String {
    format!(
        r#"[step]
id = "web"
namespace = "shop"

[deployment]
name = "web"
annotations = {{ "example.com/note" = {annotation} }}

[config_maps.web-config]
data = {{ LEVEL = "info" }}

[secrets.web-secret]
data = {{ token = "{SECRET_VALUE}" }}

[[containers]]
name = "web"
image = "nginx:1.27"
ports = [{{ name = "http", port = 8080 }}]
env = [
  {{ name = "LEVEL", config_map = "web-config", key = "LEVEL" }},
  {{ name = "TOKEN", secret = "web-secret", key = "token" }},
]

[service]
ports = [{{ name = "http", port = 80, target_port = "http" }}]

[ingress]
rules = [{{ host = "web.example.com", paths = [{{ path = "/", port = "http" }}] }}]
"#
    )
}

/// The objects a deployment of the test step owns, for a strategy and id, and the lock.
fn expected(strategy: &str, id: &str) -> Vec<String> {
    expected_with(strategy, id, None)
}

/// The same, with the previous deployment a blue/green one keeps for rollback (its
/// Deployment, ConfigMap and Secret).
fn expected_with(strategy: &str, id: &str, previous: Option<&str>) -> Vec<String> {
    let versioned = |name: &str, id: &str| {
        if strategy == "blue-green" {
            format!("{name}-{id}")
        } else {
            name.to_owned()
        }
    };
    let mut names = vec![
        format!("ConfigMap/shop/{}", versioned("web-config", id)),
        format!("Deployment/shop/{}", versioned("web", id)),
        "Ingress/shop/web".to_owned(),
        "Lease/shop/kstep-web".to_owned(),
        format!("Secret/shop/{}", versioned("web-secret", id)),
        "Service/shop/web".to_owned(),
    ];
    if let Some(previous) = previous.filter(|_| strategy == "blue-green") {
        names.push(format!("ConfigMap/shop/web-config-{previous}"));
        names.push(format!("Deployment/shop/web-{previous}"));
        names.push(format!("Secret/shop/web-secret-{previous}"));
    }
    names.sort();
    names
}

fn service_selector(cluster: &Cluster) -> Value {
    cluster
        .object("Service", "web")
        .expect("the Service exists")["spec"]["selector"]
        .clone()
}

#[test]
fn first_deploy_creates_everything() {
    for strategy in STRATEGIES {
        let cluster = Cluster::new();
        cluster.deploy_ok(&cluster.compile(&step("\"hello\""), strategy, "build-1"));
        assert_eq!(
            cluster.objects(),
            expected(strategy, "build-1"),
            "{strategy}"
        );
        let deployment = cluster
            .object(
                "Deployment",
                if strategy == "blue-green" {
                    "web-build-1"
                } else {
                    "web"
                },
            )
            .unwrap();
        let pod_labels = &deployment["spec"]["template"]["metadata"]["labels"];
        for (key, value) in service_selector(&cluster).as_object().unwrap() {
            assert_eq!(
                &pod_labels[key], value,
                "{strategy}: the Service selects the pods"
            );
        }
    }
}

#[test]
fn a_new_deployment_replaces_the_old_one() {
    for strategy in STRATEGIES {
        let cluster = Cluster::new();
        cluster.deploy_ok(&cluster.compile(&step("\"one\""), strategy, "build-1"));
        cluster.deploy_ok(&cluster.compile(&step("\"two\""), strategy, "build-2"));
        assert_eq!(
            cluster.objects(),
            expected_with(strategy, "build-2", Some("build-1")),
            "{strategy}"
        );
        let selector = service_selector(&cluster);
        if strategy == "blue-green" {
            assert_eq!(selector["kstep.dev/deployment-id"], "build-2");
        }
        let service = cluster.object("Service", "web").unwrap();
        assert_eq!(
            service["metadata"]["labels"]["kstep.dev/deployment-id"],
            "build-2"
        );
    }
}

/// The script lists the deployment's pods (`get pods --output wide`, which the fake prints as
/// `NAME  READY`) and describes exactly the pods that are not ready.
fn assert_describes_only_unready_pods(strategy: &str, failed: &Output, calls: &[Vec<String>]) {
    let stderr = stderr(failed);
    let listed: Vec<(&str, &str)> = stderr
        .lines()
        .filter_map(|line| line.split_once("  "))
        .filter(|(_, ready)| matches!(*ready, "0/1" | "1/1"))
        .collect();
    let unready: Vec<&str> = listed
        .iter()
        .filter(|(_, ready)| *ready == "0/1")
        .map(|(name, _)| *name)
        .collect();
    let described: Vec<&str> = calls
        .iter()
        .filter(|call| call.windows(2).any(|w| w == ["describe", "pod"]))
        .map(|call| call.last().unwrap().as_str())
        .collect();
    assert!(
        !unready.is_empty(),
        "{strategy}: the new pods are listed\n{stderr}"
    );
    assert_eq!(
        described, unready,
        "{strategy}: only the pods that are not ready are described"
    );
    if strategy == "rolling-update" {
        // The previous pods still run beside the new ones, and are ready.
        assert!(
            listed.iter().any(|(_, ready)| *ready == "1/1"),
            "{strategy}\n{stderr}"
        );
    }
}

#[test]
fn a_failed_rollout_changes_nothing_more_and_a_retry_completes() {
    for strategy in STRATEGIES {
        let cluster = Cluster::new();
        cluster.deploy_ok(&cluster.compile(&step("\"one\""), strategy, "build-1"));
        let before_service = cluster.object("Service", "web").unwrap();
        // A new image: the pod template changes, so the rollout replaces pods. Two replicas:
        // both new pods must be described.
        let new_image = step("\"two\"").replace("nginx:1.27", "nginx:1.28").replace(
            "name = \"web\"\nannotations",
            "name = \"web\"\nreplicas = 2\nannotations",
        );
        let second = cluster.compile(&new_image, strategy, "build-2");
        let calls_before = cluster.log().len();
        let failed = cluster.deploy(&second, &[], Some("*"));
        assert_eq!(
            failed.status.code(),
            Some(3),
            "{strategy}: a failed rollout exits 3"
        );
        assert!(
            stderr(&failed).contains("did not become ready"),
            "{}",
            stderr(&failed)
        );
        assert_eq!(
            cluster.object("Service", "web").unwrap(),
            before_service,
            "{strategy}: the Service is untouched"
        );
        let later_calls = &cluster.log()[calls_before..];
        assert!(
            later_calls
                .iter()
                .all(|c| !c.contains(&"delete".to_owned())),
            "{strategy}: nothing is deleted"
        );
        assert_describes_only_unready_pods(strategy, &failed, later_calls);
        if strategy == "blue-green" {
            assert!(
                cluster.object("Deployment", "web-build-1").is_some(),
                "the old Deployment keeps serving"
            );
            assert_eq!(
                service_selector(&cluster)["kstep.dev/deployment-id"],
                "build-1"
            );
        }
        cluster.deploy_ok(&second);
        assert_eq!(
            cluster.objects(),
            expected_with(strategy, "build-2", Some("build-1")),
            "{strategy}: the retry cleans up"
        );
    }
}

#[test]
fn cleanup_leaves_objects_kstep_does_not_own() {
    let label = |labels: Value| serde_json::json!({ "labels": labels });
    let object = |kind: &str, namespace: &str, name: &str, labels: Value| {
        let mut metadata = label(labels);
        metadata["name"] = name.into();
        metadata["namespace"] = namespace.into();
        serde_json::json!({ "apiVersion": "v1", "kind": kind, "metadata": metadata, "spec": { "selector": {} } })
    };
    for strategy in STRATEGIES {
        let cluster = Cluster::new();
        let others = vec![
            // No kstep labels at all.
            object(
                "Deployment",
                "shop",
                "unrelated",
                serde_json::json!({ "app": "unrelated" }),
            ),
            // Labelled with this step but no deployment id: a `!=` term alone would match it.
            object(
                "Deployment",
                "shop",
                "hand-made",
                serde_json::json!({ "kstep.dev/step": "web" }),
            ),
            // Another step's object.
            object(
                "ConfigMap",
                "shop",
                "other-config",
                serde_json::json!({ "kstep.dev/step": "other", "kstep.dev/deployment-id": "old" }),
            ),
            // This step in another namespace.
            object(
                "Deployment",
                "staging",
                "web",
                serde_json::json!({ "kstep.dev/step": "web", "kstep.dev/deployment-id": "old" }),
            ),
            // The control plane's EndpointSlice: it carries the Service's labels, old id included.
            object(
                "EndpointSlice",
                "shop",
                "web-abcde",
                serde_json::json!({
                    "kstep.dev/step": "web",
                    "kstep.dev/deployment-id": "old",
                    "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
                }),
            ),
        ];
        cluster.add_objects(others);
        cluster.deploy_ok(&cluster.compile(&step("\"one\""), strategy, "build-1"));
        cluster.deploy_ok(&cluster.compile(&step("\"two\""), strategy, "build-2"));
        let objects = cluster.objects();
        for survivor in [
            "Deployment/shop/unrelated",
            "Deployment/shop/hand-made",
            "ConfigMap/shop/other-config",
            "Deployment/staging/web",
            "EndpointSlice/shop/web-abcde",
        ] {
            assert!(
                objects.contains(&survivor.to_owned()),
                "{strategy}: {survivor} was deleted"
            );
        }
    }
}

/// While a blue/green deployment waits for its rollout, the Service of a rolling update before
/// it must not already send traffic to the new pods.
#[test]
fn a_new_blue_green_deployment_gets_no_traffic_before_the_switch() {
    let cluster = Cluster::new();
    cluster.deploy_ok(&cluster.compile(&step("\"x\""), "rolling-update", "build-1"));
    let waiting = cluster.compile(&step("\"x\""), "blue-green", "build-2");
    let failed = cluster.deploy(&waiting, &[], Some("*"));
    assert_eq!(failed.status.code(), Some(3));
    let new_pods = cluster.object("Deployment", "web-build-2").unwrap()["spec"]["template"]["metadata"]["labels"].clone();
    let selector = service_selector(&cluster);
    let selected = selector
        .as_object()
        .unwrap()
        .iter()
        .all(|(k, v)| &new_pods[k] == v);
    assert!(
        !selected,
        "the rolling update's Service {selector} selects the waiting pods {new_pods}"
    );
}

#[test]
fn switching_strategies_back_and_forth() {
    let cluster = Cluster::new();
    let sequence = [
        ("blue-green", "build-1"),
        ("rolling-update", "build-2"),
        ("blue-green", "build-3"),
        ("recreate", "build-4"),
    ];
    for (strategy, id) in sequence {
        cluster.deploy_ok(&cluster.compile(&step("\"x\""), strategy, id));
        assert_eq!(
            cluster.objects(),
            expected(strategy, id),
            "after {strategy} {id}"
        );
    }
}

#[test]
fn hostile_values_reach_the_cluster_unchanged_and_run_nothing() {
    for strategy in STRATEGIES {
        let cluster = Cluster::new();
        let marker = cluster.dir.path().join("pwned");
        let hostile = format!(
            "it's \"quoted\" $(touch {m}) `touch {m}` ; touch {m} \\n next line\\t'\\'' end",
            m = marker.display()
        );
        let toml_value = format!("'''{hostile}'''");
        cluster.deploy_ok(&cluster.compile(&step(&toml_value), strategy, "build-1"));
        assert!(!marker.exists(), "{strategy}: the annotation ran a command");
        let name = if strategy == "blue-green" {
            "web-build-1"
        } else {
            "web"
        };
        let deployment = cluster.object("Deployment", name).unwrap();
        assert_eq!(
            deployment["metadata"]["annotations"]["example.com/note"],
            hostile.as_str(),
            "{strategy}"
        );
    }
}

#[test]
fn dry_run_changes_nothing() {
    for strategy in STRATEGIES {
        let cluster = Cluster::new();
        let output = cluster.deploy(
            &cluster.compile(&step("\"x\""), strategy, "build-1"),
            &["--dry-run"],
            None,
        );
        assert!(output.status.success(), "{strategy}: {}", stderr(&output));
        assert!(
            cluster.objects().is_empty(),
            "{strategy}: a dry run created objects"
        );
        for call in cluster.log() {
            assert!(
                !call.contains(&"delete".to_owned()),
                "{strategy}: a dry run deletes: {call:?}"
            );
            if call.contains(&"apply".to_owned()) {
                assert!(
                    call.contains(&"--dry-run=server".to_owned()),
                    "{strategy}: {call:?}"
                );
            }
        }
        assert!(String::from_utf8_lossy(&output.stdout).contains("dry run: a real run removes"));
    }
}

#[test]
fn secrets_never_reach_a_command_line_and_files_are_private() {
    for strategy in STRATEGIES {
        let cluster = Cluster::new();
        let dir = cluster.compile(&step("\"x\""), strategy, "build-1");
        cluster.deploy_ok(&dir);
        let encoded = "czNjcjN0LXRva2VuLXZhbHVl";
        for call in cluster.log() {
            let line = call.join(" ");
            assert!(
                !line.contains(SECRET_VALUE) && !line.contains(encoded),
                "{strategy}: {line}"
            );
        }
        let script = fs::read_to_string(dir.join("deploy.sh")).unwrap();
        assert!(!script.contains(SECRET_VALUE) && !script.contains(encoded));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let secret = fs::read_dir(dir.join("manifests"))
                .unwrap()
                .map(|e| e.unwrap().path())
                .find(|p| p.to_string_lossy().contains("-secret-"))
                .unwrap();
            assert_eq!(
                fs::metadata(secret).unwrap().permissions().mode() & 0o777,
                0o600
            );
            assert_eq!(
                fs::metadata(dir.join("deploy.sh"))
                    .unwrap()
                    .permissions()
                    .mode()
                    & 0o111,
                0o111
            );
        }
    }
}

#[test]
fn a_namespace_other_than_the_steps_is_refused() {
    let cluster = Cluster::new();
    let output = cluster.deploy(
        &cluster.compile(&step("\"x\""), "blue-green", "build-1"),
        &["--namespace", "prod"],
        None,
    );
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("this step deploys to namespace shop, not prod"));
    assert!(cluster.log().is_empty(), "kubectl ran");
    let help = cluster.deploy(
        &cluster.compile(&step("\"x\""), "recreate", "build-2"),
        &["--help"],
        None,
    );
    assert!(help.status.success() && String::from_utf8_lossy(&help.stdout).contains("--dry-run"));
}

/// Without kubectl, or without an API server to reach, every command stops before it reads or
/// changes anything, with exit code 7 and what to check.
#[test]
fn no_kubectl_or_no_cluster_stops_before_anything() {
    for strategy in STRATEGIES {
        let cluster = Cluster::new();
        let dir = cluster.compile(&step("\"x\""), strategy, "build-1");

        // KUBECTL names nothing, or it is unset and the PATH has no kubectl (only bash and
        // dirname, which the script needs before it looks).
        let tools = tempfile::tempdir().unwrap();
        for tool in ["bash", "dirname"] {
            let found = run(Command::new("sh").args(["-c", &format!("command -v {tool}")]));
            let path = String::from_utf8_lossy(&found.stdout).trim().to_owned();
            std::os::unix::fs::symlink(path, tools.path().join(tool)).unwrap();
        }
        let named = cluster
            .deploy_command(&dir, &[])
            .env("KUBECTL", cluster.dir.path().join("no-such-kubectl"))
            .output()
            .unwrap();
        let unset = cluster
            .deploy_command(&dir, &["status"])
            .env_remove("KUBECTL")
            .env("PATH", tools.path())
            .output()
            .unwrap();
        for (output, name) in [
            (&named, "no-such-kubectl is not a command"),
            (&unset, "kubectl is not a command"),
        ] {
            assert_eq!(
                output.status.code(),
                Some(7),
                "{strategy}: {}",
                stderr(output)
            );
            let text = stderr(output);
            assert!(
                text.contains("deploy.sh: kubectl not found: "),
                "{strategy}: {text}"
            );
            assert!(text.contains(name), "{strategy}: {text}");
            assert!(
                text.contains("set KUBECTL to its path"),
                "{strategy}: {text}"
            );
        }
        assert!(cluster.log().is_empty(), "{strategy}: kubectl ran");

        // kubectl is there, but no API server answers: one call, which fails.
        for (args, context) in [
            (&[][..], "the current context"),
            (&["--context", "prod", "--dry-run"][..], "context prod"),
            (&["status"][..], "the current context"),
        ] {
            let before = cluster.log().len();
            let output = cluster
                .deploy_command(&dir, args)
                .env("FAKE_KUBECTL_UNREACHABLE", "1")
                .output()
                .unwrap();
            let text = stderr(&output);
            assert_eq!(output.status.code(), Some(7), "{strategy} {args:?}: {text}");
            assert!(
                text.contains(&format!(
                    "deploy.sh: kubectl cannot reach the API server of {context}:"
                )),
                "{strategy} {args:?}: {text}"
            );
            assert!(
                text.contains("The connection to the server 127.0.0.1:6443 was refused"),
                "{text}"
            );
            assert!(text.contains("nothing was changed"), "{text}");
            let calls = &cluster.log()[before..];
            assert_eq!(calls.len(), 1, "{strategy} {args:?}: {calls:?}");
            assert!(
                calls[0].ends_with(
                    &["get", "--raw", "/version", "--request-timeout=30s"].map(String::from)
                ),
                "{calls:?}"
            );
        }
        assert!(
            cluster.objects().is_empty(),
            "{strategy}: {:?}",
            cluster.objects()
        );
    }
}

#[test]
fn every_script_passes_shellcheck() {
    let out = tempfile::tempdir().unwrap();
    // Every valid TOML fixture, compiled with each of its command lines (lint fixtures are
    // linted, and may name a strategy of their own).
    let mut runs: std::collections::BTreeMap<(String, Vec<String>), Vec<PathBuf>> =
        Default::default();
    let mut steps = 0;
    for fixture in support::fixtures()
        .into_iter()
        .filter(|p| !support::is_error_fixture(p) && !support::is_lint_fixture(p))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
    {
        let text = fs::read_to_string(&fixture).unwrap();
        for strategy in support::fixture_strategies(&text) {
            for args in support::fixture_args(&text) {
                runs.entry((strategy.clone(), args))
                    .or_default()
                    .push(fixture.clone());
                steps += 1;
            }
        }
    }
    let mut scripts = Vec::new();
    {
        for (i, ((strategy, args), fixtures)) in runs.iter().enumerate() {
            let dir = out.path().join(strategy).join(format!("run-{i}"));
            let output = run(kstep()
                .arg("compile")
                .args(fixtures)
                .args(args)
                .arg("-o")
                .arg(&dir)
                .args(["--strategy", strategy]));
            assert!(output.status.success(), "{}", stderr(&output));
            for entry in fs::read_dir(&dir).unwrap() {
                scripts.push(entry.unwrap().path().join("deploy.sh"));
            }
        }
    }
    assert_eq!(scripts.len(), steps);
    let check = Command::new("shellcheck")
        .arg("--severity=style")
        .args(&scripts)
        .output()
        .expect("shellcheck is installed (scripts/test installs it)");
    assert!(
        check.status.success(),
        "shellcheck:\n{}",
        String::from_utf8_lossy(&check.stdout)
    );
}
