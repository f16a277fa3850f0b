//! Rules that depend on the plan: a deployment id given on the command line, names that
//! blue/green makes longer, rolling update settings under another strategy, and Service
//! selectors the step names (which blue/green cannot switch, and which must match the
//! step's own pods).

use super::k8s;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use std::collections::BTreeMap;

use crate::model::{ServiceSelector, Spanned, Step, Strategy};
use crate::plan::{Origin, Plan};

/// The longest pod name Kubernetes keeps whole: the hostname is a DNS label.
const MAX_POD_NAME: usize = 63;
/// What a Deployment adds to its name in pod names: `-<replicaset hash>-<pod suffix>`.
const POD_NAME_SUFFIX: usize = 1 + 10 + 1 + 5;

pub(crate) fn plan(step: &Step, plan: &Plan, diags: &mut Diagnostics) {
    if !super::workloads::plan(step, plan, diags) {
        return;
    }
    let own = crate::lower::labels::pod_labels(step, plan);
    for term in &step.pod.pod_anti_affinity {
        super::scheduling::own_pods(term, &own, diags);
    }
    if let Some(kept) = &step.deployment.selector
        && plan.is_blue_green()
    {
        let mut diagnostic = Diagnostic::error(
            Code::UnsupportedByStrategy,
            "blue/green cannot keep an existing Deployment's selector",
        )
        .label(kept.span, "kept selector");
        if let Some(strategy) = step
            .strategy
            .as_ref()
            .filter(|_| plan.strategy_origin == Origin::StepFile)
        {
            diagnostic = diagnostic.label(strategy.span, "the step's strategy");
        }
        diags.push(diagnostic.help("blue/green creates a new Deployment, with a selector of its own, for every deployment: remove `selector` (docs/adoption.md says how to move to blue/green), or deploy with rolling-update or recreate"));
    }
    for service in &step.services {
        if let Some(selector) = service.shared_selector() {
            shared_selector(step, plan, selector, &own, diags);
        }
    }
    super::patches::check(step, plan, diags);
    super::route::plan(step, plan, diags);
    if plan.id_origin == Origin::CommandLine {
        deployment_id(plan, diags);
    }
    if plan.is_blue_green()
        && let Some(name) = &step.deployment.name
    {
        let versioned = plan.versioned(&name.value);
        let pod_name = versioned.len() + POD_NAME_SUFFIX;
        if pod_name > MAX_POD_NAME {
            diags.push(
                Diagnostic::error(
                    Code::PodNameTooLong,
                    format!("blue/green names the Deployment `{versioned}`: its pod names would be {pod_name} characters"),
                )
                .label(name.span, format!("with deployment id `{}`", plan.deployment_id))
                .help(format!(
                    "shorten the deployment name or the deployment id so that name and id together are at most {} characters",
                    MAX_POD_NAME - POD_NAME_SUFFIX - 1
                )),
            );
        }
    }
    super::blue_green::plan(step, plan, diags);
    if let Some(rolling) = &step.deployment.rolling
        && plan.strategy != Strategy::RollingUpdate
    {
        // The step contradicting itself is an error; an override on the command line only
        // makes the settings not apply to this compile.
        let strategy = strategy_word(plan.strategy);
        let diagnostic = if plan.strategy_origin == Origin::CommandLine {
            Diagnostic::warning(
                Code::ConflictingFields,
                format!("`rolling` does not apply to the {strategy} strategy given with --strategy; it is ignored"),
            )
            .label(rolling.key_span, "rolling update settings")
            .help("nothing to do if this override is intended")
        } else {
            let mut diagnostic = Diagnostic::error(
                Code::ConflictingFields,
                format!("`rolling` applies only to the rolling-update strategy, not {strategy}"),
            )
            .label(rolling.key_span, "rolling update settings");
            if let Some(strategy) = &step.strategy {
                diagnostic = diagnostic.label(strategy.span, "the step's strategy");
            }
            diagnostic.help("remove `rolling`, or use the rolling-update strategy")
        };
        diags.push(diagnostic);
    }
}

/// A Service that selects by labels the step names: blue/green cannot switch it (it selects
/// every deployment's pods alike), and the step's own pods should be among those it selects.
fn shared_selector(
    step: &Step,
    plan: &Plan,
    selector: &Spanned<ServiceSelector>,
    own: &BTreeMap<String, String>,
    diags: &mut Diagnostics,
) {
    let ServiceSelector::Labels(labels) = &selector.value else {
        return;
    };
    if plan.is_blue_green() {
        let mut diagnostic = Diagnostic::error(
            Code::UnsupportedByStrategy,
            "blue/green cannot switch a Service that selects by labels of its own",
        )
        .label(selector.span, "selects the pods of every deployment alike");
        if let Some(strategy) = step
            .strategy
            .as_ref()
            .filter(|_| plan.strategy_origin == Origin::StepFile)
        {
            diagnostic = diagnostic.label(strategy.span, "the step's strategy");
        }
        diags.push(diagnostic.help("blue/green switches the step's Services to the new deployment's pods by its id: remove `selector` (the Service then selects this step's pods), or deploy this step with rolling-update or recreate"));
        return;
    }
    for label in labels {
        let problem = match own.get(&label.key.value) {
            Some(value) if *value == label.value.value => continue,
            Some(value) => format!("the step's pods have `{}: {value}`", label.key.value),
            None => format!("the step's pods have no `{}` label", label.key.value),
        };
        diags.push(
            Diagnostic::warning(
                Code::SelectorMissesOwnPods,
                "this Service selects none of the step's own pods",
            )
            .label(label.value.span, problem)
            .help(format!(
                "add `{} = \"{}\"` to `[pod] labels` (or the deployment's `labels`), so that the Service selects this step's pods too",
                label.key.value, label.value.value
            )),
        );
        return;
    }
}

fn strategy_word(strategy: Strategy) -> &'static str {
    crate::model::Choice::as_str(strategy)
}

/// An id from the command line ends up in labels, and under blue/green in object names.
fn deployment_id(plan: &Plan, diags: &mut Diagnostics) {
    let id = &plan.deployment_id;
    let problem = if id.is_empty() {
        Some("must not be empty".to_owned())
    } else if let Err(reason) = k8s::label_value(id) {
        Some(reason)
    } else if plan.is_blue_green()
        && let Err(reason) = k8s::dns1123_label(id)
    {
        Some(format!("{reason} (blue/green adds it to object names)"))
    } else {
        None
    };
    if let Some(problem) = problem {
        diags.push(
            Diagnostic::error(
                Code::InvalidDeploymentId,
                format!("invalid deployment id `{id}` given with --deployment-id: {problem}"),
            )
            .help("use lower case letters, digits and '-', e.g. a build number like `build-1234`"),
        );
    }
}
