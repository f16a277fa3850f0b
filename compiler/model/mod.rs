//! The typed step model: what a step file says, with a span on every value.
//!
//! `read` builds it from the syntax tree, `check` validates it, `lower` turns it into
//! Kubernetes objects. Optional fields stay `Option` here (defaults are applied in `lower`), so
//! rules can tell "not given" from "given as the default". Field names follow the step file.

mod autoscaling;
mod choice;
mod container;
mod disruption;
mod ingress;
mod lint;
mod owned;
mod patch;
mod pod;
mod probe;
mod project;
mod route;
mod security;
mod service;
mod vars;
mod volume;
mod workload;

pub(crate) use autoscaling::Autoscaling;
pub(crate) use choice::{
    AccessMode, Choice, CompletionMode, ConcurrencyPolicy, DnsPolicy, HostPathType, HttpMethod,
    IpFamily, IpFamilyPolicy, JobRestartPolicy, PathType, PodFailureAction, PodManagementPolicy,
    Previous, Protocol, PullPolicy, RedirectScheme, RetentionPolicy, RoutePathType, RouteSwitch,
    Scheme, SeccompType, SecurityProfile, ServiceType, SessionAffinity, Spread, StorageMedium,
    Strategy, TaintEffect, TerminationMessagePolicy, TolerationOperator, TrafficDistribution,
    TrafficPolicy, UnsatisfiableAction, ValueMatch,
};
pub(crate) use container::{
    Container, ContainerKind, ContainerPort, EnvFrom, EnvSource, EnvVar, Hook, HookHandler,
    Lifecycle, ResourceList, Resources, VolumeMount, is_extended_resource,
};
pub(crate) use disruption::DisruptionBudget;
pub(crate) use ingress::{Ingress, IngressPath, IngressRule, IngressTls};
pub(crate) use lint::{Level, LintLevels};
pub(crate) use owned::{ConfigMap, Registry, Secret, SecretEntry};
pub(crate) use patch::{MergePatch, Patch, PatchBody, PatchOp, PatchOpKind};
pub(crate) use pod::{
    DnsConfig, DnsOption, HostAlias, NodeAffinityTerm, Placement, Pod, PodAffinityTerm,
    Requirement, Selector, Toleration, TopologySpread,
};
pub(crate) use probe::{
    GrpcCheck, HttpGet, HttpHeader, PortRef, Probe, ProbeHandler, ProbeKind, TcpSocket,
};
pub(crate) use project::{Project, RunDefaults};
pub(crate) use route::{
    HeaderModifier, PathModifier, Redirect, Rewrite, Route, RouteBackend, RouteMatch, RouteParent,
    RoutePreview, RouteRule, ValueCondition,
};
pub(crate) use security::{
    Capabilities, ContainerSecurity, Identity, PodSecurity, SeLinux, Seccomp, capability_name,
};
pub(crate) use service::{Endpoints, Service, ServicePort, ServiceSelector};
pub(crate) use vars::{Environment, StepVars, VarDecl};
pub(crate) use volume::{KeyToPath, RawVolume, Volume, VolumeSource};
pub(crate) use workload::{
    ClaimRetention, ClaimTemplate, CronJob, DaemonRolling, DaemonSet, FailureMatch, Governing, Job,
    JobSettings, Kind, PodFailureRule, StatefulRolling, StatefulSet, Workload,
};

use crate::source::Span;

/// A value and where it was written.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Spanned<T> {
    pub(crate) value: T,
    pub(crate) span: Span,
}

