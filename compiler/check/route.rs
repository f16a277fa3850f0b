//! HTTPRoutes: the Gateway API's rules for `gateway.networking.k8s.io/v1` HTTPRoute, as its
//! CRD states them (`config/crd/standard/gateway.networking.k8s.io_httproutes.yaml`, v1.6.1:
//! the OpenAPI limits and patterns, and the CEL rules that can be mirrored on the step), and
//! kstep's references: every backend is a port of one of the step's Services.
//!
//! The limits: at most 32 parents, 16 host names, 16 rules, 64 matches per rule and 128 in
//! all, 16 headers and 16 query parameters per match, 16 headers per list of a header
//! filter, 16 backends per rule, weights 0 to 1,000,000.

use std::collections::BTreeMap;

use super::ports::port_number;
use super::{Cx, k8s};
use crate::diagnostic::{Code, Diagnostic, closest, one_of};
use crate::model::{
    Choice, HeaderModifier, PathModifier, PortRef, Route, RouteBackend, RouteMatch, RoutePathType,
    RouteRule, ServiceType, Spanned, ValueCondition,
};
use crate::source::Span;

const MAX_PARENTS: usize = 32;
const MAX_HOSTNAMES: usize = 16;
const MAX_RULES: usize = 16;
const MAX_MATCHES_PER_RULE: usize = 64;
const MAX_MATCHES: usize = 128;
const MAX_CONDITIONS: usize = 16;
const MAX_HEADERS: usize = 16;
const MAX_BACKENDS: usize = 16;
const MAX_WEIGHT: i64 = 1_000_000;

pub(super) fn check(cx: &mut Cx<'_>) {
    for route in &cx.step.routes {
        check_one(cx, route);
    }
    unique_names(cx);
}

/// Two routes of a step may not share a name.
fn unique_names(cx: &mut Cx<'_>) {
    let step = cx.step;
    let names = step.routes.iter().map(|route| {
        let span = route.name.as_ref().map_or(route.key_span, |n| n.span);
        (step.route_name(route), span)
    });
    super::names::unique(cx, names, ("route", "routes"));
}

/// An `invalid-route` error.
fn invalid(span: Span, message: String, label: &str, help: &str) -> Diagnostic {
    Diagnostic::error(Code::InvalidRoute, message)
        .label(span, label)
        .help(help)
}

/// Reports a list longer than the API allows, at its first element past the limit.
fn at_most(cx: &mut Cx<'_>, spans: &[Span], max: usize, what: &str) {
    if let Some(extra) = spans.get(max) {
        cx.report(invalid(
            *extra,
            format!("{} {what}, and the API allows at most {max}", spans.len()),
            "one too many",
            &format!("keep at most {max} {what}"),
        ));
    }
}

fn check_one(cx: &mut Cx<'_>, route: &Route) {
    if let Some(name) = &route.name {
        cx.syntax(name, "HTTPRoute name", &k8s::OBJECT_NAME);
    }
    super::labels::annotations(cx, &route.annotations);
    super::labels::labels(cx, &route.labels);
    parents(cx, route);
    let hosts: Vec<Span> = route.hostnames.iter().map(|h| h.span).collect();
    at_most(cx, &hosts, MAX_HOSTNAMES, "host names");
    for host in &route.hostnames {
        cx.syntax(host, "route host name", &k8s::INGRESS_HOST);
    }
    let rules: Vec<Span> = route.rules.iter().map(|r| r.key_span).collect();
    at_most(cx, &rules, MAX_RULES, "rules");
    let all: Vec<Span> = route
        .rules
        .iter()
        .flat_map(|r| r.matches.iter().map(|m| m.key_span))
        .collect();
    if all.len() > MAX_MATCHES {
        cx.report(invalid(
            all[MAX_MATCHES],
            format!("the route's rules have {} matches in all, and the API allows at most {MAX_MATCHES}", all.len()),
            "one too many",
            "merge rules, or split the route into several",
        ));
    }
    for rule in &route.rules {
        check_rule(cx, route, rule);
    }
    if let Some(preview) = &route.preview {
        cx.syntax(&preview.header, "HTTP header name", &k8s::HEADER_NAME);
        header_value(cx, &preview.value, 4096);
    }
}

/// A reference to a Gateway: its listener, if named, and where.
type Listener<'a> = (Option<&'a str>, Span);

