//! The Kubernetes API's defaults for the fields kstep imports: what the API server fills in
//! when a manifest leaves a field out (`SetDefaults_*` in pkg/apis/{core,apps}/v1/defaults.go).
//!
//! Import leaves a value that equals its default out of the step file (the API fills it in
//! again), and does not report it as lost; and the round-trip test applies the same defaults
//! to the original and to kstep's output before it compares them.

use serde_json::{Value, json};

/// `(kind, JSON pointer pattern, default)`: `*` stands for every list index.
const DEFAULTS: &[(&str, &str, &str)] = &[
    ("Deployment", "/spec/replicas", "1"),
    ("Deployment", "/spec/revisionHistoryLimit", "10"),
    ("Deployment", "/spec/progressDeadlineSeconds", "600"),
    ("Deployment", "/spec/strategy/type", "\"RollingUpdate\""),
    (
        "Deployment",
        "/spec/strategy/rollingUpdate/maxSurge",
        "\"25%\"",
    ),
    (
        "Deployment",
        "/spec/strategy/rollingUpdate/maxUnavailable",
        "\"25%\"",
    ),
    (
        "Deployment",
        "/spec/template/spec/restartPolicy",
        "\"Always\"",
    ),
    (
        "Deployment",
        "/spec/template/spec/terminationGracePeriodSeconds",
        "30",
    ),
    (
        "Deployment",
        "/spec/template/spec/dnsPolicy",
        "\"ClusterFirst\"",
    ),
    ("Deployment", "/spec/template/spec/securityContext", "{}"),
    (
        "Deployment",
        "/spec/template/spec/schedulerName",
        "\"default-scheduler\"",
    ),
    (
        "Deployment",
        "/spec/template/spec/enableServiceLinks",
        "true",
    ),
    (
        "Deployment",
        "/spec/template/spec/*containers/*/terminationMessagePath",
        "\"/dev/termination-log\"",
    ),
    (
        "Deployment",
        "/spec/template/spec/*containers/*/terminationMessagePolicy",
        "\"File\"",
    ),
    (
        "Deployment",
        "/spec/template/spec/*containers/*/ports/*/protocol",
        "\"TCP\"",
    ),
    (
        "Deployment",
        "/spec/template/spec/*containers/*/resources",
        "{}",
    ),
    (
        "Deployment",
        "/spec/template/spec/*containers/*/*Probe/timeoutSeconds",
        "1",
    ),
    (
        "Deployment",
        "/spec/template/spec/*containers/*/*Probe/periodSeconds",
        "10",
    ),
    (
        "Deployment",
        "/spec/template/spec/*containers/*/*Probe/successThreshold",
        "1",
    ),
    (
        "Deployment",
        "/spec/template/spec/*containers/*/*Probe/failureThreshold",
        "3",
    ),
    (
        "Deployment",
        "/spec/template/spec/*containers/*/*Probe/httpGet/scheme",
        "\"HTTP\"",
    ),
    (
        "Deployment",
        "/spec/template/spec/*containers/*/*Probe/httpGet/path",
        "\"/\"",
    ),
    (
        "Deployment",
        "/spec/template/spec/*containers/*/lifecycle/*/httpGet/scheme",
        "\"HTTP\"",
    ),
    (
        "Deployment",
        "/spec/template/spec/*containers/*/env/*/valueFrom/fieldRef/apiVersion",
        "\"v1\"",
    ),
    (
        "Deployment",
        "/spec/template/spec/*containers/*/env/*/valueFrom/resourceFieldRef/divisor",
        "\"0\"",
    ),
    (
        "Deployment",
        "/spec/template/spec/volumes/*/configMap/defaultMode",
        "420",
    ),
    (
        "Deployment",
        "/spec/template/spec/volumes/*/secret/defaultMode",
        "420",
    ),
    (
        "Deployment",
        "/spec/template/spec/volumes/*/hostPath/type",
        "\"\"",
    ),
    ("Service", "/spec/type", "\"ClusterIP\""),
    ("Service", "/spec/sessionAffinity", "\"None\""),
    ("Service", "/spec/ports/*/protocol", "\"TCP\""),
    ("Service", "/spec/internalTrafficPolicy", "\"Cluster\""),
    ("Secret", "/type", "\"Opaque\""),
];

