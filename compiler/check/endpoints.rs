//! Endpoint addresses of a Service without a selector: at most one EndpointSlice's worth,
//! valid IPs of one family, none that the API refuses as an endpoint (loopback, link-local).

use super::service::invalid_address;
use super::{Cx, address};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Choice, Service};

/// `maxEndpoints` of `pkg/apis/discovery/validation`: the endpoints of one EndpointSlice.
const MAX_ENDPOINTS: usize = 1000;

pub(super) fn check(cx: &mut Cx<'_>) {
    for service in &cx.step.services {
        check_one(cx, service);
    }
}

fn check_one(cx: &mut Cx<'_>, service: &Service) {
    let Some(endpoints) = &service.endpoints else {
        return;
    };
    if endpoints.addresses.is_empty() {
        cx.report(
            Diagnostic::error(Code::EmptyValue, "the Service's endpoints have no addresses")
                .label(endpoints.key_span, "no addresses")
                .help("list the backends' IP addresses, e.g. `addresses = [\"10.1.2.3\"]`, or remove `endpoints`"),
        );
    }
    if let Some(extra) = endpoints.addresses.get(MAX_ENDPOINTS) {
        cx.report(
            Diagnostic::error(
                Code::InvalidAddress,
                format!(
                    "the Service's endpoints list {} addresses; one EndpointSlice holds at most {MAX_ENDPOINTS}",
                    endpoints.addresses.len()
                ),
            )
            .label(extra.span, format!("address {} of at most {MAX_ENDPOINTS}", MAX_ENDPOINTS + 1))
            .label(endpoints.key_span, "kstep writes these into one EndpointSlice")
            .help("list at most 1000 addresses, or let a controller manage the endpoints of a Service this large"),
        );
    }
    let mut first_family = None;
    for text in &endpoints.addresses {
        let parsed = match address::ip(&text.value) {
            Ok(parsed) => parsed,
            Err(reason) => {
                invalid_address(cx, text, "endpoint address", &reason);
                continue;
            }
        };
        if let Some(problem) = address::endpoint_problem(&parsed) {
            cx.report(
                Diagnostic::error(Code::InvalidAddress, format!("`{}` cannot be a Service endpoint", text.value))
                    .label(text.span, format!("a {problem} address"))
                    .help("endpoints must be addresses other pods can reach; the API refuses loopback, link-local, link-local multicast and unspecified addresses"),
            );
        }
        let family = address::family(&parsed);
        match first_family {
            None => first_family = Some((family, text.span)),
            Some((first, span)) if first != family => cx.report(
                Diagnostic::error(
                    Code::IpFamilyMismatch,
                    "endpoint addresses mix IPv4 and IPv6",
                )
                .label(text.span, family.as_str())
                .label(span, first.as_str())
                .help("an EndpointSlice holds one address family; use addresses of one family"),
            ),
            Some(_) => {}
        }
    }
}
