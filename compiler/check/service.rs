//! The Service as a whole: its name, the fields each type allows (`ValidateService` in
//! pkg/apis/core/validation/validation.go), addresses,
//! traffic policies, session affinity and IP families.

use std::collections::BTreeSet;

use super::{Cx, address, k8s};
use crate::diagnostic::{Code, Diagnostic, quoted};
use crate::model::{
    Choice, IpFamilyPolicy, KeyValue, Service, ServiceSelector, ServiceType, SessionAffinity,
    Spanned, TrafficPolicy,
};
use crate::source::Span;

pub(super) fn check(cx: &mut Cx<'_>) {
    for service in &cx.step.services {
        check_one(cx, service);
    }
    unique_names(cx);
}

fn check_one(cx: &mut Cx<'_>, service: &Service) {
    name(cx, service);
    type_fields(cx, service);
    health_check_node_port(cx, service);
    addresses(cx, service);
    session_affinity(cx, service);
    ip_families(cx, service);
    if let Some(class) = &service.load_balancer_class {
        cx.syntax(class, "load balancer class", &k8s::QUALIFIED_NAME);
    }
    super::labels::annotations(cx, &service.annotations);
    super::labels::labels(cx, &service.labels);
    if let Some(Spanned {
        value: ServiceSelector::Labels(selector),
        span,
    }) = &service.selector
    {
        shared_selector(cx, selector, *span);
    }
}

/// Two Services of a step may not share a name.
fn unique_names(cx: &mut Cx<'_>) {
    let step = cx.step;
    let names = step.services.iter().map(|service| {
        let span = service.name.as_ref().map_or(service.key_span, |n| n.span);
        (step.service_name(service), span)
    });
    super::names::unique(cx, names, ("Service", "Services"));
}

/// Labels a shared Service selects by: at least one, each valid.
fn shared_selector(cx: &mut Cx<'_>, selector: &[KeyValue], span: Span) {
    if selector.is_empty() {
        cx.report(
            Diagnostic::error(Code::EmptyValue, "the Service selects by no labels")
                .label(span, "empty selector")
                .help("name the labels the pods share, e.g. `selector = { app = \"reviews\" }`; `selector = false` makes a Service without a selector"),
        );
    }
    for label in selector {
        cx.syntax(&label.key, "label key", &k8s::LABEL_KEY);
        cx.syntax(&label.value, "label value", &k8s::LABEL_VALUE);
    }
}

/// The Service name is an RFC 1035 label; by default it is the deployment name.
fn name(cx: &mut Cx<'_>, service: &Service) {
    if let Some(name) = &service.name {
        cx.syntax(name, "Service name", &k8s::SERVICE_NAME);
        return;
    }
    let Some(deployment) = &cx.step.deployment.name else {
        return;
    };
    // An invalid deployment name is reported as such; say nothing more about it here.
    if crate::check::names::label_safe_name(&deployment.value).is_err() {
        return;
    }
    if let Err(reason) = k8s::dns1035_label(&deployment.value) {
        cx.report(
            Diagnostic::error(
                Code::InvalidName,
                format!(
                    "the deployment name `{}` is not a valid Service name: {reason}",
                    deployment.value
                ),
            )
            .label(deployment.span, "also used as the Service name")
            .label(service.key_span, "this Service has no `name`")
            .help("give the Service its own `name`, starting with a letter"),
        );
    }
}

/// `healthCheckNodePort` is for a LoadBalancer whose external traffic stays on the node
/// (`Local`), where kube-proxy answers the load balancer's health checks on that port
/// (`validateServiceExternalTrafficPolicy` in pkg/apis/core/validation).
fn health_check_node_port(cx: &mut Cx<'_>, service: &Service) {
    let Some(port) = &service.health_check_node_port else {
        return;
    };
    let kind = service.kind();
    if kind != ServiceType::LoadBalancer {
        mismatch(
            cx,
            port.span,
            "health_check_node_port",
            kind,
            "a LoadBalancer",
        );
        return;
    }
    let local = service
        .external_traffic_policy
        .as_ref()
        .filter(|p| p.value == TrafficPolicy::Local);
    if local.is_none() {
        let mut diagnostic = Diagnostic::error(
            Code::ConflictingFields,
            "`health_check_node_port` needs `external_traffic_policy = \"Local\"`",
        )
        .label(port.span, "health checks of nodes without local pods");
        if let Some(policy) = &service.external_traffic_policy {
            diagnostic = diagnostic.label(policy.span, "traffic may go to any node");
        }
        cx.report(diagnostic.help("set `external_traffic_policy = \"Local\"`, or remove `health_check_node_port`: with `Cluster` every node serves, and there is nothing to check"));
        return;
    }
    super::service_ports::node_port_range(cx, port);
}

/// Reports a field the Service's type does not allow.
pub(super) fn mismatch(cx: &mut Cx<'_>, span: Span, field: &str, kind: ServiceType, allowed: &str) {
    cx.report(
        Diagnostic::error(
            Code::ServiceTypeMismatch,
            format!("`{field}` does not apply to {} Service", article(kind)),
        )
        .label(span, format!("only for {allowed}"))
        .help(format!("remove `{field}`, or make the Service {allowed}")),
    );
}

