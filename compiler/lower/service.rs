//! The Service, and the EndpointSlice of a Service without a selector.

use k8s_openapi::api::core::v1 as core;
use k8s_openapi::api::discovery::v1 as discovery;

use super::probe::port;
use super::{Lowering, int32, labels, non_empty, word};
use crate::model::{Choice, PortRef, Service, ServiceSelector, Spanned};

pub(super) fn lower(cx: &Lowering<'_>, service: &Service) -> core::Service {
    let step = cx.step;
    let strings =
        |values: &[Spanned<String>]| non_empty(values.iter().map(|v| v.value.clone()).collect());
    core::Service {
        metadata: cx.metadata(
            step.service_name(service).to_owned(),
            &service.labels,
            &service.annotations,
        ),
        spec: Some(core::ServiceSpec {
            type_: Some(service.kind().as_str().to_owned()),
            cluster_ip: service.cluster_ip.as_ref().map(|ip| ip.value.clone()),
            external_name: service.external_name.as_ref().map(|n| n.value.clone()),
            selector: service.has_selector().then(|| match &service.selector {
                Some(Spanned {
                    value: ServiceSelector::Labels(selector),
                    ..
                }) => selector
                    .iter()
                    .map(|l| (l.key.value.clone(), l.value.value.clone()))
                    .collect(),
                _ => labels::selector(step, cx.plan),
            }),
            ports: non_empty(service.ports.iter().map(service_port).collect()),
            session_affinity: word(&service.session_affinity),
            session_affinity_config: service.session_affinity_timeout.as_ref().map(|t| {
                core::SessionAffinityConfig {
                    client_ip: Some(core::ClientIPConfig {
                        timeout_seconds: Some(int32(t.value)),
                    }),
                }
            }),
            external_traffic_policy: word(&service.external_traffic_policy),
            internal_traffic_policy: word(&service.internal_traffic_policy),
            traffic_distribution: word(&service.traffic_distribution),
            external_ips: strings(&service.external_ips),
            ip_families: non_empty(
                service
                    .ip_families
                    .iter()
                    .map(|f| f.value.as_str().to_owned())
                    .collect(),
            ),
            ip_family_policy: word(&service.ip_family_policy),
            load_balancer_class: service
                .load_balancer_class
                .as_ref()
                .map(|c| c.value.clone()),
            load_balancer_source_ranges: strings(&service.load_balancer_source_ranges),
            allocate_load_balancer_node_ports: service
                .allocate_load_balancer_node_ports
                .as_ref()
                .map(|a| a.value),
            load_balancer_ip: service.load_balancer_ip.as_ref().map(|ip| ip.value.clone()),
            health_check_node_port: service
                .health_check_node_port
                .as_ref()
                .map(|p| int32(p.value)),
            ..core::ServiceSpec::default()
        }),
        status: None,
    }
}

/// The blue/green preview Service: the main Service's ports, on the pods of this deployment,
/// reachable only inside the cluster (a ClusterIP: a second load balancer would expose the
/// untested version and cost money), without the main Service's annotations.
pub(super) fn preview(cx: &Lowering<'_>, name: String, main: &core::Service) -> core::Service {
    let ports = main
        .spec
        .as_ref()
        .and_then(|s| s.ports.clone())
        .map(|ports| {
            ports
                .into_iter()
                .map(|p| core::ServicePort {
                    node_port: None,
                    ..p
                })
                .collect()
        });
    core::Service {
        metadata: cx.metadata(name, &[], &[]),
        spec: Some(core::ServiceSpec {
            type_: Some("ClusterIP".to_owned()),
            selector: Some(labels::selector(cx.step, cx.plan)),
            ports,
            ..core::ServiceSpec::default()
        }),
        status: None,
    }
}

fn service_port(p: &crate::model::ServicePort) -> core::ServicePort {
    core::ServicePort {
        name: p.name.as_ref().map(|n| n.value.clone()),
        port: int32(p.port.value),
        target_port: Some(port(&p.target())),
        protocol: Some(p.protocol().as_str().to_owned()),
        app_protocol: p.app_protocol.as_ref().map(|a| a.value.clone()),
        node_port: p.node_port.as_ref().map(|n| int32(n.value)),
    }
}

/// The EndpointSlice that gives a Service without a selector its backends
/// (kubernetes.io/docs/concepts/services-networking/service/#services-without-selectors).
pub(super) fn endpoint_slice(
    cx: &Lowering<'_>,
    service: &Service,
) -> Option<discovery::EndpointSlice> {
    let step = cx.step;
    let endpoints = service.endpoints.as_ref()?;
    let service_name = step.service_name(service).to_owned();
    let ipv6 = endpoints
        .addresses
        .first()
        .is_some_and(|a| a.value.contains(':'));
    let mut metadata = cx.metadata(format!("{service_name}-1"), &[], &[]);
    let slice_labels = metadata.labels.get_or_insert_default();
    slice_labels.insert("kubernetes.io/service-name".into(), service_name.clone());
    // Not "endpointslice-controller.k8s.io": the control plane must leave this slice alone.
    slice_labels.insert(
        "endpointslice.kubernetes.io/managed-by".into(),
        "kstep.dev".into(),
    );
    Some(discovery::EndpointSlice {
        metadata,
        address_type: if ipv6 { "IPv6" } else { "IPv4" }.to_owned(),
        endpoints: endpoints
            .addresses
            .iter()
            .map(|a| discovery::Endpoint {
                addresses: vec![a.value.clone()],
                ..discovery::Endpoint::default()
            })
            .collect(),
        ports: non_empty(
            service
                .ports
                .iter()
                .map(|p| discovery::EndpointPort {
                    name: p.name.as_ref().map(|n| n.value.clone()),
                    port: match p.target() {
                        PortRef::Number(n) => Some(int32(n)),
                        PortRef::Name(_) => None,
                    },
                    protocol: Some(p.protocol().as_str().to_owned()),
                    app_protocol: p.app_protocol.as_ref().map(|a| a.value.clone()),
                })
                .collect(),
        ),
    })
}
