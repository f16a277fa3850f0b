//! A pod template's own fields and volumes to `[pod]` and `[[volumes]]`: the inverse of
//! `lower::pod` and `lower::volume`.

use serde_json::Value;

use super::container::{security, strings};
use super::doc::{Item, Table};
use super::source::Source;

/// `[pod]`, from the pod spec at `at` (`/spec/template/spec`).
pub(crate) fn pod(src: &mut Source<'_>, at: &str) -> Table {
    let mut t = Table::default();
    if let Some(account) = src.str(&format!("{at}/serviceAccountName")) {
        t.set("service_account", account.clone());
        // The deprecated alias the API keeps equal to it.
        if src
            .peek(&format!("{at}/serviceAccount"))
            .and_then(Value::as_str)
            == Some(&account)
        {
            src.carry(&format!("{at}/serviceAccount"));
        }
    }
    if let Some(b) = src.bool(&format!("{at}/automountServiceAccountToken")) {
        t.set("automount_service_account_token", b);
    }
    t.set_some(
        "security",
        security(src, &format!("{at}/securityContext"), false),
    );
    for (api, key) in [
        ("hostNetwork", "host_network"),
        ("hostPID", "host_pid"),
        ("hostIPC", "host_ipc"),
    ] {
        if let Some(b) = src.bool(&format!("{at}/{api}")) {
            t.set(key, b);
        }
    }
    if let Some(map) = src.string_map(&format!("{at}/nodeSelector")) {
        t.set_some("node_selector", map_table(map));
    }
    affinity(src, &format!("{at}/affinity"), &mut t);
    t.set_some("tolerations", tolerations(src, at));
    if let Some(name) = src.str(&format!("{at}/priorityClassName")) {
        t.set("priority_class", name);
    }
    if let Some(policy) = src.non_default(&format!("{at}/dnsPolicy")) {
        t.set("dns_policy", Item::from(policy));
    }
    t.set_some("dns_config", dns_config(src, &format!("{at}/dnsConfig")));
    t.set_some("host_aliases", host_aliases(src, at));
    if let Some(seconds) = src.non_default(&format!("{at}/terminationGracePeriodSeconds")) {
        t.set("termination_grace_period", Item::from(seconds));
    }
    let mut gates = Vec::new();
    for i in 0..src.len(&format!("{at}/readinessGates")) {
        if let Some(condition) = src.str(&format!("{at}/readinessGates/{i}/conditionType")) {
            gates.push(Item::Str(condition));
        }
    }
    t.set_some("readiness_gates", gates);
    let mut pull = Vec::new();
    for i in 0..src.len(&format!("{at}/imagePullSecrets")) {
        if let Some(name) = src.str(&format!("{at}/imagePullSecrets/{i}/name")) {
            pull.push(Item::Str(name));
        }
    }
    t.set_some("image_pull_secrets", pull);
    for default in ["restartPolicy", "schedulerName", "enableServiceLinks"] {
        let p = format!("{at}/{default}");
        if src.is_default(&p) {
            src.carry(&p);
        }
    }
    t
}

pub(crate) fn map_table(entries: Vec<(String, String)>) -> Table {
    let mut t = Table::default();
    for (k, v) in entries {
        t.set(k, v);
    }
    t
}

