//! `[pod]`: identity, security, scheduling, DNS and shutdown.

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::json;

use super::values::{Templated, Word};
use crate::model::{
    DnsPolicy, SecurityProfile, Spread, TaintEffect, TolerationOperator, UnsatisfiableAction,
};

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(super) struct Pod {
    /// Labels of the pod template only; the deployment's `labels` are on every object.
    #[schemars(example = json!({ "version": "v2" }))]
    labels: Option<BTreeMap<String, String>>,
    /// Annotations of the pod template, such as `prometheus.io/scrape`.
    #[schemars(example = json!({ "prometheus.io/scrape": "true", "prometheus.io/port": "9090" }))]
    annotations: Option<BTreeMap<String, String>>,
    /// Which secure defaults kstep writes: `baseline` (default: seccomp `RuntimeDefault`, no
    /// privilege escalation, no API token) or `restricted` (also non-root and every
    /// capability dropped, as the Pod Security Standard of that name requires).
    #[schemars(example = &"restricted")]
    security_profile: Option<Word<SecurityProfile>>,
    /// The service account the pods run as.
    #[schemars(example = &"web")]
    service_account: Option<String>,
    /// Mount the service account's API token; kstep's default is `false`.
    #[schemars(example = true)]
    automount_service_account_token: Option<Templated<bool>>,
    /// The pod's security context; kstep writes seccomp `RuntimeDefault` (and, under the
    /// `restricted` profile, non-root) unless this says otherwise.
    #[schemars(example = json!({ "run_as_user": 1000, "fs_group": 2000 }))]
    security: Option<PodSecurity>,
    /// Use the node's network namespace.
    #[schemars(example = false)]
    host_network: Option<Templated<bool>>,
    /// Use the node's process namespace.
    #[schemars(example = false)]
    host_pid: Option<Templated<bool>>,
    /// Use the node's IPC namespace.
    #[schemars(example = false)]
    host_ipc: Option<Templated<bool>>,
    /// Node labels the pods require.
    #[schemars(example = json!({ "kubernetes.io/os": "linux" }))]
    node_selector: Option<BTreeMap<String, String>>,
    /// Node affinity terms: required, or preferred with a weight.
    #[schemars(example = json!([{ "required": true, "match": [{ "key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"] }] }]))]
    node_affinity: Option<Vec<NodeAffinityTerm>>,
    /// Run near pods that match; without a selector, near the step's own pods.
    #[schemars(example = json!([{ "weight": 100, "topology_key": "topology.kubernetes.io/zone", "match_labels": { "app.kubernetes.io/name": "cache" } }]))]
    pod_affinity: Option<Vec<PodAffinityTerm>>,
    /// Run apart from pods that match; without a selector, apart from the step's own pods.
    #[schemars(example = json!([{ "required": true, "topology_key": "kubernetes.io/hostname" }]))]
    pod_anti_affinity: Option<Vec<PodAffinityTerm>>,
    /// Keep the step's replicas apart: `nodes`, `zones`, or both.
    #[schemars(example = json!(["nodes", "zones"]))]
    spread: Option<SpreadValue>,
    /// Taints the pods tolerate.
    #[schemars(example = json!([{ "key": "dedicated", "operator": "Equal", "value": "web", "effect": "NoSchedule" }]))]
    tolerations: Option<Vec<Toleration>>,
    /// Topology spread constraints over the step's pods.
    #[schemars(example = json!([{ "topology_key": "topology.kubernetes.io/zone", "max_skew": 1 }]))]
    topology_spread: Option<Vec<TopologySpread>>,
    /// The priority class.
    #[schemars(example = &"business-critical")]
    priority_class: Option<String>,
    /// How the pod's DNS is configured.
    #[schemars(example = &"ClusterFirst")]
    dns_policy: Option<Word<DnsPolicy>>,
    /// DNS settings added to the policy's (all of them with policy `None`).
    #[schemars(example = json!({ "nameservers": ["10.96.0.10"], "options": [{ "name": "ndots", "value": "2" }] }))]
    dns_config: Option<DnsConfig>,
    /// Extra `/etc/hosts` entries.
    #[schemars(example = json!([{ "ip": "10.1.2.3", "hostnames": ["legacy.internal"] }]))]
    host_aliases: Option<Vec<HostAlias>>,
    /// Seconds between the stop signal and the kill; the API's default is 30.
    #[schemars(example = 45)]
    termination_grace_period: Option<Templated<i64>>,
    /// Pod conditions that must be true for the pod to be ready.
    #[schemars(example = json!(["example.com/load-balancer-ready"]))]
    readiness_gates: Option<Vec<String>>,
    /// Image pull Secrets by name, besides the step's own registry Secrets.
    #[schemars(example = json!(["registry-acme"]))]
    image_pull_secrets: Option<Vec<String>>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct PodSecurity {
    /// The user id the containers run as.
    #[schemars(example = 1000)]
    run_as_user: Option<Templated<i64>>,
    /// The group id the containers run as.
    #[schemars(example = 1000)]
    run_as_group: Option<Templated<i64>>,
    /// Refuse to start as root; kstep's default is `true`.
    #[schemars(example = true)]
    run_as_non_root: Option<Templated<bool>>,
    /// `RuntimeDefault` (kstep's default), `Unconfined`, or `{ localhost = "<file>" }`.
    #[schemars(example = &"RuntimeDefault")]
    seccomp: Option<Seccomp>,
    /// SELinux labels.
    #[schemars(example = json!({ "level": "s0:c123,c456" }))]
    se_linux: Option<SeLinux>,
    /// The group that owns mounted volumes.
    #[schemars(example = 2000)]
    fs_group: Option<Templated<i64>>,
    /// More groups for the containers' processes.
    #[schemars(example = json!([4000]))]
    supplemental_groups: Option<Vec<Templated<i64>>>,
    /// Kernel parameters, by name.
    #[schemars(example = json!({ "net.ipv4.tcp_keepalive_time": "600" }))]
    sysctls: Option<BTreeMap<String, SysctlValue>>,
}

/// A sysctl value: text, or a number taken as its text.
struct SysctlValue;

impl JsonSchema for SysctlValue {
    fn schema_name() -> Cow<'static, str> {
        "sysctl".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "anyOf": [{ "type": "string" }, { "type": "integer" }] })
    }
}

