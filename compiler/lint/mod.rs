//! Lint: best-practice rules for `kstep lint`, beyond the API's own rules.
//!
//! Each rule has a stable code and a default level, both in the code catalog (`Code::kind`); `[lint]` in the step file
//! and in a `kstep.toml` found above it set a rule to allow, warn or deny, and a
//! `# kstep-ignore[rule]: reason` comment silences one line. The rules see a checked step and
//! its plan (some depend on the strategy). `secure-default-opt-out` notes show every place a
//! step weakens one of kstep's secure defaults; where a rule already warns about the same
//! place, the note is left out.

mod availability;
mod config;
mod containers;
mod disruption;
mod ignore;
mod patches;
mod security;
mod workloads;

pub(crate) use config::LintConfig;
pub(crate) use ignore::{Ignores, literal_spans};

use crate::diagnostic::{Code, Diagnostic, Diagnostics, Severity};
use crate::model::Step;
use crate::plan::Plan;
use crate::source::Span;

/// What the rules of one step found.
pub(super) struct Rules<'a> {
    step: &'a Step,
    plan: &'a Plan,
    found: Vec<Diagnostic>,
}

impl Rules<'_> {
    fn report(&mut self, diagnostic: Diagnostic) {
        self.found.push(diagnostic);
    }

    /// A place where the step weakens a secure default.
    fn opt_out(&mut self, span: Span, what: &str) {
        self.found.push(
            Diagnostic::notice(
                Code::SecureDefaultOptOut,
                format!("opts out of a secure default: {what}"),
            )
            .label(span, "weaker than kstep's default")
            .help("fine if intended; docs/security.md explains the default and what the opt-out allows"),
        );
    }
}

/// Runs every rule on a checked step and applies `config`.
pub(crate) fn lint(step: &Step, plan: &Plan, config: &LintConfig, diags: &mut Diagnostics) {
    let mut rules = Rules {
        step,
        plan,
        found: Vec::new(),
    };
    containers::check(&mut rules);
    security::check(&mut rules);
    availability::check(&mut rules);
    disruption::check(&mut rules);
    patches::check(&mut rules);
    workloads::check(&mut rules);
    let mut found: Vec<Diagnostic> = rules
        .found
        .into_iter()
        .filter_map(|d| config.apply(d))
        .collect();
    // An opt-out a rule already reports needs no note.
    let reported: Vec<Span> = found
        .iter()
        .filter(|d| d.severity != Severity::Note)
        .filter_map(Diagnostic::primary_span)
        .collect();
    found.retain(|d| {
        d.code != Code::SecureDefaultOptOut
            || d.severity != Severity::Note
            || d.primary_span().is_none_or(|s| !reported.contains(&s))
    });
    for diagnostic in found {
        diags.push(diagnostic);
    }
}
