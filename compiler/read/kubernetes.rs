//! Kubernetes field names in a step file: what kstep calls each, place by place.
//!
//! Most people write Kubernetes before they write kstep, so an unknown key is often the API's
//! own name for a field kstep has under another (`securityContext` for `security`,
//! `imagePullPolicy` for `pull_policy`, `exec` in a probe for `command`), written in
//! camelCase or snake_case (`security_context`). This table says, for each place of a step
//! file, what kstep calls such a field, or that kstep does not model it and a `[[patches]]`
//! entry sets it (docs/escape-hatch.md). A Kubernetes name that is just the camelCase form
//! of kstep's key (`volumeMounts`) needs no entry: [`hint`] converts it.
//!
//! The table is data, kept apart from the readers so it can move with the description of the
//! step file's shape; `tests/kubernetes_names.rs` puts every entry in its place in a step
//! and checks the help, and debug builds check that every key named here is one the reader
//! asks for.

use crate::diagnostic::to_snake_case;

/// What kstep makes of a Kubernetes field at a place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Meaning {
    /// kstep's key for it, in the same table.
    Key(&'static str),
    /// kstep's key for it, in another table (`[pod]`).
    Moved {
        table: &'static str,
        key: &'static str,
    },
    /// kstep models it in another shape: the key it becomes, if one, and how to write it.
    Reshaped {
        key: Option<&'static str>,
        how: &'static str,
    },
    /// kstep has several keys in its place, one of which the entry needs.
    OneOf {
        keys: &'static [&'static str],
        how: &'static str,
    },
    /// kstep does not model it here: a patch sets it.
    Unmodelled,
}

use Meaning::{Key, Moved, OneOf, Reshaped, Unmodelled};

