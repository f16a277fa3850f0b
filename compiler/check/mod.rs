//! Stage 3, check: the Kubernetes API's validation rules and kstep's cross-references.
//!
//! Each file holds one family of rules over the step model; all of them run and report, and
//! the driver gates once afterwards. Rules that would report something as *missing* (an
//! undeclared volume, an unknown port name) stay quiet when reading dropped an element of the
//! list they look in (`volumes_complete`, `ports_complete`, ...), so one mistake does not
//! cascade into several.

mod address;
mod autoscaling;
mod blue_green;
mod containers;
mod deployment;
mod disruption;
mod endpoints;
mod env;
mod image;
mod ingress;
pub(crate) mod k8s;
mod labels;
mod lifecycle;
mod mounts;
pub(crate) mod names;
mod objects;
mod owned;
mod patches;
mod plan;
mod pod;
mod ports;
mod probes;
pub(crate) mod quantity;
mod resources;
mod route;
mod schedule;
mod scheduling;
mod security;
mod service;
mod service_ports;
mod strategy;
mod volumes;
mod workloads;

pub(crate) use plan::plan;
pub(crate) use strategy::percent;

use crate::diagnostic::{Code, Diagnostic, Diagnostics, quoted};
use crate::model::{Spanned, Step};

/// Runs every rule on one step.
pub(crate) fn check(step: &Step, diags: &mut Diagnostics) {
    let mut cx = Cx { step, diags };
    names::check(&mut cx);
    labels::check(&mut cx);
    deployment::check(&mut cx);
    containers::check(&mut cx);
    image::check(&mut cx);
    ports::check(&mut cx);
    resources::check(&mut cx);
    env::check(&mut cx);
    probes::check(&mut cx);
    lifecycle::check(&mut cx);
    security::check(&mut cx);
    pod::check(&mut cx);
    scheduling::check(&mut cx);
    volumes::check(&mut cx);
    mounts::check(&mut cx);
    service::check(&mut cx);
    service_ports::check(&mut cx);
    endpoints::check(&mut cx);
    ingress::check(&mut cx);
    strategy::check(&mut cx);
    blue_green::check(&mut cx);
    owned::check(&mut cx);
    disruption::check(&mut cx);
    autoscaling::check(&mut cx);
    route::check(&mut cx);
    workloads::check(&mut cx);
}

pub(crate) struct Cx<'a> {
    pub(crate) step: &'a Step,
    diags: &'a mut Diagnostics,
}

impl Cx<'_> {
    pub(crate) fn report(&mut self, diagnostic: Diagnostic) {
        self.diags.push(diagnostic);
    }

    /// Reports `value` when it does not have the API's `syntax`; `what` names the value
    /// ("container name"). Returns whether it is valid.
    pub(crate) fn syntax(
        &mut self,
        value: &Spanned<String>,
        what: &str,
        syntax: &k8s::Syntax,
    ) -> bool {
        let Err(reason) = (syntax.rule)(&value.value) else {
            return true;
        };
        let kind = syntax.kind;
        let mut diagnostic = Diagnostic::error(
            syntax.code,
            format!("invalid {what} {}: {reason}", quoted(&value.value)),
        )
        .label(value.span, format!("not a valid {kind}"));
        diagnostic = match syntax.fixed(&value.value) {
            Some(fixed) => diagnostic.help(format!("use a valid {kind}, for example `{fixed}`")),
            None => diagnostic.help(format!("use a valid {kind}: {}", syntax.hint)),
        };
        self.report(diagnostic);
        false
    }

    /// Reports an integer outside `min..=max`.
    pub(crate) fn range(&mut self, value: &Spanned<i64>, what: &str, min: i64, max: i64) -> bool {
        if (min..=max).contains(&value.value) {
            return true;
        }
        let bound = if value.value < min {
            format!("at least {min}")
        } else {
            format!("at most {max}")
        };
        self.report(
            Diagnostic::error(
                Code::OutOfRange,
                format!("{what} must be {bound}, not {}", value.value),
            )
            .label(value.span, format!("must be between {min} and {max}"))
            .help(format!("use a value between {min} and {max}")),
        );
        false
    }
}
