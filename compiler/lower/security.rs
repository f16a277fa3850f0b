//! Security contexts, with kstep's secure defaults filled in where the step says nothing.
//!
//! Every profile writes the defaults that never keep an ordinary image from starting: the
//! pod runs with seccomp `RuntimeDefault`, and no container may escalate privileges. The
//! `restricted` profile adds what the Pod Security Standard of that name requires and what
//! breaks images that run as root: the pod runs as non-root, and every container drops all
//! capabilities. What the step writes itself always wins.

use k8s_openapi::api::core::v1 as core;

use super::non_empty;
use crate::model::{
    ContainerSecurity, Identity, KeyValue, PodSecurity, SeLinux, Seccomp, SecurityProfile, Spanned,
    capability_name,
};

/// The pod's security context.
pub(super) fn pod(security: &PodSecurity, profile: SecurityProfile) -> core::PodSecurityContext {
    let identity = &security.identity;
    let restricted = profile == SecurityProfile::Restricted;
    core::PodSecurityContext {
        run_as_user: int(&identity.run_as_user),
        run_as_group: int(&identity.run_as_group),
        run_as_non_root: flag(&identity.run_as_non_root).or(restricted.then_some(true)),
        seccomp_profile: Some(identity.seccomp.as_ref().map_or_else(
            || seccomp_profile(&Seccomp::RuntimeDefault),
            |s| seccomp_profile(&s.value),
        )),
        se_linux_options: identity.se_linux.as_ref().map(se_linux),
        fs_group: int(&security.fs_group),
        supplemental_groups: non_empty(
            security
                .supplemental_groups
                .iter()
                .map(|g| g.value)
                .collect(),
        ),
        sysctls: non_empty(security.sysctls.iter().map(sysctl).collect()),
        ..core::PodSecurityContext::default()
    }
}

/// A container's security context. Privilege escalation stays off unless the container is
/// privileged or adds `SYS_ADMIN`, where the API forbids turning it off.
pub(super) fn container(
    security: &ContainerSecurity,
    profile: SecurityProfile,
) -> core::SecurityContext {
    let escalation = flag(&security.allow_privilege_escalation)
        .or((!security.is_privileged() && !security.adds_sys_admin()).then_some(false));
    // Capabilities by their canonical names (`NET_ADMIN`, not `cap_net_admin`): what Pod
    // Security admission and the runtimes compare. A privileged container has them all, so
    // dropping some by default would only be noise.
    let caps = security.capabilities.as_ref();
    let drop = match caps.and_then(|c| c.drop.as_ref()) {
        Some(drop) => names(&drop.value),
        None if security.is_privileged() || profile != SecurityProfile::Restricted => Vec::new(),
        None => vec!["ALL".to_owned()],
    };
    let add = caps.map(|c| names(&c.add)).unwrap_or_default();
    let capabilities = core::Capabilities {
        add: non_empty(add),
        drop: non_empty(drop),
    };
    let identity: &Identity = &security.identity;
    core::SecurityContext {
        allow_privilege_escalation: escalation,
        capabilities: (capabilities != core::Capabilities::default()).then_some(capabilities),
        privileged: flag(&security.privileged),
        read_only_root_filesystem: flag(&security.read_only_root_filesystem),
        run_as_user: int(&identity.run_as_user),
        run_as_group: int(&identity.run_as_group),
        run_as_non_root: flag(&identity.run_as_non_root),
        seccomp_profile: identity.seccomp.as_ref().map(|s| seccomp_profile(&s.value)),
        se_linux_options: identity.se_linux.as_ref().map(se_linux),
        ..core::SecurityContext::default()
    }
}

fn int(value: &Option<Spanned<i64>>) -> Option<i64> {
    value.as_ref().map(|v| v.value)
}

fn flag(value: &Option<Spanned<bool>>) -> Option<bool> {
    value.as_ref().map(|v| v.value)
}

/// Canonical capability names, each once, in the order first given (`net_raw` and
/// `CAP_NET_RAW` are the same capability).
fn names(items: &[Spanned<String>]) -> Vec<String> {
    let mut names: Vec<String> = Vec::with_capacity(items.len());
    for name in items.iter().map(|s| capability_name(&s.value)) {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

fn seccomp_profile(seccomp: &Seccomp) -> core::SeccompProfile {
    core::SeccompProfile {
        type_: seccomp.type_word().to_owned(),
        localhost_profile: match seccomp {
            Seccomp::Localhost(path) => Some(path.value.clone()),
            _ => None,
        },
    }
}

fn se_linux(options: &SeLinux) -> core::SELinuxOptions {
    let text = |v: &Option<Spanned<String>>| v.as_ref().map(|v| v.value.clone());
    core::SELinuxOptions {
        user: text(&options.user),
        role: text(&options.role),
        type_: text(&options.type_),
        level: text(&options.level),
    }
}

fn sysctl(entry: &KeyValue) -> core::Sysctl {
    core::Sysctl {
        name: entry.key.value.clone(),
        value: entry.value.value.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_baseline_defaults_start_images_that_run_as_root() {
        let pod = pod(&PodSecurity::default(), SecurityProfile::Baseline);
        assert_eq!(pod.run_as_non_root, None);
        assert_eq!(pod.seccomp_profile.unwrap().type_, "RuntimeDefault");
        let container = container(&ContainerSecurity::default(), SecurityProfile::Baseline);
        assert_eq!(container.allow_privilege_escalation, Some(false));
        assert_eq!(container.capabilities, None);
    }

    #[test]
    fn the_restricted_defaults_are_the_pod_security_standards() {
        let pod = pod(&PodSecurity::default(), SecurityProfile::Restricted);
        assert_eq!(pod.run_as_non_root, Some(true));
        assert_eq!(pod.seccomp_profile.unwrap().type_, "RuntimeDefault");
        let container = container(&ContainerSecurity::default(), SecurityProfile::Restricted);
        assert_eq!(container.allow_privilege_escalation, Some(false));
        assert_eq!(
            container.capabilities.unwrap().drop,
            Some(vec!["ALL".to_owned()])
        );
    }

    #[test]
    fn a_capability_given_twice_in_any_spelling_is_written_once() {
        let file = crate::source::SourceMap::default().add("web.toml".into(), "".into());
        let span = crate::source::Span::new(file, 0, 0);
        let given = ["NET_RAW", "chown", "cap_net_raw", "CAP_CHOWN"]
            .map(|name| Spanned::new(name.to_owned(), span));
        assert_eq!(names(&given), ["NET_RAW", "CHOWN"]);
    }
}
