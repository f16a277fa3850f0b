//! Disruption budgets and autoscalers, deployed by the scripts against the stand-in kubectl:
//! the autoscaler's replica count survives a deployment under rolling update; under blue/green
//! the new colour starts at the active colour's count, the autoscaler moves to it at the
//! switch (and back on rollback), and each colour has its own budget, kept and removed with
//! its Deployment.

mod support;

use std::path::Path;

use support::cluster::Cluster;
use support::{python, root, run, stderr};

const STEP: &str = r#"[step]
id = "web"
namespace = "shop"

[deployment]
name = "web"

[[containers]]
name = "web"
image = "nginx:1.27"
ports = [{ name = "http", port = 8080 }]
resources = { requests = { cpu = "250m" } }

[service]
ports = [{ name = "http", port = 80, target_port = "http" }]

[autoscaling]
min_replicas = 2
max_replicas = 10
cpu_utilization = 70

[disruption_budget]
max_unavailable = 1
"#;

/// Scales a Deployment as the autoscaler would.
fn autoscale(cluster: &Cluster, name: &str, replicas: u32) {
    let output = run(std::process::Command::new(python())
        .arg(root().join("tests/support/fake_kubectl.py"))
        .args(["scale", &format!("deployment/{name}")])
        .arg(format!("--replicas={replicas}"))
        .args(["--namespace", "shop"])
        .env("FAKE_KUBECTL_STATE", cluster.state()));
    assert!(output.status.success(), "{}", stderr(&output));
}

fn replicas(cluster: &Cluster, name: &str) -> Option<i64> {
    cluster
        .object("Deployment", name)
        .map(|d| d["spec"]["replicas"].as_i64().unwrap_or(1))
}

/// The Deployment the autoscaler scales.
fn target(cluster: &Cluster) -> String {
    let hpa = cluster
        .object("HorizontalPodAutoscaler", "web")
        .expect("the autoscaler exists");
    hpa["spec"]["scaleTargetRef"]["name"]
        .as_str()
        .unwrap()
        .to_owned()
}

fn run_ok(cluster: &Cluster, dir: &Path, args: &[&str]) {
    let output = cluster.deploy(dir, args, None);
    assert!(
        output.status.success(),
        "deploy.sh {args:?} failed:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        stderr(&output)
    );
}

#[test]
fn a_rolling_update_keeps_the_count_the_autoscaler_set() {
    let cluster = Cluster::new();
    let first = cluster.compile(STEP, "rolling-update", "a");
    run_ok(&cluster, &first, &[]);
    assert_eq!(
        replicas(&cluster, "web"),
        Some(2),
        "a new Deployment starts at min_replicas"
    );
    assert_eq!(target(&cluster), "web");
    let budget = cluster
        .object("PodDisruptionBudget", "web")
        .expect("the budget exists");
    assert_eq!(budget["spec"]["maxUnavailable"], 1);
    autoscale(&cluster, "web", 7);
    let second = cluster.compile(
        &STEP.replace("nginx:1.27", "nginx:1.28"),
        "rolling-update",
        "b",
    );
    run_ok(&cluster, &second, &[]);
    assert_eq!(
        replicas(&cluster, "web"),
        Some(7),
        "apply kept the autoscaler's count"
    );
    let budget = cluster.object("PodDisruptionBudget", "web").unwrap();
    assert_eq!(budget["metadata"]["labels"]["kstep.dev/deployment-id"], "b");
}

#[test]
fn under_blue_green_the_new_colour_starts_at_the_active_count_and_takes_the_autoscaler() {
    let cluster = Cluster::new();
    let step = STEP.replace(
        "[deployment]\nname = \"web\"\n",
        "[deployment]\nname = \"web\"\nblue_green = { scale_down_delay = 0 }\n",
    );
    let dirs: Vec<_> = ["a", "b", "c"]
        .iter()
        .map(|id| cluster.compile(&step, "blue-green", id))
        .collect();
    run_ok(&cluster, &dirs[0], &[]);
    assert_eq!(replicas(&cluster, "web-a"), Some(2));
    assert_eq!(target(&cluster), "web-a");
    assert!(cluster.object("PodDisruptionBudget", "web-a").is_some());

    autoscale(&cluster, "web-a", 6);
    run_ok(&cluster, &dirs[1], &[]);
    assert_eq!(
        replicas(&cluster, "web-b"),
        Some(6),
        "started at the active colour's count"
    );
    assert_eq!(
        target(&cluster),
        "web-b",
        "the autoscaler moved at the switch"
    );
    assert_eq!(
        replicas(&cluster, "web-a"),
        Some(0),
        "the previous colour is scaled to zero"
    );
    let budgets: Vec<String> = cluster
        .objects()
        .into_iter()
        .filter(|o| o.starts_with("PodDisruptionBudget/"))
        .collect();
    assert_eq!(
        budgets,
        [
            "PodDisruptionBudget/shop/web-a",
            "PodDisruptionBudget/shop/web-b"
        ],
        "one budget per colour, the previous one kept for rollback"
    );
    let selector = &cluster.object("PodDisruptionBudget", "web-b").unwrap()["spec"]["selector"];
    assert_eq!(selector["matchLabels"]["kstep.dev/deployment-id"], "b");

    run_ok(&cluster, &dirs[1], &["rollback"]);
    assert_eq!(
        target(&cluster),
        "web-a",
        "rollback moves the autoscaler back"
    );
    assert_eq!(replicas(&cluster, "web-a"), Some(6));

    run_ok(&cluster, &dirs[2], &[]);
    assert_eq!(target(&cluster), "web-c");
    assert_eq!(replicas(&cluster, "web-c"), Some(6));
    assert!(
        cluster.object("PodDisruptionBudget", "web-b").is_none(),
        "an older colour's budget goes with its Deployment"
    );
    assert!(cluster.object("PodDisruptionBudget", "web-a").is_some());
}
