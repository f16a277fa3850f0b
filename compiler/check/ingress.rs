//! The Ingress: names and hosts the API accepts, paths that start with '/', backends that are
//! ports of the step's Service, and TLS hosts that some rule serves.

use super::ports::port_number;
use super::{Cx, k8s};
use crate::diagnostic::{Code, Diagnostic};
use crate::diagnostic::{closest, one_of};
use crate::model::{
    Choice, Ingress, IngressPath, PathType, PortRef, Secret, Service, ServiceType, Spanned,
};

pub(super) fn check(cx: &mut Cx<'_>) {
    for ingress in &cx.step.ingresses {
        check_one(cx, ingress);
    }
    unique_names(cx);
}

/// Two Ingresses of a step may not share a name.
fn unique_names(cx: &mut Cx<'_>) {
    let step = cx.step;
    let names = step.ingresses.iter().map(|ingress| {
        let span = ingress.name.as_ref().map_or(ingress.key_span, |n| n.span);
        (step.ingress_name(ingress), span)
    });
    super::names::unique(cx, names, ("Ingress", "Ingresses"));
}

fn check_one(cx: &mut Cx<'_>, ingress: &Ingress) {
    if let Some(name) = &ingress.name {
        cx.syntax(name, "Ingress name", &k8s::OBJECT_NAME);
    }
    if let Some(class) = &ingress.class {
        cx.syntax(class, "ingress class", &k8s::OBJECT_NAME);
    }
    super::labels::annotations(cx, &ingress.annotations);
    super::labels::labels(cx, &ingress.labels);
    if ingress.rules.is_empty() && ingress.default_backend.is_none() {
        cx.report(
            Diagnostic::error(
                Code::MissingField,
                "the Ingress has no rules and no default backend",
            )
            .label(ingress.key_span, "routes nothing")
            .help("add `rules` with hosts and paths, or a `default_backend`"),
        );
    }
    for rule in &ingress.rules {
        if let Some(host) = &rule.host {
            cx.syntax(host, "Ingress host", &k8s::INGRESS_HOST);
        }
        for path in &rule.paths {
            ingress_path(cx, path);
        }
    }
    tls(cx, ingress);
    backends(cx, ingress);
}

/// The API's rules for Ingress paths: absolute, and for Prefix and Exact paths free of
/// sequences that controllers would normalize away.
fn ingress_path(cx: &mut Cx<'_>, path: &IngressPath) {
    let text = &path.path.value;
    let problem = if !text.starts_with('/') {
        Some((
            "does not start with '/'".to_owned(),
            format!("write it as `/{text}`"),
        ))
    } else if path.kind() == PathType::ImplementationSpecific {
        None
    } else {
        let contains = ["//", "/./", "/../", "%2f", "%2F"]
            .iter()
            .find(|s| text.contains(**s))
            .map(|s| format!("contains `{s}`"));
        let ends = || {
            ["/..", "/."]
                .iter()
                .find(|s| text.ends_with(**s))
                .map(|s| format!("ends with `{s}`"))
        };
        contains
            .or_else(ends)
            .map(|problem| (problem, "write the path in its normal form".to_owned()))
    };
    if let Some((problem, help)) = problem {
        cx.report(
            Diagnostic::error(
                Code::InvalidPath,
                format!("Ingress path `{text}` {problem}"),
            )
            .label(
                path.path.span,
                format!("not a valid {} path", path.kind().as_str()),
            )
            .help(help),
        );
    }
}

fn tls(cx: &mut Cx<'_>, ingress: &Ingress) {
    let rule_hosts: Vec<&str> = ingress
        .rules
        .iter()
        .filter_map(|r| r.host.as_ref().map(|h| h.as_str()))
        .collect();
    let catch_all = ingress.rules.iter().any(|r| r.host.is_none());
    for entry in &ingress.tls {
        if let Some(secret) = &entry.secret
            && cx.syntax(secret, "TLS secret name", &k8s::OBJECT_NAME)
        {
            owned_tls_secret(cx, secret);
        }
        for host in &entry.hosts {
            if !cx.syntax(host, "TLS host", &k8s::INGRESS_HOST) || catch_all {
                continue;
            }
            if rule_hosts
                .iter()
                .any(|rule| covers(rule, &host.value) || covers(&host.value, rule))
            {
                continue;
            }
            let mut diagnostic = Diagnostic::error(
                Code::TlsHostMismatch,
                format!("no Ingress rule serves TLS host `{}`", host.value),
            )
            .label(host.span, "certificate for this host");
            diagnostic = match closest(&host.value, &rule_hosts) {
                Some(hit) => diagnostic.suggest(hit),
                None if rule_hosts.is_empty() => diagnostic.help("add a rule for this host"),
                None => diagnostic.help(format!(
                    "add a rule for it; the rules serve {}",
                    one_of(&rule_hosts)
                )),
            };
            cx.report(diagnostic);
        }
    }
}

/// A TLS Secret the step owns must be a `kubernetes.io/tls` Secret: only for that type does
/// the API make sure `tls.crt` and `tls.key` are there (owned.rs checks them), and some
/// controllers (Contour, Envoy Gateway) ignore certificates in Secrets of other types.
fn owned_tls_secret(cx: &mut Cx<'_>, name: &Spanned<String>) {
    let Some(secret) = cx.step.secrets.iter().find(|s| s.name.value == name.value) else {
        return;
    };
    let kind = secret.kind();
    if kind == Secret::TLS {
        return;
    }
    let kind_span = secret.kind.as_ref().map_or(secret.name.span, |k| k.span);
    cx.report(
        Diagnostic::error(
            Code::InvalidSecret,
            format!(
                "the Ingress's TLS Secret `{}` has type `{kind}`",
                name.value
            ),
        )
        .label(name.span, "a certificate and key for TLS")
        .label(kind_span, format!("the step's Secret, of type `{kind}`"))
        .help(format!(
            "give the Secret `type = \"{}\"`, with the certificate as `tls.crt` and the key as `tls.key` in its `data`",
            Secret::TLS
        )),
    );
}

