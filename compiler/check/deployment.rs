//! The Deployment's own numbers: replicas and progress deadline.

use super::Cx;

pub(super) fn check(cx: &mut Cx<'_>) {
    let deployment = &cx.step.deployment;
    if let Some(replicas) = &deployment.replicas {
        cx.range(replicas, "`replicas`", 0, i32::MAX.into());
    }
    if let Some(deadline) = &deployment.progress_deadline {
        cx.range(deadline, "`progress_deadline`", 1, i32::MAX.into());
    }
}
