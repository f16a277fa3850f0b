//! Security contexts: who a container runs as and what it may do.
//!
//! kstep's defaults are the safe ones (no privilege escalation, every capability dropped,
//! seccomp `RuntimeDefault`, run as non-root); these types hold only what the step says, so
//! that lowering can apply the defaults and checking can see every explicit opt-out.

use super::{KeyValue, Spanned};

/// Fields a pod and a container both have.
#[derive(Clone, Debug, Default)]
pub(crate) struct Identity {
    pub(crate) run_as_user: Option<Spanned<i64>>,
    pub(crate) run_as_group: Option<Spanned<i64>>,
    pub(crate) run_as_non_root: Option<Spanned<bool>>,
    pub(crate) seccomp: Option<Spanned<Seccomp>>,
    pub(crate) se_linux: Option<SeLinux>,
}

/// A container's `security`.
#[derive(Clone, Debug, Default)]
pub(crate) struct ContainerSecurity {
    pub(crate) identity: Identity,
    pub(crate) read_only_root_filesystem: Option<Spanned<bool>>,
    pub(crate) allow_privilege_escalation: Option<Spanned<bool>>,
    pub(crate) privileged: Option<Spanned<bool>>,
    pub(crate) capabilities: Option<Capabilities>,
}

impl ContainerSecurity {
    /// Whether the step makes the container privileged.
    pub(crate) fn is_privileged(&self) -> bool {
        self.privileged.as_ref().is_some_and(|p| p.value)
    }

    /// Whether it adds `SYS_ADMIN` (the API treats it like privileged for escalation).
    pub(crate) fn adds_sys_admin(&self) -> bool {
        self.capabilities.as_ref().is_some_and(|c| {
            c.add
                .iter()
                .any(|a| capability_name(&a.value) == "SYS_ADMIN")
        })
    }
}

/// The pod's `security`.
#[derive(Clone, Debug, Default)]
pub(crate) struct PodSecurity {
    pub(crate) identity: Identity,
    pub(crate) fs_group: Option<Spanned<i64>>,
    pub(crate) supplemental_groups: Vec<Spanned<i64>>,
    /// Kernel parameters, name to value.
    pub(crate) sysctls: Vec<KeyValue>,
}

/// A seccomp profile.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Seccomp {
    RuntimeDefault,
    Unconfined,
    /// A profile file on the node, relative to the kubelet's seccomp directory.
    Localhost(Spanned<String>),
}

impl Seccomp {
    pub(crate) fn type_word(&self) -> &'static str {
        match self {
            Seccomp::RuntimeDefault => "RuntimeDefault",
            Seccomp::Unconfined => "Unconfined",
            Seccomp::Localhost(_) => "Localhost",
        }
    }
}

/// Linux capabilities to add and drop. `drop` is `None` when the step does not say, and
/// kstep drops `ALL`.
#[derive(Clone, Debug)]
pub(crate) struct Capabilities {
    pub(crate) add: Vec<Spanned<String>>,
    pub(crate) drop: Option<Spanned<Vec<Spanned<String>>>>,
}

/// SELinux labels.
#[derive(Clone, Debug)]
pub(crate) struct SeLinux {
    pub(crate) user: Option<Spanned<String>>,
    pub(crate) role: Option<Spanned<String>>,
    pub(crate) type_: Option<Spanned<String>>,
    pub(crate) level: Option<Spanned<String>>,
}

/// A capability without the optional `CAP_` prefix, upper case: `cap_net_admin` →
/// `NET_ADMIN`.
pub(crate) fn capability_name(written: &str) -> String {
    let upper = written.to_ascii_uppercase();
    upper.strip_prefix("CAP_").unwrap_or(&upper).to_owned()
}
