//! `[autoscaling]`: the API's rules for a HorizontalPodAutoscaler
//! (`ValidateHorizontalPodAutoscalerSpec` in `pkg/apis/autoscaling/validation`: `minReplicas`
//! at least 1, `maxReplicas` at least 1 and at least `minReplicas`, a utilization above 0,
//! stabilization windows of 0 to 3600 s), and what makes it work: a request for every
//! resource it scales on in every container that runs beside the app (the utilization of a
//! pod is its use over its requests; without one the controller cannot compute it and does
//! not scale), and no fixed `replicas` competing with it.

use super::Cx;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Autoscaling, Container, Spanned};

const INT32_MAX: i64 = i32::MAX as i64;

pub(super) fn check(cx: &mut Cx<'_>) {
    let Some(autoscaling) = &cx.step.autoscaling else {
        return;
    };
    let kind = cx.step.kind();
    if kind != crate::model::Kind::Deployment {
        cx.report(
            Diagnostic::error(
                Code::UnsupportedByKind,
                format!("kstep's autoscaler scales a Deployment, not a {}", kind.api_kind()),
            )
            .label(autoscaling.key_span, "an autoscaler")
            .help("remove `[autoscaling]`; a HorizontalPodAutoscaler for this kind can be applied beside the step's output (docs/limits.md)"),
        );
        return;
    }
    bounds(cx, autoscaling);
    for (value, what) in [
        (&autoscaling.cpu_utilization, "`cpu_utilization`"),
        (&autoscaling.memory_utilization, "`memory_utilization`"),
    ] {
        if let Some(value) = value {
            cx.range(value, what, 1, INT32_MAX);
        }
    }
    for (value, what) in [
        (
            &autoscaling.scale_up_stabilization,
            "`scale_up_stabilization`",
        ),
        (
            &autoscaling.scale_down_stabilization,
            "`scale_down_stabilization`",
        ),
    ] {
        if let Some(value) = value {
            cx.range(value, what, 0, Autoscaling::MAX_STABILIZATION);
        }
    }
    if let Some(replicas) = &cx.step.deployment.replicas {
        cx.report(
            Diagnostic::error(
                Code::ConflictingFields,
                "`replicas` given with `[autoscaling]`, which sets the replicas itself",
            )
            .label(replicas.span, "the autoscaler would overwrite this")
            .label(autoscaling.key_span, "the autoscaler owns the replicas")
            .help("remove `replicas`: the Deployment starts at `autoscaling.min_replicas` and the autoscaler sizes it from there"),
        );
    }
    requests(cx, autoscaling);
}

fn bounds(cx: &mut Cx<'_>, autoscaling: &Autoscaling) {
    let min = autoscaling
        .min_replicas
        .as_ref()
        .filter(|m| cx.range(m, "`min_replicas`", 1, INT32_MAX));
    let Some(max) = &autoscaling.max_replicas else {
        return;
    };
    if !cx.range(max, "`max_replicas`", 1, INT32_MAX) {
        return;
    }
    if let Some(min) = min
        && min.value > max.value
    {
        cx.report(
            Diagnostic::error(
                Code::InvalidAutoscaling,
                format!(
                    "`min_replicas` ({}) is more than `max_replicas` ({})",
                    min.value, max.value
                ),
            )
            .label(min.span, "the least replicas")
            .label(max.span, "the most replicas")
            .help("make `max_replicas` at least `min_replicas`"),
        );
    }
}

/// Whether a container requests a resource.
type Requested = fn(&Container) -> bool;

/// Every container that runs beside the app requests each resource the autoscaler scales on
/// (a limit alone counts: the API sets the request to it).
fn requests(cx: &mut Cx<'_>, autoscaling: &Autoscaling) {
    let step = cx.step;
    let targets: [(&Option<Spanned<i64>>, &str, Requested); 2] = [
        (&autoscaling.cpu_utilization, "cpu", |c| {
            c.resources.requests.cpu.is_some() || c.resources.limits.cpu.is_some()
        }),
        (&autoscaling.memory_utilization, "memory", |c| {
            c.resources.requests.memory.is_some() || c.resources.limits.memory.is_some()
        }),
    ];
    for (target, resource, requested) in targets {
        let Some(target) = target else { continue };
        for container in step.containers.iter().filter(|c| c.serves()) {
            if requested(container) {
                continue;
            }
            let Some(name) = &container.name else {
                continue;
            };
            cx.report(
                Diagnostic::error(
                    Code::InvalidAutoscaling,
                    format!(
                        "the autoscaler scales on {resource}, and {} requests none",
                        container.describe()
                    ),
                )
                .label(name.span, format!("no {resource} request"))
                .label(target.span, format!("a percentage of the pods' {resource} requests"))
                .help(format!(
                    "add `resources = {{ requests = {{ {resource} = \"...\" }} }}` to the container: utilization is use over requests, and without a request the autoscaler does not scale"
                )),
            );
        }
    }
}