/// Whether `pattern` matches `host`: the same name, or a wildcard one label above it. A TLS
/// host is served when it matches a rule host, or (a wildcard certificate) matches one.
fn covers(rule: &str, host: &str) -> bool {
    if rule == host {
        return true;
    }
    match (rule.strip_prefix("*."), host.split_once('.')) {
        (Some(domain), Some((label, rest))) => label != "*" && rest == domain,
        _ => false,
    }
}

/// Every backend port is valid on its own, and a port of the Service the Ingress routes
/// to: the one it names, or the step's only one.
fn backends(cx: &mut Cx<'_>, ingress: &Ingress) {
    let ports: Vec<&Spanned<PortRef>> = ingress
        .rules
        .iter()
        .flat_map(|r| &r.paths)
        .map(|p| &p.port)
        .chain(&ingress.default_backend)
        .filter(|port| backend_port(cx, port))
        .collect();
    let Some(service) = routed_service(cx, ingress) else {
        return;
    };
    if !service.ports_complete {
        return;
    }
    for port in ports {
        backend(cx, service, port);
    }
}

/// The Service an Ingress routes to, or `None` (reported) when there is none to name or
/// the name is unknown.
fn routed_service<'a>(cx: &mut Cx<'a>, ingress: &Ingress) -> Option<&'a Service> {
    let step = cx.step;
    if let Some(service) = step.ingress_service(ingress) {
        return Some(service);
    }
    let mut names: Vec<&str> = Vec::with_capacity(step.services.len());
    for name in step.services.iter().map(|s| step.service_name(s)) {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let diagnostic = match (&ingress.service, names.as_slice()) {
        (_, []) => Diagnostic::error(
            Code::IngressWithoutService,
            "the Ingress has no Service to route to",
        )
        .label(
            ingress.key_span,
            "an Ingress routes to one of the step's Services",
        )
        .help("add a `service` with the ports the Ingress names"),
        (None, _) => Diagnostic::error(
            Code::IngressWithoutService,
            "the Ingress does not say which Service it routes to",
        )
        .label(ingress.key_span, "the step has several Services")
        .help(format!(
            "add `service` naming one of them: {}",
            one_of(&names)
        )),
        (Some(name), _) => {
            let diagnostic = Diagnostic::error(
                Code::IngressWithoutService,
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
    None
}

/// `validateIngressBackend` (`pkg/apis/networking/validation`): a port number, or an IANA
/// port name, whatever the Service's port names are (those are DNS labels, and may be longer).
fn backend_port(cx: &mut Cx<'_>, port: &Spanned<PortRef>) -> bool {
    match &port.value {
        PortRef::Number(number) => port_number(cx, &Spanned::new(*number, port.span)),
        PortRef::Name(name) => cx.syntax(
            &Spanned::new(name.clone(), port.span),
            "Ingress backend port name",
            &k8s::PORT_NAME,
        ),
    }
}

fn backend(cx: &mut Cx<'_>, service: &Service, port: &Spanned<PortRef>) {
    if service.kind() == ServiceType::ExternalName {
        // Its ports are the external service's; only a number can name one.
        if let PortRef::Name(name) = &port.value {
            cx.report(
                Diagnostic::error(Code::UnknownServicePort, format!("an ExternalName Service has no port named `{name}`"))
                    .label(port.span, "Ingress backend port")
                    .help("an ExternalName Service declares no ports; give the external service's port as a number"),
            );
        }
        return;
    }
    let names: Vec<&str> = service
        .ports
        .iter()
        .filter_map(|p| p.name.as_ref().map(|n| n.as_str()))
        .collect();
    let (found, wanted) = match &port.value {
        PortRef::Name(name) => (names.contains(&name.as_str()), format!("named `{name}`")),
        PortRef::Number(number) => (
            service.ports.iter().any(|p| p.port.value == *number),
            format!("{number}"),
        ),
    };
    if found {
        return;
    }
    let mut diagnostic = Diagnostic::error(
        Code::UnknownServicePort,
        format!("the Service has no port {wanted}"),
    )
    .label(port.span, "Ingress backend port");
    let numbers: Vec<String> = service
        .ports
        .iter()
        .map(|p| p.port.value.to_string())
        .collect();
    diagnostic = match &port.value {
        PortRef::Name(name) => match closest(name, &names) {
            Some(hit) => diagnostic.suggest(hit),
            None if names.is_empty() => {
                diagnostic.help("name the Service port, or give the backend port as a number")
            }
            None => diagnostic.help(format!("the Service's ports are named {}", one_of(&names))),
        },
        PortRef::Number(_) => {
            let numbers: Vec<&str> = numbers.iter().map(String::as_str).collect();
            diagnostic.help(format!(
                "use one of the Service's ports: {}",
                one_of(&numbers)
            ))
        }
    };
    cx.report(diagnostic);
}

#[cfg(test)]
mod tests {
    use super::covers;

    #[test]
    fn wildcards_cover_one_label() {
        assert!(covers("shop.example.com", "shop.example.com"));
        assert!(covers("*.example.com", "shop.example.com"));
        assert!(!covers("*.example.com", "a.shop.example.com"));
        assert!(!covers("*.example.com", "example.com"));
        assert!(!covers("shop.example.com", "*.example.com"));
        assert!(covers("*.example.com", "*.example.com"));
    }
}
