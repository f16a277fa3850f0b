//! `[[volumes]]`: a name and exactly one volume source.

use super::raw_volume;
use super::reader::Reader;
use super::table::Table;
use crate::model::{KeyToPath, Volume, VolumeSource};

const SOURCES: &[&str] = &[
    "config_map",
    "secret",
    "empty_dir",
    "host_path",
    "persistent_volume_claim",
    "raw",
];

pub(super) fn read(r: &mut Reader<'_>, mut t: Table<'_>) -> Option<Volume> {
    let name = t.required(r, "name", Reader::string);
    let source = match t.one_of(r, SOURCES, "volume source") {
        Some("raw") => t
            .optional(r, "raw", raw_volume::read)
            .map(VolumeSource::Raw),
        Some(key) => t
            .optional_table(r, key)
            .and_then(|body| read_source(r, key, body)),
        None => None,
    };
    t.finish(r);
    Some(Volume {
        name: name?,
        source: source?,
    })
}

fn read_source(r: &mut Reader<'_>, key: &str, mut t: Table<'_>) -> Option<VolumeSource> {
    // Read every field, finish (reporting unknown keys), and only then give up on a missing one.
    let source = match key {
        "config_map" | "secret" => {
            let name = t.required(r, "name", Reader::string);
            let items = t.table_list(r, "items", read_item);
            name.map(|name| {
                if key == "secret" {
                    VolumeSource::Secret { name, items }
                } else {
                    VolumeSource::ConfigMap { name, items }
                }
            })
        }
        "empty_dir" => Some(VolumeSource::EmptyDir {
            medium: t.optional(r, "medium", Reader::choice),
            size_limit: t.optional(r, "size_limit", Reader::quantity),
        }),
        "host_path" => {
            let path = t.required(r, "path", Reader::string);
            let kind = t.optional(r, "type", Reader::choice);
            path.map(|path| VolumeSource::HostPath { path, kind })
        }
        _ => {
            let claim = t.required(r, "name", Reader::string);
            let read_only = t.optional(r, "read_only", Reader::bool);
            claim.map(|claim| VolumeSource::PersistentVolumeClaim { claim, read_only })
        }
    };
    t.finish(r);
    source
}

fn read_item(r: &mut Reader<'_>, mut t: Table<'_>) -> Option<KeyToPath> {
    let key = t.required(r, "key", Reader::string);
    let path = t.required(r, "path", Reader::string);
    t.finish(r);
    Some(KeyToPath {
        key: key?,
        path: path?,
    })
}
