//! HTTPRoutes: every backend is a port of one of the step's Services, written as the
//! Service's port number (which is what a route's `backendRefs` take). Under blue/green a
//! route with a `preview` header gets, before each rule that routes to the switched Service, a
//! copy of it that also requires the header and routes to the preview Service: the Gateway
//! API prefers the match with more header matches, so those requests reach the deployment the
//! preview Service selects, the new one until it is promoted.
//!
//! With `switch = "weights"` under blue/green, a backend on a switched Service names the
//! Service's copy for this deployment instead, `<service>-<deployment id>` (a colour Service,
//! [`colour_services`]): the route moves to the new deployment when it is applied at the
//! switch, and `deploy.sh rollback` moves it back, with no selector change under the Gateway.

use super::gateway::{
    HeaderFilter, HttpBackendRef, HttpHeader, HttpPathMatch, HttpRoute, HttpRouteFilter,
    HttpRouteMatch, HttpRouteRule, HttpRouteSpec, ParentReference, PathModifier, RequestRedirect,
    UrlRewrite, ValueMatch,
};
use super::{Lowering, int32};
use crate::model::{
    Choice, HeaderModifier, KeyValue, PathModifier as PathModel, Route, RouteMatch, RoutePreview,
    RouteRule, Step, ValueCondition,
};
use crate::plan::Plan;

pub(super) fn lower(cx: &Lowering<'_>, route: &Route) -> HttpRoute {
    let step = cx.step;
    let preview = preview_target(cx, route);
    let mut rules = Vec::new();
    for rule in &route.rules {
        if let Some((header, main, preview_service)) = &preview
            && rule_routes_to(cx, route, rule, main)
        {
            let mut copy = lower_rule(cx, route, rule);
            copy.matches = with_header(copy.matches, header);
            for backend in &mut copy.backend_refs {
                if &backend.name == main {
                    backend.name.clone_from(preview_service);
                }
            }
            rules.push(copy);
        }
        rules.push(lower_rule(cx, route, rule));
    }
    HttpRoute::new(
        cx.metadata(
            step.route_name(route).to_owned(),
            &route.labels,
            &route.annotations,
        ),
        HttpRouteSpec {
            parent_refs: route
                .parents
                .iter()
                .map(|p| ParentReference {
                    name: p.name.value.clone(),
                    namespace: p.namespace.as_ref().map(|n| n.value.clone()),
                    section_name: p.section.as_ref().map(|s| s.value.clone()),
                })
                .collect(),
            hostnames: route.hostnames.iter().map(|h| h.value.clone()).collect(),
            rules,
        },
    )
}

/// Under blue/green, the switched Services that a `switch = "weights"` route routes to, by
/// name: each gets a copy for every deployment, `<name>-<deployment id>`, selecting only its
/// pods, which the route's backends name.
pub(crate) fn colour_services(step: &Step, plan: &Plan) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    if !plan.is_blue_green() {
        return names;
    }
    for route in step.routes.iter().filter(|r| r.by_weights()) {
        for backend in route.rules.iter().flat_map(|r| &r.backends) {
            if let Some(service) = step.backend_service(route, backend) {
                let name = step.service_name(service);
                if step
                    .switched_services()
                    .any(|s| step.service_name(s) == name)
                    && !names.iter().any(|n| n == name)
                {
                    names.push(name.to_owned());
                }
            }
        }
    }
    names.sort();
    names
}

/// Under blue/green with a preview Service: the header match, the switched Service's name
/// and the preview Service's name.
fn preview_target(cx: &Lowering<'_>, route: &Route) -> Option<(ValueMatch, String, String)> {
    let RoutePreview { header, value, .. } = route.preview.as_ref()?;
    if !cx.plan.is_blue_green() {
        return None;
    }
    let preview_service = cx.step.preview_service_name()?;
    let main = cx.step.switched_services().next()?;
    Some((
        ValueMatch {
            type_: "Exact".into(),
            name: header.value.clone(),
            value: value.value.clone(),
        },
        cx.step.service_name(main).to_owned(),
        preview_service,
    ))
}

/// Whether a rule has a backend on the Service `name`.
fn rule_routes_to(cx: &Lowering<'_>, route: &Route, rule: &RouteRule, name: &str) -> bool {
    rule.backends.iter().any(|b| {
        cx.step
            .backend_service(route, b)
            .is_some_and(|s| cx.step.service_name(s) == name)
    })
}

