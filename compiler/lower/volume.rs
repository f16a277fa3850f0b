//! Pod volumes.

use k8s_openapi::api::core::v1 as core;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;

use super::non_empty;
use crate::model::{Choice, KeyToPath, Volume, VolumeSource};

pub(super) fn lower(volume: &Volume) -> core::Volume {
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
                name: name.value.clone(),
                items: items(list),
                ..core::ConfigMapVolumeSource::default()
            });
        }
        VolumeSource::Secret { name, items: list } => {
            out.secret = Some(core::SecretVolumeSource {
                secret_name: Some(name.value.clone()),
                items: items(list),
                ..core::SecretVolumeSource::default()
            });
        }
        VolumeSource::EmptyDir { medium, size_limit } => {
            out.empty_dir = Some(core::EmptyDirVolumeSource {
                medium: medium.as_ref().map(|m| m.value.as_str().to_owned()),
                size_limit: size_limit.as_ref().map(|s| Quantity(s.value.clone())),
            });
        }
        VolumeSource::HostPath { path, kind } => {
            out.host_path = Some(core::HostPathVolumeSource {
                path: path.value.clone(),
                type_: kind.as_ref().map(|k| k.value.as_str().to_owned()),
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
        }
    }
    out
}
