//! The API's rules for the workload kinds beside the Deployment (`ValidateStatefulSetSpec`,
//! `ValidateDaemonSetSpec` in `pkg/apis/apps/validation`, `validateJobSpec` and
//! `validateCronJobSpec` in `pkg/apis/batch/validation`), and what a kind cannot have: a
//! Job's or CronJob's pods run to completion, so no Service or Ingress routes to them.

use std::collections::BTreeMap;

use super::quantity::Quantity;
use super::{Cx, k8s, schedule};
use crate::diagnostic::{Code, Diagnostic, Diagnostics, closest};
use crate::model::{
    AccessMode, Choice, CompletionMode, CronJob, DaemonSet, FailureMatch, JobRestartPolicy,
    JobSettings, Kind, Spanned, StatefulSet, Step, Strategy, Workload,
};
use crate::plan::{Origin, Plan};

const MAX: i64 = i32::MAX as i64;
/// A day: deploy.sh holds the deployment lock while it waits.
const MAX_TIMEOUT: i64 = 86_400;
/// `maxParallelismForIndexedJob` and `completionsSoftLimit` of the Job validation.
const MAX_INDEXED: i64 = 100_000;
/// A CronJob's name, so that its Jobs' names (`<name>-<11 digits>`) stay within 63.
const MAX_CRON_JOB_NAME: usize = 52;

pub(super) fn check(cx: &mut Cx<'_>) {
    let step = cx.step;
    if let Some(timeout) = step.workload.timeout() {
        cx.range(timeout, "`timeout`", 1, MAX_TIMEOUT);
    }
    match &step.workload {
        Workload::Deployment => {}
        Workload::StatefulSet(set) => stateful_set(cx, set),
        Workload::DaemonSet(set) => daemon_set(cx, set),
        Workload::Job(job) => job_settings(cx, &job.settings),
        Workload::CronJob(cron) => cron_job(cx, cron),
    }
    if !step.kind().serves() {
        no_traffic(cx);
    }
}

/// Services and Ingresses of a Job or CronJob.
fn no_traffic(cx: &mut Cx<'_>) {
    let step = cx.step;
    let kind = step.kind().api_kind();
    let spans = step
        .services
        .iter()
        .map(|s| (s.key_span, "Service"))
        .chain(step.ingresses.iter().map(|i| (i.key_span, "Ingress")));
    let found: Vec<_> = spans.collect();
    for (span, what) in found {
        cx.report(
            Diagnostic::error(
                Code::UnsupportedByKind,
                format!("a {kind} has no {what}: its pods run to completion"),
            )
            .label(span, format!("{what} of a {kind}"))
            .help(format!(
                "remove it; a {what} for other pods belongs in the step of the workload that serves them"
            )),
        );
    }
}

