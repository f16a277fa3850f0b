//! Liveness, readiness and startup probes: timing ranges, the success threshold rule, probe
//! ports (by number, or by a name the container declares), header names, and no probes on
//! init containers.

use super::ports::port_number;
use super::{Cx, k8s};
use crate::diagnostic::closest;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Container, PortRef, Probe, ProbeHandler, ProbeKind, Spanned};

pub(super) fn check(cx: &mut Cx<'_>) {
    for container in &cx.step.containers {
        for probe in container.probes() {
            if container.is_init() {
                cx.report(
                    Diagnostic::error(
                        Code::ProbeOnInitContainer,
                        format!("init {} has a {} probe", container.describe(), probe.kind.key()),
                    )
                    .label(probe.key_span, "init containers are not probed")
                    .help("init containers run to completion before the app starts; remove the probe, remove `init` to make this an app container, or make it a `sidecar` that keeps running"),
                );
            }
            timings(cx, probe);
            handler(cx, container, probe);
        }
    }
}

fn timings(cx: &mut Cx<'_>, probe: &Probe) {
    let max = i64::from(i32::MAX);
    // Liveness and startup probes have their own, stricter rule for the success threshold.
    let threshold_is_one = probe.kind != ProbeKind::Readiness;
    for (key, value) in probe.timings() {
        if key == "success_threshold" && threshold_is_one {
            continue;
        }
        let min = if key == "initial_delay" { 0 } else { 1 };
        cx.range(value, &format!("`{key}`"), min, max);
    }
    if let Some(threshold) = &probe.success_threshold
        && threshold_is_one
        && threshold.value != 1
    {
        cx.report(
            Diagnostic::error(
                Code::ProbeSuccessThreshold,
                format!("a {} probe's success threshold must be 1", probe.kind.key()),
            )
            .label(threshold.span, "must be 1")
            .help("remove `success_threshold` (it defaults to 1); only readiness probes may require several successes"),
        );
    }
}

fn handler(cx: &mut Cx<'_>, container: &Container, probe: &Probe) {
    match &probe.handler {
        ProbeHandler::Command(command) if command.value.is_empty() => cx.report(
            Diagnostic::error(Code::EmptyValue, "the probe command is empty")
                .label(command.span, "no command")
                .help(
                    "give the command and its arguments, e.g. [\"/bin/healthcheck\", \"--quick\"]",
                ),
        ),
        ProbeHandler::Http(http) => {
            for header in &http.headers {
                cx.syntax(&header.name, "HTTP header name", &k8s::HEADER_NAME);
            }
        }
        _ => {}
    }
    if let Some(port) = probe.handler.port() {
        port_ref(cx, container, port);
    }
}

pub(super) fn port_ref(cx: &mut Cx<'_>, container: &Container, port: &Spanned<PortRef>) {
    let name = match &port.value {
        PortRef::Number(number) => {
            port_number(cx, &Spanned::new(*number, port.span));
            return;
        }
        PortRef::Name(name) => Spanned::new(name.clone(), port.span),
    };
    if !cx.syntax(&name, "port name", &k8s::PORT_NAME) || !container.ports_complete {
        return;
    }
    let declared: Vec<&str> = container
        .ports
        .iter()
        .filter_map(|p| p.name.as_ref().map(|n| n.as_str()))
        .collect();
    if declared.contains(&name.as_str()) {
        return;
    }
    let mut diagnostic = Diagnostic::error(
        Code::UnknownPortName,
        format!(
            "{} has no port named `{}`",
            container.describe(),
            name.value
        ),
    )
    .label(name.span, "unknown port name");
    diagnostic = match (closest(&name.value, &declared), declared.is_empty()) {
        (Some(hit), _) => diagnostic.suggest(hit),
        (None, true) => diagnostic.help(
            "declare the port in the container's `ports` with this name, or use a port number",
        ),
        (None, false) => diagnostic.help(format!(
            "the container's ports are named {}",
            crate::diagnostic::one_of(&declared)
        )),
    };
    cx.report(diagnostic);
}
