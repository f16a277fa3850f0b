//! `[[volumes]]`: a name and exactly one source.

use schemars::JsonSchema;
use serde_json::json;

use super::values::{Any, Quantity, Templated, Word};
use crate::model::{HostPathType, StorageMedium};

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields, extend("oneOf" = [
    { "required": ["config_map"] }, { "required": ["secret"] }, { "required": ["empty_dir"] },
    { "required": ["host_path"] }, { "required": ["persistent_volume_claim"] }, { "required": ["raw"] }
]))]
pub(super) struct Volume {
    /// The volume's name, which mounts refer to.
    #[schemars(example = &"config")]
    name: String,
    /// Files from a ConfigMap.
    #[schemars(example = json!({ "name": "web-config", "items": [{ "key": "app.toml", "path": "app.toml" }] }))]
    config_map: Option<ObjectVolume>,
    /// Files from a Secret.
    #[schemars(example = json!({ "name": "tls" }))]
    secret: Option<ObjectVolume>,
    /// A directory that starts empty and lives as long as the pod.
    #[schemars(example = json!({ "medium": "Memory", "size_limit": "256Mi" }))]
    empty_dir: Option<EmptyDir>,
    /// A file or directory of the node.
    #[schemars(example = json!({ "path": "/var/log", "type": "Directory" }))]
    host_path: Option<HostPath>,
    /// A PersistentVolumeClaim.
    #[schemars(example = json!({ "name": "data" }))]
    persistent_volume_claim: Option<Claim>,
    /// Any other Kubernetes volume source, as its API body (a mapping, or a string of
    /// YAML), e.g. `{ nfs = { server = "...", path = "..." } }`.
    #[schemars(example = json!({ "nfs": { "server": "nfs.example.com", "path": "/exports" } }))]
    raw: Option<Any>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct ObjectVolume {
    /// The ConfigMap's or Secret's name.
    #[schemars(example = &"web-config")]
    name: String,
    /// Which keys, at which paths; default: every key, as a file of its name.
    #[schemars(example = json!([{ "key": "app.toml", "path": "conf/app.toml" }]))]
    items: Option<Vec<KeyToPath>>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct KeyToPath {
    /// The key.
    #[schemars(example = &"app.toml")]
    key: String,
    /// The file's path inside the volume.
    #[schemars(example = &"conf/app.toml")]
    path: String,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct EmptyDir {
    /// `""` (the node's default), `Memory` or `HugePages`.
    #[schemars(example = &"Memory")]
    medium: Option<Word<StorageMedium>>,
    /// The most it may hold.
    #[schemars(example = &"256Mi")]
    size_limit: Option<Quantity>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct HostPath {
    /// The path on the node.
    #[schemars(example = &"/var/log")]
    path: String,
    /// What must be there before it is mounted.
    #[schemars(example = &"Directory")]
    r#type: Option<Word<HostPathType>>,
}

#[derive(JsonSchema)]
#[schemars(deny_unknown_fields)]
struct Claim {
    /// The claim's name.
    #[schemars(example = &"data")]
    name: String,
    /// Mount read-only.
    #[schemars(example = true)]
    read_only: Option<Templated<bool>>,
}