fn stateful_set(cx: &mut Cx<'_>, set: &StatefulSet) {
    let step = cx.step;
    if let Some(name) = &step.deployment.name {
        // Its pods' host names are `<name>-<ordinal>`: DNS labels.
        cx.syntax(name, "StatefulSet name", &k8s::DNS_LABEL);
    }
    if let Some(start) = &set.ordinals_start {
        cx.range(start, "`ordinals_start`", 0, MAX);
    }
    if let Some(rolling) = &set.rolling {
        if let Some(partition) = &rolling.partition {
            cx.range(partition, "`partition`", 0, MAX);
        }
        if let Some(count) = &rolling.max_unavailable
            && super::strategy::count(cx, count, "max_unavailable", true) == Some(0)
        {
            cx.report(
                Diagnostic::error(
                    Code::InvalidRollingUpdate,
                    "a StatefulSet's `max_unavailable` must be at least 1",
                )
                .label(count.span, "no pod could ever be replaced")
                .help("use 1 (the default) or more, or a percentage such as \"25%\""),
            );
        }
    }
    if let Some(service_name) = &set.service_name
        && cx.syntax(service_name, "Service name", &k8s::DNS_LABEL)
        && let Some(service) = step
            .services
            .iter()
            .find(|s| step.service_name(s) == service_name.value)
        && !service.is_headless()
    {
        cx.report(
            Diagnostic::error(
                Code::UnsupportedByKind,
                format!("the StatefulSet's Service `{}` is not headless", service_name.value),
            )
            .label(service_name.span, "names this Service")
            .label(service.key_span, "a Service with a cluster IP")
            .help("give that Service `cluster_ip = \"None\"`, or leave out `service_name` and kstep makes a headless Service"),
        );
    }
    if let Some(crate::model::Governing::Made(made)) = step.governing_service()
        && made.len() > 63
        && let Some(name) = &step.deployment.name
    {
        cx.report(
            Diagnostic::error(
                Code::InvalidName,
                format!("the headless Service kstep makes, `{made}`, has more than 63 characters"),
            )
            .label(name.span, "the StatefulSet's name and `-headless`")
            .help("shorten the name, or name the Service with `service_name`"),
        );
    }
    if let Some(crate::model::Governing::Made(made)) = step.governing_service()
        && let Some(service) = step.services.iter().find(|s| step.service_name(s) == made)
    {
        cx.report(
            Diagnostic::error(
                Code::DuplicateName,
                format!("kstep makes the StatefulSet's headless Service `{made}`, and the step has a Service of that name"),
            )
            .label(service.key_span, "not headless")
            .help("make this Service headless (`cluster_ip = \"None\"`) to use it as the StatefulSet's, or rename it"),
        );
    }
    let mut seen = BTreeMap::new();
    for claim in &set.volume_claim_templates {
        if cx.syntax(&claim.name, "volume claim template name", &k8s::DNS_LABEL) {
            if let Some(first) = seen.insert(claim.name.value.as_str(), claim.name.span) {
                cx.report(
                    Diagnostic::error(
                        Code::DuplicateName,
                        format!(
                            "two volume claim templates are named `{}`",
                            claim.name.value
                        ),
                    )
                    .label(claim.name.span, "second template with this name")
                    .label(first, "first template with this name")
                    .help("rename one"),
                );
            }
            if let Some(volume) = step
                .volumes
                .iter()
                .find(|v| v.name.value == claim.name.value)
            {
                cx.report(
                    Diagnostic::error(
                        Code::DuplicateName,
                        format!(
                            "`{}` is a volume and a volume claim template",
                            claim.name.value
                        ),
                    )
                    .label(claim.name.span, "volume claim template")
                    .label(volume.name.span, "volume")
                    .help("a container mounts both by name: rename one"),
                );
            }
        }
        match Quantity::parse(&claim.size.value) {
            Ok(size) if !size.is_zero() => {}
            Ok(_) | Err(super::quantity::QuantityError::Negative) => cx.report(
                Diagnostic::error(
                    Code::InvalidQuantity,
                    "a volume claim's `size` must be above zero",
                )
                .label(claim.size.span, "no storage")
                .help("write a size such as `10Gi`"),
            ),
            Err(_) => cx.report(
                Diagnostic::error(
                    Code::InvalidQuantity,
                    format!("invalid size `{}`", claim.size.value),
                )
                .label(claim.size.span, "not a valid quantity")
                .help("write a size such as `10Gi` or `500Mi`"),
            ),
        }
        if let Some(class) = &claim.storage_class {
            cx.syntax(class, "storage class name", &k8s::OBJECT_NAME);
        }
        if let Some(modes) = &claim.access_modes {
            access_modes(cx, modes);
        }
    }
}

/// `ValidatePersistentVolumeClaimSpec`: at least one mode; `ReadWriteOncePod` alone.
fn access_modes(cx: &mut Cx<'_>, modes: &Spanned<Vec<Spanned<AccessMode>>>) {
    if modes.value.is_empty() {
        cx.report(
            Diagnostic::error(Code::EmptyValue, "a volume claim needs an access mode")
                .label(modes.span, "empty list")
                .help("leave out `access_modes` for `ReadWriteOnce`, or name one"),
        );
    }
    if modes.value.len() > 1
        && let Some(once) = modes
            .value
            .iter()
            .find(|m| m.value == AccessMode::ReadWriteOncePod)
    {
        cx.report(
            Diagnostic::error(
                Code::ConflictingFields,
                "`ReadWriteOncePod` cannot be given with other access modes",
            )
            .label(once.span, "one pod only")
            .help("keep `ReadWriteOncePod` alone, or remove it"),
        );
    }
}

fn daemon_set(cx: &mut Cx<'_>, set: &DaemonSet) {
    let Some(rolling) = &set.rolling else {
        return;
    };
    let surge = rolling
        .max_surge
        .as_ref()
        .and_then(|c| super::strategy::count(cx, c, "max_surge", true));
    let unavailable = rolling
        .max_unavailable
        .as_ref()
        .and_then(|c| super::strategy::count(cx, c, "max_unavailable", true));
    // The API's defaults: max_unavailable 1, max_surge 0.
    if unavailable == Some(0) && surge.unwrap_or(0) == 0 {
        cx.report(
            Diagnostic::error(
                Code::InvalidRollingUpdate,
                "`max_unavailable` and `max_surge` are both zero",
            )
            .label(rolling.key_span, "this rolling update could never replace a pod")
            .help("allow one node's pod to be down (`max_unavailable = 1`) or one extra pod (`max_surge = 1`)"),
        );
    }
}

