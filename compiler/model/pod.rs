//! `[pod]`: how the step's pods run: identity, security, scheduling, DNS and shutdown.

use super::{
    DnsPolicy, KeyValue, PodSecurity, SecurityProfile, Spanned, Spread, TaintEffect,
    TolerationOperator, UnsatisfiableAction,
};
use crate::source::Span;

#[derive(Clone, Debug, Default)]
pub(crate) struct Pod {
    /// Labels of the pod template only (the Deployment's `labels` are on every object).
    pub(crate) labels: Vec<KeyValue>,
    /// Annotations of the pod template (`prometheus.io/scrape`, `sidecar.istio.io/inject`).
    pub(crate) annotations: Vec<KeyValue>,
    /// The secure defaults to write: the step's, else its `kstep.toml`'s (with that span),
    /// else `None` for [`SecurityProfile::Baseline`].
    pub(crate) security_profile: Option<Spanned<SecurityProfile>>,
    pub(crate) service_account: Option<Spanned<String>>,
    /// kstep's default is `false`: the API token is mounted only when the step asks.
    pub(crate) automount_service_account_token: Option<Spanned<bool>>,
    pub(crate) security: PodSecurity,
    pub(crate) host_network: Option<Spanned<bool>>,
    pub(crate) host_pid: Option<Spanned<bool>>,
    pub(crate) host_ipc: Option<Spanned<bool>>,
    pub(crate) node_selector: Vec<KeyValue>,
    pub(crate) node_affinity: Vec<NodeAffinityTerm>,
    pub(crate) pod_affinity: Vec<PodAffinityTerm>,
    pub(crate) pod_anti_affinity: Vec<PodAffinityTerm>,
    /// The short form: keep the step's replicas apart, across nodes and/or zones.
    pub(crate) spread: Vec<Spanned<Spread>>,
    pub(crate) tolerations: Vec<Toleration>,
    pub(crate) topology_spread: Vec<TopologySpread>,
    pub(crate) priority_class: Option<Spanned<String>>,
    pub(crate) dns_policy: Option<Spanned<DnsPolicy>>,
    pub(crate) dns_config: Option<DnsConfig>,
    pub(crate) host_aliases: Vec<HostAlias>,
    /// Seconds between the stop signal and the kill.
    pub(crate) termination_grace_period: Option<Spanned<i64>>,
    pub(crate) readiness_gates: Vec<Spanned<String>>,
    /// Pull secrets by name, besides the step's own registry secrets.
    pub(crate) image_pull_secrets: Vec<Spanned<String>>,
}

impl Pod {
    /// The API's default grace period, in seconds.
    pub(crate) const DEFAULT_GRACE_PERIOD: i64 = 30;

    pub(crate) fn security_profile(&self) -> SecurityProfile {
        self.security_profile
            .as_ref()
            .map_or(SecurityProfile::Baseline, |p| p.value)
    }

    /// Whether the profile makes non-root and dropping every capability the default.
    pub(crate) fn is_restricted(&self) -> bool {
        self.security_profile() == SecurityProfile::Restricted
    }

    pub(crate) fn host_network(&self) -> bool {
        self.host_network.as_ref().is_some_and(|h| h.value)
    }
}

/// Required (`required = true`) or preferred (`weight`) placement.
#[derive(Clone, Debug)]
pub(crate) enum Placement {
    Required,
    Preferred(Spanned<i64>),
}

/// One node affinity term: node label requirements, all of which must hold.
#[derive(Clone, Debug)]
pub(crate) struct NodeAffinityTerm {
    pub(crate) key_span: Span,
    pub(crate) placement: Placement,
    pub(crate) requirements: Vec<Requirement>,
}

/// One pod (anti-)affinity term: pods matching `selector` (the step's own pods when it is
/// empty), in the same `topology_key` domain.
#[derive(Clone, Debug)]
pub(crate) struct PodAffinityTerm {
    pub(crate) placement: Placement,
    pub(crate) topology_key: Spanned<String>,
    pub(crate) selector: Selector,
    pub(crate) namespaces: Vec<Spanned<String>>,
}

/// A label selector: labels that must equal, and requirements.
#[derive(Clone, Debug, Default)]
pub(crate) struct Selector {
    pub(crate) labels: Vec<KeyValue>,
    pub(crate) requirements: Vec<Requirement>,
}

impl Selector {
    pub(crate) fn is_empty(&self) -> bool {
        self.labels.is_empty() && self.requirements.is_empty()
    }
}

/// `{ key = "zone", operator = "In", values = ["a", "b"] }`.
#[derive(Clone, Debug)]
pub(crate) struct Requirement {
    pub(crate) key: Spanned<String>,
    /// As written; checking knows which operators each place allows.
    pub(crate) operator: Spanned<String>,
    pub(crate) values: Option<Spanned<Vec<Spanned<String>>>>,
}

#[derive(Clone, Debug)]
pub(crate) struct Toleration {
    pub(crate) key_span: Span,
    pub(crate) key: Option<Spanned<String>>,
    pub(crate) operator: Option<Spanned<TolerationOperator>>,
    pub(crate) value: Option<Spanned<String>>,
    pub(crate) effect: Option<Spanned<TaintEffect>>,
    /// `tolerationSeconds`: how long a `NoExecute` taint is tolerated.
    pub(crate) seconds: Option<Spanned<i64>>,
}

#[derive(Clone, Debug)]
pub(crate) struct TopologySpread {
    pub(crate) topology_key: Spanned<String>,
    pub(crate) max_skew: Option<Spanned<i64>>,
    pub(crate) when_unsatisfiable: Option<Spanned<UnsatisfiableAction>>,
    pub(crate) min_domains: Option<Spanned<i64>>,
}

impl TopologySpread {
    pub(crate) fn when_unsatisfiable(&self) -> UnsatisfiableAction {
        self.when_unsatisfiable
            .as_ref()
            .map_or(UnsatisfiableAction::ScheduleAnyway, |w| w.value)
    }
}

#[derive(Clone, Debug)]
pub(crate) struct DnsConfig {
    pub(crate) key_span: Span,
    pub(crate) nameservers: Vec<Spanned<String>>,
    pub(crate) searches: Vec<Spanned<String>>,
    pub(crate) options: Vec<DnsOption>,
}

#[derive(Clone, Debug)]
pub(crate) struct DnsOption {
    pub(crate) name: Spanned<String>,
    pub(crate) value: Option<Spanned<String>>,
}

#[derive(Clone, Debug)]
pub(crate) struct HostAlias {
    pub(crate) ip: Spanned<String>,
    pub(crate) hostnames: Spanned<Vec<Spanned<String>>>,
}
