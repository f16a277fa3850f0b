//! `kstep.toml`: settings shared by every step file below it.
//!
//! A step's own setting wins over its project's; a project file only fills in what the step
//! leaves out. Its tables mirror the step file's (`[lint]`, `[pod] security_profile`), so a
//! setting is spelt the same in both places.

use super::{LintLevels, SecurityProfile, Spanned};

#[derive(Clone, Debug, Default)]
pub(crate) struct Project {
    /// `[lint]`: rule levels for `kstep lint`.
    pub(crate) lint: LintLevels,
    /// `[pod] security_profile`: the profile of every step that does not choose one.
    pub(crate) security_profile: Option<Spanned<SecurityProfile>>,
}

/// `[compile]` of the `kstep.toml` nearest the current directory: defaults of a run, which
/// the command line's flags override (`-o`, `--manifest-format`, `--env`).
#[derive(Clone, Debug, Default)]
pub(crate) struct RunDefaults {
    /// `output`: the output directory, already joined to the `kstep.toml`'s directory.
    pub(crate) output: Option<Spanned<std::path::PathBuf>>,
    /// `manifest_format`.
    pub(crate) manifest_format: Option<Spanned<crate::emit::Format>>,
    /// `env`: the environment whose `[env.NAME.vars]` apply.
    pub(crate) environment: Option<Spanned<String>>,
}
