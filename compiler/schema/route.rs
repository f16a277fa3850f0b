//! `[route]` and `[[routes]]`: Gateway API HTTPRoutes.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde_json::json;

use super::values::{PortRef, Templated, Word};
use crate::model::{HttpMethod, RedirectScheme, RoutePathType, RouteSwitch, ValueMatch};

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
pub(super) struct Route {
    /// The HTTPRoute's name (a DNS subdomain); default: the deployment name.
    #[schemars(example = &"web")]
    name: Option<String>,
    /// Annotations on the HTTPRoute.
    #[schemars(example = json!({ "example.com/team": "shop" }))]
    annotations: Option<BTreeMap<String, String>>,
    /// Labels of the HTTPRoute's own, besides the step's.
    #[schemars(example = json!({ "exposure": "public" }))]
    labels: Option<BTreeMap<String, String>>,
    /// The step's Service the backends route to unless they name one; needed only when the
    /// step has several.
    #[schemars(example = &"web")]
    service: Option<String>,
    /// The Gateways (and listeners) the route attaches to.
    #[schemars(example = json!([{ "name": "public", "namespace": "gateways", "section": "https" }]))]
    parents: Vec<RouteParent>,
    /// The host names it serves (`*.example.com` for a wildcard); default: the listener's.
    #[schemars(example = json!(["shop.example.com"]))]
    hostnames: Option<Vec<String>>,
    /// Matches, filters and backends, in the API's order of precedence.
    #[schemars(example = json!([{ "matches": [{ "path": "/" }], "backends": [{ "port": "http" }] }]))]
    rules: Vec<RouteRule>,
    /// Blue/green: requests with this header go to the new deployment (through the preview
    /// Service) before it is promoted.
    #[schemars(example = json!({ "header": "X-Preview", "value": "true" }))]
    preview: Option<RoutePreview>,
    /// Blue/green: `service` (default), the route follows the switched Service; `weights`,
    /// each deployment gets its own Service and the route moves its backends to the new one
    /// at the switch, so no selector changes under the Gateway.
    #[schemars(example = &"weights")]
    switch: Option<Word<RouteSwitch>>,
}

/// `parents[]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct RouteParent {
    /// The Gateway's name.
    #[schemars(example = &"public")]
    name: String,
    /// The Gateway's namespace; default: the route's.
    #[schemars(example = &"gateways")]
    namespace: Option<String>,
    /// A listener of the Gateway (`sectionName`); default: every listener that allows the
    /// route.
    #[schemars(example = &"https")]
    section: Option<String>,
}

/// `rules[]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct RouteRule {
    /// The requests the rule takes (any of them); default: every request.
    #[schemars(example = json!([{ "path": "/api", "method": "GET" }]))]
    matches: Option<Vec<RouteMatch>>,
    /// Headers set, added or removed before the request goes to the backends
    /// (`RequestHeaderModifier`).
    #[schemars(example = json!({ "set": { "X-Env": "production" }, "remove": ["X-Debug"] }))]
    request_headers: Option<HeaderModifier>,
    /// Answers with a redirect instead (`RequestRedirect`); not with `backends`.
    #[schemars(example = json!({ "scheme": "https", "status": 301 }))]
    redirect: Option<Redirect>,
    /// Changes the host name or path on the way to the backends (`URLRewrite`).
    #[schemars(example = json!({ "replace_prefix_match": "/" }))]
    rewrite: Option<Rewrite>,
    /// Ports of the step's Services, with weights.
    #[schemars(example = json!([{ "port": "http" }]))]
    backends: Option<Vec<RouteBackend>>,
}

/// `rules[].matches[]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct RouteMatch {
    /// The request path; default: every path (`/` as a prefix).
    #[schemars(example = &"/api")]
    path: Option<String>,
    /// `PathPrefix` (default), `Exact` or `RegularExpression`.
    #[schemars(example = &"Exact")]
    path_type: Option<Word<RoutePathType>>,
    /// Headers the request must have.
    #[schemars(example = json!([{ "name": "X-Canary", "value": "true" }]))]
    headers: Option<Vec<ValueCondition>>,
    /// Query parameters the request must have.
    #[schemars(example = json!([{ "name": "version", "value": "2" }]))]
    query_params: Option<Vec<ValueCondition>>,
    /// The request method.
    #[schemars(example = &"GET")]
    method: Option<Word<HttpMethod>>,
}

/// A header or query parameter condition.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ValueCondition {
    /// The header or parameter name.
    #[schemars(example = &"X-Canary")]
    name: String,
    /// The value to match.
    #[schemars(example = &"true")]
    value: String,
    /// `Exact` (default) or `RegularExpression`.
    #[schemars(example = &"Exact")]
    r#type: Option<Word<ValueMatch>>,
}

/// `rules[].request_headers`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct HeaderModifier {
    /// Headers set, replacing any the request has.
    #[schemars(example = json!({ "X-Env": "production" }))]
    set: Option<BTreeMap<String, String>>,
    /// Headers added to those the request has.
    #[schemars(example = json!({ "X-Via": "gateway" }))]
    add: Option<BTreeMap<String, String>>,
    /// Headers removed.
    #[schemars(example = json!(["X-Debug"]))]
    remove: Option<Vec<String>>,
}

/// `rules[].redirect`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Redirect {
    /// `http` or `https`; default: the request's.
    #[schemars(example = &"https")]
    scheme: Option<Word<RedirectScheme>>,
    /// The host name to redirect to; default: the request's.
    #[schemars(example = &"www.example.com")]
    hostname: Option<String>,
    /// The port to redirect to.
    #[schemars(example = 443)]
    port: Option<Templated<i64>>,
    /// The whole new path.
    #[schemars(example = &"/maintenance")]
    replace_full_path: Option<String>,
    /// What replaces the path prefix the rule matched.
    #[schemars(example = &"/v2")]
    replace_prefix_match: Option<String>,
    /// 301, 302 (the API's default), 303, 307 or 308.
    #[schemars(example = 301)]
    status: Option<Templated<i64>>,
}

/// `rules[].rewrite`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Rewrite {
    /// The host name the backends see.
    #[schemars(example = &"internal.example.com")]
    hostname: Option<String>,
    /// The whole new path.
    #[schemars(example = &"/")]
    replace_full_path: Option<String>,
    /// What replaces the path prefix the rule matched.
    #[schemars(example = &"/")]
    replace_prefix_match: Option<String>,
}

/// `rules[].backends[]`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct RouteBackend {
    /// The step's Service; default: the route's `service`, or the step's only one.
    #[schemars(example = &"web")]
    service: Option<String>,
    /// A port of the Service, by name or number; written as its number.
    #[schemars(example = &"http")]
    port: PortRef,
    /// The share of the rule's requests, relative to the other backends' (0 to 1,000,000);
    /// the API's default is 1.
    #[schemars(example = 90)]
    weight: Option<Templated<i64>>,
}

/// `preview`.
#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct RoutePreview {
    /// The header a request must have.
    #[schemars(example = &"X-Preview")]
    header: String,
    /// The header's value.
    #[schemars(example = &"true")]
    value: String,
}
