//! `security` of a container and of the pod: identity, seccomp, SELinux, capabilities,
//! privilege, and the pod's groups and sysctls.

use super::reader::Reader;
use super::step::string_list;
use super::table::Table;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{
    Capabilities, ContainerSecurity, Identity, KeyValue, PodSecurity, SeLinux, Seccomp,
    SeccompType, Spanned,
};
use crate::syntax::{Node, NodeKind};

pub(super) fn container(r: &mut Reader<'_>, mut t: Table<'_>) -> ContainerSecurity {
    let identity = identity(r, &mut t);
    let read_only_root_filesystem = t.optional(r, "read_only_root_filesystem", Reader::bool);
    let allow_privilege_escalation = t.optional(r, "allow_privilege_escalation", Reader::bool);
    let privileged = t.optional(r, "privileged", Reader::bool);
    let capabilities = t.optional_table(r, "capabilities").map(|mut caps| {
        let add = caps.optional(r, "add", string_list).unwrap_or_default();
        let drop = caps.optional(r, "drop", Reader::strings);
        caps.finish(r);
        Capabilities { add, drop }
    });
    t.finish(r);
    ContainerSecurity {
        identity,
        read_only_root_filesystem,
        allow_privilege_escalation,
        privileged,
        capabilities,
    }
}

pub(super) fn pod(r: &mut Reader<'_>, mut t: Table<'_>) -> PodSecurity {
    let identity = identity(r, &mut t);
    let fs_group = t.optional(r, "fs_group", Reader::int);
    let supplemental_groups = t
        .optional(r, "supplemental_groups", |r, node| {
            r.list(node, "a list of group ids", Reader::int)
        })
        .map(|groups| groups.value)
        .unwrap_or_default();
    let sysctls = t.optional(r, "sysctls", sysctls).unwrap_or_default();
    t.finish(r);
    PodSecurity {
        identity,
        fs_group,
        supplemental_groups,
        sysctls,
    }
}

fn identity(r: &mut Reader<'_>, t: &mut Table<'_>) -> Identity {
    let run_as_user = t.optional(r, "run_as_user", Reader::int);
    let run_as_group = t.optional(r, "run_as_group", Reader::int);
    let run_as_non_root = t.optional(r, "run_as_non_root", Reader::bool);
    let seccomp = t.optional(r, "seccomp", seccomp);
    let se_linux = t.optional_table(r, "se_linux").map(|mut s| {
        let user = s.optional(r, "user", Reader::string);
        let role = s.optional(r, "role", Reader::string);
        let type_ = s.optional(r, "type", Reader::string);
        let level = s.optional(r, "level", Reader::string);
        s.finish(r);
        SeLinux {
            user,
            role,
            type_,
            level,
        }
    });
    Identity {
        run_as_user,
        run_as_group,
        run_as_non_root,
        seccomp,
        se_linux,
    }
}

/// `"RuntimeDefault"`, `"Unconfined"`, or `{ localhost = "profiles/web.json" }`.
fn seccomp(r: &mut Reader<'_>, node: &Node) -> Option<Spanned<Seccomp>> {
    if let NodeKind::Map(_) = node.kind {
        let mut t = r.table(node, "seccomp".into(), node.span)?;
        let profile = t.required(r, "localhost", Reader::string);
        t.finish(r);
        return profile.map(|p| Spanned::new(Seccomp::Localhost(p), node.span));
    }
    if matches!(&node.kind, NodeKind::Str(word) if word == "Localhost") {
        r.report(
            Diagnostic::error(Code::MissingField, "a `Localhost` seccomp profile needs its file")
                .label(node.span, "which profile?")
                .help("name the profile file on the node: seccomp = { localhost = \"profiles/web.json\" }"),
        );
        return None;
    }
    let kind: Spanned<SeccompType> = r.choice(node)?;
    let value = match kind.value {
        SeccompType::RuntimeDefault => Seccomp::RuntimeDefault,
        SeccompType::Unconfined => Seccomp::Unconfined,
    };
    Some(Spanned::new(value, kind.span))
}

/// `{ "net.core.somaxconn" = "1024" }`; numbers are taken as their text.
fn sysctls(r: &mut Reader<'_>, node: &Node) -> Option<Vec<KeyValue>> {
    let NodeKind::Map(entries) = &node.kind else {
        r.wrong_type(node, "a table of sysctls");
        return None;
    };
    let mut out = Vec::with_capacity(entries.len());
    for entry in entries {
        let value = match &entry.value.kind {
            NodeKind::Int(n) => Some(Spanned::new(n.to_string(), entry.value.span)),
            _ => r.string(&entry.value),
        };
        if let Some(value) = value {
            out.push(KeyValue {
                key: Spanned::new(entry.key.clone(), entry.key_span),
                value,
            });
        }
    }
    Some(out)
}
