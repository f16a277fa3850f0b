//! `[[containers]]`: one app or init container.

use super::probe;
use super::reader::Reader;
use super::step::string_list;
use super::table::Table;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{
    Container, ContainerPort, EnvSource, EnvVar, ProbeKind, ResourceList, Resources, VolumeMount,
};

pub(super) fn read(r: &mut Reader<'_>, mut t: Table<'_>, index: usize) -> Option<Container> {
    let name = t.required(r, "name", Reader::string);
    let image = t.required(r, "image", Reader::string);
    let init = t.optional(r, "init", Reader::bool).is_some_and(|b| b.value);
    let (ports, ports_complete) = t.table_list_complete(r, "ports", read_port);
    let resources = t
        .optional_table(r, "resources")
        .map(|t| read_resources(r, t))
        .unwrap_or_default();
    let env = t.table_list(r, "env", read_env);
    let (volume_mounts, mounts_complete) = t.table_list_complete(r, "volume_mounts", read_mount);
    let probe = |r: &mut Reader<'_>, t: &mut Table<'_>, kind: ProbeKind| {
        t.optional_table(r, kind.key())
            .and_then(|body| probe::read(r, body, kind))
    };
    let liveness = probe(r, &mut t, ProbeKind::Liveness);
    let readiness = probe(r, &mut t, ProbeKind::Readiness);
    let startup = probe(r, &mut t, ProbeKind::Startup);
    let command = t.optional(r, "command", string_list);
    let args = t.optional(r, "args", string_list);
    t.finish(r);
    Some(Container {
        index,
        name,
        image,
        init,
        ports,
        ports_complete,
        resources,
        env,
        volume_mounts,
        mounts_complete,
        liveness,
        readiness,
        startup,
        command,
        args,
    })
}

fn read_port(r: &mut Reader<'_>, mut t: Table<'_>) -> Option<ContainerPort> {
    let name = t.optional(r, "name", Reader::string);
    let port = t.required(r, "port", Reader::int);
    let protocol = t.optional(r, "protocol", Reader::choice);
    t.finish(r);
    Some(ContainerPort {
        name,
        port: port?,
        protocol,
    })
}

fn read_resources(r: &mut Reader<'_>, mut t: Table<'_>) -> Resources {
    let list = |r: &mut Reader<'_>, t: &mut Table<'_>, key| {
        let Some(mut list) = t.optional_table(r, key) else {
            return ResourceList::default();
        };
        let cpu = list.optional(r, "cpu", Reader::quantity);
        let memory = list.optional(r, "memory", Reader::quantity);
        list.finish(r);
        ResourceList { cpu, memory }
    };
    let requests = list(r, &mut t, "requests");
    let limits = list(r, &mut t, "limits");
    t.finish(r);
    Resources { requests, limits }
}

fn read_env(r: &mut Reader<'_>, mut t: Table<'_>) -> Option<EnvVar> {
    let name = t.required(r, "name", Reader::string);
    let kind = t.one_of(r, &["value", "config_map", "secret"], "value source");
    let key_entry = t.entry("key");
    let optional_entry = t.entry("optional");
    let optional = optional_entry.and_then(|e| r.bool(&e.value));
    let source = match kind {
        Some("value") => {
            for (field, entry) in [("key", key_entry), ("optional", optional_entry)] {
                let Some(entry) = entry else { continue };
                r.report(
                    Diagnostic::error(
                        Code::ConflictingFields,
                        format!("`{field}` applies only to values from a `config_map` or `secret`"),
                    )
                    .label(entry.key_span, "not used with `value`")
                    .help(format!(
                        "remove `{field}`, or take the value from a ConfigMap or Secret"
                    )),
                );
            }
            t.optional(r, "value", Reader::string).map(EnvSource::Value)
        }
        Some(from) => {
            let object = t.optional(r, from, Reader::string);
            let key = t.required(r, "key", Reader::string);
            match (object, key) {
                (Some(name), Some(key)) if from == "secret" => Some(EnvSource::Secret {
                    name,
                    key,
                    optional,
                }),
                (Some(name), Some(key)) => Some(EnvSource::ConfigMap {
                    name,
                    key,
                    optional,
                }),
                _ => None,
            }
        }
        None => None,
    };
    t.finish(r);
    Some(EnvVar {
        name: name?,
        source: source?,
    })
}

fn read_mount(r: &mut Reader<'_>, mut t: Table<'_>) -> Option<VolumeMount> {
    let volume = t.required(r, "volume", Reader::string);
    let path = t.required(r, "path", Reader::string);
    let sub_path = t.optional(r, "sub_path", Reader::string);
    let read_only = t.optional(r, "read_only", Reader::bool);
    t.finish(r);
    Some(VolumeMount {
        volume: volume?,
        path: path?,
        sub_path,
        read_only,
    })
}