/// The tables of a step file that hold one kind of Kubernetes object's fields.
struct Place {
    /// Table paths without list indices: `containers.readiness`.
    paths: &'static [&'static str],
    /// The emitted object the fields are in, and where, for patches of what kstep does not
    /// model.
    object: &'static str,
    at: &'static str,
    names: &'static [&'static [(&'static str, Meaning)]],
}

const POD_FIELDS: &[(&str, &str)] = &[
    ("serviceAccountName", "service_account"),
    ("serviceAccount", "service_account"),
    ("securityContext", "security"),
    (
        "automountServiceAccountToken",
        "automount_service_account_token",
    ),
    ("hostNetwork", "host_network"),
    ("hostPID", "host_pid"),
    ("hostIPC", "host_ipc"),
    ("nodeSelector", "node_selector"),
    ("tolerations", "tolerations"),
    ("topologySpreadConstraints", "topology_spread"),
    ("priorityClassName", "priority_class"),
    ("dnsPolicy", "dns_policy"),
    ("dnsConfig", "dns_config"),
    ("hostAliases", "host_aliases"),
    ("terminationGracePeriodSeconds", "termination_grace_period"),
    ("readinessGates", "readiness_gates"),
    ("imagePullSecrets", "image_pull_secrets"),
];

const AFFINITY: &str = "kstep splits it into `node_affinity`, `pod_affinity` and \
    `pod_anti_affinity` in `[pod]`, each a list of terms, or `spread = \"nodes\"` for the \
    usual anti-affinity";

/// The pod's fields, in `[pod]`.
const POD: &[(&str, Meaning)] = &[
    ("serviceAccountName", Key("service_account")),
    ("serviceAccount", Key("service_account")),
    ("securityContext", Key("security")),
    ("topologySpreadConstraints", Key("topology_spread")),
    ("priorityClassName", Key("priority_class")),
    (
        "terminationGracePeriodSeconds",
        Key("termination_grace_period"),
    ),
    (
        "affinity",
        Reshaped {
            key: None,
            how: AFFINITY,
        },
    ),
    (
        "containers",
        Reshaped {
            key: None,
            how: "kstep's containers are the step's `[[containers]]`, at the top of the file",
        },
    ),
    (
        "initContainers",
        Reshaped {
            key: None,
            how: "kstep's init containers are `[[containers]]` with `init = true`, at the top \
                  of the file",
        },
    ),
    (
        "volumes",
        Reshaped {
            key: None,
            how: "kstep's volumes are the step's `[[volumes]]`, at the top of the file",
        },
    ),
];

/// Pod fields kstep does not model.
const POD_UNMODELLED: &[(&str, Meaning)] = &[
    ("shareProcessNamespace", Unmodelled),
    ("hostname", Unmodelled),
    ("subdomain", Unmodelled),
    ("setHostnameAsFQDN", Unmodelled),
    ("runtimeClassName", Unmodelled),
    ("schedulerName", Unmodelled),
    ("preemptionPolicy", Unmodelled),
    ("priority", Unmodelled),
    ("overhead", Unmodelled),
    ("enableServiceLinks", Unmodelled),
    ("os", Unmodelled),
    ("hostUsers", Unmodelled),
    ("nodeName", Unmodelled),
    ("resourceClaims", Unmodelled),
    ("schedulingGates", Unmodelled),
    ("resources", Unmodelled),
];

/// Deployment fields, where a step file's `[deployment]` has them.
const DEPLOYMENT: &[(&str, Meaning)] = &[
    ("progressDeadlineSeconds", Key("progress_deadline")),
    ("minReadySeconds", Key("min_ready")),
    ("rollingUpdate", Key("rolling")),
    (
        "strategy",
        Moved {
            table: "step",
            key: "strategy",
        },
    ),
    (
        "template",
        Reshaped {
            key: None,
            how: "kstep writes the pod template from `[pod]`, `[[containers]]` and \
                  `[[volumes]]`",
        },
    ),
    ("paused", Unmodelled),
];

/// Deployment fields written at the top of the file.
const DEPLOYMENT_MOVED: &[(&str, Meaning)] = &[
    (
        "replicas",
        Moved {
            table: "deployment",
            key: "replicas",
        },
    ),
    (
        "progressDeadlineSeconds",
        Moved {
            table: "deployment",
            key: "progress_deadline",
        },
    ),
    (
        "minReadySeconds",
        Moved {
            table: "deployment",
            key: "min_ready",
        },
    ),
    (
        "revisionHistoryLimit",
        Moved {
            table: "deployment",
            key: "revision_history_limit",
        },
    ),
    (
        "strategy",
        Moved {
            table: "step",
            key: "strategy",
        },
    ),
];

/// What a pasted manifest has at its top.
const MANIFEST: &[(&str, Meaning)] = &[
    (
        "apiVersion",
        Reshaped {
            key: None,
            how: MANIFEST_HOW,
        },
    ),
    (
        "kind",
        Reshaped {
            key: None,
            how: MANIFEST_HOW,
        },
    ),
    (
        "metadata",
        Reshaped {
            key: None,
            how: MANIFEST_HOW,
        },
    ),
    (
        "spec",
        Reshaped {
            key: None,
            how: MANIFEST_HOW,
        },
    ),
    (
        "initContainers",
        Reshaped {
            key: Some("containers"),
            how: "add each one to `[[containers]]` with `init = true`",
        },
    ),
];

const MANIFEST_HOW: &str = "a step file is not a Kubernetes manifest: kstep writes the objects \
    from its own tables (`[deployment]`, `[pod]`, `[[containers]]`, `[service]`, ...; see \
    docs/step-file.md)";

const CONTAINER: &[(&str, Meaning)] = &[
    ("imagePullPolicy", Key("pull_policy")),
    ("securityContext", Key("security")),
    ("livenessProbe", Key("liveness")),
    ("readinessProbe", Key("readiness")),
    ("startupProbe", Key("startup")),
    (
        "restartPolicy",
        Reshaped {
            key: Some("sidecar"),
            how: "a native sidecar (an init container with `restartPolicy: Always`) is a \
                  container with `sidecar = true`",
        },
    ),
    ("stdin", Unmodelled),
    ("stdinOnce", Unmodelled),
    ("tty", Unmodelled),
    ("terminationMessagePath", Unmodelled),
    ("volumeDevices", Unmodelled),
    ("resizePolicy", Unmodelled),
    ("restartPolicyRules", Unmodelled),
];

const PORT: &[(&str, Meaning)] = &[("containerPort", Key("port")), ("hostIP", Unmodelled)];

const RESOURCES: &[(&str, Meaning)] = &[("claims", Unmodelled)];

const MOUNT: &[(&str, Meaning)] = &[
    ("name", Key("volume")),
    ("mountPath", Key("path")),
    ("subPathExpr", Unmodelled),
    ("mountPropagation", Unmodelled),
    ("recursiveReadOnly", Unmodelled),
];

const ENV: &[(&str, Meaning)] = &[
    (
        "valueFrom",
        OneOf {
            keys: &["config_map", "secret", "field", "resource"],
            how: "kstep writes the source in the entry itself: `config_map = \"NAME\", key = \
                  \"KEY\"`, `secret = \"NAME\", key = \"KEY\"`, `field = \"metadata.name\"` or \
                  `resource = \"limits.memory\"`",
        },
    ),
    (
        "configMapKeyRef",
        Reshaped {
            key: Some("config_map"),
            how: "write `config_map = \"NAME\", key = \"KEY\"` in the entry",
        },
    ),
    (
        "secretKeyRef",
        Reshaped {
            key: Some("secret"),
            how: "write `secret = \"NAME\", key = \"KEY\"` in the entry",
        },
    ),
    (
        "fieldRef",
        Reshaped {
            key: Some("field"),
            how: "write `field = \"metadata.name\"` (the field path) in the entry",
        },
    ),
    (
        "resourceFieldRef",
        Reshaped {
            key: Some("resource"),
            how: "write `resource = \"limits.memory\"` (and `container`, `divisor`) in the entry",
        },
    ),
];

const ENV_FROM: &[(&str, Meaning)] = &[
    (
        "configMapRef",
        Reshaped {
            key: Some("config_map"),
            how: "write `config_map = \"NAME\"` in the entry",
        },
    ),
    (
        "secretRef",
        Reshaped {
            key: Some("secret"),
            how: "write `secret = \"NAME\"` in the entry",
        },
    ),
];

const EXEC: (&str, Meaning) = (
    "exec",
    Reshaped {
        key: Some("command"),
        how: "write the command itself: `command = [\"...\"]` instead of `exec = { command = \
              [\"...\"] }`",
    },
);

const PROBE: &[(&str, Meaning)] = &[
    EXEC,
    ("httpGet", Key("http")),
    ("tcpSocket", Key("tcp")),
    ("initialDelaySeconds", Key("initial_delay")),
    ("periodSeconds", Key("period")),
    ("timeoutSeconds", Key("timeout")),
    ("terminationGracePeriodSeconds", Unmodelled),
];

const HOOK: &[(&str, Meaning)] = &[EXEC, ("httpGet", Key("http"))];

const LIFECYCLE: &[(&str, Meaning)] = &[("stopSignal", Unmodelled)];

const HTTP: &[(&str, Meaning)] = &[("httpHeaders", Key("headers"))];

const SECURITY: &[(&str, Meaning)] = &[
    ("seccompProfile", Key("seccomp")),
    ("seLinuxOptions", Key("se_linux")),
    ("appArmorProfile", Unmodelled),
    ("windowsOptions", Unmodelled),
];

const CONTAINER_SECURITY: &[(&str, Meaning)] = &[("procMount", Unmodelled)];

const POD_SECURITY: &[(&str, Meaning)] = &[
    ("fsGroupChangePolicy", Unmodelled),
    ("supplementalGroupsPolicy", Unmodelled),
    ("seLinuxChangePolicy", Unmodelled),
];

const SECCOMP: &[(&str, Meaning)] = &[
    ("localhostProfile", Key("localhost")),
    (
        "type",
        Reshaped {
            key: None,
            how: "kstep writes the type as the value: `seccomp = \"RuntimeDefault\"` or \
                  `\"Unconfined\"`, or `seccomp = { localhost = \"<file>\" }`",
        },
    ),
];

const RAW_SOURCE: Meaning = Reshaped {
    key: Some("raw"),
    how: "kstep takes this volume source as written for Kubernetes under `raw`: \
          `raw = { <source> = { ... } }`",
};

/// Volume sources kstep takes as `raw`, in the API's spelling.
const VOLUME: &[(&str, Meaning)] = &[
    ("awsElasticBlockStore", RAW_SOURCE),
    ("azureDisk", RAW_SOURCE),
    ("azureFile", RAW_SOURCE),
    ("cephfs", RAW_SOURCE),
    ("cinder", RAW_SOURCE),
    ("csi", RAW_SOURCE),
    ("downwardAPI", RAW_SOURCE),
    ("ephemeral", RAW_SOURCE),
    ("fc", RAW_SOURCE),
    ("flexVolume", RAW_SOURCE),
    ("flocker", RAW_SOURCE),
    ("gcePersistentDisk", RAW_SOURCE),
    ("gitRepo", RAW_SOURCE),
    ("glusterfs", RAW_SOURCE),
    ("image", RAW_SOURCE),
    ("iscsi", RAW_SOURCE),
    ("nfs", RAW_SOURCE),
    ("photonPersistentDisk", RAW_SOURCE),
    ("portworxVolume", RAW_SOURCE),
    ("projected", RAW_SOURCE),
    ("quobyte", RAW_SOURCE),
    ("rbd", RAW_SOURCE),
    ("scaleIO", RAW_SOURCE),
    ("storageos", RAW_SOURCE),
    ("vsphereVolume", RAW_SOURCE),
];

const CONFIG_VOLUME: &[(&str, Meaning)] = &[("defaultMode", Unmodelled), ("optional", Unmodelled)];

const SECRET_VOLUME: &[(&str, Meaning)] = &[("secretName", Key("name"))];

const ITEM: &[(&str, Meaning)] = &[("mode", Unmodelled)];

const CLAIM: &[(&str, Meaning)] = &[("claimName", Key("name"))];

const SERVICE: &[(&str, Meaning)] = &[
    ("clusterIP", Key("cluster_ip")),
    ("externalIPs", Key("external_ips")),
    (
        "sessionAffinityConfig",
        Reshaped {
            key: Some("session_affinity_timeout"),
            how: "write the timeout itself: `session_affinity_timeout = 10800` (seconds)",
        },
    ),
    ("clusterIPs", Unmodelled),
    ("publishNotReadyAddresses", Unmodelled),
];

const INGRESS: &[(&str, Meaning)] = &[("ingressClassName", Key("class"))];

const INGRESS_RULE: &[(&str, Meaning)] = &[(
    "http",
    Reshaped {
        key: Some("paths"),
        how: "write the paths in the rule itself: `paths = [{ path = \"/\", port = \"http\" }]`",
    },
)];

const INGRESS_PATH: &[(&str, Meaning)] = &[
    ("pathType", Key("type")),
    (
        "backend",
        Reshaped {
            key: Some("port"),
            how: "name the port of the ingress's Service (its `service`): `port = \"http\"`",
        },
    ),
];

const INGRESS_TLS: &[(&str, Meaning)] = &[("secretName", Key("secret"))];

const TOLERATION: &[(&str, Meaning)] = &[("tolerationSeconds", Key("seconds"))];

const SELECTOR_IN_TERM: &str = "write the selector in the term itself: `match_labels = { ... }` \
    and `match = [{ key = ..., operator = ..., values = [...] }]`";

const REQUIRED: (&str, Meaning) = (
    "requiredDuringSchedulingIgnoredDuringExecution",
    Reshaped {
        key: Some("required"),
        how: "each term is an entry of its own with `required = true`",
    },
);

const PREFERRED: (&str, Meaning) = (
    "preferredDuringSchedulingIgnoredDuringExecution",
    Reshaped {
        key: Some("weight"),
        how: "each preference is an entry of its own with `weight = 1` to `100`",
    },
);

const POD_TERM: &[(&str, Meaning)] = &[
    (
        "labelSelector",
        Reshaped {
            key: Some("match_labels"),
            how: SELECTOR_IN_TERM,
        },
    ),
    ("matchExpressions", Key("match")),
    (
        "podAffinityTerm",
        Reshaped {
            key: None,
            how: "write the term's fields beside `weight`: `{ weight = 50, topology_key = ..., \
                  match_labels = { ... } }`",
        },
    ),
    REQUIRED,
    PREFERRED,
    ("namespaceSelector", Unmodelled),
    ("matchLabelKeys", Unmodelled),
    ("mismatchLabelKeys", Unmodelled),
];

const NODE_TERM: &[(&str, Meaning)] = &[
    ("matchExpressions", Key("match")),
    (
        "nodeSelectorTerms",
        Reshaped {
            key: None,
            how: "each term is an entry of `node_affinity` of its own: `{ required = true, \
                  match = [...] }`",
        },
    ),
    (
        "preference",
        Reshaped {
            key: Some("match"),
            how: "write the preference's `match` beside `weight`: `{ weight = 1, match = [...] }`",
        },
    ),
    REQUIRED,
    PREFERRED,
    ("matchFields", Unmodelled),
];

const SPREAD: &[(&str, Meaning)] = &[
    (
        "labelSelector",
        Reshaped {
            key: None,
            how: "kstep spreads the step's own pods, and selects them itself",
        },
    ),
    ("matchLabelKeys", Unmodelled),
    ("nodeAffinityPolicy", Unmodelled),
    ("nodeTaintsPolicy", Unmodelled),
];

const POD_AT: &str = "spec.template.spec";
const CONTAINER_AT: &str = "spec.template.spec.containers[]";

const PLACES: &[Place] = &[
    Place {
        paths: &[""],
        object: "Deployment",
        at: POD_AT,
        names: &[MANIFEST, DEPLOYMENT_MOVED, POD_UNMODELLED],
    },
    Place {
        paths: &["deployment"],
        object: "Deployment",
        at: "spec",
        names: &[DEPLOYMENT],
    },
    Place {
        paths: &["deployment"],
        object: "Deployment",
        at: POD_AT,
        names: &[POD_UNMODELLED],
    },
    Place {
        paths: &["pod"],
        object: "Deployment",
        at: POD_AT,
        names: &[POD, POD_UNMODELLED],
    },
    Place {
        paths: &["pod.security"],
        object: "Deployment",
        at: "spec.template.spec.securityContext",
        names: &[SECURITY, POD_SECURITY],
    },
    Place {
        paths: &["containers.security"],
        object: "Deployment",
        at: "spec.template.spec.containers[].securityContext",
        names: &[SECURITY, CONTAINER_SECURITY],
    },
    Place {
        paths: &["seccomp"],
        object: "Deployment",
        at: "spec.template.spec.securityContext.seccompProfile",
        names: &[SECCOMP],
    },
    Place {
        paths: &["containers"],
        object: "Deployment",
        at: CONTAINER_AT,
        names: &[CONTAINER],
    },
    Place {
        paths: &["containers.ports"],
        object: "Deployment",
        at: "spec.template.spec.containers[].ports[]",
        names: &[PORT],
    },
    Place {
        paths: &["containers.resources"],
        object: "Deployment",
        at: "spec.template.spec.containers[].resources",
        names: &[RESOURCES],
    },
    Place {
        paths: &["containers.volume_mounts"],
        object: "Deployment",
        at: "spec.template.spec.containers[].volumeMounts[]",
        names: &[MOUNT],
    },
    Place {
        paths: &["containers.env"],
        object: "Deployment",
        at: "spec.template.spec.containers[].env[]",
        names: &[ENV],
    },
    Place {
        paths: &["containers.env_from"],
        object: "Deployment",
        at: "spec.template.spec.containers[].envFrom[]",
        names: &[ENV_FROM],
    },
    Place {
        paths: &[
            "containers.readiness",
            "containers.liveness",
            "containers.startup",
        ],
        object: "Deployment",
        at: "spec.template.spec.containers[].readinessProbe",
        names: &[PROBE],
    },
    Place {
        paths: &[
            "containers.readiness.http",
            "containers.liveness.http",
            "containers.startup.http",
            "containers.lifecycle.post_start.http",
            "containers.lifecycle.pre_stop.http",
        ],
        object: "Deployment",
        at: "spec.template.spec.containers[].readinessProbe.httpGet",
        names: &[HTTP],
    },
    Place {
        paths: &["containers.lifecycle"],
        object: "Deployment",
        at: "spec.template.spec.containers[].lifecycle",
        names: &[LIFECYCLE],
    },
    Place {
        paths: &[
            "containers.lifecycle.post_start",
            "containers.lifecycle.pre_stop",
        ],
        object: "Deployment",
        at: "spec.template.spec.containers[].lifecycle.preStop",
        names: &[HOOK],
    },
    Place {
        paths: &["volumes"],
        object: "Deployment",
        at: "spec.template.spec.volumes[]",
        names: &[VOLUME],
    },
    Place {
        paths: &["volumes.config_map"],
        object: "Deployment",
        at: "spec.template.spec.volumes[].configMap",
        names: &[CONFIG_VOLUME],
    },
    Place {
        paths: &["volumes.secret"],
        object: "Deployment",
        at: "spec.template.spec.volumes[].secret",
        names: &[SECRET_VOLUME, CONFIG_VOLUME],
    },
    Place {
        paths: &["volumes.config_map.items", "volumes.secret.items"],
        object: "Deployment",
        at: "spec.template.spec.volumes[].configMap.items[]",
        names: &[ITEM],
    },
    Place {
        paths: &["volumes.persistent_volume_claim"],
        object: "Deployment",
        at: "spec.template.spec.volumes[].persistentVolumeClaim",
        names: &[CLAIM],
    },
    Place {
        paths: &["service", "services"],
        object: "Service",
        at: "spec",
        names: &[SERVICE],
    },
    Place {
        paths: &["ingress", "ingresses"],
        object: "Ingress",
        at: "spec",
        names: &[INGRESS],
    },
    Place {
        paths: &["ingress.rules", "ingresses.rules"],
        object: "Ingress",
        at: "spec.rules[]",
        names: &[INGRESS_RULE],
    },
    Place {
        paths: &["ingress.rules.paths", "ingresses.rules.paths"],
        object: "Ingress",
        at: "spec.rules[].http.paths[]",
        names: &[INGRESS_PATH],
    },
    Place {
        paths: &["ingress.tls", "ingresses.tls"],
        object: "Ingress",
        at: "spec.tls[]",
        names: &[INGRESS_TLS],
    },
    Place {
        paths: &["pod.tolerations"],
        object: "Deployment",
        at: "spec.template.spec.tolerations[]",
        names: &[TOLERATION],
    },
    Place {
        paths: &["pod.pod_affinity", "pod.pod_anti_affinity"],
        object: "Deployment",
        at: "spec.template.spec.affinity.podAntiAffinity",
        names: &[POD_TERM],
    },
    Place {
        paths: &["pod.node_affinity"],
        object: "Deployment",
        at: "spec.template.spec.affinity.nodeAffinity",
        names: &[NODE_TERM],
    },
    Place {
        paths: &["pod.topology_spread"],
        object: "Deployment",
        at: "spec.template.spec.topologySpreadConstraints[]",
        names: &[SPREAD],
    },
];

/// What kstep makes of the key `key` of the table at `path`, for an unknown-field
/// diagnostic's help: the help text, and the kstep keys of this table it stands for (so that
/// their absence is not reported too). `known` are the keys the table's reader asked for.
pub(crate) fn hint(
    path: &str,
    key: &str,
    known: &[&'static str],
) -> Option<(String, Vec<&'static str>)> {
    let place = strip_indices(path);
    let found = PLACES
        .iter()
        .filter(|p| p.paths.contains(&place.as_str()))
        .find_map(|p| {
            p.names
                .iter()
                .flat_map(|names| names.iter())
                .find(|(name, _)| *name == key || to_snake_case(name) == key)
                .map(|(name, meaning)| (p, *name, *meaning))
        })
        .or_else(|| pod_field(&place, key));
    if let Some((place, name, meaning)) = found {
        return Some(describe(place, name, key, meaning, known));
    }
    // A key that is the camelCase form of kstep's (`volumeMounts`).
    let snake = to_snake_case(key);
    if snake != key
        && let Some(hit) = known.iter().find(|k| **k == snake)
    {
        return Some((
            format!("kstep calls this `{hit}`: rename `{key}` to `{hit}`"),
            vec![*hit],
        ));
    }
    None
}

/// A pod field written at the top of the file or in `[deployment]`: it belongs in `[pod]`.
fn pod_field(place: &str, key: &str) -> Option<(&'static Place, &'static str, Meaning)> {
    if !matches!(place, "" | "deployment") {
        return None;
    }
    let (name, pod_key) = POD_FIELDS
        .iter()
        .find(|(name, pod_key)| *name == key || *pod_key == key || to_snake_case(name) == key)?;
    let place = PLACES.iter().find(|p| p.paths == [""])?;
    Some((
        place,
        name,
        Moved {
            table: "pod",
            key: pod_key,
        },
    ))
}

fn describe(
    place: &Place,
    name: &str,
    key: &str,
    meaning: Meaning,
    known: &[&'static str],
) -> (String, Vec<&'static str>) {
    match meaning {
        Key(ours) => {
            debug_assert!(
                known.contains(&ours),
                "the Kubernetes names table says `{name}` is `{ours}`, which this table does not read"
            );
            (
                format!("kstep calls this `{ours}`: rename `{key}` to `{ours}`"),
                vec![ours],
            )
        }
        Moved { table, key: ours } if ours == key => (
            format!("`{ours}` belongs in `[{table}]`: move it there"),
            Vec::new(),
        ),
        Moved { table, key: ours } => (
            format!("kstep calls this `{ours}`, in `[{table}]`: move it there as `{ours}`"),
            Vec::new(),
        ),
        Reshaped {
            key: Some(ours),
            how,
        } => {
            let stands_for = known.iter().copied().filter(|k| *k == ours).collect();
            (format!("kstep calls this `{ours}`: {how}"), stands_for)
        }
        Reshaped { key: None, how } => (how.to_owned(), Vec::new()),
        OneOf { keys, how } => (how.to_owned(), keys.to_vec()),
        Unmodelled => (
            format!(
                "kstep does not model `{name}`; set it with a `[[patches]]` entry on the {} \
                 (`{}.{name}`): see docs/escape-hatch.md",
                place.object, place.at
            ),
            Vec::new(),
        ),
    }
}

/// `containers[0].readiness` → `containers.readiness`.
fn strip_indices(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut depth = 0;
    for c in path.chars() {
        match c {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found_in_camel_and_snake_case_at_their_place() {
        let help = |path, key, known: &[&'static str]| hint(path, key, known).map(|(text, _)| text);
        let container = ["name", "image", "security", "pull_policy", "volume_mounts"];
        for key in ["securityContext", "security_context"] {
            assert_eq!(
                help("containers[1]", key, &container).as_deref(),
                Some(format!("kstep calls this `security`: rename `{key}` to `security`").as_str())
            );
        }
        assert_eq!(
            help("containers[0]", "image_pull_policy", &container).as_deref(),
            Some("kstep calls this `pull_policy`: rename `image_pull_policy` to `pull_policy`")
        );
        assert_eq!(
            help("containers[0]", "volumeMounts", &container).as_deref(),
            Some("kstep calls this `volume_mounts`: rename `volumeMounts` to `volume_mounts`")
        );
        assert!(
            help("containers[0]", "tty", &container)
                .unwrap()
                .starts_with("kstep does not model `tty`; set it with a `[[patches]]` entry on the Deployment (`spec.template.spec.containers[].tty`)")
        );
        assert_eq!(
            help("", "node_selector", &[]).as_deref(),
            Some("`node_selector` belongs in `[pod]`: move it there")
        );
        assert_eq!(
            help("deployment", "nodeSelector", &[]).as_deref(),
            Some("kstep calls this `node_selector`, in `[pod]`: move it there as `node_selector`")
        );
        // Not the place: nothing.
        assert_eq!(help("service", "tty", &["name"]), None);
        assert_eq!(help("containers[0]", "imgae", &container), None);
    }

    /// The tables whose elements are lists of tables, for writing a place as TOML headers.
    const LISTS: &[&str] = &[
        "containers",
        "volumes",
        "ports",
        "volume_mounts",
        "env",
        "env_from",
        "services",
        "ingresses",
        "rules",
        "paths",
        "tls",
        "tolerations",
        "pod_affinity",
        "pod_anti_affinity",
        "node_affinity",
        "topology_spread",
        "items",
    ];

    /// A TOML step file with `key = 0` in the table at `path`.
    fn step_with(path: &str, key: &str) -> String {
        if path.is_empty() {
            return format!("{key} = 0\n");
        }
        let path = if path == "seccomp" {
            "pod.security.seccomp"
        } else {
            path
        };
        let segments: Vec<&str> = path.split('.').collect();
        let mut text = String::new();
        for end in 1..=segments.len() {
            let header = segments[..end].join(".");
            if LISTS.contains(&segments[end - 1]) {
                text.push_str(&format!("[[{header}]]\n"));
            } else if end == segments.len() {
                text.push_str(&format!("[{header}]\n"));
            }
        }
        text.push_str(&format!("{key} = 0\n"));
        text
    }

    /// Every entry, in camelCase and snake_case, put where it belongs in a step file: the
    /// reader's unknown-field diagnostic carries the entry's help. (Debug builds also check
    /// that a `Key` names a key the reader asks for.)
    #[test]
    fn every_entry_is_found_where_the_reader_reports_it() {
        let mut checked = 0;
        for place in PLACES {
            for path in place.paths {
                let entries = place.names.iter().flat_map(|names| names.iter());
                let pod_fields = POD_FIELDS
                    .iter()
                    .filter(|_| matches!(*path, "" | "deployment"))
                    .map(|(name, key)| (*name, Moved { table: "pod", key }));
                for (name, meaning) in entries.copied().chain(pod_fields) {
                    for key in [name.to_owned(), to_snake_case(name)] {
                        let mut sources = crate::source::SourceMap::default();
                        let text = step_with(path, &key);
                        let file = sources.add("t.toml".into(), text.clone().into());
                        let mut diags = crate::diagnostic::Diagnostics::default();
                        let root = crate::syntax::parse(
                            file,
                            &text,
                            crate::syntax::Format::Toml,
                            &mut diags,
                        )
                        .expect("valid TOML");
                        let _ = super::super::read_step(file, &text, &root, &mut diags);
                        let unknown = diags.into_sorted().into_iter().find(|d| {
                            d.code == crate::diagnostic::Code::UnknownField
                                && d.message.starts_with(&format!("unknown field `{key}`"))
                        });
                        let Some(unknown) = unknown else {
                            // The snake_case spelling may be kstep's own key.
                            assert!(
                                matches!(meaning, Key(ours) | Moved { key: ours, .. } if ours == key)
                                    || key != name,
                                "`{key}` at `{path}` is not reported:\n{text}"
                            );
                            continue;
                        };
                        let help = unknown.help.unwrap_or_default();
                        let expected = match meaning {
                            Key(ours) => format!("kstep calls this `{ours}`: rename"),
                            Moved { table, .. } => format!("in `[{table}]`: move it there"),
                            Reshaped { how, .. } | OneOf { how, .. } => how.to_owned(),
                            Unmodelled => format!("kstep does not model `{name}`"),
                        };
                        assert!(
                            help.contains(&expected)
                                || matches!(meaning, Moved { key: ours, .. } if ours == key && help.contains("belongs in")),
                            "`{key}` at `{path}`: {help}\n{text}"
                        );
                        checked += 1;
                    }
                }
            }
        }
        assert!(checked > 200, "only {checked} names checked");
    }

    #[test]
    fn indices_are_not_part_of_a_place() {
        assert_eq!(
            strip_indices("ingresses[0].rules[12].paths[3]"),
            "ingresses.rules.paths"
        );
        assert_eq!(strip_indices(""), "");
    }
}
