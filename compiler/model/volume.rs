//! Pod volumes (`core/v1` `Volume`, kubernetes.io/docs/concepts/storage/volumes/): ConfigMap, Secret, empty dir, host path, persistent
//! volume claim, and any other Kubernetes volume source given raw.

use super::{HostPathType, Spanned, StorageMedium};

#[derive(Clone, Debug)]
pub(crate) struct Volume {
    pub(crate) name: Spanned<String>,
    pub(crate) source: VolumeSource,
}

#[derive(Clone, Debug)]
pub(crate) enum VolumeSource {
    ConfigMap {
        name: Spanned<String>,
        items: Vec<KeyToPath>,
    },
    Secret {
        name: Spanned<String>,
        items: Vec<KeyToPath>,
    },
    EmptyDir {
        medium: Option<Spanned<StorageMedium>>,
        size_limit: Option<Spanned<String>>,
    },
    HostPath {
        path: Spanned<String>,
        kind: Option<Spanned<HostPathType>>,
    },
    PersistentVolumeClaim {
        claim: Spanned<String>,
        read_only: Option<Spanned<bool>>,
    },
    Raw(Box<RawVolume>),
}

/// Maps one ConfigMap or Secret key to a file path inside the volume.
#[derive(Clone, Debug)]
pub(crate) struct KeyToPath {
    pub(crate) key: Spanned<String>,
    pub(crate) path: Spanned<String>,
}

/// A volume source given as the raw Kubernetes body, e.g. `awsElasticBlockStore: {...}`.
///
/// Reading checks it against the Kubernetes types, so `source` is the typed volume, whose
/// `name` is filled in when lowering.
#[derive(Clone, Debug)]
pub(crate) struct RawVolume {
    pub(crate) source: k8s_openapi::api::core::v1::Volume,
}