fn affinity(src: &mut Source<'_>, at: &str, pod: &mut Table) {
    let node = format!("{at}/nodeAffinity");
    let mut terms = Vec::new();
    let required =
        format!("{node}/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms");
    for i in 0..src.len(&required) {
        let p = format!("{required}/{i}");
        let mut t = Table::default();
        t.set("required", true);
        t.set("match", requirements(src, &format!("{p}/matchExpressions")));
        terms.push(Item::Table(t));
    }
    let preferred = format!("{node}/preferredDuringSchedulingIgnoredDuringExecution");
    for i in 0..src.len(&preferred) {
        let p = format!("{preferred}/{i}");
        let mut t = Table::default();
        if let Some(weight) = src.int(&format!("{p}/weight")) {
            t.set("weight", weight);
        }
        t.set(
            "match",
            requirements(src, &format!("{p}/preference/matchExpressions")),
        );
        terms.push(Item::Table(t));
    }
    pod.set_some("node_affinity", terms);
    for (api, key) in [
        ("podAffinity", "pod_affinity"),
        ("podAntiAffinity", "pod_anti_affinity"),
    ] {
        let base = format!("{at}/{api}");
        let mut terms = Vec::new();
        let required = format!("{base}/requiredDuringSchedulingIgnoredDuringExecution");
        for i in 0..src.len(&required) {
            let mut t = Table::default();
            t.set("required", true);
            pod_term(src, &format!("{required}/{i}"), &mut t);
            terms.push(Item::Table(t));
        }
        let preferred = format!("{base}/preferredDuringSchedulingIgnoredDuringExecution");
        for i in 0..src.len(&preferred) {
            let p = format!("{preferred}/{i}");
            let mut t = Table::default();
            if let Some(weight) = src.int(&format!("{p}/weight")) {
                t.set("weight", weight);
            }
            pod_term(src, &format!("{p}/podAffinityTerm"), &mut t);
            terms.push(Item::Table(t));
        }
        pod.set_some(key, terms);
    }
}

fn pod_term(src: &mut Source<'_>, at: &str, t: &mut Table) {
    if let Some(key) = src.str(&format!("{at}/topologyKey")) {
        t.set("topology_key", key);
    }
    if let Some(labels) = src.string_map(&format!("{at}/labelSelector/matchLabels")) {
        t.set_some("match_labels", map_table(labels));
    }
    t.set_some(
        "match",
        requirements(src, &format!("{at}/labelSelector/matchExpressions")),
    );
    if let Some(namespaces) = src.strings(&format!("{at}/namespaces")) {
        t.set_some("namespaces", strings(namespaces));
    }
}

fn requirements(src: &mut Source<'_>, at: &str) -> Vec<Item> {
    let mut out = Vec::new();
    for i in 0..src.len(at) {
        let p = format!("{at}/{i}");
        let mut t = Table::default();
        if let Some(key) = src.str(&format!("{p}/key")) {
            t.set("key", key);
        }
        if let Some(operator) = src.str(&format!("{p}/operator")) {
            t.set("operator", operator);
        }
        if let Some(values) = src.strings(&format!("{p}/values")) {
            t.set_some("values", strings(values));
        }
        out.push(Item::Table(t));
    }
    out
}

fn tolerations(src: &mut Source<'_>, at: &str) -> Vec<Item> {
    let mut out = Vec::new();
    for i in 0..src.len(&format!("{at}/tolerations")) {
        let p = format!("{at}/tolerations/{i}");
        let mut t = Table::default();
        for key in ["key", "operator", "value", "effect"] {
            if let Some(text) = src.str(&format!("{p}/{key}")) {
                t.set(key, text);
            }
        }
        if let Some(seconds) = src.int(&format!("{p}/tolerationSeconds")) {
            t.set("seconds", seconds);
        }
        out.push(Item::Table(t));
    }
    out
}

fn dns_config(src: &mut Source<'_>, at: &str) -> Table {
    let mut t = Table::default();
    for key in ["nameservers", "searches"] {
        if let Some(list) = src.strings(&format!("{at}/{key}")) {
            t.set_some(key, strings(list));
        }
    }
    let mut options = Vec::new();
    for i in 0..src.len(&format!("{at}/options")) {
        let p = format!("{at}/options/{i}");
        let mut option = Table::default();
        if let Some(name) = src.str(&format!("{p}/name")) {
            option.set("name", name);
        }
        if let Some(value) = src.str(&format!("{p}/value")) {
            option.set("value", value);
        }
        options.push(Item::Table(option));
    }
    t.set_some("options", options);
    t
}

fn host_aliases(src: &mut Source<'_>, at: &str) -> Vec<Item> {
    let mut out = Vec::new();
    for i in 0..src.len(&format!("{at}/hostAliases")) {
        let p = format!("{at}/hostAliases/{i}");
        let mut t = Table::default();
        if let Some(ip) = src.str(&format!("{p}/ip")) {
            t.set("ip", ip);
        }
        if let Some(names) = src.strings(&format!("{p}/hostnames")) {
            t.set("hostnames", strings(names));
        }
        out.push(Item::Table(t));
    }
    out
}