/// `parentRefs` (the reader requires the key): names of objects, namespaces, listener names; the CEL rules that a Gateway
/// named twice needs a distinct `sectionName` each time.
fn parents(cx: &mut Cx<'_>, route: &Route) {
    let spans: Vec<Span> = route.parents.iter().map(|p| p.name.span).collect();
    at_most(cx, &spans, MAX_PARENTS, "parents");
    let mut seen: BTreeMap<(&str, Option<&str>), Vec<Listener<'_>>> = BTreeMap::new();
    for parent in &route.parents {
        cx.syntax(&parent.name, "Gateway name", &k8s::OBJECT_NAME);
        if let Some(namespace) = &parent.namespace {
            cx.syntax(namespace, "namespace", &k8s::DNS_LABEL);
        }
        if let Some(section) = &parent.section {
            cx.syntax(section, "listener name", &k8s::OBJECT_NAME);
        }
        // A parent without a namespace is in the route's.
        let namespace = parent.namespace.as_ref().map(|n| n.as_str()).or(cx
            .step
            .namespace
            .as_ref()
            .map(|n| n.as_str()));
        seen.entry((parent.name.as_str(), namespace))
            .or_default()
            .push((
                parent.section.as_ref().map(|s| s.as_str()),
                parent.name.span,
            ));
    }
    for ((name, _), refs) in seen {
        if refs.len() < 2 {
            continue;
        }
        for (i, (section, span)) in refs.iter().enumerate() {
            let message = match section {
                None => format!(
                    "Gateway `{name}` is a parent twice, and this reference names no `section`"
                ),
                Some(s) if refs[..i].iter().any(|(other, _)| other == &Some(*s)) => {
                    format!("Gateway `{name}` is a parent twice with the `section` `{s}`")
                }
                Some(_) => continue,
            };
            cx.report(invalid(
                *span,
                message,
                "ambiguous parent",
                "a Gateway named more than once needs a distinct `section` (listener) in each reference",
            ));
        }
    }
}

fn check_rule(cx: &mut Cx<'_>, route: &Route, rule: &RouteRule) {
    let matches: Vec<Span> = rule.matches.iter().map(|m| m.key_span).collect();
    at_most(cx, &matches, MAX_MATCHES_PER_RULE, "matches in a rule");
    for m in &rule.matches {
        check_match(cx, m);
    }
    if let Some(headers) = &rule.request_headers {
        header_modifier(cx, headers);
    }
    if let Some(redirect) = &rule.redirect {
        if let Some(first) = rule.backends.first() {
            cx.report(
                invalid(
                    redirect.key_span,
                    "a rule with a `redirect` has `backends`".into(),
                    "answers with a redirect",
                    "remove the `backends` or the `redirect`: a redirected request goes to no backend",
                )
                .label(first.key_span, "a backend"),
            );
        }
        if let Some(rewrite) = &rule.rewrite {
            cx.report(
                invalid(
                    rewrite.key_span,
                    "a rule has both a `redirect` and a `rewrite`".into(),
                    "rewrites a request that is redirected",
                    "keep one: a redirect sends the client elsewhere, a rewrite changes the request on its way to the backends",
                )
                .label(redirect.key_span, "redirect given here"),
            );
        }
        if let Some(hostname) = &redirect.hostname {
            cx.syntax(hostname, "redirect host name", &k8s::OBJECT_NAME);
        }
        if let Some(port) = &redirect.port {
            port_number(cx, port);
        }
        if let Some(status) = &redirect.status
            && ![301, 302, 303, 307, 308].contains(&status.value)
        {
            cx.report(invalid(
                status.span,
                format!("redirect status {} is not one the API accepts", status.value),
                "not a redirect status the API lists",
                "use 301 or 308 (moved permanently), or 302 (the default), 303 or 307 (elsewhere for now)",
            ));
        }
        if let Some(path) = &redirect.path {
            path_modifier(cx, rule, path, "redirect");
        }
    }
    if let Some(rewrite) = &rule.rewrite {
        if let Some(hostname) = &rewrite.hostname {
            cx.syntax(hostname, "rewrite host name", &k8s::OBJECT_NAME);
        }
        if let Some(path) = &rewrite.path {
            path_modifier(cx, rule, path, "rewrite");
        }
    }
    let backends: Vec<Span> = rule.backends.iter().map(|b| b.key_span).collect();
    at_most(cx, &backends, MAX_BACKENDS, "backends in a rule");
    for backend in &rule.backends {
        check_backend(cx, route, backend);
    }
}

