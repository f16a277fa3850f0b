//! Probes. Only the timing fields a step sets are emitted; the API server applies its own
//! defaults (`SetDefaults_Probe` in pkg/apis/core/v1/defaults.go) to the rest.

use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use super::container::strings;
use super::{int32, non_empty, word};
use crate::model::{Container, HttpGet, PortRef, Probe, ProbeHandler, Spanned};

/// A probe of `container` (whose ports name the ports a gRPC probe gives by name).
pub(super) fn lower(container: &Container, probe: &Probe) -> core::Probe {
    let seconds = |v: &Option<Spanned<i64>>| v.as_ref().map(|v| int32(v.value));
    let mut out = core::Probe {
        failure_threshold: seconds(&probe.failure_threshold),
        success_threshold: seconds(&probe.success_threshold),
        timeout_seconds: seconds(&probe.timeout),
        initial_delay_seconds: seconds(&probe.initial_delay),
        period_seconds: seconds(&probe.period),
        ..core::Probe::default()
    };
    match &probe.handler {
        ProbeHandler::Command(command) => {
            out.exec = Some(core::ExecAction {
                command: Some(strings(&command.value)),
            });
        }
        ProbeHandler::Http(http) => out.http_get = Some(http_get(http)),
        ProbeHandler::Tcp(tcp) => {
            out.tcp_socket = Some(core::TCPSocketAction {
                host: tcp.host.as_ref().map(|h| h.value.clone()),
                port: port(&tcp.port.value),
            });
        }
        ProbeHandler::Grpc(grpc) => {
            // Checking made sure a named port exists on the container.
            let number = match &grpc.port.value {
                PortRef::Number(n) => *n,
                PortRef::Name(name) => container
                    .ports
                    .iter()
                    .find(|p| p.name.as_ref().is_some_and(|n| n.value == *name))
                    .map_or(0, |p| p.port.value),
            };
            out.grpc = Some(core::GRPCAction {
                port: int32(number),
                service: grpc.service.as_ref().map(|s| s.value.clone()),
            });
        }
    }
    out
}

/// An HTTP request, for probes and lifecycle hooks.
pub(super) fn http_get(http: &HttpGet) -> core::HTTPGetAction {
    core::HTTPGetAction {
        host: http.host.as_ref().map(|h| h.value.clone()),
        path: http.path.as_ref().map(|p| p.value.clone()),
        scheme: word(&http.scheme),
        port: port(&http.port.value),
        http_headers: non_empty(
            http.headers
                .iter()
                .map(|h| core::HTTPHeader {
                    name: h.name.value.clone(),
                    value: h.value.value.clone(),
                })
                .collect(),
        ),
    }
}

pub(super) fn port(port: &PortRef) -> IntOrString {
    match port {
        PortRef::Number(n) => IntOrString::Int(int32(*n)),
        PortRef::Name(name) => IntOrString::String(name.clone()),
    }
}
