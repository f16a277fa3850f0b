//! The Deployment and its pod template.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{PodSpec, PodTemplateSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};

use super::{container, int32, labels, non_empty, volume};
use crate::model::{Deployment as DeploymentModel, Step};

pub(super) fn lower(step: &Step) -> Deployment {
    let model = &step.deployment;
    let labels = labels::object_labels(step);
    let annotations: BTreeMap<String, String> = model
        .annotations
        .iter()
        .map(|a| (a.key.value.clone(), a.value.value.clone()))
        .collect();
    let (init, app): (Vec<_>, Vec<_>) = step.containers.iter().partition(|c| c.init);
    Deployment {
        metadata: ObjectMeta {
            name: Some(model.name().to_owned()),
            namespace: step.namespace.as_ref().map(|n| n.value.clone()),
            labels: Some(labels.clone()),
            annotations: (!annotations.is_empty()).then_some(annotations),
            ..ObjectMeta::default()
        },
        spec: Some(DeploymentSpec {
            replicas: Some(int32(
                model
                    .replicas
                    .as_ref()
                    .map_or(DeploymentModel::DEFAULT_REPLICAS, |r| r.value),
            )),
            progress_deadline_seconds: Some(int32(
                model
                    .progress_deadline
                    .as_ref()
                    .map_or(DeploymentModel::DEFAULT_PROGRESS_DEADLINE, |d| d.value),
            )),
            selector: LabelSelector {
                match_labels: Some(labels::selector(step)),
                ..LabelSelector::default()
            },
            template: PodTemplateSpec {
                metadata: Some(ObjectMeta {
                    labels: Some(labels),
                    ..ObjectMeta::default()
                }),
                spec: Some(PodSpec {
                    init_containers: non_empty(init.into_iter().map(container::lower).collect()),
                    containers: app.into_iter().map(container::lower).collect(),
                    volumes: non_empty(step.volumes.iter().map(volume::lower).collect()),
                    ..PodSpec::default()
                }),
            },
            ..DeploymentSpec::default()
        }),
        status: None,
    }
}
