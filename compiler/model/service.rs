//! The step's Services: how the workload is exposed. A step has any number of them (an
//! internal ClusterIP and a public LoadBalancer over the same pods, say), each selecting the
//! step's own pods unless it names its selector or has none.

use super::{
    IpFamily, IpFamilyPolicy, KeyValue, PortRef, Protocol, ServiceType, SessionAffinity, Spanned,
    TrafficDistribution, TrafficPolicy,
};
use crate::source::Span;

#[derive(Clone, Debug)]
pub(crate) struct Service {
    /// The `service` key, for messages about the Service as a whole.
    pub(crate) key_span: Span,
    /// Defaults to the deployment name.
    pub(crate) name: Option<Spanned<String>>,
    pub(crate) kind: Option<Spanned<ServiceType>>,
    /// A fixed cluster IP, or `None` for a headless Service.
    pub(crate) cluster_ip: Option<Spanned<String>>,
    /// The DNS name an ExternalName Service points at.
    pub(crate) external_name: Option<Spanned<String>>,
    /// Which pods it selects; `None` for the step's own.
    pub(crate) selector: Option<Spanned<ServiceSelector>>,
    /// Endpoint addresses of a Service without a selector: kstep emits the EndpointSlice.
    pub(crate) endpoints: Option<Endpoints>,
    pub(crate) ports: Vec<ServicePort>,
    pub(crate) ports_complete: bool,
    pub(crate) session_affinity: Option<Spanned<SessionAffinity>>,
    /// Seconds a ClientIP session sticks.
    pub(crate) session_affinity_timeout: Option<Spanned<i64>>,
    pub(crate) external_traffic_policy: Option<Spanned<TrafficPolicy>>,
    pub(crate) internal_traffic_policy: Option<Spanned<TrafficPolicy>>,
    pub(crate) traffic_distribution: Option<Spanned<TrafficDistribution>>,
    pub(crate) external_ips: Vec<Spanned<String>>,
    pub(crate) ip_families: Vec<Spanned<IpFamily>>,
    pub(crate) ip_family_policy: Option<Spanned<IpFamilyPolicy>>,
    pub(crate) load_balancer_class: Option<Spanned<String>>,
    pub(crate) load_balancer_source_ranges: Vec<Spanned<String>>,
    pub(crate) allocate_load_balancer_node_ports: Option<Spanned<bool>>,
    /// Deprecated in the API, still honoured by some clouds.
    pub(crate) load_balancer_ip: Option<Spanned<String>>,
    pub(crate) annotations: Vec<KeyValue>,
    /// Labels of the Service's own, besides the step's.
    pub(crate) labels: Vec<KeyValue>,
    /// The node port kube-proxy answers health checks on (LoadBalancer, `Local` policy).
    pub(crate) health_check_node_port: Option<Spanned<i64>>,
}

/// The pods a Service selects.
#[derive(Clone, Debug)]
pub(crate) enum ServiceSelector {
    /// `selector = true`: the step's own pods (also when `selector` is not given).
    Own,
    /// `selector = false`: none; the endpoints are managed elsewhere.
    None,
    /// `selector = { app = "reviews" }`: pods with these labels, of this step and others (a
    /// Service shared by several steps).
    Labels(Vec<KeyValue>),
}

impl Service {
    pub(crate) fn kind(&self) -> ServiceType {
        self.kind
            .as_ref()
            .map_or(ServiceType::ClusterIp, |k| k.value)
    }

    pub(crate) fn is_headless(&self) -> bool {
        self.cluster_ip
            .as_ref()
            .is_some_and(|ip| ip.value == "None")
    }

    /// Whether the Service selects the step's pods (not for ExternalName, not when disabled).
    pub(crate) fn has_selector(&self) -> bool {
        self.kind() != ServiceType::ExternalName
            && self.endpoints.is_none()
            && !matches!(
                self.selector.as_ref().map(|s| &s.value),
                Some(ServiceSelector::None)
            )
    }

    /// The labels the Service selects by, when the step names them.
    pub(crate) fn shared_selector(&self) -> Option<&Spanned<ServiceSelector>> {
        self.selector
            .as_ref()
            .filter(|s| matches!(s.value, ServiceSelector::Labels(_)))
    }
}

#[derive(Clone, Debug)]
pub(crate) struct ServicePort {
    /// The port's table, for messages about the port as a whole.
    pub(crate) head: Span,
    pub(crate) name: Option<Spanned<String>>,
    pub(crate) port: Spanned<i64>,
    /// Defaults to `port`.
    pub(crate) target_port: Option<Spanned<PortRef>>,
    pub(crate) protocol: Option<Spanned<Protocol>>,
    pub(crate) app_protocol: Option<Spanned<String>>,
    pub(crate) node_port: Option<Spanned<i64>>,
}

impl ServicePort {
    pub(crate) fn protocol(&self) -> Protocol {
        self.protocol.as_ref().map_or(Protocol::Tcp, |p| p.value)
    }

    /// The target port, defaulting to the Service port.
    pub(crate) fn target(&self) -> PortRef {
        self.target_port
            .as_ref()
            .map_or(PortRef::Number(self.port.value), |t| t.value.clone())
    }
}

/// Addresses behind a Service without a selector.
#[derive(Clone, Debug)]
pub(crate) struct Endpoints {
    pub(crate) key_span: Span,
    pub(crate) addresses: Vec<Spanned<String>>,
}
