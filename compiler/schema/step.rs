//! The top of a step file: `[step]`, variables and environments, lint levels, the
//! Deployment, and the ConfigMaps and Secrets the step owns.

use std::collections::BTreeMap;

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::json;

use super::LintRules;
use super::container::Container;
use super::network::{Ingress, Service};
use super::pod::Pod;
use super::route::Route;
use super::scaling::{Autoscaling, DisruptionBudget};
use super::values::{Any, Count, Templated, Word};
use super::volume::Volume;
use super::workload::{CronJob, DaemonSet, Job, StatefulSet};
use crate::model::{PatchOpKind, Previous, Strategy};

/// A kstep step file: one workload (a Deployment with its containers and volumes), how it
/// is exposed, the objects it owns, and how it is deployed. Any string value may be a
/// minijinja template (`"{{ vars.version }}"`).
#[derive(JsonSchema)]
#[schemars(title = "kstep step file", deny_unknown_fields, extend("oneOf" = [
    { "required": ["deployment"] }, { "required": ["stateful_set"] },
    { "required": ["daemon_set"] }, { "required": ["job"] }, { "required": ["cron_job"] }
]))]
pub(super) struct StepFile {
    /// The step's identity, namespace and deployment strategy.
    #[schemars(example = json!({ "id": "shop-web", "namespace": "shop", "strategy": "blue-green" }))]
    step: Option<StepTable>,
    /// Variables for templates, as `vars.<name>`. A value is data; a table declares the
    /// variable: `{ value = ..., sensitive = true }`.
    #[schemars(example = json!({ "version": "1.4.2", "db_password": { "sensitive": true } }))]
    vars: Option<BTreeMap<String, Variable>>,
    /// Environments chosen with `kstep compile --env NAME`; each may override variables.
    #[schemars(example = json!({ "production": { "vars": { "replicas": 5 } } }))]
    env: Option<BTreeMap<String, Environment>>,
    /// Lint rule levels for `kstep lint`: `allow`, `warn` or `deny`.
    #[schemars(example = json!({ "no-liveness-probe": "allow" }))]
    lint: Option<LintRules>,
    /// The workload as a Deployment (the default kind; a step has exactly one of
    /// `deployment`, `stateful_set`, `daemon_set`, `job` and `cron_job`).
    #[schemars(example = json!({ "name": "web", "replicas": 3 }))]
    deployment: Option<Deployment>,
    /// The workload as a StatefulSet: pods with stable names and volumes of their own.
    #[schemars(example = json!({ "name": "db", "replicas": 3, "volume_claim_templates": [{ "name": "data", "size": "10Gi" }] }))]
    stateful_set: Option<StatefulSet>,
    /// The workload as a DaemonSet: one pod on every node.
    #[schemars(example = json!({ "name": "node-agent" }))]
    daemon_set: Option<DaemonSet>,
    /// The workload as a Job: pods that run to completion, a new Job for each deployment.
    #[schemars(example = json!({ "name": "migrate", "backoff_limit": 2, "active_deadline": 600 }))]
    job: Option<Job>,
    /// The workload as a CronJob: a Job on a schedule.
    #[schemars(example = json!({ "name": "report", "schedule": "30 2 * * *", "concurrency_policy": "Forbid" }))]
    cron_job: Option<CronJob>,
    /// How the pods run: identity, security, scheduling, DNS, shutdown.
    #[schemars(example = json!({ "service_account": "web", "spread": "nodes" }))]
    pod: Option<Pod>,
    /// Volumes the containers mount; each has a name and exactly one source.
    #[schemars(example = json!([{ "name": "cache", "empty_dir": {} }]))]
    volumes: Option<Vec<Volume>>,
    /// The containers: app containers, and init containers (`init = true`) that run first.
    #[schemars(example = json!([{ "name": "web", "image": "ghcr.io/acme/web:1.4.2" }]))]
    containers: Vec<Container>,
    /// The Service that exposes the pods (the short form of `services` for one).
    #[schemars(example = json!({ "ports": [{ "name": "http", "port": 80, "target_port": "http" }] }))]
    service: Option<Service>,
    /// Several Services over the same pods, each with its own name, type and ports.
    #[schemars(example = json!([{ "name": "web", "ports": [{ "name": "http", "port": 80, "target_port": "http" }] }, { "name": "web-public", "type": "LoadBalancer", "ports": [{ "name": "https", "port": 443, "target_port": "http" }] }]))]
    services: Option<Vec<Service>>,
    /// HTTP routing to ports of the step's Service (the short form of `ingresses` for one).
    #[schemars(example = json!({ "rules": [{ "host": "shop.example.com", "paths": [{ "path": "/", "port": "http" }] }] }))]
    ingress: Option<Ingress>,
    /// Several Ingresses, each naming the Service it routes to.
    #[schemars(example = json!([{ "name": "web", "service": "web", "rules": [{ "host": "shop.example.com", "paths": [{ "path": "/", "port": "http" }] }] }]))]
    ingresses: Option<Vec<Ingress>>,
    /// ConfigMaps the step owns, by name.
    #[schemars(example = json!({ "web-config": { "data": { "LOG_LEVEL": "info" } } }))]
    config_maps: Option<BTreeMap<String, ConfigMap>>,
    /// Secrets the step owns, by name. Values come best from sensitive variables.
    #[schemars(example = json!({ "db": { "data": { "password": "{{ vars.db_password }}" } } }))]
    secrets: Option<BTreeMap<String, Secret>>,
    /// Changes to the emitted objects, for fields kstep does not model: a JSON merge patch
    /// (`merge`) or JSON patch operations (`json`), in the Kubernetes API's field names.
    #[schemars(example = json!([{ "kind": "Deployment", "merge": { "spec": { "template": { "spec": { "shareProcessNamespace": true } } } } }]))]
    patches: Option<Vec<Patch>>,
    /// A PodDisruptionBudget over the step's pods: exactly one of `min_available` and
    /// `max_unavailable`. Under blue/green each deployment gets its own.
    #[schemars(example = json!({ "max_unavailable": 1 }))]
    disruption_budget: Option<DisruptionBudget>,
    /// A HorizontalPodAutoscaler that sets the Deployment's replicas from the pods' CPU and
    /// memory use; the Deployment then leaves `replicas` to it.
    #[schemars(example = json!({ "min_replicas": 2, "max_replicas": 10, "cpu_utilization": 70 }))]
    autoscaling: Option<Autoscaling>,
    /// A Gateway API HTTPRoute to ports of the step's Services (the short form of `routes`
    /// for one).
    #[schemars(example = json!({ "parents": [{ "name": "public", "namespace": "gateways" }], "hostnames": ["shop.example.com"], "rules": [{ "backends": [{ "port": "http" }] }] }))]
    route: Option<Route>,
    /// Several HTTPRoutes, each a table like `route`.
    #[schemars(example = json!([{ "name": "web", "parents": [{ "name": "public" }], "rules": [{ "backends": [{ "port": "http" }] }] }]))]
    routes: Option<Vec<Route>>,
}

