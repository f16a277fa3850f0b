//! Service ports: numbers and names (every port named when there are several), node ports,
//! protocols, and target ports resolved against the step's containers, which kubectl never
//! checks: a named target port that no container declares leaves the Service without
//! endpoints.

use std::collections::BTreeMap;

use super::ports::port_number;
use super::service::mismatch;
use super::{Cx, k8s};
use crate::diagnostic::{Code, Diagnostic};
use crate::diagnostic::{closest, one_of};
use crate::model::{
    Choice, Container, ContainerPort, PortRef, Protocol, Service, ServicePort, ServiceType,
    Spanned, Step,
};

pub(super) fn check(cx: &mut Cx<'_>) {
    for service in &cx.step.services {
        check_one(cx, service);
    }
}

fn check_one(cx: &mut Cx<'_>, service: &Service) {
    let kind = service.kind();
    if service.ports.is_empty()
        && service.ports_complete
        && kind != ServiceType::ExternalName
        && !service.is_headless()
    {
        cx.report(
            Diagnostic::error(Code::MissingField, "the Service has no ports")
                .label(service.key_span, "needs `ports`")
                .help(
                    "add `ports`: each with a `port`, and a `target_port` naming a container port",
                ),
        );
    }
    let several = service.ports.len() > 1;
    let mut declared = None;
    let mut names = BTreeMap::new();
    let mut numbers = BTreeMap::new();
    let mut node_ports = BTreeMap::new();
    for port in &service.ports {
        port_number(cx, &port.port);
        match &port.name {
            Some(name) if cx.syntax(name, "Service port name", &k8s::SERVICE_PORT_NAME) => {
                duplicate(
                    cx,
                    &mut names,
                    name.value.clone(),
                    name.span,
                    format!("two Service ports are named `{}`", name.value),
                );
            }
            Some(_) => {}
            None if several => cx.report(
                Diagnostic::error(
                    Code::UnnamedPort,
                    format!("Service port {} has no name", port.port.value),
                )
                .label(port.head, "unnamed port")
                .help(
                    "when a Service has several ports, each needs a unique `name`, such as `http`",
                ),
            ),
            None => {}
        }
        let protocol = port.protocol();
        let key = format!("{}/{}", port.port.value, protocol.as_str());
        duplicate(
            cx,
            &mut numbers,
            key.clone(),
            port.port.span,
            format!("the Service declares port {key} twice"),
        );
        if let Some(node_port) = &port.node_port {
            node(cx, kind, node_port, protocol, &mut node_ports);
        }
        // The API server no longer refuses this port (`ValidateService` dropped its
        // `KubeletPort` check); it stays a warning for clouds that open a load balancer's
        // ports on every node's firewall.
        if kind == ServiceType::LoadBalancer && port.port.value == 10250 {
            cx.report(
                Diagnostic::warning(
                    Code::ReservedPort,
                    "port 10250 on a LoadBalancer Service is the kubelet's port",
                )
                .label(port.port.span, "the kubelet's port")
                .help("use another Service port; the target port may still be 10250"),
            );
        }
        if let Some(app_protocol) = &port.app_protocol {
            cx.syntax(app_protocol, "application protocol", &k8s::QUALIFIED_NAME);
        }
        target(cx, service, port, &mut declared);
    }
    if kind == ServiceType::LoadBalancer
        && let Some(first) = service.ports.first()
        && let Some(other) = service
            .ports
            .iter()
            .find(|p| p.protocol() != first.protocol())
    {
        let span = other.protocol.as_ref().map_or(other.head, |p| p.span);
        cx.report(
            Diagnostic::warning(Code::MixedProtocols, "this LoadBalancer Service mixes protocols")
                .label(span, format!("{} here", other.protocol().as_str()))
                .label(first.head, format!("{} here", first.protocol().as_str()))
                .help("the API allows it (MixedProtocolLBService), but not every cloud load balancer does; check that yours supports it"),
        );
    }
}

/// Reports `key` when it was seen before in `seen`.
fn duplicate(
    cx: &mut Cx<'_>,
    seen: &mut BTreeMap<String, crate::source::Span>,
    key: String,
    span: crate::source::Span,
    message: String,
) {
    if let Some(first) = seen.insert(key, span) {
        cx.report(
            Diagnostic::error(Code::DuplicatePort, message)
                .label(span, "again here")
                .label(first, "first here")
                .help("each Service port needs its own name, port and node port"),
        );
    }
}

fn node(
    cx: &mut Cx<'_>,
    kind: ServiceType,
    node_port: &Spanned<i64>,
    protocol: Protocol,
    seen: &mut BTreeMap<String, crate::source::Span>,
) {
    if !matches!(kind, ServiceType::NodePort | ServiceType::LoadBalancer) {
        mismatch(
            cx,
            node_port.span,
            "node_port",
            kind,
            "a NodePort or LoadBalancer",
        );
        return;
    }
    if !node_port_range(cx, node_port) {
        return;
    }
    let key = format!("{}/{}", node_port.value, protocol.as_str());
    duplicate(
        cx,
        seen,
        key.clone(),
        node_port.span,
        format!("node port {key} is used twice"),
    );
}

