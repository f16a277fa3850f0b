//! Labels and annotations: the API's key and value syntax, the total annotation size, and the
//! label keys kstep sets itself.

use super::{Cx, k8s};
use crate::diagnostic::{Code, Diagnostic};
use crate::lower::labels::{RESERVED_KEYS, is_reserved};
use crate::model::KeyValue;

/// `TotalAnnotationSizeLimitB`: keys and values of one object's annotations together.
const MAX_ANNOTATION_BYTES: usize = 256 * 1024;

pub(super) fn check(cx: &mut Cx<'_>) {
    let step = cx.step;
    labels(cx, &step.deployment.labels);
    annotations(cx, &step.deployment.annotations);
    labels(cx, &step.pod.labels);
    annotations(cx, &step.pod.annotations);
    // The pod template carries kstep's config hash.
    for annotation in &step.pod.annotations {
        if is_reserved(annotation.key.as_str()) {
            cx.report(
                Diagnostic::error(
                    Code::ReservedLabel,
                    format!(
                        "annotation key `{}` is reserved for kstep",
                        annotation.key.value
                    ),
                )
                .label(annotation.key.span, "reserved annotation key")
                .help(
                    "remove it, or use a key of your own domain; every `kstep.dev/` key is kstep's",
                ),
            );
        }
    }
}

/// Label keys and values, and no key that kstep sets itself.
pub(super) fn labels(cx: &mut Cx<'_>, labels: &[KeyValue]) {
    for label in labels {
        let key_ok = cx.syntax(&label.key, "label key", &k8s::LABEL_KEY);
        if key_ok && is_reserved(label.key.as_str()) {
            cx.report(
                Diagnostic::error(
                    Code::ReservedLabel,
                    format!("label key `{}` is reserved for kstep", label.key.value),
                )
                .label(label.key.span, "reserved label key")
                .help("remove it; kstep uses this label to select and clean up the step's objects")
                .note(format!(
                    "reserved keys: {} and every key starting with `kstep.dev/`",
                    RESERVED_KEYS
                        .iter()
                        .map(|k| format!("`{k}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
            );
        }
        cx.syntax(&label.value, "label value", &k8s::LABEL_VALUE);
    }
}

/// Annotation keys, and the total size of one object's annotations.
pub(super) fn annotations(cx: &mut Cx<'_>, annotations: &[KeyValue]) {
    let mut total = 0;
    for annotation in annotations {
        cx.syntax(&annotation.key, "annotation key", &k8s::ANNOTATION_KEY);
        total += annotation.key.value.len() + annotation.value.value.len();
    }
    if total > MAX_ANNOTATION_BYTES
        && let Some(first) = annotations.first()
    {
        cx.report(
            Diagnostic::error(
                Code::InvalidAnnotation,
                format!(
                    "annotations total {total} bytes; Kubernetes allows {MAX_ANNOTATION_BYTES}"
                ),
            )
            .label(first.key.span, "annotations start here")
            .help("keep large data in a ConfigMap and reference it"),
        );
    }
}
