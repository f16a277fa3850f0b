//! The workload tables beside `[deployment]`: `[stateful_set]`, `[daemon_set]`, `[job]` and
//! `[cron_job]`. A step has exactly one workload table (`StepFile`'s `oneOf`).

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde_json::json;

use super::values::{Count, Quantity, Templated, Word};
use crate::model::{
    AccessMode, CompletionMode, ConcurrencyPolicy, JobRestartPolicy, PodFailureAction,
    PodManagementPolicy, RetentionPolicy,
};

/// `[stateful_set]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(super) struct StatefulSet {
    /// The StatefulSet's name; its pods are `<name>-0`, `<name>-1`, ...
    #[schemars(example = &"db")]
    name: String,
    /// How many pods; default 1.
    #[schemars(example = 3)]
    replicas: Option<Templated<i64>>,
    /// Labels on every object of the step and on the pods.
    #[schemars(example = json!({ "team": "storage" }))]
    labels: Option<BTreeMap<String, String>>,
    /// Annotations on the StatefulSet.
    #[schemars(example = json!({ "example.com/owner": "storage" }))]
    annotations: Option<BTreeMap<String, String>>,
    /// Seconds a new pod must be ready before it counts as available.
    #[schemars(example = 10)]
    min_ready: Option<Templated<i64>>,
    /// Old revisions kept for rollback; the API's default is 10.
    #[schemars(example = 3)]
    revision_history_limit: Option<Templated<i64>>,
    /// The headless Service that gives the pods their DNS names; default: the step's own
    /// headless Service, else one kstep makes, `<name>-headless`.
    #[schemars(example = &"db-headless")]
    service_name: Option<String>,
    /// `OrderedReady` (the default: one pod at a time, in order) or `Parallel`.
    #[schemars(example = &"Parallel")]
    pod_management_policy: Option<Word<PodManagementPolicy>>,
    /// The first pod's ordinal; default 0.
    #[schemars(example = 1)]
    ordinals_start: Option<Templated<i64>>,
    /// Volumes claimed for each pod, mounted by name like `volumes`.
    #[schemars(example = json!([{ "name": "data", "size": "10Gi" }]))]
    volume_claim_templates: Option<Vec<ClaimTemplate>>,
    /// Whether the pods' claims are kept (`Retain`, the default) or deleted (`Delete`) when
    /// the StatefulSet is deleted or scaled down.
    #[schemars(example = json!({ "when_deleted": "Retain", "when_scaled": "Delete" }))]
    claim_retention: Option<ClaimRetention>,
    /// How a rolling update replaces pods (rolling-update strategy only).
    #[schemars(example = json!({ "partition": 0, "max_unavailable": 1 }))]
    rolling: Option<StatefulRolling>,
    /// Seconds `deploy.sh` waits for the rollout; default 600.
    #[schemars(example = 900)]
    timeout: Option<Templated<i64>>,
}

/// `[[stateful_set.volume_claim_templates]]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ClaimTemplate {
    /// The volume's name, as the containers' `mounts` name it.
    #[schemars(example = &"data")]
    name: String,
    /// The storage each pod claims.
    #[schemars(example = &"10Gi")]
    size: Quantity,
    /// The StorageClass; default: the cluster's default class.
    #[schemars(example = &"fast-ssd")]
    storage_class: Option<String>,
    /// How the volume may be mounted; default `["ReadWriteOnce"]`.
    #[schemars(example = json!(["ReadWriteOnce"]))]
    access_modes: Option<Vec<Word<AccessMode>>>,
}

/// `[stateful_set.claim_retention]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ClaimRetention {
    /// When the StatefulSet is deleted: `Retain` (the default) or `Delete`.
    #[schemars(example = &"Retain")]
    when_deleted: Option<Word<RetentionPolicy>>,
    /// When it is scaled down: `Retain` (the default) or `Delete`.
    #[schemars(example = &"Delete")]
    when_scaled: Option<Word<RetentionPolicy>>,
}

/// `[stateful_set.rolling]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct StatefulRolling {
    /// Pods with an ordinal below it keep the old version (a staged rollout); default 0.
    #[schemars(example = 2)]
    partition: Option<Templated<i64>>,
    /// Pods allowed to be unavailable during the update; default 1.
    #[schemars(example = 1)]
    max_unavailable: Option<Count>,
}

/// `[daemon_set]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(super) struct DaemonSet {
    /// The DaemonSet's name.
    #[schemars(example = &"node-agent")]
    name: String,
    /// Labels on every object of the step and on the pods.
    #[schemars(example = json!({ "team": "platform" }))]
    labels: Option<BTreeMap<String, String>>,
    /// Annotations on the DaemonSet.
    #[schemars(example = json!({ "example.com/owner": "platform" }))]
    annotations: Option<BTreeMap<String, String>>,
    /// Seconds a new pod must be ready before it counts as available.
    #[schemars(example = 10)]
    min_ready: Option<Templated<i64>>,
    /// Old revisions kept for rollback; the API's default is 10.
    #[schemars(example = 3)]
    revision_history_limit: Option<Templated<i64>>,
    /// How a rolling update replaces pods (rolling-update strategy only).
    #[schemars(example = json!({ "max_unavailable": 1, "max_surge": 0 }))]
    rolling: Option<DaemonRolling>,
    /// Seconds `deploy.sh` waits for the rollout; default 600.
    #[schemars(example = 900)]
    timeout: Option<Templated<i64>>,
}

