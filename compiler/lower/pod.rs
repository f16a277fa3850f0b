//! The pod spec's own fields (everything but containers and volumes): identity and
//! security with kstep's defaults, scheduling, DNS, shutdown and pull secrets.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, LabelSelectorRequirement};

use super::{Lowering, int32, labels, non_empty, security, word};
use crate::model::{
    Choice, KeyValue, NodeAffinityTerm, Placement, PodAffinityTerm, Requirement, Selector, Spanned,
};

/// Fills the pod-level fields of `spec`.
pub(super) fn lower(cx: &Lowering<'_>, spec: &mut core::PodSpec) {
    let pod = &cx.step.pod;
    let text = |v: &Option<Spanned<String>>| v.as_ref().map(|v| v.value.clone());
    let flag = |v: &Option<Spanned<bool>>| v.as_ref().map(|v| v.value);
    spec.service_account_name = text(&pod.service_account);
    // The API token is mounted only when the step asks for it.
    spec.automount_service_account_token =
        Some(flag(&pod.automount_service_account_token).unwrap_or(false));
    spec.security_context = Some(security::pod(&pod.security, pod.security_profile()));
    spec.host_network = flag(&pod.host_network);
    spec.host_pid = flag(&pod.host_pid);
    spec.host_ipc = flag(&pod.host_ipc);
    spec.node_selector = map(&pod.node_selector);
    spec.affinity = affinity(cx);
    spec.tolerations = non_empty(
        pod.tolerations
            .iter()
            .map(|t| core::Toleration {
                key: text(&t.key),
                operator: word(&t.operator),
                value: text(&t.value),
                effect: word(&t.effect),
                toleration_seconds: t.seconds.as_ref().map(|s| s.value),
            })
            .collect(),
    );
    spec.topology_spread_constraints = non_empty(
        pod.topology_spread
            .iter()
            .map(|t| core::TopologySpreadConstraint {
                topology_key: t.topology_key.value.clone(),
                max_skew: t.max_skew.as_ref().map_or(1, |m| int32(m.value)),
                when_unsatisfiable: t.when_unsatisfiable().as_str().to_owned(),
                min_domains: t.min_domains.as_ref().map(|m| int32(m.value)),
                label_selector: Some(own_pods(cx)),
                ..core::TopologySpreadConstraint::default()
            })
            .collect(),
    );
    spec.priority_class_name = text(&pod.priority_class);
    spec.dns_policy = word(&pod.dns_policy);
    spec.dns_config = pod.dns_config.as_ref().map(|dns| core::PodDNSConfig {
        nameservers: non_empty(dns.nameservers.iter().map(|n| n.value.clone()).collect()),
        searches: non_empty(dns.searches.iter().map(|s| s.value.clone()).collect()),
        options: non_empty(
            dns.options
                .iter()
                .map(|o| core::PodDNSConfigOption {
                    name: Some(o.name.value.clone()),
                    value: text(&o.value),
                })
                .collect(),
        ),
    });
    spec.host_aliases = non_empty(
        pod.host_aliases
            .iter()
            .map(|a| core::HostAlias {
                ip: a.ip.value.clone(),
                hostnames: Some(a.hostnames.value.iter().map(|h| h.value.clone()).collect()),
            })
            .collect(),
    );
    spec.termination_grace_period_seconds = pod.termination_grace_period.as_ref().map(|t| t.value);
    spec.readiness_gates = non_empty(
        pod.readiness_gates
            .iter()
            .map(|g| core::PodReadinessGate {
                condition_type: g.value.clone(),
            })
            .collect(),
    );
    // The step's registry Secrets first, then those named; each once.
    let mut pull_secrets: Vec<String> = cx
        .step
        .secrets
        .iter()
        .filter(|s| s.is_pull_secret())
        .map(|s| cx.secret_name(&s.name.value))
        .collect();
    for name in &pod.image_pull_secrets {
        let name = cx.secret_name(&name.value);
        if !pull_secrets.contains(&name) {
            pull_secrets.push(name);
        }
    }
    spec.image_pull_secrets = non_empty(
        pull_secrets
            .into_iter()
            .map(|name| core::LocalObjectReference { name })
            .collect(),
    );
}

fn map(entries: &[KeyValue]) -> Option<BTreeMap<String, String>> {
    let map: BTreeMap<String, String> = entries
        .iter()
        .map(|e| (e.key.value.clone(), e.value.value.clone()))
        .collect();
    (!map.is_empty()).then_some(map)
}

