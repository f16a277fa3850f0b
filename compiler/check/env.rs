//! Environment variables: names the API accepts, no name twice in one container, valid
//! ConfigMap and Secret keys, pod fields and resources the downward API offers, and
//! `env_from` sources.

use std::collections::BTreeMap;

use super::quantity::Quantity;
use super::{Cx, k8s};
use crate::diagnostic::closest;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Container, EnvSource, Spanned};

/// Pod fields an environment variable can take (`fieldRef.fieldPath`), besides
/// `metadata.labels['<key>']` and `metadata.annotations['<key>']`.
const FIELDS: &[&str] = &[
    "metadata.name",
    "metadata.namespace",
    "metadata.uid",
    "spec.nodeName",
    "spec.serviceAccountName",
    "status.hostIP",
    "status.hostIPs",
    "status.podIP",
    "status.podIPs",
];

/// Resources an environment variable can take (`resourceFieldRef.resource`).
const RESOURCES: &[&str] = &[
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.ephemeral-storage",
];

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
            match &env.source {
                EnvSource::ConfigMap { key, .. } | EnvSource::Secret { key, .. } => {
                    cx.syntax(key, "key", &k8s::CONFIG_KEY);
                }
                EnvSource::Field(path) => field(cx, path),
                EnvSource::Resource {
                    resource,
                    container: of,
                    divisor,
                } => resource_field(cx, container, resource, of.as_ref(), divisor.as_ref()),
                EnvSource::Value(_) => {}
            }
        }
        for env_from in &container.env_from {
            cx.syntax(&env_from.name, "object name", &k8s::OBJECT_NAME);
            if let Some(prefix) = &env_from.prefix {
                cx.syntax(prefix, "environment variable prefix", &k8s::ENV_NAME);
            }
        }
    }
}

fn field(cx: &mut Cx<'_>, path: &Spanned<String>) {
    let text = path.value.as_str();
    for map in ["metadata.labels", "metadata.annotations"] {
        let Some(rest) = text.strip_prefix(map) else {
            continue;
        };
        if rest.is_empty() {
            // The whole map is for downwardAPI volumes; a variable holds one entry.
            cx.report(
                Diagnostic::error(
                    Code::InvalidFieldPath,
                    format!("`{text}` is a whole map; an environment variable holds one entry"),
                )
                .label(path.span, "not one value")
                .help(format!("take one entry: `{map}['example.com/key']`")),
            );
            return;
        }
        match rest.strip_prefix("['").and_then(|r| r.strip_suffix("']")) {
            Some(key) => {
                let key = Spanned::new(key.to_owned(), path.span);
                cx.syntax(&key, "label or annotation key", &k8s::LABEL_KEY);
            }
            None => cx.report(
                Diagnostic::error(
                    Code::InvalidFieldPath,
                    format!("`{text}` is not a pod field"),
                )
                .label(path.span, "not a field path")
                .help(format!(
                    "write one label or annotation as `{map}['example.com/key']`"
                )),
            ),
        }
        return;
    }
    if FIELDS.contains(&text) {
        return;
    }
    let mut diagnostic = Diagnostic::error(
        Code::InvalidFieldPath,
        format!("`{text}` is not a pod field the downward API offers"),
    )
    .label(path.span, "unknown field path");
    diagnostic = match closest(text, FIELDS) {
        Some(hit) => diagnostic.suggest(hit),
        None => diagnostic.help(format!(
            "use one of {}, or `metadata.labels['<key>']` or `metadata.annotations['<key>']`",
            crate::diagnostic::one_of(FIELDS)
        )),
    };
    cx.report(diagnostic);
}

fn resource_field(
    cx: &mut Cx<'_>,
    container: &Container,
    resource: &Spanned<String>,
    of: Option<&Spanned<String>>,
    divisor: Option<&Spanned<String>>,
) {
    let known = RESOURCES.contains(&resource.value.as_str())
        || resource.value.starts_with("limits.hugepages-")
        || resource.value.starts_with("requests.hugepages-");
    if !known {
        let mut diagnostic = Diagnostic::error(
            Code::InvalidFieldPath,
            format!(
                "`{}` is not a resource the downward API offers",
                resource.value
            ),
        )
        .label(resource.span, "unknown resource");
        diagnostic = match closest(&resource.value, RESOURCES) {
            Some(hit) => diagnostic.suggest(hit),
            None => diagnostic.help(format!(
                "use one of {}",
                crate::diagnostic::one_of(RESOURCES)
            )),
        };
        cx.report(diagnostic);
    }
    if let Some(of) = of
        && cx.step.containers_complete
        && !cx.step.containers.iter().any(|c| c.name() == of.value)
    {
        let names: Vec<&str> = cx.step.containers.iter().map(|c| c.name()).collect();
        let mut diagnostic = Diagnostic::error(
            Code::InvalidFieldPath,
            format!("the step has no container `{}`", of.value),
        )
        .label(of.span, "no such container");
        diagnostic = match closest(&of.value, &names) {
            Some(hit) => diagnostic.suggest(hit),
            None => diagnostic.help(format!(
                "name one of the step's containers, or remove `container` to use {}",
                container.describe()
            )),
        };
        cx.report(diagnostic);
    }
    if let Some(divisor) = divisor {
        let cpu = resource.value.ends_with(".cpu");
        let allowed: &[&str] = if cpu {
            &["1m", "1"]
        } else {
            &[
                "1", "1k", "1M", "1G", "1T", "1P", "1E", "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei",
            ]
        };
        let equal = |a: &str| {
            Quantity::parse(a)
                .ok()
                .zip(Quantity::parse(&divisor.value).ok())
                .is_some_and(|(a, b)| a.compare(b).is_eq())
        };
        if !allowed.iter().any(|a| equal(a)) {
            cx.report(
                Diagnostic::error(
                    Code::InvalidFieldPath,
                    format!(
                        "`{}` is not a divisor for `{}`",
                        divisor.value, resource.value
                    ),
                )
                .label(divisor.span, "not an allowed divisor")
                .help(format!("use one of {}", crate::diagnostic::one_of(allowed))),
            );
        }
    }
}