impl<T> Spanned<T> {
    pub(crate) fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

impl Spanned<String> {
    pub(crate) fn as_str(&self) -> &str {
        &self.value
    }
}

/// One step file.
#[derive(Clone, Debug)]
pub(crate) struct Step {
    /// The step's stable identity; defaults to the deployment name (and then carries its span).
    /// `None` only when neither is readable (already reported).
    pub(crate) id: Option<Spanned<String>>,
    pub(crate) namespace: Option<Spanned<String>>,
    /// The strategy the step asks for; the command line may override it.
    pub(crate) strategy: Option<Spanned<Strategy>>,
    /// The settings every workload kind shares (name, labels, ...), from the kind's table.
    pub(crate) deployment: Deployment,
    /// The workload's kind and its own settings.
    pub(crate) workload: Workload,
    pub(crate) pod: Pod,
    pub(crate) volumes: Vec<Volume>,
    pub(crate) containers: Vec<Container>,
    /// `[service]` or `[[services]]`.
    pub(crate) services: Vec<Service>,
    /// `[ingress]` or `[[ingresses]]`.
    pub(crate) ingresses: Vec<Ingress>,
    pub(crate) config_maps: Vec<ConfigMap>,
    pub(crate) secrets: Vec<Secret>,
    /// `[[patches]]`: changes to the emitted objects, applied after lowering.
    pub(crate) patches: Vec<Patch>,
    /// `[disruption_budget]`: a PodDisruptionBudget over the step's pods.
    pub(crate) disruption_budget: Option<DisruptionBudget>,
    /// `[autoscaling]`: a HorizontalPodAutoscaler that owns the Deployment's replicas.
    pub(crate) autoscaling: Option<Autoscaling>,
    /// `[route]` or `[[routes]]`: Gateway API HTTPRoutes to the step's Services.
    pub(crate) routes: Vec<Route>,
    /// False when a volume could not be read and was dropped: rules that would report a
    /// volume as *missing* stay quiet, since it may be the dropped one.
    pub(crate) volumes_complete: bool,
    /// False when the `containers` list, or one of its elements, is not a table.
    pub(crate) containers_complete: bool,
}

impl Step {
    pub(crate) fn kind(&self) -> Kind {
        self.workload.kind()
    }

    /// The step id; empty only in steps with errors, which are never lowered.
    pub(crate) fn id(&self) -> &str {
        self.id.as_ref().map_or("", |id| id.as_str())
    }

    /// A Service's name: its own, or the deployment name.
    pub(crate) fn service_name<'a>(&'a self, service: &'a Service) -> &'a str {
        service
            .name
            .as_ref()
            .map_or_else(|| self.deployment.name(), |n| n.as_str())
    }

    /// An Ingress's name: its own, or the deployment name.
    pub(crate) fn ingress_name<'a>(&'a self, ingress: &'a Ingress) -> &'a str {
        ingress
            .name
            .as_ref()
            .map_or_else(|| self.deployment.name(), |n| n.as_str())
    }

    /// The Services that select the step's own pods: under blue/green, the ones the deploy
    /// script switches from one deployment to the next, together.
    pub(crate) fn switched_services(&self) -> impl Iterator<Item = &Service> {
        self.services
            .iter()
            .filter(|s| s.has_selector() && s.shared_selector().is_none())
    }

    /// The name of the blue/green preview Service, when the step asks for one and has a
    /// Service to derive it from.
    pub(crate) fn preview_service_name(&self) -> Option<String> {
        let preview = self.deployment.blue_green.as_ref()?.preview.as_ref()?;
        if let Some(name) = &preview.service {
            return Some(name.value.clone());
        }
        let main = self.switched_services().next()?;
        Some(format!("{}-preview", self.service_name(main)))
    }