/// Whether `value` at `pointer` of an object is what the API would fill in anyway.
pub(crate) fn is_default(kind: &str, object: &Value, pointer: &str, value: &Value) -> bool {
    if let Some(default) = special(kind, object, pointer) {
        return default == *value;
    }
    DEFAULTS.iter().any(|(k, pattern, default)| {
        *k == kind
            && matches(pattern, pointer)
            && serde_json::from_str::<Value>(default).is_ok_and(|d| d == *value)
    })
}

/// Defaults that depend on other fields of the object.
fn special(kind: &str, object: &Value, pointer: &str) -> Option<Value> {
    let parent = |p: &str| p.rsplit_once('/').map(|(parent, _)| parent.to_owned());
    match kind {
        "Deployment"
            if pointer.ends_with("/imagePullPolicy")
                && matches("/spec/template/spec/*containers/*/imagePullPolicy", pointer) =>
        {
            let image = object
                .pointer(&format!("{}/image", parent(pointer)?))?
                .as_str()?;
            Some(json!(pull_policy(image)))
        }
        "Service" if matches("/spec/ports/*/targetPort", pointer) => object
            .pointer(&format!("{}/port", parent(pointer)?))
            .cloned(),
        "Service" if pointer == "/spec/externalTrafficPolicy" => {
            let kind = object.pointer("/spec/type").and_then(Value::as_str);
            matches!(kind, Some("NodePort" | "LoadBalancer")).then(|| json!("Cluster"))
        }
        "Service" if pointer == "/spec/allocateLoadBalancerNodePorts" => {
            let kind = object.pointer("/spec/type").and_then(Value::as_str);
            (kind == Some("LoadBalancer")).then_some(json!(true))
        }
        _ => None,
    }
}

/// The API's pull policy for an image: `Always` for `:latest` or no tag, else `IfNotPresent`.
fn pull_policy(image: &str) -> &'static str {
    if image.contains('@') {
        return "IfNotPresent";
    }
    let last = image.rsplit('/').next().unwrap_or(image);
    match last.split_once(':') {
        Some((_, "latest")) | None => "Always",
        Some(_) => "IfNotPresent",
    }
}

/// Fills in every default a field of `object` is missing (where its parent exists), as the
/// API server does.
pub fn apply(kind: &str, object: &mut Value) {
    // A Deployment's strategy is filled in whole: a rolling update with its two counts.
    if kind == "Deployment"
        && let Some(Value::Object(spec)) = object.get_mut("spec")
    {
        let strategy = spec.entry("strategy").or_insert_with(|| json!({}));
        if let Value::Object(strategy) = strategy {
            strategy
                .entry("type")
                .or_insert_with(|| json!("RollingUpdate"));
            if strategy.get("type") == Some(&json!("RollingUpdate")) {
                strategy.entry("rollingUpdate").or_insert_with(|| json!({}));
            }
        }
    }
    for (k, pattern, default) in DEFAULTS {
        if *k != kind {
            continue;
        }
        let Ok(default) = serde_json::from_str::<Value>(default) else {
            continue;
        };
        for pointer in expand(object, pattern) {
            set_missing(object, &pointer, default.clone());
        }
    }
    let specials: &[&str] = match kind {
        "Deployment" => &["/spec/template/spec/*containers/*/imagePullPolicy"],
        "Service" => &[
            "/spec/ports/*/targetPort",
            "/spec/externalTrafficPolicy",
            "/spec/allocateLoadBalancerNodePorts",
        ],
        _ => &[],
    };
    for pattern in specials {
        for pointer in expand(object, pattern) {
            if let Some(default) = special(kind, object, &pointer) {
                set_missing(object, &pointer, default);
            }
        }
    }
}

