//! Rules for the pitfalls of the workload kinds: a StatefulSet of several members that a node
//! drain may take down together (without a `[disruption_budget]`), a CronJob that runs beside itself by default
//! (`concurrency_policy` unset is `Allow`), and a Job without a deadline, whose hung pods run
//! for ever.

use super::Rules;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::Workload;

pub(super) fn check(rules: &mut Rules<'_>) {
    let step = rules.step;
    let Some(span) = step.workload.key_span() else {
        return;
    };
    if let Workload::StatefulSet(_) = &step.workload
        && step.disruption_budget.is_none()
        && let Some(replicas) = step.deployment.replicas.as_ref().filter(|r| r.value > 1)
    {
        rules.report(
            Diagnostic::warning(
                Code::StatefulSetDisruption,
                format!("{} members of a StatefulSet, and nothing limits how many a node drain evicts at once", replicas.value),
            )
            .label(replicas.span, "no PodDisruptionBudget")
            .help("add `[disruption_budget]` with `max_unavailable = 1`: a drain then evicts one member at a time"),
        );
    }
    if let Workload::CronJob(cron) = &step.workload
        && cron.concurrency_policy.is_none()
    {
        rules.report(
            Diagnostic::warning(
                Code::CronJobConcurrency,
                "the CronJob can start a run while the last one still runs",
            )
            .label(span, "no `concurrency_policy`: the default is `Allow`")
            .help("add `concurrency_policy = \"Forbid\"` (skip a run while one runs) or `\"Replace\"`, or write `\"Allow\"` if runs are safe side by side"),
        );
    }
    if let Some(job) = step.workload.job()
        && job.active_deadline.is_none()
    {
        let message = match step.kind() {
            crate::model::Kind::CronJob => "the CronJob's Jobs have no deadline",
            _ => "the Job has no deadline",
        };
        rules.report(
            Diagnostic::warning(Code::JobWithoutDeadline, message)
            .label(span, "no `active_deadline`")
            .help("add `active_deadline` (seconds) a little above the longest run you expect: a hung pod is then stopped and the Job fails"),
        );
    }
}
