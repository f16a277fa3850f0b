//! Rules about privilege, and the notes that show each opt-out of kstep's secure defaults.
//!
//! kstep's defaults leave most of these rules nothing to find: a step gets a warning only
//! where it weakens a default or skips a hardening kstep does not make the default (a
//! read-only root filesystem). Every weakening is also a `secure-default-opt-out` note; the
//! note is dropped where a rule already reports the same place, so it shows only when that
//! rule is allowed.

use super::Rules;
use crate::diagnostic::{Code, Diagnostic};
use crate::model::{Container, Identity, Seccomp, Spanned, VolumeSource, capability_name};

/// Capabilities the Pod Security "baseline" profile allows a container to add.
const BASELINE_CAPABILITIES: &[&str] = &[
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

/// Host paths that hand a pod the node: runtime sockets, system and kubelet directories.
const SENSITIVE_PATHS: &[&str] = &[
    "/",
    "/boot",
    "/dev",
    "/etc",
    "/home",
    "/proc",
    "/root",
    "/run",
    "/run/containerd",
    "/run/crio",
    "/run/docker.sock",
    "/sys",
    "/var/lib/docker",
    "/var/lib/kubelet",
    "/var/run",
];

/// Directories whose contents are sensitive too (the kubelet's pods and credentials, the
/// runtime sockets `/run/containerd/containerd.sock` and `/run/crio/crio.sock`); the others
/// are matched exactly: `/etc/ssl/certs` is a common, harmless read-only mount, `/etc` is not.
const SENSITIVE_TREES: &[&str] = &[
    "/boot",
    "/etc/kubernetes",
    "/proc",
    "/root",
    "/run/containerd",
    "/run/crio",
    "/var/lib/docker",
    "/var/lib/etcd",
    "/var/lib/kubelet",
    "/var/run",
];

/// Whether a host path is a sensitive one, or inside a sensitive tree.
fn sensitive(path: &str) -> bool {
    SENSITIVE_PATHS.contains(&path)
        || SENSITIVE_TREES.iter().any(|tree| {
            path.strip_prefix(tree)
                .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
        })
}

pub(super) fn check(rules: &mut Rules<'_>) {
    let step = rules.step;
    let pod = &step.pod;
    identity(rules, &pod.security.identity, "the pod");
    if let Some(token) = pod
        .automount_service_account_token
        .as_ref()
        .filter(|t| t.value)
    {
        rules.opt_out(token.span, "mounts the service account token");
        rules.report(
            Diagnostic::warning(Code::ServiceAccountToken, "the pod mounts its service account's API token")
                .label(token.span, "token mounted")
                .help("remove `automount_service_account_token` unless the app calls the Kubernetes API: a stolen token acts with the account's permissions"),
        );
    }
    for (key, flag) in [
        ("host_network", &pod.host_network),
        ("host_pid", &pod.host_pid),
        ("host_ipc", &pod.host_ipc),
    ] {
        let Some(flag) = flag.as_ref().filter(|f| f.value) else {
            continue;
        };
        rules.opt_out(flag.span, &format!("shares the node's namespace (`{key}`)"));
        rules.report(
            Diagnostic::warning(Code::HostNamespace, format!("the pod shares the node's {} namespace", &key[5..]))
                .label(flag.span, format!("`{key} = true`"))
                .help("the pod sees and can reach the node's processes or network; remove it unless the workload is a node agent"),
        );
    }
    for volume in &step.volumes {
        if let VolumeSource::HostPath { path, .. } = &volume.source {
            let normalized = path.value.trim_end_matches('/');
            let normalized = if normalized.is_empty() {
                "/"
            } else {
                normalized
            };
            if sensitive(normalized) {
                rules.report(
                    Diagnostic::warning(
                        Code::SensitiveHostPath,
                        format!("volume `{}` mounts the node's `{}`", volume.name.value, path.value),
                    )
                    .label(path.span, "a sensitive path on the node")
                    .help("a runtime socket or a system directory gives the pod control of the node; use another volume kind, or a narrow path"),
                );
            }
        }
    }
    for container in &step.containers {
        self::container(rules, container);
    }
}

fn identity(rules: &mut Rules<'_>, identity: &Identity, who: &str) {
    if let Some(non_root) = identity.run_as_non_root.as_ref().filter(|n| !n.value) {
        if rules.step.pod.is_restricted() {
            rules.opt_out(non_root.span, "allows running as root");
        }
        rules.report(
            Diagnostic::warning(Code::MayRunAsRoot, format!("{who} may run as root"))
                .label(non_root.span, "`run_as_non_root = false`")
                .help("run the image as a numeric non-root user (`run_as_user = 1000`) and remove this; root in a container is one kernel bug away from root on the node"),
        );
    }
    if let Some(Spanned {
        value: Seccomp::Unconfined,
        span,
    }) = &identity.seccomp
    {
        rules.opt_out(*span, "runs without a seccomp profile");
    }
}

/// A container that nothing keeps from running as root: no user id above 0 and no
/// `run_as_non_root = true` of its own or its pod's, and not the `restricted` profile. Its
/// image decides, and most public images run as root. (An explicit `run_as_non_root =
/// false` is reported where it is written, by `identity`.)
fn unguarded_root(rules: &mut Rules<'_>, container: &Container) {
    let pod = &rules.step.pod.security.identity;
    let own = &container.security.identity;
    let user = own.run_as_user.as_ref().or(pod.run_as_user.as_ref());
    let flag = own
        .run_as_non_root
        .as_ref()
        .or(pod.run_as_non_root.as_ref());
    let guarded = user.is_some_and(|u| u.value > 0)
        || match flag {
            Some(flag) => flag.value,
            None => rules.step.pod.is_restricted(),
        };
    if guarded || flag.is_some_and(|f| !f.value) {
        return;
    }
    let Some(name) = &container.name else {
        return;
    };
    let diagnostic = match user {
        Some(user) => Diagnostic::warning(
            Code::MayRunAsRoot,
            format!("{} runs as root", container.describe()),
        )
        .label(user.span, "user 0 is root")
        .help("run it as a non-root user if the image allows (`run_as_user = 10001`); root in a container is one kernel bug away from root on the node"),
        None => Diagnostic::warning(
            Code::MayRunAsRoot,
            format!("nothing says {} runs as non-root", container.describe()),
        )
        .label(name.span, "runs as the image's user, often root")
        .help("give the image's numeric non-root user, `security = { run_as_user = 10001 }`, or choose `security_profile = \"restricted\"` in `[pod]` (or in a `kstep.toml`) so that the kubelet refuses to start it as root; root in a container is one kernel bug away from root on the node"),
    };
    rules.report(diagnostic);
}

fn container(rules: &mut Rules<'_>, container: &Container) {
    let security = &container.security;
    identity(rules, &security.identity, &container.describe());
    unguarded_root(rules, container);
    if let Some(privileged) = security.privileged.as_ref().filter(|p| p.value) {
        rules.opt_out(privileged.span, "runs privileged");
        rules.report(
            Diagnostic::warning(Code::PrivilegedContainer, format!("{} is privileged", container.describe()))
                .label(privileged.span, "`privileged = true`")
                .help("a privileged container has every capability and all devices of the node; add only the capabilities it needs instead"),
        );
    }
    if let Some(escalation) = security
        .allow_privilege_escalation
        .as_ref()
        .filter(|e| e.value)
    {
        rules.opt_out(escalation.span, "allows privilege escalation");
        rules.report(
            Diagnostic::warning(
                Code::PrivilegeEscalation,
                format!("{} may gain privileges", container.describe()),
            )
            .label(escalation.span, "`allow_privilege_escalation = true`")
            .help("remove it: setuid binaries and file capabilities can then not raise the process's privileges"),
        );
    }
    if let Some(caps) = &security.capabilities {
        if let Some(drop) = &caps.drop
            && rules.step.pod.is_restricted()
            && !drop
                .value
                .iter()
                .any(|c| capability_name(&c.value) == "ALL")
        {
            rules.opt_out(drop.span, "keeps capabilities instead of dropping all");
            rules.report(
                Diagnostic::warning(
                    Code::CapabilitiesNotDropped,
                    format!(
                        "{} keeps the runtime's default capabilities",
                        container.describe()
                    ),
                )
                .label(drop.span, "`drop` without `ALL`")
                .help("remove `drop` (the `restricted` profile then drops `ALL`) and `add` the few the process needs"),
            );
        }
        for cap in &caps.add {
            rules.opt_out(cap.span, &format!("adds capability `{}`", cap.value));
            let name = capability_name(&cap.value);
            if !BASELINE_CAPABILITIES.contains(&name.as_str()) {
                rules.report(
                    Diagnostic::warning(
                        Code::DangerousCapability,
                        format!("{} adds `{}`", container.describe(), cap.value),
                    )
                    .label(cap.span, "a powerful capability")
                    .help("it reaches beyond the container (Pod Security \"baseline\" forbids it); make sure the workload needs it"),
                );
            }
        }
    }
    match &security.read_only_root_filesystem {
        Some(read_only) if read_only.value => {}
        written => {
            let span = written
                .as_ref()
                .map(|w| w.span)
                .or(container.name.as_ref().map(|n| n.span));
            if let Some(span) = span {
                rules.report(
                    Diagnostic::warning(
                        Code::WritableRootFilesystem,
                        format!("{} can write to its root filesystem", container.describe()),
                    )
                    .label(span, "root filesystem writable")
                    .help("set `security = { read_only_root_filesystem = true }` and mount an `empty_dir` where the app writes"),
                );
            }
        }
    }
    for port in &container.ports {
        if let Some(host) = &port.host_port {
            rules.report(
                Diagnostic::warning(Code::HostPort, format!("port {} is bound on the node", port.port.value))
                    .label(host.span, "host port")
                    .help("use a Service to reach the pod; a host port limits the pod to one per node and exposes the node"),
            );
        }
    }
}
