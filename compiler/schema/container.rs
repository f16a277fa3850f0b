//! `[[containers]]`: image, ports, resources, environment, mounts, probes, command, and how
//! the container runs.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde_json::json;

use super::values::{PortRef, Quantity, Templated, Word};
use crate::model::{Protocol, PullPolicy, Scheme, TerminationMessagePolicy};

/// One app or init container.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(super) struct Container {
    /// The container's name, unique in the pod (a DNS-1123 label).
    #[schemars(example = &"web")]
    name: String,
    /// The image reference.
    #[schemars(example = &"ghcr.io/acme/web:1.4.2")]
    image: String,
    /// An init container runs to completion before the app containers start.
    #[schemars(example = true)]
    init: Option<Templated<bool>>,
    /// A native sidecar: started before the app containers and kept running beside them
    /// (an init container with `restartPolicy: Always`).
    #[schemars(example = true)]
    sidecar: Option<Templated<bool>>,
    /// Ports the container listens on.
    #[schemars(example = json!([{ "name": "http", "port": 8080 }]))]
    ports: Option<Vec<ContainerPort>>,
    /// CPU, memory, ephemeral storage and extended resources (by API name, e.g.
    /// `nvidia.com/gpu`).
    #[schemars(example = json!({ "requests": { "cpu": "100m", "memory": "128Mi" }, "limits": { "memory": "256Mi" } }))]
    resources: Option<Resources>,
    /// Environment variables.
    #[schemars(example = json!([{ "name": "LOG_LEVEL", "value": "info" }]))]
    env: Option<Vec<EnvVar>>,
    /// Every key of a ConfigMap or Secret as environment variables.
    #[schemars(example = json!([{ "config_map": "web-settings", "prefix": "APP_" }]))]
    env_from: Option<Vec<EnvFrom>>,
    /// Volumes mounted into the container.
    #[schemars(example = json!([{ "volume": "config", "path": "/etc/web", "read_only": true }]))]
    volume_mounts: Option<Vec<VolumeMount>>,
    /// Restarts the container when it fails.
    #[schemars(example = json!({ "tcp": { "port": "http" }, "initial_delay": 10 }))]
    liveness: Option<Probe>,
    /// Sends traffic to the pod only while it succeeds.
    #[schemars(example = json!({ "http": { "path": "/ready", "port": "http" } }))]
    readiness: Option<Probe>,
    /// Holds the other probes back until the app has started.
    #[schemars(example = json!({ "http": { "path": "/healthz", "port": "http" }, "failure_threshold": 30 }))]
    startup: Option<Probe>,
    /// The command, replacing the image's entrypoint.
    #[schemars(example = json!(["/app/web"]))]
    command: Option<Vec<String>>,
    /// Arguments, replacing the image's.
    #[schemars(example = json!(["--port", "8080"]))]
    args: Option<Vec<String>>,
    /// When the image is pulled.
    #[schemars(example = &"IfNotPresent")]
    pull_policy: Option<Word<PullPolicy>>,
    /// The working directory (an absolute path).
    #[schemars(example = &"/srv/app")]
    working_dir: Option<String>,
    /// Where the termination message comes from.
    #[schemars(example = &"FallbackToLogsOnError")]
    termination_message_policy: Option<Word<TerminationMessagePolicy>>,
    /// Who the container runs as and what it may do. kstep drops every capability and
    /// forbids privilege escalation unless this says otherwise.
    #[schemars(example = json!({ "run_as_user": 1000, "read_only_root_filesystem": true }))]
    security: Option<ContainerSecurity>,
    /// Hooks run after the container starts and before it stops.
    #[schemars(example = json!({ "pre_stop": { "sleep": 5 } }))]
    lifecycle: Option<Lifecycle>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ContainerPort {
    /// An IANA service name (at most 15 characters), for references by name.
    #[schemars(example = &"http")]
    name: Option<String>,
    /// The port number.
    #[schemars(example = 8080)]
    port: Templated<i64>,
    /// TCP (default), UDP or SCTP.
    #[schemars(example = &"TCP")]
    protocol: Option<Word<Protocol>>,
    /// A port on the node that forwards to this one.
    #[schemars(example = 8080)]
    host_port: Option<Templated<i64>>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Resources {
    /// What the scheduler reserves for the container.
    #[schemars(example = json!({ "cpu": "100m", "memory": "128Mi" }))]
    requests: Option<ResourceList>,
    /// What the container may use at most.
    #[schemars(example = json!({ "memory": "256Mi" }))]
    limits: Option<ResourceList>,
}

/// `cpu`, `memory`, `ephemeral_storage`, and extended resources by their API name.
#[derive(JsonSchema)]
#[schemars(extend("propertyNames" = { "anyOf": [
    { "enum": ["cpu", "memory", "ephemeral_storage"] },
    { "pattern": "/|^hugepages-" }
] }))]
struct ResourceList {
    /// CPU, in cores or millicores.
    #[schemars(example = &"250m")]
    cpu: Option<Quantity>,
    /// Memory, in bytes with a suffix.
    #[schemars(example = &"128Mi")]
    memory: Option<Quantity>,
    /// Local ephemeral storage.
    #[schemars(example = &"1Gi")]
    ephemeral_storage: Option<Quantity>,
    /// Extended resources (`nvidia.com/gpu`) and huge pages (`hugepages-2Mi`).
    #[serde(flatten)]
    extended: BTreeMap<String, Quantity>,
}

