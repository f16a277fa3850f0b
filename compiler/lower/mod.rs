//! Stage 4, lower: a checked step to typed Kubernetes objects (k8s-openapi).
//!
//! Lowering only runs on steps that passed every check, so it cannot fail: it applies
//! defaults, adds kstep's labels and builds objects. Nothing here validates. An Ingress is
//! lowered with the Service it routes to (checking rejects one without).

mod autoscaling;
mod container;
mod deployment;
mod disruption;
pub(crate) mod gateway;
mod ingress;
pub(crate) mod labels;
mod owned;
pub(crate) mod patch;
mod pod;
mod probe;
pub(crate) mod route;
mod security;
mod service;
mod volume;
pub(crate) mod workload;

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1 as apps;
use k8s_openapi::api::autoscaling::v2 as autoscaling_v2;
use k8s_openapi::api::batch::v1 as batch;
use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::discovery::v1 as discovery;
use k8s_openapi::api::networking::v1 as networking;
use k8s_openapi::api::policy::v1 as policy;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::{Metadata, Resource};

use crate::model::{Choice, Governing, KeyValue, Spanned, Step, Workload};
use crate::plan::Plan;

/// The objects of one step, in apply order.
pub(crate) struct StepObjects {
    pub(crate) step_id: String,
    pub(crate) objects: Vec<Object>,
}

macro_rules! objects {
    ($($variant:ident($ty:ty) = $rank:literal,)*) => {
        /// A Kubernetes object kstep emits.
        pub(crate) enum Object {
            $($variant(Box<$ty>),)*
        }

        impl Object {
            pub(crate) fn kind(&self) -> &'static str {
                match self {
                    $(Object::$variant(_) => <$ty as Resource>::KIND,)*
                }
            }

            pub(crate) fn name(&self) -> &str {
                match self {
                    $(Object::$variant(o) => o.metadata().name.as_deref().unwrap_or_default(),)*
                }
            }

            fn metadata_mut(&mut self) -> &mut ObjectMeta {
                match self {
                    $(Object::$variant(o) => o.metadata_mut(),)*
                }
            }

            /// Position in apply order: objects others depend on come first.
            pub(crate) fn apply_rank(&self) -> u8 {
                match self {
                    $(Object::$variant(_) => $rank,)*
                }
            }

            /// The object as JSON (apiVersion and kind included).
            pub(crate) fn to_json(&self) -> serde_json::Result<serde_json::Value> {
                match self {
                    $(Object::$variant(o) => serde_json::to_value(o),)*
                }
            }

            /// An object of the same kind read from `value` (a patched copy of this one).
            pub(crate) fn with_json(
                &self,
                value: serde_json::Value,
            ) -> Result<Object, serde_path_to_error::Error<serde_json::Error>> {
                match self {
                    $(Object::$variant(_) => serde_path_to_error::deserialize(value)
                        .map(|o| Object::$variant(Box::new(o))),)*
                }
            }

            /// The object as compact JSON, written straight to `writer` (for hashing).
            pub(crate) fn write_json(&self, writer: impl std::io::Write) -> serde_json::Result<()> {
                serde_json::to_writer(writer, self)
            }
        }

        /// The object itself (apiVersion and kind included), for writers that take it as it is.
        impl serde::Serialize for Object {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match self {
                    $(Object::$variant(o) => o.serialize(serializer),)*
                }
            }
        }
    };
}

objects! {
    ConfigMap(core::ConfigMap) = 10,
    Secret(core::Secret) = 11,
    Deployment(apps::Deployment) = 20,
    StatefulSet(apps::StatefulSet) = 20,
    DaemonSet(apps::DaemonSet) = 20,
    Job(batch::Job) = 20,
    CronJob(batch::CronJob) = 20,
    PodDisruptionBudget(policy::PodDisruptionBudget) = 21,
    Service(core::Service) = 30,
    EndpointSlice(discovery::EndpointSlice) = 31,
    HorizontalPodAutoscaler(autoscaling_v2::HorizontalPodAutoscaler) = 35,
    Ingress(networking::Ingress) = 40,
    HttpRoute(gateway::HttpRoute) = 45,
}

