//! `patch-sets-modelled-field`: a patch that sets a field the step file has a key for. The
//! key is checked against the API's rules and kept consistent with everything else kstep
//! writes (selectors, names under blue/green, the config hash); a patch is not.

use super::Rules;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Patch, PatchBody};
use crate::source::Span;

/// `(kind, JSON pointer pattern, step file key)`. `*` stands for one list index; a pattern
/// also covers every field below it.
const MODELLED: &[(&str, &str, &str)] = &[
    (
        "Deployment",
        "/metadata/labels",
        "`labels` in `[deployment]`",
    ),
    (
        "Deployment",
        "/metadata/annotations",
        "`annotations` in `[deployment]`",
    ),
    (
        "Deployment",
        "/spec/replicas",
        "`replicas` in `[deployment]`",
    ),
    (
        "Deployment",
        "/spec/progressDeadlineSeconds",
        "`progress_deadline` in `[deployment]`",
    ),
    (
        "Deployment",
        "/spec/minReadySeconds",
        "`min_ready` in `[deployment]`",
    ),
    (
        "Deployment",
        "/spec/revisionHistoryLimit",
        "`revision_history_limit` in `[deployment]`",
    ),
    (
        "Deployment",
        "/spec/strategy",
        "`strategy` in `[step]` and `rolling` in `[deployment]`",
    ),
    (
        "Deployment",
        "/spec/template/metadata/labels",
        "`labels` in `[pod]`",
    ),
    (
        "Deployment",
        "/spec/template/metadata/annotations",
        "`annotations` in `[pod]`",
    ),
    (
        "Deployment",
        "/spec/template/spec/serviceAccountName",
        "`service_account` in `[pod]`",
    ),
    (
        "Deployment",
        "/spec/template/spec/automountServiceAccountToken",
        "`automount_service_account_token` in `[pod]`",
    ),
    (
        "Deployment",
        "/spec/template/spec/securityContext",
        "`security` in `[pod]`",
    ),
    (
        "Deployment",
        "/spec/template/spec/hostNetwork",
        "`host_network` in `[pod]`",
    ),
    (
        "Deployment",
        "/spec/template/spec/hostPID",
        "`host_pid` in `[pod]`",
    ),
    (
        "Deployment",
        "/spec/template/spec/hostIPC",
        "`host_ipc` in `[pod]`",
    ),
    (
        "Deployment",
        "/spec/template/spec/nodeSelector",
        "`node_selector` in `[pod]`",
    ),
    (
        "Deployment",
        "/spec/template/spec/affinity",
        "`node_affinity`, `pod_affinity`, `pod_anti_affinity` or `spread` in `[pod]`",
    ),
    (
        "Deployment",
        "/spec/template/spec/tolerations",
        "`tolerations` in `[pod]`",
    ),
    (
        "Deployment",
        "/spec/template/spec/topologySpreadConstraints",
        "`topology_spread` in `[pod]`",
    ),
    (
        "Deployment",
        "/spec/template/spec/priorityClassName",
        "`priority_class` in `[pod]`",
    ),
    (
        "Deployment",
        "/spec/template/spec/dnsPolicy",
        "`dns_policy` in `[pod]`",
    ),
    (
        "Deployment",
        "/spec/template/spec/dnsConfig",
        "`dns_config` in `[pod]`",
    ),
    (
        "Deployment",
        "/spec/template/spec/hostAliases",
        "`host_aliases` in `[pod]`",
    ),
    (
        "Deployment",
        "/spec/template/spec/terminationGracePeriodSeconds",
        "`termination_grace_period` in `[pod]`",
    ),
    (
        "Deployment",
        "/spec/template/spec/readinessGates",
        "`readiness_gates` in `[pod]`",
    ),
    (
        "Deployment",
        "/spec/template/spec/imagePullSecrets",
        "`image_pull_secrets` in `[pod]`",
    ),
    ("Deployment", "/spec/template/spec/volumes", "`[[volumes]]`"),
    (
        "Deployment",
        "/spec/template/spec/*containers/*/image",
        "a container's `image`",
    ),
    (
        "Deployment",
        "/spec/template/spec/*containers/*/ports",
        "a container's `ports`",
    ),
    (
        "Deployment",
        "/spec/template/spec/*containers/*/env",
        "a container's `env`",
    ),
    (
        "Deployment",
        "/spec/template/spec/*containers/*/envFrom",
        "a container's `env_from`",
    ),
    (
        "Deployment",
        "/spec/template/spec/*containers/*/resources",
        "a container's `resources`",
    ),
    (
        "Deployment",
        "/spec/template/spec/*containers/*/volumeMounts",
        "a container's `volume_mounts`",
    ),
    (
        "Deployment",
        "/spec/template/spec/*containers/*/livenessProbe",
        "a container's `liveness`",
    ),
    (
        "Deployment",
        "/spec/template/spec/*containers/*/readinessProbe",
        "a container's `readiness`",
    ),
    (
        "Deployment",
        "/spec/template/spec/*containers/*/startupProbe",
        "a container's `startup`",
    ),
    (
        "Deployment",
        "/spec/template/spec/*containers/*/command",
        "a container's `command`",
    ),
    (
        "Deployment",
        "/spec/template/spec/*containers/*/args",
        "a container's `args`",
    ),
    (
        "Deployment",
        "/spec/template/spec/*containers/*/imagePullPolicy",
        "a container's `pull_policy`",
    ),
    (
        "Deployment",
        "/spec/template/spec/*containers/*/workingDir",
        "a container's `working_dir`",
    ),
    (
        "Deployment",
        "/spec/template/spec/*containers/*/terminationMessagePolicy",
        "a container's `termination_message_policy`",
    ),
    (
        "Deployment",
        "/spec/template/spec/*containers/*/securityContext",
        "a container's `security`",
    ),
    (
        "Deployment",
        "/spec/template/spec/*containers/*/lifecycle",
        "a container's `lifecycle`",
    ),
    (
        "Deployment",
        "/spec/template/spec/*containers/*/restartPolicy",
        "a container's `sidecar`",
    ),
    ("Service", "/metadata/labels", "the Service's `labels`"),
    (
        "Service",
        "/metadata/annotations",
        "the Service's `annotations`",
    ),
    ("Service", "/spec/type", "the Service's `type`"),
    ("Service", "/spec/clusterIP", "the Service's `cluster_ip`"),
    (
        "Service",
        "/spec/externalName",
        "the Service's `external_name`",
    ),
    ("Service", "/spec/ports", "the Service's `ports`"),
    (
        "Service",
        "/spec/sessionAffinity",
        "the Service's `session_affinity`",
    ),
    (
        "Service",
        "/spec/sessionAffinityConfig",
        "the Service's `session_affinity_timeout`",
    ),
    (
        "Service",
        "/spec/externalTrafficPolicy",
        "the Service's `external_traffic_policy`",
    ),
    (
        "Service",
        "/spec/internalTrafficPolicy",
        "the Service's `internal_traffic_policy`",
    ),
    (
        "Service",
        "/spec/trafficDistribution",
        "the Service's `traffic_distribution`",
    ),
    (
        "Service",
        "/spec/externalIPs",
        "the Service's `external_ips`",
    ),
    ("Service", "/spec/ipFamilies", "the Service's `ip_families`"),
    (
        "Service",
        "/spec/ipFamilyPolicy",
        "the Service's `ip_family_policy`",
    ),
    (
        "Service",
        "/spec/loadBalancerClass",
        "the Service's `load_balancer_class`",
    ),
    (
        "Service",
        "/spec/loadBalancerSourceRanges",
        "the Service's `load_balancer_source_ranges`",
    ),
    (
        "Service",
        "/spec/allocateLoadBalancerNodePorts",
        "the Service's `allocate_load_balancer_node_ports`",
    ),
    (
        "Service",
        "/spec/loadBalancerIP",
        "the Service's `load_balancer_ip`",
    ),
    (
        "Service",
        "/spec/healthCheckNodePort",
        "the Service's `health_check_node_port`",
    ),
    ("Ingress", "/metadata/labels", "the Ingress's `labels`"),
    (
        "Ingress",
        "/metadata/annotations",
        "the Ingress's `annotations`",
    ),
    ("Ingress", "/spec/ingressClassName", "the Ingress's `class`"),
    (
        "Ingress",
        "/spec/defaultBackend",
        "the Ingress's `default_backend`",
    ),
    ("Ingress", "/spec/rules", "the Ingress's `rules`"),
    ("Ingress", "/spec/tls", "the Ingress's `tls`"),
    ("ConfigMap", "/data", "`data` in `[config_maps.<name>]`"),
    (
        "ConfigMap",
        "/binaryData",
        "`binary_data` in `[config_maps.<name>]`",
    ),
    ("Secret", "/data", "`data` in `[secrets.<name>]`"),
    ("Secret", "/stringData", "`data` in `[secrets.<name>]`"),
    ("Secret", "/type", "`type` in `[secrets.<name>]`"),
];

