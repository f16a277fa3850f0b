//! One container: image, ports, resources, environment, mounts, probes, command, pull
//! policy, security (with kstep's defaults) and lifecycle hooks.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use super::{Lowering, int32, non_empty, probe, security, word};
use crate::model::{
    Choice, Container, ContainerKind, EnvFrom, EnvSource, Hook, HookHandler, ResourceList, Spanned,
};

pub(super) fn lower(cx: &Lowering<'_>, container: &Container) -> core::Container {
    core::Container {
        name: container.name().to_owned(),
        image: container.image.as_ref().map(|i| i.value.clone()),
        ports: non_empty(
            container
                .ports
                .iter()
                .map(|p| core::ContainerPort {
                    name: p.name.as_ref().map(|n| n.value.clone()),
                    container_port: int32(p.port.value),
                    protocol: Some(p.protocol().as_str().to_owned()),
                    host_port: p.host_port.as_ref().map(|h| int32(h.value)),
                    ..core::ContainerPort::default()
                })
                .collect(),
        ),
        resources: resources(container),
        env: non_empty(container.env.iter().map(|e| env_var(cx, e)).collect()),
        volume_mounts: non_empty(
            container
                .volume_mounts
                .iter()
                .map(|m| core::VolumeMount {
                    name: m.volume.value.clone(),
                    mount_path: m.path.value.clone(),
                    sub_path: m.sub_path.as_ref().map(|s| s.value.clone()),
                    read_only: m.read_only.as_ref().map(|r| r.value),
                    ..core::VolumeMount::default()
                })
                .collect(),
        ),
        liveness_probe: container
            .liveness
            .as_ref()
            .map(|p| probe::lower(container, p)),
        readiness_probe: container
            .readiness
            .as_ref()
            .map(|p| probe::lower(container, p)),
        startup_probe: container
            .startup
            .as_ref()
            .map(|p| probe::lower(container, p)),
        restart_policy: (container.kind == ContainerKind::Sidecar).then(|| "Always".to_owned()),
        command: container
            .command
            .as_deref()
            .and_then(|c| non_empty(strings(c))),
        args: container
            .args
            .as_deref()
            .and_then(|a| non_empty(strings(a))),
        env_from: non_empty(container.env_from.iter().map(|e| env_from(cx, e)).collect()),
        image_pull_policy: word(&container.pull_policy),
        working_dir: container.working_dir.as_ref().map(|w| w.value.clone()),
        termination_message_policy: word(&container.termination_message_policy),
        security_context: Some(security::container(
            &container.security,
            cx.step.pod.security_profile(),
        )),
        lifecycle: lifecycle(container),
        ..core::Container::default()
    }
}

fn env_from(cx: &Lowering<'_>, env: &EnvFrom) -> core::EnvFromSource {
    let optional = env.optional.as_ref().map(|o| o.value);
    let mut out = core::EnvFromSource {
        prefix: env.prefix.as_ref().map(|p| p.value.clone()),
        ..core::EnvFromSource::default()
    };
    if env.secret {
        out.secret_ref = Some(core::SecretEnvSource {
            name: cx.secret_name(&env.name.value),
            optional,
        });
    } else {
        out.config_map_ref = Some(core::ConfigMapEnvSource {
            name: cx.config_map_name(&env.name.value),
            optional,
        });
    }
    out
}

fn lifecycle(container: &Container) -> Option<core::Lifecycle> {
    let lifecycle = &container.lifecycle;
    if lifecycle.post_start.is_none() && lifecycle.pre_stop.is_none() {
        return None;
    }
    Some(core::Lifecycle {
        post_start: lifecycle.post_start.as_ref().map(hook),
        pre_stop: lifecycle.pre_stop.as_ref().map(hook),
        ..core::Lifecycle::default()
    })
}

fn hook(hook: &Hook) -> core::LifecycleHandler {
    match &hook.handler {
        HookHandler::Command(command) => core::LifecycleHandler {
            exec: Some(core::ExecAction {
                command: Some(strings(&command.value)),
            }),
            ..core::LifecycleHandler::default()
        },
        HookHandler::Http(http) => core::LifecycleHandler {
            http_get: Some(probe::http_get(http)),
            ..core::LifecycleHandler::default()
        },
        HookHandler::Sleep(seconds) => core::LifecycleHandler {
            sleep: Some(core::SleepAction {
                seconds: seconds.value,
            }),
            ..core::LifecycleHandler::default()
        },
    }
}

pub(super) fn strings(items: &[Spanned<String>]) -> Vec<String> {
    items.iter().map(|s| s.value.clone()).collect()
}

fn resources(container: &Container) -> Option<core::ResourceRequirements> {
    let list = |list: &ResourceList| -> Option<BTreeMap<String, Quantity>> {
        let map: BTreeMap<String, Quantity> = list
            .iter()
            .map(|(name, q)| (name.to_owned(), Quantity(q.value.clone())))
            .collect();
        // (BTreeMap: the API sorts resource names too.)
        (!map.is_empty()).then_some(map)
    };
    let resources = &container.resources;
    if resources.requests.is_empty() && resources.limits.is_empty() {
        return None;
    }
    Some(core::ResourceRequirements {
        requests: list(&resources.requests),
        limits: list(&resources.limits),
        ..core::ResourceRequirements::default()
    })
}

fn env_var(cx: &Lowering<'_>, env: &crate::model::EnvVar) -> core::EnvVar {
    let (value, value_from) = match &env.source {
        EnvSource::Value(value) => (Some(value.value.clone()), None),
        EnvSource::ConfigMap {
            name,
            key,
            optional,
        } => (
            None,
            Some(core::EnvVarSource {
                config_map_key_ref: Some(core::ConfigMapKeySelector {
                    name: cx.config_map_name(&name.value),
                    key: key.value.clone(),
                    optional: optional.as_ref().map(|o| o.value),
                }),
                ..core::EnvVarSource::default()
            }),
        ),
        EnvSource::Secret {
            name,
            key,
            optional,
        } => (
            None,
            Some(core::EnvVarSource {
                secret_key_ref: Some(core::SecretKeySelector {
                    name: cx.secret_name(&name.value),
                    key: key.value.clone(),
                    optional: optional.as_ref().map(|o| o.value),
                }),
                ..core::EnvVarSource::default()
            }),
        ),
        EnvSource::Field(path) => (
            None,
            Some(core::EnvVarSource {
                field_ref: Some(core::ObjectFieldSelector {
                    field_path: path.value.clone(),
                    ..core::ObjectFieldSelector::default()
                }),
                ..core::EnvVarSource::default()
            }),
        ),
        EnvSource::Resource {
            resource,
            container,
            divisor,
        } => (
            None,
            Some(core::EnvVarSource {
                resource_field_ref: Some(core::ResourceFieldSelector {
                    resource: resource.value.clone(),
                    container_name: container.as_ref().map(|c| c.value.clone()),
                    divisor: divisor.as_ref().map(|d| Quantity(d.value.clone())),
                }),
                ..core::EnvVarSource::default()
            }),
        ),
    };
    core::EnvVar {
        name: env.name.value.clone(),
        value,
        value_from,
    }
}
