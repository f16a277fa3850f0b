//! The deploy scripts of the workload kinds beside the Deployment, run against the stand-in
//! kubectl (tests/support/fake_kubectl.py): a StatefulSet's and a DaemonSet's rollout waited
//! for with the step's timeout (or not, on-delete), a Job waited for until it succeeds or
//! fails (its failed pods' last log lines shown), a new Job for every deployment and the older
//! ones removed, a CronJob applied in place with nothing to wait for.

mod support;

use std::process::Output;

use support::cluster::Cluster;
use support::stderr;

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stateful_set(image: &str, size: &str) -> String {
    format!(
        r#"[step]
id = "web"
namespace = "shop"

[stateful_set]
name = "db"
replicas = 3
timeout = 900

[[stateful_set.volume_claim_templates]]
name = "data"
size = "{size}"

[[containers]]
name = "db"
image = "{image}"
ports = [{{ name = "pg", port = 5432 }}]
volume_mounts = [{{ volume = "data", path = "/data" }}]
"#
    )
}

fn daemon_set(image: &str) -> String {
    format!(
        r#"[step]
id = "web"
namespace = "shop"

[daemon_set]
name = "agent"
timeout = 300

[[containers]]
name = "agent"
image = "{image}"
"#
    )
}

fn job(image: &str) -> String {
    format!(
        r#"[step]
id = "web"
namespace = "shop"

[job]
name = "migrate"
backoff_limit = 2
active_deadline = 600
timeout = 60

[[containers]]
name = "migrate"
image = "{image}"
"#
    )
}

fn cron_job(schedule: &str) -> String {
    format!(
        r#"[step]
id = "web"
namespace = "shop"

[cron_job]
name = "report"
schedule = "{schedule}"
concurrency_policy = "Forbid"
active_deadline = 600

[[containers]]
name = "report"
image = "ghcr.io/acme/report:1.0"
"#
    )
}

/// Whether the cluster saw a kubectl call with exactly these arguments at its end.
fn called(cluster: &Cluster, tail: &[&str]) -> bool {
    cluster
        .log()
        .iter()
        .any(|call| call.ends_with(&tail.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>()))
}

#[test]
fn a_stateful_set_rolls_out_with_the_steps_timeout_and_is_updated_in_place() {
    let cluster = Cluster::new();
    cluster.deploy_ok(&cluster.compile(
        &stateful_set("postgres:17.1", "10Gi"),
        "rolling-update",
        "build-1",
    ));
    assert_eq!(
        cluster.objects(),
        [
            "Lease/shop/kstep-web",
            "Service/shop/db-headless",
            "StatefulSet/shop/db"
        ]
    );
    assert!(called(
        &cluster,
        &["rollout", "status", "statefulset/db", "--timeout=900s"]
    ));
    cluster.deploy_ok(&cluster.compile(
        &stateful_set("postgres:17.2", "10Gi"),
        "rolling-update",
        "build-2",
    ));
    let set = cluster.object("StatefulSet", "db").unwrap();
    assert_eq!(
        set["spec"]["template"]["spec"]["containers"][0]["image"],
        "postgres:17.2"
    );
    assert_eq!(
        set["metadata"]["labels"]["kstep.dev/deployment-id"],
        "build-2"
    );
    assert_eq!(
        cluster.objects(),
        [
            "Lease/shop/kstep-web",
            "Service/shop/db-headless",
            "StatefulSet/shop/db"
        ],
        "updated in place, nothing removed"
    );
}

#[test]
fn a_stateful_sets_volume_claims_cannot_change() {
    let cluster = Cluster::new();
    cluster.deploy_ok(&cluster.compile(
        &stateful_set("postgres:17.1", "10Gi"),
        "rolling-update",
        "build-1",
    ));
    let output = cluster.deploy(
        &cluster.compile(
            &stateful_set("postgres:17.1", "20Gi"),
            "rolling-update",
            "build-2",
        ),
        &[],
        None,
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("updates to statefulset spec for fields other than"));
}

#[test]
fn on_delete_has_nothing_to_wait_for() {
    for step in [stateful_set("postgres:17.1", "10Gi"), daemon_set("agent:1")] {
        let cluster = Cluster::new();
        let output = cluster.deploy(&cluster.compile(&step, "on-delete", "build-1"), &[], None);
        assert!(output.status.success(), "{}", stderr(&output));
        assert!(
            stdout(&output).contains("only when they are deleted"),
            "{}",
            stdout(&output)
        );
        assert!(
            !cluster
                .log()
                .iter()
                .any(|call| call.contains(&"rollout".to_owned()))
        );
    }
}

#[test]
fn a_daemon_set_rolls_out_and_a_failed_rollout_is_reported() {
    let cluster = Cluster::new();
    cluster.deploy_ok(&cluster.compile(&daemon_set("agent:1"), "rolling-update", "build-1"));
    assert!(called(
        &cluster,
        &["rollout", "status", "daemonset/agent", "--timeout=300s"]
    ));
    let output = cluster.deploy(
        &cluster.compile(&daemon_set("agent:2"), "rolling-update", "build-2"),
        &[],
        Some("agent"),
    );
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(
        err.contains("daemonset agent did not become ready within 300 seconds"),
        "{err}"
    );
    assert!(
        err.contains("pod agent-"),
        "the report names the DaemonSet's pods: {err}"
    );
    assert!(called(&cluster, &["describe", "daemonset", "agent"]));
}