impl StepObjects {
    /// The objects with another deployment id, for a step and plan under which the id is
    /// nothing but the value of each object's deployment-id label
    /// ([`id_only_in_labels`]): cheaper than lowering the step again.
    pub(crate) fn with_deployment_id(mut self, id: &str) -> StepObjects {
        for object in &mut self.objects {
            if let Some(value) = object
                .metadata_mut()
                .labels
                .as_mut()
                .and_then(|labels| labels.get_mut(labels::DEPLOYMENT_ID_LABEL))
            {
                id.clone_into(value);
            }
        }
        self
    }
}

/// Whether the deployment id reaches `step`'s objects under `plan` only as the value of each
/// object's deployment-id label ([`labels::object_labels`]). Not under blue/green (it names
/// objects and selects pods), not for a Job (its name carries it), not with `[[patches]]`
/// (one may copy the label anywhere).
pub(crate) fn id_only_in_labels(step: &Step, plan: &Plan) -> bool {
    !plan.is_blue_green() && step.kind() != crate::model::Kind::Job && step.patches.is_empty()
}

/// The objects of a step, patched by its `[[patches]]`.
pub(crate) fn lower(step: &Step, plan: &Plan) -> StepObjects {
    let mut objects = unpatched(step, plan);
    // Checking applied every patch once already and gated on any problem.
    for patch in &step.patches {
        if let Ok((index, patched)) = patch::apply(&objects, patch, plan) {
            objects[index] = patched;
        }
    }
    // The preview Service copies the main Service as patched; patches never see it.
    if plan.is_blue_green()
        && let Some(name) = step.preview_service_name()
        && let Some(main) = step.switched_services().next()
    {
        let cx = Lowering { step, plan };
        let main = step.service_name(main);
        let preview = objects.iter().find_map(|o| match o {
            Object::Service(s) if s.metadata.name.as_deref() == Some(main) => {
                Some(service::preview(&cx, name.clone(), s))
            }
            _ => None,
        });
        if let Some(preview) = preview {
            objects.push(Object::Service(Box::new(preview)));
            objects.sort_by(|a, b| (a.apply_rank(), a.name()).cmp(&(b.apply_rank(), b.name())));
        }
    }
    // A `switch = "weights"` route's colour Services copy the switched Services as patched.
    let colours = route::colour_services(step, plan);
    if !colours.is_empty() {
        let cx = Lowering { step, plan };
        let copies: Vec<core::Service> = objects
            .iter()
            .filter_map(|o| match o {
                Object::Service(s) => {
                    let name = s.metadata.name.clone().unwrap_or_default();
                    colours.contains(&name).then(|| {
                        let mut copy = service::preview(&cx, plan.versioned(&name), s);
                        copy.metadata
                            .labels
                            .get_or_insert_default()
                            .insert(labels::COLOUR_LABEL.to_owned(), name);
                        copy
                    })
                }
                _ => None,
            })
            .collect();
        objects.extend(copies.into_iter().map(|s| Object::Service(Box::new(s))));
        objects.sort_by(|a, b| (a.apply_rank(), a.name()).cmp(&(b.apply_rank(), b.name())));
    }
    StepObjects {
        step_id: step.id().to_owned(),
        objects,
    }
}

