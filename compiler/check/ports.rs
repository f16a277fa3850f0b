//! Container ports: numbers in range, IANA names, no name or number/protocol twice in one
//! container; host ports in range, and equal to the container port on the host's network.

use std::collections::BTreeMap;

use super::{Cx, k8s};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::Spanned;

pub(super) fn check(cx: &mut Cx<'_>) {
    for container in &cx.step.containers {
        let mut names = BTreeMap::new();
        let mut numbers = BTreeMap::new();
        for port in &container.ports {
            port_number(cx, &port.port);
            if let Some(host) = &port.host_port
                && port_number(cx, host)
                && cx.step.pod.host_network()
                && host.value != port.port.value
            {
                cx.report(
                    Diagnostic::error(
                        Code::ConflictingFields,
                        format!(
                            "host port {} differs from container port {} on the host's network",
                            host.value, port.port.value
                        ),
                    )
                    .label(host.span, "host port")
                    .label(port.port.span, "container port")
                    .help("with `host_network`, the container listens on the node itself: remove `host_port`, or make it equal the port"),
                );
            }
            if let Some(name) = &port.name {
                cx.syntax(name, "port name", &k8s::PORT_NAME);
                if let Some(first) = names.insert(name.value.as_str(), name.span) {
                    cx.report(
                        Diagnostic::error(
                            Code::DuplicatePort,
                            format!(
                                "{} has two ports named `{}`",
                                container.describe(),
                                name.value
                            ),
                        )
                        .label(name.span, "second port with this name")
                        .label(first, "first port with this name")
                        .help("port names must be unique within a container; rename one"),
                    );
                }
            }
            let protocol = port.protocol();
            if let Some(first) = numbers.insert((port.port.value, protocol), port.port.span) {
                cx.report(
                    Diagnostic::error(
                        Code::DuplicatePort,
                        format!(
                            "{} declares port {}/{} twice",
                            container.describe(),
                            port.port.value,
                            crate::model::Choice::as_str(protocol)
                        ),
                    )
                    .label(port.port.span, "declared again here")
                    .label(first, "first declared here")
                    .help("remove one of the two declarations"),
                );
            }
        }
    }
}

/// A port number: 1-65535.
pub(super) fn port_number(cx: &mut Cx<'_>, port: &Spanned<i64>) -> bool {
    if (1..=65535).contains(&port.value) {
        return true;
    }
    cx.report(
        Diagnostic::error(
            Code::InvalidPort,
            format!("port {} is out of range", port.value),
        )
        .label(port.span, "must be between 1 and 65535")
        .help("use a port number between 1 and 65535"),
    );
    false
}
