//! Moving an existing Deployment to kstep: deploy.sh finds a Deployment of the same name with
//! another selector before it changes anything (the API server would refuse the change), and
//! a step that keeps the existing selector takes the Deployment over in place. Run against
//! the stand-in kubectl, which refuses a changed selector as the API server does.

mod support;

use serde_json::{Value, json};
use support::cluster::Cluster;
use support::stderr;

const STEP: &str = r#"[step]
namespace = "shop"

[deployment]
name = "web"
replicas = 2

[[containers]]
name = "web"
image = "nginx:1.27"
ports = [{ name = "http", port = 8080 }]

[service]
ports = [{ name = "http", port = 80, target_port = "http" }]
"#;

/// What `helm install` of a chart would have left: a Deployment selecting `app: web`, and a
/// Service over it.
fn helm_objects() -> Vec<Value> {
    let meta = |name: &str| {
        json!({ "name": name, "namespace": "shop",
                "labels": { "app": "web", "app.kubernetes.io/managed-by": "Helm" } })
    };
    vec![
        json!({ "apiVersion": "apps/v1", "kind": "Deployment", "metadata": meta("web"),
                "spec": { "replicas": 2, "selector": { "matchLabels": { "app": "web" } },
                          "template": { "metadata": { "labels": { "app": "web" } },
                                        "spec": { "containers": [{ "name": "web", "image": "nginx:1.25" }] } } } }),
        json!({ "apiVersion": "v1", "kind": "Service", "metadata": meta("web"),
                "spec": { "selector": { "app": "web" }, "ports": [{ "port": 80, "targetPort": 8080 }] } }),
    ]
}

#[test]
fn another_selector_stops_the_script_before_any_change() {
    for strategy in ["recreate", "rolling-update"] {
        let cluster = Cluster::new();
        cluster.add_objects(helm_objects());
        let before = cluster.read_state()["objects"].clone();
        let out = cluster.compile(STEP, strategy, "build-1");
        for args in [&[][..], &["--dry-run"][..]] {
            let output = cluster.deploy(&out, args, None);
            assert_eq!(
                output.status.code(),
                Some(4),
                "{strategy}: {}",
                stderr(&output)
            );
            let err = stderr(&output);
            assert!(
                err.contains(
                    r#"Deployment web exists with the selector {"matchLabels":{"app":"web"}}"#
                ),
                "{err}"
            );
            assert!(err.contains("[deployment] selector"), "{err}");
            assert!(err.contains("nothing was changed"), "{err}");
        }
        assert_eq!(
            cluster.read_state()["objects"],
            before,
            "{strategy}: the cluster changed"
        );
        // Only reads reached kubectl.
        for call in cluster.log() {
            assert!(call.iter().any(|a| a == "get"), "{strategy}: {call:?}");
        }
    }
}

#[test]
fn a_step_that_keeps_the_selector_takes_the_deployment_over() {
    let step = STEP.replace(
        "replicas = 2\n",
        "replicas = 2\nselector = { app = \"web\" }\n",
    );
    for strategy in ["recreate", "rolling-update"] {
        let cluster = Cluster::new();
        cluster.add_objects(helm_objects());
        let out = cluster.compile(&step, strategy, "build-1");
        cluster.deploy_ok(&out);
        let deployment = cluster.object("Deployment", "web").expect("still there");
        assert_eq!(
            deployment["spec"]["selector"],
            json!({ "matchLabels": { "app": "web" } })
        );
        let pod_labels = &deployment["spec"]["template"]["metadata"]["labels"];
        assert_eq!(pod_labels["app"], "web");
        assert_eq!(pod_labels["kstep.dev/step"], "web");
        assert_eq!(
            deployment["spec"]["template"]["spec"]["containers"][0]["image"],
            "nginx:1.27"
        );
        // The Service now selects by kstep's labels, which the new pods carry.
        let service = cluster
            .object("Service", "web")
            .expect("the Service exists");
        assert_eq!(service["spec"]["selector"]["kstep.dev/step"], "web");
        // A second deployment finds its own selector and goes on.
        let again = cluster.compile(&step, strategy, "build-2");
        cluster.deploy_ok(&again);
    }
}

#[test]
fn a_first_deployment_needs_no_check() {
    let cluster = Cluster::new();
    let out = cluster.compile(STEP, "rolling-update", "build-1");
    cluster.deploy_ok(&out);
    // A step's own Deployment, deployed again, has the same selector.
    cluster.deploy_ok(&cluster.compile(STEP, "rolling-update", "build-2"));
    assert!(cluster.object("Deployment", "web").is_some());
}
