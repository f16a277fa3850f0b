//! `[service]` and `[ingress]`.

use std::collections::BTreeMap;

use std::borrow::Cow;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde_json::json;

use super::values::{PortRef, Templated, Word};
use crate::model::{
    IpFamily, IpFamilyPolicy, PathType, Protocol, ServiceType, SessionAffinity,
    TrafficDistribution, TrafficPolicy,
};

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(super) struct Service {
    /// The Service's name (an RFC 1035 label); default: the deployment name.
    #[schemars(example = &"web")]
    name: Option<String>,
    /// `ClusterIP` (default), `NodePort`, `LoadBalancer` or `ExternalName`.
    #[schemars(example = &"ClusterIP")]
    r#type: Option<Word<ServiceType>>,
    /// A fixed cluster IP, or `"None"` for a headless Service.
    #[schemars(example = &"None")]
    cluster_ip: Option<String>,
    /// The DNS name an `ExternalName` Service points to.
    #[schemars(example = &"db.example.com")]
    external_name: Option<String>,
    /// Which pods it selects: `true` (default) the step's own, `false` none (its endpoints
    /// are given or managed elsewhere), or a table of labels that pods of several steps share.
    #[schemars(example = json!({ "app": "reviews" }))]
    selector: Option<SelectorValue>,
    /// Addresses outside the cluster, for a Service without a selector.
    #[schemars(example = json!({ "addresses": ["10.1.2.3"] }))]
    endpoints: Option<Endpoints>,
    /// The Service's ports.
    #[schemars(example = json!([{ "name": "http", "port": 80, "target_port": "http" }]))]
    ports: Option<Vec<ServicePort>>,
    /// `None` (default) or `ClientIP`: keep a client on one pod.
    #[schemars(example = &"ClientIP")]
    session_affinity: Option<Word<SessionAffinity>>,
    /// Seconds a `ClientIP` affinity lasts (1-86400).
    #[schemars(example = 10800)]
    session_affinity_timeout: Option<Templated<i64>>,
    /// `Cluster` or `Local`, for traffic from outside.
    #[schemars(example = &"Local")]
    external_traffic_policy: Option<Word<TrafficPolicy>>,
    /// `Cluster` or `Local`, for traffic from inside.
    #[schemars(example = &"Cluster")]
    internal_traffic_policy: Option<Word<TrafficPolicy>>,
    /// How traffic prefers nearby endpoints.
    #[schemars(example = &"PreferClose")]
    traffic_distribution: Option<Word<TrafficDistribution>>,
    /// Addresses outside the cluster that route to the Service.
    #[schemars(example = json!(["203.0.113.10"]))]
    external_ips: Option<Vec<String>>,
    /// IP families, in order.
    #[schemars(example = json!(["IPv4", "IPv6"]))]
    ip_families: Option<Vec<Word<IpFamily>>>,
    /// How many IP families the Service gets.
    #[schemars(example = &"PreferDualStack")]
    ip_family_policy: Option<Word<IpFamilyPolicy>>,
    /// The load balancer implementation (LoadBalancer only).
    #[schemars(example = &"example.com/internal-vip")]
    load_balancer_class: Option<String>,
    /// Client ranges allowed through the load balancer (LoadBalancer only).
    #[schemars(example = json!(["10.0.0.0/8"]))]
    load_balancer_source_ranges: Option<Vec<String>>,
    /// Allocate node ports for the load balancer (LoadBalancer only).
    #[schemars(example = false)]
    allocate_load_balancer_node_ports: Option<Templated<bool>>,
    /// A requested load balancer address (deprecated in the API).
    #[schemars(example = &"203.0.113.10")]
    load_balancer_ip: Option<String>,
    /// Annotations on the Service (e.g. for the cloud's load balancer).
    #[schemars(example = json!({ "service.beta.kubernetes.io/aws-load-balancer-internal": "true" }))]
    annotations: Option<BTreeMap<String, String>>,
    /// Labels of the Service's own, besides the step's.
    #[schemars(example = json!({ "tier": "public" }))]
    labels: Option<BTreeMap<String, String>>,
    /// The node port kube-proxy answers the load balancer's health checks on
    /// (LoadBalancer with `external_traffic_policy = "Local"`); default: allocated.
    #[schemars(example = 32100)]
    health_check_node_port: Option<Templated<i64>>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Endpoints {
    /// IP addresses of the backends.
    #[schemars(example = json!(["10.1.2.3", "10.4.5.6"]))]
    addresses: Vec<String>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ServicePort {
    /// The port's name (required when there are several).
    #[schemars(example = &"http")]
    name: Option<String>,
    /// The port the Service listens on.
    #[schemars(example = 80)]
    port: Templated<i64>,
    /// The container port, by number or name; default: `port`.
    #[schemars(example = &"http")]
    target_port: Option<PortRef>,
    /// TCP (default), UDP or SCTP.
    #[schemars(example = &"TCP")]
    protocol: Option<Word<Protocol>>,
    /// The application protocol, e.g. `http`.
    #[schemars(example = &"http")]
    app_protocol: Option<String>,
    /// The node port (NodePort and LoadBalancer).
    #[schemars(example = 30080)]
    node_port: Option<Templated<i64>>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(super) struct Ingress {
    /// The Ingress's name; default: the Service's.
    #[schemars(example = &"web")]
    name: Option<String>,
    /// The ingress class.
    #[schemars(example = &"nginx")]
    class: Option<String>,
    /// Annotations on the Ingress.
    #[schemars(example = json!({ "nginx.ingress.kubernetes.io/proxy-body-size": "8m" }))]
    annotations: Option<BTreeMap<String, String>>,
    /// Where requests no rule matches go.
    #[schemars(example = json!({ "port": "http" }))]
    default_backend: Option<Backend>,
    /// Host rules and their paths.
    #[schemars(example = json!([{ "host": "shop.example.com", "paths": [{ "path": "/", "port": "http" }] }]))]
    rules: Option<Vec<IngressRule>>,
    /// TLS hosts and their certificate Secrets.
    #[schemars(example = json!([{ "hosts": ["shop.example.com"], "secret": "shop-tls" }]))]
    tls: Option<Vec<IngressTls>>,
    /// Labels of the Ingress's own, besides the step's.
    #[schemars(example = json!({ "tier": "public" }))]
    labels: Option<BTreeMap<String, String>>,
    /// The step's Service it routes to, by name; needed when the step has several.
    #[schemars(example = &"web-public")]
    service: Option<String>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Backend {
    /// A port of the step's Service, by number or name.
    #[schemars(example = &"http")]
    port: PortRef,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct IngressRule {
    /// The host name; default: every host.
    #[schemars(example = &"shop.example.com")]
    host: Option<String>,
    /// The paths and the Service ports they go to.
    #[schemars(example = json!([{ "path": "/", "port": "http" }]))]
    paths: Vec<IngressPath>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct IngressPath {
    /// The path (starting with `/`).
    #[schemars(example = &"/api")]
    path: String,
    /// `Prefix` (default), `Exact` or `ImplementationSpecific`.
    #[schemars(example = &"Prefix")]
    r#type: Option<Word<PathType>>,
    /// A port of the step's Service, by number or name.
    #[schemars(example = &"http")]
    port: PortRef,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct IngressTls {
    /// Hosts the certificate covers.
    #[schemars(example = json!(["shop.example.com"]))]
    hosts: Option<Vec<String>>,
    /// The TLS Secret's name.
    #[schemars(example = &"shop-tls")]
    secret: Option<String>,
}

/// `true`, `false`, or a table of labels.
struct SelectorValue;

impl JsonSchema for SelectorValue {
    fn schema_name() -> Cow<'static, str> {
        "service-selector".into()
    }

    fn json_schema(generator: &mut SchemaGenerator) -> Schema {
        let flag = generator.subschema_for::<Templated<bool>>();
        let labels = generator.subschema_for::<BTreeMap<String, String>>();
        json_schema!({ "anyOf": [flag, labels] })
    }
}
