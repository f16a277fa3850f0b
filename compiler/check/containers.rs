//! The pod's containers as a whole: unique names across init and app containers, at least
//! one app container; and each one's working directory, which runtimes require absolute.

use std::collections::BTreeMap;

use super::{Cx, k8s};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::ContainerKind;

pub(super) fn check(cx: &mut Cx<'_>) {
    let step = cx.step;
    for dir in step
        .containers
        .iter()
        .filter_map(|c| c.working_dir.as_ref())
    {
        cx.syntax(dir, "working directory", &k8s::WORKING_DIR);
    }
    let mut seen = BTreeMap::new();
    for name in step.containers.iter().filter_map(|c| c.name.as_ref()) {
        if let Some(first) = seen.insert(name.value.as_str(), name.span) {
            cx.report(
                Diagnostic::error(
                    Code::DuplicateName,
                    format!("two containers are named `{}`", name.value),
                )
                .label(name.span, "second container with this name")
                .label(first, "first container with this name")
                .help("container names must be unique across init and app containers; rename one"),
            );
        }
    }
    if step.containers_complete
        && !step.containers.is_empty()
        && step.containers.iter().all(|c| c.kind != ContainerKind::App)
    {
        let first = &step.containers[0];
        let Some(name) = &first.name else { return };
        cx.report(
            Diagnostic::error(Code::NoAppContainer, "every container is an init container or a sidecar")
                .label(
                    name.span,
                    "init containers and sidecars run beside the app; the pod needs an app container too",
                )
                .help("add an app container: one without `init` or `sidecar` set"),
        );
    }
}
