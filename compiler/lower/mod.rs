//! Stage 4, lower: a checked step to typed Kubernetes objects (k8s-openapi).
//!
//! Lowering only runs on steps that passed every check, so it cannot fail: it applies
//! defaults, adds kstep's labels and builds objects. Nothing here validates.

mod container;
mod deployment;
pub(crate) mod labels;
mod probe;
mod volume;

use k8s_openapi::Resource;
use k8s_openapi::api::apps::v1::Deployment;

use crate::model::Step;

/// The objects of one step, in apply order.
pub(crate) struct StepObjects {
    pub(crate) step_id: String,
    pub(crate) objects: Vec<Object>,
}

/// A Kubernetes object kstep emits.
pub(crate) enum Object {
    Deployment(Box<Deployment>),
}

impl Object {
    pub(crate) fn kind(&self) -> &'static str {
        match self {
            Object::Deployment(_) => Deployment::KIND,
        }
    }

    pub(crate) fn name(&self) -> &str {
        let metadata = match self {
            Object::Deployment(d) => &d.metadata,
        };
        metadata.name.as_deref().unwrap_or_default()
    }

    /// Position in apply order: objects others depend on come first.
    pub(crate) fn apply_rank(&self) -> u8 {
        match self {
            Object::Deployment(_) => 20,
        }
    }

    /// The object as JSON (apiVersion and kind included).
    pub(crate) fn to_json(&self) -> serde_json::Result<serde_json::Value> {
        match self {
            Object::Deployment(d) => serde_json::to_value(d),
        }
    }
}

pub(crate) fn lower(step: &Step) -> StepObjects {
    let mut objects = vec![Object::Deployment(Box::new(deployment::lower(step)))];
    objects.sort_by(|a, b| (a.apply_rank(), a.name()).cmp(&(b.apply_rank(), b.name())));
    StepObjects {
        step_id: step.id().to_owned(),
        objects,
    }
}

/// A checked integer as the API's `int32`. Checks keep values in range; clamping keeps this
/// total without a panic path.
fn int32(value: i64) -> i32 {
    value.clamp(i32::MIN.into(), i32::MAX.into()) as i32
}

/// `None` for an empty collection, so empty lists are left out of manifests.
fn non_empty<T>(items: Vec<T>) -> Option<Vec<T>> {
    (!items.is_empty()).then_some(items)
}
