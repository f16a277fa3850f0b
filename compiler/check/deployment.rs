//! The Deployment's own numbers: replicas, progress deadline, minimum ready time and
//! revision history; the deadline must be longer than the ready time. And a selector kept
//! from an existing Deployment: valid labels, none of kstep's own, none the step's labels
//! give another value.

use super::{Cx, k8s};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{KeyValue, Spanned};

pub(super) fn check(cx: &mut Cx<'_>) {
    let deployment = &cx.step.deployment;
    if let Some(selector) = &deployment.selector {
        kept_selector(cx, selector);
    }
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
    // Only a Deployment has a progress deadline.
    if !cx.range(min_ready, "`min_ready`", 0, max)
        || cx.step.kind() != crate::model::Kind::Deployment
    {
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

/// A selector kept from an existing Deployment becomes the new one's, and its labels go on
/// the pods. kstep's own labels cannot be part of it (kstep does not keep their values), and
/// a label of the step with the same key must have the same value.
fn kept_selector(cx: &mut Cx<'_>, selector: &Spanned<Vec<KeyValue>>) {
    if selector.value.is_empty() {
        cx.report(
            Diagnostic::error(Code::EmptyValue, "the kept Deployment selector has no labels")
                .label(selector.span, "empty selector")
                .help("copy `spec.selector.matchLabels` of the existing Deployment, e.g. `selector = { app = \"web\" }` (`kubectl get deployment NAME -o jsonpath='{.spec.selector}'` prints it)"),
        );
    }
    let step = cx.step;
    for label in &selector.value {
        let key_ok = cx.syntax(&label.key, "label key", &k8s::LABEL_KEY);
        cx.syntax(&label.value, "label value", &k8s::LABEL_VALUE);
        if key_ok && label.key.value.starts_with("kstep.dev/") {
            cx.report(
                Diagnostic::error(
                    Code::ReservedLabel,
                    format!("`{}` cannot be part of a kept selector", label.key.value),
                )
                .label(label.key.span, "kstep's own label")
                .help("an existing kstep Deployment needs no kept selector: remove `selector`"),
            );
            continue;
        }
        let other = step
            .deployment
            .labels
            .iter()
            .chain(&step.pod.labels)
            .find(|l| l.key.value == label.key.value && l.value.value != label.value.value);
        if let Some(other) = other {
            cx.report(
                Diagnostic::error(
                    Code::ConflictingFields,
                    format!("the pods cannot have two values of `{}`", label.key.value),
                )
                .label(label.value.span, "the kept selector needs this value")
                .label(other.value.span, "the step's label gives another")
                .help("remove the label, or give it the selector's value"),
            );
        }
    }
}
