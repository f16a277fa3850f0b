//! The deployment lock: every strategy's deploy.sh takes a Lease named after the step before
//! it changes anything, renews it while it works, and releases it however it ends. Run
//! against the stand-in kubectl, which fails `create` on an existing Lease and `replace` on a
//! resourceVersion other than the stored one, as the API server does.

mod support;

use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::cluster::Cluster;
use support::stderr;

const STRATEGIES: [&str; 3] = ["recreate", "rolling-update", "blue-green"];

const STEP: &str = r#"[step]
id = "web"
namespace = "shop"

[deployment]
name = "web"
replicas = 2

[config_maps.web-config]
data = { LEVEL = "info" }

[[containers]]
name = "web"
image = "nginx:1.27"
ports = [{ name = "http", port = 8080 }]
env = [{ name = "LEVEL", config_map = "web-config", key = "LEVEL" }]

[service]
ports = [{ name = "http", port = 80, target_port = "http" }]
"#;

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// The Lease of the step, if there is one.
fn lease(cluster: &Cluster) -> Option<Value> {
    cluster.object("Lease", "kstep-web")
}

/// Who holds the lock, if anyone.
fn holder(cluster: &Cluster) -> Option<String> {
    lease(cluster).and_then(|l| l["spec"]["holderIdentity"].as_str().map(str::to_owned))
}

