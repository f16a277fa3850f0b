//! Services and Ingresses to `[[services]]` and `[[ingresses]]`: the inverse of
//! `lower::service` and `lower::ingress`. A Service keeps its selector as a label table, so
//! it selects what it selected before (and the pods of the step, which carry those labels).

use serde_json::Value;

use super::doc::{Item, Table};
use super::pod::map_table;
use super::source::Source;
use super::workload::own_labels;

pub(crate) fn service(src: &mut Source<'_>) -> Table {
    let mut t = Table::default();
    t.set("name", src.manifest.name.clone());
    if let Some(kind) = src.non_default("/spec/type") {
        t.set("type", Item::from(kind));
    }
    if let Some(ip) = src.str("/spec/clusterIP") {
        t.set("cluster_ip", ip);
    }
    if let Some(name) = src.str("/spec/externalName") {
        t.set("external_name", name);
    }
    match src.string_map("/spec/selector") {
        Some(selector)
            if !selector.is_empty()
                && !selector.iter().all(|(k, _)| k.starts_with("kstep.dev/")) =>
        {
            t.set("selector", map_table(selector));
        }
        Some(selector) if selector.is_empty() => t.set("selector", false),
        Some(_) => {}
        None => t.set("selector", false),
    }
    let mut ports = Vec::new();
    for i in 0..src.len("/spec/ports") {
        let p = format!("/spec/ports/{i}");
        let mut port = Table::default();
        if let Some(name) = src.str(&format!("{p}/name")) {
            port.set("name", name);
        }
        if let Some(number) = src.int(&format!("{p}/port")) {
            port.set("port", number);
        }
        let target = format!("{p}/targetPort");
        if src.is_default(&target) {
            src.carry(&target);
        } else if let Some(target) = src.int_or_string(&target) {
            port.set("target_port", target);
        }
        if let Some(protocol) = src.non_default(&format!("{p}/protocol")) {
            port.set("protocol", Item::from(protocol));
        }
        if let Some(app) = src.str(&format!("{p}/appProtocol")) {
            port.set("app_protocol", app);
        }
        if let Some(node) = src.int(&format!("{p}/nodePort")) {
            port.set("node_port", node);
        }
        ports.push(Item::Table(port));
    }
    t.set_some("ports", ports);
    for (api, key) in [
        ("sessionAffinity", "session_affinity"),
        ("externalTrafficPolicy", "external_traffic_policy"),
        ("internalTrafficPolicy", "internal_traffic_policy"),
    ] {
        if let Some(value) = src.non_default(&format!("/spec/{api}")) {
            t.set(key, Item::from(value));
        }
    }
    if let Some(seconds) = src.int("/spec/sessionAffinityConfig/clientIP/timeoutSeconds") {
        t.set("session_affinity_timeout", seconds);
    }
    if let Some(value) = src.str("/spec/trafficDistribution") {
        t.set("traffic_distribution", value);
    }
    for (api, key) in [
        ("externalIPs", "external_ips"),
        ("ipFamilies", "ip_families"),
        ("loadBalancerSourceRanges", "load_balancer_source_ranges"),
    ] {
        if let Some(list) = src.strings(&format!("/spec/{api}")) {
            t.set_some(key, super::container::strings(list));
        }
    }
    // The API fills in a single-stack policy on every Service it stores.
    if src.peek("/spec/ipFamilyPolicy").and_then(Value::as_str) == Some("SingleStack")
        && src.peek("/spec/ipFamilies").is_none()
    {
        src.carry("/spec/ipFamilyPolicy");
    } else if let Some(policy) = src.str("/spec/ipFamilyPolicy") {
        t.set("ip_family_policy", policy);
    }
    if let Some(class) = src.str("/spec/loadBalancerClass") {
        t.set("load_balancer_class", class);
    }
    if let Some(b) = src.non_default("/spec/allocateLoadBalancerNodePorts") {
        t.set("allocate_load_balancer_node_ports", Item::from(b));
    }
    if let Some(ip) = src.str("/spec/loadBalancerIP") {
        t.set("load_balancer_ip", ip);
    }
    if let Some(port) = src.int("/spec/healthCheckNodePort") {
        t.set("health_check_node_port", port);
    }
    t.set_some("labels", map_table(own_labels(src, "/metadata/labels")));
    if let Some(annotations) = src.annotations("/metadata/annotations") {
        t.set_some("annotations", map_table(annotations));
    }
    t
}

