//! The Deployment and its pod template, shaped by the strategy.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{
    Deployment, DeploymentSpec, DeploymentStrategy, RollingUpdateDeployment,
};
use k8s_openapi::api::core::v1::{PodSpec, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::{Lowering, container, int32, labels, non_empty, owned, pod, volume};
use crate::model::{ContainerKind, Count, Deployment as DeploymentModel, Strategy};

pub(super) fn lower(cx: &Lowering<'_>) -> Deployment {
    let (step, plan) = (cx.step, cx.plan);
    let model = &step.deployment;
    Deployment {
        metadata: cx.metadata(plan.versioned(model.name()), &[], &model.annotations),
        spec: Some(DeploymentSpec {
            // An autoscaler owns the replicas (deploy.sh sets the count to start from).
            replicas: step.autoscaling.is_none().then(|| {
                int32(
                    model
                        .replicas
                        .as_ref()
                        .map_or(DeploymentModel::DEFAULT_REPLICAS, |r| r.value),
                )
            }),
            progress_deadline_seconds: Some(int32(model.progress_deadline())),
            strategy: strategy(cx),
            selector: LabelSelector {
                match_labels: Some(labels::deployment_selector(step, plan)),
                ..LabelSelector::default()
            },
            template: pod_template(cx),
            min_ready_seconds: model.min_ready.as_ref().map(|m| int32(m.value)),
            revision_history_limit: model
                .revision_history_limit
                .as_ref()
                .map(|r| int32(r.value)),
            ..DeploymentSpec::default()
        }),
        status: None,
    }
}

/// The pod template of every workload kind: containers, volumes, the pod's settings, kstep's
/// labels and the config hash.
pub(super) fn pod_template(cx: &Lowering<'_>) -> PodTemplateSpec {
    let (step, plan) = (cx.step, cx.plan);
    let (init, app): (Vec<_>, Vec<_>) = step
        .containers
        .iter()
        .partition(|c| c.kind != ContainerKind::App);
    // Under blue/green the names change with every deployment id, but an id can be reused.
    let mut pod_annotations: BTreeMap<String, String> = step
        .pod
        .annotations
        .iter()
        .map(|a| (a.key.value.clone(), a.value.value.clone()))
        .collect();
    if let Some(hash) = owned::config_hash(step) {
        pod_annotations.insert(labels::CONFIG_HASH_ANNOTATION.to_owned(), hash);
    }
    let mut pod_spec = PodSpec {
        init_containers: non_empty(init.into_iter().map(|c| container::lower(cx, c)).collect()),
        containers: app.into_iter().map(|c| container::lower(cx, c)).collect(),
        volumes: non_empty(step.volumes.iter().map(|v| volume::lower(cx, v)).collect()),
        ..PodSpec::default()
    };
    pod::lower(cx, &mut pod_spec);
    PodTemplateSpec {
        metadata: Some(ObjectMeta {
            labels: Some(labels::pod_labels(step, plan)),
            annotations: (!pod_annotations.is_empty()).then_some(pod_annotations),
            ..ObjectMeta::default()
        }),
        spec: Some(pod_spec),
    }
}

/// Recreate, or a rolling update with the step's settings. A blue/green Deployment is never
/// updated in place, so it keeps the API's default.
fn strategy(cx: &Lowering<'_>) -> Option<DeploymentStrategy> {
    let count = |c: &Count| match c {
        Count::Number(n) => IntOrString::Int(int32(*n)),
        Count::Percent(p) => IntOrString::String(p.clone()),
    };
    match cx.plan.strategy {
        Strategy::Recreate => Some(DeploymentStrategy {
            type_: Some("Recreate".into()),
            rolling_update: None,
        }),
        Strategy::RollingUpdate => {
            Some(DeploymentStrategy {
                type_: Some("RollingUpdate".into()),
                rolling_update: cx.step.deployment.rolling.as_ref().map(|r| {
                    RollingUpdateDeployment {
                        max_surge: r.max_surge.as_ref().map(|c| count(&c.value)),
                        max_unavailable: r.max_unavailable.as_ref().map(|c| count(&c.value)),
                    }
                }),
            })
        }
        // On-delete is not a Deployment's (checking says so).
        Strategy::BlueGreen | Strategy::OnDelete => None,
    }
}