/// A seccomp profile.
pub(super) struct Seccomp;

impl JsonSchema for Seccomp {
    fn schema_name() -> Cow<'static, str> {
        "seccomp".into()
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [
                { "type": "string", "enum": ["RuntimeDefault", "Unconfined"] },
                {
                    "type": "object",
                    "properties": {
                        "localhost": {
                            "type": "string",
                            "description": "a profile file, relative to the kubelet's seccomp directory"
                        }
                    },
                    "required": ["localhost"],
                    "additionalProperties": false
                },
                { "type": "string", "pattern": r"\{\{|\{%|\{#" }
            ]
        })
    }
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(super) struct SeLinux {
    /// The SELinux user.
    #[schemars(example = &"system_u")]
    user: Option<String>,
    /// The SELinux role.
    #[schemars(example = &"system_r")]
    role: Option<String>,
    /// The SELinux type.
    #[schemars(example = &"container_t")]
    r#type: Option<String>,
    /// The SELinux level.
    #[schemars(example = &"s0:c123,c456")]
    level: Option<String>,
}

/// `"nodes"`, `"zones"`, or a list of them.
struct SpreadValue;

impl JsonSchema for SpreadValue {
    fn schema_name() -> Cow<'static, str> {
        "spread".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let word = generator.subschema_for::<Word<Spread>>();
        json_schema!({ "anyOf": [word, { "type": "array", "items": word }] })
    }
}

/// Required (`required = true`) or preferred (`weight`), and node label requirements.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, extend("oneOf" = [{ "required": ["required"] }, { "required": ["weight"] }]))]
struct NodeAffinityTerm {
    /// The pods only run on matching nodes.
    #[schemars(example = true)]
    required: Option<Templated<bool>>,
    /// The pods prefer matching nodes, with this weight (1-100).
    #[schemars(example = 50)]
    weight: Option<Templated<i64>>,
    /// Node label requirements, all of which must hold.
    #[schemars(example = json!([{ "key": "kubernetes.io/arch", "operator": "In", "values": ["amd64"] }]))]
    r#match: Vec<Requirement>,
}