/// The objects of a step as kstep makes them, in apply order, before any patch.
pub(crate) fn unpatched(step: &Step, plan: &Plan) -> Vec<Object> {
    let cx = Lowering { step, plan };
    let mut objects = Vec::new();
    for config_map in &step.config_maps {
        objects.push(Object::ConfigMap(Box::new(owned::config_map(
            &cx, config_map,
        ))));
    }
    for secret in &step.secrets {
        objects.push(Object::Secret(Box::new(owned::secret(&cx, secret))));
    }
    let workload = match &step.workload {
        Workload::Deployment => Object::Deployment(Box::new(deployment::lower(&cx))),
        Workload::StatefulSet(set) => {
            if let Some(Governing::Made(name)) = step.governing_service() {
                objects.push(Object::Service(Box::new(workload::headless_service(
                    &cx, name,
                ))));
            }
            Object::StatefulSet(Box::new(workload::stateful_set(&cx, set)))
        }
        Workload::DaemonSet(set) => Object::DaemonSet(Box::new(workload::daemon_set(&cx, set))),
        Workload::Job(job) => Object::Job(Box::new(workload::job(&cx, &job.settings))),
        Workload::CronJob(cron) => Object::CronJob(Box::new(workload::cron_job(&cx, cron))),
    };
    objects.push(workload);
    if let Some(budget) = &step.disruption_budget {
        objects.push(Object::PodDisruptionBudget(Box::new(disruption::lower(
            &cx, budget,
        ))));
    }
    for service in &step.services {
        objects.push(Object::Service(Box::new(service::lower(&cx, service))));
        if let Some(slice) = service::endpoint_slice(&cx, service) {
            objects.push(Object::EndpointSlice(Box::new(slice)));
        }
    }
    if let Some(autoscaling) = &step.autoscaling {
        objects.push(Object::HorizontalPodAutoscaler(Box::new(
            autoscaling::lower(&cx, autoscaling),
        )));
    }
    for ingress in &step.ingresses {
        // Checking made sure every Ingress has its Service.
        if let Some(service) = step.ingress_service(ingress) {
            objects.push(Object::Ingress(Box::new(ingress::lower(
                &cx, service, ingress,
            ))));
        }
    }
    for route in &step.routes {
        objects.push(Object::HttpRoute(Box::new(route::lower(&cx, route))));
    }
    objects.sort_by(|a, b| (a.apply_rank(), a.name()).cmp(&(b.apply_rank(), b.name())));
    objects
}

/// What lowering one step needs: the step and its plan.
struct Lowering<'a> {
    step: &'a Step,
    plan: &'a Plan,
}

impl Lowering<'_> {
    /// Metadata of an object of the step: name, namespace, labels (the step's, then the
    /// object's own), annotations.
    fn metadata(
        &self,
        name: String,
        own_labels: &[KeyValue],
        annotations: &[KeyValue],
    ) -> ObjectMeta {
        let annotations: BTreeMap<String, String> = annotations
            .iter()
            .map(|a| (a.key.value.clone(), a.value.value.clone()))
            .collect();
        ObjectMeta {
            name: Some(name),
            namespace: self.step.namespace.as_ref().map(|n| n.value.clone()),
            labels: Some(labels::object_labels(self.step, self.plan, own_labels)),
            annotations: (!annotations.is_empty()).then_some(annotations),
            ..ObjectMeta::default()
        }
    }

    /// The name to use for a ConfigMap the step refers to: versioned if the step owns it.
    fn config_map_name(&self, name: &str) -> String {
        if self.step.config_maps.iter().any(|c| c.name.value == name) {
            self.plan.versioned(name)
        } else {
            name.to_owned()
        }
    }

    /// The name to use for a Secret the step refers to: versioned if the step owns it.
    fn secret_name(&self, name: &str) -> String {
        if self.step.secrets.iter().any(|s| s.name.value == name) {
            self.plan.versioned(name)
        } else {
            name.to_owned()
        }
    }
}

/// A checked integer as the API's `int32`. Checks keep values in range; clamping keeps this
/// total without a panic path.
fn int32(value: i64) -> i32 {
    value.clamp(i32::MIN.into(), i32::MAX.into()) as i32
}

/// The API word of an optional choice field.
fn word<T: Choice>(value: &Option<Spanned<T>>) -> Option<String> {
    value.as_ref().map(|v| v.value.as_str().to_owned())
}

/// `None` for an empty collection, so empty lists are left out of manifests.
fn non_empty<T>(items: Vec<T>) -> Option<Vec<T>> {
    (!items.is_empty()).then_some(items)
}