/// `HTTPPathMatch` and its CEL rules for `Exact` and `PathPrefix`; header and query
/// parameter matches (names are `list-map-keys`: each at most once).
fn check_match(cx: &mut Cx<'_>, m: &RouteMatch) {
    if let Some(path) = &m.path {
        match_path(cx, path, m.path_type());
    }
    for (list, what, value_max) in [
        (&m.headers, "headers", 4096),
        (&m.query_params, "query parameters", 1024),
    ] {
        let spans: Vec<Span> = list.iter().map(|c| c.name.span).collect();
        at_most(cx, &spans, MAX_CONDITIONS, &format!("{what} in a match"));
        conditions(cx, list, what, value_max);
    }
}

fn conditions(cx: &mut Cx<'_>, list: &[ValueCondition], what: &str, value_max: usize) {
    let mut seen: BTreeMap<String, Span> = BTreeMap::new();
    for condition in list {
        token(cx, &condition.name);
        header_value(cx, &condition.value, value_max);
        // Header names are case-insensitive; query parameter names are not.
        let key = if what == "headers" {
            condition.name.value.to_ascii_lowercase()
        } else {
            condition.name.value.clone()
        };
        if let Some(first) = seen.insert(key, condition.name.span) {
            cx.report(
                Diagnostic::error(
                    Code::DuplicateName,
                    format!(
                        "`{}` is matched twice among the {what}",
                        condition.name.value
                    ),
                )
                .label(condition.name.span, "second time")
                .label(first, "first time")
                .help("match each name once (the API keeps only the first)"),
            );
        }
    }
}

/// The CEL rules of `HTTPPathMatch` for `Exact` and `PathPrefix` paths, and its length.
fn match_path(cx: &mut Cx<'_>, path: &Spanned<String>, kind: RoutePathType) {
    let text = &path.value;
    if text.len() > 1024 {
        cx.report(invalid(
            path.span,
            "the path is longer than 1024 bytes".into(),
            "too long",
            "shorten the path",
        ));
        return;
    }
    if kind == RoutePathType::RegularExpression {
        return;
    }
    let problem = if !text.starts_with('/') {
        Some("does not start with '/'".to_owned())
    } else if let Some(s) = ["//", "/./", "/../", "%2f", "%2F", "#"]
        .iter()
        .find(|s| text.contains(**s))
    {
        Some(format!("contains `{s}`"))
    } else if let Some(s) = ["/..", "/."].iter().find(|s| text.ends_with(**s)) {
        Some(format!("ends with `{s}`"))
    } else if !valid_path_chars(text) {
        Some("has a character a URL path cannot hold unencoded (write it as %XX)".to_owned())
    } else {
        None
    };
    if let Some(problem) = problem {
        cx.report(
            Diagnostic::error(Code::InvalidPath, format!("route path `{text}` {problem}"))
                .label(path.span, format!("not a valid {} path", kind.as_str()))
                .help("write an absolute path in its normal form, such as `/api`"),
        );
    }
}

/// `^(?:[-A-Za-z0-9/._~!$&'()*+,;=:@]|[%][0-9a-fA-F]{2})+$`.
fn valid_path_chars(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hex = |j: usize| bytes.get(j).is_some_and(u8::is_ascii_hexdigit);
            if !(hex(i + 1) && hex(i + 2)) {
                return false;
            }
            i += 3;
            continue;
        }
        if !(b.is_ascii_alphanumeric() || b"-/._~!$&'()*+,;=:@".contains(&b)) {
            return false;
        }
        i += 1;
    }
    !text.is_empty()
}

/// A header or query parameter name: an HTTP token (RFC 7230) of at most 256 characters.
fn token(cx: &mut Cx<'_>, name: &Spanned<String>) {
    let ok = !name.value.is_empty()
        && name.value.len() <= 256
        && name
            .value
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if !ok {
        cx.report(
            Diagnostic::error(
                Code::InvalidHeaderName,
                format!("invalid header or query parameter name `{}`", name.value),
            )
            .label(name.span, "not an HTTP token")
            .help("use 1 to 256 letters, digits and `!#$%&'*+-.^_`|~`, such as `X-Request-Id`"),
        );
    }
}

fn header_value(cx: &mut Cx<'_>, value: &Spanned<String>, max: usize) {
    if value.value.is_empty() || value.value.len() > max {
        cx.report(invalid(
            value.span,
            format!("the value must have 1 to {max} characters"),
            "empty or too long",
            "give a value",
        ));
    }
}

