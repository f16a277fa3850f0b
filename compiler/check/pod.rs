//! `[pod]` outside scheduling: names of the service account, priority class, pull secrets
//! and readiness gates; the grace period; DNS policy and configuration; host aliases.

use super::{Cx, address, k8s};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::DnsPolicy;

/// The API's limits on a pod's DNS configuration.
const MAX_NAMESERVERS: usize = 3;
const MAX_SEARCHES: usize = 32;
const MAX_SEARCH_LENGTH: usize = 2048;

pub(super) fn check(cx: &mut Cx<'_>) {
    let pod = &cx.step.pod;
    if let Some(account) = &pod.service_account {
        cx.syntax(account, "service account name", &k8s::OBJECT_NAME);
    }
    if let Some(class) = &pod.priority_class {
        cx.syntax(class, "priority class name", &k8s::OBJECT_NAME);
    }
    for name in &pod.image_pull_secrets {
        cx.syntax(name, "Secret name", &k8s::OBJECT_NAME);
    }
    for gate in &pod.readiness_gates {
        cx.syntax(gate, "readiness gate condition type", &k8s::CONDITION_TYPE);
    }
    if let Some(grace) = &pod.termination_grace_period {
        cx.range(grace, "`termination_grace_period`", 0, i64::MAX);
    }
    dns(cx);
    for alias in &pod.host_aliases {
        if let Err(reason) = address::ip(&alias.ip.value) {
            cx.report(
                Diagnostic::error(
                    Code::InvalidAddress,
                    format!("invalid host alias address `{}`: {reason}", alias.ip.value),
                )
                .label(alias.ip.span, "not an IP address")
                .help("write an IPv4 or IPv6 address, e.g. `10.1.2.3`"),
            );
        }
        if alias.hostnames.value.is_empty() {
            cx.report(
                Diagnostic::error(Code::EmptyValue, "a host alias without host names")
                    .label(alias.hostnames.span, "no host names")
                    .help("list the names that resolve to the address"),
            );
        }
        for name in &alias.hostnames.value {
            cx.syntax(name, "host name", &k8s::OBJECT_NAME);
        }
    }
}

fn dns(cx: &mut Cx<'_>) {
    let pod = &cx.step.pod;
    let config = pod.dns_config.as_ref();
    if let Some(policy) = &pod.dns_policy
        && policy.value == DnsPolicy::None
        && config.is_none_or(|c| c.nameservers.is_empty())
    {
        cx.report(
            Diagnostic::error(
                Code::InvalidDnsConfig,
                "DNS policy `None` needs at least one name server",
            )
            .label(policy.span, "the pod gets no DNS settings from the cluster")
            .help("add `dns_config = { nameservers = [\"10.0.0.10\"] }`, or use another policy"),
        );
    }
    let Some(config) = config else { return };
    if config.nameservers.len() > MAX_NAMESERVERS {
        cx.report(
            Diagnostic::error(
                Code::InvalidDnsConfig,
                format!(
                    "{} name servers; the API allows at most {MAX_NAMESERVERS}",
                    config.nameservers.len()
                ),
            )
            .label(config.nameservers[MAX_NAMESERVERS].span, "one too many")
            .help("keep at most three name servers"),
        );
    }
    for server in &config.nameservers {
        if let Err(reason) = address::ip(&server.value) {
            cx.report(
                Diagnostic::error(
                    Code::InvalidDnsConfig,
                    format!("invalid name server `{}`: {reason}", server.value),
                )
                .label(server.span, "not an IP address")
                .help("name servers are IP addresses, e.g. `10.0.0.10`"),
            );
        }
    }
    if config.searches.len() > MAX_SEARCHES {
        cx.report(
            Diagnostic::error(
                Code::InvalidDnsConfig,
                format!(
                    "{} search domains; the API allows at most {MAX_SEARCHES}",
                    config.searches.len()
                ),
            )
            .label(config.searches[MAX_SEARCHES].span, "one too many")
            .help("keep at most 32 search domains"),
        );
    }
    let length: usize = config.searches.iter().map(|s| s.value.len() + 1).sum();
    if length > MAX_SEARCH_LENGTH {
        cx.report(
            Diagnostic::error(
                Code::InvalidDnsConfig,
                format!("the search domains are {length} characters together; the API allows {MAX_SEARCH_LENGTH}"),
            )
            .label(config.key_span, "too long")
            .help("use fewer or shorter search domains"),
        );
    }
    for search in &config.searches {
        cx.syntax(search, "search domain", &k8s::DNS_NAME);
    }
    for option in &config.options {
        if option.name.value.is_empty() {
            cx.report(
                Diagnostic::error(Code::EmptyValue, "a DNS option without a name")
                    .label(option.name.span, "empty")
                    .help("name the resolver option, e.g. `ndots`"),
            );
        }
    }
}
