//! Environment variables: names the API accepts, no name twice in one container, valid
//! ConfigMap and Secret keys.

use std::collections::BTreeMap;

use super::{Cx, k8s};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::EnvSource;

pub(super) fn check(cx: &mut Cx<'_>) {
    for container in &cx.step.containers {
        let mut seen = BTreeMap::new();
        for env in &container.env {
            cx.syntax(&env.name, "environment variable name", &k8s::ENV_NAME);
            if let Some(first) = seen.insert(env.name.value.as_str(), env.name.span) {
                cx.report(
                    Diagnostic::error(
                        Code::DuplicateEnv,
                        format!(
                            "`{}` is set twice in {}",
                            env.name.value,
                            container.describe()
                        ),
                    )
                    .label(env.name.span, "set again here")
                    .label(first, "first set here")
                    .help("remove one; the API server keeps only the last value (with a warning that is easy to miss)"),
                );
            }
            if let EnvSource::ConfigMap { key, .. } | EnvSource::Secret { key, .. } = &env.source {
                cx.syntax(key, "key", &k8s::CONFIG_KEY);
            }
        }
    }
}
