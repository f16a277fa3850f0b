//! Containers (`core/v1` `Container`, kubernetes.io/docs/reference/kubernetes-api/workload-resources/pod-v1/#Container): image, ports, init flag, resources, environment,
//! volume mounts, probes, command and arguments; and how the container runs: pull policy,
//! security, lifecycle hooks, working directory, termination message.

use super::{
    ContainerSecurity, HttpGet, Probe, Protocol, PullPolicy, Spanned, TerminationMessagePolicy,
};
use crate::source::Span;

#[derive(Clone, Debug)]
pub(crate) struct Container {
    /// Position in the step's `containers` list, for messages about unnamed containers.
    pub(crate) index: usize,
    /// `None` when missing or broken (already reported); see [`crate::model::Deployment`].
    pub(crate) name: Option<Spanned<String>>,
    pub(crate) image: Option<Spanned<String>>,
    /// An app container, an init container, or a native sidecar.
    pub(crate) kind: ContainerKind,
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
    pub(crate) pull_policy: Option<Spanned<PullPolicy>>,
    pub(crate) working_dir: Option<Spanned<String>>,
    pub(crate) termination_message_policy: Option<Spanned<TerminationMessagePolicy>>,
    pub(crate) security: ContainerSecurity,
    pub(crate) lifecycle: Lifecycle,
    /// Every key of a ConfigMap or Secret as environment variables.
    pub(crate) env_from: Vec<EnvFrom>,
}

/// Where a container runs in the pod.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ContainerKind {
    App,
    /// Runs to completion before the app containers start (`init = true`).
    Init,
    /// A native sidecar (`sidecar = true`): an init container with `restartPolicy: Always`,
    /// started before the app containers and kept running beside them. It may be probed, may
    /// have lifecycle hooks, and its ports can be a Service's target.
    Sidecar,
}

impl Container {
    /// An init container that runs to completion (not a sidecar).
    pub(crate) fn is_init(&self) -> bool {
        self.kind == ContainerKind::Init
    }

    /// Whether it runs while the pod serves: an app container or a sidecar.
    pub(crate) fn serves(&self) -> bool {
        self.kind != ContainerKind::Init
    }

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
    /// The port on the node that forwards to this one.
    pub(crate) host_port: Option<Spanned<i64>>,
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
    pub(crate) ephemeral_storage: Option<Spanned<String>>,
    /// Extended resources (`nvidia.com/gpu`) and huge pages (`hugepages-2Mi`), by their API
    /// name, in source order.
    pub(crate) extended: Vec<(Spanned<String>, Spanned<String>)>,
}

impl ResourceList {
    /// `(API resource name, quantity)` for every quantity given.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &Spanned<String>)> {
        [
            ("cpu", &self.cpu),
            ("memory", &self.memory),
            ("ephemeral-storage", &self.ephemeral_storage),
        ]
        .into_iter()
        .filter_map(|(name, q)| q.as_ref().map(|q| (name, q)))
        .chain(self.extended.iter().map(|(name, q)| (name.as_str(), q)))
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }
}

/// Whether a resource is one the node cannot overcommit: an extended resource or huge
/// pages. Its request must equal its limit.
pub(crate) fn is_extended_resource(name: &str) -> bool {
    name.contains('/') || name.starts_with("hugepages-")
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
    /// A field of the pod (downward API): `metadata.name`, `status.podIP`, ...
    Field(Spanned<String>),
    /// A container's resource request or limit (downward API): `limits.memory`, ...
    Resource {
        resource: Spanned<String>,
        /// The container whose resources; default: this one.
        container: Option<Spanned<String>>,
        divisor: Option<Spanned<String>>,
    },
}

/// `env_from`: every key of a ConfigMap or Secret as an environment variable.
#[derive(Clone, Debug)]
pub(crate) struct EnvFrom {
    pub(crate) secret: bool,
    pub(crate) name: Spanned<String>,
    pub(crate) prefix: Option<Spanned<String>>,
    pub(crate) optional: Option<Spanned<bool>>,
}

/// Hooks the kubelet runs after a container starts and before it stops.
#[derive(Clone, Debug, Default)]
pub(crate) struct Lifecycle {
    pub(crate) post_start: Option<Hook>,
    pub(crate) pre_stop: Option<Hook>,
}

impl Lifecycle {
    pub(crate) fn hooks(&self) -> impl Iterator<Item = (&'static str, &Hook)> {
        [
            ("post_start", &self.post_start),
            ("pre_stop", &self.pre_stop),
        ]
        .into_iter()
        .filter_map(|(key, hook)| hook.as_ref().map(|h| (key, h)))
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Hook {
    pub(crate) key_span: Span,
    pub(crate) handler: HookHandler,
}

#[derive(Clone, Debug)]
pub(crate) enum HookHandler {
    Command(Spanned<Vec<Spanned<String>>>),
    Http(HttpGet),
    /// Seconds to wait.
    Sleep(Spanned<i64>),
}

#[derive(Clone, Debug)]
pub(crate) struct VolumeMount {
    pub(crate) volume: Spanned<String>,
    pub(crate) path: Spanned<String>,
    pub(crate) sub_path: Option<Spanned<String>>,
    pub(crate) read_only: Option<Spanned<bool>>,
}
