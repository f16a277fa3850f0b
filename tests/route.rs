//! HTTPRoutes deployed by the scripts against the stand-in kubectl: the conditions the
//! Gateways' controllers report are checked after apply (exit code 8 and what is wrong when
//! one is False or a Gateway never reports), the blue/green switch with a route and its
//! preview header, and the cleanup of older deployments' routes only where the cluster
//! serves the Gateway API.

mod support;

use std::path::Path;
use std::process::Output;

use serde_json::{Value, json};
use support::cluster::Cluster;
use support::stderr;

const STEP: &str = r#"[step]
id = "web"
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

[route]
parents = [{ name = "public", namespace = "gateways" }]
hostnames = ["shop.example.com"]

[[route.rules]]
backends = [{ port = "http" }]
"#;

/// A Gateway whose one listener allows routes from `from` (`All` or `Same`).
fn gateway(from: &str) -> Value {
    json!({
        "apiVersion": "gateway.networking.k8s.io/v1",
        "kind": "Gateway",
        "metadata": { "name": "public", "namespace": "gateways" },
        "spec": {
            "gatewayClassName": "example",
            "listeners": [{ "name": "http", "port": 80, "protocol": "HTTP", "allowedRoutes": { "namespaces": { "from": from } } }]
        }
    })
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn ok(cluster: &Cluster, dir: &Path, args: &[&str]) -> Output {
    let output = cluster.deploy(dir, args, None);
    assert!(
        output.status.success(),
        "deploy.sh {args:?} failed:\n{}{}",
        stdout(&output),
        stderr(&output)
    );
    output
}

/// The kubectl calls so far whose arguments include `word`.
fn calls_with(cluster: &Cluster, word: &str) -> usize {
    cluster
        .log()
        .iter()
        .filter(|call| call.iter().any(|a| a == word))
        .count()
}

#[test]
fn an_accepted_route_is_reported_and_a_refused_one_stops_the_script() {
    let cluster = Cluster::new();
    cluster.add_objects(vec![gateway("All")]);
    let dir = cluster.compile(STEP, "rolling-update", "a");
    let output = ok(&cluster, &dir, &[]);
    assert!(
        stdout(&output).contains("HTTPRoute web: accepted by its Gateways, its backends resolved"),
        "{}",
        stdout(&output)
    );
    let route = cluster
        .object("HTTPRoute", "web")
        .expect("the route is applied");
    assert_eq!(route["spec"]["rules"][0]["backendRefs"][0]["port"], 80);

    // The Gateway now takes routes from its own namespace only.
    let cluster = Cluster::new();
    cluster.add_objects(vec![gateway("Same")]);
    let dir = cluster.compile(STEP, "rolling-update", "a");
    let output = cluster.deploy(&dir, &[], None);
    assert_eq!(output.status.code(), Some(8), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains("HTTPRoute web, Gateway public: Accepted is False (NotAllowedByListeners): no listener of the Gateway allows routes from namespace shop"),
        "{err}"
    );
    assert!(err.contains("ResolvedRefs=False"), "{err}");
}

#[test]
fn a_route_whose_gateway_never_reports_stops_the_script_after_the_wait() {
    let cluster = Cluster::new();
    let dir = cluster.compile(
        &STEP.replace("name = \"public\"", "name = \"missing\""),
        "recreate",
        "a",
    );
    let output = cluster.deploy(&dir, &[], None);
    assert_eq!(output.status.code(), Some(8), "{}", stderr(&output));
    assert!(
        stderr(&output)
            .contains("HTTPRoute web: 1 of its 1 parent Gateways reported nothing within 30 s"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn under_blue_green_the_route_follows_the_switch_and_previews_by_header() {
    let cluster = Cluster::new();
    cluster.add_objects(vec![gateway("All")]);
    let step = STEP
        .replace(
            "replicas = 2\n",
            "replicas = 2\nblue_green = { auto_promote = false, scale_down_delay = 0, preview = { replicas = 1 } }\n",
        )
        .replace(
            "hostnames = [\"shop.example.com\"]\n",
            "hostnames = [\"shop.example.com\"]\npreview = { header = \"X-Preview\", value = \"yes\" }\n",
        );
    let a = cluster.compile(&step, "blue-green", "a");
    let b = cluster.compile(&step, "blue-green", "b");
    ok(&cluster, &a, &[]);
    ok(&cluster, &a, &["promote"]);
    let route = cluster
        .object("HTTPRoute", "web")
        .expect("applied at the switch");
    let rules = route["spec"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), 2, "the preview copy and the rule");
    assert_eq!(rules[0]["backendRefs"][0]["name"], "web-preview");
    assert_eq!(rules[0]["matches"][0]["headers"][0]["name"], "X-Preview");
    assert_eq!(rules[1]["backendRefs"][0]["name"], "web");
    let selects = |name: &str| {
        cluster.object("Service", name).unwrap()["spec"]["selector"]["kstep.dev/deployment-id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(selects("web"), "a");

    // The next deployment waits for promotion: requests with the header reach it through
    // the preview Service, the others the active deployment.
    let output = ok(&cluster, &b, &[]);
    assert!(
        stdout(&output).contains("takes no traffic"),
        "{}",
        stdout(&output)
    );
    assert_eq!(selects("web"), "a");
    assert_eq!(selects("web-preview"), "b");
    let checks = calls_with(&cluster, "httproute");
    let output = ok(&cluster, &b, &["promote"]);
    assert_eq!(selects("web"), "b");
    assert!(
        calls_with(&cluster, "httproute") > checks,
        "the conditions are checked after the switch"
    );
    assert!(
        stdout(&output).contains("HTTPRoute web: accepted"),
        "{}",
        stdout(&output)
    );
    let route = cluster.object("HTTPRoute", "web").unwrap();
    assert_eq!(route["metadata"]["labels"]["kstep.dev/deployment-id"], "b");
}

#[test]
fn the_cleanup_removes_older_routes_only_where_the_cluster_serves_them() {
    let cluster = Cluster::new();
    cluster.add_objects(vec![gateway("All")]);
    let with_route = cluster.compile(STEP, "rolling-update", "a");
    ok(&cluster, &with_route, &[]);
    assert!(cluster.object("HTTPRoute", "web").is_some());
    // The route is taken out of the step: the cleanup removes it.
    let without = STEP.split("[route]").next().unwrap().to_owned();
    let dir = cluster.compile(&without, "rolling-update", "b");
    ok(&cluster, &dir, &[]);
    assert!(
        cluster.object("HTTPRoute", "web").is_none(),
        "{:?}",
        cluster.objects()
    );

    // A cluster without the Gateway API: the cleanup asks, and leaves HTTPRoutes out.
    let cluster = Cluster::new();
    let dir = cluster.compile(&without, "blue-green", "a");
    let output = cluster
        .deploy_command(&dir, &[])
        .env("FAKE_KUBECTL_NO_GATEWAY_API", "1")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}{}",
        stdout(&output),
        stderr(&output)
    );
    assert_eq!(calls_with(&cluster, "api-resources"), 1);
    assert_eq!(
        calls_with(&cluster, "httproutes.gateway.networking.k8s.io"),
        0
    );
}

#[test]
fn a_route_that_switches_by_weights_moves_between_colour_services() {
    let cluster = Cluster::new();
    cluster.add_objects(vec![gateway("All")]);
    let step = STEP
        .replace(
            "replicas = 2\n",
            "replicas = 2\nblue_green = { scale_down_delay = 0 }\n",
        )
        .replace(
            "hostnames = [\"shop.example.com\"]\n",
            "hostnames = [\"shop.example.com\"]\nswitch = \"weights\"\n",
        );
    let dirs: Vec<_> = ["a", "b", "c"]
        .iter()
        .map(|id| cluster.compile(&step, "blue-green", id))
        .collect();
    let backend = |cluster: &Cluster| {
        cluster.object("HTTPRoute", "web").unwrap()["spec"]["rules"][0]["backendRefs"][0]["name"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let colour_selects = |cluster: &Cluster, name: &str| {
        cluster.object("Service", name).unwrap()["spec"]["selector"]["kstep.dev/deployment-id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    ok(&cluster, &dirs[0], &[]);
    assert_eq!(backend(&cluster), "web-a");
    assert_eq!(colour_selects(&cluster, "web-a"), "a");

    let output = ok(&cluster, &dirs[1], &[]);
    assert!(
        stdout(&output).contains("HTTPRoute web: accepted"),
        "{}",
        stdout(&output)
    );
    assert_eq!(backend(&cluster), "web-b", "the route moved at the switch");
    assert_eq!(
        colour_selects(&cluster, "web-a"),
        "a",
        "no selector changed under it"
    );
    assert_eq!(colour_selects(&cluster, "web-b"), "b");

    let output = ok(&cluster, &dirs[1], &["rollback"]);
    assert_eq!(backend(&cluster), "web-a", "rollback moves the route back");
    assert!(
        stdout(&output).contains("HTTPRoute web: accepted"),
        "{}",
        stdout(&output)
    );

    ok(&cluster, &dirs[2], &[]);
    assert_eq!(backend(&cluster), "web-c");
    assert!(
        cluster.object("Service", "web-a").is_some(),
        "the previous deployment keeps its colour Service"
    );
    assert!(
        cluster.object("Service", "web-b").is_none(),
        "an older one goes: {:?}",
        cluster.objects()
    );
}
