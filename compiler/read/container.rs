//! `[[containers]]`: one app or init container.

use super::reader::Reader;
use super::step::string_list;
use super::table::Table;
use super::{env, lifecycle, probe, security};
use crate::diagnostic as suggest;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{
    Container, ContainerKind, ContainerPort, ProbeKind, ResourceList, Resources, Spanned,
    VolumeMount,
};

pub(super) fn read(r: &mut Reader<'_>, mut t: Table<'_>, index: usize) -> Option<Container> {
    let name = t.required(r, "name", Reader::string);
    let image = t.required(r, "image", Reader::string);
    let init = t.optional(r, "init", Reader::bool);
    let sidecar = t.optional(r, "sidecar", Reader::bool);
    let kind = match (&init, &sidecar) {
        (_, Some(sidecar)) if sidecar.value => ContainerKind::Sidecar,
        (Some(init), _) if init.value => ContainerKind::Init,
        _ => ContainerKind::App,
    };
    if let (Some(init), Some(sidecar)) = (&init, &sidecar)
        && init.value
        && sidecar.value
    {
        r.report(
            Diagnostic::error(Code::ConflictingFields, "a container is either `init` or a `sidecar`")
                .label(init.span, "runs to completion before the app")
                .label(sidecar.span, "keeps running beside the app")
                .help("keep `sidecar = true` for a helper that runs as long as the pod (a native sidecar), or `init = true` for a step that must finish first"),
        );
    }
    let (ports, ports_complete) = t.table_list_complete(r, "ports", read_port);
    let resources = t
        .optional_table(r, "resources")
        .map(|t| read_resources(r, t))
        .unwrap_or_default();
    let env = t.table_list(r, "env", env::read_env);
    let env_from = t.table_list(r, "env_from", env::read_env_from);
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
    let pull_policy = t.optional(r, "pull_policy", Reader::choice);
    let working_dir = t.optional(r, "working_dir", Reader::string);
    let termination_message_policy = t.optional(r, "termination_message_policy", Reader::choice);
    let security = t
        .optional_table(r, "security")
        .map(|t| security::container(r, t))
        .unwrap_or_default();
    let lifecycle = t
        .optional_table(r, "lifecycle")
        .map(|t| lifecycle::read(r, t))
        .unwrap_or_default();
    t.finish(r);
    Some(Container {
        index,
        name,
        image,
        kind,
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
        pull_policy,
        working_dir,
        termination_message_policy,
        security,
        lifecycle,
        env_from,
    })
}

fn read_port(r: &mut Reader<'_>, mut t: Table<'_>) -> Option<ContainerPort> {
    let name = t.optional(r, "name", Reader::string);
    let port = t.required(r, "port", Reader::int);
    let protocol = t.optional(r, "protocol", Reader::choice);
    let host_port = t.optional(r, "host_port", Reader::int);
    t.finish(r);
    Some(ContainerPort {
        name,
        port: port?,
        protocol,
        host_port,
    })
}

fn read_resources(r: &mut Reader<'_>, mut t: Table<'_>) -> Resources {
    let list = |r: &mut Reader<'_>, t: &mut Table<'_>, key| {
        t.optional_table(r, key)
            .map(|list| read_list(r, list))
            .unwrap_or_default()
    };
    let requests = list(r, &mut t, "requests");
    let limits = list(r, &mut t, "limits");
    t.finish(r);
    Resources { requests, limits }
}

/// `cpu`, `memory`, `ephemeral_storage`, and extended resources by their API name
/// (`"nvidia.com/gpu" = 1`, `hugepages-2Mi = "1Gi"`).
fn read_list(r: &mut Reader<'_>, mut t: Table<'_>) -> ResourceList {
    const KNOWN: &[&str] = &["cpu", "memory", "ephemeral_storage"];
    let mut list = ResourceList::default();
    for entry in t.data_entries() {
        match entry.key.as_str() {
            "cpu" => list.cpu = r.quantity(&entry.value),
            "memory" => list.memory = r.quantity(&entry.value),
            "ephemeral_storage" => list.ephemeral_storage = r.quantity(&entry.value),
            name if crate::model::is_extended_resource(name) => {
                if let Some(quantity) = r.quantity(&entry.value) {
                    let name = Spanned::new(entry.key.clone(), entry.key_span);
                    list.extended.push((name, quantity));
                }
            }
            name => {
                let help = match suggest::closest(name, KNOWN) {
                    Some(hit) => format!("did you mean `{hit}`?"),
                    None => format!(
                        "the resources are {}, and extended resources by their full name, \
                         such as `nvidia.com/gpu`",
                        suggest::all_of(KNOWN)
                    ),
                };
                r.report(
                    Diagnostic::error(Code::UnknownField, format!("unknown resource `{name}`"))
                        .label(entry.key_span, "unknown resource")
                        .help(help),
                );
            }
        }
    }
    t.finish(r);
    list
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