fn cron_job(cx: &mut Cx<'_>, cron: &CronJob) {
    if let Some(name) = &cx.step.deployment.name
        && name.value.len() > MAX_CRON_JOB_NAME
    {
        cx.report(
            Diagnostic::error(
                Code::InvalidName,
                format!(
                    "a CronJob's name has at most {MAX_CRON_JOB_NAME} characters, not {}",
                    name.value.len()
                ),
            )
            .label(name.span, "too long")
            .help(
                "shorten it: the CronJob's Jobs add 11 characters, and their names must fit in 63",
            ),
        );
    }
    let zone_in_schedule = cron.schedule.as_ref().and_then(|s| {
        match schedule::schedule(&s.value) {
            Ok(zone) => zone.map(|z| (z, s.span)),
            Err(reason) => {
                cx.report(
                    Diagnostic::error(Code::InvalidSchedule, format!("invalid schedule `{}`: {reason}", s.value))
                        .label(s.span, "not a cron schedule")
                        .help("write five fields, minute hour day-of-month month day-of-week, such as \"30 2 * * *\", or @hourly, @daily, @weekly, @monthly, @yearly"),
                );
                None
            }
        }
    });
    if let Some((zone, span)) = zone_in_schedule {
        if let Some(time_zone) = &cron.time_zone {
            cx.report(
                Diagnostic::error(
                    Code::InvalidSchedule,
                    "the schedule names a time zone and `time_zone` is given",
                )
                .label(span, format!("`{zone}` given here"))
                .label(time_zone.span, "and here")
                .help("remove the `TZ=` prefix from the schedule and keep `time_zone`"),
            );
        } else {
            time_zone(cx, &Spanned::new(zone.to_owned(), span));
        }
    }
    if let Some(zone) = &cron.time_zone {
        time_zone(cx, zone);
    }
    for (value, what) in [
        (&cron.successful_history, "`successful_history`"),
        (&cron.failed_history, "`failed_history`"),
        (&cron.starting_deadline, "`starting_deadline`"),
    ] {
        if let Some(value) = value {
            cx.range(value, what, 0, MAX);
        }
    }
    job_settings(cx, &cron.job);
}

fn time_zone(cx: &mut Cx<'_>, zone: &Spanned<String>) {
    if let Err(reason) = schedule::time_zone(&zone.value) {
        let zones: Vec<&str> = schedule::zones().collect();
        let mut diagnostic = Diagnostic::error(
            Code::InvalidTimeZone,
            format!("invalid time zone `{}`: {reason}", zone.value),
        )
        .label(zone.span, "not a time zone name");
        diagnostic = match closest(&zone.value, &zones) {
            Some(hit) if zone.value.starts_with("TZ=") => diagnostic.help(format!("did you mean `{hit}`?")),
            Some(hit) => diagnostic.suggest(hit),
            None => diagnostic.help("name a zone of the IANA database, such as `Europe/Berlin`, `America/New_York` or `UTC`"),
        };
        cx.report(diagnostic);
    }
}

/// `validateJobSpec`: counts, the Indexed limits, the pod failure policy.
fn job_settings(cx: &mut Cx<'_>, job: &JobSettings) {
    for (value, what, min) in [
        (&job.completions, "`completions`", 0),
        (&job.parallelism, "`parallelism`", 0),
        (&job.backoff_limit, "`backoff_limit`", 0),
        (&job.ttl_after_finished, "`ttl_after_finished`", 0),
        // The API takes 0 too, which fails every Job at once.
        (&job.active_deadline, "`active_deadline`", 1),
    ] {
        if let Some(value) = value {
            cx.range(value, what, min, MAX);
        }
    }
    if let Some(mode) = &job.completion_mode
        && mode.value == CompletionMode::Indexed
    {
        match &job.completions {
            None => cx.report(
                Diagnostic::error(Code::MissingField, "an Indexed Job needs `completions`")
                    .label(mode.span, "Indexed")
                    .help("give `completions`: the number of indexes, 0 to `completions - 1`"),
            ),
            Some(completions) => {
                cx.range(
                    completions,
                    "`completions` of an Indexed Job",
                    0,
                    MAX_INDEXED,
                );
            }
        }
        if let Some(parallelism) = &job.parallelism {
            cx.range(
                parallelism,
                "`parallelism` of an Indexed Job",
                0,
                MAX_INDEXED,
            );
        }
    }
    pod_failure_policy(cx, job);
}