/// The selector of this step's pods (under blue/green, of this deployment's).
fn own_pods(cx: &Lowering<'_>) -> LabelSelector {
    LabelSelector {
        match_labels: Some(labels::selector(cx.step, cx.plan)),
        ..LabelSelector::default()
    }
}

fn affinity(cx: &Lowering<'_>) -> Option<core::Affinity> {
    let pod = &cx.step.pod;
    let node = node_affinity(&pod.node_affinity);
    let affinity = pod_terms(cx, &pod.pod_affinity, &[]);
    // `spread` is a preference to keep this step's pods apart in each topology.
    let spread: Vec<core::WeightedPodAffinityTerm> = pod
        .spread
        .iter()
        .map(|s| core::WeightedPodAffinityTerm {
            weight: 100,
            pod_affinity_term: core::PodAffinityTerm {
                topology_key: s.value.topology_key().to_owned(),
                label_selector: Some(own_pods(cx)),
                ..core::PodAffinityTerm::default()
            },
        })
        .collect();
    let anti = pod_terms(cx, &pod.pod_anti_affinity, &spread);
    let affinity = core::Affinity {
        node_affinity: node,
        pod_affinity: affinity.map(|(required, preferred)| core::PodAffinity {
            required_during_scheduling_ignored_during_execution: required,
            preferred_during_scheduling_ignored_during_execution: preferred,
        }),
        pod_anti_affinity: anti.map(|(required, preferred)| core::PodAntiAffinity {
            required_during_scheduling_ignored_during_execution: required,
            preferred_during_scheduling_ignored_during_execution: preferred,
        }),
    };
    (affinity != core::Affinity::default()).then_some(affinity)
}

fn node_affinity(terms: &[NodeAffinityTerm]) -> Option<core::NodeAffinity> {
    let mut required = Vec::new();
    let mut preferred = Vec::new();
    for term in terms {
        let selector = core::NodeSelectorTerm {
            match_expressions: non_empty(term.requirements.iter().map(node_requirement).collect()),
            ..core::NodeSelectorTerm::default()
        };
        match &term.placement {
            Placement::Required => required.push(selector),
            Placement::Preferred(weight) => preferred.push(core::PreferredSchedulingTerm {
                weight: int32(weight.value),
                preference: selector,
            }),
        }
    }
    if required.is_empty() && preferred.is_empty() {
        return None;
    }
    Some(core::NodeAffinity {
        required_during_scheduling_ignored_during_execution: (!required.is_empty()).then_some(
            core::NodeSelector {
                node_selector_terms: required,
            },
        ),
        preferred_during_scheduling_ignored_during_execution: non_empty(preferred),
    })
}

type PodTerms = (
    Option<Vec<core::PodAffinityTerm>>,
    Option<Vec<core::WeightedPodAffinityTerm>>,
);

fn pod_terms(
    cx: &Lowering<'_>,
    terms: &[PodAffinityTerm],
    extra_preferred: &[core::WeightedPodAffinityTerm],
) -> Option<PodTerms> {
    let mut required = Vec::new();
    let mut preferred = extra_preferred.to_vec();
    for term in terms {
        let lowered = core::PodAffinityTerm {
            topology_key: term.topology_key.value.clone(),
            label_selector: Some(if term.selector.is_empty() {
                own_pods(cx)
            } else {
                selector(&term.selector)
            }),
            namespaces: non_empty(term.namespaces.iter().map(|n| n.value.clone()).collect()),
            ..core::PodAffinityTerm::default()
        };
        match &term.placement {
            Placement::Required => required.push(lowered),
            Placement::Preferred(weight) => preferred.push(core::WeightedPodAffinityTerm {
                weight: int32(weight.value),
                pod_affinity_term: lowered,
            }),
        }
    }
    if required.is_empty() && preferred.is_empty() {
        return None;
    }
    Some((non_empty(required), non_empty(preferred)))
}

fn selector(selector: &Selector) -> LabelSelector {
    LabelSelector {
        match_labels: map(&selector.labels),
        match_expressions: non_empty(
            selector
                .requirements
                .iter()
                .map(|r| LabelSelectorRequirement {
                    key: r.key.value.clone(),
                    operator: r.operator.value.clone(),
                    values: values(r),
                })
                .collect(),
        ),
    }
}

fn node_requirement(requirement: &Requirement) -> core::NodeSelectorRequirement {
    core::NodeSelectorRequirement {
        key: requirement.key.value.clone(),
        operator: requirement.operator.value.clone(),
        values: values(requirement),
    }
}

fn values(requirement: &Requirement) -> Option<Vec<String>> {
    requirement
        .values
        .as_ref()
        .and_then(|v| non_empty(v.value.iter().map(|s| s.value.clone()).collect()))
}