/// A port number, warned about outside the default node port range. Returns whether it is
/// a port number at all.
pub(super) fn node_port_range(cx: &mut Cx<'_>, node_port: &Spanned<i64>) -> bool {
    if !port_number(cx, node_port) {
        return false;
    }
    if !(30000..=32767).contains(&node_port.value) {
        cx.report(
            Diagnostic::warning(Code::NodePortRange, format!("node port {} is outside 30000-32767", node_port.value))
                .label(node_port.span, "outside the default node port range")
                .help("clusters allocate node ports from 30000-32767 unless --service-node-port-range says otherwise; the API server rejects this port if the cluster uses the default range"),
        );
    }
    true
}

/// The ports of the step's app containers and sidecars, by name and by number, indexed once
/// per Service so that resolving its target ports costs no more per port as steps grow.
struct Declared<'s> {
    by_name: BTreeMap<&'s str, Vec<(&'s Container, &'s ContainerPort)>>,
    numbers: BTreeMap<i64, Vec<Protocol>>,
    /// Every port name, in declaration order (for suggestions).
    names: Vec<&'s str>,
}

impl<'s> Declared<'s> {
    fn new(step: &'s Step) -> Self {
        let mut declared = Declared {
            by_name: BTreeMap::new(),
            numbers: BTreeMap::new(),
            names: Vec::new(),
        };
        for container in step.containers.iter().filter(|c| c.serves()) {
            for port in &container.ports {
                if let Some(name) = &port.name {
                    declared
                        .by_name
                        .entry(name.as_str())
                        .or_default()
                        .push((container, port));
                    declared.names.push(name.as_str());
                }
                declared
                    .numbers
                    .entry(port.port.value)
                    .or_default()
                    .push(port.protocol());
            }
        }
        declared
    }
}

/// A target port names or numbers a port of the step's app containers and sidecars.
fn target<'s>(
    cx: &mut Cx<'s>,
    service: &Service,
    port: &ServicePort,
    declared: &mut Option<Declared<'s>>,
) {
    let span = port.target_port.as_ref().map_or(port.port.span, |t| t.span);
    let target = port.target();
    if let PortRef::Number(number) = target
        && port.target_port.is_some()
        && !port_number(cx, &Spanned::new(number, span))
    {
        return;
    }
    if let PortRef::Name(name) = &target {
        let name = Spanned::new(name.clone(), span);
        if !cx.syntax(&name, "target port name", &k8s::PORT_NAME) {
            return;
        }
        if !service.has_selector() {
            cx.report(
                Diagnostic::error(Code::UnknownTargetPort, format!("target port `{}` cannot be resolved without a selector", name.value))
                    .label(span, "a container port name")
                    .help("a Service without a selector has no pods to look the name up in; give the target port as a number"),
            );
            return;
        }
    }
    let step = cx.step;
    let containers_known =
        step.containers_complete && step.containers.iter().all(|c| c.ports_complete);
    if !service.has_selector() || !containers_known {
        return;
    }
    let protocol = port.protocol();
    let declared = declared.get_or_insert_with(|| Declared::new(step));
    match target {
        PortRef::Name(name) => {
            let named = declared
                .by_name
                .get(name.as_str())
                .map_or(&[][..], Vec::as_slice);
            if named.iter().any(|(_, p)| p.protocol() == protocol) {
                return;
            }
            let mut diagnostic = Diagnostic::error(
                Code::UnknownTargetPort,
                format!(
                    "no container declares a {} port named `{name}`",
                    protocol.as_str()
                ),
            )
            .label(span, "target port name");
            diagnostic = if let Some((container, found)) = named.first() {
                let found_span = found.name.as_ref().map_or(found.port.span, |n| n.span);
                diagnostic
                    .label(found_span, format!("{} port on {}", found.protocol().as_str(), container.describe()))
                    .help(format!("make the Service port {} or the container port {}; the protocols must match", found.protocol().as_str(), protocol.as_str()))
            } else if let Some(init) = step.containers.iter().find(|c| {
                c.is_init()
                    && c.ports
                        .iter()
                        .any(|p| p.name.as_ref().is_some_and(|n| n.value == name))
            }) {
                diagnostic.help(format!(
                    "only init {} declares `{name}`; init containers finish before the pod serves traffic, so name a port of an app container",
                    init.describe()
                ))
            } else {
                let names = &declared.names;
                match closest(&name, names) {
                    Some(hit) => diagnostic.suggest(hit),
                    None if names.is_empty() => diagnostic.help(
                        "name a port in a container's `ports`, or give the target port as a number",
                    ),
                    None => diagnostic
                        .help(format!("the containers' ports are named {}", one_of(names))),
                }
            };
            cx.report(diagnostic);
        }
        PortRef::Number(number) => {
            if declared
                .numbers
                .get(&number)
                .is_some_and(|protocols| protocols.contains(&protocol))
            {
                return;
            }
            cx.report(
                Diagnostic::warning(Code::UnexposedTargetPort, format!("no container declares port {number}/{}", protocol.as_str()))
                    .label(span, if port.target_port.is_some() { "target port" } else { "target port (the same as the Service port)" })
                    .help("set `target_port` to a port a container declares (by name or number), or declare this port in the container's `ports`"),
            );
        }
    }
}
