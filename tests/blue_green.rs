//! Blue/green for production, run against the stand-in kubectl: the drain delay after the
//! switch, the previous deployment kept for rollback, manual promotion with a preview
//! Service, abort, several Services switched together, a failure at each phase, a slow API,
//! dry runs, and the script's help.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use support::cluster::Cluster;
use support::{kstep, run, stderr};

const STEP: &str = r#"[step]
id = "web"
namespace = "shop"

[deployment]
name = "web"
replicas = 3

[config_maps.web-config]
data = { LEVEL = "info" }

[secrets.web-secret]
data = { token = "s3cr3t" }

[[containers]]
name = "web"
image = "nginx:1.27"
ports = [{ name = "http", port = 8080 }]
env = [
  { name = "LEVEL", config_map = "web-config", key = "LEVEL" },
  { name = "TOKEN", secret = "web-secret", key = "token" },
]

[service]
ports = [{ name = "http", port = 80, target_port = "http" }]
"#;

/// The step with `[deployment] blue_green` settings.
fn with(settings: &str) -> String {
    STEP.replace(
        "replicas = 3\n",
        &format!("replicas = 3\nblue_green = {settings}\n"),
    )
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Runs a command of a compiled step's script; it must succeed.
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

fn service(cluster: &Cluster, name: &str) -> Value {
    cluster
        .object("Service", name)
        .unwrap_or_else(|| panic!("no Service {name}"))
}

/// The deployment id a Service selects.
fn selects(cluster: &Cluster, name: &str) -> String {
    service(cluster, name)["spec"]["selector"]["kstep.dev/deployment-id"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

fn annotation(cluster: &Cluster, name: &str, key: &str) -> Option<String> {
    service(cluster, name)["metadata"]["annotations"][key]
        .as_str()
        .map(str::to_owned)
}

/// A Deployment's replicas, if it exists.
fn replicas(cluster: &Cluster, id: &str) -> Option<i64> {
    cluster
        .object("Deployment", &format!("web-{id}"))
        .map(|d| d["spec"]["replicas"].as_i64().unwrap_or(1))
}

/// The lock is free.
fn unlocked(cluster: &Cluster) -> bool {
    cluster
        .object("Lease", "kstep-web")
        .is_none_or(|l| l["spec"].get("holderIdentity").is_none())
}

/// Compiles the step once per id.
fn builds(cluster: &Cluster, step: &str, ids: &[&str]) -> Vec<PathBuf> {
    ids.iter()
        .map(|id| cluster.compile(step, "blue-green", id))
        .collect()
}

/// The times (seconds) of the first calls from `from` on that contain all of `words`.
fn time_of(cluster: &Cluster, from: usize, words: &[&str]) -> f64 {
    let state = cluster.read_state();
    let log = cluster.log();
    let index = (from..log.len())
        .find(|&i| words.iter().all(|w| log[i].iter().any(|a| a.contains(w))))
        .unwrap_or_else(|| panic!("no call with {words:?}"));
    state["times"][index].as_f64().unwrap()
}

#[test]
fn the_previous_deployment_keeps_running_for_the_delay_then_scales_to_zero() {
    let cluster = Cluster::new();
    let dirs = builds(
        &cluster,
        &with("{ scale_down_delay = 1 }"),
        &["b1", "b2", "b3"],
    );
    ok(&cluster, &dirs[0], &[]);
    // The step's delay (1 s) is the default: the script is run here without the option.
    let from = cluster.log().len();
    let output = Command::new(dirs[1].join("deploy.sh"))
        .env("KUBECTL", cluster.kubectl())
        .env("FAKE_KUBECTL_STATE", cluster.state())
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    let switched = time_of(&cluster, from, &["patch", "service"]);
    let scaled = time_of(&cluster, from, &["patch", "deployment", "web-b1"]);
    assert!(
        scaled - switched >= 1.0,
        "scaled down {:.2} s after the switch",
        scaled - switched
    );
    assert_eq!(replicas(&cluster, "b1"), Some(0));
    let b1 = cluster.object("Deployment", "web-b1").unwrap();
    assert_eq!(
        b1["metadata"]["annotations"]["kstep.dev/scaled-down-from"],
        "3"
    );
    // --scale-down-delay overrides it.
    let from = cluster.log().len();
    ok(&cluster, &dirs[2], &["--scale-down-delay", "2"]);
    let switched = time_of(&cluster, from, &["patch", "service"]);
    let scaled = time_of(&cluster, from, &["patch", "deployment", "web-b2"]);
    assert!(
        scaled - switched >= 2.0,
        "scaled down {:.2} s after the switch",
        scaled - switched
    );
}

#[test]
fn rollback_returns_to_the_previous_deployment_after_a_later_one() {
    let cluster = Cluster::new();
    let dirs = builds(&cluster, STEP, &["b1", "b2", "b3"]);
    for dir in &dirs {
        ok(&cluster, dir, &[]);
    }
    // b3 serves; b2 is kept scaled to zero, with its ConfigMap and Secret; b1 is gone.
    assert_eq!(selects(&cluster, "web"), "b3");
    assert_eq!(
        annotation(&cluster, "web", "kstep.dev/active-deployment").as_deref(),
        Some("b3")
    );
    assert_eq!(
        annotation(&cluster, "web", "kstep.dev/previous-deployment").as_deref(),
        Some("b2")
    );
    assert_eq!(replicas(&cluster, "b2"), Some(0));
    assert_eq!(replicas(&cluster, "b1"), None);
    let objects = cluster.objects();
    for kept in ["ConfigMap/shop/web-config-b2", "Secret/shop/web-secret-b2"] {
        assert!(objects.contains(&kept.to_owned()), "{objects:?}");
    }
    assert!(!objects.iter().any(|o| o.ends_with("-b1")), "{objects:?}");

    let status = ok(&cluster, &dirs[2], &["status"]);
    let text = stdout(&status);
    assert!(text.contains("Active: b3; previous: b2"), "{text}");
    assert!(
        text.contains("previous: Deployment web-b2, scaled to zero (from 3)"),
        "{text}"
    );
    assert!(text.contains("Lock: free"), "{text}");

    // Any script of the step rolls back: here the one of b1, which is gone.
    let from = cluster.log().len();
    let output = ok(&cluster, &dirs[0], &["rollback"]);
    assert_eq!(selects(&cluster, "web"), "b2");
    assert_eq!(
        annotation(&cluster, "web", "kstep.dev/previous-deployment").as_deref(),
        Some("b3")
    );
    assert_eq!(replicas(&cluster, "b2"), Some(3), "scaled back up");
    assert_eq!(
        replicas(&cluster, "b3"),
        Some(0),
        "scaled down after the delay"
    );
    // Scaled up and ready before the switch.
    let scaled = time_of(&cluster, from, &["scale", "deployment/web-b2"]);
    let ready = time_of(&cluster, from, &["rollout", "status", "deployment/web-b2"]);
    let switched = time_of(&cluster, from, &["patch", "service", "web"]);
    assert!(scaled <= ready && ready <= switched, "{}", stdout(&output));
    assert!(unlocked(&cluster));

    // Rolling back again returns to b3: the two swap.
    ok(&cluster, &dirs[2], &["rollback"]);
    assert_eq!(selects(&cluster, "web"), "b3");
    assert_eq!(replicas(&cluster, "b3"), Some(3));
    assert_eq!(replicas(&cluster, "b2"), Some(0));

    // The next deployment keeps the active one as previous and removes the other.
    let four = cluster.compile(STEP, "blue-green", "b4");
    ok(&cluster, &four, &[]);
    assert_eq!(
        annotation(&cluster, "web", "kstep.dev/previous-deployment").as_deref(),
        Some("b3")
    );
    assert_eq!(replicas(&cluster, "b2"), None);
}

#[test]
fn rollback_without_a_previous_deployment_changes_nothing() {
    let cluster = Cluster::new();
    let dir = cluster.compile(STEP, "blue-green", "b1");
    ok(&cluster, &dir, &[]);
    let before = cluster.read_state()["objects"].clone();
    let output = cluster.deploy(&dir, &["rollback"], None);
    assert_eq!(output.status.code(), Some(6), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("no previous deployment"),
        "{}",
        stderr(&output)
    );
    let after = cluster.read_state()["objects"].clone();
    let without_lease = |objects: &Value| -> Vec<Value> {
        objects
            .as_array()
            .unwrap()
            .iter()
            .filter(|o| o["kind"] != "Lease")
            .cloned()
            .collect()
    };
    assert_eq!(without_lease(&before), without_lease(&after));
    assert!(unlocked(&cluster));
}

/// A re-deployment of the previous deployment's output (say, the build before) gets all its
/// replicas back, though `kubectl apply` leaves alone replicas the manifest did not change.
#[test]
fn deploying_the_previous_deployment_again_scales_it_back_up() {
    let cluster = Cluster::new();
    let dirs = builds(&cluster, STEP, &["b1", "b2"]);
    ok(&cluster, &dirs[0], &[]);
    ok(&cluster, &dirs[1], &[]);
    assert_eq!(replicas(&cluster, "b1"), Some(0));
    ok(&cluster, &dirs[0], &[]);
    assert_eq!(selects(&cluster, "web"), "b1");
    assert_eq!(replicas(&cluster, "b1"), Some(3));
    assert_eq!(replicas(&cluster, "b2"), Some(0));
}

#[test]
fn the_previous_deployment_can_keep_running() {
    let cluster = Cluster::new();
    let dirs = builds(
        &cluster,
        &with("{ previous = \"keep-running\" }"),
        &["b1", "b2"],
    );
    ok(&cluster, &dirs[0], &[]);
    ok(&cluster, &dirs[1], &[]);
    assert_eq!(replicas(&cluster, "b1"), Some(3));
    let from = cluster.log().len();
    ok(&cluster, &dirs[1], &["rollback"]);
    assert_eq!(selects(&cluster, "web"), "b1");
    assert_eq!(replicas(&cluster, "b2"), Some(3));
    assert!(
        !cluster.log()[from..]
            .iter()
            .any(|c| c.iter().any(|a| a == "scale")),
        "nothing to scale"
    );
}

/// With automatic promotion off, deploy stops before the switch; a preview Service selects
/// the new pods (one replica until promotion); promote and abort, each safe to run twice.
#[test]
fn manual_promotion_with_a_preview() {
    let cluster = Cluster::new();
    let step = with("{ auto_promote = false, preview = { replicas = 1 } }");
    let dirs = builds(&cluster, &step, &["b1", "b2", "b3"]);

    // The first deployment: nothing serves yet; the preview Service selects b1.
    let output = ok(&cluster, &dirs[0], &[]);
    assert!(
        stdout(&output).contains("==> Waiting for promotion"),
        "{}",
        stdout(&output)
    );
    assert!(
        stdout(&output).contains("deploy.sh promote"),
        "{}",
        stdout(&output)
    );
    assert!(cluster.object("Service", "web").is_none());
    assert_eq!(selects(&cluster, "web-preview"), "b1");
    assert_eq!(replicas(&cluster, "b1"), Some(1));
    ok(&cluster, &dirs[0], &["promote"]);
    assert_eq!(selects(&cluster, "web"), "b1");
    assert_eq!(replicas(&cluster, "b1"), Some(3));

    // b2 waits beside b1, with one replica; the Service still selects b1.
    ok(&cluster, &dirs[1], &[]);
    assert_eq!(selects(&cluster, "web"), "b1");
    assert_eq!(selects(&cluster, "web-preview"), "b2");
    assert_eq!(replicas(&cluster, "b2"), Some(1));
    let status = stdout(&ok(&cluster, &dirs[1], &["status"]));
    assert!(
        status.contains("preview, not promoted: Deployment web-b2, 1 of 1 ready"),
        "{status}"
    );

    // promote: full size, ready, then the switch; b1 is the previous deployment.
    let from = cluster.log().len();
    ok(&cluster, &dirs[1], &["promote"]);
    let scaled = time_of(
        &cluster,
        from,
        &["scale", "deployment/web-b2", "--replicas=3"],
    );
    let switched = time_of(&cluster, from, &["patch", "service", "web"]);
    assert!(scaled < switched);
    assert_eq!(selects(&cluster, "web"), "b2");
    assert_eq!(selects(&cluster, "web-preview"), "b2");
    assert_eq!(replicas(&cluster, "b2"), Some(3));
    assert_eq!(replicas(&cluster, "b1"), Some(0));
    assert_eq!(
        annotation(&cluster, "web", "kstep.dev/previous-deployment").as_deref(),
        Some("b1")
    );

    // promote again: already active, nothing switches.
    let from = cluster.log().len();
    let again = ok(&cluster, &dirs[1], &["promote"]);
    assert!(
        stdout(&again).contains("already active"),
        "{}",
        stdout(&again)
    );
    assert!(
        !cluster.log()[from..]
            .iter()
            .any(|c| c.windows(2).any(|w| w == ["patch", "service"])),
        "promote switched again"
    );

    // b3 is deployed and aborted: b2 keeps serving, b3's objects go.
    ok(&cluster, &dirs[2], &[]);
    let serving = service(&cluster, "web");
    ok(&cluster, &dirs[2], &["abort"]);
    assert_eq!(service(&cluster, "web"), serving);
    assert_eq!(selects(&cluster, "web-preview"), "b2");
    assert_eq!(replicas(&cluster, "b3"), None);
    assert!(
        !cluster.objects().iter().any(|o| o.ends_with("-b3")),
        "{:?}",
        cluster.objects()
    );
    ok(&cluster, &dirs[2], &["abort"]);
    // An aborted deployment cannot be promoted; the active and previous cannot be aborted.
    let promote = cluster.deploy(&dirs[2], &["promote"], None);
    assert_eq!(promote.status.code(), Some(6), "{}", stderr(&promote));
    for dir in [&dirs[1], &dirs[0]] {
        let abort = cluster.deploy(dir, &["abort"], None);
        assert_eq!(abort.status.code(), Some(6), "{}", stderr(&abort));
    }
    assert_eq!(replicas(&cluster, "b2"), Some(3));
    assert!(unlocked(&cluster));
}

const SERVICES: &str = r#"
[[services]]
name = "web"
ports = [{ name = "http", port = 80, target_port = "http" }]

[[services]]
name = "web-public"
type = "LoadBalancer"
ports = [{ name = "https", port = 443, target_port = "http" }]
"#;

fn two_services() -> String {
    let mut step = STEP.replace(
        "[service]\nports = [{ name = \"http\", port = 80, target_port = \"http\" }]\n",
        "",
    );
    step.push_str(SERVICES);
    step
}

#[test]
fn every_service_switches_together_and_back() {
    let cluster = Cluster::new();
    let dirs = builds(&cluster, &two_services(), &["b1", "b2", "b3"]);
    ok(&cluster, &dirs[0], &[]);
    ok(&cluster, &dirs[1], &[]);
    for name in ["web", "web-public"] {
        assert_eq!(selects(&cluster, name), "b2", "{name}");
        assert_eq!(
            annotation(&cluster, name, "kstep.dev/previous-deployment").as_deref(),
            Some("b1")
        );
    }
    // The second Service fails to switch: the first is turned back, and b2 keeps serving.
    let output = cluster
        .deploy_command(&dirs[2], &[])
        .env("FAKE_KUBECTL_FAIL_COMMAND", "patch service web-public")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("turning the Services already switched back"));
    for name in ["web", "web-public"] {
        assert_eq!(selects(&cluster, name), "b2", "{name}");
        assert_eq!(
            annotation(&cluster, name, "kstep.dev/active-deployment").as_deref(),
            Some("b2")
        );
        assert_eq!(
            annotation(&cluster, name, "kstep.dev/previous-deployment").as_deref(),
            Some("b1")
        );
    }
    assert_eq!(replicas(&cluster, "b2"), Some(3));
    assert!(unlocked(&cluster));
    // Rolled back, both go back.
    ok(&cluster, &dirs[1], &["rollback"]);
    for name in ["web", "web-public"] {
        assert_eq!(selects(&cluster, name), "b1", "{name}");
    }
}

/// A failure at each phase: the Services select a deployment that runs at full size, and
/// the lock is released. Before the switch, that is the active deployment, untouched.
#[test]
fn a_failure_at_each_phase_leaves_a_deployment_serving_and_the_lock_released() {
    // (the call that fails, the rollout that fails, the exit code, whether the Services
    // switched to b3 before it, the replicas b2 is left with)
    let cases: &[(&str, Option<&str>, i32, bool, i64)] = &[
        ("get service web", None, 1, false, 3),
        ("apply .*20-deployment-web-b3", None, 1, false, 3),
        ("scale deployment/web-b3", None, 1, false, 3),
        ("", Some("web-b3"), 3, false, 3),
        ("patch service web ", None, 1, false, 3),
        ("apply .*30-service-web", None, 1, true, 3),
        ("patch deployment web-b2", None, 1, true, 3),
        ("delete deployments.apps", None, 1, true, 0),
    ];
    for &(command, rollout, code, switched, previous) in cases {
        let cluster = Cluster::new();
        let dirs = builds(&cluster, STEP, &["b1", "b2", "b3"]);
        ok(&cluster, &dirs[0], &[]);
        ok(&cluster, &dirs[1], &[]);
        let mut run = cluster.deploy_command(&dirs[2], &[]);
        if !command.is_empty() {
            run.env("FAKE_KUBECTL_FAIL_COMMAND", command);
        }
        if let Some(name) = rollout {
            run.env("FAKE_KUBECTL_FAIL_ROLLOUT", name);
        }
        let output = run.output().unwrap();
        let shown = format!("{command:?} {rollout:?}: {}", stderr(&output));
        assert_eq!(output.status.code(), Some(code), "{shown}");
        assert!(unlocked(&cluster), "{shown}: the lock is held");
        let serving = selects(&cluster, "web");
        assert_eq!(serving, if switched { "b3" } else { "b2" }, "{shown}");
        assert_eq!(replicas(&cluster, &serving), Some(3), "{shown}");
        // Until the scale-down, the deployment switched away from still runs.
        assert_eq!(replicas(&cluster, "b2"), Some(previous), "{shown}");
        if !switched {
            assert_eq!(
                annotation(&cluster, "web", "kstep.dev/previous-deployment").as_deref(),
                Some("b1"),
                "{shown}"
            );
        }
        // Running it again completes the deployment.
        ok(&cluster, &dirs[2], &[]);
        assert_eq!(selects(&cluster, "web"), "b3", "{shown}");
        assert_eq!(replicas(&cluster, "b2"), Some(0), "{shown}");
    }
}

/// The API server's cache may not show a Deployment just created: the script looks again,
/// 5 s later, instead of failing the rollout wait.
#[test]
fn a_slow_api_does_not_fail_the_run() {
    let cluster = Cluster::new();
    let output = cluster
        .deploy_command(&cluster.compile(STEP, "blue-green", "b1"), &[])
        .env("FAKE_KUBECTL_LAGGING_READS", "1")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("Deployment web-b1 is not visible yet; looking again in 5 s"),
        "{}",
        stdout(&output)
    );
    assert_eq!(selects(&cluster, "web"), "b1");
}

/// Every command keeps working with --dry-run: reads are real, changes are server-side dry
/// runs, nothing waits and nothing changes.
#[test]
fn every_command_works_as_a_dry_run() {
    let cluster = Cluster::new();
    let step = with("{ auto_promote = false, preview = { replicas = 1 } }");
    let dirs = builds(&cluster, &step, &["b1", "b2", "b3"]);
    ok(&cluster, &dirs[0], &[]);
    ok(&cluster, &dirs[0], &["promote"]);
    ok(&cluster, &dirs[1], &[]);
    ok(&cluster, &dirs[1], &["promote"]);
    let before = cluster.read_state()["objects"].clone();
    for (dir, command) in [
        (&dirs[2], "deploy"),
        (&dirs[1], "promote"),
        (&dirs[0], "promote"),
        (&dirs[0], "abort"),
        (&dirs[2], "abort"),
        (&dirs[1], "rollback"),
        (&dirs[1], "status"),
        (&dirs[1], "unlock"),
    ] {
        let from = cluster.log().len();
        let mut args = vec![command, "--dry-run"];
        if command == "unlock" {
            args.push("--force");
        }
        let output = cluster.deploy(dir, &args, None);
        assert!(
            output.status.success() || output.status.code() == Some(6),
            "{command}: {}",
            stderr(&output)
        );
        for call in &cluster.log()[from..] {
            let changes = ["apply", "create", "replace", "patch", "scale", "delete"]
                .iter()
                .any(|verb| call.iter().any(|a| a == verb));
            let local = call.iter().any(|a| a == "--local");
            if changes && !local {
                assert!(
                    call.iter().any(|a| a == "--dry-run=server"),
                    "{command}: {call:?}"
                );
            }
        }
        assert_eq!(cluster.read_state()["objects"], before, "{command}");
    }
}

#[test]
fn the_help_lists_every_command_option_and_exit_code() {
    for (strategy, step, commands, codes) in [
        (
            "blue-green",
            STEP.to_owned(),
            &[
                "deploy",
                "promote",
                "abort",
                "rollback",
                "status",
                "unlock --force",
            ][..],
            &[0, 1, 2, 3, 5, 6, 7][..],
        ),
        (
            "rolling-update",
            STEP.to_owned(),
            &["deploy", "status", "unlock --force"][..],
            &[0, 1, 2, 3, 4, 5, 7][..],
        ),
        (
            "recreate",
            STEP.to_owned(),
            &["deploy", "status", "unlock --force"][..],
            &[0, 1, 2, 3, 4, 5, 7][..],
        ),
    ] {
        let cluster = Cluster::new();
        let dir = cluster.compile(&step, strategy, "b1");
        let help = ok(&cluster, &dir, &["--help"]);
        let text = stdout(&help);
        for command in commands {
            assert!(
                text.contains(&format!("\n  {command} ")),
                "{strategy}: {command}\n{text}"
            );
        }
        let options = [
            "--context NAME",
            "--namespace NAME",
            "--dry-run",
            "--lock-timeout SECONDS",
            "--lock-duration SECONDS",
            "--force",
            "--help",
        ];
        for option in options {
            assert!(text.contains(option), "{strategy}: {option}");
        }
        assert_eq!(
            text.contains("--scale-down-delay SECONDS"),
            strategy == "blue-green"
        );
        // Every exit code the script uses is listed, in the help and the header.
        let script = std::fs::read_to_string(dir.join("deploy.sh")).unwrap();
        let header: String = script
            .lines()
            .take_while(|l| l.starts_with('#'))
            .collect::<Vec<_>>()
            .join(" ");
        let listed = |text: &str, code: i32| {
            text.contains(&format!(" {code} ")) || text.contains(&format!("Exit codes: {code} "))
        };
        for &code in codes {
            assert!(
                listed(&text.replace('\n', " "), code),
                "{strategy}: help misses {code}"
            );
            assert!(listed(&header, code), "{strategy}: header misses {code}");
        }
        for word in script.split_whitespace().collect::<Vec<_>>().windows(2) {
            if word[0] == "exit"
                && let Ok(code) = word[1].trim_end_matches(';').parse::<i32>()
            {
                assert!(
                    codes.contains(&code),
                    "{strategy}: exit {code} is not listed"
                );
            }
        }
        // Every option is accepted (status reads only).
        for args in [
            &[
                "status",
                "--context=ctx",
                "--namespace",
                "shop",
                "--lock-timeout",
                "1",
                "--lock-duration=9",
            ][..],
            &["status", "--dry-run"][..],
        ] {
            let output = cluster.deploy(&dir, args, None);
            assert!(
                output.status.success(),
                "{strategy} {args:?}: {}",
                stderr(&output)
            );
        }
        for (args, message) in [
            (&["status", "deploy"][..], "one command at a time"),
            (
                &["--lock-timeout", "soon"][..],
                "needs a whole number of seconds",
            ),
            (&["--lock-duration", "2"][..], "at least 3 seconds"),
            (&["deploy", "--force"][..], "--force goes with unlock"),
            (&["launch"][..], "unknown command: launch"),
        ] {
            let output = cluster.deploy(&dir, args, None);
            assert_eq!(output.status.code(), Some(2), "{strategy} {args:?}");
            assert!(
                stderr(&output).contains(message),
                "{strategy}: {}",
                stderr(&output)
            );
        }
    }
}

/// The preview Service is a ClusterIP Service with the main Service's ports, named in the
/// output; settings that cannot work are refused.
#[test]
fn the_preview_service_and_the_settings_checks() {
    let dir = tempfile::tempdir().unwrap();
    let step =
        with("{ preview = {} }").replace("[service]\n", "[service]\ntype = \"LoadBalancer\"\n");
    let source = support::write(dir.path(), "web.toml", &step);
    let output = run(kstep().arg("compile").arg(&source).args([
        "--strategy",
        "blue-green",
        "--deployment-id",
        "b1",
        "--stdout",
    ]));
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(text.contains("name: web-preview\n"), "{text}");

    for (settings, strategy, message) in [
        (
            "{ scale_down_delay = -1 }",
            "blue-green",
            "`scale_down_delay` must be between 0 and 3600",
        ),
        (
            "{ preview = { replicas = 4 } }",
            "blue-green",
            "preview `replicas` must be between 1",
        ),
        (
            "{ preview = { service = \"web\" } }",
            "blue-green",
            "has the name of one of the step's Services",
        ),
        (
            "{ auto_promote = false }",
            "rolling-update",
            "does not apply to the rolling-update strategy",
        ),
    ] {
        let source = support::write(dir.path(), "bad.toml", &with(settings));
        let output =
            run(kstep()
                .arg("compile")
                .arg(&source)
                .args(["--strategy", strategy, "--stdout"]));
        assert!(
            stderr(&output).contains(message),
            "{settings}: {}",
            stderr(&output)
        );
    }
}