/// "a NodePort", "an ExternalName".
fn article(kind: ServiceType) -> String {
    let word = kind.as_str();
    let an = word.starts_with(['A', 'E', 'I', 'O', 'U']);
    format!("{} {word}", if an { "an" } else { "a" })
}

fn type_fields(cx: &mut Cx<'_>, service: &Service) {
    let kind = service.kind();
    let type_span = service.kind.as_ref().map_or(service.key_span, |k| k.span);
    let is_lb = kind == ServiceType::LoadBalancer;
    let lb_only: [(&str, Option<Span>); 4] = [
        (
            "load_balancer_class",
            service.load_balancer_class.as_ref().map(|v| v.span),
        ),
        (
            "load_balancer_source_ranges",
            service.load_balancer_source_ranges.first().map(|v| v.span),
        ),
        (
            "allocate_load_balancer_node_ports",
            service
                .allocate_load_balancer_node_ports
                .as_ref()
                .map(|v| v.span),
        ),
        (
            "load_balancer_ip",
            service.load_balancer_ip.as_ref().map(|v| v.span),
        ),
    ];
    for (field, span) in lb_only {
        if let Some(span) = span
            && !is_lb
        {
            mismatch(cx, span, field, kind, "a LoadBalancer");
        }
    }
    if let Some(ip) = &service.load_balancer_ip
        && is_lb
    {
        cx.report(
            Diagnostic::warning(Code::DeprecatedField, "`load_balancer_ip` is deprecated in the Kubernetes API")
                .label(ip.span, "deprecated since Kubernetes 1.24")
                .help("prefer your cloud's annotation for a fixed load balancer address; kstep still emits `loadBalancerIP`, which some clouds ignore"),
        );
    }
    if let Some(ip) = &service.cluster_ip
        && ip.value == "None"
        && matches!(kind, ServiceType::NodePort | ServiceType::LoadBalancer)
    {
        cx.report(
            Diagnostic::error(
                Code::ServiceTypeMismatch,
                format!("{} Service cannot be headless", article(kind)),
            )
            .label(ip.span, "headless: no cluster IP")
            .label(type_span, "needs a cluster IP to route node ports to")
            .help("remove `cluster_ip`, or use a ClusterIP Service"),
        );
    }
    let externally_reachable = matches!(kind, ServiceType::NodePort | ServiceType::LoadBalancer)
        || (kind == ServiceType::ClusterIp && !service.external_ips.is_empty());
    if let Some(policy) = &service.external_traffic_policy
        && !externally_reachable
    {
        mismatch(
            cx,
            policy.span,
            "external_traffic_policy",
            kind,
            "a NodePort or LoadBalancer (or one with `external_ips`)",
        );
    }
    if kind == ServiceType::ExternalName {
        external_name(cx, service, type_span);
    } else if let Some(name) = &service.external_name {
        mismatch(cx, name.span, "external_name", kind, "an ExternalName");
    }
    if let (Some(selector), Some(endpoints)) = (&service.selector, &service.endpoints)
        && !matches!(selector.value, ServiceSelector::None)
    {
        cx.report(
            Diagnostic::error(
                Code::ConflictingFields,
                "a Service with `endpoints` has no selector",
            )
            .label(selector.span, "asks for a selector")
            .label(endpoints.key_span, "endpoints replace the selector")
            .help("remove `selector`; `endpoints` makes a Service without a selector"),
        );
    }
}

/// ExternalName: a DNS name is required; cluster IP, ports, selector and endpoints are not
/// allowed, nor settings for proxied traffic.
fn external_name(cx: &mut Cx<'_>, service: &Service, type_span: Span) {
    let kind = ServiceType::ExternalName;
    match &service.external_name {
        Some(name) => {
            cx.syntax(name, "external name", &k8s::DNS_NAME);
        }
        None => cx.report(
            Diagnostic::error(
                Code::MissingField,
                "an ExternalName Service needs `external_name`",
            )
            .label(type_span, "ExternalName")
            .help("add `external_name`: the DNS name it stands for, e.g. `db.example.com`"),
        ),
    }
    let forbidden: [(&str, Option<Span>); 10] = [
        ("cluster_ip", service.cluster_ip.as_ref().map(|v| v.span)),
        ("ports", service.ports.first().map(|p| p.head)),
        (
            "selector",
            service
                .selector
                .as_ref()
                .filter(|s| !matches!(s.value, ServiceSelector::None))
                .map(|s| s.span),
        ),
        ("endpoints", service.endpoints.as_ref().map(|e| e.key_span)),
        (
            "session_affinity",
            service.session_affinity.as_ref().map(|v| v.span),
        ),
        (
            "internal_traffic_policy",
            service.internal_traffic_policy.as_ref().map(|v| v.span),
        ),
        (
            "traffic_distribution",
            service.traffic_distribution.as_ref().map(|v| v.span),
        ),
        ("ip_families", service.ip_families.first().map(|v| v.span)),
        (
            "ip_family_policy",
            service.ip_family_policy.as_ref().map(|v| v.span),
        ),
        ("external_ips", service.external_ips.first().map(|v| v.span)),
    ];
    for (field, span) in forbidden {
        if let Some(span) = span {
            mismatch(
                cx,
                span,
                field,
                kind,
                "a ClusterIP, NodePort or LoadBalancer",
            );
        }
    }
}

