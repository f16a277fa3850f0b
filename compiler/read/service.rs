//! `[service]` or `[[services]]`: the Services that expose the step's pods.

use super::reader::Reader;
use super::table::Table;
use crate::model::{Endpoints, Service, ServicePort, ServiceSelector, Spanned};
use crate::syntax::{Node, NodeKind};

pub(super) fn read(r: &mut Reader<'_>, mut t: Table<'_>) -> Service {
    let key_span = t.head();
    let name = t.optional(r, "name", Reader::string);
    let kind = t.optional(r, "type", Reader::choice);
    // The API reads an empty cluster IP as "not set".
    let cluster_ip = t
        .optional(r, "cluster_ip", Reader::string)
        .filter(|ip| !ip.value.is_empty());
    let external_name = t.optional(r, "external_name", Reader::string);
    let selector = t.optional(r, "selector", selector);
    let endpoints = t.optional_table(r, "endpoints").and_then(|mut e| {
        let key_span = e.head();
        let addresses = e.required(r, "addresses", strings);
        e.finish(r);
        Some(Endpoints {
            key_span,
            addresses: addresses?,
        })
    });
    let (ports, ports_complete) = t.table_list_complete(r, "ports", read_port);
    let session_affinity = t.optional(r, "session_affinity", Reader::choice);
    let session_affinity_timeout = t.optional(r, "session_affinity_timeout", Reader::int);
    let external_traffic_policy = t.optional(r, "external_traffic_policy", Reader::choice);
    let internal_traffic_policy = t.optional(r, "internal_traffic_policy", Reader::choice);
    let traffic_distribution = t.optional(r, "traffic_distribution", Reader::choice);
    let external_ips = t.optional(r, "external_ips", strings).unwrap_or_default();
    let ip_families = t
        .optional(r, "ip_families", |r, n| {
            r.list(n, "a list of IP families", Reader::choice)
        })
        .map(|list| list.value)
        .unwrap_or_default();
    let ip_family_policy = t.optional(r, "ip_family_policy", Reader::choice);
    let load_balancer_class = t.optional(r, "load_balancer_class", Reader::string);
    let load_balancer_source_ranges = t
        .optional(r, "load_balancer_source_ranges", strings)
        .unwrap_or_default();
    let allocate_load_balancer_node_ports =
        t.optional(r, "allocate_load_balancer_node_ports", Reader::bool);
    let load_balancer_ip = t.optional(r, "load_balancer_ip", Reader::string);
    let annotations = t
        .optional(r, "annotations", Reader::string_map)
        .unwrap_or_default();
    let labels = t
        .optional(r, "labels", Reader::string_map)
        .unwrap_or_default();
    let health_check_node_port = t.optional(r, "health_check_node_port", Reader::int);
    t.finish(r);
    Service {
        key_span,
        name,
        kind,
        cluster_ip,
        external_name,
        selector,
        endpoints,
        ports,
        ports_complete,
        session_affinity,
        session_affinity_timeout,
        external_traffic_policy,
        internal_traffic_policy,
        traffic_distribution,
        external_ips,
        ip_families,
        ip_family_policy,
        load_balancer_class,
        load_balancer_source_ranges,
        allocate_load_balancer_node_ports,
        load_balancer_ip,
        annotations,
        labels,
        health_check_node_port,
    }
}

/// `true` (the step's own pods), `false` (none), or labels: `{ app = "reviews" }`.
fn selector(r: &mut Reader<'_>, node: &Node) -> Option<Spanned<ServiceSelector>> {
    match &node.kind {
        NodeKind::Map(_) => r
            .string_map(node)
            .map(|labels| Spanned::new(ServiceSelector::Labels(labels), node.span)),
        NodeKind::Bool(_) | NodeKind::Rendered(_) => r.bool(node).map(|own| {
            let selector = if own.value {
                ServiceSelector::Own
            } else {
                ServiceSelector::None
            };
            Spanned::new(selector, own.span)
        }),
        _ => {
            r.wrong_type(node, "`true`, `false` or a table of labels");
            None
        }
    }
}

fn read_port(r: &mut Reader<'_>, mut t: Table<'_>) -> Option<ServicePort> {
    let head = t.head();
    let name = t.optional(r, "name", Reader::string);
    let port = t.required(r, "port", Reader::int);
    let target_port = t.optional(r, "target_port", Reader::port_ref);
    let protocol = t.optional(r, "protocol", Reader::choice);
    let app_protocol = t.optional(r, "app_protocol", Reader::string);
    let node_port = t.optional(r, "node_port", Reader::int);
    t.finish(r);
    Some(ServicePort {
        head,
        name,
        port: port?,
        target_port,
        protocol,
        app_protocol,
        node_port,
    })
}

fn strings(r: &mut Reader<'_>, node: &Node) -> Option<Vec<Spanned<String>>> {
    r.strings(node).map(|list| list.value)
}
