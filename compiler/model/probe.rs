//! Liveness, readiness and startup probes: a command, HTTP, TCP or gRPC check with its
//! timing fields.

use super::{Scheme, Spanned};
use crate::source::Span;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ProbeKind {
    Liveness,
    Readiness,
    Startup,
}

impl ProbeKind {
    /// The step-file key, also used in messages.
    pub(crate) fn key(self) -> &'static str {
        match self {
            ProbeKind::Liveness => "liveness",
            ProbeKind::Readiness => "readiness",
            ProbeKind::Startup => "startup",
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Probe {
    pub(crate) kind: ProbeKind,
    /// The probe's key in the step file (`liveness`, ...).
    pub(crate) key_span: Span,
    pub(crate) handler: ProbeHandler,
    pub(crate) failure_threshold: Option<Spanned<i64>>,
    pub(crate) success_threshold: Option<Spanned<i64>>,
    /// Seconds to wait for a response.
    pub(crate) timeout: Option<Spanned<i64>>,
    /// Seconds after the container starts before the first probe.
    pub(crate) initial_delay: Option<Spanned<i64>>,
    /// Seconds between probes.
    pub(crate) period: Option<Spanned<i64>>,
}

impl Probe {
    /// `(step-file key, value)` of every timing field that is set.
    pub(crate) fn timings(&self) -> impl Iterator<Item = (&'static str, &Spanned<i64>)> {
        [
            ("failure_threshold", &self.failure_threshold),
            ("success_threshold", &self.success_threshold),
            ("timeout", &self.timeout),
            ("initial_delay", &self.initial_delay),
            ("period", &self.period),
        ]
        .into_iter()
        .filter_map(|(key, value)| value.as_ref().map(|v| (key, v)))
    }
}

#[derive(Clone, Debug)]
pub(crate) enum ProbeHandler {
    /// Arguments of the command run inside the container.
    Command(Spanned<Vec<Spanned<String>>>),
    Http(HttpGet),
    Tcp(TcpSocket),
    Grpc(GrpcCheck),
}

impl ProbeHandler {
    /// The port the probe connects to, if it has one.
    pub(crate) fn port(&self) -> Option<&Spanned<PortRef>> {
        match self {
            ProbeHandler::Command(_) => None,
            ProbeHandler::Http(http) => Some(&http.port),
            ProbeHandler::Tcp(tcp) => Some(&tcp.port),
            ProbeHandler::Grpc(grpc) => Some(&grpc.port),
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct HttpGet {
    pub(crate) host: Option<Spanned<String>>,
    pub(crate) path: Option<Spanned<String>>,
    pub(crate) scheme: Option<Spanned<Scheme>>,
    pub(crate) port: Spanned<PortRef>,
    pub(crate) headers: Vec<HttpHeader>,
}

#[derive(Clone, Debug)]
pub(crate) struct HttpHeader {
    pub(crate) name: Spanned<String>,
    pub(crate) value: Spanned<String>,
}

#[derive(Clone, Debug)]
pub(crate) struct TcpSocket {
    pub(crate) host: Option<Spanned<String>>,
    pub(crate) port: Spanned<PortRef>,
}

/// A call of the gRPC Health Checking Protocol (`grpc.health.v1.Health/Check`).
#[derive(Clone, Debug)]
pub(crate) struct GrpcCheck {
    /// The API takes a number only; a name is resolved to the container port's number.
    pub(crate) port: Spanned<PortRef>,
    /// The service name sent in the request; empty asks about the server as a whole.
    pub(crate) service: Option<Spanned<String>>,
}

/// A port given by number or by the name of a container port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum PortRef {
    Number(i64),
    Name(String),
}