/// `[[patches]]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, extend("oneOf" = [{ "required": ["merge"] }, { "required": ["json"] }]))]
struct Patch {
    /// The object's kind, as in its manifest: `Deployment` (`StatefulSet`, `DaemonSet`, `Job`,
    /// `CronJob`), `Service`, `Ingress`,
    /// `ConfigMap`, `Secret`, `EndpointSlice`.
    #[schemars(example = &"Deployment")]
    kind: String,
    /// The object's name as the step writes it (without the deployment id under
    /// blue/green); needed when the step has several objects of the kind.
    #[schemars(example = &"web")]
    name: Option<String>,
    /// A JSON merge patch (RFC 7386): objects merge, other values replace, `null` removes.
    #[schemars(example = json!({ "spec": { "template": { "spec": { "enableServiceLinks": false } } } }))]
    merge: Option<BTreeMap<String, Any>>,
    /// JSON patch operations (RFC 6902), applied in order.
    #[schemars(example = json!([{ "op": "add", "path": "/spec/template/spec/containers/0/stdin", "value": true }]))]
    json: Option<Vec<PatchOp>>,
}

/// One JSON patch operation.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct PatchOp {
    /// `add`, `remove`, `replace`, `move`, `copy` or `test`.
    #[schemars(example = &"add")]
    op: Word<PatchOpKind>,
    /// A JSON pointer to the field: `/spec/template/spec/containers/0/stdin`.
    #[schemars(example = &"/spec/template/spec/containers/0/stdin")]
    path: String,
    /// Where `move` and `copy` take the value from.
    #[schemars(example = &"/metadata/labels/app")]
    from: Option<String>,
    /// The value for `add`, `replace` and `test`.
    #[schemars(example = true)]
    value: Option<Any>,
}

/// `[step]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct StepTable {
    /// The step's stable identity across deployments; default: the deployment name.
    #[schemars(example = &"shop-web")]
    id: Option<String>,
    /// The namespace every object goes to; default: kubectl's current namespace.
    #[schemars(example = &"shop")]
    namespace: Option<String>,
    /// How deployments replace the running version.
    #[schemars(example = &"rolling-update")]
    strategy: Option<Word<Strategy>>,
}

/// A variable: its value, or a table that declares it.
struct Variable;

impl JsonSchema for Variable {
    fn schema_name() -> Cow<'static, str> {
        "variable".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        json_schema!({
            "anyOf": [
                {
                    "description": "the value (a table is a declaration; put a table value under `value`)",
                    "type": ["string", "number", "boolean", "array"]
                },
                generator.subschema_for::<VarDeclaration>()
            ]
        })
    }
}

/// `name = { value = ..., sensitive = true }`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct VarDeclaration {
    /// The value, tables included; without one, it must be given from outside the step
    /// (`--var`, `--vars-file`, or `KSTEP_VAR_<NAME>`).
    #[schemars(example = &"1.4.2")]
    value: Option<Any>,
    /// `true`: whatever a template renders from the variable may only fill a Secret's
    /// `data` or `registry.password`.
    #[schemars(example = &true)]
    sensitive: Option<bool>,
}