/// Every match also requires the header; no matches (every request) becomes the header alone.
fn with_header(matches: Vec<HttpRouteMatch>, header: &ValueMatch) -> Vec<HttpRouteMatch> {
    if matches.is_empty() {
        return vec![HttpRouteMatch {
            headers: vec![header.clone()],
            ..HttpRouteMatch::default()
        }];
    }
    matches
        .into_iter()
        .map(|mut m| {
            m.headers.insert(0, header.clone());
            m
        })
        .collect()
}

fn lower_rule(cx: &Lowering<'_>, route: &Route, rule: &RouteRule) -> HttpRouteRule {
    let step = cx.step;
    let mut filters = Vec::new();
    if let Some(headers) = &rule.request_headers {
        filters.push(HttpRouteFilter {
            type_: "RequestHeaderModifier".into(),
            request_header_modifier: Some(header_filter(headers)),
            ..HttpRouteFilter::default()
        });
    }
    if let Some(redirect) = &rule.redirect {
        filters.push(HttpRouteFilter {
            type_: "RequestRedirect".into(),
            request_redirect: Some(RequestRedirect {
                scheme: redirect
                    .scheme
                    .as_ref()
                    .map(|s| s.value.as_str().to_owned()),
                hostname: redirect.hostname.as_ref().map(|h| h.value.clone()),
                path: redirect.path.as_ref().map(path_modifier),
                port: redirect.port.as_ref().map(|p| int32(p.value)),
                status_code: redirect.status.as_ref().map(|s| int32(s.value)),
            }),
            ..HttpRouteFilter::default()
        });
    }
    if let Some(rewrite) = &rule.rewrite {
        filters.push(HttpRouteFilter {
            type_: "URLRewrite".into(),
            url_rewrite: Some(UrlRewrite {
                hostname: rewrite.hostname.as_ref().map(|h| h.value.clone()),
                path: rewrite.path.as_ref().map(path_modifier),
            }),
            ..HttpRouteFilter::default()
        });
    }
    HttpRouteRule {
        matches: rule.matches.iter().map(lower_match).collect(),
        filters,
        backend_refs: rule
            .backends
            .iter()
            .filter_map(|backend| {
                // Checking made sure every backend names a port of one of the step's Services.
                let service = step.backend_service(route, backend)?;
                let name = step.service_name(service);
                let colour = cx.plan.is_blue_green()
                    && route.by_weights()
                    && step
                        .switched_services()
                        .any(|s| step.service_name(s) == name);
                Some(HttpBackendRef {
                    group: String::new(),
                    kind: "Service".into(),
                    name: if colour {
                        cx.plan.versioned(name)
                    } else {
                        name.to_owned()
                    },
                    port: int32(service.port_number(&backend.port.value)?),
                    weight: backend.weight.as_ref().map(|w| int32(w.value)),
                })
            })
            .collect(),
    }
}

fn lower_match(m: &RouteMatch) -> HttpRouteMatch {
    let condition = |c: &ValueCondition| ValueMatch {
        type_: c
            .kind
            .as_ref()
            .map_or("Exact", |k| k.value.as_str())
            .to_owned(),
        name: c.name.value.clone(),
        value: c.value.value.clone(),
    };
    HttpRouteMatch {
        // A type alone matches under "/", as the API's default value.
        path: (m.path.is_some() || m.path_type.is_some()).then(|| HttpPathMatch {
            type_: m.path_type().as_str().to_owned(),
            value: m.path.as_ref().map_or("/", |p| p.as_str()).to_owned(),
        }),
        headers: m.headers.iter().map(condition).collect(),
        query_params: m.query_params.iter().map(condition).collect(),
        method: m.method.as_ref().map(|x| x.value.as_str().to_owned()),
    }
}

fn header_filter(headers: &HeaderModifier) -> HeaderFilter {
    let list = |pairs: &[KeyValue]| {
        pairs
            .iter()
            .map(|kv| HttpHeader {
                name: kv.key.value.clone(),
                value: kv.value.value.clone(),
            })
            .collect()
    };
    HeaderFilter {
        set: list(&headers.set),
        add: list(&headers.add),
        remove: headers.remove.iter().map(|r| r.value.clone()).collect(),
    }
}

fn path_modifier(path: &PathModel) -> PathModifier {
    match path {
        PathModel::ReplaceFullPath(p) => PathModifier {
            type_: "ReplaceFullPath".into(),
            replace_full_path: Some(p.value.clone()),
            replace_prefix_match: None,
        },
        PathModel::ReplacePrefixMatch(p) => PathModifier {
            type_: "ReplacePrefixMatch".into(),
            replace_full_path: None,
            replace_prefix_match: Some(p.value.clone()),
        },
    }
}