/// A value from exactly one source: `value`, `config_map` + `key`, `secret` + `key`,
/// `field`, or `resource`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, extend("oneOf" = [
    { "required": ["value"] }, { "required": ["config_map"] }, { "required": ["secret"] },
    { "required": ["field"] }, { "required": ["resource"] }
]))]
struct EnvVar {
    /// The variable's name.
    #[schemars(example = &"LOG_LEVEL")]
    name: String,
    /// A literal value.
    #[schemars(example = &"info")]
    value: Option<String>,
    /// A ConfigMap to take `key` from.
    #[schemars(example = &"web-config")]
    config_map: Option<String>,
    /// A Secret to take `key` from.
    #[schemars(example = &"db")]
    secret: Option<String>,
    /// The key in the ConfigMap or Secret.
    #[schemars(example = &"password")]
    key: Option<String>,
    /// Start the container even if the ConfigMap, Secret or key is missing.
    #[schemars(example = true)]
    optional: Option<Templated<bool>>,
    /// A field of the pod (downward API).
    #[schemars(example = &"metadata.name")]
    field: Option<String>,
    /// A resource request or limit (downward API).
    #[schemars(example = &"limits.memory")]
    resource: Option<String>,
    /// The container whose `resource`; default: this one.
    #[schemars(example = &"web")]
    container: Option<String>,
    /// The unit of `resource`'s value.
    #[schemars(example = &"1Mi")]
    divisor: Option<Quantity>,
}

