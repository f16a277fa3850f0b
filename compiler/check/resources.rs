//! CPU and memory requests and limits: quantity grammar, CPU precision, requests not above
//! limits.

use super::Cx;
use super::quantity::{Quantity, QuantityError};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::Spanned;

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
        for (name, request, parsed) in &requests {
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