pub(super) fn check(rules: &mut Rules<'_>) {
    for patch in &rules.step.patches {
        for (span, key) in modelled(patch) {
            rules.report(
                Diagnostic::warning(
                    Code::PatchSetsModelledField,
                    format!("the patch sets what {key} says"),
                )
                .label(span, "has a key in the step file")
                .help(format!(
                    "use {key} instead: kstep checks it and keeps it consistent with the rest of the step"
                )),
            );
        }
    }
}

/// Where the patch sets a modelled field, and the field's key; one finding per field.
fn modelled(patch: &Patch) -> Vec<(Span, &'static str)> {
    let set: Vec<(&str, Span)> = match &patch.body {
        PatchBody::Merge(merge) => merge.keys.iter().map(|(p, s)| (p.as_str(), *s)).collect(),
        PatchBody::Json(ops) => ops
            .iter()
            .flat_map(|op| {
                let from = op.from.as_ref().map(|f| (f.value.as_str(), f.span));
                std::iter::once((op.path.value.as_str(), op.path.span)).chain(from)
            })
            .collect(),
    };
    let mut out: Vec<(Span, &'static str)> = Vec::new();
    for (kind, pattern, key) in MODELLED {
        if *kind != patch.kind.value {
            continue;
        }
        // The key that sets the field itself, else the first one below it.
        let hit = set
            .iter()
            .find(|(pointer, _)| matches(pattern, pointer) == Some(true))
            .or_else(|| {
                set.iter()
                    .find(|(pointer, _)| matches(pattern, pointer).is_some())
            });
        if let Some((_, span)) = hit
            && !out.iter().any(|(s, k)| s == span && k == key)
        {
            out.push((*span, key));
        }
    }
    out.sort_by_key(|(span, _)| span.start);
    out
}

/// `Some(true)` when `pointer` is the field `pattern` names, `Some(false)` when it is below
/// it, `None` otherwise. `*containers` matches `containers` and `initContainers`.
fn matches(pattern: &str, pointer: &str) -> Option<bool> {
    let mut pattern = pattern.split('/').skip(1);
    let mut pointer = pointer.split('/').skip(1);
    loop {
        match (pattern.next(), pointer.next()) {
            (None, None) => return Some(true),
            (None, Some(_)) => return Some(false),
            (Some(_), None) => return None,
            (Some("*"), Some(part)) if part.bytes().all(|b| b.is_ascii_digit()) || part == "-" => {}
            (Some("*containers"), Some("containers" | "initContainers")) => {}
            (Some(a), Some(b)) if a == b => {}
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn patterns() {
        let image = "/spec/template/spec/*containers/*/image";
        assert_eq!(
            matches(image, "/spec/template/spec/containers/0/image"),
            Some(true)
        );
        assert_eq!(
            matches(image, "/spec/template/spec/initContainers/1/image"),
            Some(true)
        );
        assert_eq!(
            matches(image, "/spec/template/spec/containers/0/stdin"),
            None
        );
        assert_eq!(
            matches("/spec/strategy", "/spec/strategy/type"),
            Some(false)
        );
        assert_eq!(matches("/spec/strategy", "/spec"), None);
    }
}
