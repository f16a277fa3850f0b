//! Containers (seed 000, "Containers"): image, ports, init flag, resources, environment,
//! volume mounts, probes, command and arguments.

use super::{Probe, Protocol, Spanned};

#[derive(Clone, Debug)]
pub(crate) struct Container {
    /// Position in the step's `containers` list, for messages about unnamed containers.
    pub(crate) index: usize,
    /// `None` when missing or broken (already reported); see [`crate::model::Deployment`].
    pub(crate) name: Option<Spanned<String>>,
    pub(crate) image: Option<Spanned<String>>,
    /// An init container runs to completion before the app containers start.
    pub(crate) init: bool,
    pub(crate) ports: Vec<ContainerPort>,
    /// False when a port could not be read and was dropped (see [`crate::model::Step`]).
    pub(crate) ports_complete: bool,
    pub(crate) resources: Resources,
    pub(crate) env: Vec<EnvVar>,
    pub(crate) volume_mounts: Vec<VolumeMount>,
    /// False when a volume mount could not be read and was dropped.
    pub(crate) mounts_complete: bool,
    pub(crate) liveness: Option<Probe>,
    pub(crate) readiness: Option<Probe>,
    pub(crate) startup: Option<Probe>,
    pub(crate) command: Option<Vec<Spanned<String>>>,
    pub(crate) args: Option<Vec<Spanned<String>>>,
}

impl Container {
    /// "container `web`", for messages.
    pub(crate) fn describe(&self) -> String {
        match &self.name {
            Some(name) => format!("container `{}`", name.value),
            None => format!("container `containers[{}]`", self.index),
        }
    }

    pub(crate) fn name(&self) -> &str {
        self.name.as_ref().map_or("", |name| name.as_str())
    }

    /// The probes that are set, with their kind.
    pub(crate) fn probes(&self) -> impl Iterator<Item = &Probe> {
        [&self.liveness, &self.readiness, &self.startup]
            .into_iter()
            .flatten()
    }
}

#[derive(Clone, Debug)]
pub(crate) struct ContainerPort {
    pub(crate) name: Option<Spanned<String>>,
    pub(crate) port: Spanned<i64>,
    pub(crate) protocol: Option<Spanned<Protocol>>,
}

impl ContainerPort {
    pub(crate) fn protocol(&self) -> Protocol {
        self.protocol.as_ref().map_or(Protocol::Tcp, |p| p.value)
    }
}

#[derive(Clone, Debug, Default)]
pub(crate) struct Resources {
    pub(crate) requests: ResourceList,
    pub(crate) limits: ResourceList,
}

/// Quantities as written (numbers are turned into their decimal text when read).
#[derive(Clone, Debug, Default)]
pub(crate) struct ResourceList {
    pub(crate) cpu: Option<Spanned<String>>,
    pub(crate) memory: Option<Spanned<String>>,
}

impl ResourceList {
    /// `(resource name, quantity)` for every quantity given.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&'static str, &Spanned<String>)> {
        [("cpu", &self.cpu), ("memory", &self.memory)]
            .into_iter()
            .filter_map(|(name, q)| q.as_ref().map(|q| (name, q)))
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.cpu.is_none() && self.memory.is_none()
    }
}

#[derive(Clone, Debug)]
pub(crate) struct EnvVar {
    pub(crate) name: Spanned<String>,
    pub(crate) source: EnvSource,
}

#[derive(Clone, Debug)]
pub(crate) enum EnvSource {
    Value(Spanned<String>),
    ConfigMap {
        name: Spanned<String>,
        key: Spanned<String>,
        optional: Option<Spanned<bool>>,
    },
    Secret {
        name: Spanned<String>,
        key: Spanned<String>,
        optional: Option<Spanned<bool>>,
    },
}

#[derive(Clone, Debug)]
pub(crate) struct VolumeMount {
    pub(crate) volume: Spanned<String>,
    pub(crate) path: Spanned<String>,
    pub(crate) sub_path: Option<Spanned<String>>,
    pub(crate) read_only: Option<Spanned<bool>>,
}