/// Required (`required = true`) or preferred (`weight`), a topology key and a selector.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, extend("oneOf" = [{ "required": ["required"] }, { "required": ["weight"] }]))]
struct PodAffinityTerm {
    /// The rule must hold.
    #[schemars(example = true)]
    required: Option<Templated<bool>>,
    /// The rule is a preference with this weight (1-100).
    #[schemars(example = 100)]
    weight: Option<Templated<i64>>,
    /// The node label that defines "together": a node, a zone, ...
    #[schemars(example = &"kubernetes.io/hostname")]
    topology_key: String,
    /// Labels the other pods have; without a selector, the step's own pods.
    #[schemars(example = json!({ "app.kubernetes.io/name": "cache" }))]
    match_labels: Option<BTreeMap<String, String>>,
    /// Label requirements the other pods meet.
    #[schemars(example = json!([{ "key": "tier", "operator": "In", "values": ["batch"] }]))]
    r#match: Option<Vec<Requirement>>,
    /// Namespaces of the other pods; default: the step's.
    #[schemars(example = json!(["jobs"]))]
    namespaces: Option<Vec<String>>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Requirement {
    /// The label key.
    #[schemars(example = &"kubernetes.io/arch")]
    key: String,
    /// `In`, `NotIn`, `Exists`, `DoesNotExist` (and for nodes `Gt`, `Lt`).
    #[schemars(example = &"In")]
    operator: String,
    /// The values `In`, `NotIn`, `Gt` and `Lt` compare with.
    #[schemars(example = json!(["amd64", "arm64"]))]
    values: Option<Vec<String>>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Toleration {
    /// The taint's key; empty with `Exists` tolerates every taint.
    #[schemars(example = &"dedicated")]
    key: Option<String>,
    /// `Equal` (default) or `Exists`.
    #[schemars(example = &"Equal")]
    operator: Option<Word<TolerationOperator>>,
    /// The taint's value, with `Equal`.
    #[schemars(example = &"web")]
    value: Option<String>,
    /// The taint effect; empty matches all.
    #[schemars(example = &"NoSchedule")]
    effect: Option<Word<TaintEffect>>,
    /// How long a `NoExecute` taint is tolerated before eviction.
    #[schemars(example = 60)]
    seconds: Option<Templated<i64>>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct TopologySpread {
    /// The node label that defines the domains.
    #[schemars(example = &"topology.kubernetes.io/zone")]
    topology_key: String,
    /// The largest allowed difference in pod count between domains; default 1.
    #[schemars(example = 1)]
    max_skew: Option<Templated<i64>>,
    /// `ScheduleAnyway` (default) or `DoNotSchedule`.
    #[schemars(example = &"DoNotSchedule")]
    when_unsatisfiable: Option<Word<UnsatisfiableAction>>,
    /// The fewest domains to count (with `DoNotSchedule`).
    #[schemars(example = 2)]
    min_domains: Option<Templated<i64>>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct DnsConfig {
    /// Name server addresses (at most 3).
    #[schemars(example = json!(["10.96.0.10"]))]
    nameservers: Option<Vec<String>>,
    /// Search domains.
    #[schemars(example = json!(["svc.cluster.local"]))]
    searches: Option<Vec<String>>,
    /// Resolver options.
    #[schemars(example = json!([{ "name": "ndots", "value": "2" }]))]
    options: Option<Vec<DnsOption>>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct DnsOption {
    /// The option's name.
    #[schemars(example = &"ndots")]
    name: String,
    /// Its value, if it takes one.
    #[schemars(example = &"2")]
    value: Option<String>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct HostAlias {
    /// The address.
    #[schemars(example = &"10.1.2.3")]
    ip: String,
    /// Names that resolve to it.
    #[schemars(example = json!(["legacy.internal"]))]
    hostnames: Vec<String>,
}
