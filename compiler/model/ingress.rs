//! The step's Ingresses: HTTP routes to ports of one of the step's Services.

use super::{KeyValue, PathType, PortRef, Spanned};
use crate::source::Span;

#[derive(Clone, Debug)]
pub(crate) struct Ingress {
    /// The `ingress` key, for messages about the Ingress as a whole.
    pub(crate) key_span: Span,
    /// Defaults to the deployment name.
    pub(crate) name: Option<Spanned<String>>,
    /// The IngressClass that serves it (`ingressClassName`).
    pub(crate) class: Option<Spanned<String>>,
    pub(crate) annotations: Vec<KeyValue>,
    /// Labels of the Ingress's own, besides the step's.
    pub(crate) labels: Vec<KeyValue>,
    /// The step's Service it routes to, by name; needed only when the step has several.
    pub(crate) service: Option<Spanned<String>>,
    /// A Service port (name or number) for requests no rule matches.
    pub(crate) default_backend: Option<Spanned<PortRef>>,
    pub(crate) rules: Vec<IngressRule>,
    pub(crate) tls: Vec<IngressTls>,
}

#[derive(Clone, Debug)]
pub(crate) struct IngressRule {
    /// No host: the rule applies to every host.
    pub(crate) host: Option<Spanned<String>>,
    pub(crate) paths: Vec<IngressPath>,
}

#[derive(Clone, Debug)]
pub(crate) struct IngressPath {
    pub(crate) path: Spanned<String>,
    pub(crate) kind: Option<Spanned<PathType>>,
    /// A port of the step's Service, by name or number.
    pub(crate) port: Spanned<PortRef>,
}

impl IngressPath {
    pub(crate) fn kind(&self) -> PathType {
        self.kind.as_ref().map_or(PathType::Prefix, |k| k.value)
    }
}

#[derive(Clone, Debug)]
pub(crate) struct IngressTls {
    pub(crate) hosts: Vec<Spanned<String>>,
    /// The Secret holding the certificate and key.
    pub(crate) secret: Option<Spanned<String>>,
}
