//! `[pod]`: the pod's identity, security, scheduling, DNS and shutdown.

use super::reader::Reader;
use super::step::string_list;
use super::table::Table;
use super::{scheduling, security};
use crate::model::{DnsConfig, DnsOption, HostAlias, Pod, Spanned, Spread};
use crate::syntax::{Node, NodeKind};

pub(super) fn read(r: &mut Reader<'_>, mut t: Table<'_>) -> Pod {
    let pod = Pod {
        labels: t
            .optional(r, "labels", Reader::string_map)
            .unwrap_or_default(),
        annotations: t
            .optional(r, "annotations", Reader::string_map)
            .unwrap_or_default(),
        security_profile: t.optional(r, "security_profile", Reader::choice),
        service_account: t.optional(r, "service_account", Reader::string),
        automount_service_account_token: t.optional(
            r,
            "automount_service_account_token",
            Reader::bool,
        ),
        security: t
            .optional_table(r, "security")
            .map(|t| security::pod(r, t))
            .unwrap_or_default(),
        host_network: t.optional(r, "host_network", Reader::bool),
        host_pid: t.optional(r, "host_pid", Reader::bool),
        host_ipc: t.optional(r, "host_ipc", Reader::bool),
        node_selector: t
            .optional(r, "node_selector", Reader::string_map)
            .unwrap_or_default(),
        node_affinity: t.table_list(r, "node_affinity", scheduling::node_term),
        pod_affinity: t.table_list(r, "pod_affinity", scheduling::pod_term),
        pod_anti_affinity: t.table_list(r, "pod_anti_affinity", scheduling::pod_term),
        spread: t.optional(r, "spread", spread).unwrap_or_default(),
        tolerations: t.table_list(r, "tolerations", scheduling::toleration),
        topology_spread: t.table_list(r, "topology_spread", scheduling::topology_spread),
        priority_class: t.optional(r, "priority_class", Reader::string),
        dns_policy: t.optional(r, "dns_policy", Reader::choice),
        dns_config: t.optional_table(r, "dns_config").map(|t| dns_config(r, t)),
        host_aliases: t.table_list(r, "host_aliases", host_alias),
        termination_grace_period: t.optional(r, "termination_grace_period", Reader::int),
        readiness_gates: t
            .optional(r, "readiness_gates", string_list)
            .unwrap_or_default(),
        image_pull_secrets: t
            .optional(r, "image_pull_secrets", string_list)
            .unwrap_or_default(),
    };
    t.finish(r);
    pod
}

/// `"nodes"`, `"zones"`, or a list of them.
fn spread(r: &mut Reader<'_>, node: &Node) -> Option<Vec<Spanned<Spread>>> {
    match &node.kind {
        NodeKind::Seq(_) => r
            .list(node, "a list of `nodes` and `zones`", Reader::choice)
            .map(|l| l.value),
        _ => r.choice(node).map(|one| vec![one]),
    }
}

fn dns_config(r: &mut Reader<'_>, mut t: Table<'_>) -> DnsConfig {
    let key_span = t.head();
    let nameservers = t
        .optional(r, "nameservers", string_list)
        .unwrap_or_default();
    let searches = t.optional(r, "searches", string_list).unwrap_or_default();
    let options = t.table_list(r, "options", |r, mut o| {
        let name = o.required(r, "name", Reader::string);
        let value = o.optional(r, "value", Reader::string);
        o.finish(r);
        Some(DnsOption { name: name?, value })
    });
    t.finish(r);
    DnsConfig {
        key_span,
        nameservers,
        searches,
        options,
    }
}

fn host_alias(r: &mut Reader<'_>, mut t: Table<'_>) -> Option<HostAlias> {
    let ip = t.required(r, "ip", Reader::string);
    let hostnames = t.required(r, "hostnames", Reader::strings);
    t.finish(r);
    Some(HostAlias {
        ip: ip?,
        hostnames: hostnames?,
    })
}