/// Every key of a ConfigMap or of a Secret.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, extend("oneOf" = [{ "required": ["config_map"] }, { "required": ["secret"] }]))]
struct EnvFrom {
    /// The ConfigMap.
    #[schemars(example = &"web-settings")]
    config_map: Option<String>,
    /// The Secret.
    #[schemars(example = &"web-credentials")]
    secret: Option<String>,
    /// Put before every variable name.
    #[schemars(example = &"APP_")]
    prefix: Option<String>,
    /// Start the container even if the object is missing.
    #[schemars(example = true)]
    optional: Option<Templated<bool>>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct VolumeMount {
    /// The name of a volume of the step.
    #[schemars(example = &"config")]
    volume: String,
    /// Where it appears in the container (absolute).
    #[schemars(example = &"/etc/web")]
    path: String,
    /// A path inside the volume to mount instead of its root.
    #[schemars(example = &"app.toml")]
    sub_path: Option<String>,
    /// Mount read-only.
    #[schemars(example = true)]
    read_only: Option<Templated<bool>>,
}

/// A liveness, readiness or startup probe: exactly one of `command`, `http` or `tcp`, and
/// timings.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, extend("oneOf" = [{ "required": ["command"] }, { "required": ["http"] }, { "required": ["tcp"] }, { "required": ["grpc"] }]))]
struct Probe {
    /// A command run in the container; healthy when it exits 0.
    #[schemars(example = json!(["/bin/healthcheck"]))]
    command: Option<Vec<String>>,
    /// An HTTP GET; healthy on status 200-399.
    #[schemars(example = json!({ "path": "/healthz", "port": "http" }))]
    http: Option<HttpGet>,
    /// A TCP connection; healthy when it opens.
    #[schemars(example = json!({ "port": "http" }))]
    tcp: Option<TcpSocket>,
    /// A gRPC health check (`grpc.health.v1.Health/Check`); healthy when it answers
    /// `SERVING`.
    #[schemars(example = json!({ "port": "grpc" }))]
    grpc: Option<GrpcCheck>,
    /// Failures in a row before the probe fails.
    #[schemars(example = 3)]
    failure_threshold: Option<Templated<i64>>,
    /// Successes in a row before it succeeds (1 for liveness and startup).
    #[schemars(example = 1)]
    success_threshold: Option<Templated<i64>>,
    /// Seconds to wait for an answer.
    #[schemars(example = 1)]
    timeout: Option<Templated<i64>>,
    /// Seconds after the start before the first probe.
    #[schemars(example = 10)]
    initial_delay: Option<Templated<i64>>,
    /// Seconds between probes.
    #[schemars(example = 10)]
    period: Option<Templated<i64>>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(super) struct HttpGet {
    /// The host to connect to; default: the pod's IP.
    #[schemars(example = &"localhost")]
    host: Option<String>,
    /// The path to request.
    #[schemars(example = &"/healthz")]
    path: Option<String>,
    /// HTTP (default) or HTTPS.
    #[schemars(example = &"HTTP")]
    scheme: Option<Word<Scheme>>,
    /// The port, by number or by the name of a container port.
    #[schemars(example = &"http")]
    port: PortRef,
    /// Request headers.
    #[schemars(example = json!([{ "name": "X-Probe", "value": "kubelet" }]))]
    headers: Option<Vec<HttpHeader>>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct HttpHeader {
    /// The header's name.
    #[schemars(example = &"X-Probe")]
    name: String,
    /// Its value.
    #[schemars(example = &"kubelet")]
    value: String,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct TcpSocket {
    /// The host to connect to; default: the pod's IP.
    #[schemars(example = &"localhost")]
    host: Option<String>,
    /// The port, by number or by the name of a container port.
    #[schemars(example = &"http")]
    port: PortRef,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct GrpcCheck {
    /// The port, by number or by the name of a container port (written as its number).
    #[schemars(example = &"grpc")]
    port: PortRef,
    /// The service name sent in the request; default: the server as a whole.
    #[schemars(example = &"hipstershop.CartService")]
    service: Option<String>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Lifecycle {
    /// Run after the container starts.
    #[schemars(example = json!({ "command": ["/app/warm-up"] }))]
    post_start: Option<Hook>,
    /// Run before the container is stopped.
    #[schemars(example = json!({ "sleep": 5 }))]
    pre_stop: Option<Hook>,
}

/// Exactly one of `command`, `http` or `sleep`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, extend("oneOf" = [{ "required": ["command"] }, { "required": ["http"] }, { "required": ["sleep"] }]))]
struct Hook {
    /// A command run in the container.
    #[schemars(example = json!(["/bin/sh", "-c", "nginx -s quit"]))]
    command: Option<Vec<String>>,
    /// An HTTP GET to the container.
    #[schemars(example = json!({ "path": "/drain", "port": "http" }))]
    http: Option<HttpGet>,
    /// Seconds to wait.
    #[schemars(example = 5)]
    sleep: Option<Templated<i64>>,
}

/// The fields a container's and the pod's `security` share.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(super) struct ContainerSecurity {
    /// The user id the process runs as.
    #[schemars(example = 1000)]
    run_as_user: Option<Templated<i64>>,
    /// The group id the process runs as.
    #[schemars(example = 1000)]
    run_as_group: Option<Templated<i64>>,
    /// Refuse to start as root; kstep's default is `true`.
    #[schemars(example = true)]
    run_as_non_root: Option<Templated<bool>>,
    /// `RuntimeDefault` (kstep's default), `Unconfined`, or `{ localhost = "<file>" }`.
    #[schemars(example = &"RuntimeDefault")]
    seccomp: Option<super::pod::Seccomp>,
    /// SELinux labels.
    #[schemars(example = json!({ "level": "s0:c123,c456" }))]
    se_linux: Option<super::pod::SeLinux>,
    /// Mount the root filesystem read-only.
    #[schemars(example = true)]
    read_only_root_filesystem: Option<Templated<bool>>,
    /// Let the process gain privileges; kstep's default is `false`.
    #[schemars(example = false)]
    allow_privilege_escalation: Option<Templated<bool>>,
    /// Run privileged: every capability and device of the node.
    #[schemars(example = false)]
    privileged: Option<Templated<bool>>,
    /// Linux capabilities; kstep drops `ALL` unless `drop` is given.
    #[schemars(example = json!({ "add": ["NET_BIND_SERVICE"] }))]
    capabilities: Option<Capabilities>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Capabilities {
    /// Capabilities to add (names from capabilities(7), without `CAP_`).
    #[schemars(example = json!(["NET_BIND_SERVICE"]))]
    add: Option<Vec<String>>,
    /// Capabilities to drop; default `["ALL"]`.
    #[schemars(example = json!(["ALL"]))]
    drop: Option<Vec<String>>,
}
