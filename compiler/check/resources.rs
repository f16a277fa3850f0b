//! Resource requests and limits: quantity grammar, CPU precision, requests not above limits;
//! and for extended resources (`nvidia.com/gpu`) and huge pages, which nodes cannot
//! overcommit: a valid name, whole numbers of devices, and a limit equal to the request.

use super::quantity::{Quantity, QuantityError};
use super::{Cx, k8s};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Container, Spanned, is_extended_resource};

pub(super) fn check(cx: &mut Cx<'_>) {
    for container in &cx.step.containers {
        let resources = &container.resources;
        let requests: Vec<_> = resources
            .requests
            .iter()
            .map(|(name, q)| (name, q, parse(cx, name, q)))
            .collect();
        let limits: Vec<_> = resources
            .limits
            .iter()
            .map(|(name, q)| (name, q, parse(cx, name, q)))
            .collect();
        // Extended resources need a limit equal to the request; see `extended`.
        for (name, request, parsed) in requests.iter().filter(|(n, ..)| !is_extended_resource(n)) {
            let Some((_, limit, Some(limit_value))) = limits.iter().find(|(n, ..)| n == name)
            else {
                continue;
            };
            if let Some(request_value) = parsed
                && request_value.compare(*limit_value).is_gt()
            {
                cx.report(
                    Diagnostic::error(
                        Code::RequestExceedsLimit,
                        format!(
                            "{name} request {} is more than its limit {}",
                            request.value, limit.value
                        ),
                    )
                    .label(request.span, "request")
                    .label(limit.span, "limit")
                    .help(format!("lower the {name} request or raise the limit; a request must not exceed its limit")),
                );
            }
        }
        extended(cx, container);
    }
}

/// Extended resources and huge pages: a valid name, whole devices, pages that fill whole
/// pages and come with a CPU or memory request, and a limit equal to any request.
fn extended(cx: &mut Cx<'_>, container: &Container) {
    let resources = &container.resources;
    let all = || {
        resources
            .requests
            .extended
            .iter()
            .chain(&resources.limits.extended)
    };
    for (name, quantity) in all() {
        match name.value.strip_prefix("hugepages-") {
            Some(size) => huge_pages(cx, name, size, quantity),
            None => device(cx, name, quantity),
        }
    }
    let huge = all().find(|(n, _)| n.value.starts_with("hugepages-"));
    let sized = |list: &crate::model::ResourceList| list.cpu.is_some() || list.memory.is_some();
    if let Some((name, _)) = huge
        && !sized(&resources.requests)
        && !sized(&resources.limits)
    {
        cx.report(
            Diagnostic::error(
                Code::InvalidResource,
                format!("`{}` needs a CPU or memory request or limit", name.value),
            )
            .label(name.span, "huge pages alone")
            .help(
                "the API requires CPU or memory beside huge pages; add e.g. `memory = \"128Mi\"`",
            ),
        );
    }
    for (name, request) in &resources.requests.extended {
        let limit = resources
            .limits
            .extended
            .iter()
            .find(|(n, _)| n.value == name.value)
            .map(|(_, q)| q);
        let equal = limit.is_some_and(|limit| {
            Quantity::parse(&limit.value)
                .ok()
                .zip(Quantity::parse(&request.value).ok())
                .is_none_or(|(l, r)| l.compare(r).is_eq())
        });
        if equal {
            continue;
        }
        let mut diagnostic = Diagnostic::error(
            Code::InvalidResource,
            format!("`{}` needs a limit equal to its request", name.value),
        )
        .label(request.span, "request");
        diagnostic = match limit {
            Some(limit) => diagnostic.label(limit.span, "a different limit"),
            None => diagnostic,
        };
        cx.report(diagnostic.help(
            "nodes cannot overcommit extended resources and huge pages: set the limit to the \
             request (or set only the limit: the request defaults to it)",
        ));
    }
}

/// An extended resource: `<domain>/<name>` outside `kubernetes.io`, in whole devices.
fn device(cx: &mut Cx<'_>, name: &Spanned<String>, quantity: &Spanned<String>) {
    if !cx.syntax(name, "extended resource name", &k8s::EXTENDED_RESOURCE) {
        return;
    }
    let domain = name.value.split('/').next().unwrap_or_default();
    if domain == "kubernetes.io" || domain.ends_with(".kubernetes.io") {
        cx.report(
            Diagnostic::error(
                Code::InvalidResource,
                format!(
                    "`{}` is in the `kubernetes.io` domain, which is reserved",
                    name.value
                ),
            )
            .label(name.span, "not a standard resource")
            .help("use the name the device plugin advertises, e.g. `nvidia.com/gpu`"),
        );
        return;
    }
    if let Ok(parsed) = Quantity::parse(&quantity.value)
        && !parsed.is_whole()
    {
        cx.report(
            Diagnostic::error(
                Code::InvalidResource,
                format!(
                    "`{}` must be a whole number, not `{}`",
                    name.value, quantity.value
                ),
            )
            .label(quantity.span, "not a whole number")
            .help("extended resources are devices: request whole ones, e.g. 1"),
        );
    }
}

/// `hugepages-<size>`: a valid page size, and a quantity of whole pages.
fn huge_pages(cx: &mut Cx<'_>, name: &Spanned<String>, size: &str, quantity: &Spanned<String>) {
    let Ok(page) = Quantity::parse(size)
        .map_err(|_| ())
        .and_then(|p| if p.is_zero() { Err(()) } else { Ok(p) })
    else {
        cx.report(
            Diagnostic::error(
                Code::InvalidResource,
                format!("`{}` does not name a page size", name.value),
            )
            .label(name.span, "not `hugepages-<size>`")
            .help("write the page size as a quantity, e.g. `hugepages-2Mi` or `hugepages-1Gi`"),
        );
        return;
    };
    if let Ok(amount) = Quantity::parse(&quantity.value)
        && !amount.is_multiple_of(page)
    {
        cx.report(
            Diagnostic::error(
                Code::InvalidResource,
                format!("`{}` is not a whole number of {size} pages", quantity.value),
            )
            .label(quantity.span, "not whole pages")
            .help(format!("use a multiple of {size}")),
        );
    }
}

/// Parses and checks one quantity; `None` when it is invalid (and reported).
fn parse(cx: &mut Cx<'_>, resource: &str, quantity: &Spanned<String>) -> Option<Quantity> {
    let problem = match Quantity::parse(&quantity.value) {
        Ok(q) if resource == "cpu" && !q.is_whole_millis() => {
            "CPU precision finer than 1m is not allowed".to_owned()
        }
        Ok(q) => return Some(q),
        Err(QuantityError::Syntax(what)) => format!("the quantity {what}"),
        Err(QuantityError::Negative) => "must not be negative".to_owned(),
        Err(QuantityError::TooLarge) => "is too large".to_owned(),
    };
    let help = match (resource, &problem) {
        (_, p) if p.starts_with("CPU precision") => {
            "round to whole millicores, e.g. `1m` or `0.001`".to_owned()
        }
        ("cpu", _) => "write a number with an optional suffix, e.g. `250m` or `0.5`".to_owned(),
        _ => "write a number with an optional suffix (k, M, G, Ki, Mi, Gi, ...), e.g. `128Mi` or `1Gi`".to_owned(),
    };
    cx.report(
        Diagnostic::error(
            Code::InvalidQuantity,
            format!(
                "invalid {resource} quantity `{}`: {problem}",
                quantity.value
            ),
        )
        .label(quantity.span, "not a valid quantity")
        .help(help),
    );
    None
}
