//! A Deployment to the step's `[step]`, `[deployment]`, `[pod]`, `[[volumes]]` and
//! `[[containers]]`: the inverse of `lower::deployment`. The Deployment keeps its selector
//! (`[deployment] selector`), so the step's output applies over the existing object.

use serde_json::Value;

use super::container::container;
use super::doc::{Item, Table};
use super::pod::{map_table, pod, volumes};
use super::source::Source;
use crate::lower::labels::is_reserved;

/// The tables of a step from its Deployment, in the order of docs/step-file.md.
pub(crate) struct Workload {
    pub(crate) step: Table,
    pub(crate) deployment: Table,
    pub(crate) pod: Table,
    pub(crate) volumes: Vec<Item>,
    pub(crate) containers: Vec<Item>,
    /// Labels the pods carry (the kept selector's among them), for matching Services.
    pub(crate) pod_labels: Vec<(String, String)>,
}

pub(crate) fn deployment(src: &mut Source<'_>) -> Workload {
    let manifest = src.manifest;
    let mut step = Table::default();
    step.set("id", manifest.name.clone());
    if let Some(namespace) = &manifest.namespace {
        step.set("namespace", namespace.clone());
    }
    match src.peek("/spec/strategy/type").and_then(Value::as_str) {
        Some("Recreate") => {
            src.carry("/spec/strategy/type");
            step.set("strategy", "recreate");
        }
        _ => {
            if src.is_default("/spec/strategy/type") {
                src.carry("/spec/strategy/type");
            }
        }
    }

    let mut deployment = Table::default();
    deployment.set("name", manifest.name.clone());
    if let Some(replicas) = src.non_default("/spec/replicas") {
        deployment.set("replicas", Item::from(replicas));
    }
    if let Some(deadline) = src.non_default("/spec/progressDeadlineSeconds") {
        deployment.set("progress_deadline", Item::from(deadline));
    }
    let labels = own_labels(src, "/metadata/labels");
    deployment.set_some("labels", map_table(labels.clone()));
    if let Some(annotations) = src.annotations("/metadata/annotations") {
        deployment.set_some("annotations", map_table(annotations));
    }
    let selector = src
        .string_map("/spec/selector/matchLabels")
        .unwrap_or_default();
    // A Deployment kstep made has kstep's selector, which kstep writes again.
    if !selector.iter().all(|(k, _)| k.starts_with("kstep.dev/")) {
        deployment.set_some("selector", map_table(selector.clone()));
    }
    let mut rolling = Table::default();
    for (api, key) in [
        ("maxSurge", "max_surge"),
        ("maxUnavailable", "max_unavailable"),
    ] {
        let p = format!("/spec/strategy/rollingUpdate/{api}");
        if src.is_default(&p) {
            src.carry(&p);
        } else if let Some(count) = src.int_or_string(&p) {
            rolling.set(key, count);
        }
    }
    deployment.set_some("rolling", rolling);
    if let Some(seconds) = src.int("/spec/minReadySeconds") {
        deployment.set("min_ready", seconds);
    }
    if let Some(limit) = src.non_default("/spec/revisionHistoryLimit") {
        deployment.set("revision_history_limit", Item::from(limit));
    }

    // The pods' labels: those that are neither the Deployment's nor the kept selector's.
    let template_labels = src
        .peek("/spec/template/metadata/labels")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut pod_only = Vec::new();
    for (key, value) in &template_labels {
        let Some(value) = value.as_str() else {
            continue;
        };
        let pointer = format!(
            "/spec/template/metadata/labels/{}",
            key.replace('~', "~0").replace('/', "~1")
        );
        let elsewhere = labels
            .iter()
            .chain(&selector)
            .any(|(k, v)| k == key && v == value);
        if elsewhere || is_reserved(key) {
            // kstep writes the reserved ones itself (docs/import.md).
            src.carry(&pointer);
        } else {
            src.carry(&pointer);
            pod_only.push((key.clone(), value.to_owned()));
        }
    }
    let pod_labels: Vec<(String, String)> = template_labels
        .iter()
        .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
        .collect();
    let mut pod_table = Table::default();
    pod_table.set_some("labels", map_table(pod_only));
    if let Some(annotations) = src.annotations("/spec/template/metadata/annotations") {
        pod_table.set_some("annotations", map_table(annotations));
    }
    let spec = pod(src, "/spec/template/spec");
    pod_table.entries.extend(spec.entries);

    let volumes = volumes(src, "/spec/template/spec");
    let mut containers = Vec::new();
    for (list, init) in [("initContainers", true), ("containers", false)] {
        let at = format!("/spec/template/spec/{list}");
        for i in 0..src.len(&at) {
            containers.push(Item::Table(container(src, &format!("{at}/{i}"), init)));
        }
    }
    Workload {
        step,
        deployment,
        pod: pod_table,
        volumes,
        containers,
        pod_labels,
    }
}

/// An object's labels but kstep's own (`kstep.dev/*`, `app.kubernetes.io/instance` and
/// `managed-by`), which kstep writes itself: all carried.
pub(crate) fn own_labels(src: &mut Source<'_>, at: &str) -> Vec<(String, String)> {
    let labels = src.string_map(at).unwrap_or_default();
    labels
        .into_iter()
        .filter(|(k, _)| !is_reserved(k))
        .collect()
}