/// Starts deploy.sh in the background, its output captured.
fn spawn(cluster: &Cluster, dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Child {
    let mut command = cluster.deploy_command(dir, args);
    command.envs(env.iter().copied());
    command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("deploy.sh starts")
}

/// Waits (up to 20 s) until `done` holds.
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "waited for {what}"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// Waits for a started run to end, at most `limit`, and returns its output.
fn finish(mut child: Child, limit: Duration) -> Output {
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > limit {
            child.kill().unwrap();
            panic!("deploy.sh did not end within {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    child.wait_with_output().unwrap()
}

/// The index of the first kubectl call from `from` on whose arguments contain `word`.
fn call_index(cluster: &Cluster, from: usize, words: &[&str]) -> Option<usize> {
    cluster
        .log()
        .iter()
        .enumerate()
        .skip(from)
        .find(|(_, call)| words.iter().all(|w| call.iter().any(|a| a.contains(w))))
        .map(|(i, _)| i)
}

/// A time `seconds_ago`, as the API writes a Lease's times (MicroTime, UTC).
fn utc(seconds_ago: u64) -> String {
    let time = now() - seconds_ago;
    let (days, rest) = ((time / 86_400) as i64, time % 86_400);
    // Days since 1970-01-01 to a civil date (Howard Hinnant's `civil_from_days`).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.000000Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A Lease as another run left it.
fn foreign_lease(holder: &str, renewed_seconds_ago: u64, duration: u64) -> Value {
    json!({
        "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
        "metadata": { "name": "kstep-web", "namespace": "shop", "resourceVersion": "7" },
        "spec": { "holderIdentity": holder, "leaseDurationSeconds": duration,
                  "acquireTime": utc(renewed_seconds_ago + 100), "renewTime": utc(renewed_seconds_ago) },
    })
}

#[test]
fn every_run_takes_the_lock_first_and_releases_it() {
    for strategy in STRATEGIES {
        let cluster = Cluster::new();
        cluster.deploy_ok(&cluster.compile(STEP, strategy, "build-1"));
        let calls = cluster.log();
        let create = call_index(&cluster, 0, &["create", "--filename"]).unwrap();
        let first_change = call_index(&cluster, 0, &["apply"]).unwrap();
        assert!(create < first_change, "{strategy}: {calls:?}");
        let lease = lease(&cluster).expect("the Lease stays, released");
        assert!(
            lease["spec"].get("holderIdentity").is_none(),
            "{strategy}: {lease}"
        );
        assert_eq!(lease["metadata"]["labels"]["kstep.dev/step"], "web");
        // The release is the last call, a replace that carries the version read.
        assert_eq!(calls.last().unwrap()[2..4], ["replace", "--filename"]);
    }
}

#[test]
fn a_second_run_waits_for_the_first_and_neither_loses_its_deployment() {
    for strategy in ["rolling-update", "blue-green"] {
        let cluster = Cluster::new();
        cluster.deploy_ok(&cluster.compile(STEP, strategy, "build-1"));
        let two = cluster.compile(&STEP.replace("1.27", "1.28"), strategy, "build-2");
        let three = cluster.compile(&STEP.replace("1.27", "1.29"), strategy, "build-3");
        let first = spawn(
            &cluster,
            &two,
            &[],
            &[("FAKE_KUBECTL_ROLLOUT_SECONDS", "3")],
        );
        wait_until("the first run to take the lock", || {
            holder(&cluster).is_some_and(|h| h.ends_with("/build-2"))
        });
        let from = cluster.log().len();
        let second = spawn(&cluster, &three, &["--lock-timeout", "60"], &[]);
        let first = finish(first, Duration::from_secs(30));
        let second = finish(second, Duration::from_secs(30));
        assert!(first.status.success(), "{strategy}: {}", stderr(&first));
        assert!(second.status.success(), "{strategy}: {}", stderr(&second));
        assert!(
            stdout(&second)
                .contains("Waiting up to 60 s for the deployment lock: lease/kstep-web is held by"),
            "{}",
            stdout(&second)
        );
        // The second run changed nothing until the first released the lock.
        let released = call_index(&cluster, from, &["replace"]).unwrap();
        let second_change = call_index(&cluster, from, &["apply", "out-build-3"]).unwrap();
        assert!(released < second_change, "{strategy}");
        if strategy == "blue-green" {
            // The first run's Deployment is the previous one, kept for rollback.
            let service = cluster.object("Service", "web").unwrap();
            assert_eq!(
                service["spec"]["selector"]["kstep.dev/deployment-id"],
                "build-3"
            );
            assert_eq!(
                service["metadata"]["annotations"]["kstep.dev/previous-deployment"],
                "build-2"
            );
            assert!(cluster.object("Deployment", "web-build-2").is_some());
            assert!(cluster.object("Deployment", "web-build-1").is_none());
        } else {
            let deployment = cluster.object("Deployment", "web").unwrap();
            assert_eq!(
                deployment["spec"]["template"]["spec"]["containers"][0]["image"],
                "nginx:1.29"
            );
        }
        assert_eq!(holder(&cluster), None);
    }
}

#[test]
fn a_second_run_gives_up_after_the_lock_timeout_and_says_who_holds_it() {
    for strategy in STRATEGIES {
        let cluster = Cluster::new();
        let one = cluster.compile(STEP, strategy, "build-1");
        let two = cluster.compile(&STEP.replace("1.27", "1.28"), strategy, "build-2");
        let first = spawn(
            &cluster,
            &one,
            &[],
            &[("FAKE_KUBECTL_ROLLOUT_SECONDS", "8")],
        );
        wait_until("the first run to take the lock", || {
            holder(&cluster).is_some()
        });
        let held_by = holder(&cluster).unwrap();
        let from = cluster.log().len();
        let started = Instant::now();
        let second = cluster.deploy(&two, &["--lock-timeout", "1"], None);
        assert_eq!(
            second.status.code(),
            Some(5),
            "{strategy}: {}",
            stderr(&second)
        );
        assert!(started.elapsed() >= Duration::from_secs(1));
        let err = stderr(&second);
        assert!(
            err.contains(&format!(
                "another run holds the deployment lock lease/kstep-web: {held_by}, since 20"
            )),
            "{err}"
        );
        assert!(
            err.contains("nothing was changed") && err.contains("unlock --force"),
            "{err}"
        );
        // The second run only read.
        for call in &cluster.log()[from..] {
            if call.join(" ").contains("build-2") {
                panic!("{strategy}: the second run went on: {call:?}");
            }
        }
        let first = finish(first, Duration::from_secs(30));
        assert!(first.status.success(), "{strategy}: {}", stderr(&first));
    }
}

/// Recreate and rolling update take the same lock as blue/green: one step, one lock.
#[test]
fn every_strategy_takes_the_same_lock() {
    let cluster = Cluster::new();
    let blue_green = cluster.compile(STEP, "blue-green", "build-1");
    let rolling = cluster.compile(STEP, "rolling-update", "build-2");
    let first = spawn(
        &cluster,
        &blue_green,
        &[],
        &[("FAKE_KUBECTL_ROLLOUT_SECONDS", "3")],
    );
    wait_until("the first run to take the lock", || {
        holder(&cluster).is_some()
    });
    let second = cluster.deploy(&rolling, &["--lock-timeout", "0"], None);
    assert_eq!(second.status.code(), Some(5), "{}", stderr(&second));
    assert!(finish(first, Duration::from_secs(30)).status.success());
}

#[test]
fn an_expired_lock_is_taken_over() {
    for strategy in STRATEGIES {
        let cluster = Cluster::new();
        // A run that died ten minutes ago; its Lease lasted 60 s.
        cluster.add_objects(vec![foreign_lease("ci-7/4242/build-0", 600, 60)]);
        let output = cluster.deploy(&cluster.compile(STEP, strategy, "build-1"), &[], None);
        assert!(output.status.success(), "{strategy}: {}", stderr(&output));
        assert!(
            stdout(&output)
                .contains("The deployment lock of ci-7/4242/build-0 expired (last renewed"),
            "{}",
            stdout(&output)
        );
        // The takeover replaced the Lease with the version read, and the run released it.
        let takeover = call_index(&cluster, 0, &["replace"]).unwrap();
        assert!(takeover < call_index(&cluster, 0, &["apply"]).unwrap());
        assert_eq!(holder(&cluster), None);
    }
}

#[test]
fn a_live_lock_is_not_taken_over() {
    let cluster = Cluster::new();
    cluster.add_objects(vec![foreign_lease("ci-7/4242/build-0", 5, 60)]);
    let dir = cluster.compile(STEP, "blue-green", "build-1");
    let output = cluster.deploy(&dir, &["--lock-timeout", "0"], None);
    assert_eq!(output.status.code(), Some(5), "{}", stderr(&output));
    assert_eq!(holder(&cluster).as_deref(), Some("ci-7/4242/build-0"));
    // status says who holds it; unlock needs --force, and then the next run goes on.
    let status = cluster.deploy(&dir, &["status"], None);
    assert!(
        stdout(&status).contains("Lock: held by ci-7/4242/build-0 since"),
        "{}",
        stdout(&status)
    );
    let unlock = cluster.deploy(&dir, &["unlock"], None);
    assert_eq!(unlock.status.code(), Some(2));
    assert!(stderr(&unlock).contains("give --force"));
    let unlock = cluster.deploy(&dir, &["unlock", "--force"], None);
    assert!(unlock.status.success(), "{}", stderr(&unlock));
    assert!(lease(&cluster).is_none());
    cluster.deploy_ok(&dir);
}

/// Another run writes the Lease between this run's read and its write: the write fails
/// (AlreadyExists, Conflict), the run reads again, waits while the other's Lease is valid,
/// and takes it over once it expired.
#[test]
fn a_lost_race_for_the_lease_is_retried() {
    for existing in [false, true] {
        let cluster = Cluster::new();
        if existing {
            cluster.add_objects(vec![foreign_lease("ci-7/4242/build-0", 600, 60)]);
        }
        let output = cluster
            .deploy_command(&cluster.compile(STEP, "blue-green", "build-1"), &[])
            .env("FAKE_KUBECTL_LEASE_RACE", "1")
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", stderr(&output));
        let out = stdout(&output);
        assert!(
            out.contains("lease/kstep-web is held by racer/1/other"),
            "existing {existing}: {out}"
        );
        assert!(
            out.contains("The deployment lock of racer/1/other expired"),
            "{out}"
        );
        assert_eq!(holder(&cluster), None);
    }
}

/// The lock is renewed while the run waits: a second run does not take it over, though the
/// run lasts longer than the Lease's duration.
#[test]
fn the_lock_is_renewed_while_the_run_waits() {
    let cluster = Cluster::new();
    let one = cluster.compile(STEP, "blue-green", "build-1");
    let two = cluster.compile(STEP, "blue-green", "build-2");
    let first = spawn(
        &cluster,
        &one,
        &["--lock-duration", "6"],
        &[("FAKE_KUBECTL_ROLLOUT_SECONDS", "9")],
    );
    wait_until("the first run to take the lock", || {
        holder(&cluster).is_some()
    });
    let second = spawn(&cluster, &two, &["--lock-timeout", "60"], &[]);
    let first = finish(first, Duration::from_secs(30));
    let second = finish(second, Duration::from_secs(30));
    assert!(first.status.success(), "{}", stderr(&first));
    assert!(second.status.success(), "{}", stderr(&second));
    assert!(
        !stdout(&second).contains("expired"),
        "the second run took over a live lock:\n{}",
        stdout(&second)
    );
    let renewals = cluster
        .log()
        .iter()
        .filter(|call| call.iter().any(|a| a == "replace"))
        .count();
    // Every 2 s during the 9 s rollout, and the two releases.
    assert!(renewals >= 5, "{renewals} replace calls");
}

/// SIGTERM (a CI job cancelled) or SIGINT in the middle of the rollout wait: the script ends
/// at once, stops the kubectl it waited for, and releases the lock; nothing else changes.
#[test]
fn a_signal_mid_wait_releases_the_lock() {
    for (strategy, signal, code) in [
        ("recreate", "TERM", 143),
        ("rolling-update", "TERM", 143),
        ("blue-green", "TERM", 143),
        ("blue-green", "INT", 130),
    ] {
        let cluster = Cluster::new();
        cluster.deploy_ok(&cluster.compile(STEP, strategy, "build-1"));
        let before = cluster.object("Service", "web").unwrap();
        let two = cluster.compile(&STEP.replace("1.27", "1.28"), strategy, "build-2");
        let from = cluster.log().len();
        let child = spawn(
            &cluster,
            &two,
            &[],
            &[("FAKE_KUBECTL_ROLLOUT_SECONDS", "60")],
        );
        wait_until("the rollout wait", || {
            call_index(&cluster, from, &["rollout", "status"]).is_some()
        });
        std::thread::sleep(Duration::from_millis(300));
        let killed = Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .unwrap();
        assert!(killed.success());
        // The output pipes close only when no process of the run holds them any more.
        let output = finish(child, Duration::from_secs(10));
        assert_eq!(
            output.status.code(),
            Some(code),
            "{strategy} {signal}: {}",
            stderr(&output)
        );
        assert_eq!(
            holder(&cluster),
            None,
            "{strategy} {signal}: the lock is held"
        );
        assert!(lease(&cluster).is_some());
        assert_eq!(
            cluster.object("Service", "web").unwrap(),
            before,
            "{strategy} {signal}: the Service changed"
        );
    }
}

#[test]
fn a_dry_run_takes_no_lock() {
    for strategy in STRATEGIES {
        let cluster = Cluster::new();
        cluster.add_objects(vec![foreign_lease("ci-7/4242/build-0", 5, 60)]);
        let output = cluster.deploy(
            &cluster.compile(STEP, strategy, "build-1"),
            &["--dry-run"],
            None,
        );
        assert!(output.status.success(), "{strategy}: {}", stderr(&output));
        assert!(
            stdout(&output).contains(
                "dry run: the deployment lock is not taken; lease/kstep-web is held by ci-7/4242/build-0"
            ),
            "{}",
            stdout(&output)
        );
        for call in cluster.log() {
            assert!(
                !call.iter().any(|a| a == "create" || a == "replace"),
                "{strategy}: {call:?}"
            );
        }
        assert_eq!(holder(&cluster).as_deref(), Some("ci-7/4242/build-0"));
    }
}
