//! `[disruption_budget]`: counts and percentages the API accepts
//! (`ValidatePodDisruptionBudgetSpec` in `pkg/apis/policy/validation`:
//! `ValidatePositiveIntOrPercent` and `IsNotMoreThan100Percent` on each of `minAvailable` and
//! `maxUnavailable`). That exactly one is given is the reader's rule.

use super::Cx;
use super::strategy::percent;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Count, Kind, Spanned};

pub(super) fn check(cx: &mut Cx<'_>) {
    let Some(budget) = &cx.step.disruption_budget else {
        return;
    };
    let kind = cx.step.kind();
    if !matches!(kind, Kind::Deployment | Kind::StatefulSet)
        && let Some(count) = budget
            .min_available
            .as_ref()
            .or(budget.max_unavailable.as_ref())
    {
        cx.report(
            Diagnostic::error(
                Code::UnsupportedByKind,
                format!("a {} has no disruption budget", kind.api_kind()),
            )
            .label(count.span, "a budget for the step's pods")
            .help("remove `[disruption_budget]`: a budget protects the replicas of a Deployment or a StatefulSet (a node drain skips a DaemonSet's pods, and a Job's run to completion)"),
        );
        return;
    }
    for (key, count) in [
        ("min_available", &budget.min_available),
        ("max_unavailable", &budget.max_unavailable),
    ] {
        if let Some(count) = count {
            check_count(cx, key, count);
        }
    }
}

fn check_count(cx: &mut Cx<'_>, key: &str, count: &Spanned<Count>) {
    let problem = match &count.value {
        Count::Number(n) if *n < 0 => "must not be negative".to_owned(),
        Count::Number(n) if *n > i64::from(i32::MAX) => {
            format!("must be at most {}", i32::MAX)
        }
        Count::Number(_) => return,
        Count::Percent(text) => match percent(text) {
            Some(p) if p > 100 => "must be at most 100%".to_owned(),
            Some(_) => return,
            None => format!("`{text}` is neither a number of pods nor a percentage like \"50%\""),
        },
    };
    cx.report(
        Diagnostic::error(Code::InvalidDisruptionBudget, format!("`{key}` {problem}"))
            .label(count.span, "invalid")
            .help("write a number of pods such as 1, or a percentage of the pods such as \"50%\""),
    );
}