/// The concrete pointers a pattern stands for in `object` whose parent exists.
fn expand(object: &Value, pattern: &str) -> Vec<String> {
    let mut current = vec![String::new()];
    let parts: Vec<&str> = pattern.split('/').skip(1).collect();
    for (i, part) in parts.iter().enumerate() {
        let last = i + 1 == parts.len();
        let mut next = Vec::new();
        for prefix in current {
            let Some(node) = object.pointer(&prefix) else {
                continue;
            };
            match (*part, node) {
                ("*", Value::Array(items)) => {
                    next.extend((0..items.len()).map(|i| format!("{prefix}/{i}")));
                }
                ("*", Value::Object(map)) => {
                    next.extend(map.keys().map(|k| format!("{prefix}/{k}")));
                }
                (part, Value::Object(map)) if part.starts_with('*') => {
                    let suffix = part.trim_start_matches('*');
                    for key in map.keys() {
                        if key == suffix || key.ends_with(&capitalized(suffix)) {
                            next.push(format!("{prefix}/{key}"));
                        }
                    }
                }
                // The last part need not exist yet; the ones before must.
                (part, Value::Object(_)) if last || node.get(part).is_some() => {
                    next.push(format!("{prefix}/{part}"));
                }
                _ => {}
            }
        }
        current = next;
    }
    current
}

/// `*` matches one list index or key; `*containers` matches `containers` and
/// `initContainers`; `*Probe` every `...Probe`.
fn matches(pattern: &str, pointer: &str) -> bool {
    let mut pattern = pattern.split('/').skip(1);
    let mut pointer = pointer.split('/').skip(1);
    loop {
        match (pattern.next(), pointer.next()) {
            (None, None) => return true,
            (Some("*"), Some(_)) => {}
            (Some(p), Some(part)) if p.starts_with('*') => {
                let suffix = &p[1..];
                if !(part == suffix || part.ends_with(&capitalized(suffix))) {
                    return false;
                }
            }
            (Some(a), Some(b)) if a == b => {}
            _ => return false,
        }
    }
}

fn capitalized(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

fn set_missing(object: &mut Value, pointer: &str, value: Value) {
    let Some((parent, key)) = pointer.rsplit_once('/') else {
        return;
    };
    let key = key.replace("~1", "/").replace("~0", "~");
    if let Some(Value::Object(map)) = object.pointer_mut(parent) {
        map.entry(key).or_insert(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns() {
        assert!(matches(
            "/spec/template/spec/*containers/*/ports/*/protocol",
            "/spec/template/spec/initContainers/0/ports/1/protocol"
        ));
        assert!(matches(
            "/spec/template/spec/*containers/*/*Probe/periodSeconds",
            "/spec/template/spec/containers/0/livenessProbe/periodSeconds"
        ));
        assert!(!matches("/spec/replicas", "/spec/paused"));
    }

    #[test]
    fn defaults_fill_in_what_the_api_would() {
        let mut deployment = json!({ "spec": { "template": { "spec": { "containers": [
            { "name": "web", "image": "nginx", "ports": [{ "containerPort": 80 }],
              "readinessProbe": { "httpGet": { "port": 80 } } }
        ] } } } });
        apply("Deployment", &mut deployment);
        let container = &deployment["spec"]["template"]["spec"]["containers"][0];
        assert_eq!(container["imagePullPolicy"], "Always");
        assert_eq!(container["ports"][0]["protocol"], "TCP");
        assert_eq!(container["readinessProbe"]["periodSeconds"], 10);
        assert_eq!(container["readinessProbe"]["httpGet"]["scheme"], "HTTP");
        assert_eq!(deployment["spec"]["replicas"], 1);
        assert!(is_default(
            "Deployment",
            &deployment,
            "/spec/template/spec/containers/0/imagePullPolicy",
            &json!("Always")
        ));
    }
}