fn header_modifier(cx: &mut Cx<'_>, headers: &HeaderModifier) {
    for (list, what) in [(&headers.set, "`set`"), (&headers.add, "`add`")] {
        let spans: Vec<Span> = list.iter().map(|kv| kv.key.span).collect();
        at_most(cx, &spans, MAX_HEADERS, &format!("headers in {what}"));
        let mut seen: BTreeMap<String, Span> = BTreeMap::new();
        for kv in list {
            token(cx, &kv.key);
            header_value(cx, &kv.value, 4096);
            if let Some(first) = seen.insert(kv.key.value.to_ascii_lowercase(), kv.key.span) {
                cx.report(
                    Diagnostic::error(
                        Code::DuplicateName,
                        format!("header `{}` given twice in {what}", kv.key.value),
                    )
                    .label(kv.key.span, "second time")
                    .label(first, "first time")
                    .help("header names are case-insensitive: give each once"),
                );
            }
        }
    }
    let spans: Vec<Span> = headers.remove.iter().map(|r| r.span).collect();
    at_most(cx, &spans, MAX_HEADERS, "headers in `remove`");
    for name in &headers.remove {
        token(cx, name);
    }
    if headers.set.is_empty() && headers.add.is_empty() && headers.remove.is_empty() {
        cx.report(invalid(
            headers.key_span,
            "`request_headers` changes nothing".into(),
            "empty",
            "add `set`, `add` or `remove`",
        ));
    }
}

/// A new path: at most 1024 bytes, absolute; `replace_prefix_match` needs the rule to
/// match exactly one `PathPrefix` path (the CEL rules of `HTTPRouteRule`).
fn path_modifier(cx: &mut Cx<'_>, rule: &RouteRule, path: &PathModifier, filter: &str) {
    let (value, prefix) = match path {
        PathModifier::ReplaceFullPath(p) => (p, false),
        PathModifier::ReplacePrefixMatch(p) => (p, true),
    };
    if value.value.len() > 1024 || !value.value.starts_with('/') {
        cx.report(invalid(
            value.span,
            format!(
                "the {filter} path `{}` is not an absolute path of at most 1024 bytes",
                value.value
            ),
            "not a valid path",
            "write a path starting with '/'",
        ));
    }
    let one_prefix = matches!(rule.matches.as_slice(),
        [only] if only.path.is_some() && only.path_type() == RoutePathType::PathPrefix);
    if prefix && !one_prefix {
        cx.report(invalid(
            value.span,
            format!("`replace_prefix_match` in a {filter} needs the rule to match exactly one `PathPrefix` path"),
            "replaces a prefix the rule does not match",
            "give the rule one match with a `path` (of the default type `PathPrefix`), or use `replace_full_path`",
        ));
    }
}

/// A backend: a port of one of the step's Services, by name or number, with a weight.
fn check_backend(cx: &mut Cx<'_>, route: &Route, backend: &RouteBackend) {
    if let Some(weight) = &backend.weight {
        cx.range(weight, "backend `weight`", 0, MAX_WEIGHT);
    }
    let step = cx.step;
    let Some(service) = step.backend_service(route, backend) else {
        let names: Vec<&str> = step.services.iter().map(|s| step.service_name(s)).collect();
        let named = backend.service.as_ref().or(route.service.as_ref());
        let diagnostic = match (named, names.as_slice()) {
            (_, []) => invalid(
                backend.key_span,
                "the route has no Service to route to".into(),
                "a route backend is a port of one of the step's Services",
                "add a `[service]` with the ports the route names",
            ),
            (None, _) => invalid(
                backend.key_span,
                "the backend does not say which Service it routes to".into(),
                "the step has several Services",
                &format!(
                    "add `service` to the backend or the route, naming one of them: {}",
                    one_of(&names)
                ),
            ),
            (Some(name), _) => {
                let diagnostic = Diagnostic::error(
                    Code::InvalidRoute,
                    format!("the step has no Service named `{}`", name.value),
                )
                .label(name.span, "unknown Service");
                match closest(&name.value, &names) {
                    Some(hit) => diagnostic.suggest(hit),
                    None => diagnostic.help(format!("the step's Services are {}", one_of(&names))),
                }
            }
        };
        cx.report(diagnostic);
        return;
    };
    let port = &backend.port;
    if service.kind() == ServiceType::ExternalName {
        cx.report(invalid(
            port.span,
            format!("Service `{}` is an ExternalName Service", step.service_name(service)),
            "route backend",
            "route to a Service that selects pods: Gateways resolve a backend's endpoints, which an ExternalName Service has none of",
        ));
        return;
    }
    if let PortRef::Number(number) = &port.value
        && !port_number(cx, &Spanned::new(*number, port.span))
    {
        return;
    }
    if service.port_number(&port.value).is_some() {
        return;
    }
    let names: Vec<&str> = service
        .ports
        .iter()
        .filter_map(|p| p.name.as_ref().map(|n| n.as_str()))
        .collect();
    let numbers: Vec<String> = service
        .ports
        .iter()
        .map(|p| p.port.value.to_string())
        .collect();
    let numbers: Vec<&str> = numbers.iter().map(String::as_str).collect();
    let diagnostic = Diagnostic::error(
        Code::UnknownServicePort,
        match &port.value {
            PortRef::Name(name) => format!(
                "Service `{}` has no port named `{name}`",
                step.service_name(service)
            ),
            PortRef::Number(n) => {
                format!("Service `{}` has no port {n}", step.service_name(service))
            }
        },
    )
    .label(port.span, "route backend port");
    let diagnostic = match &port.value {
        PortRef::Name(name) => match closest(name, &names) {
            Some(hit) => diagnostic.suggest(hit),
            None => diagnostic.help(format!(
                "use one of the Service's ports: {}",
                one_of(&numbers)
            )),
        },
        PortRef::Number(_) => diagnostic.help(format!(
            "use one of the Service's ports: {}",
            one_of(&numbers)
        )),
    };
    cx.report(diagnostic);
}