    /// The Service an Ingress routes to: the one it names, else the step's only one.
    pub(crate) fn ingress_service(&self, ingress: &Ingress) -> Option<&Service> {
        match &ingress.service {
            Some(name) => self
                .services
                .iter()
                .find(|s| self.service_name(s) == name.value),
            None if self.services.len() == 1 => self.services.first(),
            None => None,
        }
    }
}

/// Fields that identify an object (names, images) are `Option` so that a missing or broken
/// one does not drop everything around it from checking; `None` has been reported, and the
/// gate before lowering guarantees `Some`.
#[derive(Clone, Debug, Default)]
pub(crate) struct Deployment {
    pub(crate) name: Option<Spanned<String>>,
    pub(crate) replicas: Option<Spanned<i64>>,
    /// Seconds; the default is [`Deployment::DEFAULT_PROGRESS_DEADLINE`].
    pub(crate) progress_deadline: Option<Spanned<i64>>,
    pub(crate) labels: Vec<KeyValue>,
    pub(crate) annotations: Vec<KeyValue>,
    /// An existing Deployment's selector the step keeps (`matchLabels`), so that its output
    /// applies over a Deployment created by hand or by Helm. Rolling update and recreate only.
    pub(crate) selector: Option<Spanned<Vec<KeyValue>>>,
    /// Rolling update settings (rolling-update strategy only).
    pub(crate) rolling: Option<Rolling>,
    /// Blue/green settings (blue-green strategy only).
    pub(crate) blue_green: Option<BlueGreen>,
    /// Seconds a new pod must be ready before it counts as available.
    pub(crate) min_ready: Option<Spanned<i64>>,
    /// Old ReplicaSets kept for rollback.
    pub(crate) revision_history_limit: Option<Spanned<i64>>,
}

/// How fast a rolling update replaces pods.
#[derive(Clone, Debug)]
pub(crate) struct Rolling {
    pub(crate) key_span: Span,
    /// Extra pods allowed during the update: a count or a percentage like "25%".
    pub(crate) max_surge: Option<Spanned<Count>>,
    /// Pods allowed to be unavailable during the update.
    pub(crate) max_unavailable: Option<Spanned<Count>>,
}

/// How the deploy script switches a blue/green deployment: the drain delay, promotion, the
/// preview Service and what becomes of the previous deployment.
#[derive(Clone, Debug)]
pub(crate) struct BlueGreen {
    pub(crate) key_span: Span,
    /// Seconds the previous deployment keeps running after the switch.
    pub(crate) scale_down_delay: Option<Spanned<i64>>,
    /// Whether the script switches as soon as the new deployment is ready.
    pub(crate) auto_promote: Option<Spanned<bool>>,
    pub(crate) previous: Option<Spanned<Previous>>,
    pub(crate) preview: Option<Preview>,
}

impl BlueGreen {
    pub(crate) const DEFAULT_SCALE_DOWN_DELAY: i64 = 30;
    /// An hour: the script holds the deployment lock while it waits.
    pub(crate) const MAX_SCALE_DOWN_DELAY: i64 = 3600;

    pub(crate) fn scale_down_delay(&self) -> i64 {
        self.scale_down_delay
            .as_ref()
            .map_or(Self::DEFAULT_SCALE_DOWN_DELAY, |d| d.value)
    }

    pub(crate) fn auto_promote(&self) -> bool {
        self.auto_promote.as_ref().is_none_or(|a| a.value)
    }

    pub(crate) fn previous(&self) -> Previous {
        self.previous
            .as_ref()
            .map_or(Previous::ScaleToZero, |p| p.value)
    }
}

/// A Service that selects the new deployment before it is promoted.
#[derive(Clone, Debug)]
pub(crate) struct Preview {
    pub(crate) key_span: Span,
    /// Default: the first switched Service's name and `-preview`.
    pub(crate) service: Option<Spanned<String>>,
    /// Replicas of the new deployment until it is promoted; default: all of them.
    pub(crate) replicas: Option<Spanned<i64>>,
}

/// A number of pods, or a percentage of the replicas.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Count {
    Number(i64),
    Percent(String),
}

impl Deployment {
    /// The deployment name; empty only in steps with errors, which are never lowered.
    pub(crate) fn name(&self) -> &str {
        self.name.as_ref().map_or("", |name| name.as_str())
    }

    /// Seconds a rollout may go without progress, given or the default.
    pub(crate) fn progress_deadline(&self) -> i64 {
        self.progress_deadline
            .as_ref()
            .map_or(Self::DEFAULT_PROGRESS_DEADLINE, |d| d.value)
    }

    pub(crate) const DEFAULT_REPLICAS: i64 = 1;
    pub(crate) const DEFAULT_PROGRESS_DEADLINE: i64 = 600;
}

/// An entry of a string map (labels, annotations), in source order.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct KeyValue {
    pub(crate) key: Spanned<String>,
    pub(crate) value: Spanned<String>,
}
