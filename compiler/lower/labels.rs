//! The labels kstep puts on every object, on pods, and in selectors.
//!
//! Every object carries the step's own labels, the recommended `app.kubernetes.io/*` labels
//! and the tracking labels `kstep.dev/step` and `kstep.dev/deployment-id`, by which the
//! deploy script finds what to clean up. Selectors never change between deployments of a
//! step (the API server rejects a changed Deployment selector): `kstep.dev/step`, and under
//! blue/green the deployment id (each deployment is a new Deployment), otherwise
//! `kstep.dev/track: in-place`.

use std::collections::BTreeMap;

use crate::model::{KeyValue, Step};
use crate::plan::Plan;

pub(crate) const STEP_LABEL: &str = "kstep.dev/step";
/// On the pods and in the selectors of recreate and rolling update, never under blue/green:
/// so a Service of one kind never selects the other's pods while a step switches strategy.
pub(crate) const TRACK_LABEL: &str = "kstep.dev/track";
pub(crate) const IN_PLACE: &str = "in-place";
pub(crate) const DEPLOYMENT_ID_LABEL: &str = "kstep.dev/deployment-id";
pub(crate) const NAME_LABEL: &str = "app.kubernetes.io/name";
pub(crate) const INSTANCE_LABEL: &str = "app.kubernetes.io/instance";
pub(crate) const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";
/// On a colour Service (a `switch = "weights"` route's copy of a switched Service for one
/// deployment): the Service it copies. The cleanup keeps the previous deployment's.
pub(crate) const COLOUR_LABEL: &str = "kstep.dev/colour-of";
/// A hash of the owned ConfigMaps and Secrets, on the pod template: a change rolls the pods.
pub(crate) const CONFIG_HASH_ANNOTATION: &str = "kstep.dev/config-hash";

/// Label keys a step may not set: kstep relies on their values.
pub(crate) const RESERVED_KEYS: &[&str] = &[
    STEP_LABEL,
    TRACK_LABEL,
    DEPLOYMENT_ID_LABEL,
    INSTANCE_LABEL,
    MANAGED_BY_LABEL,
];

/// Whether a label key is kstep's own (every `kstep.dev/` key is).
pub(crate) fn is_reserved(key: &str) -> bool {
    RESERVED_KEYS.contains(&key) || key.starts_with("kstep.dev/")
}

/// Labels for every object of the step, with the object's own (`[service] labels`, ...).
/// The step's labels may override `app.kubernetes.io/name`.
pub(crate) fn object_labels(
    step: &Step,
    plan: &Plan,
    own: &[KeyValue],
) -> BTreeMap<String, String> {
    let mut labels = common_labels(step, plan, own);
    labels.insert(DEPLOYMENT_ID_LABEL.into(), plan.deployment_id.clone());
    labels
}

/// Labels of the step's pods: those of every object, and the pod template's own
/// (`[pod] labels`). Under rolling update and recreate they leave out the deployment id: a
/// new id alone (a new CI build) must not restart unchanged pods.
/// A Deployment selector the step keeps from an existing Deployment is part of them, with
/// its values (so that the selector matches).
pub(crate) fn pod_labels(step: &Step, plan: &Plan) -> BTreeMap<String, String> {
    let mut labels = common_labels(step, plan, &step.pod.labels);
    if let Some(kept) = &step.deployment.selector {
        for label in &kept.value {
            labels.insert(label.key.value.clone(), label.value.value.clone());
        }
    }
    labels
}

/// The Deployment's selector: the one the step keeps from an existing Deployment, else
/// kstep's [`selector`].
pub(crate) fn deployment_selector(step: &Step, plan: &Plan) -> BTreeMap<String, String> {
    match &step.deployment.selector {
        Some(kept) => kept
            .value
            .iter()
            .map(|l| (l.key.value.clone(), l.value.value.clone()))
            .collect(),
        None => selector(step, plan),
    }
}

/// The name label, the step's labels and `extra` (checking keeps kstep's own keys out of
/// both), then kstep's labels and the selector.
fn common_labels(step: &Step, plan: &Plan, extra: &[KeyValue]) -> BTreeMap<String, String> {
    let mut labels = BTreeMap::from([(NAME_LABEL.to_owned(), step.deployment.name().to_owned())]);
    for label in step.deployment.labels.iter().chain(extra) {
        labels.insert(label.key.value.clone(), label.value.value.clone());
    }
    labels.insert(INSTANCE_LABEL.into(), step.id().to_owned());
    labels.insert(MANAGED_BY_LABEL.into(), "kstep".into());
    add_selector(&mut labels, step, plan);
    labels
}

/// The selector of the Deployment and the Service: the step and, under blue/green, the
/// deployment id; under recreate and rolling update the in-place track instead, which
/// blue/green pods never carry.
pub(crate) fn selector(step: &Step, plan: &Plan) -> BTreeMap<String, String> {
    let mut selector = BTreeMap::new();
    add_selector(&mut selector, step, plan);
    selector
}

/// Adds the labels of [`selector`] to `labels`.
fn add_selector(labels: &mut BTreeMap<String, String>, step: &Step, plan: &Plan) {
    labels.insert(STEP_LABEL.into(), step.id().to_owned());
    if plan.is_blue_green() {
        labels.insert(DEPLOYMENT_ID_LABEL.into(), plan.deployment_id.clone());
    } else {
        labels.insert(TRACK_LABEL.into(), IN_PLACE.into());
    }
}
