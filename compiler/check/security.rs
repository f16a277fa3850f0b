//! Security contexts: user and group ids in range, no root where non-root is required (by
//! `run_as_non_root` or the `restricted` profile), Linux capability names, privilege escalation the API cannot turn
//! off, seccomp profile paths, and sysctls.

use std::collections::BTreeMap;

use super::{Cx, k8s};
use crate::diagnostic::closest;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Container, Identity, Pod, Seccomp, SecurityProfile, Spanned, capability_name};
use crate::source::Span;

/// Linux capabilities (capabilities(7)), without the `CAP_` prefix.
const CAPABILITIES: &[&str] = &[
    "AUDIT_CONTROL",
    "AUDIT_READ",
    "AUDIT_WRITE",
    "BLOCK_SUSPEND",
    "BPF",
    "CHECKPOINT_RESTORE",
    "CHOWN",
    "DAC_OVERRIDE",
    "DAC_READ_SEARCH",
    "FOWNER",
    "FSETID",
    "IPC_LOCK",
    "IPC_OWNER",
    "KILL",
    "LEASE",
    "LINUX_IMMUTABLE",
    "MAC_ADMIN",
    "MAC_OVERRIDE",
    "MKNOD",
    "NET_ADMIN",
    "NET_BIND_SERVICE",
    "NET_BROADCAST",
    "NET_RAW",
    "PERFMON",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYSLOG",
    "SYS_ADMIN",
    "SYS_BOOT",
    "SYS_CHROOT",
    "SYS_MODULE",
    "SYS_NICE",
    "SYS_PACCT",
    "SYS_PTRACE",
    "SYS_RAWIO",
    "SYS_RESOURCE",
    "SYS_TIME",
    "SYS_TTY_CONFIG",
    "WAKE_ALARM",
];

/// Sysctls every kubelet allows (the "safe" set of Kubernetes 1.34).
const SAFE_SYSCTLS: &[&str] = &[
    "kernel.shm_rmid_forced",
    "net.ipv4.ip_local_port_range",
    "net.ipv4.ip_local_reserved_ports",
    "net.ipv4.ip_unprivileged_port_start",
    "net.ipv4.ping_group_range",
    "net.ipv4.tcp_fin_timeout",
    "net.ipv4.tcp_keepalive_intvl",
    "net.ipv4.tcp_keepalive_probes",
    "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_rmem",
    "net.ipv4.tcp_syncookies",
    "net.ipv4.tcp_wmem",
];

/// The largest user or group id the API accepts.
const MAX_ID: i64 = i32::MAX as i64;

pub(super) fn check(cx: &mut Cx<'_>) {
    let pod = &cx.step.pod;
    ids(cx, &pod.security.identity);
    if let Some(group) = &pod.security.fs_group {
        cx.range(group, "`fs_group`", 0, MAX_ID);
    }
    for group in &pod.security.supplemental_groups {
        cx.range(group, "a supplemental group", 0, MAX_ID);
    }
    seccomp(cx, &pod.security.identity);
    sysctls(cx);
    root(cx);
    for container in &cx.step.containers {
        let security = &container.security;
        ids(cx, &security.identity);
        seccomp(cx, &security.identity);
        capabilities(cx, container);
        escalation(cx, container);
    }
}

fn ids(cx: &mut Cx<'_>, identity: &Identity) {
    for (key, id) in [
        ("run_as_user", &identity.run_as_user),
        ("run_as_group", &identity.run_as_group),
    ] {
        if let Some(id) = id {
            cx.range(id, &format!("`{key}`"), 0, MAX_ID);
        }
    }
}

/// What requires a container to run as non-root: a `run_as_non_root = true` (the
/// container's own, else the pod's), or, where neither says, the `restricted` profile.
enum NonRoot<'a> {
    Flag(&'a Spanned<bool>),
    Profile(&'a Spanned<SecurityProfile>),
}

impl NonRoot<'_> {
    fn span(&self) -> Span {
        match self {
            NonRoot::Flag(flag) => flag.span,
            NonRoot::Profile(profile) => profile.span,
        }
    }
}

/// What requires `container` to run as non-root, if anything.
fn non_root_required<'a>(pod: &'a Pod, container: &'a Container) -> Option<NonRoot<'a>> {
    let flag = container.security.identity.run_as_non_root.as_ref().or(pod
        .security
        .identity
        .run_as_non_root
        .as_ref());
    match flag {
        Some(flag) => flag.value.then_some(NonRoot::Flag(flag)),
        None => pod
            .security_profile
            .as_ref()
            .filter(|p| p.value == SecurityProfile::Restricted)
            .map(NonRoot::Profile),
    }
}

