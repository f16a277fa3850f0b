//! `[route]` or `[[routes]]`: Gateway API HTTPRoutes (gateway.networking.k8s.io/v1) that
//! attach to Gateways and route requests to ports of the step's Services.

use super::{
    HttpMethod, KeyValue, PortRef, RedirectScheme, RoutePathType, RouteSwitch, Service, Spanned,
    Step, ValueMatch,
};
use crate::source::Span;

#[derive(Clone, Debug)]
pub(crate) struct Route {
    /// The `route` key, for messages about the route as a whole.
    pub(crate) key_span: Span,
    /// Defaults to the deployment name.
    pub(crate) name: Option<Spanned<String>>,
    pub(crate) annotations: Vec<KeyValue>,
    pub(crate) labels: Vec<KeyValue>,
    /// The step's Service the backends route to by default; needed only with several.
    pub(crate) service: Option<Spanned<String>>,
    /// The Gateways (and listeners) it attaches to.
    pub(crate) parents: Vec<RouteParent>,
    pub(crate) hostnames: Vec<Spanned<String>>,
    pub(crate) rules: Vec<RouteRule>,
    /// Blue/green: requests with this header go to the new deployment before it is promoted.
    pub(crate) preview: Option<RoutePreview>,
    /// Blue/green: whether the route follows the switched Service (default) or moves its
    /// backends from one colour's own Service to the next.
    pub(crate) switch: Option<Spanned<RouteSwitch>>,
}

impl Route {
    /// Whether the route switches by its backends (`switch = "weights"`).
    pub(crate) fn by_weights(&self) -> bool {
        self.switch
            .as_ref()
            .is_some_and(|s| s.value == RouteSwitch::Weights)
    }
}

impl Step {
    /// A route's name: its own, or the deployment name.
    pub(crate) fn route_name<'a>(&'a self, route: &'a Route) -> &'a str {
        route
            .name
            .as_ref()
            .map_or_else(|| self.deployment.name(), |n| n.as_str())
    }

    /// The Service a backend routes to: the one it names, else the route's, else the step's
    /// only one.
    pub(crate) fn backend_service(
        &self,
        route: &Route,
        backend: &RouteBackend,
    ) -> Option<&Service> {
        match backend.service.as_ref().or(route.service.as_ref()) {
            Some(name) => self
                .services
                .iter()
                .find(|s| self.service_name(s) == name.value),
            None if self.services.len() == 1 => self.services.first(),
            None => None,
        }
    }
}

impl Service {
    /// The number of the port `port` names (by name or number), if the Service has it.
    pub(crate) fn port_number(&self, port: &PortRef) -> Option<i64> {
        self.ports
            .iter()
            .find(|p| match port {
                PortRef::Name(name) => p.name.as_ref().is_some_and(|n| &n.value == name),
                PortRef::Number(number) => p.port.value == *number,
            })
            .map(|p| p.port.value)
    }
}

#[derive(Clone, Debug)]
pub(crate) struct RouteParent {
    pub(crate) name: Spanned<String>,
    pub(crate) namespace: Option<Spanned<String>>,
    /// A listener of the Gateway (`sectionName`).
    pub(crate) section: Option<Spanned<String>>,
}

#[derive(Clone, Debug)]
pub(crate) struct RouteRule {
    pub(crate) key_span: Span,
    pub(crate) matches: Vec<RouteMatch>,
    pub(crate) request_headers: Option<HeaderModifier>,
    pub(crate) redirect: Option<Redirect>,
    pub(crate) rewrite: Option<Rewrite>,
    pub(crate) backends: Vec<RouteBackend>,
}

#[derive(Clone, Debug)]
pub(crate) struct RouteMatch {
    pub(crate) key_span: Span,
    pub(crate) path: Option<Spanned<String>>,
    /// Default `PathPrefix`.
    pub(crate) path_type: Option<Spanned<RoutePathType>>,
    pub(crate) headers: Vec<ValueCondition>,
    pub(crate) query_params: Vec<ValueCondition>,
    pub(crate) method: Option<Spanned<HttpMethod>>,
}

impl RouteMatch {
    pub(crate) fn path_type(&self) -> RoutePathType {
        self.path_type
            .as_ref()
            .map_or(RoutePathType::PathPrefix, |t| t.value)
    }
}

/// A header or query parameter the request must have.
#[derive(Clone, Debug)]
pub(crate) struct ValueCondition {
    pub(crate) name: Spanned<String>,
    pub(crate) value: Spanned<String>,
    /// Default `Exact`.
    pub(crate) kind: Option<Spanned<ValueMatch>>,
}

/// `RequestHeaderModifier`: headers set, added and removed before the request goes on.
#[derive(Clone, Debug)]
pub(crate) struct HeaderModifier {
    pub(crate) key_span: Span,
    pub(crate) set: Vec<KeyValue>,
    pub(crate) add: Vec<KeyValue>,
    pub(crate) remove: Vec<Spanned<String>>,
}

/// A new path: the whole of it, or the prefix the rule matched.
#[derive(Clone, Debug)]
pub(crate) enum PathModifier {
    ReplaceFullPath(Spanned<String>),
    ReplacePrefixMatch(Spanned<String>),
}

/// `RequestRedirect`.
#[derive(Clone, Debug)]
pub(crate) struct Redirect {
    pub(crate) key_span: Span,
    pub(crate) scheme: Option<Spanned<RedirectScheme>>,
    pub(crate) hostname: Option<Spanned<String>>,
    pub(crate) port: Option<Spanned<i64>>,
    pub(crate) path: Option<PathModifier>,
    pub(crate) status: Option<Spanned<i64>>,
}

/// `URLRewrite`.
#[derive(Clone, Debug)]
pub(crate) struct Rewrite {
    pub(crate) key_span: Span,
    pub(crate) hostname: Option<Spanned<String>>,
    pub(crate) path: Option<PathModifier>,
}

#[derive(Clone, Debug)]
pub(crate) struct RouteBackend {
    pub(crate) key_span: Span,
    /// The step's Service; default the route's.
    pub(crate) service: Option<Spanned<String>>,
    /// A port of that Service, by name or number.
    pub(crate) port: Spanned<PortRef>,
    pub(crate) weight: Option<Spanned<i64>>,
}

/// Blue/green: requests carrying `header: value` go to the new deployment before promotion.
#[derive(Clone, Debug)]
pub(crate) struct RoutePreview {
    pub(crate) key_span: Span,
    pub(crate) header: Spanned<String>,
    pub(crate) value: Spanned<String>,
}