fn pod_failure_policy(cx: &mut Cx<'_>, job: &JobSettings) {
    let Some(span) = job.pod_failure_policy_span else {
        return;
    };
    if let Some(policy) = &job.restart_policy
        && policy.value != JobRestartPolicy::Never
    {
        cx.report(
            Diagnostic::error(
                Code::ConflictingFields,
                "a pod failure policy needs `restart_policy = \"Never\"`",
            )
            .label(policy.span, "containers restart in their pod")
            .label(span, "pod failure policy")
            .help("use `restart_policy = \"Never\"` (the default), or remove `pod_failure_policy`"),
        );
    }
    if job.pod_failure_policy.len() > 20 {
        cx.report(
            Diagnostic::error(
                Code::OutOfRange,
                format!(
                    "a pod failure policy has at most 20 rules, not {}",
                    job.pod_failure_policy.len()
                ),
            )
            .label(span, "too many rules")
            .help("merge rules with the same action"),
        );
    }
    let step = cx.step;
    for rule in &job.pod_failure_policy {
        match &rule.on {
            FailureMatch::ExitCodes(codes) | FailureMatch::NotExitCodes(codes) => {
                let is_in = matches!(rule.on, FailureMatch::ExitCodes(_));
                exit_codes(cx, codes, is_in);
            }
            FailureMatch::Condition(condition) => {
                cx.syntax(condition, "condition type", &k8s::CONDITION_TYPE);
            }
        }
        if let Some(container) = &rule.container
            && step.containers_complete
            && !step.containers.iter().any(|c| c.name() == container.value)
        {
            let names: Vec<&str> = step.containers.iter().map(|c| c.name()).collect();
            let mut diagnostic = Diagnostic::error(
                Code::InvalidName,
                format!("the step has no container `{}`", container.value),
            )
            .label(container.span, "no such container");
            diagnostic = match closest(&container.value, &names) {
                Some(hit) => diagnostic.suggest(hit),
                None => diagnostic
                    .help("name one of the step's containers, or remove `container` to match any"),
            };
            cx.report(diagnostic);
        }
    }
}

/// `validatePodFailurePolicyRuleOnExitCodes`: 1 to 255 values, no repeats, no 0 with `In`.
fn exit_codes(cx: &mut Cx<'_>, codes: &Spanned<Vec<Spanned<i64>>>, is_in: bool) {
    let key = if is_in {
        "exit_codes"
    } else {
        "not_exit_codes"
    };
    if codes.value.is_empty() || codes.value.len() > 255 {
        cx.report(
            Diagnostic::error(
                Code::OutOfRange,
                format!(
                    "`{key}` needs 1 to 255 exit codes, not {}",
                    codes.value.len()
                ),
            )
            .label(codes.span, "wrong number of exit codes")
            .help("list the exit codes the rule matches"),
        );
    }
    let mut seen = BTreeMap::new();
    for code in &codes.value {
        if !cx.range(code, "an exit code", i64::from(i32::MIN), MAX) {
            continue;
        }
        if is_in && code.value == 0 {
            cx.report(
                Diagnostic::error(
                    Code::OutOfRange,
                    "exit code 0 is success: it cannot be a failure to match",
                )
                .label(code.span, "success")
                .help("remove 0 from `exit_codes`"),
            );
        }
        if let Some(first) = seen.insert(code.value, code.span) {
            cx.report(
                Diagnostic::error(
                    Code::DuplicateName,
                    format!("exit code {} is listed twice", code.value),
                )
                .label(code.span, "again")
                .label(first, "first here")
                .help("remove one"),
            );
        }
    }
}