/// Running as user 0 where non-root is required fails: the kubelet refuses the container.
/// A user 0 set on the pod is reported once, at the pod, with the first place that requires
/// non-root for a container that inherits it.
fn root(cx: &mut Cx<'_>) {
    let step = cx.step;
    let pod = &step.pod;
    if let Some(user) = pod
        .security
        .identity
        .run_as_user
        .as_ref()
        .filter(|u| u.value == 0)
    {
        let required = step
            .containers
            .iter()
            .filter(|c| c.security.identity.run_as_user.is_none())
            .find_map(|c| non_root_required(pod, c));
        if let Some(requirement) = required {
            report_root(cx, "the pod", user, &requirement);
        }
    }
    for container in &step.containers {
        let own = &container.security.identity;
        let Some(user) = own.run_as_user.as_ref().filter(|u| u.value == 0) else {
            continue;
        };
        if let Some(requirement) = non_root_required(pod, container) {
            report_root(cx, &container.describe(), user, &requirement);
        }
    }
}

fn report_root(cx: &mut Cx<'_>, who: &str, user: &Spanned<i64>, requirement: &NonRoot<'_>) {
    let diagnostic = Diagnostic::error(
        Code::RunsAsRoot,
        format!("{who} runs as root (user 0), but must run as non-root"),
    )
    .label(user.span, "user 0 is root");
    let diagnostic = match requirement {
        NonRoot::Flag(_) => diagnostic
            .label(requirement.span(), "non-root required here")
            .help("run as another user (e.g. `run_as_user = 1000`), or, if the image needs root, remove this `run_as_non_root = true`"),
        NonRoot::Profile(_) => diagnostic
            .label(requirement.span(), "the `restricted` profile requires non-root")
            .help("run as another user (e.g. `run_as_user = 1000`), or, if the image needs root, opt out with `run_as_non_root = false` in the same `security` table"),
    };
    cx.report(diagnostic);
}

fn capabilities(cx: &mut Cx<'_>, container: &Container) {
    let Some(caps) = &container.security.capabilities else {
        return;
    };
    let drop = caps
        .drop
        .as_ref()
        .map(|d| d.value.as_slice())
        .unwrap_or_default();
    for cap in caps.add.iter().chain(drop) {
        let name = capability_name(&cap.value);
        if name == "ALL" || CAPABILITIES.contains(&name.as_str()) {
            continue;
        }
        let mut diagnostic = Diagnostic::error(
            Code::InvalidCapability,
            format!("`{}` is not a Linux capability", cap.value),
        )
        .label(cap.span, "unknown capability");
        diagnostic = match closest(&name, CAPABILITIES) {
            Some(hit) => diagnostic.suggest(hit),
            None => diagnostic.help(
                "use a name from capabilities(7) without the `CAP_` prefix, e.g. `NET_BIND_SERVICE`, or `ALL`",
            ),
        };
        cx.report(diagnostic);
    }
}

/// The API rejects `allowPrivilegeEscalation: false` with `privileged: true` or with
/// `SYS_ADMIN` added: both grant escalation anyway.
fn escalation(cx: &mut Cx<'_>, container: &Container) {
    let security = &container.security;
    let Some(escalation) = &security.allow_privilege_escalation else {
        return;
    };
    if escalation.value {
        return;
    }
    let cause = if let Some(privileged) = security.privileged.as_ref().filter(|p| p.value) {
        ("`privileged = true`", privileged.span)
    } else if let Some(cap) = security.capabilities.as_ref().and_then(|c| {
        c.add
            .iter()
            .find(|a| capability_name(&a.value) == "SYS_ADMIN")
    }) {
        ("`SYS_ADMIN`", cap.span)
    } else {
        return;
    };
    cx.report(
        Diagnostic::error(
            Code::ConflictingFields,
            format!(
                "`allow_privilege_escalation = false` contradicts {}",
                cause.0
            ),
        )
        .label(escalation.span, "escalation turned off")
        .label(cause.1, "grants escalation anyway")
        .help("remove `allow_privilege_escalation`, or the setting that grants privileges"),
    );
}

fn seccomp(cx: &mut Cx<'_>, identity: &Identity) {
    let Some(Spanned {
        value: Seccomp::Localhost(path),
        ..
    }) = &identity.seccomp
    else {
        return;
    };
    if path.value.is_empty() {
        cx.report(
            Diagnostic::error(Code::EmptyValue, "the seccomp profile file is empty")
                .label(path.span, "no file")
                .help("name the profile file, relative to the kubelet's seccomp directory, e.g. `profiles/web.json`"),
        );
    } else {
        cx.syntax(path, "seccomp profile path", &k8s::SECCOMP_PATH);
    }
}

