//! The labels kstep puts on every object, and the pod selector.
//!
//! Every object carries the step's own labels, the recommended `app.kubernetes.io/*` labels
//! and `kstep.dev/step`. The selector uses only `kstep.dev/step`, which never changes for a
//! step, because the API server rejects a changed Deployment selector.

use std::collections::BTreeMap;

use crate::model::Step;

pub(crate) const STEP_LABEL: &str = "kstep.dev/step";
pub(crate) const NAME_LABEL: &str = "app.kubernetes.io/name";
pub(crate) const INSTANCE_LABEL: &str = "app.kubernetes.io/instance";
pub(crate) const MANAGED_BY_LABEL: &str = "app.kubernetes.io/managed-by";

/// Label keys a step may not set: kstep relies on their values.
pub(crate) const RESERVED_KEYS: &[&str] = &[STEP_LABEL, INSTANCE_LABEL, MANAGED_BY_LABEL];

/// Whether a label key is kstep's own (every `kstep.dev/` key is).
pub(crate) fn is_reserved(key: &str) -> bool {
    RESERVED_KEYS.contains(&key) || key.starts_with("kstep.dev/")
}

/// Labels for every object of the step. The step's labels may override `app.kubernetes.io/name`.
pub(crate) fn object_labels(step: &Step) -> BTreeMap<String, String> {
    let mut labels = BTreeMap::from([(NAME_LABEL.to_owned(), step.deployment.name().to_owned())]);
    for label in &step.deployment.labels {
        labels.insert(label.key.value.clone(), label.value.value.clone());
    }
    labels.insert(INSTANCE_LABEL.into(), step.id().to_owned());
    labels.insert(MANAGED_BY_LABEL.into(), "kstep".into());
    labels.insert(STEP_LABEL.into(), step.id().to_owned());
    labels
}

/// The Deployment's pod selector.
pub(crate) fn selector(step: &Step) -> BTreeMap<String, String> {
    BTreeMap::from([(STEP_LABEL.to_owned(), step.id().to_owned())])
}
