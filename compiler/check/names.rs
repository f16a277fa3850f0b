//! Names of the objects kstep creates and of the objects a step refers to.
//!
//! The step id and deployment name also become label values (`kstep.dev/step`,
//! `app.kubernetes.io/name`), so both must fit in 63 characters.

use std::collections::BTreeMap;

use super::{Cx, k8s};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{EnvSource, VolumeSource};
use crate::source::Span;

pub(super) fn check(cx: &mut Cx<'_>) {
    let step = cx.step;
    let name = step.deployment.name.as_ref();
    if let Some(name) = name {
        cx.syntax(name, "deployment name", &LABEL_SAFE_NAME);
    }
    // A step id that is not given is the deployment name, checked just above.
    if let Some(id) = &step.id
        && Some(id.span) != name.map(|n| n.span)
    {
        cx.syntax(id, "step id", &LABEL_SAFE_NAME);
    }
    if let Some(namespace) = &step.namespace {
        cx.syntax(namespace, "namespace", &k8s::DNS_LABEL);
    }
    for container in &step.containers {
        if let Some(name) = &container.name {
            cx.syntax(name, "container name", &k8s::DNS_LABEL);
        }
        for env in &container.env {
            if let EnvSource::ConfigMap { name, .. } | EnvSource::Secret { name, .. } = &env.source
            {
                reference(cx, name);
            }
        }
    }
    for volume in &step.volumes {
        cx.syntax(&volume.name, "volume name", &k8s::DNS_LABEL);
        match &volume.source {
            VolumeSource::ConfigMap { name, .. } | VolumeSource::Secret { name, .. } => {
                reference(cx, name)
            }
            VolumeSource::PersistentVolumeClaim { claim, .. } => reference(cx, claim),
            _ => {}
        }
    }
}

/// The step id and deployment name.
const LABEL_SAFE_NAME: k8s::Syntax = k8s::Syntax {
    code: Code::InvalidName,
    kind: "DNS-1123 subdomain of at most 63 characters",
    rule: label_safe_name,
    hint: "at most 63 lower case letters, digits, '-' and '.', starting and ending with a letter or digit",
    fix: k8s::Fix::Subdomain,
};

/// A DNS-1123 subdomain that is also a valid label value.
pub(crate) fn label_safe_name(value: &str) -> k8s::Verdict {
    k8s::dns1123_subdomain(value)?;
    match value.len() {
        len @ 64.. => Err(format!(
            "must be no more than 63 characters (it has {len}) because kstep also uses it as a label value"
        )),
        _ => Ok(()),
    }
}

/// The name of a ConfigMap, Secret or claim that the step refers to.
fn reference(cx: &mut Cx<'_>, name: &crate::model::Spanned<String>) {
    cx.syntax(name, "object name", &k8s::OBJECT_NAME);
}

/// Two objects of one kind in a step may not share a name: their manifests would be one
/// object. `names` are each object's name (given, or the default) and the span to point at;
/// `kind` is singular and plural as messages say them (`("Service", "Services")`).
pub(super) fn unique<'a>(
    cx: &mut Cx<'_>,
    names: impl Iterator<Item = (&'a str, Span)>,
    (kind, kinds): (&str, &str),
) {
    let mut seen: BTreeMap<&str, Span> = BTreeMap::new();
    for (name, span) in names {
        if let Some(first) = seen.insert(name, span) {
            let article = if kind.starts_with(['A', 'E', 'I', 'O', 'U']) {
                "an"
            } else {
                "a"
            };
            cx.report(
                Diagnostic::error(Code::DuplicateName, format!("two {kinds} are named `{name}`"))
                    .label(span, format!("second {kind}"))
                    .label(first, format!("first {kind}"))
                    .help(format!(
                        "give each {kind} its own `name` ({article} {kind} without one is named after the deployment)"
                    )),
            );
        }
    }
}