/// `[daemon_set.rolling]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct DaemonRolling {
    /// Nodes that may run a new pod beside the old one during the update; default 0.
    #[schemars(example = &"10%")]
    max_surge: Option<Count>,
    /// Nodes whose pod may be unavailable during the update; default 1.
    #[schemars(example = 1)]
    max_unavailable: Option<Count>,
}

/// `[job]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(super) struct Job {
    /// The Job's name; each deployment creates the Job `<name>-<deployment id>`.
    #[schemars(example = &"migrate")]
    name: String,
    /// Labels on every object of the step and on the pods.
    #[schemars(example = json!({ "team": "storefront" }))]
    labels: Option<BTreeMap<String, String>>,
    /// Annotations on the Job.
    #[schemars(example = json!({ "example.com/owner": "storefront" }))]
    annotations: Option<BTreeMap<String, String>>,
    #[serde(flatten)]
    settings: JobSettings,
    /// Seconds `deploy.sh` waits for the Job to finish; default 600.
    #[schemars(example = 1800)]
    timeout: Option<Templated<i64>>,
}

/// `[cron_job]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(super) struct CronJob {
    /// The CronJob's name (at most 52 characters: its Jobs add 11).
    #[schemars(example = &"report")]
    name: String,
    /// Labels on every object of the step and on the pods.
    #[schemars(example = json!({ "team": "storefront" }))]
    labels: Option<BTreeMap<String, String>>,
    /// Annotations on the CronJob.
    #[schemars(example = json!({ "example.com/owner": "storefront" }))]
    annotations: Option<BTreeMap<String, String>>,
    /// When to run: five cron fields (minute hour day-of-month month day-of-week) or
    /// `@yearly`, `@monthly`, `@weekly`, `@daily`, `@hourly`.
    #[schemars(example = &"30 2 * * *")]
    schedule: String,
    /// The IANA time zone of the schedule; default: the controller manager's.
    #[schemars(example = &"Europe/Berlin")]
    time_zone: Option<String>,
    /// When a run is due while the last one still runs: `Allow` (the default), `Forbid`
    /// (skip this run) or `Replace` (stop the last one).
    #[schemars(example = &"Forbid")]
    concurrency_policy: Option<Word<ConcurrencyPolicy>>,
    /// `true`: start no new runs.
    #[schemars(example = false)]
    suspend: Option<Templated<bool>>,
    /// Finished successful Jobs kept; default 3.
    #[schemars(example = 3)]
    successful_history: Option<Templated<i64>>,
    /// Failed Jobs kept; default 1.
    #[schemars(example = 1)]
    failed_history: Option<Templated<i64>>,
    /// Seconds after its time a missed run may still start.
    #[schemars(example = 300)]
    starting_deadline: Option<Templated<i64>>,
    #[serde(flatten)]
    job: JobSettings,
}

/// The keys of a Job, in `[job]` and `[cron_job]`.
#[derive(JsonSchema)]
struct JobSettings {
    /// Pods that must succeed; default 1.
    #[schemars(example = 1)]
    completions: Option<Templated<i64>>,
    /// Pods that run at once; default 1.
    #[schemars(example = 1)]
    parallelism: Option<Templated<i64>>,
    /// Retries before the Job fails; default 6.
    #[schemars(example = 2)]
    backoff_limit: Option<Templated<i64>>,
    /// Seconds the Job may run in all before it fails.
    #[schemars(example = 600)]
    active_deadline: Option<Templated<i64>>,
    /// Seconds a finished Job is kept before the cluster deletes it.
    #[schemars(example = 86400)]
    ttl_after_finished: Option<Templated<i64>>,
    /// `NonIndexed` (the default) or `Indexed` (each pod gets an index).
    #[schemars(example = &"Indexed")]
    completion_mode: Option<Word<CompletionMode>>,
    /// The pods' restart policy: `Never` (the default: a failed pod is replaced by a new
    /// one) or `OnFailure` (its containers restart in place).
    #[schemars(example = &"Never")]
    restart_policy: Option<Word<JobRestartPolicy>>,
    /// Rules for failed pods: fail the Job at once, ignore the failure, or count it.
    #[schemars(example = json!([{ "action": "FailJob", "exit_codes": [42] }]))]
    pod_failure_policy: Option<Vec<PodFailureRule>>,
}

/// `[[job.pod_failure_policy]]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, extend("oneOf" = [
    { "required": ["exit_codes"] }, { "required": ["not_exit_codes"] }, { "required": ["condition"] }
]))]
struct PodFailureRule {
    /// `FailJob`, `Ignore` or `Count`.
    #[schemars(example = &"FailJob")]
    action: Word<PodFailureAction>,
    /// Exit codes (not 0) that match.
    #[schemars(example = json!([42]))]
    exit_codes: Option<Vec<Templated<i64>>>,
    /// Exit codes that do not match: any other does.
    #[schemars(example = json!([0, 1]))]
    not_exit_codes: Option<Vec<Templated<i64>>>,
    /// A pod condition that matches, e.g. `DisruptionTarget` (a pod evicted or preempted).
    #[schemars(example = &"DisruptionTarget")]
    condition: Option<String>,
    /// Only this container's exit codes.
    #[schemars(example = &"migrate")]
    container: Option<String>,
}
