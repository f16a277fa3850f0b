//! Rule levels: `[lint]` tables (in a `kstep.toml` and in the step file, the step's winning)
//! map rule names to `allow`, `warn` or `deny`.

use std::collections::BTreeMap;

use crate::diagnostic::{Code, Diagnostic, Severity};
use crate::model::{Level, Spanned};

/// The levels in force for one step.
#[derive(Clone, Debug, Default)]
pub(crate) struct LintConfig {
    levels: BTreeMap<Code, Spanned<Level>>,
}

impl LintConfig {
    /// Sets levels; later calls win (a `kstep.toml` first, then the step's `[lint]`).
    pub(crate) fn extend(&mut self, levels: impl IntoIterator<Item = (Code, Spanned<Level>)>) {
        self.levels.extend(levels);
    }

    /// A rule's finding at its configured level; `None` when the rule is allowed.
    pub(crate) fn apply(&self, mut diagnostic: Diagnostic) -> Option<Diagnostic> {
        match self.levels.get(&diagnostic.code).map(|l| l.value) {
            None => {}
            Some(Level::Allow) => return None,
            Some(Level::Warn) => diagnostic.severity = Severity::Warning,
            Some(Level::Deny) => diagnostic.severity = Severity::Error,
        }
        Some(diagnostic)
    }
}