/// The rules that depend on the strategy: a `preview` needs blue/green and its preview
/// Service, and the preview copies of the rules count toward the API's limits.
pub(super) fn plan(
    step: &crate::model::Step,
    plan: &crate::plan::Plan,
    diags: &mut crate::diagnostic::Diagnostics,
) {
    for name in crate::lower::route::colour_services(step, plan) {
        let versioned = plan.versioned(&name);
        let span = step
            .routes
            .iter()
            .filter_map(|r| r.switch.as_ref())
            .find(|s| s.value == crate::model::RouteSwitch::Weights)
            .map(|s| s.span);
        if versioned.len() > 63
            && let Some(span) = span
        {
            diags.push(invalid(
                span,
                format!("the Service `{name}` of deployment `{}` would be named `{versioned}`, longer than 63 characters", plan.deployment_id),
                "each deployment gets its own copy of the Service",
                "shorten the Service's name or the deployment id",
            ));
        }
    }
    for route in &step.routes {
        let Some(preview) = &route.preview else {
            continue;
        };
        if route.by_weights() {
            diags.push(
                invalid(
                    preview.key_span,
                    "a route that switches by weights has no `preview`".into(),
                    "a preview copies the rules to the preview Service",
                    "remove `preview`, or use `switch = \"service\"` (the default) with a preview Service",
                ),
            );
            continue;
        }
        if !plan.is_blue_green() {
            diags.push(
                Diagnostic::error(
                    Code::UnsupportedByStrategy,
                    "a route `preview` needs the blue-green strategy",
                )
                .label(
                    preview.key_span,
                    "sends requests to a deployment before it is promoted",
                )
                .help("deploy with `strategy = \"blue-green\"`, or remove `preview`"),
            );
            continue;
        }
        let Some(main) = step.switched_services().next() else {
            continue;
        };
        if step.preview_service_name().is_none()
            || step
                .deployment
                .blue_green
                .as_ref()
                .and_then(|b| b.preview.as_ref())
                .is_none()
        {
            diags.push(
                invalid(
                    preview.key_span,
                    "a route `preview` needs a preview Service".into(),
                    "routes to the preview Service",
                    "add `[deployment.blue_green.preview]`: the route sends requests with the header to the Service that selects the new deployment",
                ),
            );
            continue;
        }
        let main = step.service_name(main);
        let copied: Vec<&RouteRule> = route
            .rules
            .iter()
            .filter(|rule| {
                rule.backends.iter().any(|b| {
                    step.backend_service(route, b)
                        .is_some_and(|s| step.service_name(s) == main)
                })
            })
            .collect();
        let rules = route.rules.len() + copied.len();
        if !copied.is_empty() && route.rules.len() <= MAX_RULES && rules > MAX_RULES {
            diags.push(invalid(
                preview.key_span,
                format!("with its preview copies the route has {rules} rules, and the API allows at most {MAX_RULES}"),
                "adds a copy of each rule that routes to the switched Service",
                "split the route (`[[routes]]`), or remove `preview`",
            ));
        }
        let matches: usize = route.rules.iter().map(|r| r.matches.len()).sum::<usize>()
            + copied.iter().map(|r| r.matches.len().max(1)).sum::<usize>();
        if matches > MAX_MATCHES {
            diags.push(invalid(
                preview.key_span,
                format!("with its preview copies the route has {matches} matches in all, and the API allows at most {MAX_MATCHES}"),
                "adds a copy of each match that routes to the switched Service",
                "split the route (`[[routes]]`), or remove `preview`",
            ));
        }
    }
}
