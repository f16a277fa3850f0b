//! `patch-sets-modelled-field`: a patch that sets a field the step file has a key for. The
//! key is checked against the API's rules and kept consistent with everything else kstep
//! writes (selectors, names under blue/green, the config hash); a patch is not.
//!
//! Which fields have keys is what `kstep import` knows: the fields it would write as keys
//! when importing the patched object (`import::carried_by_keys`). `MODELLED` only names the
//! key for the message.

use super::Rules;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Patch, PatchBody, PatchOpKind};
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
    let step = rules.step;
    if step.patches.is_empty() {
        return;
    }
    // Each patch is judged on the object it leaves, before later patches change it again.
    let mut objects = crate::lower::unpatched(step, rules.plan);
    for patch in &step.patches {
        let Ok((index, patched)) = crate::lower::patch::apply(&objects, patch, rules.plan) else {
            continue;
        };
        objects[index] = patched;
        let Ok(json) = objects[index].to_json() else {
            continue;
        };
        let carried = crate::import::carried_by_keys(&patch.kind.value, &json, patch.head);
        for (span, key) in modelled(patch, &carried) {
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

/// Where the patch sets a field the step file has a key for (one of `carried`), and the key;
/// one finding per field. Removing a field is not reported: no key says "leave it out".
fn modelled(patch: &Patch, carried: &[String]) -> Vec<(Span, &'static str)> {
    let set: Vec<(&str, Span)> = match &patch.body {
        // The leaves of a merge patch: a key whose value is a table only leads to them.
        PatchBody::Merge(merge) => merge
            .keys
            .iter()
            .filter(|(p, _)| {
                !merge
                    .keys
                    .iter()
                    .any(|(q, _)| q.len() > p.len() && q.starts_with(&format!("{p}/")))
            })
            .map(|(p, s)| (p.as_str(), *s))
            .collect(),
        PatchBody::Json(ops) => ops
            .iter()
            .filter(|op| op.op.value != PatchOpKind::Remove)
            .flat_map(|op| {
                let from = op.from.as_ref().map(|f| (f.value.as_str(), f.span));
                std::iter::once((op.path.value.as_str(), op.path.span)).chain(from)
            })
            .collect(),
    };
    let has_key = |pointer: &str| {
        let pointer = pointer.trim_end_matches("/-");
        carried.iter().any(|c| {
            c == pointer
                || c.starts_with(&format!("{pointer}/"))
                || pointer.starts_with(&format!("{c}/"))
        })
    };
    let mut out: Vec<(Span, &'static str)> = Vec::new();
    for (pointer, span) in set {
        if !has_key(pointer) {
            continue;
        }
        let key = MODELLED
            .iter()
            .find(|(kind, pattern, _)| {
                *kind == patch.kind.value && matches(pattern, pointer).is_some()
            })
            .map_or("a key of the step file", |(_, _, key)| key);
        if !out.iter().any(|(s, k)| *s == span && *k == key) {
            out.push((span, key));
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
