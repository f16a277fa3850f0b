//! Volumes: unique names, valid item keys and paths, absolute host paths, empty-dir size
//! limits, and a warning for volumes no container mounts.

use std::collections::BTreeMap;

use super::quantity::Quantity;
use super::{Cx, k8s};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::VolumeSource;

pub(super) fn check(cx: &mut Cx<'_>) {
    let step = cx.step;
    // A volume is unused only when every mount was read and names a declared volume: a
    // mount of a misspelt volume is most likely meant for one that would look unused.
    let mounts = || step.containers.iter().flat_map(|c| &c.volume_mounts);
    let mounts_known = step.containers_complete
        && step.containers.iter().all(|c| c.mounts_complete)
        && mounts().all(|m| {
            step.volumes
                .iter()
                .map(|v| &v.name)
                .chain(step.claim_volumes())
                .any(|v| v.value == m.volume.value)
        });
    let mut seen = BTreeMap::new();
    for volume in &step.volumes {
        let name = &volume.name;
        if let Some(first) = seen.insert(name.as_str(), name.span) {
            cx.report(
                Diagnostic::error(
                    Code::DuplicateName,
                    format!("two volumes are named `{}`", name.value),
                )
                .label(name.span, "second volume with this name")
                .label(first, "first volume with this name")
                .help("volume names must be unique in a step; rename one"),
            );
        }
        match &volume.source {
            VolumeSource::ConfigMap { items, .. } | VolumeSource::Secret { items, .. } => {
                for item in items {
                    cx.syntax(&item.key, "key", &k8s::CONFIG_KEY);
                    cx.syntax(&item.path, "item path", &k8s::ITEM_PATH);
                }
            }
            VolumeSource::HostPath { path, .. } => {
                cx.syntax(path, "host path", &k8s::ABSOLUTE_PATH);
            }
            VolumeSource::EmptyDir {
                size_limit: Some(limit),
                ..
            } if Quantity::parse(&limit.value).is_err() => {
                cx.report(
                    Diagnostic::error(
                        Code::InvalidQuantity,
                        format!("invalid size limit `{}`", limit.value),
                    )
                    .label(limit.span, "not a valid quantity")
                    .help("write a size such as `1Gi` or `500Mi`"),
                );
            }
            _ => {}
        }
        let mounted = mounts().any(|m| m.volume.value == name.value);
        if mounts_known && !mounted {
            cx.report(
                Diagnostic::warning(
                    Code::UnusedVolume,
                    format!("volume `{}` is not mounted by any container", name.value),
                )
                .label(name.span, "declared here, never mounted")
                .help("mount it in a container's `volume_mounts`, or remove it"),
            );
        }
    }
}