fn addresses(cx: &mut Cx<'_>, service: &Service) {
    if let Some(ip) = service.cluster_ip.as_ref().filter(|ip| ip.value != "None") {
        check_ip(cx, ip, "cluster IP");
    }
    for ip in &service.external_ips {
        external_ip(cx, ip);
    }
    if let Some(ip) = &service.load_balancer_ip {
        check_ip(cx, ip, "load balancer IP");
    }
    for range in &service.load_balancer_source_ranges {
        // `ValidateService` trims spaces around each range (kept for old objects, "a
        // historical accident"); kstep asks for the range as it is meant, like every address.
        if let Err(reason) = address::cidr(&range.value) {
            invalid_address(cx, range, "source range", &reason);
        }
    }
}

/// An external IP is an address, and not one that `ValidateNonSpecialIP` refuses: the same
/// rule as for endpoint addresses.
fn external_ip(cx: &mut Cx<'_>, ip: &Spanned<String>) {
    let parsed = match address::ip(&ip.value) {
        Ok(parsed) => parsed,
        Err(reason) => return invalid_address(cx, ip, "external IP", &reason),
    };
    if let Some(problem) = address::endpoint_problem(&parsed) {
        cx.report(
            Diagnostic::error(Code::InvalidAddress, format!("`{}` cannot be an external IP", ip.value))
                .label(ip.span, format!("a {problem} address"))
                .help("external IPs are addresses that reach the cluster's nodes from outside; the API refuses loopback, link-local, link-local multicast and unspecified addresses"),
        );
    }
}

fn check_ip(cx: &mut Cx<'_>, ip: &Spanned<String>, what: &str) {
    if let Err(reason) = address::ip(&ip.value) {
        invalid_address(cx, ip, what, &reason);
    }
}

pub(super) fn invalid_address(cx: &mut Cx<'_>, value: &Spanned<String>, what: &str, reason: &str) {
    cx.report(
        Diagnostic::error(
            Code::InvalidAddress,
            format!("invalid {what} {}: {reason}", quoted(&value.value)),
        )
        .label(value.span, "not a valid address")
        .help(format!(
            "write the {what} without spaces, ports or leading zeros"
        )),
    );
}

fn session_affinity(cx: &mut Cx<'_>, service: &Service) {
    let Some(timeout) = &service.session_affinity_timeout else {
        return;
    };
    let client_ip = service
        .session_affinity
        .as_ref()
        .is_some_and(|a| a.value == SessionAffinity::ClientIp);
    if !client_ip {
        cx.report(
            Diagnostic::error(
                Code::ConflictingFields,
                "`session_affinity_timeout` needs `session_affinity = \"ClientIP\"`",
            )
            .label(timeout.span, "a timeout without ClientIP affinity")
            .help("set `session_affinity` to \"ClientIP\", or remove the timeout"),
        );
    }
    cx.range(timeout, "`session_affinity_timeout`", 1, 86_400);
}

fn ip_families(cx: &mut Cx<'_>, service: &Service) {
    let families = &service.ip_families;
    let mut seen = BTreeSet::new();
    for family in families {
        if !seen.insert(family.value) {
            cx.report(
                Diagnostic::error(
                    Code::IpFamilyMismatch,
                    format!("IP family {} is listed twice", family.value.as_str()),
                )
                .label(family.span, "listed again")
                .help("list each family once: [\"IPv4\"], [\"IPv6\"] or both"),
            );
        }
    }
    let policy = service.ip_family_policy.as_ref();
    if let Some(policy) = policy
        && policy.value == IpFamilyPolicy::SingleStack
        && seen.len() > 1
    {
        cx.report(
            Diagnostic::error(
                Code::IpFamilyMismatch,
                "a SingleStack Service has one IP family",
            )
            .label(policy.span, "SingleStack")
            .label(families[1].span, "a second family")
            .help("use PreferDualStack or RequireDualStack, or list one family"),
        );
    }
    // The cluster IP's family must be the first (primary) family.
    if let (Some(primary), Some(ip)) = (families.first(), service.cluster_ip.as_ref())
        && let Ok(address) = address::ip(&ip.value)
        && address::family(&address) != primary.value
    {
        cx.report(
            Diagnostic::error(
                Code::IpFamilyMismatch,
                format!(
                    "cluster IP `{}` is not {}",
                    ip.value,
                    primary.value.as_str()
                ),
            )
            .label(
                ip.span,
                format!("an {} address", address::family(&address).as_str()),
            )
            .label(primary.span, "the primary IP family")
            .help("list the cluster IP's family first in `ip_families`"),
        );
    }
}
