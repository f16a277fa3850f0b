//! `blocking-disruption-budget`: a PodDisruptionBudget that can never allow an eviction, so
//! every node drain (a cluster upgrade, the cluster autoscaler) stalls on the step's pods.

use super::Rules;
use crate::check::percent;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::Count;

pub(super) fn check(rules: &mut Rules<'_>) {
    let step = rules.step;
    let Some(budget) = &step.disruption_budget else {
        return;
    };
    // The fewest pods the step runs: an autoscaler may scale down to its minimum.
    let replicas = step.least_replicas();
    let (span, why) = if let Some(max) = &budget.max_unavailable {
        let zero = match &max.value {
            Count::Number(n) => *n == 0,
            Count::Percent(p) => percent(p) == Some(0),
        };
        if !zero {
            return;
        }
        (max.span, "no pod may ever be unavailable".to_owned())
    } else if let Some(min) = &budget.min_available {
        match &min.value {
            Count::Number(n) if *n >= replicas => (
                min.span,
                format!("{n} pods must stay available, and the step runs {replicas}"),
            ),
            Count::Percent(p) if percent(p) == Some(100) => {
                (min.span, "every pod must stay available".to_owned())
            }
            _ => return,
        }
    } else {
        return;
    };
    rules.report(
        Diagnostic::warning(
            Code::BlockingDisruptionBudget,
            format!("the disruption budget never allows an eviction: {why}"),
        )
        .label(span, "blocks every voluntary eviction")
        .help("allow at least one pod to go at a time: `max_unavailable = 1`, or a `min_available` below the replicas"),
    );
}
