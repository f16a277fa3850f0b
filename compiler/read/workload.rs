//! The workload's table: `[deployment]` (the default kind), `[stateful_set]`, `[daemon_set]`,
//! `[job]` or `[cron_job]`, exactly one. The keys every kind shares (name, labels, ...) go
//! into the model's `Deployment`; each kind's own into `Workload`.

use super::reader::Reader;
use super::table::Table;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{
    ClaimRetention, ClaimTemplate, CronJob, DaemonRolling, DaemonSet, Deployment, FailureMatch,
    Job, JobSettings, Kind, PodFailureRule, StatefulRolling, StatefulSet, Workload,
};

/// Reads the step's workload table. Several are reported, and every one is read (so that its
/// own mistakes are reported too); the first decides the kind.
pub(super) fn read(r: &mut Reader<'_>, top: &mut Table<'_>) -> (Deployment, Workload) {
    let given: Vec<(Kind, &'static str, crate::source::Span)> = Kind::TABLES
        .iter()
        .filter_map(|&(kind, key)| top.entry(key).map(|e| (kind, key, e.key_span)))
        .collect();
    match given.as_slice() {
        [] => {
            top.missing(r, "deployment");
            return (Deployment::default(), Workload::Deployment);
        }
        [_] => {}
        [(_, first, first_span), rest @ ..] => {
            let mut diagnostic = Diagnostic::error(
                Code::ConflictingFields,
                format!("`{first}` and `{}` both given", rest[0].1),
            )
            .label(
                rest[0].2,
                format!("`{}` conflicts with `{first}`", rest[0].1),
            )
            .label(*first_span, format!("`{first}` given here"));
            for (_, key, span) in &rest[1..] {
                diagnostic = diagnostic.label(*span, format!("`{key}` given here"));
            }
            r.report(diagnostic.help(
                "a step is one workload: keep one of `deployment`, `stateful_set`, `daemon_set`, `job` and `cron_job`, and move the others into steps of their own",
            ));
        }
    }
    let mut chosen = None;
    for &(kind, key, _) in &given {
        let Some(table) = top.optional_table(r, key) else {
            continue;
        };
        let read = match kind {
            Kind::Deployment => (super::step::read_deployment(r, table), Workload::Deployment),
            Kind::StatefulSet => stateful_set(r, table),
            Kind::DaemonSet => daemon_set(r, table),
            Kind::Job => job(r, table),
            Kind::CronJob => cron_job(r, table),
        };
        chosen.get_or_insert(read);
    }
    chosen.unwrap_or_else(|| {
        // The table is not a table (reported): keep the kind so the rest is checked as it.
        let (kind, _, span) = given[0];
        (Deployment::default(), empty(kind, span))
    })
}

/// A workload of `kind` with no settings, for a kind table that could not be read.
fn empty(kind: Kind, key_span: crate::source::Span) -> Workload {
    match kind {
        Kind::Deployment => Workload::Deployment,
        Kind::StatefulSet => Workload::StatefulSet(StatefulSet {
            key_span,
            service_name: None,
            pod_management_policy: None,
            ordinals_start: None,
            volume_claim_templates: Vec::new(),
            claim_retention: None,
            rolling: None,
            timeout: None,
        }),
        Kind::DaemonSet => Workload::DaemonSet(DaemonSet {
            key_span,
            rolling: None,
            timeout: None,
        }),
        Kind::Job => Workload::Job(Job {
            key_span,
            settings: JobSettings::default(),
            timeout: None,
        }),
        Kind::CronJob => Workload::CronJob(CronJob {
            key_span,
            schedule: None,
            time_zone: None,
            concurrency_policy: None,
            suspend: None,
            successful_history: None,
            failed_history: None,
            starting_deadline: None,
            job: JobSettings::default(),
        }),
    }
}

/// The keys every kind has: name, labels, annotations.
fn common(r: &mut Reader<'_>, t: &mut Table<'_>) -> Deployment {
    let name = t.required(r, "name", Reader::string);
    let labels = t
        .optional(r, "labels", Reader::string_map)
        .unwrap_or_default();
    let annotations = t
        .optional(r, "annotations", Reader::string_map)
        .unwrap_or_default();
    Deployment {
        name,
        labels,
        annotations,
        ..Deployment::default()
    }
}

fn stateful_set(r: &mut Reader<'_>, mut t: Table<'_>) -> (Deployment, Workload) {
    let key_span = t.head();
    let mut common = common(r, &mut t);
    common.replicas = t.optional(r, "replicas", Reader::int);
    common.min_ready = t.optional(r, "min_ready", Reader::int);
    common.revision_history_limit = t.optional(r, "revision_history_limit", Reader::int);
    let service_name = t.optional(r, "service_name", Reader::string);
    let pod_management_policy = t.optional(r, "pod_management_policy", Reader::choice);
    let ordinals_start = t.optional(r, "ordinals_start", Reader::int);
    let volume_claim_templates = t.table_list(r, "volume_claim_templates", claim_template);
    let claim_retention = t.optional_table(r, "claim_retention").map(|mut c| {
        let when_deleted = c.optional(r, "when_deleted", Reader::choice);
        let when_scaled = c.optional(r, "when_scaled", Reader::choice);
        c.finish(r);
        ClaimRetention {
            when_deleted,
            when_scaled,
        }
    });
    let rolling = t.optional_table(r, "rolling").map(|mut rolling| {
        let key_span = rolling.head();
        let partition = rolling.optional(r, "partition", Reader::int);
        let max_unavailable = rolling.optional(r, "max_unavailable", Reader::count);
        rolling.finish(r);
        StatefulRolling {
            key_span,
            partition,
            max_unavailable,
        }
    });
    let timeout = t.optional(r, "timeout", Reader::int);
    t.finish(r);
    (
        common,
        Workload::StatefulSet(StatefulSet {
            key_span,
            service_name,
            pod_management_policy,
            ordinals_start,
            volume_claim_templates,
            claim_retention,
            rolling,
            timeout,
        }),
    )
}

/// `[[stateful_set.volume_claim_templates]]`; dropped when its name or size is broken.
fn claim_template(r: &mut Reader<'_>, mut t: Table<'_>) -> Option<ClaimTemplate> {
    let name = t.required(r, "name", Reader::string);
    let size = t.required(r, "size", Reader::quantity);
    let storage_class = t.optional(r, "storage_class", Reader::string);
    let access_modes = t.optional(r, "access_modes", |r, node| {
        r.list(node, "a list of access modes", Reader::choice)
    });
    t.finish(r);
    Some(ClaimTemplate {
        name: name?,
        size: size?,
        storage_class,
        access_modes,
    })
}

fn daemon_set(r: &mut Reader<'_>, mut t: Table<'_>) -> (Deployment, Workload) {
    let key_span = t.head();
    let mut common = common(r, &mut t);
    common.min_ready = t.optional(r, "min_ready", Reader::int);
    common.revision_history_limit = t.optional(r, "revision_history_limit", Reader::int);
    let rolling = t.optional_table(r, "rolling").map(|mut rolling| {
        let key_span = rolling.head();
        let max_surge = rolling.optional(r, "max_surge", Reader::count);
        let max_unavailable = rolling.optional(r, "max_unavailable", Reader::count);
        rolling.finish(r);
        DaemonRolling {
            key_span,
            max_surge,
            max_unavailable,
        }
    });
    let timeout = t.optional(r, "timeout", Reader::int);
    t.finish(r);
    (
        common,
        Workload::DaemonSet(DaemonSet {
            key_span,
            rolling,
            timeout,
        }),
    )
}

fn job(r: &mut Reader<'_>, mut t: Table<'_>) -> (Deployment, Workload) {
    let key_span = t.head();
    let common = common(r, &mut t);
    let settings = job_settings(r, &mut t);
    let timeout = t.optional(r, "timeout", Reader::int);
    t.finish(r);
    (
        common,
        Workload::Job(Job {
            key_span,
            settings,
            timeout,
        }),
    )
}

fn cron_job(r: &mut Reader<'_>, mut t: Table<'_>) -> (Deployment, Workload) {
    let key_span = t.head();
    let common = common(r, &mut t);
    let schedule = t.required(r, "schedule", Reader::string);
    let time_zone = t.optional(r, "time_zone", Reader::string);
    let concurrency_policy = t.optional(r, "concurrency_policy", Reader::choice);
    let suspend = t.optional(r, "suspend", Reader::bool);
    let successful_history = t.optional(r, "successful_history", Reader::int);
    let failed_history = t.optional(r, "failed_history", Reader::int);
    let starting_deadline = t.optional(r, "starting_deadline", Reader::int);
    let job = job_settings(r, &mut t);
    t.finish(r);
    (
        common,
        Workload::CronJob(CronJob {
            key_span,
            schedule,
            time_zone,
            concurrency_policy,
            suspend,
            successful_history,
            failed_history,
            starting_deadline,
            job,
        }),
    )
}

/// The keys of a Job, in `[job]` and in `[cron_job]`.
fn job_settings(r: &mut Reader<'_>, t: &mut Table<'_>) -> JobSettings {
    let completions = t.optional(r, "completions", Reader::int);
    let parallelism = t.optional(r, "parallelism", Reader::int);
    let backoff_limit = t.optional(r, "backoff_limit", Reader::int);
    let active_deadline = t.optional(r, "active_deadline", Reader::int);
    let ttl_after_finished = t.optional(r, "ttl_after_finished", Reader::int);
    let completion_mode = t.optional(r, "completion_mode", Reader::choice);
    let restart_policy = t.optional(r, "restart_policy", Reader::choice);
    let pod_failure_policy_span = t.entry("pod_failure_policy").map(|e| e.key_span);
    let pod_failure_policy = t.table_list(r, "pod_failure_policy", failure_rule);
    JobSettings {
        completions,
        parallelism,
        backoff_limit,
        active_deadline,
        ttl_after_finished,
        completion_mode,
        restart_policy,
        pod_failure_policy,
        pod_failure_policy_span,
    }
}

/// `[[job.pod_failure_policy]]`: `action`, and one of `exit_codes`, `not_exit_codes` and
/// `condition`; `container` with exit codes.
fn failure_rule(r: &mut Reader<'_>, mut t: Table<'_>) -> Option<PodFailureRule> {
    let action = t.required(r, "action", Reader::choice);
    let codes = |r: &mut Reader<'_>, node: &crate::syntax::Node| {
        r.list(node, "a list of exit codes", Reader::int)
    };
    let on = match t.one_of(
        r,
        &["exit_codes", "not_exit_codes", "condition"],
        "rule (exit codes or a pod condition)",
    ) {
        Some("exit_codes") => t
            .optional(r, "exit_codes", codes)
            .map(FailureMatch::ExitCodes),
        Some("not_exit_codes") => t
            .optional(r, "not_exit_codes", codes)
            .map(FailureMatch::NotExitCodes),
        Some(_) => t
            .optional(r, "condition", Reader::string)
            .map(FailureMatch::Condition),
        None => None,
    };
    let container = t.optional(r, "container", Reader::string);
    if let (Some(FailureMatch::Condition(_)), Some(container)) = (&on, &container) {
        r.report(
            Diagnostic::error(
                Code::ConflictingFields,
                "`container` goes with exit codes, not with a pod condition",
            )
            .label(container.span, "a pod condition is the whole pod's")
            .help("remove `container`, or match the container's `exit_codes`"),
        );
    }
    t.finish(r);
    Some(PodFailureRule {
        action: action?,
        on: on?,
        container,
    })
}