/// The name of the one Service every backend of an Ingress names, if there is one.
pub(crate) fn ingress_service(ingress: &Value) -> Option<String> {
    let mut names = Vec::new();
    if let Some(name) = ingress.pointer("/spec/defaultBackend/service/name") {
        names.push(name.as_str()?.to_owned());
    }
    for rule in ingress
        .pointer("/spec/rules")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for path in rule
            .pointer("/http/paths")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            names.push(path.pointer("/backend/service/name")?.as_str()?.to_owned());
        }
    }
    names.dedup();
    match names.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

/// An Ingress whose every backend is a port of the Service `service`.
pub(crate) fn ingress(src: &mut Source<'_>, service: &str) -> Table {
    let mut t = Table::default();
    t.set("name", src.manifest.name.clone());
    t.set("service", service.to_owned());
    if let Some(class) = src.str("/spec/ingressClassName") {
        t.set("class", class);
    }
    if let Some(port) = backend_port(src, "/spec/defaultBackend") {
        let mut backend = Table::default();
        backend.set("port", port);
        t.set("default_backend", backend);
    }
    let mut rules = Vec::new();
    for i in 0..src.len("/spec/rules") {
        let r = format!("/spec/rules/{i}");
        let mut rule = Table::default();
        if let Some(host) = src.str(&format!("{r}/host")) {
            rule.set("host", host);
        }
        let mut paths = Vec::new();
        for j in 0..src.len(&format!("{r}/http/paths")) {
            let p = format!("{r}/http/paths/{j}");
            let mut path = Table::default();
            if let Some(text) = src.str(&format!("{p}/path")) {
                path.set("path", text);
            }
            match src.peek(&format!("{p}/pathType")).and_then(Value::as_str) {
                Some("Prefix") => src.carry(&format!("{p}/pathType")),
                Some(kind) => {
                    let kind = kind.to_owned();
                    src.carry(&format!("{p}/pathType"));
                    path.set("type", kind);
                }
                None => {}
            }
            if let Some(port) = backend_port(src, &format!("{p}/backend")) {
                path.set("port", port);
            }
            paths.push(Item::Table(path));
        }
        rule.set("paths", paths);
        rules.push(Item::Table(rule));
    }
    t.set_some("rules", rules);
    let mut tls = Vec::new();
    for i in 0..src.len("/spec/tls") {
        let p = format!("/spec/tls/{i}");
        let mut entry = Table::default();
        if let Some(hosts) = src.strings(&format!("{p}/hosts")) {
            entry.set_some("hosts", super::container::strings(hosts));
        }
        if let Some(secret) = src.str(&format!("{p}/secretName")) {
            entry.set("secret", secret);
        }
        tls.push(Item::Table(entry));
    }
    t.set_some("tls", tls);
    t.set_some("labels", map_table(own_labels(src, "/metadata/labels")));
    if let Some(annotations) = src.annotations("/metadata/annotations") {
        t.set_some("annotations", map_table(annotations));
    }
    t
}

fn backend_port(src: &mut Source<'_>, at: &str) -> Option<Item> {
    src.peek(&format!("{at}/service"))?;
    src.carry(&format!("{at}/service/name"));
    if let Some(name) = src.str(&format!("{at}/service/port/name")) {
        return Some(Item::Str(name));
    }
    src.int(&format!("{at}/service/port/number")).map(Item::Int)
}