#[test]
fn every_deployment_runs_a_new_job_and_removes_the_older_ones() {
    let cluster = Cluster::new();
    cluster.deploy_ok(&cluster.compile(&job("shop:1"), "rolling-update", "build-1"));
    assert_eq!(
        cluster.objects(),
        ["Job/shop/migrate-build-1", "Lease/shop/kstep-web"]
    );
    let step = cluster.compile(&job("shop:2"), "rolling-update", "build-2");
    let mut command = cluster.deploy_command(&step, &[]);
    // The Job runs for two reads before it completes: the script polls.
    let output = command.env("FAKE_KUBECTL_JOB_POLLS", "2").output().unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stdout(&output).contains("Job migrate-build-2 succeeded"),
        "{}",
        stdout(&output)
    );
    assert_eq!(
        cluster.objects(),
        ["Job/shop/migrate-build-2", "Lease/shop/kstep-web"]
    );
    let job = cluster.object("Job", "migrate-build-2").unwrap();
    assert_eq!(job["spec"]["template"]["spec"]["restartPolicy"], "Never");
}

#[test]
fn a_failed_job_shows_its_pods_last_log_lines_and_keeps_the_older_job() {
    let cluster = Cluster::new();
    cluster.deploy_ok(&cluster.compile(&job("shop:1"), "rolling-update", "build-1"));
    let step = cluster.compile(&job("shop:2"), "rolling-update", "build-2");
    let output = cluster
        .deploy_command(&step, &[])
        .env("FAKE_KUBECTL_FAIL_JOB", "migrate")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let err = stderr(&output);
    assert!(err.contains("Job migrate-build-2 failed"), "{err}");
    // backoff_limit 2: three failed pods, each with its last 20 lines.
    for pod in ["migrate-build-2-00000", "migrate-build-2-00002"] {
        assert!(
            err.contains(&format!("--- pod/{pod}: the last 20 log lines")),
            "{err}"
        );
        assert!(err.contains(&format!("{pod} log line 30")), "{err}");
        assert!(err.contains(&format!("{pod} log line 11\n")), "{err}");
        assert!(
            !err.contains(&format!("{pod} log line 10\n")),
            "only the last 20: {err}"
        );
    }
    assert_eq!(
        cluster.objects(),
        [
            "Job/shop/migrate-build-1",
            "Job/shop/migrate-build-2",
            "Lease/shop/kstep-web"
        ],
        "nothing removed after a failure"
    );
    // A retry of the same deployment runs the Job again.
    let output = cluster.deploy(&step, &[], None);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("failed in an earlier run; deleting it to run it again"));
    assert_eq!(
        cluster.objects(),
        ["Job/shop/migrate-build-2", "Lease/shop/kstep-web"]
    );
}

#[test]
fn a_jobs_pod_template_cannot_change() {
    // Why every deployment makes a new Job: the same name with another template is refused.
    let cluster = Cluster::new();
    cluster.deploy_ok(&cluster.compile(&job("shop:1"), "rolling-update", "same"));
    let output = cluster.deploy(
        &cluster.compile(&job("shop:2"), "rolling-update", "same"),
        &[],
        None,
    );
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("spec.template: Invalid value"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_cron_job_is_applied_in_place_with_nothing_to_wait_for() {
    let cluster = Cluster::new();
    let output = cluster.deploy(
        &cluster.compile(&cron_job("0 3 * * *"), "rolling-update", "build-1"),
        &[],
        None,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("A CronJob has nothing to roll out"));
    cluster.deploy_ok(&cluster.compile(&cron_job("@hourly"), "rolling-update", "build-2"));
    assert_eq!(
        cluster.objects(),
        ["CronJob/shop/report", "Lease/shop/kstep-web"]
    );
    let cron = cluster.object("CronJob", "report").unwrap();
    assert_eq!(cron["spec"]["schedule"], "@hourly");
    assert!(
        !cluster
            .log()
            .iter()
            .any(|call| call.contains(&"rollout".to_owned()))
    );
}

#[test]
fn a_step_that_changes_kind_removes_its_older_workload() {
    let cluster = Cluster::new();
    let deployment = r#"[step]
id = "web"
namespace = "shop"

[deployment]
name = "db"

[[containers]]
name = "db"
image = "postgres:17.1"
"#;
    cluster.deploy_ok(&cluster.compile(deployment, "rolling-update", "build-1"));
    assert!(cluster.object("Deployment", "db").is_some());
    cluster.deploy_ok(&cluster.compile(
        &stateful_set("postgres:17.1", "10Gi"),
        "rolling-update",
        "build-2",
    ));
    assert_eq!(
        cluster.objects(),
        [
            "Lease/shop/kstep-web",
            "Service/shop/db-headless",
            "StatefulSet/shop/db"
        ]
    );
}

#[test]
fn a_dry_run_of_each_kind_changes_nothing_and_waits_for_nothing() {
    for step in [
        stateful_set("postgres:17.1", "10Gi"),
        daemon_set("agent:1"),
        job("shop:1"),
        cron_job("@daily"),
    ] {
        let cluster = Cluster::new();
        let output = cluster.deploy(
            &cluster.compile(&step, "rolling-update", "build-1"),
            &["--dry-run"],
            None,
        );
        assert!(output.status.success(), "{}", stderr(&output));
        assert!(cluster.objects().is_empty(), "{:?}", cluster.objects());
        assert!(
            !cluster
                .log()
                .iter()
                .any(|call| call.contains(&"rollout".to_owned()))
        );
    }
}

#[test]
fn status_shows_the_workload() {
    let cluster = Cluster::new();
    let step = cluster.compile(
        &stateful_set("postgres:17.1", "10Gi"),
        "rolling-update",
        "build-1",
    );
    cluster.deploy_ok(&step);
    let output = cluster.deploy(&step, &["status"], None);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains("db"), "{}", stdout(&output));
    assert!(called(
        &cluster,
        &["get", "statefulset", "db", "--ignore-not-found"]
    ));
}