/// `[env.<name>]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Environment {
    /// Variables that replace or add to the step's `[vars]` in this environment.
    #[schemars(example = json!({ "replicas": 5, "host": "shop.example.com" }))]
    vars: Option<BTreeMap<String, Variable>>,
}

/// `[deployment]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Deployment {
    /// The Deployment's name: a DNS-1123 subdomain of at most 63 characters (it is also a
    /// label value).
    #[schemars(example = &"web")]
    name: String,
    /// How many pods; default 1.
    #[schemars(example = 3)]
    replicas: Option<Templated<i64>>,
    /// Seconds a rollout may take before it counts as failed; default 600.
    #[schemars(example = 300)]
    progress_deadline: Option<Templated<i64>>,
    /// Labels on every object of the step and on the pods.
    #[schemars(example = json!({ "team": "storefront" }))]
    labels: Option<BTreeMap<String, String>>,
    /// Annotations on the Deployment.
    #[schemars(example = json!({ "example.com/owner": "storefront" }))]
    annotations: Option<BTreeMap<String, String>>,
    /// An existing Deployment's selector (`matchLabels`) to keep, so that the step's output
    /// applies over a Deployment created by hand or by Helm; not with blue/green.
    #[schemars(example = json!({ "app.kubernetes.io/name": "web", "app.kubernetes.io/instance": "web" }))]
    selector: Option<BTreeMap<String, String>>,
    /// How fast a rolling update replaces pods (rolling-update strategy only).
    #[schemars(example = json!({ "max_surge": "25%", "max_unavailable": 0 }))]
    rolling: Option<Rolling>,
    /// How the deploy script switches traffic (blue-green strategy only): the drain delay,
    /// manual promotion, a preview Service, and what becomes of the previous deployment.
    #[schemars(example = json!({ "scale_down_delay": 30, "auto_promote": false, "preview": { "replicas": 1 } }))]
    blue_green: Option<BlueGreen>,
    /// Seconds a new pod must be ready before it counts as available.
    #[schemars(example = 10)]
    min_ready: Option<Templated<i64>>,
    /// Old ReplicaSets kept for rollback; the API's default is 10.
    #[schemars(example = 3)]
    revision_history_limit: Option<Templated<i64>>,
}

/// `[deployment.rolling]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Rolling {
    /// Extra pods allowed during the update.
    #[schemars(example = &"25%")]
    max_surge: Option<Count>,
    /// Pods allowed to be unavailable during the update.
    #[schemars(example = 0)]
    max_unavailable: Option<Count>,
}

/// `[deployment.blue_green]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct BlueGreen {
    /// Seconds the previous deployment keeps running after the Services switch away from
    /// it, so that requests in flight finish; 0 to 3600, default 30. `deploy.sh
    /// --scale-down-delay` overrides it.
    #[schemars(example = 30)]
    scale_down_delay: Option<Templated<i64>>,
    /// Whether the script switches the Services as soon as the new deployment is ready
    /// (default true); with false it stops there until `deploy.sh promote`.
    #[schemars(example = false)]
    auto_promote: Option<Templated<bool>>,
    /// What becomes of the previous deployment after the delay, kept for `deploy.sh
    /// rollback`: `scale-to-zero` (the default) or `keep-running`.
    #[schemars(example = &"scale-to-zero")]
    previous: Option<Word<Previous>>,
    /// A Service that selects the new deployment before it takes traffic.
    #[schemars(example = json!({ "service": "web-preview", "replicas": 1 }))]
    preview: Option<BlueGreenPreview>,
}

/// `[deployment.blue_green.preview]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct BlueGreenPreview {
    /// The preview Service's name; default: the step's first Service's name and `-preview`.
    #[schemars(example = &"web-preview")]
    service: Option<String>,
    /// Replicas of the new deployment until it is promoted; default: `replicas`.
    #[schemars(example = 1)]
    replicas: Option<Templated<i64>>,
}

/// `[config_maps.<name>]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ConfigMap {
    /// The ConfigMap's data: keys and string values.
    #[schemars(example = json!({ "app.toml": "level = 'info'\n" }))]
    data: Option<BTreeMap<String, String>>,
}

/// `[secrets.<name>]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Secret {
    /// The Secret's type; default `Opaque` (`kubernetes.io/dockerconfigjson` with `registry`).
    #[schemars(example = &"kubernetes.io/tls")]
    r#type: Option<String>,
    /// The Secret's data: keys and string values (encoded by kstep).
    #[schemars(example = json!({ "password": "{{ vars.db_password }}" }))]
    data: Option<BTreeMap<String, String>>,
    /// An image pull secret for one registry; the Deployment then references it.
    #[schemars(example = json!({ "server": "ghcr.io", "username": "ci", "password": "{{ vars.registry_token }}" }))]
    registry: Option<Registry>,
}

/// `[secrets.<name>.registry]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Registry {
    /// The registry host.
    #[schemars(example = &"ghcr.io")]
    server: String,
    /// The user name.
    #[schemars(example = &"ci")]
    username: String,
    /// The password or token.
    #[schemars(example = &"{{ vars.registry_token }}")]
    password: String,
}