/// The rules that depend on the plan: the strategy the kind can carry out, a kind's
/// `rolling` under on-delete, and a Job's name with the deployment id. `false` when the
/// strategy is not the kind's: the plan's other rules would only add noise.
pub(crate) fn plan(step: &Step, plan: &Plan, diags: &mut Diagnostics) -> bool {
    let kind = step.kind();
    let from_step = step
        .strategy
        .as_ref()
        .filter(|_| plan.strategy_origin == Origin::StepFile);
    let runs_jobs = matches!(kind, Kind::Job | Kind::CronJob);
    let allowed: &[Strategy] = match kind {
        Kind::Deployment => &[
            Strategy::Recreate,
            Strategy::RollingUpdate,
            Strategy::BlueGreen,
        ],
        Kind::StatefulSet | Kind::DaemonSet => &[Strategy::RollingUpdate, Strategy::OnDelete],
        // Strategies do not apply: one given for a whole run (`--strategy`) is ignored, one
        // in the step is a mistake.
        Kind::Job | Kind::CronJob if from_step.is_some() => &[],
        Kind::Job | Kind::CronJob => &[Strategy::Recreate, Strategy::RollingUpdate],
    };
    if !allowed.contains(&plan.strategy) {
        let api_kind = kind.api_kind();
        let word = plan.strategy.as_str();
        let mut diagnostic = Diagnostic::error(
            Code::UnsupportedByKind,
            if runs_jobs && from_step.is_some() {
                format!("a {api_kind} has no deployment strategy")
            } else {
                format!("a {api_kind} cannot be deployed with the {word} strategy")
            },
        );
        diagnostic = match from_step {
            Some(strategy) => diagnostic.label(strategy.span, "the step's strategy"),
            None => {
                if let Some(span) = kind_span(step) {
                    diagnostic = diagnostic.label(span, format!("a {api_kind}"));
                }
                diagnostic.note(format!("the strategy {word} was given with --strategy"))
            }
        };
        let help = match kind {
            Kind::Deployment => "use recreate, rolling-update or blue-green".to_owned(),
            Kind::StatefulSet | Kind::DaemonSet => format!(
                "use rolling-update or on-delete{}",
                if plan.strategy == Strategy::BlueGreen {
                    match kind {
                        Kind::StatefulSet => {
                            ": blue/green would start a renamed StatefulSet on new, empty volumes"
                        }
                        _ => ": blue/green would run two DaemonSets, two pods on every node",
                    }
                } else {
                    ""
                }
            ),
            Kind::Job | Kind::CronJob => format!(
                "{}: every deployment runs a new Job{}",
                if from_step.is_some() {
                    "remove `strategy`"
                } else {
                    "compile this step without --strategy"
                },
                if kind == Kind::CronJob {
                    " (a CronJob is applied in place)"
                } else {
                    ""
                }
            ),
        };
        diags.push(diagnostic.help(help));
        return false;
    }
    let rolling = match &step.workload {
        Workload::StatefulSet(set) => set.rolling.as_ref().map(|r| r.key_span),
        Workload::DaemonSet(set) => set.rolling.as_ref().map(|r| r.key_span),
        _ => None,
    };
    if let Some(span) = rolling
        && plan.strategy == Strategy::OnDelete
    {
        let diagnostic = if plan.strategy_origin == Origin::CommandLine {
            Diagnostic::warning(
                Code::ConflictingFields,
                "`rolling` does not apply to the on-delete strategy given with --strategy; it is ignored",
            )
            .label(span, "rolling update settings")
            .help("nothing to do if this override is intended")
        } else {
            let mut diagnostic = Diagnostic::error(
                Code::ConflictingFields,
                "`rolling` applies only to the rolling-update strategy, not on-delete",
            )
            .label(span, "rolling update settings");
            if let Some(strategy) = from_step {
                diagnostic = diagnostic.label(strategy.span, "the step's strategy");
            }
            diagnostic.help("remove `rolling`, or use the rolling-update strategy")
        };
        diags.push(diagnostic);
    }
    if kind == Kind::Job
        && let Some(name) = &step.deployment.name
    {
        let job = crate::lower::workload::workload_name(step, plan);
        if job.len() > 63 {
            diags.push(
                Diagnostic::error(
                    Code::InvalidName,
                    format!("the Job's name `{job}` is {} characters, more than 63", job.len()),
                )
                .label(name.span, format!("with deployment id `{}`", plan.deployment_id))
                .help(format!(
                    "the Job's name is a label of its pods: shorten the name or the deployment id so that both together are at most {} characters",
                    63 - 1
                )),
            );
        }
    }
    true
}

/// Where the step's workload table starts: the kind's table key, or the deployment name.
/// (Planning only sees steps that passed checking, which have a name.)
fn kind_span(step: &Step) -> Option<crate::source::Span> {
    step.workload
        .key_span()
        .or_else(|| step.deployment.name.as_ref().map(|n| n.span))
}
