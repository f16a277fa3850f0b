//! `[lint]`: rule levels a step (or a `kstep.toml`) sets for `kstep lint`.

use super::Spanned;
use crate::diagnostic::Code;

/// What a rule's findings become.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Level {
    Allow,
    Warn,
    Deny,
}

impl Level {
    pub(crate) const WORDS: &'static [&'static str] = &["allow", "warn", "deny"];

    pub(crate) fn from_word(word: &str) -> Option<Level> {
        match word {
            "allow" => Some(Level::Allow),
            "warn" => Some(Level::Warn),
            "deny" => Some(Level::Deny),
            _ => None,
        }
    }
}

/// The `[lint]` table: a level per rule, in source order.
pub(crate) type LintLevels = Vec<(Code, Spanned<Level>)>;