/// `[[volumes]]`: the kinds kstep has keys for, and any other source (or one with fields
/// those keys lack) as `raw`, the API's own body.
pub(crate) fn volumes(src: &mut Source<'_>, at: &str) -> Vec<Item> {
    let mut out = Vec::new();
    for i in 0..src.len(&format!("{at}/volumes")) {
        let p = format!("{at}/volumes/{i}");
        let mut t = Table::default();
        if let Some(name) = src.str(&format!("{p}/name")) {
            t.set("name", name);
        }
        let Some(Value::Object(fields)) = src.peek(&p) else {
            continue;
        };
        let Some((kind, body)) = fields.iter().find(|(k, _)| *k != "name") else {
            continue;
        };
        let body_at = format!("{p}/{kind}");
        let manifest = src.manifest;
        let simple = |allowed: &[&str]| {
            body.as_object().is_some_and(|b| {
                b.iter().all(|(k, v)| {
                    allowed.contains(&k.as_str())
                        || super::defaults::is_default(
                            &manifest.kind,
                            &manifest.value,
                            &format!("{body_at}/{k}"),
                            v,
                        )
                })
            })
        };
        let source = match kind.as_str() {
            "configMap" if simple(&["name", "items"]) => {
                Some(("config_map", key_to_path(src, &body_at, "name")))
            }
            "secret" if simple(&["secretName", "items"]) => {
                Some(("secret", key_to_path(src, &body_at, "secretName")))
            }
            "emptyDir" if simple(&["medium", "sizeLimit"]) => {
                let mut b = Table::default();
                if let Some(medium) = src.str(&format!("{body_at}/medium")) {
                    b.set("medium", medium);
                }
                if let Some(size) = src.int_or_string(&format!("{body_at}/sizeLimit")) {
                    b.set("size_limit", size);
                }
                Some(("empty_dir", b))
            }
            "hostPath" if simple(&["path", "type"]) => {
                let mut b = Table::default();
                if let Some(path) = src.str(&format!("{body_at}/path")) {
                    b.set("path", path);
                }
                if let Some(kind) = src.non_default(&format!("{body_at}/type")) {
                    b.set("type", Item::from(kind));
                }
                Some(("host_path", b))
            }
            "persistentVolumeClaim" if simple(&["claimName", "readOnly"]) => {
                let mut b = Table::default();
                if let Some(claim) = src.str(&format!("{body_at}/claimName")) {
                    b.set("name", claim);
                }
                if let Some(read_only) = src.bool(&format!("{body_at}/readOnly")) {
                    b.set("read_only", read_only);
                }
                Some(("persistent_volume_claim", b))
            }
            _ => None,
        };
        match source {
            Some((key, body)) => {
                src.carry(&body_at);
                t.set(key, body);
            }
            None => {
                // Defaults stay out of the raw body; the API fills them in again.
                let mut raw_body = body.clone();
                strip_defaults(src, &body_at, &mut raw_body);
                src.carry(&body_at);
                let mut raw = Table::default();
                raw.set(kind.clone(), Item::from(&raw_body));
                t.set("raw", raw);
            }
        }
        out.push(Item::Table(t));
    }
    out
}

fn key_to_path(src: &mut Source<'_>, at: &str, name_key: &str) -> Table {
    let mut t = Table::default();
    if let Some(name) = src.str(&format!("{at}/{name_key}")) {
        t.set("name", name);
    }
    let mut items = Vec::new();
    for i in 0..src.len(&format!("{at}/items")) {
        let p = format!("{at}/items/{i}");
        let mut item = Table::default();
        if let Some(key) = src.str(&format!("{p}/key")) {
            item.set("key", key);
        }
        if let Some(path) = src.str(&format!("{p}/path")) {
            item.set("path", path);
        }
        items.push(Item::Table(item));
    }
    t.set_some("items", items);
    t
}

fn strip_defaults(src: &Source<'_>, at: &str, value: &mut Value) {
    if let Value::Object(map) = value {
        map.retain(|k, v| {
            !super::defaults::is_default(
                &src.manifest.kind,
                &src.manifest.value,
                &format!("{at}/{k}"),
                v,
            )
        });
    }
}
