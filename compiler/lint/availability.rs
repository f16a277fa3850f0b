//! Rules about the step as a deployment: one replica where the strategy keeps serving,
//! several replicas that nothing keeps apart, and the `default` namespace.

use super::Rules;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Kind, Strategy};

pub(super) fn check(rules: &mut Rules<'_>) {
    let step = rules.step;
    let deployment = &step.deployment;
    // With an autoscaler, the fewest it may scale to.
    let replicas = step.least_replicas();
    let autoscaled_min = step
        .autoscaling
        .as_ref()
        .map(|a| a.min_replicas.as_ref().map_or(a.key_span, |m| m.span));
    let span = deployment
        .replicas
        .as_ref()
        .map(|r| r.span)
        .or(autoscaled_min)
        .or(deployment.name.as_ref().map(|n| n.span));
    let Some(span) = span else { return };
    let strategy = rules.plan.strategy;
    // Only Deployments and StatefulSets have replicas (a DaemonSet runs a pod per node, a
    // Job until it is done).
    let has_replicas = matches!(step.kind(), Kind::Deployment | Kind::StatefulSet);
    if has_replicas && replicas == 1 && strategy != Strategy::Recreate {
        let word = if strategy == Strategy::BlueGreen {
            "blue/green"
        } else {
            "rolling update"
        };
        rules.report(
            Diagnostic::warning(Code::SingleReplica, format!("one replica under {word}"))
                .label(span, "a single pod")
                .help(format!("{word} keeps the step serving during deployments, but one pod is still one node failure, eviction or drain away from an outage: run at least 2 replicas")),
        );
    }
    let pod = &step.pod;
    let spread = !pod.spread.is_empty()
        || !pod.pod_anti_affinity.is_empty()
        || !pod.topology_spread.is_empty();
    if has_replicas && replicas > 1 && !spread {
        rules.report(
            Diagnostic::warning(
                Code::NoSpread,
                format!("{replicas} replicas, and nothing keeps them apart"),
            )
            .label(span, "may all land on one node")
            .help("add `spread = \"nodes\"` (or `[\"nodes\", \"zones\"]`) to `[pod]`, or anti-affinity or topology spread constraints"),
        );
    }
    match &step.namespace {
        Some(namespace) if namespace.value == "default" => rules.report(
            Diagnostic::warning(Code::DefaultNamespace, "the step deploys to the `default` namespace")
                .label(namespace.span, "`default`")
                .help("give each application its own namespace: quotas, network policies and access rules apply per namespace"),
        ),
        None => {
            let name = deployment.name.as_ref().map_or(span, |n| n.span);
            rules.report(
                Diagnostic::warning(
                    Code::DefaultNamespace,
                    "the step names no namespace, so it deploys to the context's, often `default`",
                )
                .label(name, "no `[step] namespace`")
                .help("set `namespace` in `[step]`"),
            );
        }
        Some(_) => {}
    }
}
