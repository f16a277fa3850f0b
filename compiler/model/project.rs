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