fn sysctls(cx: &mut Cx<'_>) {
    let pod = &cx.step.pod;
    let mut seen = BTreeMap::new();
    for sysctl in &pod.security.sysctls {
        let name = &sysctl.key;
        if let Err(reason) = sysctl_name(&name.value) {
            cx.report(
                Diagnostic::error(
                    Code::InvalidSysctl,
                    format!("invalid sysctl name `{}`: {reason}", name.value),
                )
                .label(name.span, "not a sysctl name")
                .help("write the sysctl as `sysctl -a` lists it, e.g. `net.core.somaxconn`"),
            );
            continue;
        }
        // The kubelet reads `/` as a separator too: `net/core/somaxconn`.
        let canonical = name.value.replace('/', ".");
        if let Some(first) = seen.insert(canonical.clone(), name.span) {
            cx.report(
                Diagnostic::error(
                    Code::InvalidSysctl,
                    format!("sysctl `{canonical}` is set twice"),
                )
                .label(name.span, "set again here")
                .label(first, "first set here")
                .help("keep one of the two"),
            );
            continue;
        }
        let ipc = is_ipc_sysctl(&canonical);
        let host_ipc = pod.host_ipc.as_ref().is_some_and(|h| h.value);
        if !canonical.starts_with("net.") && !ipc {
            cx.report(
                Diagnostic::error(
                    Code::InvalidSysctl,
                    format!("`{canonical}` is not a namespaced sysctl: a pod cannot set it"),
                )
                .label(name.span, "applies to the whole node")
                .help("only `net.*` and the IPC sysctls (`kernel.shm*`, `kernel.msg*`, `kernel.sem`, `fs.mqueue.*`) belong to a pod; set node-wide ones on the node"),
            );
        } else if pod.host_network() && canonical.starts_with("net.") {
            cx.report(
                Diagnostic::error(
                    Code::InvalidSysctl,
                    format!("network sysctl `{canonical}` with the host's network"),
                )
                .label(name.span, "would change the node's network stack")
                .help("remove the sysctl, or `host_network`"),
            );
        } else if host_ipc && ipc {
            cx.report(
                Diagnostic::error(
                    Code::InvalidSysctl,
                    format!("IPC sysctl `{canonical}` with the host's IPC namespace"),
                )
                .label(name.span, "would change the node's IPC settings")
                .help("remove the sysctl, or `host_ipc`"),
            );
        } else if !SAFE_SYSCTLS.contains(&canonical.as_str()) {
            cx.report(
                Diagnostic::warning(
                    Code::UnsafeSysctl,
                    format!("`{canonical}` is not one of the sysctls every kubelet allows"),
                )
                .label(name.span, "unsafe sysctl")
                .help("the pod fails with `SysctlForbidden` unless its nodes' kubelets list it in `--allowed-unsafe-sysctls`"),
            );
        }
    }
}

/// Sysctls of the IPC namespace, which a pod has of its own.
fn is_ipc_sysctl(name: &str) -> bool {
    name.starts_with("kernel.shm")
        || name.starts_with("kernel.msg")
        || name == "kernel.sem"
        || name.starts_with("fs.mqueue.")
}

/// The API's sysctl name format: dot- or slash-separated segments of lower-case letters,
/// digits, `-` and `_`, starting and ending with a letter or digit; at most 253 characters.
fn sysctl_name(name: &str) -> Result<(), String> {
    if name.is_empty() {
        return Err("it is empty".into());
    }
    if name.len() > 253 {
        return Err("it is longer than 253 characters".into());
    }
    for segment in name.split(['.', '/']) {
        let valid = !segment.is_empty()
            && segment
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
            && segment.as_bytes()[0].is_ascii_alphanumeric()
            && segment.as_bytes()[segment.len() - 1].is_ascii_alphanumeric();
        if !valid {
            return Err(format!(
                "segment `{segment}` must consist of lower case letters, digits, '-' and '_', starting and ending with a letter or digit"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sysctl_names() {
        assert!(sysctl_name("net.core.somaxconn").is_ok());
        assert!(sysctl_name("kernel/shm_rmid_forced").is_ok());
        assert!(sysctl_name("Net.core").is_err());
        assert!(sysctl_name("net..core").is_err());
        assert!(sysctl_name("net.core-").is_err());
    }

    #[test]
    fn capability_names_drop_the_prefix() {
        assert_eq!(capability_name("cap_net_admin"), "NET_ADMIN");
        assert!(CAPABILITIES.contains(&capability_name("CAP_SYS_ADMIN").as_str()));
    }
}
