//! Volume mounts: the volume is declared, the mount path is absolute and unique in its
//! container, the sub path stays inside the volume.

use std::collections::BTreeMap;

use super::{Cx, k8s};
use crate::diagnostic::{Code, Diagnostic};
use crate::diagnostic::{closest, one_of};

pub(super) fn check(cx: &mut Cx<'_>) {
    let step = cx.step;
    let volumes: Vec<&str> = step
        .volumes
        .iter()
        .map(|v| v.name.as_str())
        .chain(step.claim_volumes().map(|c| c.as_str()))
        .collect();
    for container in &step.containers {
        let mut paths = BTreeMap::new();
        for mount in &container.volume_mounts {
            if step.volumes_complete && !volumes.contains(&mount.volume.as_str()) {
                let mut diagnostic = Diagnostic::error(
                    Code::UnknownVolume,
                    format!(
                        "{} mounts undeclared volume `{}`",
                        container.describe(),
                        mount.volume.value
                    ),
                )
                .label(mount.volume.span, "no volume with this name");
                diagnostic = match closest(&mount.volume.value, &volumes) {
                    Some(hit) => diagnostic.suggest(hit),
                    None if volumes.is_empty() => {
                        // A StatefulSet's claims count as volumes (`volume_claim_templates`).
                        diagnostic.help("declare it in a `[[volumes]]` entry")
                    }
                    None => diagnostic.help(format!(
                        "declare it in `volumes`, or use one of {}",
                        one_of(&volumes)
                    )),
                };
                cx.report(diagnostic);
            }
            if cx.syntax(&mount.path, "mount path", &k8s::ABSOLUTE_PATH) {
                let normalized = mount.path.value.trim_end_matches('/');
                if let Some(first) = paths.insert(normalized, mount.path.span) {
                    cx.report(
                        Diagnostic::error(
                            Code::DuplicateMountPath,
                            format!(
                                "{} mounts two volumes at `{}`",
                                container.describe(),
                                mount.path.value
                            ),
                        )
                        .label(mount.path.span, "mounted again here")
                        .label(first, "first mounted here")
                        .help("give each mount its own path"),
                    );
                }
            }
            if let Some(sub_path) = &mount.sub_path {
                cx.syntax(sub_path, "sub path", &k8s::RELATIVE_PATH);
            }
        }
    }
}
