//! Pod volumes.

use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use super::{Lowering, non_empty, word};
use crate::model::{KeyToPath, Volume, VolumeSource};

pub(super) fn lower(cx: &Lowering<'_>, volume: &Volume) -> core::Volume {
    let name = volume.name.value.clone();
    let items = |items: &[KeyToPath]| {
        non_empty(
            items
                .iter()
                .map(|i| core::KeyToPath {
                    key: i.key.value.clone(),
                    path: i.path.value.clone(),
                    mode: None,
                })
                .collect(),
        )
    };
    let mut out = core::Volume {
        name: name.clone(),
        ..core::Volume::default()
    };
    match &volume.source {
        VolumeSource::ConfigMap { name, items: list } => {
            out.config_map = Some(core::ConfigMapVolumeSource {
                name: cx.config_map_name(&name.value),
                items: items(list),
                ..core::ConfigMapVolumeSource::default()
            });
        }
        VolumeSource::Secret { name, items: list } => {
            out.secret = Some(core::SecretVolumeSource {
                secret_name: Some(cx.secret_name(&name.value)),
                items: items(list),
                ..core::SecretVolumeSource::default()
            });
        }
        VolumeSource::EmptyDir { medium, size_limit } => {
            out.empty_dir = Some(core::EmptyDirVolumeSource {
                medium: word(medium),
                size_limit: size_limit.as_ref().map(|s| Quantity(s.value.clone())),
            });
        }
        VolumeSource::HostPath { path, kind } => {
            out.host_path = Some(core::HostPathVolumeSource {
                path: path.value.clone(),
                type_: word(kind),
            });
        }
        VolumeSource::PersistentVolumeClaim { claim, read_only } => {
            out.persistent_volume_claim = Some(core::PersistentVolumeClaimVolumeSource {
                claim_name: claim.value.clone(),
                read_only: read_only.as_ref().map(|r| r.value),
            });
        }
        VolumeSource::Raw(raw) => {
            out = raw.source.clone();
            out.name = name;
            rename_owned(cx, &mut out);
        }
    }
    out
}

/// Under blue/green the step's own ConfigMaps and Secrets are versioned; a raw volume source
/// that names one (directly, in a projected volume, or as a volume plugin's credentials)
/// must follow.
fn rename_owned(cx: &Lowering<'_>, volume: &mut core::Volume) {
    if let Some(config_map) = &mut volume.config_map {
        config_map.name = cx.config_map_name(&config_map.name);
    }
    if let Some(name) = volume.secret.as_mut().and_then(|s| s.secret_name.as_mut()) {
        *name = cx.secret_name(name);
    }
    let sources = volume
        .projected
        .as_mut()
        .and_then(|p| p.sources.as_mut())
        .into_iter()
        .flatten();
    for source in sources {
        if let Some(config_map) = &mut source.config_map {
            config_map.name = cx.config_map_name(&config_map.name);
        }
        if let Some(secret) = &mut source.secret {
            secret.name = cx.secret_name(&secret.name);
        }
    }
    // Volume plugins that read their credentials from a Secret.
    let references = [
        volume
            .csi
            .as_mut()
            .and_then(|v| v.node_publish_secret_ref.as_mut()),
        volume.cephfs.as_mut().and_then(|v| v.secret_ref.as_mut()),
        volume.cinder.as_mut().and_then(|v| v.secret_ref.as_mut()),
        volume
            .flex_volume
            .as_mut()
            .and_then(|v| v.secret_ref.as_mut()),
        volume.iscsi.as_mut().and_then(|v| v.secret_ref.as_mut()),
        volume.rbd.as_mut().and_then(|v| v.secret_ref.as_mut()),
        volume
            .storageos
            .as_mut()
            .and_then(|v| v.secret_ref.as_mut()),
        volume.scale_io.as_mut().map(|v| &mut v.secret_ref),
    ];
    for reference in references.into_iter().flatten() {
        reference.name = cx.secret_name(&reference.name);
    }
    if let Some(azure_file) = &mut volume.azure_file {
        azure_file.secret_name = cx.secret_name(&azure_file.secret_name);
    }
}
