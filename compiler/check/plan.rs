//! Rules that depend on the plan: a deployment id given on the command line, names that
//! blue/green makes longer, and rolling update settings under another strategy.

use super::k8s;
use crate::diagnostic::{Code, Diagnostic, Diagnostics};
use crate::model::{Step, Strategy};
use crate::plan::{Origin, Plan};

/// The longest pod name Kubernetes keeps whole: the hostname is a DNS label.
const MAX_POD_NAME: usize = 63;
/// What a Deployment adds to its name in pod names: `-<replicaset hash>-<pod suffix>`.
const POD_NAME_SUFFIX: usize = 1 + 10 + 1 + 5;

pub(crate) fn plan(step: &Step, plan: &Plan, diags: &mut Diagnostics) {
    let own = crate::lower::labels::pod_labels(step, plan);
    for term in &step.pod.pod_anti_affinity {
        super::scheduling::own_pods(term, &own, diags);
    }
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
