//! The Deployment's own numbers: replicas, progress deadline, minimum ready time and
//! revision history; the deadline must be longer than the ready time.

use super::Cx;
use crate::diagnostic::{Code, Diagnostic};

pub(super) fn check(cx: &mut Cx<'_>) {
    let deployment = &cx.step.deployment;
    let max = i64::from(i32::MAX);
    if let Some(replicas) = &deployment.replicas {
        cx.range(replicas, "`replicas`", 0, max);
    }
    if let Some(deadline) = &deployment.progress_deadline {
        cx.range(deadline, "`progress_deadline`", 1, max);
    }
    if let Some(limit) = &deployment.revision_history_limit {
        cx.range(limit, "`revision_history_limit`", 0, max);
    }
    let Some(min_ready) = &deployment.min_ready else {
        return;
    };
    if !cx.range(min_ready, "`min_ready`", 0, max) {
        return;
    }
    let seconds = deployment.progress_deadline();
    if seconds > min_ready.value {
        return;
    }
    let mut diagnostic = Diagnostic::error(
        Code::OutOfRange,
        format!(
            "`progress_deadline` ({seconds}s) must be longer than `min_ready` ({}s)",
            min_ready.value
        ),
    )
    .label(min_ready.span, "minimum ready time");
    diagnostic = match &deployment.progress_deadline {
        Some(deadline) => diagnostic.label(deadline.span, "progress deadline"),
        None => diagnostic.note("the progress deadline is 600 seconds by default"),
    };
    cx.report(diagnostic.help(
        "a pod must stay ready for `min_ready` before it counts, so the rollout could never \
         finish in time: raise `progress_deadline` or lower `min_ready`",
    ));
}
