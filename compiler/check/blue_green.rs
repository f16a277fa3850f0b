//! Blue/green settings, `[deployment.blue_green]`: a drain delay the deploy script can wait
//! for, a preview Service it can make (a name of its own), preview replicas between one and
//! `replicas`; and, with the plan, that the strategy is blue/green, with a Service to switch.

use super::{Cx, k8s};
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::{BlueGreen, Deployment, Step, Strategy};
use crate::plan::{Origin, Plan};

pub(super) fn check(cx: &mut Cx<'_>) {
    let step = cx.step;
    let Some(blue_green) = &step.deployment.blue_green else {
        return;
    };
    if let Some(delay) = &blue_green.scale_down_delay
        && !(0..=BlueGreen::MAX_SCALE_DOWN_DELAY).contains(&delay.value)
    {
        cx.report(
            Diagnostic::error(
                Code::InvalidBlueGreen,
                format!(
                    "`scale_down_delay` must be between 0 and {} seconds, not {}",
                    BlueGreen::MAX_SCALE_DOWN_DELAY,
                    delay.value
                ),
            )
            .label(delay.span, "seconds")
            .help("the previous deployment keeps running this long after the switch, while the script holds the deployment lock: give at most an hour (the default is 30 seconds)"),
        );
    }
    let Some(preview) = &blue_green.preview else {
        return;
    };
    if let Some(replicas) = &preview.replicas {
        let all = step
            .deployment
            .replicas
            .as_ref()
            .map_or(Deployment::DEFAULT_REPLICAS, |r| r.value);
        if replicas.value < 1 || replicas.value > all {
            let mut diagnostic = Diagnostic::error(
                Code::InvalidBlueGreen,
                format!(
                    "preview `replicas` must be between 1 and the deployment's {all}, not {}",
                    replicas.value
                ),
            )
            .label(replicas.span, "replicas until promotion");
            diagnostic = match &step.deployment.replicas {
                Some(r) => diagnostic.label(r.span, "the deployment's replicas"),
                None => diagnostic.note("`replicas` is 1 by default"),
            };
            cx.report(diagnostic.help("the new deployment runs with these replicas until it is promoted, then with all of them: give at least 1 and at most `replicas`, or leave it out to preview with all of them"));
        }
    }
    // Without a Service to derive it from, there is no preview (reported with the plan).
    let Some(name) = step.preview_service_name() else {
        return;
    };
    let span = preview
        .service
        .as_ref()
        .map_or(preview.key_span, |s| s.span);
    match &preview.service {
        Some(given) => {
            cx.syntax(given, "Service name", &k8s::SERVICE_NAME);
        }
        None if name.len() > 63 => cx.report(
            Diagnostic::error(
                Code::InvalidBlueGreen,
                format!(
                    "the preview Service would be named `{name}`, {} characters",
                    name.len()
                ),
            )
            .label(span, "preview Service")
            .help("Service names have at most 63 characters: name the preview Service, `preview = { service = \"...\" }`"),
        ),
        None => {}
    }
    if step.services.iter().any(|s| step.service_name(s) == name) {
        cx.report(
            Diagnostic::error(
                Code::InvalidBlueGreen,
                format!("the preview Service `{name}` has the name of one of the step's Services"),
            )
            .label(span, "preview Service")
            .help("the preview Service is a Service of its own: give it another name, `preview = { service = \"...\" }`"),
        );
    }
}

/// `blue_green` under another strategy: an error when the step says so, a warning (and the
/// settings are ignored) when `--strategy` overrides the step.
pub(super) fn plan(step: &Step, plan: &Plan, diags: &mut Diagnostics) {
    let Some(blue_green) = &step.deployment.blue_green else {
        return;
    };
    if plan.strategy == Strategy::BlueGreen {
        if step.switched_services().next().is_none() {
            diags.push(
                Diagnostic::error(
                    Code::InvalidBlueGreen,
                    "blue/green settings, but no Service to switch",
                )
                .label(blue_green.key_span, "switch settings")
                .help("the delay, promotion, preview and previous deployment are about the switch of the step's Services from one deployment to the next; this step has no Service that selects its pods: add one (`[service]`), or remove `blue_green`"),
            );
        }
        return;
    }
    let strategy = crate::model::Choice::as_str(plan.strategy);
    let diagnostic = if plan.strategy_origin == Origin::CommandLine {
        Diagnostic::warning(
            Code::ConflictingFields,
            format!("`blue_green` does not apply to the {strategy} strategy given with --strategy; it is ignored"),
        )
        .label(blue_green.key_span, "blue/green settings")
        .help("nothing to do if this override is intended")
    } else {
        let mut diagnostic = Diagnostic::error(
            Code::ConflictingFields,
            format!("`blue_green` applies only to the blue-green strategy, not {strategy}"),
        )
        .label(blue_green.key_span, "blue/green settings");
        if let Some(strategy) = &step.strategy {
            diagnostic = diagnostic.label(strategy.span, "the step's strategy");
        }
        diagnostic.help("remove `blue_green`, or use the blue-green strategy")
    };
    diags.push(diagnostic);
}
