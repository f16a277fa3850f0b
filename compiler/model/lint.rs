//! `[lint]`: rule levels a step (or a `kstep.toml`) sets for `kstep lint`.

use super::Spanned;
pub(crate) use super::choice::Level;
use crate::diagnostic::Code;

/// The `[lint]` table: a level per rule, in source order.
pub(crate) type LintLevels = Vec<(Code, Spanned<Level>)>;
